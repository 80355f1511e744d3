package storage

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"os2pulse/civil"
)

// Reads for a reader that keeps the contributor rollup in memory: all of
// it once, then only the rows written since (a row written again, its
// count grown, comes again with its new count).

// RollupMark is how far a reader of the rollup has read; the zero mark
// reads every row.
type RollupMark struct {
	// SQLite: the largest rowid and the data version seen. PostgreSQL:
	// the oldest transaction running when the rows were read (Seq); Row
	// is unused.
	Row, Seq int64
}

// EachContributorDaySince calls fn with every rollup row written since
// mark (and possibly a few read before: a reader must take a row as the
// current state of its key, not add it), and returns the mark to read from
// next time.
func (s *Reader) EachContributorDaySince(ctx context.Context, mark RollupMark, fn func(ContributorDay) error) (RollupMark, error) {
	var next RollupMark
	var q string
	var args []any
	// The next mark is taken before the rows are read: a write committed
	// in between is read now and again next time, never missed.
	if s.driver == "postgres" {
		if err := s.db.GetContext(ctx, &next.Seq, `SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint`); err != nil {
			return mark, fmt.Errorf("storage: unable to read the rollup's mark: %w", err)
		}
		q = `SELECT repository_key, day, identity, login, email, name, contributions FROM contributor_days WHERE seq >= ?`
		args = []any{mark.Seq}
		if mark == (RollupMark{}) {
			q, args = `SELECT repository_key, day, identity, login, email, name, contributions FROM contributor_days`, nil
		}
	} else {
		// seq is the data version of the transaction that updated a row,
		// plus one; rowid tells new rows, whose seq stays 0. Left to
		// itself, SQLite reads the updated rows by rowid, that is every
		// row; "seq > 0" lets it use the index, which holds only updated
		// rows (migration 0014).
		err := s.db.QueryRowxContext(ctx, `SELECT (SELECT version FROM data_version WHERE id = 1),
			(SELECT COALESCE(MAX(rowid), 0) FROM contributor_days)`).Scan(&next.Seq, &next.Row)
		if err != nil {
			return mark, fmt.Errorf("storage: unable to read the rollup's mark: %w", err)
		}
		q = `SELECT repository_key, day, identity, login, email, name, contributions FROM contributor_days WHERE rowid > ?
			UNION ALL SELECT repository_key, day, identity, login, email, name, contributions
			FROM contributor_days INDEXED BY contributor_days_seq WHERE seq > 0 AND seq > ? AND rowid <= ?`
		args = []any{mark.Row, mark.Seq, mark.Row}
		if mark == (RollupMark{}) {
			q, args = `SELECT repository_key, day, identity, login, email, name, contributions FROM contributor_days`, nil
		}
	}
	rows, err := s.db.QueryxContext(ctx, s.rebind(q), args...)
	if err != nil {
		return mark, fmt.Errorf("storage: unable to read the contributor rollup: %w", err)
	}
	if err := eachContributorDay(rows, fn); err != nil {
		return mark, fmt.Errorf("storage: unable to read the contributor rollup: %w", err)
	}
	return next, nil
}

func eachContributorDay(rows *sqlx.Rows, fn func(ContributorDay) error) error {
	defer rows.Close()
	var d ContributorDay
	for rows.Next() {
		if err := rows.Scan(&d.RepositoryKey, &d.Day, &d.Identity, &d.Login, &d.Email, &d.Name, &d.Contributions); err != nil {
			return err
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ActivityCountsOf counts the contributions of the given repositories per
// repository and kind with from <= day <= to: ActivityCounts for a few
// repositories, reading only their window in an index (Last is left
// empty: it would read every row).
func (s *Reader) ActivityCountsOf(ctx context.Context, repoKeys []string, from, to civil.Date) ([]ActivityCount, error) {
	if len(repoKeys) == 0 {
		return nil, nil
	}
	q, args, err := sqlx.In(`SELECT repository_key, kind, COUNT(*) AS n, '' AS last
		FROM contributions WHERE repository_key IN (?) AND day >= ? AND day <= ?
		GROUP BY repository_key, kind ORDER BY repository_key, kind`, repoKeys, from, to)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to count activity: %w", err)
	}
	var out []ActivityCount
	if err := s.db.SelectContext(ctx, &out, s.rebind(q), args...); err != nil {
		return nil, fmt.Errorf("storage: unable to count activity: %w", err)
	}
	return out, nil
}
