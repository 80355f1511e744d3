package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// What the admin pages keep between requests: sessions and uploads waiting
// for their import. They live in the database, so any instance on it can
// answer the next request. Neither changes a figure, so neither bumps the
// data version.

// AdminSession is a logged-in admin. Only the hash of the cookie's token
// is stored.
type AdminSession struct {
	TokenHash string `db:"token_hash"`
	Admin     string `db:"admin"`
	CreatedAt string `db:"created_at"`
	ExpiresAt string `db:"expires_at"`
	// PasswordSig identifies the password the session was opened with:
	// a session of an earlier password is no longer valid.
	PasswordSig string `db:"password_sig"`
}

// PutAdminSession stores a session that lasts life from now (the store's
// clock, which also judges expiry; CreatedAt and ExpiresAt are set here)
// and drops expired ones.
func (s *Store) PutAdminSession(ctx context.Context, sess AdminSession, life time.Duration) error {
	now := s.now()
	sess.CreatedAt, sess.ExpiresAt = Stamp(now), Stamp(now.Add(life))
	err := s.putExpiring(ctx, "admin_sessions", `INSERT INTO admin_sessions (token_hash, admin, created_at, expires_at, password_sig) VALUES (?, ?, ?, ?, ?)`,
		sess.TokenHash, sess.Admin, sess.CreatedAt, sess.ExpiresAt, sess.PasswordSig)
	if err != nil {
		return fmt.Errorf("storage: unable to store an admin session: %w", err)
	}
	return nil
}

// putExpiring inserts a row into table (admin_sessions or admin_uploads)
// and drops the table's expired rows, in one transaction: what expired is
// cleared by the next write, so nothing but writes ever deletes. then,
// when not nil, runs in the same transaction.
func (s *Store) putExpiring(ctx context.Context, table, insert string, args ...any) error {
	return s.putExpiringThen(ctx, table, nil, insert, args...)
}

func (s *Store) putExpiringThen(ctx context.Context, table string, then func(tx *sqlx.Tx) error, insert string, args ...any) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM `+table+` WHERE expires_at <= ?`), s.nowStamp()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(insert), args...); err != nil {
			return err
		}
		if then != nil {
			return then(tx)
		}
		return nil
	})
}

// AdminSession returns the unexpired session with the token hash, or an
// error wrapping ErrNotFound.
func (s *Store) AdminSession(ctx context.Context, tokenHash string) (AdminSession, error) {
	var sess AdminSession
	err := s.db.GetContext(ctx, &sess, s.rebind(`SELECT token_hash, admin, created_at, expires_at, password_sig FROM admin_sessions
		WHERE token_hash = ? AND expires_at > ?`), tokenHash, s.nowStamp())
	if errors.Is(err, sql.ErrNoRows) {
		return sess, fmt.Errorf("storage: admin session: %w", ErrNotFound)
	}
	if err != nil {
		return sess, fmt.Errorf("storage: unable to read an admin session: %w", err)
	}
	return sess, nil
}

// DeleteAdminSession ends a session.
func (s *Store) DeleteAdminSession(ctx context.Context, tokenHash string) error {
	if _, err := s.w.ExecContext(ctx, s.rebind(`DELETE FROM admin_sessions WHERE token_hash = ?`), tokenHash); err != nil {
		return fmt.Errorf("storage: unable to end an admin session: %w", err)
	}
	return nil
}

// AdminUpload is an uploaded register waiting between its preview and its
// import. Files is JSON, written and read by the admin pages.
type AdminUpload struct {
	ID          string `db:"id"`
	Admin       string `db:"admin"`
	CreatedAt   string `db:"created_at"`
	ExpiresAt   string `db:"expires_at"`
	BaseVersion string `db:"base_version"`
	Files       string `db:"files"`
}

// PutAdminUpload stores an upload that lasts life from now (as
// PutAdminSession), drops expired ones, and keeps only the admin's keep
// newest, so that previews nobody confirms cannot fill the database.
func (s *Store) PutAdminUpload(ctx context.Context, u AdminUpload, life time.Duration, keep int) error {
	now := s.now()
	u.CreatedAt, u.ExpiresAt = Stamp(now), Stamp(now.Add(life))
	dropOlder := func(tx *sqlx.Tx) error {
		var ids []string
		err := tx.SelectContext(ctx, &ids, tx.Rebind(`SELECT id FROM admin_uploads WHERE admin = ? ORDER BY created_at DESC, id`), u.Admin)
		if err != nil || len(ids) <= keep {
			return err
		}
		for _, id := range ids[keep:] {
			if id == u.ID {
				continue
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM admin_uploads WHERE id = ?`), id); err != nil {
				return err
			}
		}
		return nil
	}
	err := s.putExpiringThen(ctx, "admin_uploads", dropOlder, `INSERT INTO admin_uploads (id, admin, created_at, expires_at, base_version, files)
		VALUES (?, ?, ?, ?, ?, ?)`, u.ID, u.Admin, u.CreatedAt, u.ExpiresAt, u.BaseVersion, u.Files)
	if err != nil {
		return fmt.Errorf("storage: unable to store an upload: %w", err)
	}
	return nil
}

// AdminUpload returns the unexpired upload with the id, or an error
// wrapping ErrNotFound.
func (s *Store) AdminUpload(ctx context.Context, id string) (AdminUpload, error) {
	var u AdminUpload
	err := s.db.GetContext(ctx, &u, s.rebind(`SELECT id, admin, created_at, expires_at, base_version, files FROM admin_uploads
		WHERE id = ? AND expires_at > ?`), id, s.nowStamp())
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("storage: upload %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("storage: unable to read upload %q: %w", id, err)
	}
	return u, nil
}

// DeleteAdminUpload drops an upload (imported or cancelled).
func (s *Store) DeleteAdminUpload(ctx context.Context, id string) error {
	if _, err := s.w.ExecContext(ctx, s.rebind(`DELETE FROM admin_uploads WHERE id = ?`), id); err != nil {
		return fmt.Errorf("storage: unable to drop upload %q: %w", id, err)
	}
	return nil
}
