package storage_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

func productIDs(t *testing.T, s *storage.Store) []string {
	t.Helper()
	ps, err := s.Products(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	return ids
}

// TestBackupRestore: a backup of an open database holds what was
// committed; it restores into a new place and over a database no one has
// open (keeping the old one aside), and never over one in use.
func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dsn := filepath.Join(dir, "live", "os2pulse.db")
	src, err := storage.Open(ctx, "sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := src.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := src.SyncProducts(ctx, []storage.Product{{ID: "os2a", Name: "A", GovernanceLevel: "1"}}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "backup.db")
	v, err := storage.Backup(ctx, "sqlite", dsn, out)
	if err != nil {
		t.Fatal(err)
	}
	if latest, _ := src.LatestVersion(); v != latest {
		t.Errorf("backup schema version %d, want %d", v, latest)
	}
	// Written after the backup: not in it.
	if err := src.SyncProducts(ctx, []storage.Product{{ID: "os2a", Name: "A", GovernanceLevel: "1"}, {ID: "os2b", Name: "B", GovernanceLevel: "2"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := storage.Backup(ctx, "sqlite", dsn, out); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("backup over an existing file: %v, want refused", err)
	}

	// Into an empty place.
	fresh := filepath.Join(dir, "restored", "os2pulse.db")
	kept, err := storage.Restore(ctx, "sqlite", fresh, out, time.Now())
	if err != nil || kept != "" {
		t.Fatalf("restore into an empty place: kept %q, %v", kept, err)
	}
	r, err := storage.Open(ctx, "sqlite", fresh)
	if err != nil {
		t.Fatal(err)
	}
	if got := productIDs(t, r); !slices.Equal(got, []string{"os2a"}) {
		t.Errorf("restored products %v, want [os2a]", got)
	}

	// Over a database in use: refused, and the database is untouched.
	if _, err := storage.Restore(ctx, "sqlite", fresh, out, time.Now()); !errors.Is(err, storage.ErrInUse) {
		t.Errorf("restore over a database in use: %v, want ErrInUse", err)
	}
	if _, err := storage.Restore(ctx, "sqlite", dsn, out, time.Now()); !errors.Is(err, storage.ErrInUse) {
		t.Errorf("restore over the live database: %v, want ErrInUse", err)
	}
	if got := productIDs(t, src); !slices.Equal(got, []string{"os2a", "os2b"}) {
		t.Errorf("live products after a refused restore %v", got)
	}

	// Over a database no one has open: replaced, the old one kept.
	src.Close()
	r.Close()
	stamp := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	kept, err = storage.Restore(ctx, "sqlite", dsn, out, stamp)
	if err != nil {
		t.Fatal(err)
	}
	if want := dsn + ".before-restore-20260301T120000Z"; kept != want {
		t.Errorf("kept %q, want %q", kept, want)
	}
	for path, want := range map[string][]string{dsn: {"os2a"}, kept: {"os2a", "os2b"}} {
		s, err := storage.Open(ctx, "sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CheckSchema(ctx); err != nil {
			t.Errorf("%s: %v", path, err)
		}
		if got := productIDs(t, s); !slices.Equal(got, want) {
			t.Errorf("%s: products %v, want %v", filepath.Base(path), got, want)
		}
		s.Close()
	}
}

func TestBackupRestoreRefusals(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	os.WriteFile(notDB, []byte("not a database, but long enough to look like a header of one......................................................"), 0o644)
	empty := filepath.Join(dir, "empty.db")
	s, err := storage.Open(ctx, "sqlite", empty) // SQLite, never migrated
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	target := filepath.Join(dir, "target.db")
	for _, tc := range []struct {
		name, backup, want string
	}{
		{"missing file", filepath.Join(dir, "nope.db"), "no such file"},
		{"not SQLite", notDB, "not an SQLite database"},
		{"not os2pulse", empty, "not an os2pulse database"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := storage.Restore(ctx, "sqlite", target, tc.backup, time.Now())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("restore: %v, want %q", err, tc.want)
			}
			if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a refused restore left %s", target)
			}
		})
	}
	if _, err := storage.Backup(ctx, "postgres", storagetest.DefaultPostgres, filepath.Join(dir, "pg.db")); !errors.Is(err, storage.ErrBackupPostgres) {
		t.Errorf("backup on PostgreSQL: %v", err)
	}
	if _, err := storage.Restore(ctx, "postgres", storagetest.DefaultPostgres, empty, time.Now()); !errors.Is(err, storage.ErrBackupPostgres) {
		t.Errorf("restore on PostgreSQL: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
