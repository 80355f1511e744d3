package storage

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// ExecForTest runs a statement with ? placeholders; tests use it to set up
// states the API does not produce.
func (s *Store) ExecForTest(ctx context.Context, q string, args ...any) error {
	_, err := s.w.ExecContext(ctx, s.rebind(q), args...)
	return err
}

// HoldWriteForTest opens a write transaction that has written (so it
// holds SQLite's write lock) and returns its commit: tests hold it to see
// what other readers and writers do meanwhile.
func (s *Store) HoldWriteForTest(ctx context.Context) (commit func() error, err error) {
	tx, err := s.w.BeginTxx(ctx, nil)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE data_version SET version = version + 1 WHERE id = 1`); err != nil {
		tx.Rollback()
		return nil, err
	}
	return tx.Commit, nil
}

// MigrateToForTest applies the pending migrations up to version v: a
// database as an older release left it.
func (s *Store) MigrateToForTest(ctx context.Context, v int) ([]string, error) {
	return s.migrate(ctx, v)
}

// QueryRowForTest runs a query with ? placeholders that returns one row.
func (s *Store) QueryRowForTest(ctx context.Context, q string, args ...any) *sqlx.Row {
	return s.w.QueryRowxContext(ctx, s.rebind(q), args...)
}
