package main

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"os2pulse/storage"
)

// registerTestConfig writes a configuration with two products and a
// SQLite database in dir.
func registerTestConfig(t *testing.T, dir string) string {
	t.Helper()
	return writeFile(t, dir, "os2pulse.toml", `[storage]
driver = "sqlite"
dsn = "`+filepath.Join(dir, "os2pulse.db")+`"
[[products]]
id = "os2forms"
name = "OS2forms"
governance_level = "3"
[[products]]
id = "os2faktor"
name = "OS2faktor"
governance_level = "3"
`)
}

func TestRegisterCheckProblems(t *testing.T) {
	dir := t.TempDir()
	cfg := registerTestConfig(t, dir)
	adoption := writeFile(t, dir, "adoption.csv", "organization;product;status;since;until;note\n"+
		"101;os2forms;i drift;2020-01-01;;\n"+
		"102;os2forms;production;2020-01-01;;\n"+
		"101;os2mo;production;2020-01-01;;\n"+
		"751;os2forms;production;2020-02-30;;\n"+
		"751;os2faktor;production;2020-01-01;2019-01-01;\n"+
		"101;os2forms;stopped;2022-01-01;;\n"+
		"101;os2forms;i drift;2020-01-01;;\n"+
		"region-x;os2faktor;pilot;2024-01-01;;\n"+
		"kl;os2faktor;pilot;2024-01-01;;\n")
	members := writeFile(t, dir, "members.csv", "organization,name,kind,member_since,member_until\n"+
		"101,,municipality,2015-01-01,\n"+
		"kl,KL,other,2018-01-01,\n"+
		"101,,municipality,2019-01-01,\n")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"adoption only", []string{adoption}, []string{
			adoption + `:3: unknown municipality code "102"`,
			adoption + `:4: unknown product "os2mo" (not in the configuration)`,
			adoption + `:5: since "2020-02-30" is not a date (YYYY-MM-DD or DD-MM-YYYY)`,
			adoption + `:6: until 2019-01-01 is before since 2020-01-01`,
			adoption + `:7: os2forms at 101 from 2022-01-01 (no until) overlaps line 2 (production from 2020-01-01 (no until))`,
			adoption + `:8: duplicate of line 2`,
			adoption + `:9: unknown organisation "region-x": not a kommunekode (101–860) and not defined in the members file`,
			adoption + `:10: unknown organisation "kl": not a kommunekode (101–860) and not defined in the members file`,
		}},
		{"with members file", []string{adoption, members}, []string{
			adoption + `:3: unknown municipality code "102"`,
			adoption + `:4: unknown product "os2mo" (not in the configuration)`,
			adoption + `:5: since "2020-02-30" is not a date (YYYY-MM-DD or DD-MM-YYYY)`,
			adoption + `:6: until 2019-01-01 is before since 2020-01-01`,
			adoption + `:7: os2forms at 101 from 2022-01-01 (no until) overlaps line 2 (production from 2020-01-01 (no until))`,
			adoption + `:8: duplicate of line 2`,
			adoption + `:9: unknown organisation "region-x": not a kommunekode (101–860) and not defined in the members file`,
			members + `:4: membership from 2019-01-01 (no until) overlaps line 2 (from 2015-01-01 (no until))`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, sub := range []string{"check", "import"} {
				out, errOut, err := runCLI(t, append([]string{"register", sub, "-config", cfg}, tt.args...)...)
				if !errors.Is(err, errProblems) {
					t.Fatalf("%s: err = %v, want errProblems (stderr %q)", sub, err, errOut)
				}
				if got := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n"); !equalLines(got, tt.want) {
					t.Errorf("%s: stderr\n%s\nwant\n%s", sub, errOut, strings.Join(tt.want, "\n"))
				}
				if strings.Trim(migrationLines.ReplaceAllString(out, ""), "\n") != "" {
					t.Errorf("%s: stdout %q, want nothing (but a first migration)", sub, out)
				}
			}
		})
	}
	// With the members file, import found the problems before opening the
	// database; without it, it needs the stored organisations but stores
	// nothing.
	s, err := storage.Open(context.Background(), "sqlite", filepath.Join(dir, "os2pulse.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if imps, err := s.RegisterImports(context.Background()); err != nil || len(imps) != 0 {
		t.Errorf("imports after failed imports: %v, %v", imps, err)
	}
}

func equalLines(a, b []string) bool {
	return strings.Join(a, "\n") == strings.Join(b, "\n")
}

func TestRegisterCheckOK(t *testing.T) {
	dir := t.TempDir()
	cfg := registerTestConfig(t, dir)
	adoption := writeFile(t, dir, "a.csv", "\uFEFForganization,product,status,since,until,note\n0101,os2forms,production,2020-01-01,,\nkl,os2faktor,pilot,2024-01-01,,\n")
	members := writeFile(t, dir, "m.csv", "organization,name,kind,member_since,member_until\n101,,municipality,2015-01-01,\nkl,KL,other,,\n")
	out, errOut, err := runCLI(t, "register", "check", "-config", cfg, adoption, members)
	if err != nil {
		t.Fatalf("err %v, stderr %q", err, errOut)
	}
	if want := adoption + ", " + members + ": ok (2 adoption records, 1 membership periods, 1 organisations besides municipalities)\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "os2pulse.db")); err == nil {
		t.Error("check created the database")
	}
}

func TestRegisterCheckExample(t *testing.T) {
	out, errOut, err := runCLI(t, "register", "check", "-config", "config/example.toml", "config/example/adoption.csv", "config/example/members.csv")
	if err != nil || !strings.HasPrefix(out, "config/example/adoption.csv, config/example/members.csv: ok (") {
		t.Fatalf("out %q, stderr %q, err %v", out, errOut, err)
	}
}

// TestRegisterImportAndReimport imports a register, then a changed
// adoption file alone: the summary says what changed, the replaced and
// vanished rows stay in the history, and the memberships are untouched.
func TestRegisterImportAndReimport(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := registerTestConfig(t, dir)
	adoption := writeFile(t, dir, "adoption.csv", "organization,product,status,since,until,note\n"+
		"101,os2forms,production,2020-01-01,,\n"+
		"751,os2forms,pilot,2023-01-01,,\n"+
		"kl,os2faktor,pilot,2024-01-01,,\n")
	members := writeFile(t, dir, "members.csv", "organization,name,kind,member_since,member_until\n"+
		"101,,municipality,2015-01-01,\n"+
		"kl,KL,other,2018-01-01,\n")
	out, errOut, err := runCLI(t, "register", "import", "-config", cfg, adoption, members)
	if err != nil {
		t.Fatalf("first import: %v\n%s", err, errOut)
	}
	out = migrationLines.ReplaceAllString(out, "")
	if want := "imported " + adoption + " and " + members + ": 5 added, 0 changed, 0 ended (kept in history), 0 unchanged\n"; out != want {
		t.Errorf("first import said %q, want %q", out, want)
	}

	// 751's pilot ended and became production; kl's row is gone. kl is
	// still a known organisation from the members import.
	writeFile(t, dir, "adoption.csv", "organization,product,status,since,until,note\n"+
		"101,os2forms,production,2020-01-01,,\n"+
		"751,os2forms,pilot,2023-01-01,2024-01-01,\n"+
		"751,os2forms,production,2024-01-01,,\n"+
		"kl,os2forms,planned,2025-01-01,,\n")
	out, errOut, err = runCLI(t, "register", "import", "-config", cfg, adoption)
	if err != nil {
		t.Fatalf("re-import: %v\n%s", err, errOut)
	}
	if want := "imported " + adoption + ": 2 added, 1 changed, 1 ended (kept in history), 1 unchanged\n"; out != want {
		t.Errorf("re-import said %q, want %q", out, want)
	}

	s, err := storage.Open(ctx, "sqlite", filepath.Join(dir, "os2pulse.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hist, _ := s.AdoptionHistory(ctx)
	retracted := 0
	for _, r := range hist {
		if r.RetractedAt != "" {
			retracted++
		}
	}
	if len(hist) != 6 || retracted != 2 {
		t.Errorf("history %d rows, %d retracted; want 6 and 2", len(hist), retracted)
	}
	if ms, _ := s.Memberships(ctx, ""); len(ms) != 2 {
		t.Errorf("memberships %v: an import without members file must not touch them", ms)
	}
	if imps, _ := s.RegisterImports(ctx); len(imps) != 2 || imps[0].Added != 2 || imps[0].Changed != 1 || imps[0].Ended != 1 {
		t.Errorf("imports %+v", imps)
	}

	// A bad file changes nothing.
	writeFile(t, dir, "adoption.csv", "organization,product,status,since,until,note\n101,os2forms,production,2020-01-01,,\n")
	bad := writeFile(t, dir, "bad.csv", "organization,product,status,since,until,note\n101,os2forms,live,2020-01-01,,\n")
	_, errOut, err = runCLI(t, "register", "import", "-config", cfg, bad)
	if !errors.Is(err, errProblems) || errOut != bad+`:2: status "live" is not production, pilot, planned or stopped (or i drift, pilot, planlagt, ophørt)`+"\n" {
		t.Fatalf("bad import: %v, %q", err, errOut)
	}
	if h, _ := s.AdoptionHistory(ctx); len(h) != len(hist) {
		t.Errorf("a bad import changed the history: %d rows, was %d", len(h), len(hist))
	}
}

func TestRegisterUsage(t *testing.T) {
	dir := t.TempDir()
	cfg := registerTestConfig(t, dir)
	a := writeFile(t, dir, "a.csv", "organization,product,status,since\n")
	for _, args := range [][]string{
		{"register"},
		{"register", "validate", a},
		{"register", "check", "-config", cfg},
		{"register", "import", "-config", cfg, a, a, a},
		{"register", "check", "-nope", a},
	} {
		if _, _, err := runCLI(t, args...); !errors.Is(err, errUsage) {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
	}
	for _, sub := range []string{"check", "import"} {
		_, errOut, err := runCLI(t, "register", sub, "-h")
		if !errors.Is(err, flag.ErrHelp) || !strings.Contains(errOut, "Usage: os2pulse register "+sub+" [-config FILE] REGISTER.xlsx | ADOPTION.csv [MEMBERS.csv|MEMBERS.xlsx]") ||
			!strings.Contains(errOut, "i drift, pilot, planlagt, ophørt") {
			t.Errorf("%s -h: %v\n%s", sub, err, errOut)
		}
	}
	if _, errOut, err := runCLI(t, "register", "-h"); err != nil || !strings.Contains(errOut, "register check|import|export") {
		t.Errorf("register -h: %v\n%s", err, errOut)
	}
	if _, _, err := runCLI(t, "register", "check", "-config", cfg, filepath.Join(dir, "missing.csv")); err == nil || errors.Is(err, errProblems) {
		t.Errorf("missing file: err = %v, want a plain error", err)
	}
}

// migrationLines are what a first command on a new database prints
// besides its own output.
var migrationLines = regexp.MustCompile(`(?m)^applied migration \S+\n`)
