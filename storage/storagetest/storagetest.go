// Package storagetest gives each test a fresh, migrated database: SQLite in
// a temporary directory, and PostgreSQL in a schema of its own that is
// dropped when the test ends.
//
// PostgreSQL is found at OS2PULSE_TEST_POSTGRES, by default
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable. When it cannot be
// reached the PostgreSQL cases are skipped with a message, except when CI is
// set: there a missing PostgreSQL fails the run.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"os2pulse/storage"
)

// DefaultPostgres is the test database used when OS2PULSE_TEST_POSTGRES is
// not set.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Drivers are the databases every storage test runs on.
var Drivers = []string{"sqlite", "postgres"}

// Each runs fn as a subtest once per database, each with a fresh store.
func Each(t *testing.T, fn func(t *testing.T, s *storage.Store)) {
	t.Helper()
	for _, d := range Drivers {
		t.Run(d, func(t *testing.T) {
			fn(t, New(t, d))
		})
	}
}

// New returns a fresh, migrated store on driver ("sqlite" or "postgres").
func New(t testing.TB, driver string) *storage.Store {
	t.Helper()
	s := Empty(t, driver)
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", driver, err)
	}
	return s
}

// Empty returns a fresh store on driver without migrating it.
func Empty(t testing.TB, driver string) *storage.Store {
	t.Helper()
	driver, dsn := DSN(t, driver)
	s, err := storage.Open(context.Background(), driver, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", driver, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// DSN returns a data source name for a fresh database on driver: a new
// SQLite file, or a new PostgreSQL schema (dropped at cleanup).
func DSN(t testing.TB, driver string) (string, string) {
	t.Helper()
	switch driver {
	case "sqlite":
		return "sqlite", filepath.Join(t.TempDir(), "os2pulse.db")
	case "postgres":
		return "postgres", postgresSchema(t)
	}
	t.Fatalf("unknown driver %q", driver)
	return "", ""
}

func postgresURL() string {
	if u := os.Getenv("OS2PULSE_TEST_POSTGRES"); u != "" {
		return u
	}
	return DefaultPostgres
}

func postgresSchema(t testing.TB) string {
	t.Helper()
	base := postgresURL()
	db, err := sql.Open("pgx", base)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = db.PingContext(ctx)
		cancel()
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL at %s is required when CI is set: %v", base, err)
		}
		t.Skipf("PostgreSQL at %s not reachable, skipping (set OS2PULSE_TEST_POSTGRES): %v", base, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		db.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		db.Close()
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}
