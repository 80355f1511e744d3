package storage_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// The forks on a date are those of the newest listing on or before it,
// with the comparisons made by then; a push is a new version to compare.
func TestForkListingsAsOfADate(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		key := "github.com/os2display/display-api"
		d := func(s string) civil.Date { return civil.MustParse(s) }
		push1 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		push2 := time.Date(2026, 4, 2, 10, 0, 0, 0, time.UTC)
		a := storage.ListedFork{Fork: "aarhus/display-api", Branch: "main", PushedAt: push1}
		b := storage.ListedFork{Fork: "kk/display-api", Branch: "develop", PushedAt: push1}
		if err := s.PutForkListing(ctx, key, d("2026-03-02"), []storage.ListedFork{a, b}); err != nil {
			t.Fatal(err)
		}
		if err := s.PutForkComparison(ctx, key, a, d("2026-03-03"), 25, 4); err != nil {
			t.Fatal(err)
		}
		if err := s.ForkListingUnchanged(ctx, key, d("2026-03-04")); err != nil {
			t.Fatal(err)
		}
		// a is pushed again and b is gone.
		a2 := a
		a2.PushedAt = push2
		if err := s.PutForkListing(ctx, key, d("2026-04-03"), []storage.ListedFork{a2}); err != nil {
			t.Fatal(err)
		}
		type want struct {
			forks    []string // fork@ahead, ahead -1 when not compared
			listedOn string
		}
		for _, c := range []struct {
			name string
			on   string
			want *want
		}{
			{"before any listing", "2026-03-01", nil},
			{"listed, not compared yet", "2026-03-02", &want{forks: []string{"aarhus/display-api@-1", "kk/display-api@-1"}, listedOn: "2026-03-02"}},
			{"compared", "2026-03-03", &want{forks: []string{"aarhus/display-api@25", "kk/display-api@-1"}, listedOn: "2026-03-02"}},
			{"unchanged listing carries both", "2026-03-20", &want{forks: []string{"aarhus/display-api@25", "kk/display-api@-1"}, listedOn: "2026-03-04"}},
			{"a new push is not compared; the deleted fork is gone", "2026-04-03", &want{forks: []string{"aarhus/display-api@-1"}, listedOn: "2026-04-03"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				got, err := s.ForkListings(ctx, d(c.on))
				if err != nil {
					t.Fatal(err)
				}
				l, ok := got[key]
				if c.want == nil {
					if ok {
						t.Fatalf("listing %+v, want none", l)
					}
					return
				}
				if l.Day != d(c.want.listedOn) {
					t.Errorf("listed on %s, want %s", l.Day, c.want.listedOn)
				}
				var forks []string
				for _, f := range l.Forks {
					ahead := f.AheadBy
					if f.ComparedOn.IsZero() {
						ahead = -1
					}
					forks = append(forks, f.Fork+"@"+strconv.Itoa(ahead))
				}
				if len(forks) != len(c.want.forks) {
					t.Fatalf("forks %v, want %v", forks, c.want.forks)
				}
				for i := range forks {
					if forks[i] != c.want.forks[i] {
						t.Fatalf("forks %v, want %v", forks, c.want.forks)
					}
				}
			})
		}
	})
}
