package storage

import (
	"context"
	"fmt"
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
func (s *Store) AddContributions(ctx context.Context, cs []Contribution) (int, error) {
	if len(cs) == 0 {
		return 0, nil
	}
	added := 0
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		// Prepared once per transaction: a backfill stores thousands of rows.
		ins, err := tx.PreparexContext(ctx, tx.Rebind(`INSERT INTO contributions (repository_key, kind, ext_id, at, day, login, email, name,
			committed_at, merged_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`))
		if err != nil {
			return err
		}
		defer ins.Close()
		upd, err := tx.PreparexContext(ctx, tx.Rebind(`UPDATE contributions SET merged_at = ?, closed_at = ?
			WHERE repository_key = ? AND kind = ? AND ext_id = ? AND (merged_at <> ? OR closed_at <> ?)`))
		if err != nil {
			return err
		}
		defer upd.Close()
		roll, err := tx.PreparexContext(ctx, tx.Rebind(`INSERT INTO contributor_days (repository_key, day, identity, login, email, name, contributions)
			VALUES (?, ?, ?, ?, ?, ?, 1)
			ON CONFLICT (repository_key, day, identity) DO UPDATE SET contributions = contributor_days.contributions + 1`))
		if err != nil {
			return err
		}
		defer roll.Close()
		for _, c := range cs {
			if c.At.IsZero() {
				return fmt.Errorf("%s %s %s has no date", c.RepositoryKey, c.Kind, c.ExtID)
			}
			res, err := ins.ExecContext(ctx, c.RepositoryKey, c.Kind, c.ExtID, Stamp(c.At), civil.UTCDay(c.At),
				c.Login, c.Email, c.Name, optStamp(c.CommittedAt), optStamp(c.MergedAt), optStamp(c.ClosedAt))
			if err != nil {
				return fmt.Errorf("%s %s %s: %w", c.RepositoryKey, c.Kind, c.ExtID, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			if n == 0 {
				if c.Kind == KindPullRequest || c.Kind == KindIssue {
					m, cl := optStamp(c.MergedAt), optStamp(c.ClosedAt)
					if _, err := upd.ExecContext(ctx, m, cl, c.RepositoryKey, c.Kind, c.ExtID, m, cl); err != nil {
						return fmt.Errorf("%s %s %s: %w", c.RepositoryKey, c.Kind, c.ExtID, err)
					}
				}
				continue
			}
			added++
			if _, err := roll.ExecContext(ctx, c.RepositoryKey, civil.UTCDay(c.At), c.Identity(),
				strings.ToLower(c.Login), strings.ToLower(c.Email), c.Name); err != nil {
				return fmt.Errorf("rollup of %s %s %s: %w", c.RepositoryKey, c.Kind, c.ExtID, err)
			}
		}
		if added > 0 {
			return bumpVersion(ctx, tx)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("storage: unable to store contributions: %w", err)
	}
	return added, nil
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
func (s *Store) ContributorDays(ctx context.Context, from, to civil.Date) ([]ContributorDay, error) {
	var out []ContributorDay
	err := s.db.SelectContext(ctx, &out, s.rebind(`SELECT repository_key, day, identity, login, email, name, contributions
		FROM contributor_days WHERE day >= ? AND day <= ? ORDER BY day, repository_key, identity`), from, to)
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
func (s *Store) ActivityCounts(ctx context.Context, from, to civil.Date) ([]ActivityCount, error) {
	var out []ActivityCount
	err := s.db.SelectContext(ctx, &out, s.rebind(`SELECT repository_key, kind, COUNT(*) AS n, MAX(at) AS last
		FROM contributions WHERE day >= ? AND day <= ? GROUP BY repository_key, kind ORDER BY repository_key, kind`), from, to)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to count activity: %w", err)
	}
	return out, nil
}

// CountContributions returns how many contributions of a repository are
// stored (all kinds when kind is "").
func (s *Store) CountContributions(ctx context.Context, repoKey, kind string) (int, error) {
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

// AddReleases stores releases, ignoring known ones; it returns how many
// were new.
func (s *Store) AddReleases(ctx context.Context, rs []Release) (int, error) {
	added := 0
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		q := tx.Rebind(`INSERT INTO releases (repository_key, ext_id, tag, name, published_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT DO NOTHING`)
		for _, r := range rs {
			res, err := tx.ExecContext(ctx, q, r.RepositoryKey, r.ExtID, r.Tag, r.Name, Stamp(r.PublishedAt))
			if err != nil {
				return fmt.Errorf("%s release %s: %w", r.RepositoryKey, r.Tag, err)
			}
			n, _ := res.RowsAffected()
			added += int(n)
		}
		if added > 0 {
			return bumpVersion(ctx, tx)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("storage: unable to store releases: %w", err)
	}
	return added, nil
}

// LatestReleases returns each repository's newest release published on or
// before day (UTC).
func (s *Store) LatestReleases(ctx context.Context, day civil.Date) (map[string]Release, error) {
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
