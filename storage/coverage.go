package storage

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"os2pulse/civil"
)

// What the stored data reaches: how far each repository's history is known
// to be complete, and the first dated record of all.

// RepositoryCollected records a successful poll of a repository: its
// status, no error, no failure, and its history complete up to
// coveredUntil (never lowered).
func (s *Store) RepositoryCollected(ctx context.Context, key, status string, coveredUntil civil.Date) error {
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE repositories SET status = ?, last_error = '', moved_to = '',
			checked_at = ?, failing_since = '',
			covered_until = CASE WHEN covered_until < ? THEN ? ELSE covered_until END
			WHERE key = ?`), status, s.nowStamp(), coveredUntil, coveredUntil, key)
		if err != nil {
			return err
		}
		return bumpVersion(ctx, tx, DomainRepositories)
	})
	if err != nil {
		return fmt.Errorf("storage: unable to record the collection of %s: %w", key, err)
	}
	return nil
}

// RaiseCoverage records that a repository's history is complete up to
// until, as a git log import says; coverage is never lowered.
func (s *Store) RaiseCoverage(ctx context.Context, key string, until civil.Date) error {
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE repositories SET covered_until = ?
			WHERE key = ? AND covered_until < ?`), until, key, until)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return bumpVersion(ctx, tx, DomainRepositories)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("storage: unable to record the coverage of %s: %w", key, err)
	}
	return nil
}

// RepositoriesFailing records one failure for several repositories at once
// (GitHub could not be reached for any of them); each keeps its coverage,
// and its FailingSince if it already fails.
func (s *Store) RepositoriesFailing(ctx context.Context, keys []string, status, lastError string) error {
	if len(keys) == 0 {
		return nil
	}
	now := s.nowStamp()
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		q := tx.Rebind(`UPDATE repositories SET status = ?, last_error = ?, checked_at = ?,
			failing_since = CASE WHEN failing_since = '' THEN ? ELSE failing_since END WHERE key = ?`)
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, q, status, lastError, now, now, k); err != nil {
				return err
			}
		}
		return bumpVersion(ctx, tx, DomainRepositories)
	})
	if err != nil {
		return fmt.Errorf("storage: unable to record failing repositories: %w", err)
	}
	return nil
}

// FirstRecord returns the date of the earliest dated record, of the
// register (the start of a membership or adoption) or of activity (a
// contribution); zero when nothing is stored.
func (s *Reader) FirstRecord(ctx context.Context) (civil.Date, error) {
	var firsts []string
	// The rollup's first day per repository, from the start of its primary
	// key: the rollup has no index by day (migration 0014).
	err := s.db.SelectContext(ctx, &firsts, `SELECT COALESCE(MIN(since), '') FROM memberships WHERE retracted_at = ''
		UNION ALL SELECT COALESCE(MIN(since), '') FROM adoptions WHERE retracted_at = ''
		UNION ALL SELECT COALESCE(MIN((SELECT MIN(c.day) FROM contributor_days c WHERE c.repository_key = r.key)), '') FROM repositories r`)
	if err != nil {
		return 0, fmt.Errorf("storage: unable to read the first record: %w", err)
	}
	var first civil.Date
	for _, s := range firsts {
		d, err := civil.ParseOptional(s)
		if err != nil {
			return 0, fmt.Errorf("storage: first record: %w", err)
		}
		if !d.IsZero() && (first.IsZero() || d < first) {
			first = d
		}
	}
	return first, nil
}
