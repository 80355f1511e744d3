package storage

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"os2pulse/civil"
)

// Repository statuses.
const (
	RepoOK          = "ok"
	RepoEmpty       = "empty"       // GitHub answers 409: no commits yet
	RepoNotFound    = "not_found"   // 404: deleted, or private without access
	RepoUnavailable = "unavailable" // 451 or 403: blocked or access denied
	RepoMoved       = "moved"       // renamed or transferred; MovedTo names the new key
	RepoUnreachable = "unreachable" // GitHub did not answer at all (network, DNS, time-out)
	RepoError       = "error"       // anything else; LastError says what
)

// RepoFailing reports whether a status is a failed poll: the repository's
// coverage stays where its last successful collection left it.
func RepoFailing(status string) bool {
	switch status {
	case RepoOK, RepoEmpty, RepoMoved, "":
		return false
	}
	return true
}

// Repository is a source repository of a product.
type Repository struct {
	Key           string `db:"key" json:"key"`
	Forge         string `db:"forge" json:"forge"`
	Owner         string `db:"owner" json:"owner"`
	Name          string `db:"name" json:"name"`
	Description   string `db:"description" json:"description"`
	DefaultBranch string `db:"default_branch" json:"default_branch"`
	Archived      bool   `db:"archived" json:"archived"`
	Fork          bool   `db:"fork" json:"fork"`
	Status        string `db:"status" json:"status"`
	LastError     string `db:"last_error" json:"last_error,omitempty"`
	MovedTo       string `db:"moved_to" json:"moved_to,omitempty"`
	CheckedAt     string `db:"checked_at" json:"checked_at,omitempty"`
	// CoveredUntil is how far the repository's history is known to be
	// complete (zero: not known); FailingSince when its polls began to
	// fail (a stamp, "" while they succeed). Both are kept by storage:
	// UpsertRepository ignores what the caller sets.
	CoveredUntil civil.Date `db:"covered_until" json:"covered_until,omitzero"`
	FailingSince string     `db:"failing_since" json:"failing_since,omitempty"`
}

// RepoKey is the storage key of a repository: "forge/owner/name" in lower
// case.
func RepoKey(forge, owner, name string) string {
	return strings.ToLower(forge + "/" + owner + "/" + name)
}

// FullName returns "owner/name" as the forge spells it.
func (r Repository) FullName() string { return r.Owner + "/" + r.Name }

// UpsertRepository stores a repository's metadata and links it to the
// given products. A failure status starts the repository's FailingSince
// unless it already fails; a move ends it. Only a successful collection
// (RepositoryCollected) ends a failure: "ok" here is metadata read at the
// start of a poll whose listings may still fail.
func (s *Store) UpsertRepository(ctx context.Context, r Repository, productIDs []string) error {
	if r.Key == "" {
		r.Key = RepoKey(r.Forge, r.Owner, r.Name)
	}
	if r.Status == "" {
		r.Status = RepoOK
	}
	since := ""
	if RepoFailing(r.Status) {
		if since = r.CheckedAt; since == "" {
			since = s.nowStamp()
		}
	}
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`
			INSERT INTO repositories (key, forge, owner, name, description, default_branch, archived, fork,
				status, last_error, moved_to, checked_at, failing_since)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET forge = excluded.forge, owner = excluded.owner, name = excluded.name,
				description = excluded.description, default_branch = excluded.default_branch,
				archived = excluded.archived, fork = excluded.fork, status = excluded.status,
				last_error = excluded.last_error, moved_to = excluded.moved_to, checked_at = excluded.checked_at,
				failing_since = CASE WHEN excluded.status = 'moved' THEN ''
					WHEN repositories.failing_since = '' THEN excluded.failing_since
					ELSE repositories.failing_since END`),
			r.Key, r.Forge, r.Owner, r.Name, r.Description, r.DefaultBranch, boolInt(r.Archived), boolInt(r.Fork),
			r.Status, r.LastError, r.MovedTo, r.CheckedAt, since)
		if err != nil {
			return err
		}
		for _, p := range productIDs {
			_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO product_repositories (product_id, repository_key)
				VALUES (?, ?) ON CONFLICT DO NOTHING`), p, r.Key)
			if err != nil {
				return fmt.Errorf("link to product %s: %w", p, err)
			}
		}
		return bumpVersion(ctx, tx, DomainRepositories)
	})
	if err != nil {
		return fmt.Errorf("storage: unable to store repository %s: %w", r.Key, err)
	}
	return nil
}

// SetRepositoryStatus records the outcome of the last poll of a repository
// without touching its other metadata. A failure starts FailingSince
// unless the repository already fails; a success ends it.
func (s *Store) SetRepositoryStatus(ctx context.Context, key, status, lastError, movedTo string) error {
	now := s.nowStamp()
	since := ""
	if RepoFailing(status) {
		since = now
	}
	// The version moves: a status shows on pages, and a move changes what
	// a product's coverage is made of.
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE repositories SET status = ?, last_error = ?, moved_to = ?, checked_at = ?,
			failing_since = CASE WHEN ? = '' OR failing_since = '' THEN ? ELSE failing_since END
			WHERE key = ?`), status, lastError, movedTo, now, since, since, key)
		if err != nil {
			return err
		}
		return bumpVersion(ctx, tx, DomainRepositories)
	})
	if err != nil {
		return fmt.Errorf("storage: unable to set status of repository %s: %w", key, err)
	}
	return nil
}

// Repositories returns the repositories of a product ("" for all), ordered
// by key.
func (s *Reader) Repositories(ctx context.Context, productID string) ([]Repository, error) {
	q := `SELECT key, forge, owner, name, description, default_branch, archived <> 0 AS archived, fork <> 0 AS fork,
		status, last_error, moved_to, checked_at, covered_until, failing_since FROM repositories`
	var args []any
	if productID != "" {
		q += ` WHERE key IN (SELECT repository_key FROM product_repositories WHERE product_id = ?)`
		args = append(args, productID)
	}
	q += ` ORDER BY key`
	var out []Repository
	if err := s.db.SelectContext(ctx, &out, s.rebind(q), args...); err != nil {
		return nil, fmt.Errorf("storage: unable to list repositories: %w", err)
	}
	return out, nil
}

// ProductRepositories maps each product id to its repository keys.
func (s *Reader) ProductRepositories(ctx context.Context) (map[string][]string, error) {
	var rows []struct {
		Product string `db:"product_id"`
		Repo    string `db:"repository_key"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT product_id, repository_key FROM product_repositories ORDER BY product_id, repository_key`)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to list product repositories: %w", err)
	}
	out := map[string][]string{}
	for _, r := range rows {
		out[r.Product] = append(out[r.Product], r.Repo)
	}
	return out, nil
}

// Snapshot is a repository's counters on one UTC day.
type Snapshot struct {
	RepositoryKey string     `db:"repository_key" json:"repository"`
	Day           civil.Date `db:"day" json:"day"`
	Stars         int        `db:"stars" json:"stars"`
	Forks         int        `db:"forks" json:"forks"`
	Watchers      int        `db:"watchers" json:"watchers"`
	OpenIssues    int        `db:"open_issues" json:"open_issues"`
}

// PutSnapshot stores the day's snapshot, replacing an earlier one that day.
func (s *Store) PutSnapshot(ctx context.Context, sn Snapshot) error {
	_, err := s.w.ExecContext(ctx, s.rebind(`
		INSERT INTO repository_snapshots (repository_key, day, stars, forks, watchers, open_issues) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (repository_key, day) DO UPDATE SET stars = excluded.stars, forks = excluded.forks,
			watchers = excluded.watchers, open_issues = excluded.open_issues`),
		sn.RepositoryKey, sn.Day, sn.Stars, sn.Forks, sn.Watchers, sn.OpenIssues)
	if err != nil {
		return fmt.Errorf("storage: unable to store snapshot of %s: %w", sn.RepositoryKey, err)
	}
	return nil
}

// LatestSnapshots returns each repository's newest snapshot on or before day.
func (s *Reader) LatestSnapshots(ctx context.Context, day civil.Date) (map[string]Snapshot, error) {
	var rows []Snapshot
	err := s.db.SelectContext(ctx, &rows, s.rebind(`
		SELECT s.repository_key, s.day, s.stars, s.forks, s.watchers, s.open_issues FROM repository_snapshots s
		JOIN (SELECT repository_key, MAX(day) AS day FROM repository_snapshots WHERE day <= ? GROUP BY repository_key) m
		  ON m.repository_key = s.repository_key AND m.day = s.day`), day)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read snapshots: %w", err)
	}
	out := make(map[string]Snapshot, len(rows))
	for _, r := range rows {
		out[r.RepositoryKey] = r
	}
	return out, nil
}
