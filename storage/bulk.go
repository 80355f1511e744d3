package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"

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
	// insert returns.
	insert(ctx context.Context, tx *sqlx.Tx, table string, cols []string, rows [][]any, conflict, returning string, scan func(scanner) error) error
	// insertNew adds the rows whose primary key is not stored yet (rows
	// hold one per key). all says that every row was new; otherwise scan
	// was called with the key (returning) of each row that was.
	insertNew(ctx context.Context, tx *sqlx.Tx, table string, cols []string, rows [][]any, returning string, scan func(scanner) error) (all bool, err error)
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
		b := &multiRowBulk{kept: &s.inserts}
		err := s.tx(ctx, func(tx *sqlx.Tx) error { return fn(tx, b) })
		// Statements first prepared in the transaction are prepared
		// again on the writer once it is free, for the transactions to
		// come (the writer is one connection, which the transaction
		// held).
		if err == nil {
			s.inserts.keep(ctx, s.w, b.missed)
		}
		return err
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

// multiRowBulk is SQLite's: multi-row INSERTs of rowsPerInsert rows. Their
// statements are long (thousands of parameters), so parsing one costs about
// what inserting a few hundred rows does: each is prepared once on the
// writer and kept (insertStmts), and the rows that do not fill a statement
// go in statements of powers of two rows, so that a few statements of each
// table serve every batch size.
type multiRowBulk struct {
	kept   *insertStmts
	missed []string // statements this transaction had to prepare itself
}

// insertNew learns which rows were new without RETURNING, which costs
// SQLite a temporary copy of every row and the driver a scan of each, and
// without a savepoint, which costs it a copy of every page the batch
// touches (at 10x a savepoint around a batch took longer than its
// inserts). The rows are inserted with ON CONFLICT DO NOTHING; when as
// many were written as given, all were new (an import, a poll of what is
// new). Otherwise the new ones are those with a rowid above the largest
// before: the transaction holds SQLite's one write lock, and a new row's
// rowid is one more than the largest.
func (m *multiRowBulk) insertNew(ctx context.Context, tx *sqlx.Tx, table string, cols []string, rows [][]any, returning string, scan func(scanner) error) (bool, error) {
	var last int64
	if err := tx.GetContext(ctx, &last, `SELECT COALESCE(MAX(rowid), 0) FROM `+table); err != nil {
		return false, err
	}
	n, err := m.exec(ctx, tx, table, cols, rows, ` ON CONFLICT DO NOTHING`, "", nil)
	if err != nil || n == int64(len(rows)) {
		return err == nil, err
	}
	return false, scanAll(tx.QueryContext(ctx, `SELECT `+returning+` FROM `+table+` WHERE rowid > ?`, last))(scan)
}

func (m *multiRowBulk) insert(ctx context.Context, tx *sqlx.Tx, table string, cols []string, rows [][]any, conflict, returning string, scan func(scanner) error) error {
	_, err := m.exec(ctx, tx, table, cols, rows, conflict, returning, scan)
	return err
}

// exec inserts rows and returns how many it wrote (when returning is
// empty).
func (m *multiRowBulk) exec(ctx context.Context, tx *sqlx.Tx, table string, cols []string, rows [][]any, conflict, returning string, scan func(scanner) error) (int64, error) {
	var written int64
	for start := 0; start < len(rows); {
		n := chunkRows(len(rows) - start)
		chunk := rows[start : start+n]
		start += n
		used := usedColumns(table, cols, chunk)
		args := make([]any, 0, len(used)*len(chunk))
		for _, r := range chunk {
			for _, i := range used {
				args = append(args, r[i])
			}
		}
		names := cols
		if len(used) < len(cols) {
			names = make([]string, len(used))
			for j, i := range used {
				names[j] = cols[i]
			}
		}
		stmt, err := m.stmt(ctx, tx, insertSQL(table, names, len(chunk), conflict, returning))
		if err != nil {
			return written, err
		}
		if returning == "" {
			res, err := stmt.ExecContext(ctx, args...)
			if err != nil {
				return written, err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return written, err
			}
			written += n
			continue
		}
		if err := scanAll(stmt.QueryContext(ctx, args...))(scan); err != nil {
			return written, err
		}
	}
	return written, nil
}

// emptyByDefault are the columns of each table whose default is the empty
// string. Binding a value costs SQLite about what storing it does, so a
// statement whose rows all leave such a column empty (a commit has no
// login from a git log, no merge or close date) leaves it out.
var emptyByDefault = map[string]map[string]bool{
	"contributions":    {"login": true, "email": true, "name": true, "committed_at": true, "merged_at": true, "closed_at": true},
	"contributor_days": {"login": true, "email": true, "name": true},
}

// usedColumns are the indexes of the columns a statement of rows binds:
// all but those empty by default and empty in every row.
func usedColumns(table string, cols []string, rows [][]any) []int {
	used := make([]int, 0, len(cols))
	for i, c := range cols {
		if !emptyByDefault[table][c] || slices.ContainsFunc(rows, func(r []any) bool { return r[i] != "" }) {
			used = append(used, i)
		}
	}
	return used
}

// chunkRows is how many of left rows the next statement takes: a full
// statement, else the largest power of two that fits.
func chunkRows(left int) int {
	if left >= rowsPerInsert {
		return rowsPerInsert
	}
	n := 1
	for n*2 <= left {
		n *= 2
	}
	return n
}

// insertSQL is the multi-row INSERT of n rows.
func insertSQL(table string, cols []string, n int, conflict, returning string) string {
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
	return q.String()
}

// stmt returns the statement q in tx: the writer's kept one, else one
// prepared in the transaction (and kept after it).
func (m *multiRowBulk) stmt(ctx context.Context, tx *sqlx.Tx, q string) (*sqlx.Stmt, error) {
	if s := m.kept.get(q); s != nil {
		return tx.StmtxContext(ctx, s), nil
	}
	s, err := tx.PreparexContext(ctx, q)
	if err != nil {
		return nil, err
	}
	m.missed = append(m.missed, q)
	return s, nil
}

// insertStmts are the multi-row INSERTs prepared on SQLite's writer, kept
// for the life of the Store: a full statement and nine powers of two for
// each table and set of columns bound, about 1.1 MB of SQLite's memory
// for the ten. An import uses two sets (contributions and the rollup);
// past maxKeptInserts a statement is prepared in each transaction, as
// before.
type insertStmts struct {
	mu sync.Mutex
	m  map[string]*sqlx.Stmt
}

// maxKeptInserts bounds the statements kept: a few sets of columns.
const maxKeptInserts = 60

func (k *insertStmts) get(q string) *sqlx.Stmt {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.m[q]
}

// keep prepares the statements qs on the writer w. It is called with the
// writer free; a statement it cannot prepare is prepared in the next
// transaction again, which reports the error if it persists.
func (k *insertStmts) keep(ctx context.Context, w *sqlx.DB, qs []string) {
	for _, q := range qs {
		k.mu.Lock()
		full := len(k.m) >= maxKeptInserts
		_, kept := k.m[q]
		k.mu.Unlock()
		if full || kept {
			continue
		}
		s, err := w.PreparexContext(ctx, q)
		if err != nil {
			continue
		}
		k.mu.Lock()
		if k.m == nil {
			k.m = map[string]*sqlx.Stmt{}
		}
		if old := k.m[q]; old != nil {
			old.Close()
		}
		k.m[q] = s
		k.mu.Unlock()
	}
}

func (k *insertStmts) close() {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, s := range k.m {
		s.Close()
	}
	k.m = nil
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
	// Made even when this transaction made it before: a rollback to a
	// savepoint may have undone that.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`CREATE TEMPORARY TABLE IF NOT EXISTS %s ON COMMIT DELETE ROWS
		AS SELECT %s, 0 AS ord FROM %s WITH NO DATA`, staging, list, table)); err != nil {
		return fmt.Errorf("staging table for %s: %w", table, err)
	}
	if c.used[table] {
		// A second insert in one transaction: the first's rows may still
		// be staged.
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+staging); err != nil {
			return err
		}
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

// insertNew first inserts the rows plainly, in a savepoint: a conflict
// rule costs PostgreSQL a speculative insertion per row (200,000 rows in
// one INSERT … SELECT took about twice as long with ON CONFLICT DO NOTHING
// as without), and usually every row is new. Only when that fails (a row
// already stored, or any other error, which the second attempt then
// reports) are they inserted again, keeping what is stored and returning
// what was new.
func (c *copyBulk) insertNew(ctx context.Context, tx *sqlx.Tx, table string, cols []string, rows [][]any, returning string, scan func(scanner) error) (bool, error) {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT new_rows`); err != nil {
		return false, err
	}
	if err := c.insert(ctx, tx, table, cols, rows, "", "", nil); err == nil {
		_, err := tx.ExecContext(ctx, `RELEASE new_rows`)
		return err == nil, err
	}
	if _, err := tx.ExecContext(ctx, `ROLLBACK TO new_rows`); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `RELEASE new_rows`); err != nil {
		return false, err
	}
	return false, c.insert(ctx, tx, table, cols, rows, ` ON CONFLICT DO NOTHING`, returning, scan)
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
