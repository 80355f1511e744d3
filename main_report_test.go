package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"os2pulse/figures"
	"os2pulse/figures/figurestest"
	"os2pulse/storage"
)

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := writeE2EConfig(t, dir, "http://127.0.0.1:1")
	for _, src := range []string{"register", "activity"} {
		if _, errOut, err := runCLI(t, "collect", "-config", cfg, "-source", src); err != nil {
			t.Fatalf("collect %s: %v\n%s", src, err, errOut)
		}
	}
	out := filepath.Join(dir, "report.csv")
	_, errOut, err := runCLI(t, "report", "-config", cfg, "-year", "2025", "-format", "csv", "-o", out)
	if err != nil || !strings.Contains(errOut, "wrote "+out+" (2025 report, csv, da)") {
		t.Fatalf("report: %v\n%s", err, errOut)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "\uFEFFyear,") || !strings.Contains(string(b), "2025,2025-12-31,2024-12-31,members,portfolio,,69,66,3,") {
		t.Fatalf("report csv lacks the byte-order mark or the members row:\n%.400s", b)
	}
	// For Danish Excel: semicolons and decimal commas.
	stdout, _, err := runCLI(t, "report", "-config", cfg, "-year", "2025", "-format", "csv", "-sep", "semicolon")
	if err != nil || !strings.Contains(stdout, "2025;2025-12-31;2024-12-31;members;portfolio;;69;66;3;") ||
		!regexp.MustCompile(`;three_plus;portfolio;share;0,\d{4};0,\d{4};`).MatchString(stdout) {
		t.Fatalf("report csv for Danish Excel: %v\n%.600s", err, stdout)
	}
	stdout, _, err = runCLI(t, "report", "-config", cfg, "-year", "2025", "-format", "md", "-lang", "en")
	if err != nil || !strings.HasPrefix(stdout, "# OS2 annual report 2025\n") {
		t.Fatalf("report md: %v\n%.200s", err, stdout)
	}

	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-format", "pdf"}, `-format must be one of html, md, csv, json, not "pdf"`},
		{[]string{"-year", "1800"}, "-year must be between 1990 and 2100, not 1800"},
		{[]string{"-lang", "de"}, `-lang must be da or en, not "de"`},
		{[]string{"-sep", "tab", "-format", "csv"}, `-sep must be comma or semicolon, and only with -format csv, not "tab"`},
		{[]string{"-sep", "semicolon"}, `-sep must be comma or semicolon, and only with -format csv, not "semicolon"`},
		{[]string{"extra"}, "report takes no arguments"},
	}
	for _, tt := range tests {
		_, errOut, err := runCLI(t, append([]string{"report", "-config", cfg}, tt.args...)...)
		if !errors.Is(err, errUsage) || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: err %v, stderr %q", tt.args, err, errOut)
		}
	}
	// A year to come, or one before the first record, has no report.
	for _, tt := range []struct{ year, want string }{
		{"2099", "report 2099: the year has not begun (it can be produced from 1 January 2099)"},
		{"2011", "report 2011: no data for the year (first record: 2012-03-19)"},
	} {
		_, _, err := runCLI(t, "report", "-config", cfg, "-year", tt.year)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("-year %s: %v, want %q", tt.year, err, tt.want)
		}
	}
	// A failed run leaves no file behind.
	bad := filepath.Join(dir, "missing-dir", "r.html")
	if _, _, err := runCLI(t, "report", "-config", cfg, "-year", "2025", "-o", bad); err == nil {
		t.Fatal("writing into a missing directory succeeded")
	}
	if _, err := os.Stat(bad); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("stat %s: %v", bad, err)
	}
}

// TestReadOnlyCommands: report, config check and register check neither
// migrate nor write; report -keep keeps a copy of a finished year.
func TestReadOnlyCommands(t *testing.T) {
	dir := t.TempDir()
	cfg := writeE2EConfig(t, dir, "http://127.0.0.1:1")
	db := filepath.Join(dir, "os2pulse.db")
	if _, _, err := runCLI(t, "config", "check", "-config", cfg); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, "register", "check", "-config", cfg, "config/example/adoption.csv", "config/example/members.csv"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("config check or register check created the database: %v", err)
	}
	_, _, err := runCLI(t, "report", "-config", cfg, "-year", "2025")
	if err == nil || !strings.Contains(err.Error(), "migrate") {
		t.Fatalf("report on an empty database: %v, want a hint to migrate", err)
	}
	s, err := storage.Open(context.Background(), "sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.SchemaVersion(context.Background()); err == nil {
		t.Fatal("report migrated the database")
	}

	for _, src := range []string{"register", "activity"} {
		if _, errOut, err := runCLI(t, "collect", "-config", cfg, "-source", src); err != nil {
			t.Fatalf("collect %s: %v\n%s", src, err, errOut)
		}
	}
	if _, _, err := runCLI(t, "report", "-config", cfg, "-year", "2025", "-format", "csv"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FirstReport(context.Background(), 2025); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("report without -keep kept a copy: %v", err)
	}
	_, errOut, err := runCLI(t, "report", "-config", cfg, "-year", "2025", "-format", "csv", "-keep")
	if err != nil || !strings.Contains(errOut, "kept a copy of the 2025 figures") {
		t.Fatalf("report -keep: %v\n%s", err, errOut)
	}
	if _, err := s.FirstReport(context.Background(), 2025); err != nil {
		t.Fatalf("report -keep kept nothing: %v", err)
	}
	_, errOut, err = runCLI(t, "report", "-config", cfg, "-year", "2025", "-format", "csv", "-keep")
	if err != nil || !strings.Contains(errOut, "nothing new kept") {
		t.Fatalf("second report -keep: %v\n%s", err, errOut)
	}
}

// TestKeepReportCopies: the command and the schedule keep a copy of a
// finished year's figures once, and nothing for a year without data or
// one not yet ended.
func TestKeepReportCopies(t *testing.T) {
	store, cfg := figurestest.Example(t, "sqlite")
	calc := figures.New(store.ReadOnly(), cfg)
	ctx := context.Background()
	newYear := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	steps := []struct {
		name    string
		keep    func() (bool, error)
		kept    bool
		wantErr error
	}{
		{"the schedule, before anything was recorded", func() (bool, error) {
			return keepLastYear(ctx, store, calc, time.Date(1995, 1, 5, 8, 0, 0, 0, time.UTC))
		}, false, nil},
		{"the schedule at the turn of the year", func() (bool, error) { return keepLastYear(ctx, store, calc, newYear) }, true, nil},
		{"the schedule again", func() (bool, error) { return keepLastYear(ctx, store, calc, newYear.AddDate(0, 0, 1)) }, false, nil},
		{"report -keep, unchanged", func() (bool, error) { return keepReport(ctx, store, calc, 2025, newYear) }, false, nil},
		{"report -keep of a year not ended", func() (bool, error) { return keepReport(ctx, store, calc, 2026, newYear) }, false, figures.ErrYearNotFinished},
	}
	for _, s := range steps {
		kept, err := s.keep()
		if kept != s.kept || !errors.Is(err, s.wantErr) {
			t.Errorf("%s: kept %v, %v; want %v, %v", s.name, kept, err, s.kept, s.wantErr)
		}
	}
	first, err := store.FirstReport(ctx, 2025)
	if err != nil {
		t.Fatal(err)
	}
	want, err := calc.FiguresToKeep(ctx, 2025, newYear)
	if err != nil || first.Figures != want {
		t.Errorf("the copy kept is not the year's figures (%v)", err)
	}
	if _, err := store.FirstReport(ctx, 1994); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("a copy of 1994 was kept: %v", err)
	}
}
