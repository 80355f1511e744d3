package collector

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestManyNewCommitsAndIssuesUseSince: when more than a page is new, the
// rest is read from the cursor with "since".
func TestManyNewCommitsAndIssuesUseSince(t *testing.T) {
	ctx := context.Background()
	store := storagetest.New(t, "sqlite")
	clock := newFakeClock()
	f := newFakeGitHub(t, clock)
	f.addOwner("OS2Forms", false)
	full := readHistory(t, "OS2Forms__os2forms.tsv")
	r := f.addRepo("OS2Forms", &fakeRepo{name: "os2forms", commits: full[150:]})
	var issues []fakeIssue
	for i := 0; i < 260; i++ {
		at := base2020.Add(time.Duration(i) * time.Hour)
		issues = append(issues, fakeIssue{number: i + 1, login: "user", created: at, updated: at})
	}
	r.issues = issues[:100]
	cfg := testConfig(t, f.URL(), 2, "os2forms=OS2Forms/os2forms")
	syncProducts(t, store, cfg)
	src := newTestSource(t, cfg, store, clock, nil, nil)

	poll(t, store, src, nil)
	f.takeRequests()
	cursor := full[150].committerDate.UTC()
	f.update(func() {
		r.commits = full
		r.issues = issues
	})
	run := poll(t, store, src, nil)
	reqs := f.takeRequests()
	if run.Result != storage.RunSuccess {
		t.Fatalf("run %s %v", run.Result, run.Errors)
	}

	newSince := 0
	for _, c := range full {
		if !c.committerDate.Before(cursor) {
			newSince++
		}
	}
	var commitQueries, issueQueries []string
	for _, q := range reqs {
		switch q.Path {
		case "/repos/OS2Forms/os2forms/commits":
			commitQueries = append(commitQueries, q.Query)
		case "/repos/OS2Forms/os2forms/issues":
			issueQueries = append(issueQueries, q.Query)
		}
	}
	since := url.QueryEscape(cursor.Format(time.RFC3339))
	wantCommits := []string{"per_page=100"}
	for p := 1; p <= ceilDiv(newSince, 100); p++ {
		q := "per_page=100&since=" + since
		if p > 1 {
			q = fmt.Sprintf("page=%d&", p) + q
		}
		wantCommits = append(wantCommits, q)
	}
	if strings.Join(commitQueries, " | ") != strings.Join(wantCommits, " | ") {
		t.Errorf("commit requests:\n got %v\nwant %v", commitQueries, wantCommits)
	}
	if n, _ := store.CountContributions(ctx, "github.com/os2forms/os2forms", storage.KindCommit); n != len(full) {
		t.Errorf("%d commits stored, want %d", n, len(full))
	}

	// Issues: the first page, then the "since" listing from its page 2;
	// 161 issues updated at or after the cursor make two pages.
	issueSince := url.QueryEscape(issues[99].updated.Format(time.RFC3339))
	wantIssues := []string{
		"direction=desc&per_page=100&sort=updated&state=all",
		"direction=desc&page=2&per_page=100&since=" + issueSince + "&sort=updated&state=all",
	}
	if strings.Join(issueQueries, " | ") != strings.Join(wantIssues, " | ") {
		t.Errorf("issue requests:\n got %v\nwant %v", issueQueries, wantIssues)
	}
	if n, _ := store.CountContributions(ctx, "github.com/os2forms/os2forms", storage.KindIssue); n != 260 {
		t.Errorf("%d issues stored, want 260", n)
	}
}

// TestRenamedRepositoryIsFollowed: GitHub answers 301 for a renamed
// repository; the old key is kept as moved, the data goes to the new key.
func TestRenamedRepositoryIsFollowed(t *testing.T) {
	ctx := context.Background()
	store := storagetest.New(t, "sqlite")
	clock := newFakeClock()
	f := newFakeGitHub(t, clock)
	f.addOwner("OS2mo", false)
	f.addRepo("OS2mo", &fakeRepo{name: "os2mo-old", commits: readHistory(t, "os2display__display-client.tsv")[:30]})
	f.rename("OS2mo", "os2mo-old", "os2mo")
	cfg := testConfig(t, f.URL(), 2, "os2mo=OS2mo/os2mo-old")
	syncProducts(t, store, cfg)

	run := poll(t, store, newTestSource(t, cfg, store, clock, nil, nil), nil)
	reqs := f.takeRequests()
	if run.Result != storage.RunSuccess {
		t.Fatalf("run %s %v", run.Result, run.Errors)
	}
	if count(reqs, "/repos/OS2mo/os2mo-old", 301) != 1 || count(reqs, "/repositories/*", 200) != 1 {
		t.Errorf("requests %+v: want one 301 followed to /repositories/{id}", reqs)
	}
	if count(reqs, "/repos/OS2mo/os2mo/commits", 200) != 1 {
		t.Errorf("commits not listed under the new name: %+v", reqs)
	}
	rs, err := store.Repositories(ctx, "os2mo")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]storage.Repository{}
	for _, r := range rs {
		got[r.Key] = r
	}
	if old := got["github.com/os2mo/os2mo-old"]; old.Status != storage.RepoMoved || old.MovedTo != "github.com/os2mo/os2mo" {
		t.Errorf("old key = %+v, want moved to github.com/os2mo/os2mo", old)
	}
	if nw := got["github.com/os2mo/os2mo"]; nw.Status != storage.RepoOK || nw.Name != "os2mo" {
		t.Errorf("new key = %+v, want ok", nw)
	}
	if n, _ := store.CountContributions(ctx, "github.com/os2mo/os2mo", storage.KindCommit); n != 30 {
		t.Errorf("%d commits under the new key, want 30", n)
	}

	// Next poll goes to the new name directly: no 301, lists answer 304.
	poll(t, store, newTestSource(t, cfg, store, clock, nil, nil), nil)
	reqs = f.takeRequests()
	if count(reqs, "*", 301) != 0 || count(reqs, "/repos/OS2mo/os2mo", 0) != 1 {
		t.Errorf("second poll %+v: want the new name, no redirect", reqs)
	}
	for _, p := range []string{"commits", "pulls", "issues", "releases"} {
		if count(reqs, "/repos/OS2mo/os2mo/"+p, 304) != 1 {
			t.Errorf("second poll: %s not answered 304: %+v", p, reqs)
		}
	}
}

// TestRepositoryProblemsAreRecorded: empty (409), missing (404), blocked
// (451), malformed JSON (every attempt) and an unknown explicit repository are recorded
// per repository; the run goes on and ends partial.
func TestRepositoryProblemsAreRecorded(t *testing.T) {
	ctx := context.Background()
	store := storagetest.New(t, "sqlite")
	clock := newFakeClock()
	f := newFakeGitHub(t, clock)
	f.addOwner("OS2iot", false)
	hist := readHistory(t, "os2display__display-client.tsv")
	f.addRepo("OS2iot", &fakeRepo{name: "empty", empty: true})
	f.addRepo("OS2iot", &fakeRepo{name: "gone", status: 404})
	f.addRepo("OS2iot", &fakeRepo{name: "blocked", status: 451})
	f.addRepo("OS2iot", &fakeRepo{name: "broken", commits: hist[:3]})
	f.addRepo("OS2iot", &fakeRepo{name: "fine", commits: hist[:7]})
	// Cut short every time it is asked (a broken answer is tried 4 times).
	f.inject(fault{path: "/repos/OS2iot/broken/commits", status: 200, body: `[{"sha": "6b47bc2e0305da9cc9715b6ca55e0007efa9cdf5", "commit": {`, times: 4})
	cfg := testConfig(t, f.URL(), 3, "os2iot=OS2iot/*,OS2iot/missing")
	syncProducts(t, store, cfg)

	run := poll(t, store, newTestSource(t, cfg, store, clock, nil, nil), nil)
	if run.Result != storage.RunPartial {
		t.Errorf("run = %s, want partial", run.Result)
	}
	errs := map[string]string{}
	for _, e := range run.Errors {
		errs[e.Item] = e.Error
	}
	wantErrs := map[string]string{
		"github.com/os2iot/gone":    "404",
		"github.com/os2iot/blocked": "451 Repository access blocked",
		"github.com/os2iot/broken":  "malformed JSON",
		"github.com/os2iot/missing": "404 Not Found",
	}
	if len(errs) != len(wantErrs) {
		t.Errorf("item errors = %v, want %d", errs, len(wantErrs))
	}
	for item, want := range wantErrs {
		if !strings.Contains(errs[item], want) {
			t.Errorf("error of %s = %q, want it to mention %q", item, errs[item], want)
		}
	}
	rs, err := store.Repositories(ctx, "os2iot")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rs {
		got = append(got, r.Name+"="+r.Status)
	}
	sort.Strings(got)
	want := "blocked=unavailable broken=error empty=empty fine=ok gone=not_found missing=not_found"
	if strings.Join(got, " ") != want {
		t.Errorf("statuses = %v, want %s", got, want)
	}
	if n, _ := store.CountContributions(ctx, "github.com/os2iot/fine", storage.KindCommit); n != 7 {
		t.Errorf("fine: %d commits, want 7", n)
	}
	if n, _ := store.CountContributions(ctx, "github.com/os2iot/broken", storage.KindCommit); n != 0 {
		t.Errorf("broken: %d commits stored from a malformed answer", n)
	}
	// The malformed answer's ETag was not kept: the next poll asks again
	// unconditionally and now gets the data.
	f.takeRequests()
	poll(t, store, newTestSource(t, cfg, store, clock, nil, nil), nil)
	reqs := f.takeRequests()
	for _, r := range reqs {
		if r.Path == "/repos/OS2iot/broken/commits" && (r.Conditional || r.Status != 200) {
			t.Errorf("second poll of broken commits: %+v, want unconditional 200", r)
		}
	}
	if n, _ := store.CountContributions(ctx, "github.com/os2iot/broken", storage.KindCommit); n != 3 {
		t.Errorf("broken after a good answer: %d commits, want 3", n)
	}
}

// TestUserOwnerIsRemembered: owner/* of a user (not an organisation)
// falls back to the user listing once, then goes there directly.
func TestUserOwnerIsRemembered(t *testing.T) {
	store := storagetest.New(t, "sqlite")
	clock := newFakeClock()
	f := newFakeGitHub(t, clock)
	f.addOwner("jdoe", true)
	f.addRepo("jdoe", &fakeRepo{name: "tool", commits: readHistory(t, "os2display__display-client.tsv")[:2]})
	cfg := testConfig(t, f.URL(), 1, "tool=jdoe/*")
	syncProducts(t, store, cfg)
	poll(t, store, newTestSource(t, cfg, store, clock, nil, nil), nil)
	reqs := f.takeRequests()
	if count(reqs, "/orgs/jdoe/repos", 404) != 1 || count(reqs, "/users/jdoe/repos", 200) != 1 {
		t.Errorf("first poll: %+v", reqs)
	}
	poll(t, store, newTestSource(t, cfg, store, clock, nil, nil), nil)
	reqs = f.takeRequests()
	if count(reqs, "/orgs/jdoe/repos", 0) != 0 || count(reqs, "/users/jdoe/repos", 304) != 1 || count(reqs, "*", 304) != len(reqs) {
		t.Errorf("second poll: %+v; want only 304s, straight to the user listing", reqs)
	}
}

// TestRenamedRepositoryListedUnderItsNewName: a stored repository missing
// from its owner's listing is polled once, found moved (301), and the new
// name, listed too, is collected once.
func TestRenamedRepositoryListedUnderItsNewName(t *testing.T) {
	ctx := context.Background()
	store := storagetest.New(t, "sqlite")
	clock := newFakeClock()
	f := newFakeGitHub(t, clock)
	f.addOwner("OS2mo", false)
	f.addRepo("OS2mo", &fakeRepo{name: "os2mo-old", commits: readHistory(t, "os2display__display-client.tsv")[:30]})
	cfg := testConfig(t, f.URL(), 2, "os2mo=OS2mo/*")
	syncProducts(t, store, cfg)
	poll(t, store, newTestSource(t, cfg, store, clock, nil, nil), nil)
	f.takeRequests()

	f.rename("OS2mo", "os2mo-old", "os2mo")
	run := poll(t, store, newTestSource(t, cfg, store, clock, nil, nil), nil)
	reqs := f.takeRequests()
	if run.Result != storage.RunSuccess {
		t.Fatalf("run %s %v", run.Result, run.Errors)
	}
	if count(reqs, "/repos/OS2mo/os2mo-old", 301) != 1 || count(reqs, "/repos/OS2mo/os2mo/commits", 0) != 1 || count(reqs, "/repos/OS2mo/os2mo-old/commits", 0) != 0 {
		t.Errorf("requests %+v: want one 301 for the old name and one commit listing under the new", reqs)
	}
	rs, _ := store.Repositories(ctx, "os2mo")
	var got []string
	for _, r := range rs {
		got = append(got, r.Key+"="+r.Status+">"+r.MovedTo)
	}
	if want := "github.com/os2mo/os2mo=ok> github.com/os2mo/os2mo-old=moved>github.com/os2mo/os2mo"; strings.Join(got, " ") != want {
		t.Errorf("repositories = %v, want %s", got, want)
	}
}

// TestGitHubUnreachable: when no request gets any answer the run fails,
// after bounded retries, instead of reporting a partial success.
func TestGitHubUnreachable(t *testing.T) {
	store := storagetest.New(t, "sqlite")
	clock := newFakeClock()
	f := newFakeGitHub(t, clock)
	url := f.URL()
	f.srv.Close()
	cfg := testConfig(t, url, 2, "a=OS2iot/*,OS2mo/os2mo")
	syncProducts(t, store, cfg)
	src := newTestSource(t, cfg, store, clock, nil, nil)
	runs, err := New(store, nil, []Source{src}, nil, slog.New(slog.DiscardHandler), nil).RunOnce(context.Background(), "github")
	if err == nil || len(runs) != 1 || runs[0].Result != storage.RunFailure || !strings.Contains(runs[0].Message, "GitHub unreachable") {
		t.Fatalf("runs %+v, err %v; want a failed run", runs, err)
	}
	// The first listing's 4 attempts (3 backoffs) fail: the run stops
	// there instead of retrying every repository.
	if runs[0].Requests != 4 || len(clock.sleeps()) != 3 || len(runs[0].Errors) != 1 || runs[0].Errors[0].Item != "github.com/OS2iot/*" {
		t.Errorf("requests %d, sleeps %v, errors %v; want 4, 3 backoffs, the listing's error", runs[0].Requests, clock.sleeps(), runs[0].Errors)
	}

	// Without owner/* specs every repository is tried, and all failing
	// fails the run too.
	cfg = testConfig(t, url, 2, "a=OS2mo/os2mo,OS2mo/naldo")
	clock.slept = nil
	src = newTestSource(t, cfg, store, clock, nil, nil)
	runs, err = New(store, nil, []Source{src}, nil, slog.New(slog.DiscardHandler), nil).RunOnce(context.Background(), "github")
	if err == nil || runs[0].Result != storage.RunFailure || runs[0].Requests != 8 || len(runs[0].Errors) != 2 {
		t.Errorf("explicit repositories: runs %+v, err %v; want a failed run after 8 requests", runs, err)
	}
}
