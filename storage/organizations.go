package storage

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
)

// The 98 Danish municipalities with kommunekode and region, copied from the
// project's reference list.
//
//go:embed dk_municipalities.csv
var municipalitiesCSV string

// MunicipalitiesTotal is the number of Danish municipalities, the
// denominator of every "share of municipalities" figure.
const MunicipalitiesTotal = 98

// Organization kinds.
const (
	KindMunicipality = "municipality"
	KindRegion       = "region"
	KindState        = "state"
	KindOther        = "other"
)

// Organization is a municipality, region, state body or other organisation.
type Organization struct {
	ID         string `db:"id" json:"id"`
	Name       string `db:"name" json:"name"`
	Kind       string `db:"kind" json:"kind"`
	RegionCode string `db:"region_code" json:"region_code,omitempty"`
	Region     string `db:"region" json:"region,omitempty"`
}

// Municipalities returns the built-in list of municipalities, ordered by
// kommunekode.
func Municipalities() ([]Organization, error) {
	recs, err := csv.NewReader(strings.NewReader(municipalitiesCSV)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("storage: built-in municipality list: %w", err)
	}
	var out []Organization
	for _, r := range recs[1:] {
		out = append(out, Organization{ID: r[0], Name: r[1], Kind: KindMunicipality, RegionCode: r[2], Region: r[3]})
	}
	if len(out) != MunicipalitiesTotal {
		return nil, fmt.Errorf("storage: built-in municipality list has %d rows, want %d", len(out), MunicipalitiesTotal)
	}
	return out, nil
}

func (s *Store) seedMunicipalities(ctx context.Context) error {
	ms, err := Municipalities()
	if err != nil {
		return err
	}
	stamp := s.nowStamp()
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		for _, m := range ms {
			if _, _, err := upsertOrganization(ctx, tx, m, stamp); err != nil {
				return fmt.Errorf("storage: unable to seed municipality %s: %w", m.ID, err)
			}
		}
		return nil
	})
}

// upsertOrganization stores o, and in organization_history a new version
// of it (recorded at stamp, the one before retracted) when it is new or
// differs. added and changed say which.
func upsertOrganization(ctx context.Context, tx *sqlx.Tx, o Organization, stamp string) (added, changed bool, err error) {
	var n int
	if err := tx.GetContext(ctx, &n, tx.Rebind(`SELECT COUNT(*) FROM organizations WHERE id = ?`), o.ID); err != nil {
		return false, false, err
	}
	res, err := tx.ExecContext(ctx, tx.Rebind(`
		INSERT INTO organizations (id, name, kind, region_code, region) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
			region_code = excluded.region_code, region = excluded.region
		WHERE organizations.name <> excluded.name OR organizations.kind <> excluded.kind
			OR organizations.region_code <> excluded.region_code OR organizations.region <> excluded.region`),
		o.ID, o.Name, o.Kind, o.RegionCode, o.Region)
	if err != nil {
		return false, false, err
	}
	if rows, err := res.RowsAffected(); err != nil || rows == 0 {
		return false, false, err
	}
	if _, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE organization_history SET retracted_at = ? WHERE id = ? AND retracted_at = ''`), stamp, o.ID); err != nil {
		return false, false, err
	}
	_, err = tx.ExecContext(ctx, tx.Rebind(`INSERT INTO organization_history (id, name, kind, region_code, region, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?)`), o.ID, o.Name, o.Kind, o.RegionCode, o.Region, stamp)
	return n == 0, n > 0, err
}

// ErrNotFound is returned when a looked-up record does not exist.
var ErrNotFound = errors.New("not found")

// Organization returns one organisation.
func (s *Reader) Organization(ctx context.Context, id string) (Organization, error) {
	var o Organization
	err := s.db.GetContext(ctx, &o, s.rebind(`SELECT id, name, kind, region_code, region FROM organizations WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("storage: organisation %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return o, fmt.Errorf("storage: unable to read organisation %q: %w", id, err)
	}
	return o, nil
}

// OrganizationsAt returns every organisation as it was known at knownAt
// (a stored stamp such as an import's id; "" = now, as Organizations),
// with the name and kind it had then, in the order of Organizations. One
// first recorded after knownAt (the built-in municipalities, seeded when
// the database was made, or an instance's clock behind another's) is
// given as first recorded; one another organisation defined by a later
// import is left out.
func (s *Reader) OrganizationsAt(ctx context.Context, knownAt string) ([]Organization, error) {
	if knownAt == "" {
		return s.Organizations(ctx)
	}
	var rows []struct {
		Organization
		RecordedAt  string `db:"recorded_at"`
		RetractedAt string `db:"retracted_at"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT id, name, kind, region_code, region, recorded_at, retracted_at
		FROM organization_history ORDER BY CASE kind WHEN 'municipality' THEN 0 ELSE 1 END, id, recorded_at`)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to list organisations as known at %s: %w", knownAt, err)
	}
	at := map[string]int{} // id → index in out
	var out []Organization
	for _, r := range rows {
		i, seen := at[r.ID]
		current := r.RecordedAt <= knownAt && (r.RetractedAt == "" || r.RetractedAt > knownAt)
		switch {
		case !seen && r.Kind != KindMunicipality && r.RecordedAt > knownAt:
			// Defined by a later import: not yet part of the register.
			at[r.ID] = -1
		case !seen:
			at[r.ID] = len(out)
			out = append(out, r.Organization)
		case current && i >= 0:
			out[i] = r.Organization
		}
	}
	// A kind changed since moves an organisation between the groups.
	slices.SortStableFunc(out, func(a, b Organization) int {
		ka, kb := a.Kind != KindMunicipality, b.Kind != KindMunicipality
		switch {
		case ka == kb:
			return strings.Compare(a.ID, b.ID)
		case !ka:
			return -1
		}
		return 1
	})
	return out, nil
}

// Organizations returns every organisation, municipalities first, each
// group ordered by id.
func (s *Reader) Organizations(ctx context.Context) ([]Organization, error) {
	var out []Organization
	err := s.db.SelectContext(ctx, &out, `SELECT id, name, kind, region_code, region FROM organizations
		ORDER BY CASE kind WHEN 'municipality' THEN 0 ELSE 1 END, id`)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to list organisations: %w", err)
	}
	return out, nil
}
