package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Failed logins are kept per name and address in the database, so a limit
// holds across restarts and for every instance on it. Like sessions, they
// change no figure and bump no data version.

// failuresForgotten is how long a failure counts: one a day old is
// forgotten, and its row removed by the next failure.
const failuresForgotten = 24 * time.Hour

// LoginWait returns until when name at address must wait before its next
// try (the zero time: it need not), and how many failures in a row it has.
func (s *Store) LoginWait(ctx context.Context, name, address string) (time.Time, int, error) {
	var row struct {
		Failures  int    `db:"failures"`
		WaitUntil string `db:"wait_until"`
	}
	err := s.db.GetContext(ctx, &row, s.rebind(`SELECT failures, wait_until FROM login_failures
		WHERE name = ? AND address = ? AND last_failure > ?`), name, address, Stamp(s.now().Add(-failuresForgotten)))
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, 0, nil
	}
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("storage: unable to read the failed logins of %q: %w", name, err)
	}
	until, err := ParseStamp(row.WaitUntil)
	if err != nil {
		return time.Time{}, 0, fmt.Errorf("storage: failed logins of %q: %w", name, err)
	}
	if !until.After(s.now()) {
		until = time.Time{}
	}
	return until, row.Failures, nil
}

// LoginFailed counts a failure of name at address and sets the wait before
// its next try to wait(failures in a row, this one included), in one
// transaction, so that instances failing at once count every failure. It
// returns the end of the wait.
func (s *Store) LoginFailed(ctx context.Context, name, address string, wait func(failures int) time.Duration) (time.Time, error) {
	now := s.now()
	var until time.Time
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		forgotten := Stamp(now.Add(-failuresForgotten))
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM login_failures WHERE last_failure <= ?`), forgotten); err != nil {
			return err
		}
		var n int
		err := tx.GetContext(ctx, &n, tx.Rebind(`INSERT INTO login_failures (name, address, failures, last_failure, wait_until)
			VALUES (?, ?, 1, ?, '')
			ON CONFLICT (name, address) DO UPDATE SET failures = login_failures.failures + 1, last_failure = excluded.last_failure
			RETURNING failures`), name, address, Stamp(now))
		if err != nil {
			return err
		}
		if d := wait(n); d > 0 {
			until = now.Add(d)
		}
		_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE login_failures SET wait_until = ? WHERE name = ? AND address = ?`),
			Stamp(until), name, address)
		return err
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("storage: unable to count a failed login of %q: %w", name, err)
	}
	return until, nil
}

// LoginSucceeded forgets the failures of name at address.
func (s *Store) LoginSucceeded(ctx context.Context, name, address string) error {
	if _, err := s.w.ExecContext(ctx, s.rebind(`DELETE FROM login_failures WHERE name = ? AND address = ?`), name, address); err != nil {
		return fmt.Errorf("storage: unable to forget the failed logins of %q: %w", name, err)
	}
	return nil
}

// DeleteAdminSessions ends every session of an admin ("" = of every
// admin) and returns how many there were.
func (s *Store) DeleteAdminSessions(ctx context.Context, admin string) (int64, error) {
	q, args := `DELETE FROM admin_sessions`, []any{}
	if admin != "" {
		q, args = q+` WHERE admin = ?`, append(args, admin)
	}
	res, err := s.w.ExecContext(ctx, s.rebind(q), args...)
	if err != nil {
		return 0, fmt.Errorf("storage: unable to end the sessions of %q: %w", admin, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("storage: unable to end the sessions of %q: %w", admin, err)
	}
	return n, nil
}
