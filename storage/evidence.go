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
		Key string     `db:"repository_key"`
		Day civil.Date `db:"day"`
	}
	// Per repository, the newest row on or before day read backwards
	// through contributions_repo_day (repository, day, kind): a few index
	// entries each, where grouping every commit up to day read them all.
	// Every contribution's repository is in repositories.
	err := s.db.SelectContext(ctx, &rows, s.rebind(`SELECT repository_key, day FROM (
		SELECT r.key AS repository_key, (SELECT c.day FROM contributions c
			WHERE c.repository_key = r.key AND c.day <= ? AND c.kind = 'commit'
			ORDER BY c.day DESC LIMIT 1) AS day
		FROM repositories r) last WHERE day IS NOT NULL`), day)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read the last commit of each repository: %w", err)
	}
	out := make(map[string]civil.Date, len(rows))
	for _, r := range rows {
		out[r.Key] = r.Day
	}
	return out, nil
}
