package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestInit: os2pulse init writes a configuration that config check and
// migrate accept from another directory, its database beside it; a
// second init without -force changes nothing and says how to overwrite.
func TestInit(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	out, errOut, err := runCLI(t, "init", "-o", "site/pulse.toml")
	if err != nil || !regexp.MustCompile(`^wrote site/pulse.toml and \d+ data files in site/example\n`).MatchString(out) {
		t.Fatalf("init: %q %q %v", out, errOut, err)
	}
	t.Chdir(t.TempDir())
	cfg := filepath.Join(dir, "site", "pulse.toml")
	if out, errOut, err := runCLI(t, "config", "check", "-config", cfg); err != nil || !strings.Contains(out, "ok (13 products") {
		t.Fatalf("config check: %q %q %v", out, errOut, err)
	}
	if _, _, err := runCLI(t, "migrate", "-config", cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "site", "data", "os2pulse.db")); err != nil {
		t.Errorf("the database is not beside the configuration: %v", err)
	}
	if _, err := os.Stat("data"); err == nil {
		t.Error("a database was made in the working directory")
	}
	_, _, err = runCLI(t, "init", "-o", cfg)
	if err == nil || !strings.Contains(err.Error(), "-force overwrites them") {
		t.Errorf("second init: %v", err)
	}
	if _, _, err := runCLI(t, "init", "-o", cfg, "-force"); err != nil {
		t.Errorf("init -force: %v", err)
	}
	if _, errOut, _ := runCLI(t, "init", "-h"); !strings.Contains(errOut, "Usage: os2pulse init") || !strings.Contains(errOut, "-force") {
		t.Errorf("init -h: %q", errOut)
	}
}
