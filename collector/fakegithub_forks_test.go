package collector

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// fakeFork is a fork of a fake repository: its listing and how far its
// default branch is from the upstream's.
type fakeFork struct {
	owner, name, branch string
	pushed              time.Time
	ahead, behind       int
}

// forkRoute answers the forks listing and the comparison of the default
// branch with a fork's ("main...owner:branch"), as GitHub does.
func (f *fakeGitHub) forkRoute(r *http.Request, rp *fakeRepo, rest []string) (int, []byte, string, string) {
	switch {
	case len(rest) == 1 && rest[0] == "forks":
		items := make([]any, 0, len(rp.forkList))
		for _, fk := range rp.forkList {
			items = append(items, map[string]any{"id": 1, "name": fk.name, "full_name": fk.owner + "/" + fk.name,
				"owner": map[string]any{"login": fk.owner}, "fork": true, "default_branch": fk.branch, "pushed_at": stamp(fk.pushed)})
		}
		return f.page(r, items)
	case len(rest) == 2 && rest[0] == "compare":
		base, head, ok := strings.Cut(rest[1], "...")
		owner, branch, ok2 := strings.Cut(head, ":")
		if !ok || !ok2 || base != "main" {
			return notFound()
		}
		for _, fk := range rp.forkList {
			if strings.EqualFold(fk.owner, owner) && fk.branch == branch {
				return http.StatusOK, mustJSON(map[string]any{"status": "diverged", "ahead_by": fk.ahead, "behind_by": fk.behind,
					"total_commits": fk.ahead, "commits": []any{}, "files": []any{}}), "", ""
			}
		}
	}
	return notFound()
}

// The forks of a repository are listed once a day and compared one a day,
// the most recently pushed first; an unchanged portfolio costs nothing,
// and the evidence's own requests (the hygiene half of the day, the
// listing of forks, one comparison) are at most three a day.
func TestForksWithinTheBudget(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		clock := newFakeClock()
		f := newFakeGitHub(t, clock)
		f.addOwner("os2display", false)
		now := clock.now()
		recent := &fakeFork{owner: "aarhus", name: "display-api", branch: "main", pushed: now.Add(-48 * time.Hour), ahead: 25, behind: 3}
		exact := &fakeFork{owner: "kk", name: "display-api", branch: "develop", pushed: now.Add(-240 * time.Hour), ahead: 20}
		old := &fakeFork{owner: "odense", name: "display-api", branch: "main", pushed: now.Add(-400 * 24 * time.Hour), ahead: 90}
		f.addRepo("os2display", &fakeRepo{name: "display-api", commits: readHistory(t, "os2display__display-client.tsv")[:3],
			files: map[string][]byte{"README.md": nil}, forkList: []*fakeFork{old, exact, recent}})
		cfg := testConfig(t, f.URL(), 1, "os2display=os2display/*")
		syncProducts(t, store, cfg)
		src := newTestSource(t, cfg, store, clock, nil, nil)
		const (
			forks   = "/repos/os2display/display-api/forks"
			compare = "/repos/os2display/display-api/compare/*"
		)
		key := storage.RepoKey("github.com", "os2display", "display-api")
		// evidence counts the day's requests the evidence needs beyond the
		// activity: hygiene, forks and comparisons, charged (not 304).
		evidence := func(reqs []fakeRequest) int {
			n := 0
			for _, p := range []string{"/repos/os2display/display-api/community/profile", "/repos/os2display/display-api/contents/*", forks, compare} {
				n += count(reqs, p, 0) - count(reqs, p, http.StatusNotModified)
			}
			return n
		}
		listed := func() string {
			t.Helper()
			l, err := store.ForkListing(ctx, key, civil.UTCDay(clock.now()))
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, fk := range l.Forks {
				s := fk.Fork + "="
				if fk.ComparedOn.IsZero() {
					s += "?"
				} else {
					s += strconv.Itoa(fk.AheadBy)
				}
				out = append(out, s)
			}
			return strings.Join(out, " ")
		}
		day := func() []fakeRequest {
			t.Helper()
			clock.sleep(ctx, 24*time.Hour)
			poll(t, store, src, nil)
			return f.takeRequests()
		}

		for _, step := range []struct {
			name            string
			change          func()
			forks, compares int // requests, charged or not
			charged         int // the fork requests GitHub charges
			want            string
			firstDay        bool
			evidenceAtMost  int
			unchangedIsFree bool
		}{
			{name: "first poll: listed, the most recently pushed compared", firstDay: true, forks: 1, compares: 1, charged: 2,
				want: "aarhus/display-api=25 kk/display-api=?", evidenceAtMost: 4},
			{name: "next day: the listing is unchanged (304), the other fork compared", forks: 1, compares: 1, charged: 1,
				want: "aarhus/display-api=25 kk/display-api=20", evidenceAtMost: 3},
			{name: "nothing changed: no budget", forks: 1, compares: 0, charged: 0,
				want: "aarhus/display-api=25 kk/display-api=20", unchangedIsFree: true},
			{name: "a push: listed and compared again", change: func() { exact.pushed, exact.ahead = clock.now(), 21 },
				forks: 1, compares: 1, charged: 2, want: "kk/display-api=21 aarhus/display-api=25", evidenceAtMost: 3},
		} {
			if step.change != nil {
				f.update(step.change)
			}
			var reqs []fakeRequest
			if step.firstDay {
				poll(t, store, src, nil)
				reqs = f.takeRequests()
			} else {
				reqs = day()
			}
			gotForks, gotCompares := count(reqs, forks, 0), count(reqs, compare, 0)
			charged := gotForks + gotCompares - count(reqs, forks, http.StatusNotModified) - count(reqs, compare, http.StatusNotModified)
			if gotForks != step.forks || gotCompares != step.compares || charged != step.charged {
				t.Errorf("%s: %d listings, %d comparisons, %d charged; want %d, %d, %d", step.name, gotForks, gotCompares, charged,
					step.forks, step.compares, step.charged)
			}
			if got := listed(); got != step.want {
				t.Errorf("%s: forks %q, want %q", step.name, got, step.want)
			}
			// The first poll reads both hygiene halves, once.
			if step.evidenceAtMost > 0 && evidence(reqs) > step.evidenceAtMost {
				t.Errorf("%s: %d charged requests for the evidence, want at most %d: %+v", step.name, evidence(reqs), step.evidenceAtMost, reqs)
			}
			if step.unchangedIsFree && count(reqs, "*", http.StatusNotModified) != len(reqs) {
				t.Errorf("%s: %+v; want every request answered 304 (no budget)", step.name, reqs)
			}
			// A second poll the same day asks for no fork again.
			poll(t, store, src, nil)
			if again := f.takeRequests(); count(again, forks, 0)+count(again, compare, 0) != 0 {
				t.Errorf("%s: a second poll the same day asked for forks again: %+v", step.name, again)
			}
		}
	})
}
