package storage

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"os2pulse/civil"
)

// LastCommitDays returns, for each repository with a commit on or before
// day, the day of its newest such commit (UTC), for the governance
// evidence of active development.
func (s *Reader) LastCommitDays(ctx context.Context, day civil.Date) (map[string]civil.Date, error) {
	return s.lastCommitDays(ctx, day, nil)
}

// LastCommitDaysOf is LastCommitDays of the repositories keys only: one
// product's evidence asks for a few of them, not every repository's.
func (s *Reader) LastCommitDaysOf(ctx context.Context, day civil.Date, keys []string) (map[string]civil.Date, error) {
	if len(keys) == 0 {
		return map[string]civil.Date{}, nil
	}
	return s.lastCommitDays(ctx, day, keys)
}

// lastCommitDays is LastCommitDays of keys, or of every repository when
// keys is nil.
func (s *Reader) lastCommitDays(ctx context.Context, day civil.Date, keys []string) (map[string]civil.Date, error) {
	var rows []struct {
		Key string  `db:"repository_key"`
		Day *string `db:"day"`
	}
	// Per repository, the newest row on or before day read backwards
	// through contributions_repo_day (repository, day, kind): a few index
	// entries each, where grouping every commit up to day read them all.
	// Every contribution's repository is in repositories. Repositories
	// without a commit are left out here rather than in SQL, where the
	// subquery would run a second time for the condition.
	q, args := `SELECT r.key AS repository_key, (SELECT c.day FROM contributions c
			WHERE c.repository_key = r.key AND c.day <= ? AND c.kind = 'commit'
			ORDER BY c.day DESC LIMIT 1) AS day
		FROM repositories r`, []any{day}
	if keys != nil {
		var err error
		if q, args, err = sqlx.In(q+` WHERE r.key IN (?)`, day, keys); err != nil {
			return nil, fmt.Errorf("storage: unable to read the last commit of each repository: %w", err)
		}
	}
	err := s.db.SelectContext(ctx, &rows, s.rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read the last commit of each repository: %w", err)
	}
	out := make(map[string]civil.Date, len(rows))
	for _, r := range rows {
		if r.Day == nil {
			continue
		}
		d, err := civil.Parse(*r.Day)
		if err != nil {
			return nil, fmt.Errorf("storage: the last commit of %s: %w", r.Key, err)
		}
		out[r.Key] = d
	}
	return out, nil
}
