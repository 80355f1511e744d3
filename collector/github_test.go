package collector

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// testConfig builds a configuration for the fake at apiURL with the given
// products ("id=spec,spec").
func testConfig(t testing.TB, apiURL string, concurrency int, products ...string) *config.Config {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "[storage]\ndriver = \"sqlite\"\ndsn = \"unused.db\"\n")
	fmt.Fprintf(&b, "[github]\napi_url = %q\ntoken_env = \"OS2PULSE_TEST_GITHUB_TOKEN\"\nconcurrency = %d\n", apiURL, concurrency)
	for _, p := range products {
		id, specs, _ := strings.Cut(p, "=")
		var quoted []string
		for _, s := range strings.Split(specs, ",") {
			quoted = append(quoted, fmt.Sprintf("%q", s))
		}
		fmt.Fprintf(&b, "[[products]]\nid = %q\nname = %q\ngovernance_level = \"1\"\nrepos = [%s]\n", id, id, strings.Join(quoted, ", "))
	}
	cfg, err := config.Parse("test.toml", []byte(b.String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// syncBuffer is a log or progress sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newTestSource builds the GitHub source against the fake, on its clock.
func newTestSource(t testing.TB, cfg *config.Config, store *storage.Store, clock *fakeClock, metrics *GitHubMetrics, log io.Writer) *GitHubSource {
	t.Helper()
	if log == nil {
		log = io.Discard
	}
	src, err := NewGitHubSource(cfg, store, metrics, slog.New(slog.NewTextHandler(log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	src.now = clock.now
	src.tr.now = clock.now
	src.tr.sleep = clock.sleep
	// Generous: on a loaded machine under the race detector a page can
	// take seconds, and a time-out would cost a retried request.
	src.tr.timeout = 30 * time.Second
	return src
}

// poll runs one collection of src as the collector does and returns the
// recorded run.
func poll(t testing.TB, store *storage.Store, src Source, progress io.Writer) storage.Run {
	t.Helper()
	c := New(store, nil, []Source{src}, nil, slog.New(slog.DiscardHandler), progress)
	runs, err := c.RunOnce(context.Background(), src.Name())
	if err != nil {
		t.Fatalf("run: %v (%+v)", err, runs)
	}
	return runs[0]
}

func ceilDiv(n, d int) int { return (n + d - 1) / d }

var histories = []struct {
	owner, name, file, product string
}{
	{"OS2Forms", "os2forms", "OS2Forms__os2forms.tsv", "os2forms"},
	{"OS2borgerPC", "os2borgerpc-admin-site", "OS2borgerPC__os2borgerpc-admin-site.tsv", "os2borgerpc"},
	{"os2display", "display-client", "os2display__display-client.tsv", "os2display"},
	{"OS2compliance", "OS2compliance", "OS2compliance__OS2compliance.tsv", "os2compliance"},
}

var base2020 = time.Date(2020, 1, 1, 8, 0, 0, 0, time.UTC)

// portfolioFake serves the four real histories, each in its organisation,
// plus in OS2Forms an archived repository and a fork, and 105 pull
// requests (one review each), 40 issues and 3 releases on os2forms.
func portfolioFake(t testing.TB, clock *fakeClock) (*fakeGitHub, map[string]*fakeRepo) {
	f := newFakeGitHub(t, clock)
	repos := map[string]*fakeRepo{}
	for _, h := range histories {
		f.addOwner(h.owner, false)
		repos[h.name] = f.addRepo(h.owner, &fakeRepo{name: h.name, stars: 10, watchers: 3, forks: 2, openIssue: 1,
			commits: readHistory(t, h.file)})
	}
	legacy := readHistory(t, "OS2Forms__os2forms.tsv")
	for i := range legacy[:5] {
		legacy[i].sha = strings.Repeat("a", 39) + string(rune('0'+i))
	}
	repos["legacy"] = f.addRepo("OS2Forms", &fakeRepo{name: "os2forms_legacy", archived: true, commits: legacy[:5]})
	repos["fork"] = f.addRepo("OS2Forms", &fakeRepo{name: "drupal-fork", fork: true, commits: readHistory(t, "os2display__display-client.tsv")})

	r := repos["os2forms"]
	for i := 1; i <= 105; i++ {
		created := base2020.Add(time.Duration(i) * 24 * time.Hour)
		p := fakePull{number: i, login: fmt.Sprintf("dev%d", i%7), created: created, updated: created.Add(30 * time.Minute)}
		if i%2 == 0 {
			p.merged, p.closed = created.Add(20*time.Minute), created.Add(20*time.Minute)
		}
		r.pulls = append(r.pulls, p)
		r.reviews[i] = []fakeReview{{id: int64(50000 + i), login: fmt.Sprintf("reviewer%d", i%3), submitted: created.Add(10 * time.Minute)}}
	}
	for i := 0; i < 40; i++ {
		created := base2020.Add(time.Duration(i)*24*time.Hour + 2*time.Hour)
		r.issues = append(r.issues, fakeIssue{number: 200 + i, login: fmt.Sprintf("user%d", i%5), created: created, updated: created.Add(time.Hour)})
	}
	for i := 0; i < 3; i++ {
		r.releases = append(r.releases, fakeRelease{id: int64(700 + i), tag: fmt.Sprintf("5.%d.0", i), published: base2020.AddDate(0, i, 0)})
	}
	return f, repos
}

func portfolioConfig(t testing.TB, f *fakeGitHub) *config.Config {
	var products []string
	for _, h := range histories {
		products = append(products, h.product+"="+h.owner+"/*")
	}
	return testConfig(t, f.URL(), 4, products...)
}

// TestBackfillThenConditionalPolls is the core: a backfill costs exactly
// ceil(N/100) commit-list requests per repository, a second poll of an
// unchanged portfolio (by a restarted collector) makes only conditional
// requests, all answered 304, and a poll after changes reads only what is
// new.
func TestBackfillThenConditionalPolls(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		clock := newFakeClock()
		f, repos := portfolioFake(t, clock)
		cfg := portfolioConfig(t, f)
		syncProducts(t, store, cfg)

		run := poll(t, store, newTestSource(t, cfg, store, clock, nil, nil), nil)
		reqs := f.takeRequests()
		if run.Result != storage.RunSuccess || len(run.Errors) != 0 {
			t.Fatalf("backfill run = %s, errors %v", run.Result, run.Errors)
		}
		total := 0
		for _, h := range histories {
			n := len(repos[h.name].commits)
			path := "/repos/" + h.owner + "/" + h.name + "/commits"
			if got, want := count(reqs, path, 200), ceilDiv(n, 100); got != want {
				t.Errorf("%s: %d commit-list requests for %d commits, want ceil(%d/100) = %d", h.name, got, n, n, want)
			}
			key := storage.RepoKey("github.com", h.owner, h.name)
			if got, err := store.CountContributions(ctx, key, storage.KindCommit); err != nil || got != n {
				t.Errorf("%s: %d commits stored (%v), want %d", h.name, got, err, n)
			}
			total += ceilDiv(n, 100)
		}
		if total != 69 {
			t.Errorf("commit-list requests of the four histories = %d, want 10+32+9+18 = 69", total)
		}
		wantFirst := map[string]int{
			"/orgs/*":                               4,
			"/repos/*/commits":                      70,  // 69 + the archived repository's one page
			"/repos/OS2Forms/os2forms/pulls":        2,   // 105 pull requests
			"/repos/OS2Forms/os2forms/pulls/*":      106, // 105 review lists + the review comments
			"/repos/*/issues/comments":              5,
			"/repos/*/pulls/comments":               5,
			"/repos/*/community/profile":            5,
			"/repos/*/contents/":                    5, // the root, for SECURITY and publiccode.yml
			"/repos/*/forks":                        5, // for the governance evidence (F12)
			"/repos/OS2Forms/os2forms/issues":       2, // 40 issues + 105 pull requests
			"/repos/OS2Forms/drupal-fork/commits":   0, // a fork found through owner/*: metadata only
			"/repos/OS2Forms/os2forms_legacy/pulls": 1,
		}
		for path, want := range wantFirst {
			if got := countGlob(reqs, path); got != want {
				t.Errorf("backfill: %d requests to %s, want %d", got, path, want)
			}
		}
		// 4 listings + 6 repositories + 70 commit pages + 6 pull pages +
		// 105 review lists + 6 issue pages + 5 release lists, and for
		// the health signals 5 × (2 comment listings + community profile
		// + root directory, 404 in these empty fakes), and for the
		// governance evidence 5 listings of forks (none).
		if len(reqs) != 227 || count(reqs, "*", 200) != 222 || count(reqs, "*", 404) != 5 {
			t.Errorf("backfill made %d requests (%d answered 200), want 227, 222 200 and 5 404", len(reqs), count(reqs, "*", 200))
		}
		if run.Requests != 227 || run.RateLimitRemaining != 5000-227 {
			t.Errorf("run recorded %d requests, remaining %d; want 227, %d", run.Requests, run.RateLimitRemaining, 5000-227)
		}
		checkStored(t, store, repos)
		checkActiveContributors(t, store, repos)

		// A restarted collector: a new source, the same storage.
		run = poll(t, store, newTestSource(t, cfg, store, clock, nil, nil), nil)
		reqs = f.takeRequests()
		for _, r := range reqs {
			if !r.Conditional || r.Status != 304 {
				t.Errorf("second poll: %s %s?%s conditional=%v answered %d; want conditional, 304", r.Method, r.Path, r.Query, r.Conditional, r.Status)
			}
		}
		// 4 listings + 6 repositories + 6 lists × 5 non-fork
		// repositories; hygiene and forks were checked today.
		if len(reqs) != 40 {
			t.Errorf("second poll made %d requests, want 40", len(reqs))
		}
		if run.Result != storage.RunSuccess || run.RateLimitRemaining != 5000-227 {
			t.Errorf("second poll: %s, rate limit remaining %d; want success and no budget spent (%d)", run.Result, run.RateLimitRemaining, 5000-227)
		}

		// Three new commits, a new pull request with a review, an issue
		// closed.
		r := repos["os2forms"]
		latest := r.commits[0].committerDate
		var fresh []fakeCommit
		for i := 3; i >= 1; i-- {
			at := latest.Add(time.Duration(i) * time.Hour)
			fresh = append(fresh, fakeCommit{sha: fmt.Sprintf("%040x", 0xf00+i), parents: r.commits[0].sha, authorDate: at, committerDate: at,
				authorName: "New Person", authorEmail: "new.person@aarhus.dk", committerName: "New Person", committerEmail: "new.person@aarhus.dk"})
		}
		lastPR := r.pulls[len(r.pulls)-1]
		f.update(func() {
			r.commits = append(fresh, r.commits...)
			p := fakePull{number: 106, login: "newdev", created: latest, updated: latest.Add(5 * time.Hour)}
			r.pulls = append(r.pulls, p)
			r.reviews[106] = []fakeReview{{id: 60106, login: "reviewer1", submitted: latest.Add(4 * time.Hour)}}
			r.issues[0].closed = latest.Add(6 * time.Hour)
			r.issues[0].updated = latest.Add(6 * time.Hour)
			r.comments = append(r.comments, fakeComment{id: 9001, number: 106, login: "reviewer2", created: latest.Add(time.Hour), updated: latest.Add(time.Hour)})
			r.reviewComments = append(r.reviewComments, fakeComment{id: 9002, number: 106, login: "reviewer1", created: latest.Add(2 * time.Hour), updated: latest.Add(2 * time.Hour)})
		})
		run = poll(t, store, newTestSource(t, cfg, store, clock, nil, nil), nil)
		reqs = f.takeRequests()
		want200 := map[string]int{
			"/repos/OS2Forms/os2forms/commits":           1, // the new commits fit the first page
			"/repos/OS2Forms/os2forms/pulls":             1,
			"/repos/OS2Forms/os2forms/pulls/106/reviews": 1,
			"/repos/OS2Forms/os2forms/issues":            1,
			"/repos/OS2Forms/os2forms/issues/comments":   1, // one listing per repository, not one per item
			"/repos/OS2Forms/os2forms/pulls/comments":    1,
		}
		n200 := 0
		for path, want := range want200 {
			if got := count(reqs, path, 200); got != want {
				t.Errorf("third poll: %d answers 200 for %s, want %d", got, path, want)
			}
			n200 += want
		}
		// The pull request updated last before (#105) is read again at
		// the cursor's boundary; its reviews answer 304.
		if got := count(reqs, fmt.Sprintf("/repos/OS2Forms/os2forms/pulls/%d/reviews", lastPR.number), 304); got != 1 {
			t.Errorf("third poll: %d conditional review requests for #%d, want 1", got, lastPR.number)
		}
		if count(reqs, "*", 200) != n200 || count(reqs, "*", 304) != 36 || len(reqs) != 42 {
			t.Errorf("third poll: %d requests, %d answered 200, %d 304; want 42, %d, 36", len(reqs), count(reqs, "*", 200), count(reqs, "*", 304), n200)
		}
		resps, err := store.Responses(ctx, time.Time{}, latest.Add(24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		byKind := map[string]int{}
		for _, rs := range resps {
			byKind[rs.Kind]++
			if rs.Kind != storage.ResponseReview && (rs.Number != 106 || rs.Login == "") {
				t.Errorf("response %+v, want one on #106 with its author", rs)
			}
		}
		if byKind[storage.ResponseComment] != 1 || byKind[storage.ResponseReviewComment] != 1 || byKind[storage.ResponseReview] != 106 {
			t.Errorf("responses stored %v, want 1 comment, 1 review comment, 106 reviews", byKind)
		}
		key := storage.RepoKey("github.com", "OS2Forms", "os2forms")
		for kind, want := range map[string]int{storage.KindCommit: 924 + 3, storage.KindPullRequest: 106, storage.KindReview: 106, storage.KindIssue: 40} {
			if got, _ := store.CountContributions(ctx, key, kind); got != want {
				t.Errorf("after the third poll: %d %s stored, want %d", got, kind, want)
			}
		}
		if run.Result != storage.RunSuccess {
			t.Errorf("third poll: %s %v", run.Result, run.Errors)
		}
	})
}

// countGlob counts requests whose path matches a pattern with "*" for one
// or more path segments' worth of text.
func countGlob(reqs []fakeRequest, pattern string) int {
	n := 0
	for _, r := range reqs {
		if globMatch(pattern, r.Path) {
			n++
		}
	}
	return n
}

func globMatch(pattern, s string) bool {
	before, after, ok := strings.Cut(pattern, "*")
	if !ok {
		return pattern == s
	}
	if !strings.HasPrefix(s, before) {
		return false
	}
	rest := s[len(before):]
	if after == "" {
		return rest != ""
	}
	for i := 1; i <= len(rest); i++ {
		if globMatch(after, rest[i:]) {
			return true
		}
	}
	return false
}

func syncProducts(t testing.TB, store *storage.Store, cfg *config.Config) {
	t.Helper()
	if err := store.SyncProducts(context.Background(), storage.ConfiguredProducts(cfg)); err != nil {
		t.Fatal(err)
	}
}

// checkStored checks metadata, links, flags and snapshots.
func checkStored(t *testing.T, store *storage.Store, repos map[string]*fakeRepo) {
	t.Helper()
	ctx := context.Background()
	got, err := store.Repositories(ctx, "os2forms")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	flags := map[string]string{}
	for _, r := range got {
		keys = append(keys, r.Key)
		flags[r.Key] = fmt.Sprintf("archived=%v fork=%v status=%s", r.Archived, r.Fork, r.Status)
	}
	wantKeys := "github.com/os2forms/drupal-fork github.com/os2forms/os2forms github.com/os2forms/os2forms_legacy"
	if strings.Join(keys, " ") != wantKeys {
		t.Errorf("os2forms repositories = %v, want %s", keys, wantKeys)
	}
	for key, want := range map[string]string{
		"github.com/os2forms/drupal-fork":     "archived=false fork=true status=ok",
		"github.com/os2forms/os2forms_legacy": "archived=true fork=false status=ok",
	} {
		if flags[key] != want {
			t.Errorf("%s: %s, want %s", key, flags[key], want)
		}
	}
	snaps, err := store.LatestSnapshots(ctx, civil.MustParse("9999-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	if s := snaps["github.com/os2forms/os2forms"]; s.Stars != 10 || s.Watchers != 3 || s.Forks != 2 || s.OpenIssues != 1 {
		t.Errorf("snapshot = %+v, want 10 stars, 3 watchers, 2 forks, 1 open issue", s)
	}
	rels, err := store.LatestReleases(ctx, civil.MustParse("9999-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	if rel := rels["github.com/os2forms/os2forms"]; rel.Tag != "5.2.0" {
		t.Errorf("latest release = %+v, want 5.2.0", rel)
	}
}

// checkActiveContributors compares the distinct identities the rollup
// holds per repository and 90-day window with a count made directly from
// the history files and the fake's pull requests, reviews and issues.
func checkActiveContributors(t *testing.T, store *storage.Store, repos map[string]*fakeRepo) {
	t.Helper()
	days, err := store.ContributorDays(context.Background(), 0, civil.MustParse("9999-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	type ev struct {
		day time.Time
		who string
	}
	independent := map[string][]ev{}
	for _, h := range histories {
		key := storage.RepoKey("github.com", h.owner, h.name)
		for _, c := range readHistory(t, h.file) {
			who := linkedLogin(c.authorEmail)
			if who == "" {
				who = strings.ToLower(c.authorEmail)
			}
			independent[key] = append(independent[key], ev{c.authorDate.UTC(), who})
		}
	}
	key := "github.com/os2forms/os2forms"
	r := repos["os2forms"]
	for _, p := range r.pulls {
		independent[key] = append(independent[key], ev{p.created, p.login})
		for _, rv := range r.reviews[p.number] {
			independent[key] = append(independent[key], ev{rv.submitted, rv.login})
		}
	}
	for _, is := range r.issues {
		independent[key] = append(independent[key], ev{is.created, is.login})
	}

	checked := 0
	for d := time.Date(2013, 3, 31, 0, 0, 0, 0, time.UTC); d.Year() < 2027; d = d.AddDate(0, 1, 0) {
		d := time.Date(d.Year(), d.Month()+1, 0, 0, 0, 0, 0, time.UTC) // month end
		from := d.AddDate(0, 0, -89)
		for repo, evs := range independent {
			want := map[string]bool{}
			for _, e := range evs {
				day := time.Date(e.day.Year(), e.day.Month(), e.day.Day(), 0, 0, 0, 0, time.UTC)
				if !day.Before(from) && !day.After(d) {
					want[e.who] = true
				}
			}
			got := map[string]bool{}
			for _, cd := range days {
				if cd.RepositoryKey == repo && cd.Day >= civil.Of(from) && cd.Day <= civil.Of(d) {
					got[cd.Identity] = true
				}
			}
			if len(got) != len(want) {
				t.Errorf("%s on %s: %d active identities stored, %d counted from the history", repo, d.Format(time.DateOnly), len(got), len(want))
			}
			checked++
		}
	}
	if checked < 4*150 {
		t.Errorf("only %d comparisons", checked)
	}
}
