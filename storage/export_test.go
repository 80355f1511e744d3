package storage

import "context"

// ExecForTest runs a statement with ? placeholders; tests use it to set up
// states the API does not produce.
func (s *Store) ExecForTest(ctx context.Context, q string, args ...any) error {
	_, err := s.db.ExecContext(ctx, s.rebind(q), args...)
	return err
}
