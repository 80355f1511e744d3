package storage

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Adoption statuses. Only production counts as adoption.
const (
	StatusProduction = "production"
	StatusPilot      = "pilot"
	StatusPlanned    = "planned"
	StatusStopped    = "stopped"
)

// AdoptionRecord says that an organisation runs (or pilots, plans, stopped)
// a product from Since until Until ("" = still).
type AdoptionRecord struct {
	OrganizationID string `db:"organization_id" json:"organization"`
	ProductID      string `db:"product_id" json:"product"`
	Status         string `db:"status" json:"status"`
	Since          string `db:"since" json:"since"`
	Until          string `db:"until" json:"until,omitempty"`
	Note           string `db:"note" json:"note,omitempty"`
	RecordedAt     string `db:"recorded_at" json:"recorded_at,omitempty"`
	RetractedAt    string `db:"retracted_at" json:"retracted_at,omitempty"`
}

// Membership is a period in which an organisation is an OS2 member.
type Membership struct {
	OrganizationID string `db:"organization_id" json:"organization"`
	Since          string `db:"since" json:"since"`
	Until          string `db:"until" json:"until,omitempty"`
	RecordedAt     string `db:"recorded_at" json:"recorded_at,omitempty"`
	RetractedAt    string `db:"retracted_at" json:"retracted_at,omitempty"`
}

// Register is one complete, validated version of the register: the
// adoption records and, when Members is not nil, the membership periods
// and the organisations (regions, state bodies, others) the members file
// defines.
type Register struct {
	Source        string
	SHA256        string
	Organizations []Organization
	Members       []Membership // nil: members file not part of this import
	Adoptions     []AdoptionRecord
}

// ImportSummary says what an import changed.
type ImportSummary struct {
	ID        string `json:"id"`
	Added     int    `json:"added"`
	Changed   int    `json:"changed"`
	Ended     int    `json:"ended"` // no longer in the register; kept in history
	Unchanged int    `json:"unchanged"`
}

// recordStamp has sub-second precision, so two imports in one second
// still get distinct, correctly ordered history stamps.
func (s *Store) recordStamp() string { return s.now().UTC().Format("2006-01-02T15:04:05.000000Z") }

// ImportRegister replaces the current register with reg in one
// transaction. Rows are matched on (organisation, product, since) for
// adoption and (organisation, since) for membership; a changed or vanished
// row is retracted, never deleted, so history and "as known at" figures
// remain.
func (s *Store) ImportRegister(ctx context.Context, reg Register) (ImportSummary, error) {
	var sum ImportSummary
	stamp := s.recordStamp()
	sum.ID = stamp
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		for _, o := range reg.Organizations {
			if err := upsertOrganization(ctx, tx, o); err != nil {
				return fmt.Errorf("organisation %s: %w", o.ID, err)
			}
		}
		if err := importAdoptions(ctx, tx, reg.Adoptions, stamp, &sum); err != nil {
			return err
		}
		if reg.Members != nil {
			if err := importMemberships(ctx, tx, reg.Members, stamp, &sum); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO register_imports (id, source, imported_at, sha256, added, changed, ended)
			VALUES (?, ?, ?, ?, ?, ?, ?)`), stamp, reg.Source, stamp, reg.SHA256, sum.Added, sum.Changed, sum.Ended)
		if err != nil {
			return err
		}
		return bumpVersion(ctx, tx)
	})
	if err != nil {
		return ImportSummary{}, fmt.Errorf("storage: unable to import register %s: %w", reg.Source, err)
	}
	return sum, nil
}

func importAdoptions(ctx context.Context, tx *sqlx.Tx, rows []AdoptionRecord, stamp string, sum *ImportSummary) error {
	var cur []AdoptionRecord
	if err := tx.SelectContext(ctx, &cur, `SELECT organization_id, product_id, status, since, until, note, recorded_at, retracted_at
		FROM adoptions WHERE retracted_at = ''`); err != nil {
		return err
	}
	type key struct{ org, product, since string }
	current := map[key]AdoptionRecord{}
	for _, r := range cur {
		current[key{r.OrganizationID, r.ProductID, r.Since}] = r
	}
	retract := tx.Rebind(`UPDATE adoptions SET retracted_at = ? WHERE organization_id = ? AND product_id = ? AND since = ? AND retracted_at = ''`)
	insert := tx.Rebind(`INSERT INTO adoptions (organization_id, product_id, status, since, until, note, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`)
	seen := map[key]bool{}
	for _, r := range rows {
		k := key{r.OrganizationID, r.ProductID, r.Since}
		if seen[k] {
			return fmt.Errorf("adoption of %s by %s since %s appears twice", r.ProductID, r.OrganizationID, r.Since)
		}
		seen[k] = true
		old, ok := current[k]
		if ok && old.Status == r.Status && old.Until == r.Until && old.Note == r.Note {
			sum.Unchanged++
			continue
		}
		if ok {
			if _, err := tx.ExecContext(ctx, retract, stamp, k.org, k.product, k.since); err != nil {
				return err
			}
			sum.Changed++
		} else {
			sum.Added++
		}
		if _, err := tx.ExecContext(ctx, insert, r.OrganizationID, r.ProductID, r.Status, r.Since, r.Until, r.Note, stamp); err != nil {
			return fmt.Errorf("adoption of %s by %s: %w", r.ProductID, r.OrganizationID, err)
		}
	}
	for k := range current {
		if !seen[k] {
			if _, err := tx.ExecContext(ctx, retract, stamp, k.org, k.product, k.since); err != nil {
				return err
			}
			sum.Ended++
		}
	}
	return nil
}

func importMemberships(ctx context.Context, tx *sqlx.Tx, rows []Membership, stamp string, sum *ImportSummary) error {
	var cur []Membership
	if err := tx.SelectContext(ctx, &cur, `SELECT organization_id, since, until, recorded_at, retracted_at
		FROM memberships WHERE retracted_at = ''`); err != nil {
		return err
	}
	type key struct{ org, since string }
	current := map[key]Membership{}
	for _, r := range cur {
		current[key{r.OrganizationID, r.Since}] = r
	}
	retract := tx.Rebind(`UPDATE memberships SET retracted_at = ? WHERE organization_id = ? AND since = ? AND retracted_at = ''`)
	insert := tx.Rebind(`INSERT INTO memberships (organization_id, since, until, recorded_at) VALUES (?, ?, ?, ?)`)
	seen := map[key]bool{}
	for _, r := range rows {
		k := key{r.OrganizationID, r.Since}
		if seen[k] {
			return fmt.Errorf("membership of %s since %s appears twice", r.OrganizationID, r.Since)
		}
		seen[k] = true
		old, ok := current[k]
		if ok && old.Until == r.Until {
			sum.Unchanged++
			continue
		}
		if ok {
			if _, err := tx.ExecContext(ctx, retract, stamp, k.org, k.since); err != nil {
				return err
			}
			sum.Changed++
		} else {
			sum.Added++
		}
		if _, err := tx.ExecContext(ctx, insert, r.OrganizationID, r.Since, r.Until, stamp); err != nil {
			return fmt.Errorf("membership of %s: %w", r.OrganizationID, err)
		}
	}
	for k := range current {
		if !seen[k] {
			if _, err := tx.ExecContext(ctx, retract, stamp, k.org, k.since); err != nil {
				return err
			}
			sum.Ended++
		}
	}
	return nil
}

// knownClause limits a history table to the rows that were current at
// knownAt (a record stamp), or now when knownAt is "".
func knownClause(knownAt string) (string, []any) {
	if knownAt == "" {
		return `retracted_at = ''`, nil
	}
	return `recorded_at <= ? AND (retracted_at = '' OR retracted_at > ?)`, []any{knownAt, knownAt}
}

// Adoptions returns the adoption records as the register stood at knownAt
// ("" = now), ordered by product, organisation and since.
func (s *Store) Adoptions(ctx context.Context, knownAt string) ([]AdoptionRecord, error) {
	where, args := knownClause(knownAt)
	var out []AdoptionRecord
	err := s.db.SelectContext(ctx, &out, s.rebind(`SELECT organization_id, product_id, status, since, until, note,
		recorded_at, retracted_at FROM adoptions WHERE `+where+` ORDER BY product_id, organization_id, since`), args...)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read adoption records: %w", err)
	}
	return out, nil
}

// AdoptionHistory returns every version of every adoption record, current
// and retracted, ordered by organisation, product, since and recorded_at.
func (s *Store) AdoptionHistory(ctx context.Context) ([]AdoptionRecord, error) {
	var out []AdoptionRecord
	err := s.db.SelectContext(ctx, &out, `SELECT organization_id, product_id, status, since, until, note,
		recorded_at, retracted_at FROM adoptions ORDER BY organization_id, product_id, since, recorded_at`)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read adoption history: %w", err)
	}
	return out, nil
}

// Memberships returns the membership periods as the register stood at
// knownAt ("" = now), ordered by organisation and since.
func (s *Store) Memberships(ctx context.Context, knownAt string) ([]Membership, error) {
	where, args := knownClause(knownAt)
	var out []Membership
	err := s.db.SelectContext(ctx, &out, s.rebind(`SELECT organization_id, since, until, recorded_at, retracted_at
		FROM memberships WHERE `+where+` ORDER BY organization_id, since`), args...)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read memberships: %w", err)
	}
	return out, nil
}

// RegisterImport is one recorded import.
type RegisterImport struct {
	ID         string `db:"id" json:"id"`
	Source     string `db:"source" json:"source"`
	ImportedAt string `db:"imported_at" json:"imported_at"`
	SHA256     string `db:"sha256" json:"sha256"`
	Added      int    `db:"added" json:"added"`
	Changed    int    `db:"changed" json:"changed"`
	Ended      int    `db:"ended" json:"ended"`
}

// RegisterImports returns every import, newest first.
func (s *Store) RegisterImports(ctx context.Context) ([]RegisterImport, error) {
	var out []RegisterImport
	if err := s.db.SelectContext(ctx, &out, `SELECT id, source, imported_at, sha256, added, changed, ended
		FROM register_imports ORDER BY id DESC`); err != nil {
		return nil, fmt.Errorf("storage: unable to list register imports: %w", err)
	}
	return out, nil
}
