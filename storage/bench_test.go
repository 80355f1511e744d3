package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// BenchmarkAddContributions stores a backfill of 1,000 commits in one call
// (the size of ten GitHub pages), on each database.
func BenchmarkAddContributions(b *testing.B) {
	for _, driver := range storagetest.Drivers {
		b.Run(driver, func(b *testing.B) {
			s := storagetest.New(b, driver)
			ctx := context.Background()
			if err := s.SyncProducts(ctx, []storage.Product{{ID: "p", Name: "P", GovernanceLevel: "1"}}); err != nil {
				b.Fatal(err)
			}
			if err := s.UpsertRepository(ctx, storage.Repository{Forge: "github.com", Owner: "o", Name: "r"}, []string{"p"}); err != nil {
				b.Fatal(err)
			}
			start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				cs := make([]storage.Contribution, 1000)
				for i := range cs {
					n++
					cs[i] = storage.Contribution{RepositoryKey: "github.com/o/r", Kind: storage.KindCommit, ExtID: fmt.Sprint(n),
						At: start.Add(time.Duration(n) * time.Minute), Email: fmt.Sprintf("p%d@example.org", n%50)}
				}
				if added, err := s.AddContributions(ctx, cs); err != nil || added != len(cs) {
					b.Fatalf("added %d, %v", added, err)
				}
			}
		})
	}
}
