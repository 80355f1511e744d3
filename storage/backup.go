package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrInUse is returned by Restore when another process has the database
// open: replacing the file under a running server would lose its writes
// and could corrupt what it reads.
var ErrInUse = errors.New("storage: the database is in use by another process; stop os2pulse (serve, collect, imports) first")

// ErrBackupPostgres is returned by Backup and Restore on PostgreSQL, whose
// own tools do it better.
var ErrBackupPostgres = errors.New("storage: backup and restore are for SQLite; on PostgreSQL use pg_dump and pg_restore (docs/deploy.md)")

// sqliteFile is the file path of an SQLite DSN, without "file:" and
// connection parameters.
func sqliteFile(dsn string) string {
	p := strings.TrimPrefix(dsn, "file:")
	p, _, _ = strings.Cut(p, "?")
	return p
}

// Backup writes a consistent copy of the SQLite database at dsn to out
// while it may be in use: VACUUM INTO reads one snapshot, so a write
// (a batch of an import) is in the copy whole or not at all, and writers
// do not wait for it. The copy is written next to out and renamed into
// place once it is complete and checked, so out is never half-written;
// an existing out is refused. It returns the copy's schema version.
func Backup(ctx context.Context, driver, dsn, out string) (int, error) {
	if driver != "sqlite" {
		return 0, ErrBackupPostgres
	}
	src := sqliteFile(dsn)
	if strings.Contains(src, ":memory:") {
		return 0, errors.New("storage: an in-memory database cannot be backed up")
	}
	if _, err := os.Stat(src); err != nil {
		return 0, fmt.Errorf("storage: backup of %s: %w", src, err)
	}
	if _, err := os.Lstat(out); err == nil {
		return 0, fmt.Errorf("storage: %s exists; choose another name or remove it first", out)
	}
	tmp, err := tempName(out)
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp)
	// A connection of its own, not the read pool (query_only forbids
	// VACUUM INTO) nor the writer (which the server's writes need).
	db, err := sql.Open("sqlite", "file:"+src+fmt.Sprintf("?_pragma=busy_timeout(%d)", busyTimeout.Milliseconds()))
	if err != nil {
		return 0, fmt.Errorf("storage: opening %s for backup: %w", src, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return 0, fmt.Errorf("storage: backing up %s: %w", src, err)
	}
	v, err := checkSQLiteCopy(ctx, tmp)
	if err != nil {
		return 0, err
	}
	if err := syncFile(tmp); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp, out); err != nil {
		return 0, fmt.Errorf("storage: writing %s: %w", out, err)
	}
	return v, nil
}

// Restore replaces the SQLite database at dsn with the backup file, after
// checking that the backup is a whole os2pulse database this build can
// use. It refuses while any other process has the database open (ErrInUse)
// and holds the database's exclusive lock while it replaces it, so no
// server can start on a half-restored file. A database already there is
// kept beside it as FILE.before-restore-TIMESTAMP; the name is returned
// ("" when there was none).
func Restore(ctx context.Context, driver, dsn, backup string, now time.Time) (kept string, err error) {
	if driver != "sqlite" {
		return "", ErrBackupPostgres
	}
	dst := sqliteFile(dsn)
	if strings.Contains(dst, ":memory:") {
		return "", errors.New("storage: cannot restore into an in-memory database")
	}
	v, err := checkSQLiteCopy(ctx, backup)
	if err != nil {
		return "", err
	}
	if latest := latestVersion(); v > latest {
		return "", fmt.Errorf("%w (backup %d, known %d)", ErrSchemaTooNew, v, latest)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", fmt.Errorf("storage: creating the directory of %s: %w", dst, err)
	}
	tmp, err := tempName(dst)
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp)
	if err := copyFile(backup, tmp); err != nil {
		return "", err
	}

	if old, err := os.Stat(dst); errors.Is(err, os.ErrNotExist) {
		if err := sameOwner(tmp, filepath.Dir(dst), 0o600); err != nil {
			return "", err
		}
		return "", renameSynced(tmp, dst)
	} else if err == nil {
		if err := sameOwner(tmp, dst, old.Mode().Perm()); err != nil {
			return "", err
		}
	}
	// Exclusive locking mode without waiting: in WAL mode every open
	// connection, of any process, holds a shared lock, so this fails at
	// once when the database is in use, and once taken, keeps every other
	// process out until the file is replaced.
	lock, err := sql.Open("sqlite", "file:"+dst+"?_pragma=busy_timeout(0)&_pragma=locking_mode(EXCLUSIVE)")
	if err != nil {
		return "", fmt.Errorf("storage: opening %s: %w", dst, err)
	}
	defer lock.Close()
	lock.SetMaxOpenConns(1)
	conn, err := lock.Conn(ctx)
	if err != nil {
		return "", fmt.Errorf("storage: opening %s: %w", dst, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN EXCLUSIVE`); err != nil {
		if strings.Contains(err.Error(), "locked") || strings.Contains(err.Error(), "busy") {
			return "", fmt.Errorf("%w (%s)", ErrInUse, dst)
		}
		return "", fmt.Errorf("storage: locking %s: %w", dst, err)
	}
	// The last writes still in the write-ahead log belong to the database
	// being kept aside.
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		return "", fmt.Errorf("storage: locking %s: %w", dst, err)
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return "", fmt.Errorf("storage: checkpointing %s: %w", dst, err)
	}
	kept = fmt.Sprintf("%s.before-restore-%s", dst, now.UTC().Format("20060102T150405Z"))
	if err := os.Link(dst, kept); err != nil {
		return "", fmt.Errorf("storage: keeping %s as %s: %w", dst, kept, err)
	}
	if err := renameSynced(tmp, dst); err != nil {
		os.Remove(kept)
		return "", err
	}
	// Closing the lock's connection removes the (empty) write-ahead log
	// by name, which now belongs to the restored file that has none.
	return kept, nil
}

// checkSQLiteCopy opens an SQLite file read-only and checks that it is
// whole (quick_check) and an os2pulse database; it returns its schema
// version.
func checkSQLiteCopy(ctx context.Context, path string) (int, error) {
	if _, err := os.Stat(path); err != nil {
		return 0, fmt.Errorf("storage: %w", err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return 0, fmt.Errorf("storage: opening %s: %w", path, err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&check); err != nil {
		return 0, fmt.Errorf("storage: %s is not an SQLite database: %w", path, err)
	}
	if check != "ok" {
		return 0, fmt.Errorf("storage: %s is damaged: %s", path, check)
	}
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil || !v.Valid {
		return 0, fmt.Errorf("storage: %s is not an os2pulse database (no schema version)", path)
	}
	return int(v.Int64), nil
}

// latestVersion is the newest SQLite schema version this build knows.
func latestVersion() int {
	v, _ := (&Reader{driver: "sqlite"}).LatestVersion()
	return v
}

// tempName returns an unused name next to path, for a file renamed to
// path once complete.
func tempName(path string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("storage: creating a file next to %s: %w", path, err)
	}
	name := f.Name()
	f.Close()
	// VACUUM INTO writes only a file that does not exist.
	return name, os.Remove(name)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("storage: copying %s: %w", from, err)
	}
	return out.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("storage: writing %s: %w", path, err)
	}
	return nil
}

// renameSynced puts a complete file in place: on disk first, then renamed.
func renameSynced(tmp, dst string) error {
	if err := syncFile(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("storage: replacing %s: %w", dst, err)
	}
	return nil
}
