package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestImportRefreshesStatistics: on PostgreSQL a large import leaves the
// contribution tables analyzed (the planner knows them before autovacuum
// comes by); a small one does not pay for an ANALYZE.
func TestImportRefreshesStatistics(t *testing.T) {
	s := storagetest.New(t, "postgres")
	ctx := context.Background()
	if err := s.UpsertRepository(ctx, storage.Repository{Forge: "github.com", Owner: "o", Name: "r"}, nil); err != nil {
		t.Fatal(err)
	}
	key := storage.RepoKey("github.com", "o", "r")
	add := func(from, n int) {
		t.Helper()
		start := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
		cs := make([]storage.Contribution, 0, n)
		for i := from; i < from+n; i++ {
			cs = append(cs, storage.Contribution{RepositoryKey: key, Kind: storage.KindCommit, ExtID: fmt.Sprintf("c%06d", i),
				At: start.Add(time.Duration(i%300) * 24 * time.Hour), Email: fmt.Sprintf("p%d@example.org", i%50), Name: "P"})
		}
		if _, err := s.AddContributions(ctx, cs); err != nil {
			t.Fatal(err)
		}
	}
	analyzed := func() bool {
		t.Helper()
		var last sql.NullTime
		if err := s.QueryRowForTest(ctx, `SELECT last_analyze FROM pg_stat_user_tables WHERE relid = 'contributions'::regclass`).Scan(&last); err != nil {
			t.Fatal(err)
		}
		return last.Valid
	}
	add(0, 1_000)
	if analyzed() {
		t.Fatal("1,000 contributions: analyzed, want not yet")
	}
	add(1_000, 24_000)
	// The statistics collector reports asynchronously.
	deadline := time.Now().Add(10 * time.Second)
	for !analyzed() {
		if time.Now().After(deadline) {
			t.Fatal("25,000 contributions: contributions was not analyzed")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
