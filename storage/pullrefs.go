package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// PullRequestRef says whether a pull request's title or description
// references an issue.
type PullRequestRef struct {
	RepositoryKey string
	Number        int
	MergedAt      time.Time // zero while not merged
	RefsIssue     bool
}

// PutPullRequestRefs stores pull requests' issue references, replacing
// what an earlier listing said of the same pull request.
func (s *Store) PutPullRequestRefs(ctx context.Context, refs []PullRequestRef) error {
	if len(refs) == 0 {
		return nil
	}
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		q := tx.Rebind(`INSERT INTO pull_request_refs (repository_key, number, merged_at, refs_issue) VALUES (?, ?, ?, ?)
			ON CONFLICT (repository_key, number) DO UPDATE SET merged_at = excluded.merged_at, refs_issue = excluded.refs_issue`)
		for _, r := range refs {
			merged := ""
			if !r.MergedAt.IsZero() {
				merged = Stamp(r.MergedAt)
			}
			if _, err := tx.ExecContext(ctx, q, r.RepositoryKey, r.Number, merged, boolInt(r.RefsIssue)); err != nil {
				return fmt.Errorf("%s#%d: %w", r.RepositoryKey, r.Number, err)
			}
		}
		return bumpVersion(ctx, tx, DomainActivity)
	})
	if err != nil {
		return fmt.Errorf("storage: unable to store pull requests' issue references: %w", err)
	}
	return nil
}

// MergedPullRequest is a pull request merged in a window, and whether its
// issue references were read (Known) and found.
type MergedPullRequest struct {
	RepositoryKey string
	Number        string
	MergedAt      time.Time
	Known         bool
	RefsIssue     bool
}

// MergedPullRequests returns the pull requests merged from from until
// before to (UTC), by repository and number, with their issue references
// where they were read.
func (s *Reader) MergedPullRequests(ctx context.Context, from, to time.Time) ([]MergedPullRequest, error) {
	var rows []struct {
		RepositoryKey string `db:"repository_key"`
		ExtID         string `db:"ext_id"`
		MergedAt      string `db:"merged_at"`
		Known         bool   `db:"known"`
		RefsIssue     bool   `db:"refs_issue"`
	}
	// The kind twice: SQLite reads a partial index only when the query
	// names its condition (migration 0009's, over issues and pull
	// requests), else every commit too.
	err := s.db.SelectContext(ctx, &rows, s.rebind(`SELECT c.repository_key, c.ext_id, c.merged_at,
		r.repository_key IS NOT NULL AS known, COALESCE(r.refs_issue, 0) <> 0 AS refs_issue
		FROM contributions c LEFT JOIN pull_request_refs r
		  ON r.repository_key = c.repository_key AND CAST(r.number AS TEXT) = c.ext_id
		WHERE c.kind = 'pull_request' AND c.kind IN ('issue', 'pull_request')
		  AND c.merged_at <> '' AND c.merged_at >= ? AND c.merged_at < ?
		ORDER BY c.repository_key, c.merged_at`), Stamp(from), Stamp(to))
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read merged pull requests: %w", err)
	}
	out := make([]MergedPullRequest, 0, len(rows))
	for _, r := range rows {
		m := MergedPullRequest{RepositoryKey: r.RepositoryKey, Number: r.ExtID, Known: r.Known, RefsIssue: r.RefsIssue}
		m.MergedAt, _ = ParseStamp(r.MergedAt)
		out = append(out, m)
	}
	return out, nil
}
