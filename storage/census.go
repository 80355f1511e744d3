package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"os2pulse/civil"
)

// The adoption census (docs/census.md): the secretariat opens a census,
// each organisation asked gets a personal link, answers through it, and
// the secretariat reviews every answer before anything reaches the
// register. Only an accepted answer changes a figure, and it does so
// through the register's own import (AcceptCensusAnswer), so nothing here
// but that bumps a data version.

// Census is one round of the census.
type Census struct {
	ID        string     `db:"id"`
	Name      string     `db:"name"`
	Opens     civil.Date `db:"opens"`
	Closes    civil.Date `db:"closes"` // the last day answers are taken
	CreatedAt string     `db:"created_at"`
	CreatedBy string     `db:"created_by"`
	PurgedAt  string     `db:"purged_at"` // when contact data were erased; "" = kept
}

// OpenOn reports whether answers are taken on day.
func (c Census) OpenOn(day civil.Date) bool { return c.Opens <= day && day <= c.Closes }

// CensusInvitation is one organisation's link to a census. Only the hash
// of the link's token is kept.
type CensusInvitation struct {
	CensusID       string `db:"census_id"`
	OrganizationID string `db:"organization_id"`
	TokenHash      string `db:"token_hash"`
	IssuedAt       string `db:"issued_at"`
	RevokedAt      string `db:"revoked_at"`
}

// Reviews of a census answer (CensusAnswer.Review).
const (
	ReviewWaiting  = ""
	ReviewAccepted = "accepted" // every change accepted
	ReviewPartial  = "partial"  // some changes accepted
	ReviewRejected = "rejected"
)

// CensusAnswer is an organisation's latest answer and its review. Items
// is JSON, written and read by the admin pages. The contact fields are
// personal data: only the admin pages show them, and PurgeCensusContacts
// erases them.
type CensusAnswer struct {
	CensusID       string `db:"census_id"`
	OrganizationID string `db:"organization_id"`
	AnsweredAt     string `db:"answered_at"`
	Items          string `db:"items"`
	ContactName    string `db:"contact_name"`
	ContactRole    string `db:"contact_role"`
	ContactEmail   string `db:"contact_email"`
	Note           string `db:"note"`
	Review         string `db:"review"`
	ReviewedAt     string `db:"reviewed_at"`
	ReviewedBy     string `db:"reviewed_by"`
	ReviewNote     string `db:"review_note"`
	ImportID       string `db:"import_id"`
}

// ErrCensusAnswerChanged is returned when a review is about an answer
// that has since been replaced by a newer one.
var ErrCensusAnswerChanged = errors.New("the organisation answered again since this answer was shown")

// CreateCensus stores a census with its invitations in one transaction.
// CreatedAt is set here.
func (s *Store) CreateCensus(ctx context.Context, c Census, invitations []CensusInvitation) error {
	stamp := s.nowStamp()
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO censuses (id, name, opens, closes, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?)`), c.ID, c.Name, c.Opens, c.Closes, stamp, c.CreatedBy); err != nil {
			return err
		}
		for _, inv := range invitations {
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO census_invitations (census_id, organization_id, token_hash, issued_at)
				VALUES (?, ?, ?, ?)`), c.ID, inv.OrganizationID, inv.TokenHash, stamp); err != nil {
				return fmt.Errorf("invitation of %s: %w", inv.OrganizationID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("storage: unable to create census %q: %w", c.Name, err)
	}
	return nil
}

const censusColumns = `id, name, opens, closes, created_at, created_by, purged_at`

// Censuses returns every census, the latest opening first.
func (s *Reader) Censuses(ctx context.Context) ([]Census, error) {
	var out []Census
	if err := s.db.SelectContext(ctx, &out, `SELECT `+censusColumns+` FROM censuses ORDER BY opens DESC, created_at DESC`); err != nil {
		return nil, fmt.Errorf("storage: unable to list censuses: %w", err)
	}
	return out, nil
}

// Census returns one census, or an error wrapping ErrNotFound.
func (s *Reader) Census(ctx context.Context, id string) (Census, error) {
	var c Census
	err := s.db.GetContext(ctx, &c, s.rebind(`SELECT `+censusColumns+` FROM censuses WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("storage: census %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("storage: unable to read census %q: %w", id, err)
	}
	return c, nil
}

// CensusInvitations returns a census's invitations by organisation.
func (s *Reader) CensusInvitations(ctx context.Context, censusID string) ([]CensusInvitation, error) {
	var out []CensusInvitation
	err := s.db.SelectContext(ctx, &out, s.rebind(`SELECT census_id, organization_id, token_hash, issued_at, revoked_at
		FROM census_invitations WHERE census_id = ? ORDER BY organization_id`), censusID)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to list the invitations of census %q: %w", censusID, err)
	}
	return out, nil
}

// CensusInvitationByToken returns the invitation whose token has the
// hash, with its census, revoked or not, open or not: the caller decides
// (and answers every case alike). An unknown hash is ErrNotFound.
func (s *Reader) CensusInvitationByToken(ctx context.Context, tokenHash string) (Census, CensusInvitation, error) {
	var row struct {
		CensusInvitation
		Census `db:"census"`
	}
	err := s.db.GetContext(ctx, &row, s.rebind(`SELECT i.census_id, i.organization_id, i.token_hash, i.issued_at, i.revoked_at,
		c.id AS "census.id", c.name AS "census.name", c.opens AS "census.opens", c.closes AS "census.closes",
		c.created_at AS "census.created_at", c.created_by AS "census.created_by", c.purged_at AS "census.purged_at"
		FROM census_invitations i JOIN censuses c ON c.id = i.census_id WHERE i.token_hash = ?`), tokenHash)
	if errors.Is(err, sql.ErrNoRows) {
		return Census{}, CensusInvitation{}, fmt.Errorf("storage: census invitation: %w", ErrNotFound)
	}
	if err != nil {
		return Census{}, CensusInvitation{}, fmt.Errorf("storage: unable to read a census invitation: %w", err)
	}
	return row.Census, row.CensusInvitation, nil
}

// ReissueCensusToken gives an organisation's invitation a new token (the
// old link stops working) and lifts a revocation.
func (s *Store) ReissueCensusToken(ctx context.Context, censusID, org, tokenHash string) error {
	return s.updateInvitation(ctx, "reissue the census link", `UPDATE census_invitations SET token_hash = ?, issued_at = ?, revoked_at = ''
		WHERE census_id = ? AND organization_id = ?`, tokenHash, s.nowStamp(), censusID, org)
}

// RevokeCensusToken stops an organisation's link from working.
func (s *Store) RevokeCensusToken(ctx context.Context, censusID, org string) error {
	return s.updateInvitation(ctx, "revoke the census link", `UPDATE census_invitations SET revoked_at = ?
		WHERE census_id = ? AND organization_id = ? AND revoked_at = ''`, s.nowStamp(), censusID, org)
}

func (s *Store) updateInvitation(ctx context.Context, what, q string, args ...any) error {
	res, err := s.w.ExecContext(ctx, s.rebind(q), args...)
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n == 0 {
			err = ErrNotFound
		}
	}
	if err != nil {
		return fmt.Errorf("storage: unable to %s of %s in census %s: %w", what, args[len(args)-1], args[len(args)-2], err)
	}
	return nil
}

// SaveCensusAnswer stores an answer given through the link whose token
// has tokenHash, replacing the organisation's earlier answer and its
// review, in one transaction that first checks, under the write lock,
// that the link still works on day (not revoked, the census open and not
// purged). Otherwise it returns an error wrapping ErrNotFound and stores
// nothing. AnsweredAt is set here. An answer without any contact field
// keeps the contact of the earlier answer: the public page never shows a
// stored contact again, so it cannot be sent back unchanged.
func (s *Store) SaveCensusAnswer(ctx context.Context, tokenHash string, day civil.Date, a CensusAnswer) (CensusAnswer, error) {
	a.AnsweredAt = s.nowStamp()
	a.Review, a.ReviewedAt, a.ReviewedBy, a.ReviewNote, a.ImportID = "", "", "", "", ""
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var inv struct {
			CensusID       string `db:"census_id"`
			OrganizationID string `db:"organization_id"`
		}
		err := tx.GetContext(ctx, &inv, tx.Rebind(`SELECT i.census_id, i.organization_id FROM census_invitations i
			JOIN censuses c ON c.id = i.census_id
			WHERE i.token_hash = ? AND i.revoked_at = '' AND c.purged_at = '' AND c.opens <= ? AND c.closes >= ?`), tokenHash, day, day)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		a.CensusID, a.OrganizationID = inv.CensusID, inv.OrganizationID
		contact := `contact_name = excluded.contact_name, contact_role = excluded.contact_role, contact_email = excluded.contact_email, `
		if a.ContactName == "" && a.ContactRole == "" && a.ContactEmail == "" {
			contact = ""
		}
		_, err = tx.ExecContext(ctx, tx.Rebind(`INSERT INTO census_answers (census_id, organization_id, answered_at, items,
			contact_name, contact_role, contact_email, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (census_id, organization_id) DO UPDATE SET answered_at = excluded.answered_at, items = excluded.items, `+contact+`
			note = excluded.note, review = '', reviewed_at = '', reviewed_by = '', review_note = '', import_id = ''`),
			a.CensusID, a.OrganizationID, a.AnsweredAt, a.Items, a.ContactName, a.ContactRole, a.ContactEmail, a.Note)
		return err
	})
	if err != nil {
		return a, fmt.Errorf("storage: unable to save a census answer: %w", err)
	}
	return a, nil
}

const answerColumns = `census_id, organization_id, answered_at, items, contact_name, contact_role, contact_email, note,
	review, reviewed_at, reviewed_by, review_note, import_id`

// CensusAnswers returns a census's answers by organisation.
func (s *Reader) CensusAnswers(ctx context.Context, censusID string) ([]CensusAnswer, error) {
	var out []CensusAnswer
	err := s.db.SelectContext(ctx, &out, s.rebind(`SELECT `+answerColumns+` FROM census_answers WHERE census_id = ? ORDER BY organization_id`), censusID)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to list the answers of census %q: %w", censusID, err)
	}
	return out, nil
}

// CensusAnswer returns an organisation's answer, or an error wrapping
// ErrNotFound.
func (s *Reader) CensusAnswer(ctx context.Context, censusID, org string) (CensusAnswer, error) {
	var a CensusAnswer
	err := s.db.GetContext(ctx, &a, s.rebind(`SELECT `+answerColumns+` FROM census_answers WHERE census_id = ? AND organization_id = ?`), censusID, org)
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("storage: census answer of %s: %w", org, ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("storage: unable to read the census answer of %s: %w", org, err)
	}
	return a, nil
}

// CensusReview is the secretariat's decision on one answer.
type CensusReview struct {
	CensusID, OrganizationID string
	AnsweredAt               string // the answer reviewed: a newer one refuses the review
	Review                   string // ReviewAccepted, ReviewPartial or ReviewRejected
	By                       string // who reviewed, as the audit trail names them
	Note                     string
}

// AcceptCensusAnswer imports reg (the register with the accepted changes)
// and records the review, in one transaction: both happen or neither. It
// refuses with ErrCensusAnswerChanged when the organisation has answered
// again, and with ErrRegisterChanged as ImportRegister does.
func (s *Store) AcceptCensusAnswer(ctx context.Context, reg Register, r CensusReview) (ImportSummary, error) {
	var sum ImportSummary
	stamp := s.nowStamp()
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if sum, err = importRegister(ctx, tx, reg, stamp); err != nil {
			return err
		}
		return review(ctx, tx, r, stamp, sum.ID)
	})
	if err != nil {
		return ImportSummary{}, fmt.Errorf("storage: unable to accept the census answer of %s: %w", r.OrganizationID, err)
	}
	return sum, nil
}

// RejectCensusAnswer records that an answer was rejected; the register is
// not touched.
func (s *Store) RejectCensusAnswer(ctx context.Context, r CensusReview) error {
	r.Review = ReviewRejected
	stamp := s.nowStamp()
	if err := s.tx(ctx, func(tx *sqlx.Tx) error { return review(ctx, tx, r, stamp, "") }); err != nil {
		return fmt.Errorf("storage: unable to reject the census answer of %s: %w", r.OrganizationID, err)
	}
	return nil
}

func review(ctx context.Context, tx *sqlx.Tx, r CensusReview, stamp, importID string) error {
	res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE census_answers SET review = ?, reviewed_at = ?, reviewed_by = ?, review_note = ?, import_id = ?
		WHERE census_id = ? AND organization_id = ? AND answered_at = ?`),
		r.Review, stamp, r.By, r.Note, importID, r.CensusID, r.OrganizationID, r.AnsweredAt)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrCensusAnswerChanged
	}
	return nil
}

// PurgeCensusContacts erases the contact names, roles and e-mail addresses
// of a census's answers and marks the census purged, in one transaction;
// its links stop working. The answers themselves and their reviews stay.
func (s *Store) PurgeCensusContacts(ctx context.Context, censusID string) error {
	stamp := s.nowStamp()
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE censuses SET purged_at = ? WHERE id = ? AND purged_at = ''`), stamp, censusID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrNotFound
		}
		_, err = tx.ExecContext(ctx, tx.Rebind(`UPDATE census_answers SET contact_name = '', contact_role = '', contact_email = ''
			WHERE census_id = ?`), censusID)
		return err
	})
	if err != nil {
		return fmt.Errorf("storage: unable to purge the contact data of census %q: %w", censusID, err)
	}
	return nil
}
