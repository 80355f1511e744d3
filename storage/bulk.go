package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
)

// bulk inserts many rows into one table inside a write transaction, in as
// few statements as the database allows: what makes a large import cost
// about what the rows cost, not what the statements cost.
type bulk interface {
	// insert adds rows (in the order of cols) to table, with conflict
	// ("ON CONFLICT …") deciding what happens to rows already there.
	// When returning names columns, scan is called for each row the
	// insert returns. Each table takes one insert per transaction.
	insert(ctx context.Context, tx *sqlx.Tx, table string, cols []string, rows [][]any, conflict, returning string, scan func(scanner) error) error
}

// The tables whose first column is a repository key that must be stored.
// SQLite checks each row with the foreign key; on PostgreSQL, where a
// foreign key costs a query per row, a batch is checked with one (see
// migration 0008). contributor_days is not checked again: its rows are
// made from the contributions the same transaction stored.
var repositoryRows = map[string]bool{"contributions": true}

// scanner is one returned row.
type scanner interface{ Scan(dest ...any) error }

// bulkTx runs fn in a write transaction, like tx, with the bulk writer of
// the database.
func (s *Store) bulkTx(ctx context.Context, fn func(tx *sqlx.Tx, b bulk) error) error {
	if s.driver != "postgres" {
		return s.tx(ctx, func(tx *sqlx.Tx) error {
			b := &multiRowBulk{stmts: map[string]*sqlx.Stmt{}}
			defer b.close()
			return fn(tx, b)
		})
	}
	// COPY needs pgx's own connection: the transaction runs on one
	// connection taken from the pool, so the COPY is part of it.
	conn, err := s.w.Connx(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	tx, err := conn.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	// A batch carries its own checkpoint, so it need not wait for its
	// commit to reach the disk: a database crash may lose the last
	// batches, but rows and checkpoint together, and the import repeats
	// them. Nothing is ever half stored.
	if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
		tx.Rollback()
		return err
	}
	if err := fn(tx, &copyBulk{conn: conn.Conn}); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// multiRowBulk is SQLite's: multi-row INSERTs of rowsPerInsert rows, each
// prepared once per row count in a transaction, so SQLite parses a batch's
// statement once, not per chunk.
type multiRowBulk struct {
	stmts map[string]*sqlx.Stmt
}

func (m *multiRowBulk) insert(ctx context.Context, tx *sqlx.Tx, table string, cols []string, rows [][]any, conflict, returning string, scan func(scanner) error) error {
	for start := 0; start < len(rows); start += rowsPerInsert {
		chunk := rows[start:min(start+rowsPerInsert, len(rows))]
		args := make([]any, 0, len(cols)*len(chunk))
		for _, r := range chunk {
			args = append(args, r...)
		}
		stmt, err := m.stmt(ctx, tx, table, cols, len(chunk), conflict, returning)
		if err != nil {
			return err
		}
		if returning == "" {
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return err
			}
			continue
		}
		if err := scanAll(stmt.QueryContext(ctx, args...))(scan); err != nil {
			return err
		}
	}
	return nil
}

func (m *multiRowBulk) stmt(ctx context.Context, tx *sqlx.Tx, table string, cols []string, n int, conflict, returning string) (*sqlx.Stmt, error) {
	key := fmt.Sprintf("%s/%d", table, n)
	if s, ok := m.stmts[key]; ok {
		return s, nil
	}
	tuple := "(" + strings.Repeat("?, ", len(cols)-1) + "?)"
	var q strings.Builder
	fmt.Fprintf(&q, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
	for i := range n {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(tuple)
	}
	q.WriteString(conflict)
	if returning != "" {
		q.WriteString(" RETURNING " + returning)
	}
	s, err := tx.PreparexContext(ctx, tx.Rebind(q.String()))
	if err != nil {
		return nil, err
	}
	m.stmts[key] = s
	return s, nil
}

func (m *multiRowBulk) close() {
	for _, s := range m.stmts {
		s.Close()
	}
}

// copyBulk is PostgreSQL's: the rows are copied (COPY, the fastest way in)
// into a temporary staging table of the connection, then moved into the
// table with one INSERT … SELECT, which applies the conflict rule. The
// staging table is made once per connection, shaped like the table, and
// emptied at each commit.
type copyBulk struct {
	conn *sql.Conn
	used map[string]bool
}

func (c *copyBulk) insert(ctx context.Context, tx *sqlx.Tx, table string, cols []string, rows [][]any, conflict, returning string, scan func(scanner) error) error {
	if len(rows) == 0 {
		return nil
	}
	staging := "staging_" + table
	list := strings.Join(cols, ", ")
	if c.used[table] {
		// A second insert in one transaction: the first's rows are still
		// staged.
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+staging); err != nil {
			return err
		}
	} else if _, err := tx.ExecContext(ctx, fmt.Sprintf(`CREATE TEMPORARY TABLE IF NOT EXISTS %s ON COMMIT DELETE ROWS
		AS SELECT %s, 0 AS ord FROM %s WITH NO DATA`, staging, list, table)); err != nil {
		return fmt.Errorf("staging table for %s: %w", table, err)
	}
	if c.used == nil {
		c.used = map[string]bool{}
	}
	c.used[table] = true
	// ord keeps the rows' order: of two with one key, the first is the
	// one stored.
	err := c.conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("COPY needs a pgx connection, not %T", dc)
		}
		_, err := pc.Conn().CopyFrom(ctx, pgx.Identifier{staging}, append(cols[:len(cols):len(cols)], "ord"),
			pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
				return append(rows[i][:len(rows[i]):len(rows[i])], i), nil
			}))
		return err
	})
	if err != nil {
		return fmt.Errorf("copying into %s: %w", staging, err)
	}
	if repositoryRows[table] {
		var missing []string
		if err := tx.SelectContext(ctx, &missing, fmt.Sprintf(`SELECT DISTINCT s.repository_key FROM %s s
			WHERE NOT EXISTS (SELECT 1 FROM repositories r WHERE r.key = s.repository_key)`, staging)); err != nil {
			return err
		}
		if len(missing) > 0 {
			return fmt.Errorf("%s: repository %s is not stored", table, strings.Join(missing, ", "))
		}
	}
	q := fmt.Sprintf(`INSERT INTO %s (%s) SELECT %s FROM %s ORDER BY ord%s`, table, list, list, staging, conflict)
	if returning == "" {
		_, err := tx.ExecContext(ctx, q)
		return err
	}
	return scanAll(tx.QueryContext(ctx, q+" RETURNING "+returning))(scan)
}

// scanAll calls scan for each row of a query's result and closes it.
func scanAll(rows *sql.Rows, err error) func(scan func(scanner) error) error {
	return func(scan func(scanner) error) error {
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
}
