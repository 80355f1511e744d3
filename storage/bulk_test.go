package storage_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestAddContributionsInBulk: a call of several batches, each of several
// multi-row statements (SQLite) or one COPY (PostgreSQL), stores every
// contribution once, the first of two listed with one key, rolls them up
// per day and identity, and stores nothing of a batch whose repository is
// not stored.
func TestAddContributionsInBulk(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		if err := s.UpsertRepository(ctx, storage.Repository{Forge: "github.com", Owner: "o", Name: "r"}, nil); err != nil {
			t.Fatal(err)
		}
		key := storage.RepoKey("github.com", "o", "r")
		start := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
		n := storage.BatchSize*2 + 777
		var cs []storage.Contribution
		for i := range n {
			cs = append(cs, storage.Contribution{RepositoryKey: key, Kind: storage.KindCommit, ExtID: fmt.Sprintf("c%06d", i),
				At: start.Add(time.Duration(i%100) * 24 * time.Hour), Email: fmt.Sprintf("P%d@Example.org", i%7), Name: "P"})
		}
		// The same commit again, later in the same batch, by someone else:
		// the first is the one stored and counted.
		dup := cs[10]
		dup.Email = "other@example.org"
		cs = append(cs[:20], append([]storage.Contribution{dup}, cs[20:]...)...)
		added, err := s.AddContributions(ctx, cs, storage.SyncState{Resource: "bulk", Cursor: "done"})
		if err != nil || added != n {
			t.Fatalf("AddContributions = %d, %v; want %d", added, err, n)
		}
		if got, err := s.CountContributions(ctx, key, storage.KindCommit); err != nil || got != n {
			t.Fatalf("%d stored (%v), want %d", got, err, n)
		}
		if st, err := s.SyncState(ctx, "bulk"); err != nil || st.Cursor != "done" {
			t.Fatalf("checkpoint %+v, %v", st, err)
		}
		days, err := s.ContributorDays(ctx, civil.UTCDay(start), civil.UTCDay(start.AddDate(1, 0, 0)))
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, d := range days {
			total += d.Contributions
			if d.Identity == "other@example.org" || d.Identity != strings.ToLower(d.Email) {
				t.Errorf("rollup row %+v", d)
			}
		}
		if total != n || len(days) != 100*7 {
			t.Errorf("rollup: %d rows counting %d contributions, want %d rows, %d", len(days), total, 100*7, n)
		}

		// Again, with one new: only that one is new, and counted once.
		more := append(cs[:0:0], cs[:5000]...)
		more = append(more, storage.Contribution{RepositoryKey: key, Kind: storage.KindCommit, ExtID: "new", At: start, Email: "p0@example.org"})
		if added, err := s.AddContributions(ctx, more); err != nil || added != 1 {
			t.Fatalf("AddContributions again = %d, %v; want 1", added, err)
		}
		want := 1 // the new one
		for i := range n {
			if i%100 == 0 && i%7 == 0 {
				want++
			}
		}
		days, _ = s.ContributorDays(ctx, civil.UTCDay(start), civil.UTCDay(start))
		for _, d := range days {
			if d.Identity == "p0@example.org" && d.Contributions != want {
				t.Errorf("rollup of the first day for p0: %+v, want %d contributions", d, want)
			}
		}

		// A repository never stored: the batch fails, storing nothing.
		v0, _ := s.DataVersion(ctx)
		_, err = s.AddContributions(ctx, []storage.Contribution{
			{RepositoryKey: key, Kind: storage.KindCommit, ExtID: "fine", At: start, Email: "p0@example.org"},
			{RepositoryKey: "github.com/o/unknown", Kind: storage.KindCommit, ExtID: "x", At: start, Email: "p0@example.org"},
		}, storage.SyncState{Resource: "bulk", Cursor: "later"})
		if err == nil {
			t.Fatal("a contribution to an unknown repository was stored")
		}
		if got, _ := s.CountContributions(ctx, key, storage.KindCommit); got != n+1 {
			t.Errorf("%d stored after the failed batch, want %d", got, n+1)
		}
		if st, _ := s.SyncState(ctx, "bulk"); st.Cursor != "done" {
			t.Errorf("checkpoint %q saved with a failed batch", st.Cursor)
		}
		if v1, _ := s.DataVersion(ctx); v1 != v0 {
			t.Errorf("data version %d → %d after a failed batch", v0, v1)
		}
	})
}
