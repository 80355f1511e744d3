package storage_test

import (
	"context"
	"testing"

	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestReadVersionsOnce checks that a context from ReadVersionsOnce reads
// the versions once and answers them again after a write, that what it
// answers cannot be changed through a copy, and that any other context
// reads the write.
func TestReadVersionsOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		bg := context.Background()
		once := storage.ReadVersionsOnce(bg)
		if storage.ReadVersionsOnce(once) != once {
			t.Error("ReadVersionsOnce of a context that reads once made another")
		}
		first, err := s.DomainVersions(once)
		if err != nil {
			t.Fatal(err)
		}
		first.Domains[storage.DomainRegister] = -1
		if err := s.SyncProducts(bg, []storage.Product{{ID: "os2mo", Name: "OS2mo", GovernanceLevel: "3"}}); err != nil {
			t.Fatal(err)
		}
		again, err := s.DomainVersions(once)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := s.DomainVersions(bg)
		if err != nil {
			t.Fatal(err)
		}
		if again.Data != first.Data || again.Domains[storage.DomainRegister] == -1 {
			t.Errorf("read once: data version %d then %d, register %d; want the first, unchanged", first.Data, again.Data, again.Domains[storage.DomainRegister])
		}
		if fresh.Data == again.Data || fresh.Domains[storage.DomainRegister] == again.Domains[storage.DomainRegister] {
			t.Errorf("another context: data version %d, register %d, as before the write", fresh.Data, fresh.Domains[storage.DomainRegister])
		}
	})
}
