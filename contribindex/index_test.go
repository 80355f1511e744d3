package contribindex

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"os2pulse/civil"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestFollowMatchesLoad writes random contributions in several batches
// (some rows written again with a new count, some days written late) and
// checks after each that the index brought up to date write by write
// holds what one read at once does.
func TestFollowMatchesLoad(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		addRepos(t, store)
		resolver := func() (Resolver, error) { return byDomain, nil }
		follows := NewKeeper(store.ReadOnly(), resolver)
		r := rand.New(rand.NewPCG(3, 4))
		n := 0
		for batch := range 4 {
			activity := writeRandom(t, store, r, 100+100*batch, &n)
			got, err := follows.Get(ctx, activity, true)
			if err != nil {
				t.Fatal(err)
			}
			want, err := NewKeeper(store.ReadOnly(), resolver).Get(ctx, activity, true)
			if err != nil {
				t.Fatal(err)
			}
			if err := sameIndex(got, want); err != nil {
				t.Fatalf("after write %d: the index brought up to date differs from one read at once: %v", batch, err)
			}
			if len(got.repos) != 4 {
				t.Fatalf("after write %d: %d repositories in the index, want 4", batch, len(got.repos))
			}
		}
	})
}

// TestCountsFollowWrites: a point kept is used until a write touches its
// window, and computed again after.
func TestCountsFollowWrites(t *testing.T) {
	ix := newIndex(byDomain)
	add := func(rows ...storage.ContributorDay) {
		touched := map[int32]bool{}
		for _, d := range rows {
			touched[ix.add(d)] = true
		}
		ix.finish(touched)
	}
	day := civil.MustParse("2024-03-01")
	row := func(who string, d civil.Date) storage.ContributorDay {
		return storage.ContributorDay{RepositoryKey: "r", Day: d, Identity: who, Email: who, Contributions: 1}
	}
	add(row("a@aarhus.dk", day))
	none := func(civil.Date) MemberOn { return func(int32) bool { return false } }
	scope := Scope{Name: "p"}
	at := []civil.Date{day.AddDays(10), day.AddDays(100)}
	tests := []struct {
		name string
		rows []storage.ContributorDay
		want []Count
	}{
		{"first", nil, []Count{{Active: 1, Unknown: 1}, {}}},
		{"a write outside both windows", []storage.ContributorDay{row("b@bellcom.dk", day.AddDays(-60))}, []Count{{Active: 1, Unknown: 1}, {}}},
		{"a write in the first window", []storage.ContributorDay{row("b@bellcom.dk", day.AddDays(5))}, []Count{{Active: 2, Supplier: 1, Unknown: 1}, {}}},
		{"a write in the second window", []storage.ContributorDay{row("c@example.org", day.AddDays(95))}, []Count{{Active: 2, Supplier: 1, Unknown: 1}, {Active: 1, Unknown: 1}}},
	}
	for _, tt := range tests {
		add(tt.rows...)
		ix.RLock()
		got := ix.Counts(scope, ix.Repos([]string{"r"}), at, 30, none)
		ix.RUnlock()
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

// sameIndex compares two indexes by what they hold, not by their interned
// numbers.
func sameIndex(a, b *Index) error {
	type row struct {
		repo, ident, person string
		day                 civil.Date
		aff                 string
		n                   int32
	}
	rows := func(ix *Index) []row {
		names := func(m map[string]int32) []string {
			out := make([]string, len(m))
			for s, i := range m {
				out[i] = s
			}
			return out
		}
		idents, persons := names(ix.idents), names(ix.persons)
		var out []row
		for _, rp := range ix.repos {
			for _, e := range rp.entries {
				r := row{repo: rp.key, ident: idents[e.ident], day: e.day, n: e.n, aff: fmt.Sprint(e.aff)}
				if e.person != noPerson {
					r.person = persons[e.person]
				}
				if e.aff >= affOrg {
					r.aff = "org:" + ix.orgs[e.aff-affOrg]
				}
				out = append(out, r)
			}
		}
		slices.SortFunc(out, func(x, y row) int { return strings.Compare(fmt.Sprint(x), fmt.Sprint(y)) })
		return out
	}
	ra, rb := rows(a), rows(b)
	if !reflect.DeepEqual(ra, rb) {
		return fmt.Errorf("%d rows against %d", len(ra), len(rb))
	}
	return nil
}

// TestSweepWindowEdges checks the sliding window at its edges on entries
// built by hand: a day entering on the window's last day, leaving the day
// after its first, points further apart than the window, a person's latest
// day with two affiliations.
func TestSweepWindowEdges(t *testing.T) {
	ix := newIndex(nil)
	d := civil.MustParse("2024-01-10")
	org := func(k int32) int32 { return affOrg + k }
	ix.orgs, ix.suppliers = []string{"751"}, []string{"Bellcom"}
	ix.persons = map[string]int32{"a": 0, "b": 1, "c": 2}
	ix.repos = []ixRepo{
		{key: "r1", entries: []ixEntry{
			{day: d, person: 0, aff: -1, n: 1}, // supplier 0
			{day: d.AddDays(5), person: 1, aff: affUnknown, n: 1},
			{day: d.AddDays(5), person: noPerson, n: 9},
			{day: d.AddDays(40), person: 0, aff: org(0), n: 1},
		}},
		{key: "r2", entries: []ixEntry{
			{day: d.AddDays(5), person: 1, aff: org(0), n: 1},
			{day: d.AddDays(40), person: 0, aff: affUnknown, n: 1},
			{day: d.AddDays(41), person: 2, aff: affUnknown, n: 1},
		}},
	}
	member := func(civil.Date) MemberOn { return func(int32) bool { return true } }
	notMember := func(civil.Date) MemberOn { return func(int32) bool { return false } }
	tests := []struct {
		name    string
		repos   []int32
		points  []civil.Date
		window  int
		members func(civil.Date) MemberOn
		want    []Count
	}{
		{"before anything", []int32{0, 1}, []civil.Date{d.AddDays(-1)}, 10, member, []Count{{}}},
		{"first day of the window", []int32{0, 1}, []civil.Date{d.AddDays(9)}, 10, member,
			[]Count{{Active: 2, Member: 1, Supplier: 1}}},
		{"left the day after", []int32{0, 1}, []civil.Date{d.AddDays(10)}, 10, member,
			[]Count{{Active: 1, Member: 1}}},
		{"window of one day", []int32{0}, []civil.Date{d, d.AddDays(1), d.AddDays(5)}, 1, member,
			[]Count{{Active: 1, Supplier: 1}, {}, {Active: 1, Unknown: 1}}},
		{"two affiliations on the latest day, member", []int32{0, 1}, []civil.Date{d.AddDays(40)}, 1, member,
			[]Count{{Active: 1, Member: 1}}},
		{"two affiliations on the latest day, not member", []int32{0, 1}, []civil.Date{d.AddDays(40)}, 1, notMember,
			[]Count{{Active: 1, Unknown: 1}}},
		{"points further apart than the window", []int32{0, 1}, []civil.Date{d, d.AddDays(20), d.AddDays(41), d.AddDays(100)}, 2, notMember,
			[]Count{{Active: 1, Supplier: 1}, {}, {Active: 2, Unknown: 2}, {}}},
		{"one repository", []int32{1}, []civil.Date{d.AddDays(41)}, 365, notMember,
			[]Count{{Active: 3, Unknown: 3}}},
		{"no repository", nil, []civil.Date{d.AddDays(41)}, 365, member, []Count{{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ix.sweep(tt.repos, tt.points, tt.window, tt.members); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
