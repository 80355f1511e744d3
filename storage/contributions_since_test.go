package storage_test

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestContributorDaysSince reads the rollup, then only what each write
// changed: new rows, and rows whose count grew, with their new count, also
// when writes run concurrently.
func TestContributorDaysSince(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		if err := s.UpsertRepository(ctx, storage.Repository{Forge: "github.com", Owner: "o", Name: "r"}, nil); err != nil {
			t.Fatal(err)
		}
		key := storage.RepoKey("github.com", "o", "r")
		day := func(d int) time.Time { return civil.MustParse("2024-01-01").AddDays(d).Time().Add(9 * time.Hour) }
		commit := func(sha string, d int, email string) storage.Contribution {
			return storage.Contribution{RepositoryKey: key, Kind: storage.KindCommit, ExtID: sha, At: day(d), Email: email}
		}
		read := func(mark storage.RollupMark) (map[string]int, storage.RollupMark) {
			t.Helper()
			got := map[string]int{}
			next, err := s.EachContributorDaySince(ctx, mark, func(d storage.ContributorDay) error {
				got[d.Day.String()+" "+d.Identity] = d.Contributions
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return got, next
		}
		if _, err := s.AddContributions(ctx, []storage.Contribution{commit("a", 0, "x@a.dk"), commit("b", 0, "x@a.dk"), commit("c", 1, "y@a.dk")}); err != nil {
			t.Fatal(err)
		}
		all, mark := read(storage.RollupMark{})
		if want := map[string]int{"2024-01-01 x@a.dk": 2, "2024-01-02 y@a.dk": 1}; !reflect.DeepEqual(all, want) {
			t.Fatalf("first read %v, want %v", all, want)
		}
		// Rows read before may come again with the same count (on
		// PostgreSQL, while any transaction older than them runs), no
		// others.
		again := func(got, state map[string]int) {
			t.Helper()
			for k, v := range got {
				if state[k] != v {
					t.Fatalf("read %s: %d, want %d", k, v, state[k])
				}
			}
		}
		got, _ := read(mark)
		again(got, all)
		// A known row grows, a new one comes.
		if _, err := s.AddContributions(ctx, []storage.Contribution{commit("d", 1, "y@a.dk"), commit("e", 2, "z@a.dk")}); err != nil {
			t.Fatal(err)
		}
		got, mark = read(mark)
		for k, v := range map[string]int{"2024-01-02 y@a.dk": 2, "2024-01-03 z@a.dk": 1} {
			if got[k] != v {
				t.Fatalf("after a write read %v, want %s: %d", got, k, v)
			}
			all[k] = v
		}
		again(got, all)
		// Writers at once: whatever order they commit in, a reader
		// reading between them misses nothing.
		var wg sync.WaitGroup
		seen := map[string]int{}
		var mu sync.Mutex
		stop := make(chan struct{})
		readerDone := make(chan struct{})
		go func() {
			defer close(readerDone)
			m := mark
			for {
				select {
				case <-stop:
					return
				default:
				}
				got, next := read(m)
				mu.Lock()
				for k, v := range got {
					seen[k] = v
				}
				mu.Unlock()
				m = next
				mark = next
			}
		}()
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 10 {
					c := commit(fmt.Sprintf("w%d-%d", w, i), 10+i, fmt.Sprintf("w%d@a.dk", w))
					if _, err := s.AddContributions(ctx, []storage.Contribution{c}); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		close(stop)
		<-readerDone
		last, _ := read(mark)
		for k, v := range last {
			seen[k] = v
		}
		// Rows read before may come again (a reader takes each as the
		// current state of its key); none may be missing.
		var keys []string
		for k := range seen {
			if strings.Contains(k, " w") {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		if len(keys) != 40 {
			t.Fatalf("read %d rows of the concurrent writes, want 40: %v", len(keys), keys)
		}
	})
}

// TestDomainVersions checks that a write moves the data version and the
// version of its own domain only.
func TestDomainVersions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		before, err := s.DomainVersions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.UpsertRepository(ctx, storage.Repository{Forge: "github.com", Owner: "o", Name: "r"}, nil); err != nil {
			t.Fatal(err)
		}
		mid, err := s.DomainVersions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddContributions(ctx, []storage.Contribution{{RepositoryKey: storage.RepoKey("github.com", "o", "r"),
			Kind: storage.KindCommit, ExtID: "a", At: time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC), Email: "x@a.dk"}}); err != nil {
			t.Fatal(err)
		}
		after, err := s.DomainVersions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		dv, err := s.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !(before.Data < mid.Data && mid.Data < after.Data && after.Data == dv) {
			t.Fatalf("data versions %d, %d, %d (DataVersion %d): want each write to move it", before.Data, mid.Data, after.Data, dv)
		}
		for _, d := range storage.Domains {
			movedRepo := mid.Domains[d] != before.Domains[d]
			movedAct := after.Domains[d] != mid.Domains[d]
			if movedRepo != (d == storage.DomainRepositories) || movedAct != (d == storage.DomainActivity) {
				t.Errorf("domain %s: moved by the repository %t, by the contribution %t", d, movedRepo, movedAct)
			}
		}
	})
}
