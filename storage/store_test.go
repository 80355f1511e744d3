package storage_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

func TestMigrateEmptyToLatestAndAgain(t *testing.T) {
	for _, d := range storagetest.Drivers {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			s := storagetest.Empty(t, d)
			if err := s.CheckSchema(ctx); err == nil {
				t.Fatal("CheckSchema on an empty database: want an error")
			}
			applied, err := s.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			latest, _ := s.LatestVersion()
			// Every migration from 0001 to the newest, in order, no gaps.
			if latest < 1 || len(applied) != latest {
				t.Fatalf("applied %v, latest version %d: want every migration from 0001 in order", applied, latest)
			}
			for i, name := range applied {
				if !strings.HasPrefix(name, fmt.Sprintf("%04d_", i+1)) {
					t.Fatalf("migration %d is %s: want every migration from 0001 in order", i+1, name)
				}
			}
			if err := s.CheckSchema(ctx); err != nil {
				t.Fatal(err)
			}
			again, err := s.Migrate(ctx)
			if err != nil || len(again) != 0 {
				t.Fatalf("second Migrate applied %v, err %v; want nothing", again, err)
			}
			orgs, err := s.Organizations(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(orgs) != storage.MunicipalitiesTotal {
				t.Fatalf("%d organisations after migration, want the 98 municipalities", len(orgs))
			}
			if orgs[0].ID != "101" || orgs[0].Name != "København" || orgs[0].Region != "Region Hovedstaden" {
				t.Fatalf("first municipality = %+v", orgs[0])
			}
		})
	}
}

func TestSchemaTooNewIsRefused(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		latest, _ := s.LatestVersion()
		if err := s.ExecForTest(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, 'x')`, latest+1); err != nil {
			t.Fatal(err)
		}
		if err := s.CheckSchema(ctx); !errors.Is(err, storage.ErrSchemaTooNew) {
			t.Fatalf("CheckSchema = %v, want ErrSchemaTooNew", err)
		}
		if _, err := s.Migrate(ctx); !errors.Is(err, storage.ErrSchemaTooNew) {
			t.Fatalf("Migrate = %v, want ErrSchemaTooNew", err)
		}
	})
}

func TestAddContributionsIsIdempotentAndRollsUp(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		if err := s.SyncProducts(ctx, []storage.Product{{ID: "os2forms", Name: "OS2forms", GovernanceLevel: "3"}}); err != nil {
			t.Fatal(err)
		}
		repo := storage.Repository{Forge: "github.com", Owner: "OS2Forms", Name: "os2forms"}
		if err := s.UpsertRepository(ctx, repo, []string{"os2forms"}); err != nil {
			t.Fatal(err)
		}
		key := storage.RepoKey("github.com", "OS2Forms", "os2forms")
		at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
		cs := []storage.Contribution{
			{RepositoryKey: key, Kind: storage.KindCommit, ExtID: "a1", At: at("2025-03-01T23:30:00-02:00"), Email: "Ann@Aarhus.dk"},
			{RepositoryKey: key, Kind: storage.KindCommit, ExtID: "a2", At: at("2025-03-02T09:00:00Z"), Email: "ann@aarhus.dk"},
			{RepositoryKey: key, Kind: storage.KindPullRequest, ExtID: "7", At: at("2025-03-02T10:00:00Z"), Login: "Bob"},
		}
		v0, _ := s.DataVersion(ctx)
		n, err := s.AddContributions(ctx, cs)
		if err != nil || n != 3 {
			t.Fatalf("first AddContributions = %d, %v; want 3", n, err)
		}
		v1, _ := s.DataVersion(ctx)
		n, err = s.AddContributions(ctx, cs)
		if err != nil || n != 0 {
			t.Fatalf("second AddContributions = %d, %v; want 0", n, err)
		}
		v2, _ := s.DataVersion(ctx)
		if v1 == v0 || v2 != v1 {
			t.Fatalf("data versions %d, %d, %d: want a bump on new data only", v0, v1, v2)
		}
		days, err := s.ContributorDays(ctx, civil.MustParse("2025-03-01"), civil.MustParse("2025-03-31"))
		if err != nil {
			t.Fatal(err)
		}
		// 23:30 at -02:00 is 01:30 UTC on 2 March: all three fall on one UTC day.
		want := []storage.ContributorDay{
			{RepositoryKey: key, Day: civil.MustParse("2025-03-02"), Identity: "ann@aarhus.dk", Email: "ann@aarhus.dk", Contributions: 2},
			{RepositoryKey: key, Day: civil.MustParse("2025-03-02"), Identity: "bob", Login: "bob", Contributions: 1},
		}
		if len(days) != len(want) {
			t.Fatalf("rollup = %+v, want %+v", days, want)
		}
		for i := range want {
			if days[i] != want[i] {
				t.Errorf("rollup[%d] = %+v, want %+v", i, days[i], want[i])
			}
		}
	})
}

func TestSyncStateRoundTrip(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		st, err := s.SyncState(ctx, "github.com/a/b/commits")
		if err != nil || st.ETag != "" {
			t.Fatalf("empty state = %+v, %v", st, err)
		}
		for _, etag := range []string{`W/"1"`, `W/"2"`} {
			if err := s.PutSyncState(ctx, storage.SyncState{Resource: "github.com/a/b/commits", ETag: etag, Cursor: "2025-01-01T00:00:00Z"}); err != nil {
				t.Fatal(err)
			}
		}
		st, err = s.SyncState(ctx, "github.com/a/b/commits")
		if err != nil || st.ETag != `W/"2"` || st.Cursor != "2025-01-01T00:00:00Z" {
			t.Fatalf("state = %+v, %v", st, err)
		}
	})
}

func TestRunsRecordResult(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		r, err := s.StartRun(ctx, "github", "test")
		if err != nil {
			t.Fatal(err)
		}
		r.Result = storage.RunPartial
		r.Requests = 12
		r.RateLimitRemaining = 4988
		r.Errors = []storage.RunError{{Item: "github.com/a/gone", Error: "404 Not Found"}}
		if err := s.FinishRun(ctx, r); err != nil {
			t.Fatal(err)
		}
		runs, err := s.LastRuns(ctx)
		if err != nil || len(runs) != 1 {
			t.Fatalf("LastRuns = %+v, %v", runs, err)
		}
		got := runs[0]
		if got.Result != storage.RunPartial || got.Requests != 12 || got.RateLimitRemaining != 4988 ||
			len(got.Errors) != 1 || got.Errors[0].Item != "github.com/a/gone" || got.EndedAt == "" {
			t.Fatalf("run = %+v", got)
		}
	})
}

// TestLastRunsOnePerSource: two runs of a source started in the same
// instant are both recorded, and LastRuns still shows one per source.
func TestLastRunsOnePerSource(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return at })
		var ids []string
		for range 2 {
			r, err := s.StartRun(ctx, "github", "test")
			if err != nil {
				t.Fatal(err)
			}
			r.Result = storage.RunSuccess
			if err := s.FinishRun(ctx, r); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
		if ids[0] == ids[1] {
			t.Fatalf("two runs share the id %s", ids[0])
		}
		r, err := s.StartRun(ctx, "register", "test")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.FinishRun(ctx, r); err != nil {
			t.Fatal(err)
		}
		last, err := s.LastRuns(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(last) != 2 || last[0].Source != "github" || last[1].Source != "register" {
			t.Fatalf("LastRuns = %+v, want one github and one register run", last)
		}
		all, err := s.Runs(ctx, 10)
		if err != nil || len(all) != 3 {
			t.Fatalf("Runs = %d, %v; want 3", len(all), err)
		}
	})
}

// TestReadyOnlyReads: asking whether an empty database is ready says no,
// and creates nothing (a read-only role could not).
func TestReadyOnlyReads(t *testing.T) {
	for _, d := range storagetest.Drivers {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			s := storagetest.Empty(t, d)
			if err := s.Ready(ctx); err == nil {
				t.Fatal("an empty database is ready")
			}
			if _, err := s.SchemaVersion(ctx); err == nil {
				t.Fatal("Ready created the schema table")
			}
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if err := s.Ready(ctx); err != nil {
				t.Fatalf("migrated database not ready: %v", err)
			}
		})
	}
}
