package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		body    string
		wantErr error
		want    string // on stderr when wantErr, else on stdout
	}{
		{"valid", "[[products]]\nid = \"a\"\nname = \"A\"\ngovernance_level = \"1\"\nrepos = [\"A/b\"]\n", nil, ": ok (1 products, 0 goals, storage sqlite)\n"},
		{"unknown key", "[server]\nlisten = \":1\"\nlsten = \":2\"\n", errProblems, `:3: unknown key "server.lsten"` + "\n"},
		{"bad repo", "[[products]]\nid = \"a\"\nname = \"A\"\ngovernance_level = \"1\"\nrepos = [\"A/b/c/d\"]\n", errProblems,
			`:5: products[0].repos[0]: invalid repository "A/b/c/d": "A" is not a forge host name` + "\n"},
		{"unknown GitLab host", "[[products]]\nid = \"a\"\nname = \"A\"\ngovernance_level = \"1\"\nrepos = [\"git.example.org/a/b/c\"]\n", errProblems,
			`:5: products[0].repos[0]: "git.example.org/a/b/c": unknown host "git.example.org": add a [[forges]] section with host = "git.example.org" and kind = "gitlab"` + "\n"},
		{"GitLab token not set", "[[forges]]\nhost = \"git.example.org\"\ntoken_env = \"OS2PULSE_TEST_UNSET_GITLAB_TOKEN\"\n" +
			"[[products]]\nid = \"a\"\nname = \"A\"\ngovernance_level = \"1\"\nrepos = [\"git.example.org/a/b/c\", \"git.example.org/d/*\"]\n", errProblems,
			`:3: forges[0].token_env: the environment variable OS2PULSE_TEST_UNSET_GITLAB_TOKEN holding the token for git.example.org is not set` + "\n"},
	}
	os.Mkdir(filepath.Join(dir, "adir"), 0o755)
	writeFile(t, dir, "adoption.csv", "organization,product,status,since,until,note\n")
	tests = append(tests, struct {
		name    string
		body    string
		wantErr error
		want    string
	}{"missing files", "[register]\nadoption = \"adoption.csv\"\nmembers = \"nope.csv\"\n" +
		"[[products]]\nid = \"a\"\nname = \"A\"\ngovernance_level = \"1\"\nrepos = [\"x.org/a/b\"]\n" +
		"[[activity]]\nrepo = \"x.org/a/b\"\nfile = \"adir\"\n", errProblems,
		`:3: register.members: "nope.csv" does not exist (paths are relative to the configuration file)` + "\n" +
			"FILE" + `:11: activity[0].file: "adir" cannot be read: is a directory` + "\n"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, dir, strings.ReplaceAll(tt.name, " ", "_")+".toml", tt.body)
			tt.want = strings.ReplaceAll(tt.want, "FILE", p)
			out, errOut, err := runCLI(t, "config", "check", "-config", p)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v (stderr %q)", err, tt.wantErr, errOut)
			}
			got := out
			if tt.wantErr != nil {
				got = errOut
			}
			if got != p+tt.want {
				t.Fatalf("output %q, want %q", got, p+tt.want)
			}
		})
	}
}

func TestConfigCheckBuiltInExample(t *testing.T) {
	t.Chdir(t.TempDir()) // no ./os2pulse.toml here
	out, _, err := runCLI(t, "config", "check")
	if err != nil || !strings.HasPrefix(out, "built-in example (config/example.toml): ok (13 products") {
		t.Fatalf("out %q, err %v", out, err)
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr error
		want    string
	}{
		{nil, errUsage, "Commands:"},
		{[]string{"help"}, nil, "Commands:"},
		{[]string{"frobnicate"}, errUsage, `unknown command "frobnicate"`},
		{[]string{"serve", "-h"}, nil, "Usage: os2pulse serve"},
		{[]string{"collect", "-nope"}, errUsage, "flag provided but not defined: -nope"},
	}
	for _, tt := range tests {
		_, errOut, err := runCLI(t, tt.args...)
		if !errors.Is(err, tt.wantErr) && !(tt.wantErr == nil && err != nil && strings.Contains(err.Error(), "help")) {
			t.Errorf("%v: err = %v, want %v", tt.args, err, tt.wantErr)
		}
		if !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: stderr %q lacks %q", tt.args, errOut, tt.want)
		}
	}
}

func TestMigrateTwice(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "c.toml", "[storage]\ndsn = \""+filepath.Join(dir, "db.sqlite")+"\"\n")
	first, _, err := runCLI(t, "migrate", "-config", cfg)
	if err != nil || !strings.Contains(first, "applied migration 0001_init.sql") {
		t.Fatalf("first migrate: %q, %v", first, err)
	}
	out, _, err := runCLI(t, "migrate", "-config", cfg)
	applied := migrationLines.FindAllString(first, -1)
	var latest int
	fmt.Sscanf(strings.TrimPrefix(applied[len(applied)-1], "applied migration "), "%d", &latest)
	if err != nil || strings.Contains(out, "applied") || !strings.Contains(out, fmt.Sprintf("schema at version %d (sqlite)", latest)) {
		t.Fatalf("second migrate: %q, %v", out, err)
	}
}
