package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"os2pulse/api"
	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/soak"
	"os2pulse/storage"
)

// serveNoCollect runs "os2pulse serve -no-collect" with cfg in this
// process and returns its base URL; it stops at the end of the test.
func serveNoCollect(t *testing.T, cfg string) string {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logw := &lockedWriter{w: &strings.Builder{}}
	go func() {
		done <- run(ctx, []string{"serve", "-config", cfg, "-listen", addr, "-no-collect"}, io.Discard, logw)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		if t.Failed() {
			t.Logf("serve log:\n%s", logw)
		}
	})
	base := "http://" + addr
	waitFor(t, 60*time.Second, "serve", func() bool {
		res, err := httpClient.Get(base + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	})
	return base
}

// apiAnswers fetches every GET endpoint of the API, JSON and CSV, with its
// documented example query as of date: what a user of the API sees.
func apiAnswers(t *testing.T, base, cfgPath string, date civil.Date) map[string]string {
	t.Helper()
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	// The first answers after a large import wait for the figures to
	// catch up, which takes long under the race detector.
	client := &http.Client{Timeout: 3 * time.Minute}
	a := api.New(api.Options{Config: cfg})
	for _, e := range a.Endpoints() {
		q, ok := a.Example(e, date)
		if !ok {
			continue
		}
		for _, path := range []string{e.Path, e.Path + ".csv"} {
			u := base + path + "?" + q.Encode()
			res, err := client.Get(u)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			out[path+"?"+q.Encode()] = fmt.Sprintf("%d %s", res.StatusCode, b)
		}
	}
	if len(out) < 20 {
		t.Fatalf("only %d API answers; the endpoint list looks wrong", len(out))
	}
	return out
}

// TestBackupDuringImport takes a backup while a git log import is under
// way, restores it into another place, and finds every API answer of the
// restored copy equal to the source's at the backup's moment: whole
// batches, nothing half-written. The test holds the import still at the
// backup's moment (it holds the write lock the next batch waits for), so
// the source's answers at that moment can be read while the import still
// runs; it then ends and the source's answers change.
func TestBackupDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 40,000 commits")
	}
	dir := t.TempDir()
	const repo = "example.org/os2/big"
	extra := `
[[products]]
id = "big"
name = "Big"
governance_level = "1"
repos = ["` + repo + `"]
`
	cfg := reliabilityConfig(t, dir, "", "", "1m", extra)
	if _, errOut, err := runCLI(t, "collect", "-config", cfg, "-source", "register"); err != nil {
		t.Fatalf("collect: %v\n%s", err, errOut)
	}
	base := serveNoCollect(t, cfg)

	ctx := context.Background()
	src, err := storage.Open(ctx, "sqlite", filepath.Join(dir, "os2pulse.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dataVersion := func() int {
		v, err := src.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return int(v)
	}
	before := dataVersion()

	history := filepath.Join(dir, "history.tsv")
	f, err := os.Create(history)
	if err != nil {
		t.Fatal(err)
	}
	if err := soak.WriteGitLog(f, 8*storage.BatchSize); err != nil {
		t.Fatal(err)
	}
	f.Close()
	imported := make(chan error, 1)
	var importOut, importErr bytes.Buffer
	go func() {
		imported <- run(context.Background(), []string{"activity", "import", "-config", cfg, "-repo", repo, history}, &importOut, &importErr)
	}()

	// Once a batch or two are stored, the test takes SQLite's write lock
	// and holds it: the import waits with its next batch, and the
	// source's answers stand still while the backup is taken and they
	// are read. Readers and VACUUM INTO do not need the lock.
	for deadline := time.Now().Add(2 * time.Minute); dataVersion() == before; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the import stored no batch within 2 minutes")
		}
	}
	lockDB, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "os2pulse.db")+"?_pragma=busy_timeout(120000)")
	if err != nil {
		t.Fatal(err)
	}
	defer lockDB.Close()
	lock, err := lockDB.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if _, err := lock.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	released := sync.OnceFunc(func() {
		if _, err := lock.ExecContext(ctx, "ROLLBACK"); err != nil {
			t.Error(err)
		}
	})
	t.Cleanup(released)
	select {
	case err := <-imported:
		t.Fatalf("the import ended before the backup: %v\n%s", err, importErr.String())
	default:
	}

	backup := filepath.Join(dir, "backup.db")
	out, errOut, err := runCLI(t, "backup", "-config", cfg, "-o", backup)
	if err != nil || !strings.Contains(out, "wrote "+backup) {
		t.Fatalf("backup: %v\n%s%s", err, out, errOut)
	}
	today := civil.Today(time.Now())
	atBackup := apiAnswers(t, base, cfg, today)
	select {
	case err := <-imported:
		t.Fatalf("the import ended while the lock was held: %v", err)
	default:
	}

	released()
	if err := <-imported; err != nil || !strings.Contains(importOut.String(), "40000") {
		t.Fatalf("the import: %v\n%s%s", err, importOut.String(), importErr.String())
	}
	after := apiAnswers(t, base, cfg, today)
	changed := 0
	for k, v := range after {
		if atBackup[k] != v {
			changed++
		}
	}
	if changed == 0 {
		t.Fatal("no API answer changed with the rest of the import: the backup was not taken during it")
	}

	// Restored elsewhere and served, it answers as the source did at the
	// backup's moment.
	dir2 := t.TempDir()
	cfg2 := reliabilityConfig(t, dir2, "", "", "1m", extra)
	if out, errOut, err := runCLI(t, "restore", "-config", cfg2, backup); err != nil || !strings.Contains(out, "restored") {
		t.Fatalf("restore: %v\n%s%s", err, out, errOut)
	}
	base2 := serveNoCollect(t, cfg2)
	restored := apiAnswers(t, base2, cfg2, today)
	for k, want := range atBackup {
		if got := restored[k]; got != want {
			t.Errorf("%s of the restored copy differs from the source at the backup:\n got %.300s\nwant %.300s", k, got, want)
		}
	}
	t.Logf("%d API answers equal; %d changed with the rest of the import", len(atBackup), changed)

	// The restored database is in use now: restore refuses it.
	_, _, err = runCLI(t, "restore", "-config", cfg2, backup)
	if !errors.Is(err, storage.ErrInUse) {
		t.Errorf("restore over the database being served: %v, want in use", err)
	}
}

// TestBackupCommandUsage: the commands' usage errors.
func TestBackupCommandUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"backup"}, "-o FILE"},
		{[]string{"backup", "-o", "x.db", "extra"}, "-o FILE"},
		{[]string{"restore"}, "give one backup file"},
		{[]string{"healthcheck", "extra"}, "takes no arguments"},
	} {
		_, errOut, err := runCLI(t, tc.args...)
		if !errors.Is(err, errUsage) || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: %v, stderr %q; want a usage error with %q", tc.args, err, errOut, tc.want)
		}
	}
	for _, cmd := range []string{"backup", "restore", "healthcheck"} {
		_, errOut, err := runCLI(t, cmd, "-h")
		if err != nil && !errors.Is(err, flag.ErrHelp) || !strings.Contains(errOut, "Usage: os2pulse "+cmd) {
			t.Errorf("%s -h: %v\n%s", cmd, err, errOut)
		}
	}
	// On PostgreSQL the guide's tools are named.
	dir := t.TempDir()
	cfg := writeFile(t, dir, "pg.toml", "[storage]\ndriver = \"postgres\"\ndsn = \"postgres://nobody@127.0.0.1:1/none\"\n")
	if _, _, err := runCLI(t, "backup", "-config", cfg, "-o", filepath.Join(dir, "b.db")); !errors.Is(err, storage.ErrBackupPostgres) {
		t.Errorf("backup on PostgreSQL: %v", err)
	}
	// healthcheck against a server that is not there fails.
	if _, _, err := runCLI(t, "healthcheck", "-url", "http://"+freeAddr(t)+"/healthz", "-timeout", "2s"); err == nil {
		t.Error("healthcheck of nothing succeeded")
	}
}
