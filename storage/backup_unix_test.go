//go:build unix

package storage_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"os2pulse/storage"
)

// TestRestoreKeepsOwner: the restored file has the owner and mode of the
// database it replaces, so a restore run as root leaves a database the
// service's own user can open.
func TestRestoreKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give files another owner")
	}
	ctx := context.Background()
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	s, err := storage.Open(ctx, "sqlite", live)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	if _, err := storage.Backup(ctx, "sqlite", live, backup); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.Chown(live, 65532, 65533); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(live, 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := storage.Restore(ctx, "sqlite", live, backup, time.Now()); err != nil {
		t.Fatal(err)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(live, &st); err != nil {
		t.Fatal(err)
	}
	if st.Uid != 65532 || st.Gid != 65533 || os.FileMode(st.Mode).Perm() != 0o640 {
		t.Errorf("restored file %d:%d %v, want 65532:65533 -rw-r-----", st.Uid, st.Gid, os.FileMode(st.Mode).Perm())
	}
}
