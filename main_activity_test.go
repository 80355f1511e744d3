package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"os2pulse/storage"
)

// activityTestConfig writes a configuration with a SQLite database in dir.
func activityTestConfig(t *testing.T, dir string) string {
	t.Helper()
	body := fmt.Sprintf(`[storage]
driver = "sqlite"
dsn = %q
[[products]]
id = "os2forms"
name = "OS2forms"
governance_level = "3"
repos = ["OS2Forms/*"]
`, filepath.Join(dir, "os2pulse.db"))
	p := filepath.Join(dir, "os2pulse.toml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runActivity(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"activity"}, args...), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestActivityImportTwice(t *testing.T) {
	dir := t.TempDir()
	cfg := activityTestConfig(t, dir)
	file := "config/example/git-histories/OS2Forms__os2forms.tsv"
	commits := activityLineCount(t, file) - 1

	stdout, stderr, err := runActivity(t, "import", "-config", cfg, "-repo", "github.com/OS2Forms/os2forms", file)
	if err != nil {
		t.Fatalf("first import: %v\n%s", err, stderr)
	}
	want := fmt.Sprintf("imported %d new commits of %d in %s into github.com/OS2Forms/os2forms\n", commits, commits, file)
	if stdout != want {
		t.Errorf("first import said %q, want %q", stdout, want)
	}
	stdout, stderr, err = runActivity(t, "import", "-config", cfg, "-repo", "OS2Forms/os2forms", file)
	if err != nil {
		t.Fatalf("second import: %v\n%s", err, stderr)
	}
	if want := fmt.Sprintf("imported 0 new commits of %d in %s into github.com/OS2Forms/os2forms\n", commits, file); stdout != want {
		t.Errorf("second import said %q, want %q", stdout, want)
	}

	s, err := storage.Open(context.Background(), "sqlite", filepath.Join(dir, "os2pulse.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n, err := s.CountContributions(context.Background(), "github.com/os2forms/os2forms", storage.KindCommit)
	if err != nil || n != commits {
		t.Errorf("stored %d commits (%v), want %d", n, err, commits)
	}
	rs, err := s.Repositories(context.Background(), "os2forms")
	if err != nil || len(rs) != 1 || rs[0].Key != "github.com/os2forms/os2forms" {
		t.Errorf("repositories of os2forms = %+v, %v", rs, err)
	}
}

func TestActivityImportProblems(t *testing.T) {
	dir := t.TempDir()
	cfg := activityTestConfig(t, dir)
	bad := filepath.Join(dir, "bad.tsv")
	body := "sha\tparents\tauthor_date\tcommitter_date\tauthor_name\tauthor_email\tcommitter_name\tcommitter_email\n" +
		"6e81c869cf761a19f4bd3a8c4e9b88c21a30331e\t\t2025-11-18T17:00:29+02:00\t2025-11-18T17:00:29+02:00\tA\ta@x.dk\tA\ta@x.dk\n" +
		"nothex\t\t2025-11-18T17:00:29+02:00\t2025-11-18T17:00:29+02:00\tA\ta@x.dk\tA\ta@x.dk\n" +
		"1ebcd35957135987f116b2889935ed285190e3f2\t\tyesterday\t2025-11-18T17:00:29+02:00\tA\ta@x.dk\tA\ta@x.dk\n"
	if err := os.WriteFile(bad, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := runActivity(t, "import", "-config", cfg, "-repo", "OS2Forms/os2forms", bad)
	if !errors.Is(err, errProblems) {
		t.Fatalf("err = %v, want errProblems", err)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], bad+":3: sha \"nothex\"") || !strings.HasPrefix(lines[1], bad+":4: author_date \"yesterday\"") {
		t.Errorf("problems:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "os2pulse.db")); err == nil {
		t.Error("a bad file created the database")
	}

	for _, args := range [][]string{
		{"import", "-config", cfg, bad},                                    // no -repo
		{"import", "-config", cfg, "-repo", "OS2Forms/*", bad},             // a wildcard
		{"import", "-config", cfg, "-repo", "OS2Forms/os2forms"},           // no file
		{"export", "-config", cfg, "-repo", "OS2Forms/os2forms", bad},      // no such subcommand
		{"import", "-config", cfg, "-repo", "a/b/c/d", bad},                // not a repository
		{"import", "-config", cfg, "-repo", "OS2Forms/os2forms", bad, bad}, // two files
	} {
		if _, _, err := runActivity(t, args...); !errors.Is(err, errUsage) {
			t.Errorf("%v: err = %v, want a usage error", args, err)
		}
	}
	if _, stderr, err := runActivity(t, "import", "-h"); err == nil || !strings.Contains(stderr, "%H%x09%P%x09%aI%x09%cI%x09%an%x09%ae%x09%cn%x09%ce") {
		t.Errorf("-h: err %v, help does not show the git log command:\n%s", err, stderr)
	}
}

func activityLineCount(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
	}
	return n
}
