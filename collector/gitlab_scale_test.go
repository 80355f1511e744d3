package collector

import (
	"fmt"
	"net/http"
	"testing"

	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// gitlabScaleFake serves 50 generated projects in nested groups under
// os2/: listings of none to three pages of commits, merge requests,
// issues, events and releases, and a few empty projects.
func gitlabScaleFake(t testing.TB, clock *fakeClock) (*fakeGitLab, []*glFakeProject) {
	f := newFakeGitLab(t, clock)
	var ps []*glFakeProject
	for i := range 50 {
		group := fmt.Sprintf("os2/area%d", i%5)
		if i%2 == 1 {
			group += fmt.Sprintf("/team%d", i%3)
		}
		n := 1 + i%5
		switch {
		case i%10 == 7:
			n = 0 // empty
		case i%25 == 0:
			n = 201
		case i%10 == 0:
			n = 100 + i%7
		}
		p := f.addProject(&glFakeProject{group: group, path: fmt.Sprintf("project%02d", i),
			commits: glCommits(fmt.Sprintf("p%d-", i), n, glBase, fmt.Sprintf("dev%d@example.org", i%9), "anna@magenta.dk")})
		mrs, issues := i%3, (i%4)*3
		if i%20 == 0 {
			mrs, issues = 120, 105
		}
		if n == 0 {
			mrs = 0
		}
		glActivity(p, mrs, issues, i%3, glBase)
		ps = append(ps, p)
	}
	return f, ps
}

// TestCollectionCostGitLab: the backfill of 50 GitLab projects reads
// exactly the fewest pages their listings need (ceil(N/100), at least one)
// plus the group's listing and, per project, the project, its mirror
// settings and its root directory (for hygiene); an unchanged poll makes only conditional requests and the
// first, empty, asking of the since and updated_after listings; the poll
// after that only conditional requests, every one answered 304.
func TestCollectionCostGitLab(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		clock := newFakeClock()
		f, ps := gitlabScaleFake(t, clock)
		cfg := glTestConfig(t, f.URL(), "", "", "os2=git.magenta.dk/os2/*")
		syncProducts(t, store, cfg)

		run := poll(t, store, newGitLabTestSource(t, cfg, store, clock), nil)
		if run.Result != storage.RunSuccess || len(run.Errors) != 0 {
			t.Fatalf("backfill run = %s, errors %v", run.Result, run.Errors)
		}
		reqs, _ := f.takeRequests()
		glRequestsOK(t, reqs)
		pages := 1  // the group's listing: 50 projects, one keyset page
		single := 0 // the project, its mirror settings, its root directory
		for _, p := range ps {
			n := 2
			if p.defaultBranch != "" {
				n++
			}
			single += n
			pages += glBackfillCost(p) - n
			if p.defaultBranch != "" {
				path := fmt.Sprintf("/api/v4/projects/%d/repository/commits", p.id)
				if got, want := count(reqs, path, http.StatusOK), glPages(len(p.commits)); got != want {
					t.Errorf("%s: %d commit pages for %d commits, want %d", p.path, got, len(p.commits), want)
				}
			}
		}
		want := pages + single
		if len(reqs) != want || run.Requests != want {
			t.Errorf("backfill: %d requests (%d recorded), want %d", len(reqs), run.Requests, want)
		}
		// For make bench, which reports these counts (bench/collection.go).
		t.Logf("RESULT|backfill of %d projects: requests|%d (%d list pages + %d for the projects, their mirror settings and root directories)|≤ the fewest list pages (%d) + 3 per project|%s",
			len(ps), len(reqs), len(reqs)-single, single, pages, yesNo(len(reqs) <= pages+3*len(ps)))

		perPoll := 1
		for _, p := range ps {
			perPoll += glListingsPerPoll(p)
		}
		run = poll(t, store, newGitLabTestSource(t, cfg, store, clock), nil)
		reqs, empty := f.takeRequests()
		glRequestsOK(t, reqs)
		withData := 0
		for i, r := range reqs {
			if r.Status != http.StatusNotModified && !empty[i] {
				if withData++; withData <= 5 {
					t.Errorf("unchanged poll: %s?%s answered %d with data", r.Path, r.Query, r.Status)
				}
			}
		}
		if len(reqs) != perPoll || run.Result != storage.RunSuccess {
			t.Errorf("unchanged poll: %s, %d requests, want %d", run.Result, len(reqs), perPoll)
		}
		t.Logf("RESULT|unchanged poll of %d projects: answers with data|%d (%d requests: %d answered 304, %d first asks of a since or updated_after listing, empty)|0|%s",
			len(ps), withData, len(reqs), count(reqs, "*", http.StatusNotModified), len(empty), yesNo(withData == 0 && len(reqs) == perPoll))

		poll(t, store, newGitLabTestSource(t, cfg, store, clock), nil)
		reqs, _ = f.takeRequests()
		notCond := 0
		for _, r := range reqs {
			if !r.Conditional || r.Status != http.StatusNotModified {
				notCond++
			}
		}
		if len(reqs) != perPoll || notCond != 0 {
			t.Errorf("next unchanged poll: %d requests, %d not conditional or not 304; want %d, none", len(reqs), notCond, perPoll)
		}
		t.Logf("RESULT|next unchanged poll of %d projects: requests not answered 304|%d (%d requests, all conditional)|0|%s",
			len(ps), notCond, len(reqs), yesNo(notCond == 0 && len(reqs) == perPoll))
	})
}
