package collector

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

const (
	glHost     = "git.magenta.dk"
	glTokenEnv = "OS2PULSE_TEST_GITLAB_TOKEN"
	glToken    = "glpat-test-secret"
)

// glTestConfig builds a configuration with the fake GitLab as glHost, the
// fake GitHub at githubURL ("" for none), extra TOML, and products
// ("id=spec,spec").
func glTestConfig(t testing.TB, gitlabURL, githubURL, extra string, products ...string) *config.Config {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "[storage]\ndriver = \"sqlite\"\ndsn = \"unused.db\"\n")
	if githubURL == "" {
		b.WriteString("[github]\ndisabled = true\n")
	} else {
		fmt.Fprintf(&b, "[github]\napi_url = %q\nconcurrency = 2\n", githubURL)
	}
	fmt.Fprintf(&b, "[[forges]]\nhost = %q\nkind = \"gitlab\"\napi_url = %q\ntoken_env = %q\nconcurrency = 4\n", glHost, gitlabURL, glTokenEnv)
	for _, p := range products {
		id, specs, _ := strings.Cut(p, "=")
		var quoted []string
		for _, s := range strings.Split(specs, ",") {
			quoted = append(quoted, fmt.Sprintf("%q", s))
		}
		fmt.Fprintf(&b, "[[products]]\nid = %q\nname = %q\ngovernance_level = \"1\"\nrepos = [%s]\n", id, id, strings.Join(quoted, ", "))
	}
	b.WriteString(extra)
	cfg, err := config.Parse("test.toml", []byte(b.String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// newGitLabTestSource builds the source for glHost against the fake, on
// its clock.
func newGitLabTestSource(t testing.TB, cfg *config.Config, store *storage.Store, clock *fakeClock) *GitLabSource {
	t.Helper()
	t.Setenv(glTokenEnv, glToken)
	forge, ok := cfg.Forge(glHost)
	if !ok {
		t.Fatal("no forge")
	}
	src, err := NewGitLabSource(cfg, forge, store, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	src.now = clock.now
	src.tr.now = clock.now
	src.tr.sleep = clock.sleep
	src.tr.timeout = 30 * time.Second
	return src
}

// glCommits makes n commits, newest first, one a day from start, by the
// given authors in turn.
func glCommits(prefix string, n int, start time.Time, authors ...string) []fakeCommit {
	out := make([]fakeCommit, n)
	for i := range n {
		at := start.Add(time.Duration(i) * 24 * time.Hour)
		a := authors[i%len(authors)]
		sha := fmt.Sprintf("%x", prefix+fmt.Sprint(i))
		sha = (sha + strings.Repeat("0", 40))[:40]
		out[n-1-i] = fakeCommit{sha: sha, authorDate: at, committerDate: at, authorName: a, authorEmail: a,
			committerName: a, committerEmail: a}
	}
	return out
}

// glActivity fills a project with merge requests (every one approved by
// someone else, one comment on its diff), issues (each answered by a
// comment) and releases, from start on, one a day; plus a merge request by
// a project bot, an issue by the ghost user and a system note, none of
// which is a contribution.
func glActivity(p *glFakeProject, mrs, issues, releases int, start time.Time) {
	var id int64 = p.id * 100000
	next := func() int64 { id++; return id }
	for i := 1; i <= mrs; i++ {
		created := start.Add(time.Duration(i) * 24 * time.Hour)
		m := glFakeMR{iid: i, author: fmt.Sprintf("dev%d", i%7), created: created, updated: created.Add(3*time.Hour + 840*time.Millisecond)}
		if i%2 == 0 {
			m.merged = created.Add(2 * time.Hour)
		}
		p.mrs = append(p.mrs, m)
		p.events = append(p.events,
			glFakeEvent{id: next(), action: "commented on", author: fmt.Sprintf("reviewer%d", i%3), at: created.Add(30 * time.Minute),
				noteID: next(), noteType: "DiffNote", noteableType: "MergeRequest", noteableIID: i},
			glFakeEvent{id: next(), action: "approved", targetIID: i, author: fmt.Sprintf("reviewer%d", i%3), at: created.Add(time.Hour)},
			glFakeEvent{id: next(), action: "commented on", author: m.author, at: created.Add(time.Hour), noteID: next(),
				noteableType: "MergeRequest", noteableIID: i, system: true})
	}
	if mrs > 0 {
		bot := start.Add(time.Duration(mrs+1) * 24 * time.Hour)
		p.mrs = append(p.mrs, glFakeMR{iid: mrs + 1, author: fmt.Sprintf("project_%d_bot_3f9a2c", p.id), created: bot, updated: bot})
	}
	for i := 1; i <= issues; i++ {
		created := start.Add(time.Duration(i)*24*time.Hour + 5*time.Hour)
		is := glFakeIssue{iid: i, author: fmt.Sprintf("user%d", i%5), created: created, updated: created.Add(2*time.Hour + 317*time.Millisecond)}
		if i%3 == 0 {
			is.closed = created.Add(time.Hour)
		}
		p.issues = append(p.issues, is)
		p.events = append(p.events, glFakeEvent{id: next(), action: "commented on", author: "maintainer", at: created.Add(90 * time.Minute),
			noteID: next(), noteableType: "Issue", noteableIID: i})
	}
	if issues > 0 {
		ghost := start.Add(time.Duration(issues+1)*24*time.Hour + 5*time.Hour)
		p.issues = append(p.issues, glFakeIssue{iid: issues + 1, author: "ghost", created: ghost, updated: ghost})
	}
	for i := range releases {
		p.releases = append([]glFakeRelease{{tag: fmt.Sprintf("v1.%d.0", i), name: fmt.Sprintf("1.%d", i),
			released: start.AddDate(0, i+1, 0)}}, p.releases...)
	}
	sortEvents(p)
}

func sortEvents(p *glFakeProject) {
	ev := p.events
	for i := 1; i < len(ev); i++ {
		for j := i; j > 0 && ev[j].at.Before(ev[j-1].at); j-- {
			ev[j], ev[j-1] = ev[j-1], ev[j]
		}
	}
}

// glPages is the requests a listing of n items takes: at least one.
func glPages(n int) int { return max(ceilDiv(n, 100), 1) }

// glBackfillCost is what the first poll of a project must cost: the
// project, its push mirrors, each listing in the fewest pages, and its
// root directory (for hygiene).
func glBackfillCost(p *glFakeProject) int {
	n := 2 + glPages(len(p.issues)) + glPages(len(p.events))
	if p.defaultBranch != "" {
		n += glPages(len(p.commits)) + glPages(len(p.mrs)) + glPages(len(p.releases)) + 1
	}
	return n
}

// glListingsPerPoll is the requests a poll of an unchanged project makes
// on the day of the last: one conditional (or empty) request per listing.
func glListingsPerPoll(p *glFakeProject) int {
	if p.defaultBranch == "" {
		return 4
	}
	return 7
}

var glBase = time.Date(2021, 3, 1, 9, 0, 0, 0, time.UTC)

// glPortfolio is a fake instance: OS2mo in a subgroup with a real history
// and busy merge requests and issues, LoRa beside it, an empty project, an
// archived one, and a project of another group.
func glPortfolio(t testing.TB, clock *fakeClock) (*fakeGitLab, map[string]*glFakeProject) {
	f := newFakeGitLab(t, clock)
	ps := map[string]*glFakeProject{}
	ps["os2mo"] = f.addProject(&glFakeProject{group: "rammearkitektur/os2mo", path: "os2mo", stars: 7, forks: 2, openIssues: 4,
		commits: readHistory(t, "os2display__display-client.tsv"), license: "mpl-2.0",
		files: []string{"README.rst", "CONTRIBUTING.md", "publiccode.yml", "LICENSE", "security/", "docs/"}})
	glActivity(ps["os2mo"], 130, 45, 3, glBase)
	ps["lora"] = f.addProject(&glFakeProject{group: "rammearkitektur", path: "lora",
		commits: glCommits("lora", 150, glBase, "anna@magenta.dk", "bo@magenta.dk", "project_12_bot_99ab@noreply.git.magenta.dk")})
	ps["empty"] = f.addProject(&glFakeProject{group: "rammearkitektur", path: "empty"})
	ps["archived"] = f.addProject(&glFakeProject{group: "rammearkitektur/old", path: "old", archived: true,
		commits: glCommits("old", 10, glBase, "x@magenta.dk")})
	ps["other"] = f.addProject(&glFakeProject{group: "other", path: "x", commits: glCommits("x", 10, glBase, "y@magenta.dk")})
	return f, ps
}

// glRequestsOK checks that every request carried the token and was
// answered 200, 304 or (with want429) 429.
func glRequestsOK(t *testing.T, reqs []fakeRequest) {
	t.Helper()
	for _, r := range reqs {
		if !r.Authorized {
			t.Errorf("%s %s?%s without the token", r.Method, r.Path, r.Query)
		}
		if r.Status != http.StatusOK && r.Status != http.StatusNotModified {
			t.Errorf("%s %s?%s answered %d", r.Method, r.Path, r.Query, r.Status)
		}
	}
}

func glCount(store *storage.Store, t *testing.T, key string) map[string]int {
	t.Helper()
	days, err := store.ContributorDays(context.Background(), 0, civil.MustParse("9999-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, d := range days {
		if d.RepositoryKey == key {
			out["contributions"] += d.Contributions
		}
	}
	items, err := store.Items(context.Background(), time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.RepositoryKey == key {
			out[it.Kind]++
			if it.Kind == storage.KindPullRequest && !strings.HasPrefix(it.Number, "-") {
				t.Errorf("merge request stored as number %s, want its iid negated", it.Number)
			}
		}
	}
	rs, err := store.Responses(context.Background(), time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.RepositoryKey == key {
			out["response:"+r.Kind]++
		}
	}
	return out
}

// TestGitLabBackfillThenConditionalPolls: a backfill reads each listing in
// the fewest pages (nested groups expanded by keyset pagination, archived
// projects and other groups left out, bots not stored); a poll of the
// unchanged instance makes only conditional requests or updated_after and
// since requests with empty answers, and the poll after that only 304s; a
// poll after changes reads only what is new.
func TestGitLabBackfillThenConditionalPolls(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		clock := newFakeClock()
		f, ps := glPortfolio(t, clock)
		cfg := glTestConfig(t, f.URL(), "", "", "os2mo=git.magenta.dk/rammearkitektur/*")
		syncProducts(t, store, cfg)

		run := poll(t, store, newGitLabTestSource(t, cfg, store, clock), nil)
		if run.Result != storage.RunSuccess {
			t.Fatalf("backfill: %+v", run)
		}
		reqs, _ := f.takeRequests()
		glRequestsOK(t, reqs)
		want := 1 // the group's listing, one keyset page
		for _, name := range []string{"os2mo", "lora", "empty"} {
			want += glBackfillCost(ps[name])
		}
		if len(reqs) != want {
			t.Errorf("backfill: %d requests, want %d", len(reqs), want)
		}
		if n := count(reqs, "/api/v4/projects/rammearkitektur%2Fold%2Fold", 0) + count(reqs, "/api/v4/projects/other%2Fx", 0); n != 0 {
			t.Errorf("archived or other group's project polled %d times", n)
		}
		if n := count(reqs, fmt.Sprintf("/api/v4/projects/%d/repository/commits", ps["os2mo"].id), 0); n != 9 {
			t.Errorf("os2mo: %d commit pages, want 9 for 893 commits", n)
		}

		mo := "git.magenta.dk/rammearkitektur/os2mo/os2mo"
		got := glCount(store, t, mo)
		wantCounts := map[string]int{
			// 893 commits, 130 merge requests, 45 issues, 130 approvals;
			// the bot's merge request and the ghost's issue left out.
			"contributions": 893 + 130 + 45 + 130, storage.KindPullRequest: 130, storage.KindIssue: 45,
			"response:" + storage.ResponseReview: 130, "response:" + storage.ResponseReviewComment: 130,
			"response:" + storage.ResponseComment: 45,
		}
		for k, w := range wantCounts {
			if got[k] != w {
				t.Errorf("%s: %s = %d, want %d", mo, k, got[k], w)
			}
		}
		// Every response finds its item: a comment on issue #5 is not taken
		// for one on merge request !5.
		items, err := store.Items(context.Background(), time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		kindOf := map[string]string{}
		for _, it := range items {
			kindOf[it.RepositoryKey+"/"+it.Number] = it.Kind
		}
		rs, err := store.Responses(context.Background(), time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			want := storage.KindIssue
			if r.Kind != storage.ResponseComment || r.Number < 0 {
				want = storage.KindPullRequest
			}
			if k := kindOf[fmt.Sprintf("%s/%d", r.RepositoryKey, r.Number)]; k != want {
				t.Errorf("%s response %s answers %d, an item of kind %q; want %s", r.Kind, r.ExtID, r.Number, k, want)
			}
		}
		if c := glCount(store, t, "git.magenta.dk/rammearkitektur/lora")["contributions"]; c != 100 {
			t.Errorf("lora: %d contributions, want the 100 commits not by the bot", c)
		}
		repos, err := store.Repositories(context.Background(), "os2mo")
		if err != nil {
			t.Fatal(err)
		}
		var states []string
		for _, r := range repos {
			states = append(states, r.Key+" "+r.Status+" "+r.Owner+"|"+r.Name)
		}
		if got, want := strings.Join(states, ", "), "git.magenta.dk/rammearkitektur/empty empty rammearkitektur|empty, "+
			"git.magenta.dk/rammearkitektur/lora ok rammearkitektur|lora, "+
			"git.magenta.dk/rammearkitektur/os2mo/os2mo ok rammearkitektur/os2mo|os2mo"; got != want {
			t.Errorf("repositories:\n%s\nwant\n%s", got, want)
		}
		snaps, err := store.LatestSnapshots(context.Background(), civil.MustParse("9999-12-31"))
		if err != nil {
			t.Fatal(err)
		}
		if s := snaps[mo]; s.Stars != 7 || s.Forks != 2 || s.OpenIssues != 4 {
			t.Errorf("snapshot %+v, want 7 stars, 2 forks, 4 open issues", s)
		}
		rels, err := store.LatestReleases(context.Background(), civil.MustParse("9999-12-31"))
		if err != nil {
			t.Fatal(err)
		}
		if rel := rels[mo]; rel.Tag != "v1.2.0" {
			t.Errorf("latest release %+v, want v1.2.0", rel)
		}
		hy, err := store.LatestHygiene(context.Background(), civil.MustParse("9999-12-31"))
		if err != nil {
			t.Fatal(err)
		}
		if h := hy[mo]; h.License != "MPL-2.0" || !h.Readme || !h.Contributing || !h.PublicCode || h.Security || h.CodeOfConduct {
			t.Errorf("hygiene %+v, want MPL-2.0, README, CONTRIBUTING and publiccode.yml (security/ is a directory)", h)
		}
		if h, ok := hy["git.magenta.dk/rammearkitektur/lora"]; !ok || h.License != "" || h.Readme {
			t.Errorf("lora's hygiene %+v (stored %v), want nothing found", h, ok)
		}

		// Unchanged, by a restarted collector: conditional requests, and
		// the since/updated_after listings' first asking, empty.
		perPoll := 1
		for _, name := range []string{"os2mo", "lora", "empty"} {
			perPoll += glListingsPerPoll(ps[name])
		}
		poll(t, store, newGitLabTestSource(t, cfg, store, clock), nil)
		reqs, empty := f.takeRequests()
		glRequestsOK(t, reqs)
		if len(reqs) != perPoll {
			t.Errorf("unchanged poll: %d requests, want %d", len(reqs), perPoll)
		}
		for i, r := range reqs {
			if r.Status != http.StatusNotModified && !empty[i] {
				t.Errorf("unchanged poll: %s?%s answered %d with data", r.Path, r.Query, r.Status)
			}
		}
		poll(t, store, newGitLabTestSource(t, cfg, store, clock), nil)
		reqs, _ = f.takeRequests()
		if len(reqs) != perPoll || count(reqs, "*", http.StatusNotModified) != perPoll {
			t.Errorf("second unchanged poll: %d requests, %d of them 304; want %d, all 304", len(reqs), count(reqs, "*", http.StatusNotModified), perPoll)
		}

		// Changes: one commit, one merge request updated, one comment.
		p := ps["os2mo"]
		later := clock.now().Add(-time.Hour)
		f.update(func() {
			c := glCommits("new", 1, later, "new@magenta.dk")[0]
			p.commits = append([]fakeCommit{c}, p.commits...)
			p.mrs[0].updated = later
			p.mrs = append(p.mrs, glFakeMR{iid: 500, author: "newcomer", created: later, updated: later})
			p.events = append(p.events, glFakeEvent{id: 99999999, action: "commented on", author: "maintainer", at: later,
				noteID: 99999998, noteableType: "MergeRequest", noteableIID: 500})
		})
		poll(t, store, newGitLabTestSource(t, cfg, store, clock), nil)
		reqs, _ = f.takeRequests()
		glRequestsOK(t, reqs)
		if len(reqs) != perPoll {
			t.Errorf("poll after changes: %d requests, want %d", len(reqs), perPoll)
		}
		after := glCount(store, t, mo)
		if after["contributions"] != got["contributions"]+2 || after[storage.KindPullRequest] != 131 || after["response:"+storage.ResponseComment] != 46 {
			t.Errorf("after changes: %v, want one commit, one merge request and one comment more than %v", after, got)
		}

		// An archived project leaves the group's listing: polled once more
		// to learn why, then left out.
		lora := "/api/v4/projects/rammearkitektur%2Flora"
		f.update(func() { ps["lora"].archived = true })
		poll(t, store, newGitLabTestSource(t, cfg, store, clock), nil)
		reqs, _ = f.takeRequests()
		if n := count(reqs, lora, 0); n != 1 {
			t.Errorf("archived project asked for %d times, want once", n)
		}
		poll(t, store, newGitLabTestSource(t, cfg, store, clock), nil)
		reqs, _ = f.takeRequests()
		if n := count(reqs, lora, 0); n != 0 {
			t.Errorf("archived project asked for %d times after it was found archived, want none", n)
		}
		repos, err = store.Repositories(context.Background(), "os2mo")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range repos {
			if r.Key == "git.magenta.dk/rammearkitektur/lora" && !r.Archived {
				t.Errorf("lora not recorded as archived: %+v", r)
			}
		}
	})
}
