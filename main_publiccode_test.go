package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"os2pulse/publiccode"
)

func TestPublicCodeCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := writeE2EConfig(t, dir, "http://127.0.0.1:1")
	if _, errOut, err := runCLI(t, "collect", "-config", cfg, "-source", "register"); err != nil {
		t.Fatalf("collect register: %v\n%s", err, errOut)
	}
	stdout, errOut, err := runCLI(t, "publiccode", "-config", cfg, "-product", "os2kitos", "-date", "2026-11-23")
	if err != nil || !strings.HasPrefix(stdout, "# publiccode.yml for OS2kitos, proposed by os2pulse on 2026-11-23") {
		t.Fatalf("publiccode: %v\n%s\n%.300s", err, errOut, stdout)
	}
	f, _ := publiccode.Read([]byte(stdout), "p.yml")
	if f.Name != "OS2kitos" || len(f.UsedBy) < 10 {
		t.Errorf("proposal read back %+v", f)
	}

	// check: a valid file is ok, a wrong one is listed with its lines.
	good := filepath.Join(dir, "good.yml")
	bad := filepath.Join(dir, "bad.yml")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(good, []byte(`publiccodeYmlVersion: "0.4"
name: OS2kitos
url: https://github.com/os2kitos/kitos
platforms: [web]
developmentStatus: stable
softwareType: standalone/web
legal: {license: MPL-2.0, repoOwner: OS2}
maintenance: {type: none}
localisation: {localisationReady: false, availableLanguages: [da]}
description:
  da:
    shortDescription: Overblik over it-systemer.
    longDescription: Kitos giver kommunerne et fælles overblik over it-systemer, kontrakter, databehandleraftaler og projekter, så porteføljen kan styres og dokumenteres på tværs.
`), 0o600))
	must(os.WriteFile(bad, []byte("publiccodeYmlVersion: \"0.4\"\nname: X\ndevelopmentStatus: alpha\n"), 0o600))
	stdout, errOut, err = runCLI(t, "publiccode", "check", good)
	if err != nil || stdout != good+": ok\n" {
		t.Errorf("check good: %v %q %q", err, stdout, errOut)
	}
	_, errOut, err = runCLI(t, "publiccode", "check", good, bad)
	if !errors.Is(err, errProblems) || !strings.Contains(errOut, bad+`:3: developmentStatus "alpha" is not one of`) || strings.Contains(errOut, good) {
		t.Errorf("check bad: %v\n%s", err, errOut)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-config", cfg}, "-product is required"},
		{[]string{"-config", cfg, "-product", "nope"}, `-product: there is no product "nope"`},
		{[]string{"-config", cfg, "-product", "os2kitos", "-date", "23-11-2026"}, `-date must be YYYY-MM-DD, not "23-11-2026"`},
		{[]string{"check"}, "publiccode check needs at least one file"},
	} {
		_, errOut, err := runCLI(t, append([]string{"publiccode"}, tt.args...)...)
		if !errors.Is(err, errUsage) || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: err %v, stderr %q", tt.args, err, errOut)
		}
	}
}
