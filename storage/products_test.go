package storage_test

import (
	"context"
	"testing"

	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestSyncProductsKeepsVersion checks that syncing the products a
// command finds already stored writes nothing, so the register's version
// (which every command that writes would otherwise move) stays, and that
// a product renamed, added or dropped moves it.
func TestSyncProductsKeepsVersion(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		base := []storage.Product{{ID: "os2mo", Name: "OS2mo", GovernanceLevel: "3"}, {ID: "os2forms", Name: "OS2forms", GovernanceLevel: "2", Focus: true}}
		if err := s.SyncProducts(ctx, base); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			name     string
			products []storage.Product
			moves    bool
		}{
			{"the same", base, false},
			{"the same in another order", []storage.Product{base[1], base[0]}, false},
			{"renamed", []storage.Product{base[0], {ID: "os2forms", Name: "OS2 Forms", GovernanceLevel: "2", Focus: true}}, true},
			{"added", []storage.Product{base[0], base[1], {ID: "os2iot", Name: "OS2iot", GovernanceLevel: "1"}}, true},
			{"dropped", base[:1], true},
			{"back", base, true},
			{"again", base, false},
		}
		for _, st := range steps {
			before, err := s.DomainVersions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.SyncProducts(ctx, st.products); err != nil {
				t.Fatal(err)
			}
			after, err := s.DomainVersions(ctx)
			if err != nil {
				t.Fatal(err)
			}
			moved := after.Domains[storage.DomainRegister] != before.Domains[storage.DomainRegister]
			if moved != st.moves || (after.Data != before.Data) != st.moves {
				t.Errorf("%s: register version %d → %d, data version %d → %d; want moved %v",
					st.name, before.Domains[storage.DomainRegister], after.Domains[storage.DomainRegister], before.Data, after.Data, st.moves)
			}
			got, err := s.Products(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(st.products) {
				t.Errorf("%s: %d active products, want %d", st.name, len(got), len(st.products))
			}
		}
	})
}
