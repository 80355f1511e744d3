package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"

	"os2pulse/config"
)

// Product is a product as stored.
type Product struct {
	ID              string `db:"id" json:"id"`
	Name            string `db:"name" json:"name"`
	GovernanceLevel string `db:"governance_level" json:"governance_level"`
	Focus           bool   `db:"focus" json:"focus"`
	Active          bool   `db:"active" json:"-"`
}

// SyncProducts makes the products table match the configuration: listed
// products are inserted or updated, others are kept but marked inactive so
// that register history naming them stays valid. Every command that
// writes syncs them first; when they already match, nothing is written
// and the register's version stays, so the register's figures and pages
// stay cached.
func (s *Store) SyncProducts(ctx context.Context, products []Product) error {
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var stored []Product
		if err := tx.SelectContext(ctx, &stored, `SELECT id, name, governance_level, focus <> 0 AS focus, active <> 0 AS active
			FROM products WHERE active <> 0 ORDER BY id`); err != nil {
			return err
		}
		want := make([]Product, len(products))
		for i, p := range products {
			p.Active = true
			want[i] = p
		}
		byID := func(a, b Product) int { return strings.Compare(a.ID, b.ID) }
		slices.SortFunc(stored, byID) // the database's collation may sort otherwise
		slices.SortFunc(want, byID)
		if slices.Equal(stored, want) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE products SET active = 0`); err != nil {
			return err
		}
		for _, p := range products {
			_, err := tx.ExecContext(ctx, tx.Rebind(`
				INSERT INTO products (id, name, governance_level, focus, active) VALUES (?, ?, ?, ?, 1)
				ON CONFLICT (id) DO UPDATE SET name = excluded.name,
					governance_level = excluded.governance_level, focus = excluded.focus, active = 1`),
				p.ID, p.Name, p.GovernanceLevel, boolInt(p.Focus))
			if err != nil {
				return fmt.Errorf("product %s: %w", p.ID, err)
			}
		}
		return bumpVersion(ctx, tx, DomainRegister)
	})
	if err != nil {
		return fmt.Errorf("storage: unable to sync products: %w", err)
	}
	return nil
}

// Products returns the active products ordered by id.
func (s *Reader) Products(ctx context.Context) ([]Product, error) {
	var out []Product
	err := s.db.SelectContext(ctx, &out, `SELECT id, name, governance_level, focus <> 0 AS focus, active <> 0 AS active
		FROM products WHERE active <> 0 ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to list products: %w", err)
	}
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ConfiguredProducts is the configured products as storage keeps them, for
// SyncProducts.
func ConfiguredProducts(cfg *config.Config) []Product {
	var ps []Product
	for _, p := range cfg.Products {
		ps = append(ps, Product{ID: p.ID, Name: p.Name, GovernanceLevel: p.LatestLevel(), Focus: p.Focus})
	}
	return ps
}
