package figures

import (
	"reflect"
	"testing"
	"time"

	"os2pulse/storage"
)

func TestCheckForks(t *testing.T) {
	a, b := evRepo("os2display", "display-api"), evRepo("os2display", "display-client")
	gl := storage.Repository{Key: storage.RepoKey("git.os2.eu", "os2", "kitos"), Forge: "git.os2.eu", Owner: "os2", Name: "kitos"}
	pushed := func(daysBefore int) time.Time { return evDate.AddDays(-daysBefore).Time().Add(12 * time.Hour) }
	fork := func(name string, daysBefore, ahead int, compared bool) storage.Fork {
		f := storage.Fork{ListedFork: storage.ListedFork{Fork: name, Branch: "main", PushedAt: pushed(daysBefore)}, AheadBy: ahead}
		if compared {
			f.ComparedOn = evDate.AddDays(-1)
		}
		return f
	}
	listing := func(daysBefore int, fs ...storage.Fork) storage.ForkListing {
		return storage.ForkListing{Day: evDate.AddDays(-daysBefore), Forks: fs}
	}
	cases := []struct {
		name     string
		repos    []storage.Repository
		listings map[string]storage.ForkListing
		verdict  string
		codes    []string
		values   []string
	}{
		{"a fork exactly N ahead is fine", []storage.Repository{a},
			map[string]storage.ForkListing{a.Key: listing(0, fork("aarhus/display-api", 3, 20, true))},
			VerdictFound, []string{FindForkWithin}, []string{"20"}},
		{"a fork N+1 ahead is a second version", []storage.Repository{a, b},
			map[string]storage.ForkListing{a.Key: listing(0, fork("aarhus/display-api", 3, 21, true)), b.Key: listing(0)},
			VerdictNotFound, []string{FindForkAhead, FindNoRecentForks}, []string{"21", ""}},
		{"not found outweighs a fork not compared yet", []storage.Repository{a},
			map[string]storage.ForkListing{a.Key: listing(0, fork("kk/display-api", 1, 0, false), fork("aarhus/display-api", 3, 90, true))},
			VerdictNotFound, []string{FindForkAhead, FindForkNotCompared}, []string{"90", ""}},
		{"a fork not pushed to in 12 months does not count", []storage.Repository{a},
			map[string]storage.ForkListing{a.Key: listing(0, fork("aarhus/display-api", EvidenceWindowDays, 90, true))},
			VerdictFound, []string{FindNoRecentForks}, []string{""}},
		{"a recent fork not compared yet", []storage.Repository{a},
			map[string]storage.ForkListing{a.Key: listing(0, fork("aarhus/display-api", 3, 0, false))},
			VerdictCannotTell, []string{FindForkNotCompared}, []string{""}},
		{"forks never listed", []storage.Repository{a, b},
			map[string]storage.ForkListing{a.Key: listing(0)},
			VerdictCannotTell, []string{FindNoRecentForks, FindForksNotListed}, []string{"", ""}},
		{"listed exactly 30 days before still counts", []storage.Repository{a},
			map[string]storage.ForkListing{a.Key: listing(30)},
			VerdictFound, []string{FindNoRecentForks}, []string{""}},
		{"listed 31 days before: too old", []storage.Repository{a},
			map[string]storage.ForkListing{a.Key: listing(31, fork("aarhus/display-api", 40, 90, true))},
			VerdictCannotTell, []string{FindForksTooOld}, []string{"2026-05-30"}},
		{"a GitLab repository: not collected there", []storage.Repository{a, gl},
			map[string]storage.ForkListing{a.Key: listing(0)},
			VerdictCannotTell, []string{FindNoRecentForks, FindForksOtherHost}, []string{"", "git.os2.eu"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := evData(c.repos)
			d.gov.ForkAheadMax = 20
			d.forks = c.listings
			v, fs := checkForks(d, "p")
			var values []string
			for _, f := range fs {
				values = append(values, f.Value)
			}
			if v != c.verdict || !reflect.DeepEqual(codes(fs), c.codes) || !reflect.DeepEqual(values, c.values) {
				t.Errorf("got %s %v %q, want %s %v %q", v, codes(fs), values, c.verdict, c.codes, c.values)
			}
		})
	}
	// The finding names the fork, as a link.
	d := evData([]storage.Repository{a})
	d.gov.ForkAheadMax = 20
	d.forks = map[string]storage.ForkListing{a.Key: listing(0, fork("aarhus/display-api", 3, 21, true))}
	if _, fs := checkForks(d, "p"); fs[0].Repository != "aarhus/display-api" || fs[0].URL != "https://github.com/aarhus/display-api" {
		t.Errorf("finding %+v, want the fork aarhus/display-api and its link", fs[0])
	}
}
