package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// CollectorLease is the lease whose holder is the one instance that
// collects.
const CollectorLease = "collector"

// Lease says which instance holds a named lease, and until when. An
// instance holds it until it gives it up or ExpiresAt passes without a
// renewal; then any instance may take it.
type Lease struct {
	Name       string `db:"name" json:"-"`
	Holder     string `db:"holder" json:"holder"`
	AcquiredAt string `db:"acquired_at" json:"acquired_at"`
	RenewedAt  string `db:"renewed_at" json:"renewed_at"`
	ExpiresAt  string `db:"expires_at" json:"expires_at"`
}

// AcquireLease takes the lease name for holder, or renews it when holder
// has it already, until now + d. Another holder's lease is taken only
// once it has expired. It returns the lease as it stands and whether
// holder holds it; taking a lease over also marks the runs of the
// instances that lost it as interrupted (see InterruptOrphanedRuns).
//
// Expiry is judged by this instance's clock: instances sharing a database
// need clocks that agree to well within d.
func (s *Store) AcquireLease(ctx context.Context, name, holder string, d time.Duration) (Lease, bool, error) {
	now := s.now()
	var l Lease
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO leases (name, holder, acquired_at, renewed_at, expires_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET
				acquired_at = CASE WHEN leases.holder = excluded.holder THEN leases.acquired_at ELSE excluded.acquired_at END,
				holder = excluded.holder, renewed_at = excluded.renewed_at, expires_at = excluded.expires_at
			WHERE leases.holder = excluded.holder OR leases.expires_at <= excluded.renewed_at`),
			name, holder, Stamp(now), Stamp(now), Stamp(now.Add(d)))
		if err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &l, tx.Rebind(`SELECT name, holder, acquired_at, renewed_at, expires_at FROM leases WHERE name = ?`), name); err != nil {
			return err
		}
		if l.Holder != holder || l.AcquiredAt != l.RenewedAt {
			return nil // not ours, or a renewal
		}
		_, err = interruptOrphanedRuns(ctx, tx, Stamp(now))
		return err
	})
	if err != nil {
		return Lease{}, false, fmt.Errorf("storage: unable to acquire lease %s: %w", name, err)
	}
	return l, l.Holder == holder, nil
}

// ReleaseLease gives up the lease name if holder holds it, so another
// instance can take it at once rather than after it expires.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := s.w.ExecContext(ctx, s.rebind(`DELETE FROM leases WHERE name = ? AND holder = ?`), name, holder)
	if err != nil {
		return fmt.Errorf("storage: unable to release lease %s: %w", name, err)
	}
	return nil
}

// CurrentLease returns the lease name as stored, expired or not; ok is
// false when no instance holds it.
func (s *Reader) CurrentLease(ctx context.Context, name string) (l Lease, ok bool, err error) {
	err = s.db.GetContext(ctx, &l, s.rebind(`SELECT name, holder, acquired_at, renewed_at, expires_at FROM leases WHERE name = ?`), name)
	if errors.Is(err, sql.ErrNoRows) {
		return Lease{}, false, nil
	}
	if err != nil {
		return Lease{}, false, fmt.Errorf("storage: unable to read lease %s: %w", name, err)
	}
	return l, true, nil
}

// InterruptOrphanedRuns marks as interrupted every run still "running"
// whose instance does not hold an unexpired collector lease: it was killed
// before it could record how its run ended. It returns how many it marked.
func (s *Store) InterruptOrphanedRuns(ctx context.Context) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		n, err = interruptOrphanedRuns(ctx, tx, s.nowStamp())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("storage: unable to mark interrupted runs: %w", err)
	}
	return n, nil
}

func interruptOrphanedRuns(ctx context.Context, tx *sqlx.Tx, now string) (int, error) {
	res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE collection_runs SET result = ?, ended_at = ?,
		message = 'the instance running it stopped before it ended'
		WHERE result = ? AND holder NOT IN (SELECT holder FROM leases WHERE name = ? AND expires_at > ?)`),
		RunInterrupted, now, RunRunning, CollectorLease, now)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if n > 0 {
		// Pages show the runs; they must see the change.
		return int(n), bumpVersion(ctx, tx, DomainRuns)
	}
	return 0, nil
}
