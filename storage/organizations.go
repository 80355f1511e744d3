package storage

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
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
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		for _, m := range ms {
			if err := upsertOrganization(ctx, tx, m); err != nil {
				return fmt.Errorf("storage: unable to seed municipality %s: %w", m.ID, err)
			}
		}
		return nil
	})
}

func upsertOrganization(ctx context.Context, tx *sqlx.Tx, o Organization) error {
	_, err := tx.ExecContext(ctx, tx.Rebind(`
		INSERT INTO organizations (id, name, kind, region_code, region) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
			region_code = excluded.region_code, region = excluded.region
		WHERE organizations.name <> excluded.name OR organizations.kind <> excluded.kind
			OR organizations.region_code <> excluded.region_code OR organizations.region <> excluded.region`),
		o.ID, o.Name, o.Kind, o.RegionCode, o.Region)
	return err
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
