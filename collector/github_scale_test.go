package collector

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// scaleOwners are the organisations of the 300-repository portfolio: one
// whose listing takes two pages, two of one page each.
var scaleOwners = []struct {
	login string
	repos int
}{{"OS2big", 150}, {"OS2mid", 100}, {"OS2small", 50}}

// scaleFake serves 300 generated repositories. Repository i has
// scaleCommits(i) commits, from none (an empty listing) to three pages.
func scaleFake(t testing.TB, clock *fakeClock) (*fakeGitHub, []*fakeRepo) {
	f := newFakeGitHub(t, clock)
	var repos []*fakeRepo
	for _, o := range scaleOwners {
		f.addOwner(o.login, false)
		for range o.repos {
			i := len(repos)
			var commits []fakeCommit
			for j := scaleCommits(i) - 1; j >= 0; j-- { // newest first
				at := base2020.Add(time.Duration(i)*time.Hour + time.Duration(j)*24*time.Hour)
				email := fmt.Sprintf("dev%d@example.org", (i+j)%40)
				commits = append(commits, fakeCommit{sha: fmt.Sprintf("%08x%032x", i, j), authorDate: at, committerDate: at,
					authorName: "Dev", authorEmail: email, committerName: "Dev", committerEmail: email})
			}
			repos = append(repos, f.addRepo(o.login, &fakeRepo{name: fmt.Sprintf("repo%03d", i), commits: commits}))
		}
	}
	return f, repos
}

// scaleCommits is how many commits repository i has: listings of none,
// one, two and three pages all occur, with few commits in all, so that
// the test stays quick.
func scaleCommits(i int) int {
	switch {
	case i%50 == 0:
		return 201 // three pages
	case i%10 == 0:
		return 100 + i%7 // two pages, or one exactly full
	case i%7 == 0:
		return 0
	}
	return 1 + i%5
}

// TestCollectionCostAt300Repositories: the backfill of 300 repositories
// reads exactly the fewest list pages their items need (ceil(N/100), at
// least one) plus one metadata request per repository, and an unchanged
// poll of all 300 is conditional from end to end: every request answered
// 304, no rate-limit budget spent.
func TestCollectionCostAt300Repositories(t *testing.T) {
	if testing.Short() {
		t.Skip("300 repositories on both databases: make test runs it, not -short")
	}
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		clock := newFakeClock()
		f, repos := scaleFake(t, clock)
		var products []string
		for _, o := range scaleOwners {
			products = append(products, strings.ToLower(o.login)+"="+o.login+"/*")
		}
		cfg := testConfig(t, f.URL(), 4, products...)
		syncProducts(t, store, cfg)

		run := poll(t, store, newTestSource(t, cfg, store, clock, nil, nil), nil)
		reqs := f.takeRequests()
		if run.Result != storage.RunSuccess || len(run.Errors) != 0 {
			t.Fatalf("backfill run = %s, errors %v", run.Result, run.Errors)
		}
		commits := 0
		for i, r := range repos {
			path := "/repos/" + r.owner + "/" + r.name + "/commits"
			if got, want := count(reqs, path, 200), max(1, ceilDiv(len(r.commits), 100)); got != want {
				t.Errorf("%s: %d commit-list requests for %d commits, want %d", r.name, got, len(r.commits), want)
			}
			commits += max(1, ceilDiv(scaleCommits(i), 100))
		}
		listings := 0
		for _, o := range scaleOwners {
			if got, want := count(reqs, "/orgs/"+o.login+"/repos", 200), ceilDiv(o.repos, 100); got != want {
				t.Errorf("%s: %d listing requests for %d repositories, want %d", o.login, got, o.repos, want)
			}
			listings += ceilDiv(o.repos, 100)
		}
		// The fewest pages: the listings, each repository's commits, and
		// its (empty) pull requests, issues, releases, issue comments and
		// review comments, one page each; plus per repository its
		// metadata, the two halves of its hygiene (community profile,
		// root directory: 404 for these repositories without files) and
		// its (empty) forks, for the governance evidence.
		pages := listings + commits + 5*len(repos)
		want := pages + 4*len(repos)
		if len(reqs) != want || count(reqs, "*", 200) != want-len(repos) {
			t.Errorf("backfill made %d requests (%d answered 200), want %d, all 200 but the %d root directories", len(reqs), count(reqs, "*", 200), want, len(repos))
		}
		// The fake's own count of the budget: with four requests in flight,
		// the run records the remaining budget of whichever answer it read
		// last, not always the lowest.
		budget := f.budget()
		if run.Requests != want || budget != 5000-want {
			t.Errorf("backfill recorded %d requests, budget left %d; want %d, %d", run.Requests, budget, want, 5000-want)
		}
		// For make bench, which reports these counts (bench/collection.go).
		t.Logf("RESULT|backfill of %d repositories: requests|%d (%d list pages + %d requests for repositories, their hygiene and forks)|≤ the fewest list pages (%d) + 4 per repository|%s",
			len(repos), len(reqs), len(reqs)-4*len(repos), 4*len(repos), pages, yesNo(len(reqs) <= pages+4*len(repos)))

		// A restarted collector polls the unchanged portfolio.
		run = poll(t, store, newTestSource(t, cfg, store, clock, nil, nil), nil)
		reqs = f.takeRequests()
		bad := 0
		for _, r := range reqs {
			if !r.Conditional || r.Status != 304 {
				if bad++; bad <= 5 {
					t.Errorf("unchanged poll: %s %s?%s conditional=%v answered %d; want conditional, 304", r.Method, r.Path, r.Query, r.Conditional, r.Status)
				}
			}
		}
		// Each listing's first page, each repository, its six lists
		// (hygiene and forks are checked once a day).
		if want := len(scaleOwners) + len(repos) + 6*len(repos); len(reqs) != want {
			t.Errorf("unchanged poll made %d requests, want %d", len(reqs), want)
		}
		left := f.budget()
		if run.Result != storage.RunSuccess || left != budget || run.RateLimitRemaining != budget {
			t.Errorf("unchanged poll: %s, budget left %d (recorded %d); want success and no budget spent (%d)", run.Result, left, run.RateLimitRemaining, budget)
		}
		t.Logf("RESULT|unchanged poll of %d repositories: rate-limit budget spent|%d (%d requests, %d conditional answered 304)|0|%s",
			len(repos), budget-left, len(reqs), count(reqs, "*", 304), yesNo(budget == left && bad == 0))
	})
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "no"
}

// budget is what remains of the fake's rate limit.
func (f *fakeGitHub) budget() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.remaining
}
