package storage

import (
	"context"
	"fmt"

	"os2pulse/civil"
)

// LastCommitDays returns, for each repository with a commit on or before
// day, the day of its newest such commit (UTC), for the governance
// evidence of active development.
func (s *Reader) LastCommitDays(ctx context.Context, day civil.Date) (map[string]civil.Date, error) {
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
	err := s.db.SelectContext(ctx, &rows, s.rebind(`SELECT r.key AS repository_key, (SELECT c.day FROM contributions c
			WHERE c.repository_key = r.key AND c.day <= ? AND c.kind = 'commit'
			ORDER BY c.day DESC LIMIT 1) AS day
		FROM repositories r`), day)
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
