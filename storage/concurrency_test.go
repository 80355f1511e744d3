package storage_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestInstancesMigrateAtOnce: three instances started together on an
// empty database all come up; every migration is applied exactly once.
func TestInstancesMigrateAtOnce(t *testing.T) {
	for _, d := range storagetest.Drivers {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			driver, dsn := storagetest.DSN(t, d)
			stores := make([]*storage.Store, 3)
			for i := range stores {
				s, err := storage.Open(ctx, driver, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				stores[i] = s
			}
			applied := make([][]string, len(stores))
			errs := make([]error, len(stores))
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i, s := range stores {
				wg.Go(func() {
					<-start
					applied[i], errs[i] = s.Migrate(ctx)
				})
			}
			close(start)
			wg.Wait()
			seen := map[string]int{}
			for i := range stores {
				if errs[i] != nil {
					t.Fatalf("instance %d: %v", i, errs[i])
				}
				for _, m := range applied[i] {
					seen[m]++
				}
				if err := stores[i].CheckSchema(ctx); err != nil {
					t.Errorf("instance %d: %v", i, err)
				}
			}
			for m, n := range seen {
				if n != 1 {
					t.Errorf("migration %s applied %d times", m, n)
				}
			}
			if _, ok := seen["0001_init.sql"]; !ok {
				t.Errorf("applied %v: 0001_init.sql missing", seen)
			}
			if orgs, err := stores[0].Organizations(ctx); err != nil || len(orgs) != storage.MunicipalitiesTotal {
				t.Errorf("%d organisations, %v", len(orgs), err)
			}
		})
	}
}

// TestReadersDuringAWrite: on SQLite, reads answer from the last committed
// state while another connection holds the write lock, and a second
// writer (another process on the same file) waits its turn instead of
// failing with SQLITE_BUSY.
func TestReadersDuringAWrite(t *testing.T) {
	ctx := context.Background()
	driver, dsn := storagetest.DSN(t, "sqlite")
	open := func() *storage.Store {
		s, err := storage.Open(ctx, driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(), open()
	if _, err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	v0, err := a.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	commit, err := a.HoldWriteForTest(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// Readers of both instances, in the writer's own process too.
	for name, s := range map[string]*storage.Store{"writing instance": a, "other instance": b} {
		done := make(chan error, 1)
		go func() {
			v, err := s.DataVersion(ctx)
			if err == nil && v != v0 {
				err = fmt.Errorf("read version %d during the write, want the committed %d", v, v0)
			}
			if err == nil {
				_, err = s.Organizations(ctx)
			}
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: a read waited for the write", name)
		}
	}

	// A write of the other instance waits until the first commits.
	wrote := make(chan error, 1)
	go func() {
		wrote <- b.PutSyncState(ctx, storage.SyncState{Resource: "r", Cursor: "c"})
	}()
	select {
	case err := <-wrote:
		t.Fatalf("second writer did not wait for the first: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-wrote; err != nil {
		t.Fatalf("second writer: %v", err)
	}
	if st, err := a.SyncState(ctx, "r"); err != nil || st.Cursor != "c" {
		t.Fatalf("state %+v, %v", st, err)
	}
}

// TestCheckpointsGoWithTheirRows: a checkpoint is stored in the
// transaction of the last rows it stands for, so a batch that fails
// leaves neither; large calls are cut into BatchSize transactions whose
// rollup equals the rows.
func TestCheckpointsGoWithTheirRows(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		if err := s.SyncProducts(ctx, []storage.Product{{ID: "p", Name: "P", GovernanceLevel: "1"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.UpsertRepository(ctx, storage.Repository{Forge: "example.org", Owner: "o", Name: "r"}, []string{"p"}); err != nil {
			t.Fatal(err)
		}
		key := storage.RepoKey("example.org", "o", "r")
		start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		n := storage.BatchSize + 123
		cs := make([]storage.Contribution, n)
		for i := range cs {
			cs[i] = storage.Contribution{RepositoryKey: key, Kind: storage.KindCommit, ExtID: fmt.Sprintf("c%06d", i),
				At: start.Add(time.Duration(i) * 7 * time.Minute), Email: fmt.Sprintf("p%d@example.org", i%37)}
		}
		// The same commit twice in one call counts once.
		cs = append(cs, cs[5])
		added, err := s.AddContributions(ctx, cs, storage.SyncState{Resource: "import", Cursor: "all"})
		if err != nil || added != n {
			t.Fatalf("added %d, %v; want %d", added, err, n)
		}
		days, err := s.ContributorDays(ctx, civil.MustParse("2024-01-01"), civil.MustParse("2030-01-01"))
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, d := range days {
			sum += d.Contributions
		}
		if sum != n {
			t.Errorf("rollup counts %d contributions, want %d", sum, n)
		}
		if st, _ := s.SyncState(ctx, "import"); st.Cursor != "all" {
			t.Errorf("checkpoint %+v", st)
		}

		// A batch that fails stores neither its rows nor the checkpoint.
		bad := []storage.Contribution{
			{RepositoryKey: key, Kind: storage.KindCommit, ExtID: "new", At: start, Email: "x@example.org"},
			{RepositoryKey: key, Kind: storage.KindCommit, ExtID: "undated", Email: "x@example.org"},
		}
		if _, err := s.AddContributions(ctx, bad, storage.SyncState{Resource: "import", Cursor: "bad", Progress: "p"}); err == nil {
			t.Fatal("an undated contribution was stored")
		}
		if got, _ := s.CountContributions(ctx, key, ""); got != n {
			t.Errorf("%d contributions after a failed batch, want %d", got, n)
		}
		if st, _ := s.SyncState(ctx, "import"); st.Cursor != "all" || st.Progress != "" {
			t.Errorf("checkpoint after a failed batch = %+v, want the last good one", st)
		}
		// A checkpoint alone is stored too.
		if _, err := s.AddContributions(ctx, nil, storage.SyncState{Resource: "import", Cursor: "none", Progress: "p"}); err != nil {
			t.Fatal(err)
		}
		if st, _ := s.SyncState(ctx, "import"); st.Cursor != "none" || st.Progress != "p" {
			t.Errorf("checkpoint alone = %+v", st)
		}
	})
}
