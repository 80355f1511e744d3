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
	err := s.db.SelectContext(ctx, &rows, s.rebind(`SELECT repository_key, MAX(day) AS day FROM contributions
		WHERE kind = 'commit' AND day <= ? GROUP BY repository_key`), day)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read the last commit of each repository: %w", err)
	}
	out := make(map[string]civil.Date, len(rows))
	for _, r := range rows {
		out[r.Key] = r.Day
	}
	return out, nil
}
