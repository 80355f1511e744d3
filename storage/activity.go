package storage

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"os2pulse/civil"
)

// Contribution kinds.
const (
	KindCommit      = "commit"
	KindPullRequest = "pull_request"
	KindIssue       = "issue"
	KindReview      = "review"
)

// Contribution is one dated contribution to a repository.
type Contribution struct {
	RepositoryKey string    `db:"repository_key"`
	Kind          string    `db:"kind"`
	ExtID         string    `db:"ext_id"` // commit sha, PR or issue number, review id
	At            time.Time `db:"-"`      // author date for commits
	Login         string    `db:"login"`  // GitHub login when GitHub links one
	Email         string    `db:"email"`
	Name          string    `db:"name"`
	CommittedAt   time.Time `db:"-"` // commits only
	MergedAt      time.Time `db:"-"` // pull requests only
	ClosedAt      time.Time `db:"-"` // pull requests and issues
}

// Identity is how a contribution's author is told apart before aliases are
// applied: the GitHub login when GitHub links one, else the lower-cased
// e-mail address, else the name.
func (c Contribution) Identity() string {
	switch {
	case c.Login != "":
		return strings.ToLower(c.Login)
	case c.Email != "":
		return strings.ToLower(c.Email)
	default:
		return "name:" + strings.ToLower(c.Name)
	}
}

func optStamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return Stamp(t)
}

// AddContributions stores contributions, ignoring those already stored (by
// repository, kind and natural id), and updates the daily contributor
// rollup for the new ones in the same transaction. For known pull requests
// and issues, merge and close dates are updated. It returns how many were
// new.
//
// Each BatchSize contributions are one transaction. The checkpoints (sync
// states recording how far a listing or an import got) are stored in the
// transaction of the last batch: progress is never saved ahead of its
// rows, and a restart continues after the last batch stored.
//
// A batch is a few statements, whatever its size: on SQLite multi-row
// INSERTs of rowsPerInsert rows, on PostgreSQL a COPY into a temporary
// staging table and one INSERT … SELECT from it per table (see bulk).
func (s *Store) AddContributions(ctx context.Context, cs []Contribution, checkpoints ...SyncState) (int, error) {
	added := 0
	for start := 0; start < len(cs) || (start == 0 && len(checkpoints) > 0); start += BatchSize {
		batch := cs[start:min(start+BatchSize, len(cs))]
		last := start+BatchSize >= len(cs)
		n := 0
		err := s.bulkTx(ctx, func(tx *sqlx.Tx, b bulk) error {
			var err error
			if n, err = addContributions(ctx, tx, b, batch); err != nil {
				return err
			}
			if last {
				if err := putSyncStates(ctx, tx, s.nowStamp(), checkpoints); err != nil {
					return err
				}
			}
			if n > 0 {
				return bumpVersion(ctx, tx, DomainActivity)
			}
			return nil
		})
		if err != nil {
			return added, fmt.Errorf("storage: unable to store contributions: %w", err)
		}
		added += n
	}
	if err := s.refreshStatistics(ctx, added); err != nil {
		return added, err
	}
	return added, nil
}

// rowsPerInsert bounds the rows of one multi-row statement, below SQLite's
// and PostgreSQL's limits on bound parameters.
const rowsPerInsert = 500

// contributionKey is a contribution's natural key.
type contributionKey struct{ repo, kind, extID string }

// The columns of the two tables a batch writes, in the order of their
// rows.
var (
	contributionColumns = []string{"repository_key", "kind", "ext_id", "at", "day", "login", "email", "name",
		"committed_at", "merged_at", "closed_at"}
	contributorDayColumns = []string{"repository_key", "day", "identity", "login", "email", "name", "contributions"}
)

// addContributions inserts one batch and returns how many rows were new.
// Only the new rows count in the rollup.
func addContributions(ctx context.Context, tx *sqlx.Tx, b bulk, cs []Contribution) (int, error) {
	byKey := make(map[contributionKey]*Contribution, len(cs))
	rows := make([][]any, 0, len(cs))
	for i := range cs {
		c := &cs[i]
		if c.At.IsZero() {
			return 0, fmt.Errorf("%s %s %s has no date", c.RepositoryKey, c.Kind, c.ExtID)
		}
		k := contributionKey{c.RepositoryKey, c.Kind, c.ExtID}
		// A contribution listed twice in a batch is stored once: the
		// first, the one the rollup counts.
		if _, ok := byKey[k]; ok {
			continue
		}
		byKey[k] = c
		rows = append(rows, []any{c.RepositoryKey, c.Kind, c.ExtID, Stamp(c.At), civil.UTCDay(c.At).String(),
			c.Login, c.Email, c.Name, optStamp(c.CommittedAt), optStamp(c.MergedAt), optStamp(c.ClosedAt)})
	}
	inserted, err := insertContributions(ctx, tx, b, rows, len(byKey))
	if err != nil {
		return 0, err
	}
	added := len(inserted)
	// Pull requests and issues already known may have been merged or
	// closed since: one small update each, and only for those.
	for i := range cs {
		c := &cs[i]
		k := contributionKey{c.RepositoryKey, c.Kind, c.ExtID}
		if inserted[k] || byKey[k] != c || (c.Kind != KindPullRequest && c.Kind != KindIssue) {
			continue
		}
		m, cl := optStamp(c.MergedAt), optStamp(c.ClosedAt)
		if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE contributions SET merged_at = ?, closed_at = ?
			WHERE repository_key = ? AND kind = ? AND ext_id = ? AND (merged_at <> ? OR closed_at <> ?)`),
			m, cl, c.RepositoryKey, c.Kind, c.ExtID, m, cl); err != nil {
			return 0, fmt.Errorf("%s %s %s: %w", c.RepositoryKey, c.Kind, c.ExtID, err)
		}
	}
	if err := rollUp(ctx, tx, b, cs, inserted); err != nil {
		return 0, err
	}
	return added, nil
}

// insertContributions inserts rows (one per key) and returns the keys of
// those that were new, the ones the rollup counts. See insertNew for how
// each database tells them apart.
func insertContributions(ctx context.Context, tx *sqlx.Tx, b bulk, rows [][]any, keys int) (map[contributionKey]bool, error) {
	inserted := make(map[contributionKey]bool, keys)
	all, err := b.insertNew(ctx, tx, "contributions", contributionColumns, rows, "repository_key, kind, ext_id", func(sc scanner) error {
		var k contributionKey
		if err := sc.Scan(&k.repo, &k.kind, &k.extID); err != nil {
			return err
		}
		inserted[k] = true
		return nil
	})
	if all {
		for _, r := range rows {
			inserted[contributionKey{r[0].(string), r[1].(string), r[2].(string)}] = true
		}
	}
	return inserted, err
}

// rollUp adds the new contributions to the daily contributor rollup: one
// row per repository, UTC day and identity, counted in Go first so that
// each row appears once per statement (PostgreSQL refuses to update a row
// twice in one).
func rollUp(ctx context.Context, tx *sqlx.Tx, b bulk, cs []Contribution, inserted map[contributionKey]bool) error {
	type dayKey struct {
		repo     string
		day      civil.Date
		identity string
	}
	type dayRow struct {
		c *Contribution // the first new one: its login, e-mail and name are kept
		n int
	}
	days := make(map[dayKey]*dayRow, len(inserted))
	order := make([]dayKey, 0, len(inserted))
	for i := range cs {
		c := &cs[i]
		k := contributionKey{c.RepositoryKey, c.Kind, c.ExtID}
		if !inserted[k] {
			continue
		}
		delete(inserted, k) // a contribution listed twice counts once
		dk := dayKey{c.RepositoryKey, civil.UTCDay(c.At), c.Identity()}
		if r, ok := days[dk]; ok {
			r.n++
			continue
		}
		days[dk] = &dayRow{c: c, n: 1}
		order = append(order, dk)
	}
	if len(order) == 0 {
		return nil
	}
	// A fixed order keeps concurrent writers on PostgreSQL from locking
	// the same rows in opposite orders.
	slices.SortFunc(order, func(a, b dayKey) int {
		return cmp.Or(cmp.Compare(a.repo, b.repo), cmp.Compare(a.day, b.day), cmp.Compare(a.identity, b.identity))
	})
	rows := make([][]any, len(order))
	for i, dk := range order {
		r := days[dk]
		rows[i] = []any{dk.repo, dk.day.String(), dk.identity, strings.ToLower(r.c.Login), strings.ToLower(r.c.Email), r.c.Name, r.n}
	}
	if err := b.insert(ctx, tx, "contributor_days", contributorDayColumns, rows,
		` ON CONFLICT (repository_key, day, identity) DO UPDATE SET contributions = contributor_days.contributions + excluded.contributions`,
		"", nil); err != nil {
		return fmt.Errorf("rollup: %w", err)
	}
	return nil
}

// ContributorDay is one identity's contributions to one repository on one
// UTC day, from the rollup.
type ContributorDay struct {
	RepositoryKey string     `db:"repository_key"`
	Day           civil.Date `db:"day"`
	Identity      string     `db:"identity"`
	Login         string     `db:"login"`
	Email         string     `db:"email"`
	Name          string     `db:"name"`
	Contributions int        `db:"contributions"`
}

// ContributorDays returns the rollup rows with from <= day <= to, ordered
// by day.
func (s *Reader) ContributorDays(ctx context.Context, from, to civil.Date) ([]ContributorDay, error) {
	var out []ContributorDay
	// By repository, each a range of the primary key: the rollup has no
	// index by day, which would cost every stored commit a B-tree more
	// (migration 0014).
	err := s.db.SelectContext(ctx, &out, s.rebind(`SELECT repository_key, day, identity, login, email, name, contributions
		FROM contributor_days WHERE repository_key IN (SELECT key FROM repositories) AND day >= ? AND day <= ?
		ORDER BY day, repository_key, identity`), from, to)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read contributor days: %w", err)
	}
	return out, nil
}

// ActivityCount is the number of contributions of one kind.
type ActivityCount struct {
	RepositoryKey string `db:"repository_key"`
	Kind          string `db:"kind"`
	Count         int    `db:"n"`
	Last          string `db:"last"`
}

// ActivityCounts counts contributions per repository and kind with
// from <= day <= to, with the newest contribution time.
func (s *Reader) ActivityCounts(ctx context.Context, from, to civil.Date) ([]ActivityCount, error) {
	var out []ActivityCount
	// By repository through contributions_repo_day: there is no index by
	// day alone (migration 0014).
	err := s.db.SelectContext(ctx, &out, s.rebind(`SELECT repository_key, kind, COUNT(*) AS n, MAX(at) AS last
		FROM contributions WHERE repository_key IN (SELECT key FROM repositories) AND day >= ? AND day <= ?
		GROUP BY repository_key, kind ORDER BY repository_key, kind`), from, to)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to count activity: %w", err)
	}
	return out, nil
}

// CountContributions returns how many contributions of a repository are
// stored (all kinds when kind is "").
func (s *Reader) CountContributions(ctx context.Context, repoKey, kind string) (int, error) {
	var n int
	q := `SELECT COUNT(*) FROM contributions WHERE repository_key = ?`
	args := []any{repoKey}
	if kind != "" {
		q += ` AND kind = ?`
		args = append(args, kind)
	}
	if err := s.db.GetContext(ctx, &n, s.rebind(q), args...); err != nil {
		return 0, fmt.Errorf("storage: unable to count contributions of %s: %w", repoKey, err)
	}
	return n, nil
}

// Release is a published release of a repository.
type Release struct {
	RepositoryKey string    `db:"repository_key"`
	ExtID         string    `db:"ext_id"`
	Tag           string    `db:"tag"`
	Name          string    `db:"name"`
	PublishedAt   time.Time `db:"-"`
}

// AddReleases stores releases, ignoring known ones, and the checkpoints in
// the same transaction (see AddContributions); it returns how many were
// new.
func (s *Store) AddReleases(ctx context.Context, rs []Release, checkpoints ...SyncState) (int, error) {
	return insertNew(ctx, s, "releases", `INSERT INTO releases (repository_key, ext_id, tag, name, published_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, rs, func(r Release) (string, []any, error) {
		return r.RepositoryKey + " release " + r.Tag, []any{r.RepositoryKey, r.ExtID, r.Tag, r.Name, Stamp(r.PublishedAt)}, nil
	}, checkpoints)
}

// insertNew stores rows with insert (which ignores known ones) and the
// checkpoints in one transaction, bumping the activity domain when any
// row was new; it returns how many were. args gives a row's name for
// errors and its arguments, or why it cannot be stored.
func insertNew[T any](ctx context.Context, s *Store, what, insert string, rows []T, args func(T) (string, []any, error), checkpoints []SyncState) (int, error) {
	added := 0
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		q := tx.Rebind(insert)
		for _, r := range rows {
			name, a, err := args(r)
			if err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, q, a...)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			n, _ := res.RowsAffected()
			added += int(n)
		}
		if err := putSyncStates(ctx, tx, s.nowStamp(), checkpoints); err != nil {
			return err
		}
		if added > 0 {
			return bumpVersion(ctx, tx, DomainActivity)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("storage: unable to store %s: %w", what, err)
	}
	return added, nil
}

// LatestReleases returns each repository's newest release published on or
// before day (UTC).
func (s *Reader) LatestReleases(ctx context.Context, day civil.Date) (map[string]Release, error) {
	var rows []struct {
		RepositoryKey string `db:"repository_key"`
		ExtID         string `db:"ext_id"`
		Tag           string `db:"tag"`
		Name          string `db:"name"`
		PublishedAt   string `db:"published_at"`
	}
	err := s.db.SelectContext(ctx, &rows, s.rebind(`SELECT r.repository_key, r.ext_id, r.tag, r.name, r.published_at
		FROM releases r JOIN (SELECT repository_key, MAX(published_at) AS p FROM releases WHERE published_at < ?
		GROUP BY repository_key) m ON m.repository_key = r.repository_key AND m.p = r.published_at`),
		// "T99" sorts after every time of day: all of day is included.
		day.String()+"T99")
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read releases: %w", err)
	}
	out := map[string]Release{}
	for _, r := range rows {
		t, _ := ParseStamp(r.PublishedAt)
		out[r.RepositoryKey] = Release{RepositoryKey: r.RepositoryKey, ExtID: r.ExtID, Tag: r.Tag, Name: r.Name, PublishedAt: t}
	}
	return out, nil
}
