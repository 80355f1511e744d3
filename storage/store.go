// Package storage keeps every observation os2pulse makes, with its date, in
// SQLite (the embedded default) or PostgreSQL.
//
// One Store serves both databases with the same SQL: queries are written
// with ? placeholders and rebound for PostgreSQL, dates are ISO 8601 text,
// and upserts use ON CONFLICT, which both understand. The few places where
// the dialects differ are in this file.
package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/jmoiron/sqlx"
	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

func init() {
	// sqlx does not know modernc's driver name; without this, Rebind and
	// named queries would not know its placeholder style.
	sqlx.BindDriver("sqlite", sqlx.QUESTION)
}

//go:embed migrations/*.sql
var migrationFS embed.FS

// Store is the database of one os2pulse installation.
//
// Reads and writes go through separate pools. On SQLite, db is a pool of
// read-only connections and w a single writer: in WAL mode readers read
// the last committed state while a write is under way, so a long import
// never makes a page wait, and writes queue for the one connection instead
// of failing. On PostgreSQL both are the same pool.
type Store struct {
	Reader
	w   *sqlx.DB // writes, every one of them
	now func() time.Time
	// stats: when to refresh PostgreSQL's statistics after imports.
	stats statistics
	// inserts: SQLite's multi-row INSERTs, prepared once (see bulk).
	inserts insertStmts
}

// Reader is the read side of a Store: the read pool and every method that
// only reads. It has no method that writes, so code handed a *Reader (the
// figures, and through them every page and the API) cannot write, and a
// write added there by mistake does not compile. On SQLite its
// connections are opened query_only as well.
type Reader struct {
	db     *sqlx.DB // reads
	driver string   // "sqlite" or "postgres"
}

// ReadOnly returns the read side of the store.
func (s *Store) ReadOnly() *Reader { return &s.Reader }

// busyTimeout is how long an SQLite writer waits for another (another
// process on the same file) before giving up. Writes are short batches, so
// a writer waits its turn; the timeout only ends a wait for one that hangs.
const busyTimeout = 2 * time.Minute

// pgConns is the size of PostgreSQL's pool, reads and writes together.
const pgConns = 8

// BatchSize is the most rows one write transaction holds: large enough to
// make a commit's cost small, small enough that the write lock is held for
// milliseconds, never seconds.
const BatchSize = 5000

// Open connects to the database. driver is "sqlite" (dsn is a file path,
// whose directory is created) or "postgres" (dsn is a URL). It does not
// migrate; call Migrate or CheckSchema.
func Open(ctx context.Context, driver, dsn string) (*Store, error) {
	var s *Store
	var err error
	switch driver {
	case "sqlite":
		s, err = openSQLite(dsn)
	case "postgres":
		var db *sqlx.DB
		db, err = sqlx.Open("pgx", dsn)
		if err == nil {
			// As many kept idle as may be open: database/sql keeps two by
			// default, so under load every connection past the second was
			// closed after its query and opened again for the next, a new
			// server process each time, whose statements pgx prepared
			// again.
			db.SetMaxOpenConns(pgConns)
			db.SetMaxIdleConns(pgConns)
			db.SetConnMaxIdleTime(5 * time.Minute)
			s = &Store{Reader: Reader{db: db}, w: db}
		}
	default:
		return nil, fmt.Errorf("storage: unknown driver %q (sqlite or postgres)", driver)
	}
	if err != nil {
		return nil, fmt.Errorf("storage: unable to open %s database: %w", driver, err)
	}
	s.driver, s.now = driver, time.Now
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	// The writer first: it puts a new SQLite file in WAL mode, which the
	// readers then find.
	err = s.w.PingContext(pctx)
	if err == nil {
		err = s.db.PingContext(pctx)
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("storage: unable to connect to %s database: %w", driver, err)
	}
	return s, nil
}

// openSQLite opens the writer and the read pool on one SQLite file.
func openSQLite(dsn string) (*Store, error) {
	path := strings.TrimPrefix(dsn, "file:")
	memory := strings.Contains(path, ":memory:")
	if dir := filepath.Dir(path); dir != "" && !memory {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("unable to create directory for %s: %w", path, err)
		}
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	common := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)", busyTimeout.Milliseconds())
	// BEGIN IMMEDIATE takes the write lock when a transaction starts, so a
	// transaction that reads first cannot fail on upgrading its lock. The
	// writer keeps statement journals in memory (a multi-row INSERT
	// otherwise writes one to a temporary file) and up to 32 MB of pages,
	// so that a large import's index pages are not read again and again.
	// The WAL is checkpointed at SQLite's default 4 MB: a larger one makes
	// fewer writes in all, but each checkpoint holds the writer for
	// seconds on a large database, and the collector lease's renewal
	// waits behind it.
	w, err := sqlx.Open("sqlite", dsn+sep+common+"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32768)&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	if memory {
		// An in-memory database lives in its one connection.
		return &Store{Reader: Reader{db: w}, w: w}, nil
	}
	// query_only makes a write that strays into the read pool fail at
	// once instead of taking the lock behind the writer's back. Each
	// reader keeps 256 KiB of pages, not SQLite's 2 MB: the readers stay
	// open (below), and four default caches held about 45 MiB more at
	// the peak of the 10x load benchmark, for no measurable gain; the
	// operating system caches the file anyway.
	r, err := sqlx.Open("sqlite", dsn+sep+common+"&_pragma=query_only(1)&_pragma=cache_size(-256)")
	if err != nil {
		w.Close()
		return nil, err
	}
	// All kept open when idle (database/sql keeps two): under load the
	// others were closed after each query and opened again, parsing the
	// schema again each time (a fifth of serve's CPU time in the 10x load
	// benchmark).
	readers := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	return &Store{Reader: Reader{db: r}, w: w}, nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.inserts.close()
	err := s.w.Close()
	if s.db != s.w {
		err = errors.Join(err, s.db.Close())
	}
	return err
}

// Driver returns "sqlite" or "postgres".
func (s *Reader) Driver() string { return s.driver }

// SetClock replaces the clock used for recorded_at stamps (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Ping checks the connection.
func (s *Reader) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Ready reports whether the database answers and its schema is the one
// this build knows, without writing anything: what /readyz asks.
func (s *Reader) Ready(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("storage: database unreachable: %w", err)
	}
	return s.CheckSchema(ctx)
}

func (s *Reader) rebind(q string) string { return s.db.Rebind(q) }

// nowStamp is the current time as stored (see Stamp).
func (s *Store) nowStamp() string { return Stamp(s.now()) }

// StampLayout is how every timestamp is stored: UTC, RFC 3339 with exactly
// six fractional digits. One fixed width makes text order time order, in
// both databases, and keeps two events in the same second apart.
const StampLayout = "2006-01-02T15:04:05.000000Z"

// Stamp formats a time the way the database stores timestamps.
func Stamp(t time.Time) string { return t.UTC().Format(StampLayout) }

// ParseStamp reads a stored timestamp (or any RFC 3339 time); the empty
// string is the zero time.
func ParseStamp(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// tx runs fn in a write transaction, committing when fn returns nil.
func (s *Store) tx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.w.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// bumpVersion marks that figures may have changed; call inside the writing
// transaction. domains says what was written (see Domains); none: anything
// may have changed.
func bumpVersion(ctx context.Context, tx *sqlx.Tx, domains ...string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE data_version SET version = version + 1 WHERE id = 1`); err != nil {
		return err
	}
	if len(domains) == 0 {
		domains = Domains
	}
	q, args, err := sqlx.In(`UPDATE data_versions SET version = (SELECT version FROM data_version WHERE id = 1) WHERE domain IN (?)`, domains)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, tx.Rebind(q), args...)
	return err
}

// DataVersion returns a number that changes whenever stored figures may have
// changed.
func (s *Reader) DataVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.db.GetContext(ctx, &v, `SELECT version FROM data_version WHERE id = 1`)
	if err != nil {
		return 0, fmt.Errorf("storage: unable to read data version: %w", err)
	}
	return v, nil
}

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations for this dialect, in order. A
// file NNNN_name.sql serves both databases; NNNN_name-sqlite.sql or
// NNNN_name-postgres.sql only that one.
func (s *Reader) migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".sql")
		if strings.HasSuffix(name, "-sqlite") && s.driver != "sqlite" ||
			strings.HasSuffix(name, "-postgres") && s.driver != "postgres" {
			continue
		}
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("storage: migration %s has no number", e.Name())
		}
		b, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// LatestVersion is the newest schema version this build knows.
func (s *Reader) LatestVersion() (int, error) {
	ms, err := s.migrations()
	if err != nil || len(ms) == 0 {
		return 0, err
	}
	return ms[len(ms)-1].version, nil
}

// SchemaVersion returns the version of the database's schema. It only
// reads, so a read-only database role can ask; on a database never
// migrated it fails.
func (s *Reader) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	if err := s.db.GetContext(ctx, &v, `SELECT MAX(version) FROM schema_migrations`); err != nil {
		return 0, fmt.Errorf("storage: unable to read the schema version (has os2pulse migrate run?): %w", err)
	}
	return int(v.Int64), nil
}

// ErrSchemaTooNew is returned when the database was migrated by a newer
// os2pulse; running on it could corrupt data.
var ErrSchemaTooNew = errors.New("storage: database schema is newer than this os2pulse knows; upgrade os2pulse")

// Migrate applies every pending migration, each in its own transaction,
// then makes sure the 98 municipalities are present. It returns the
// migrations applied.
//
// Several instances may start at once on one database: only one migrates
// at a time (see lockMigrations), and each migration checks inside its
// transaction that no one applied it meanwhile.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	return s.migrate(ctx, math.MaxInt)
}

// migrate is Migrate up to version upTo; tests use it to put a database
// where an older release left it.
func (s *Store) migrate(ctx context.Context, upTo int) ([]string, error) {
	unlock, err := s.lockMigrations(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at TEXT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("storage: unable to create schema_migrations: %w", err)
	}
	cur, err := s.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := s.migrations()
	if err != nil {
		return nil, err
	}
	if len(ms) > 0 && cur > ms[len(ms)-1].version {
		return nil, fmt.Errorf("%w (database %d, known %d)", ErrSchemaTooNew, cur, ms[len(ms)-1].version)
	}
	var applied []string
	for _, m := range ms {
		if m.version <= cur {
			continue
		}
		if m.version > upTo {
			break
		}
		done := false
		err := s.tx(ctx, func(tx *sqlx.Tx) error {
			var n int
			if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM schema_migrations WHERE version = ?`), m.version); err != nil {
				return err
			}
			if done = n > 0; done {
				return nil
			}
			for _, stmt := range splitStatements(m.sql) {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("%w\n%s", err, stmt)
				}
			}
			_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`), m.version, s.nowStamp())
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("storage: unable to apply migration %s: %w", m.name, err)
		}
		if !done {
			applied = append(applied, m.name)
		}
	}
	if err := s.seedMunicipalities(ctx); err != nil {
		return applied, err
	}
	return applied, nil
}

// lockMigrations keeps other instances from migrating until unlock is
// called. On PostgreSQL it is an advisory lock, per schema, held by one
// connection: DDL there takes no lock that would keep a second instance
// from creating the same table. On SQLite each migration's transaction
// already holds the database file's write lock from its first statement
// (BEGIN IMMEDIATE), and the check inside it skips what another instance
// applied meanwhile, so no further lock is needed.
func (s *Store) lockMigrations(ctx context.Context) (unlock func(), err error) {
	if s.driver != "postgres" {
		return func() {}, nil
	}
	conn, err := s.w.Connx(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to lock migrations: %w", err)
	}
	const key = `hashtext('os2pulse migrate ' || current_schema())`
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+key+`)`); err != nil {
		conn.Close()
		return nil, fmt.Errorf("storage: unable to lock migrations: %w", err)
	}
	return func() {
		// Unlocked even when ctx is done; closing the connection would
		// release the lock too, but it goes back to the pool.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(uctx, `SELECT pg_advisory_unlock(`+key+`)`); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}, nil
}

// CheckSchema returns an error unless the schema is exactly the latest this
// build knows.
func (s *Reader) CheckSchema(ctx context.Context) error {
	cur, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	latest, err := s.LatestVersion()
	if err != nil {
		return err
	}
	switch {
	case cur > latest:
		return fmt.Errorf("%w (database %d, known %d)", ErrSchemaTooNew, cur, latest)
	case cur < latest:
		return fmt.Errorf("storage: database schema is at version %d, %d needed: run os2pulse migrate", cur, latest)
	}
	return nil
}

// splitStatements splits a migration on semicolons at line ends, dropping
// comment-only lines; both drivers run one statement per Exec reliably.
func splitStatements(src string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "--") || t == "" {
			continue
		}
		cur.WriteString(line)
		cur.WriteString("\n")
		if strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, strings.TrimSpace(cur.String()))
	}
	return out
}
