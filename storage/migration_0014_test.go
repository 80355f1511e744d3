package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestLeanIngestMigration: migration 0014 keeps every stored contribution
// and rollup row of a database an older release wrote, drops the indexes
// by day, and what read through them reads the same afterwards; a
// re-import after it stores nothing twice.
func TestLeanIngestMigration(t *testing.T) {
	for _, d := range storagetest.Drivers {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			s := storagetest.Empty(t, d)
			if _, err := s.MigrateToForTest(ctx, 13); err != nil {
				t.Fatal(err)
			}
			start := time.Date(2023, 5, 1, 9, 0, 0, 0, time.UTC)
			var cs []storage.Contribution
			for r := range 3 {
				if err := s.UpsertRepository(ctx, storage.Repository{Forge: "github.com", Owner: "o", Name: fmt.Sprint("r", r)}, nil); err != nil {
					t.Fatal(err)
				}
				key := storage.RepoKey("github.com", "o", fmt.Sprint("r", r))
				for i := range 400 {
					cs = append(cs, storage.Contribution{RepositoryKey: key, Kind: storage.KindCommit, ExtID: fmt.Sprintf("%x", 7919*i+r),
						At: start.Add(time.Duration(i*(r+1)) * 7 * time.Hour), Email: fmt.Sprintf("p%d@example.org", i%11)})
				}
				cs = append(cs, storage.Contribution{RepositoryKey: key, Kind: storage.KindPullRequest, ExtID: "1",
					At: start.AddDate(-r, 0, 0), Login: "Dev", MergedAt: start})
			}
			if _, err := s.AddContributions(ctx, cs); err != nil {
				t.Fatal(err)
			}
			type reads struct {
				days   []storage.ContributorDay
				counts []storage.ActivityCount
				first  civil.Date
				last   map[string]civil.Date
			}
			read := func() reads {
				t.Helper()
				var got reads
				var err error
				from, to := civil.UTCDay(start.AddDate(0, 1, 0)), civil.UTCDay(start.AddDate(0, 4, 0))
				if got.days, err = s.ContributorDays(ctx, from, to); err != nil {
					t.Fatal(err)
				}
				if got.counts, err = s.ActivityCounts(ctx, civil.UTCDay(start.AddDate(-5, 0, 0)), to); err != nil {
					t.Fatal(err)
				}
				if got.first, err = s.FirstRecord(ctx); err != nil {
					t.Fatal(err)
				}
				if got.last, err = s.LastCommitDays(ctx, to); err != nil {
					t.Fatal(err)
				}
				return got
			}
			before := read()
			if len(before.days) == 0 || len(before.counts) != 6 || before.first != civil.UTCDay(start.AddDate(-2, 0, 0)) || len(before.last) != 3 {
				t.Fatalf("before the migration: %d rollup rows, counts %+v, first %s, last commits %v", len(before.days), before.counts, before.first, before.last)
			}

			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			after := read()
			if fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("after the migration:\n%v\nbefore:\n%v", after, before)
			}
			for _, ix := range []string{"contributions_day", "contributor_days_day"} {
				if n := indexes(t, s, d, ix); n != 0 {
					t.Errorf("index %s still there", ix)
				}
			}
			if n := indexes(t, s, d, "contributions_repo_day"); n != 1 {
				t.Errorf("index contributions_repo_day: %d, want it made again", n)
			}
			if added, err := s.AddContributions(ctx, cs); err != nil || added != 0 {
				t.Errorf("re-import after the migration: %d new, %v; want none", added, err)
			}
			if fmt.Sprint(read()) != fmt.Sprint(before) {
				t.Errorf("re-import after the migration changed what is read")
			}
		})
	}
}

// indexes counts the indexes called name.
func indexes(t *testing.T, s *storage.Store, driver, name string) int {
	t.Helper()
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ?`
	if driver == "postgres" {
		q = `SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ?`
	}
	var n int
	if err := s.QueryRowForTest(context.Background(), q, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
