package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"os2pulse/collector"
	"os2pulse/config"
	"os2pulse/register"
)

// TestGenerateIsDeterministicAndValid: the same seed writes the same
// files, and what it writes is a configuration, register and git log
// exports os2pulse accepts.
func TestGenerateIsDeterministicAndValid(t *testing.T) {
	sum := func(dir string) map[string][32]byte {
		out := map[string][32]byte{}
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b, _ := os.ReadFile(p)
				rel, _ := filepath.Rel(dir, p)
				out[rel] = sha256.Sum256(b)
			}
			return err
		})
		return out
	}
	a, b := t.TempDir(), t.TempDir()
	p, err := Generate(a, Sizes["tiny"], 7)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(b, Sizes["tiny"], 7); err != nil {
		t.Fatal(err)
	}
	sa, sb := sum(a), sum(b)
	if len(sa) != len(sb) || len(sa) != 3+Sizes["tiny"].Repos {
		t.Fatalf("%d and %d files", len(sa), len(sb))
	}
	for name, h := range sa {
		if sb[name] != h {
			t.Errorf("%s differs between two runs with one seed", name)
		}
	}
	if d := Describe(a, Sizes["tiny"], 7); len(d.Histories) != len(p.Histories) || d.Histories[3] != p.Histories[3] {
		t.Errorf("Describe %+v differs from Generate %+v", d.Histories[3], p.Histories[3])
	}

	cfg, err := config.Load(p.Config)
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) register.File {
		data, err := os.ReadFile(filepath.Join(a, name))
		if err != nil {
			t.Fatal(err)
		}
		return register.File{Name: name, Data: data}
	}
	parsed, err := register.Parse(cfg, nil, read("adoption.csv"), read("members.csv"))
	if err != nil {
		t.Fatal(err)
	}
	reg := parsed.Register
	if len(reg.Adoptions) < 50 || len(reg.Members) < 60 {
		t.Errorf("%d adoption records, %d memberships", len(reg.Adoptions), len(reg.Members))
	}
	total := 0
	for _, h := range p.Histories {
		data, err := os.ReadFile(filepath.Join(a, h.File))
		if err != nil {
			t.Fatal(err)
		}
		n, err := collector.CheckGitLog(h.File, bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if n != h.Commits {
			t.Errorf("%s: %d commits, described %d", h.File, n, h.Commits)
		}
		total += n
	}
	if total != Sizes["tiny"].Commits {
		t.Errorf("%d commits in all, want %d", total, Sizes["tiny"].Commits)
	}
}

// TestDriverTiny runs the whole driver on the tiny portfolio, so that
// make bench keeps working; the figures it measures are not checked here
// (speed goals are for make bench, not for tests).
func TestDriverTiny(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and serves os2pulse")
	}
	drivers := "sqlite,postgres"
	if !postgresReachable() {
		if os.Getenv("CI") != "" {
			t.Fatal("PostgreSQL is required when CI is set")
		}
		t.Log("PostgreSQL not reachable; measuring SQLite only")
		drivers = "sqlite"
	}
	out := filepath.Join(t.TempDir(), "results.md")
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-sizes", "tiny", "-drivers", drivers, "-runs", "3", "-collection=false", "-work", t.TempDir(), "-out", out}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	for _, d := range strings.Split(drivers, ",") {
		if !strings.Contains(md, "## "+d+"\n") {
			t.Errorf("results lack the %s section", d)
		}
	}
	for _, fr := range figureRequests {
		if strings.Count(md, "| cold "+fr.name+": p99 (median) |") != len(strings.Split(drivers, ",")) {
			t.Errorf("results lack the cold %s row", fr.name)
		}
	}
	for _, want := range []string{"ingest ÷ raw", "start to /readyz 200", "peak RSS of serve", "16 cold requests at once",
		"memory before → most during → after the 16", "first /goals after importing one commit (÷ warm)", "first /goals after one register change (÷ warm)", "## How long the run took", "| ingest |"} {
		if !strings.Contains(md, want) {
			t.Errorf("results lack %q", want)
		}
	}
}

func postgresReachable() bool {
	base := os.Getenv("OS2PULSE_TEST_POSTGRES")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		return false
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	return db.PingContext(ctx) == nil
}
