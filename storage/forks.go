package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"os2pulse/civil"
)

// ListedFork is a fork as a listing of its upstream's forks shows it.
type ListedFork struct {
	Fork     string    // owner/name
	Branch   string    // its default branch
	PushedAt time.Time // its last push
}

// Fork is a fork as a listing showed it, with the comparison of that
// version with the upstream's default branch, if one was made.
type Fork struct {
	ListedFork
	ComparedOn civil.Date // zero: not compared
	AheadBy    int
	BehindBy   int
}

// ForkListing is what the newest listing of a repository's forks on or
// before a date showed.
type ForkListing struct {
	Day   civil.Date
	Forks []Fork // the most recently pushed first
}

// PutForkListing records that the repository's forks were listed on day
// and showed forks. A version of a fork already known (same push) is
// carried on; a new push starts a new row, to be compared anew.
func (s *Store) PutForkListing(ctx context.Context, key string, day civil.Date, forks []ListedFork, checkpoints ...SyncState) error {
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		q := tx.Rebind(`INSERT INTO forks (repository_key, fork, pushed_at, branch, first_listed, last_listed) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (repository_key, fork, pushed_at) DO UPDATE SET last_listed = excluded.last_listed, branch = excluded.branch`)
		for _, f := range forks {
			if _, err := tx.ExecContext(ctx, q, key, f.Fork, Stamp(f.PushedAt), f.Branch, day, day); err != nil {
				return fmt.Errorf("%s: %w", f.Fork, err)
			}
		}
		return putForkListing(ctx, tx, key, day, s.nowStamp(), checkpoints)
	})
	if err != nil {
		return fmt.Errorf("storage: unable to store the forks of %s: %w", key, err)
	}
	return nil
}

// ForkListingUnchanged records that the repository's forks were listed on
// day and showed what the previous listing did (GitHub answered 304).
func (s *Store) ForkListingUnchanged(ctx context.Context, key string, day civil.Date, checkpoints ...SyncState) error {
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE forks SET last_listed = ? WHERE repository_key = ? AND last_listed =
			(SELECT MAX(day) FROM fork_listings WHERE repository_key = ? AND day <= ?)`), day, key, key, day)
		if err != nil {
			return err
		}
		return putForkListing(ctx, tx, key, day, s.nowStamp(), checkpoints)
	})
	if err != nil {
		return fmt.Errorf("storage: unable to store the unchanged forks of %s: %w", key, err)
	}
	return nil
}

func putForkListing(ctx context.Context, tx *sqlx.Tx, key string, day civil.Date, now string, checkpoints []SyncState) error {
	if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO fork_listings (repository_key, day) VALUES (?, ?)
		ON CONFLICT (repository_key, day) DO NOTHING`), key, day); err != nil {
		return err
	}
	if err := putSyncStates(ctx, tx, now, checkpoints); err != nil {
		return err
	}
	return bumpVersion(ctx, tx, DomainActivity)
}

// PutForkComparison stores how far a version of a fork (its push) was
// ahead of and behind the upstream's default branch on day.
func (s *Store) PutForkComparison(ctx context.Context, key string, f ListedFork, day civil.Date, ahead, behind int, checkpoints ...SyncState) error {
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE forks SET compared_on = ?, ahead_by = ?, behind_by = ?
			WHERE repository_key = ? AND fork = ? AND pushed_at = ?`), day, ahead, behind, key, f.Fork, Stamp(f.PushedAt))
		if err != nil {
			return err
		}
		if err := putSyncStates(ctx, tx, s.nowStamp(), checkpoints); err != nil {
			return err
		}
		return bumpVersion(ctx, tx, DomainActivity)
	})
	if err != nil {
		return fmt.Errorf("storage: unable to store the comparison of %s with %s: %w", f.Fork, key, err)
	}
	return nil
}

// ForkListings returns, per repository whose forks were listed on or
// before day, what the newest such listing showed, with the comparisons
// made by day. Figures and the collector read it alike.
func (s *Reader) ForkListings(ctx context.Context, day civil.Date) (map[string]ForkListing, error) {
	return s.forkListings(ctx, day, "")
}

// ForkListing is ForkListings of one repository; Day is zero when its
// forks were never listed by day.
func (s *Reader) ForkListing(ctx context.Context, key string, day civil.Date) (ForkListing, error) {
	all, err := s.forkListings(ctx, day, key)
	return all[key], err
}

// LastForkComparison returns the newest comparison of any version of a
// fork with the repository's default branch: what a comparison GitHub
// answers 304 to still says.
func (s *Reader) LastForkComparison(ctx context.Context, key, fork string) (ahead, behind int, ok bool, err error) {
	var rows []struct {
		AheadBy  int `db:"ahead_by"`
		BehindBy int `db:"behind_by"`
	}
	err = s.db.SelectContext(ctx, &rows, s.rebind(`SELECT ahead_by, behind_by FROM forks
		WHERE repository_key = ? AND fork = ? AND compared_on <> '' ORDER BY compared_on DESC, pushed_at DESC LIMIT 1`), key, fork)
	if err != nil || len(rows) == 0 {
		if err != nil {
			err = fmt.Errorf("storage: unable to read the last comparison of %s with %s: %w", fork, key, err)
		}
		return 0, 0, false, err
	}
	return rows[0].AheadBy, rows[0].BehindBy, true, nil
}

// forkListings reads the listings of one repository, or of all ("").
func (s *Reader) forkListings(ctx context.Context, day civil.Date, key string) (map[string]ForkListing, error) {
	var days []struct {
		Key string     `db:"repository_key"`
		Day civil.Date `db:"day"`
	}
	if err := s.db.SelectContext(ctx, &days, s.rebind(`SELECT repository_key, MAX(day) AS day FROM fork_listings
		WHERE day <= ? AND (CAST(? AS TEXT) = '' OR repository_key = ?) GROUP BY repository_key`), day, key, key); err != nil {
		return nil, fmt.Errorf("storage: unable to read the listings of forks: %w", err)
	}
	out := make(map[string]ForkListing, len(days))
	for _, d := range days {
		out[d.Key] = ForkListing{Day: d.Day}
	}
	var rows []struct {
		Key        string `db:"repository_key"`
		Fork       string `db:"fork"`
		PushedAt   string `db:"pushed_at"`
		Branch     string `db:"branch"`
		ComparedOn string `db:"compared_on"`
		AheadBy    int    `db:"ahead_by"`
		BehindBy   int    `db:"behind_by"`
	}
	err := s.db.SelectContext(ctx, &rows, s.rebind(`SELECT f.repository_key, f.fork, f.pushed_at, f.branch, f.compared_on, f.ahead_by, f.behind_by
		FROM forks f JOIN (SELECT repository_key, MAX(day) AS day FROM fork_listings
		  WHERE day <= ? AND (CAST(? AS TEXT) = '' OR repository_key = ?) GROUP BY repository_key) l
		  ON l.repository_key = f.repository_key AND f.first_listed <= l.day AND f.last_listed >= l.day
		ORDER BY f.repository_key, f.pushed_at DESC, f.fork`), day, key, key)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read forks: %w", err)
	}
	seen := map[[2]string]bool{}
	for _, r := range rows {
		// Two pushes listed the same day: the newer one stands.
		if seen[[2]string{r.Key, r.Fork}] {
			continue
		}
		seen[[2]string{r.Key, r.Fork}] = true
		f := Fork{ListedFork: ListedFork{Fork: r.Fork, Branch: r.Branch}, AheadBy: r.AheadBy, BehindBy: r.BehindBy}
		f.PushedAt, _ = ParseStamp(r.PushedAt)
		if on, err := civil.Parse(r.ComparedOn); err == nil && !on.After(day) {
			f.ComparedOn = on
		} else {
			f.AheadBy, f.BehindBy = 0, 0
		}
		l := out[r.Key]
		l.Forks = append(l.Forks, f)
		out[r.Key] = l
	}
	return out, nil
}
