package collector

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The fake GitHub answers like the real REST API as recorded in
// GitHub's recorded answers (octokit/fixtures): Link pagination with rel="next"/"last",
// weak ETags and 304 for If-None-Match (not charged against the rate
// limit), X-RateLimit-* headers, 301 to /repositories/{id} for renamed
// repositories, 409 for empty ones, and error bodies with a message.

const historiesDir = "../config/example/git-histories"

// fakeClock is the time of the fake and of the transport under test;
// sleeping advances it instantly.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	slept []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Now().UTC().Truncate(time.Second)}
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	if d > 0 {
		c.t = c.t.Add(d)
	}
	return nil
}

func (c *fakeClock) sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

type fakeCommit struct {
	sha, parents                  string
	authorDate, committerDate     time.Time
	authorName, authorEmail       string
	committerName, committerEmail string
}

// readHistory reads one of the shared histories with plain code,
// independent of the parser under test.
func readHistory(t testing.TB, file string) []fakeCommit {
	t.Helper()
	f, err := os.Open(filepath.Join(historiesDir, file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []fakeCommit
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		p := strings.Split(sc.Text(), "\t")
		ad, err1 := time.Parse(time.RFC3339, p[2])
		cd, err2 := time.Parse(time.RFC3339, p[3])
		if len(p) != 8 || err1 != nil || err2 != nil {
			t.Fatalf("%s: bad line %q", file, sc.Text())
		}
		out = append(out, fakeCommit{p[0], p[1], ad, cd, p[4], p[5], p[6], p[7]})
	}
	return out
}

// linkedLogin is the login GitHub links to a commit in the fake: the
// account behind a users.noreply.github.com address ("ID+login@…"), none
// for other addresses.
func linkedLogin(email string) string {
	local, domain, ok := strings.Cut(strings.ToLower(email), "@")
	if !ok || domain != "users.noreply.github.com" {
		return ""
	}
	if _, after, ok := strings.Cut(local, "+"); ok {
		return after
	}
	return local
}

type fakePull struct {
	number                   int
	login                    string
	created, updated, merged time.Time
	closed                   time.Time
	title, body              string
}

type fakeIssue struct {
	number                   int
	login                    string
	created, updated, closed time.Time
}

type fakeReview struct {
	id        int64
	login     string
	submitted time.Time
}

type fakeComment struct {
	id               int64
	number           int
	login            string
	created, updated time.Time
}

type fakeRelease struct {
	id        int64
	tag       string
	published time.Time
}

type fakeRepo struct {
	id               int64
	owner, name      string
	fork, archived   bool
	stars, watchers  int
	forks, openIssue int
	commits          []fakeCommit // newest first, as GitHub lists them
	pulls            []fakePull
	issues           []fakeIssue
	reviews          map[int][]fakeReview
	releases         []fakeRelease
	comments         []fakeComment     // on issues and pull requests
	reviewComments   []fakeComment     // on pull requests' diffs
	license          string            // SPDX id in the community profile
	files            map[string][]byte // path → content, for the contents API
	empty            bool              // 409 on commits
	status           int               // answer the repository and its listings with this status
	forkList         []*fakeFork       // its forks (fakegithub_forks_test.go), the newest first
}

type fakeOwner struct {
	login string
	user  bool // a user, not an organisation: /orgs/{login} is 404
	repos []*fakeRepo
}

type fakeGitHub struct {
	fakeForge // its mu guards the fields below too

	owners  map[string]*fakeOwner
	repos   map[string]*fakeRepo // lower "owner/name"
	byID    map[int64]*fakeRepo
	renamed map[string]string // lower old "owner/name" → lower new
}

func newFakeGitHub(t testing.TB, clock *fakeClock) *fakeGitHub {
	f := &fakeGitHub{
		owners: map[string]*fakeOwner{}, repos: map[string]*fakeRepo{}, byID: map[int64]*fakeRepo{},
		renamed: map[string]string{},
	}
	f.start(t, clock, f, 5000, time.Hour, 1000)
	return f
}

// URL is the API base URL, as configured in github.api_url.
func (f *fakeGitHub) URL() string { return f.srv.URL + "/" }

func (f *fakeGitHub) addOwner(login string, user bool) *fakeOwner {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := &fakeOwner{login: login, user: user}
	f.owners[strings.ToLower(login)] = o
	return o
}

func (f *fakeGitHub) addRepo(owner string, r *fakeRepo) *fakeRepo {
	f.mu.Lock()
	defer f.mu.Unlock()
	o := f.owners[strings.ToLower(owner)]
	if o == nil {
		f.t.Fatalf("fake: no owner %s", owner)
	}
	f.nextID++
	r.id = f.nextID
	r.owner = o.login
	if r.reviews == nil {
		r.reviews = map[int][]fakeReview{}
	}
	o.repos = append(o.repos, r)
	f.repos[strings.ToLower(r.owner+"/"+r.name)] = r
	f.byID[r.id] = r
	return r
}

// rename renames a repository; its old name answers 301.
func (f *fakeGitHub) rename(owner, old, name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := strings.ToLower(owner + "/" + old)
	r := f.repos[k]
	delete(f.repos, k)
	r.name = name
	nk := strings.ToLower(owner + "/" + name)
	f.repos[nk] = r
	f.renamed[k] = nk
}

// takeRequests returns the requests served since the last call.
func (f *fakeGitHub) takeRequests() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.requests
	f.requests = nil
	return out
}

func (f *fakeGitHub) setBudget(limit, remaining int, reset time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.limit, f.remaining, f.reset = limit, remaining, reset
}

func (f *fakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	ft := f.takeFault(r.URL.Path)
	if ft != nil && ft.reset {
		f.record(fakeRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: 0,
			Conditional: r.Header.Get("If-None-Match") != ""})
		f.mu.Unlock()
		resetConnection(w)
		return
	}
	if ft != nil && ft.hang {
		f.record(fakeRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: 0,
			Conditional: r.Header.Get("If-None-Match") != ""})
		f.mu.Unlock()
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		return
	}
	defer f.mu.Unlock()

	f.refill(f.clock.now())
	req := requestOf(r, r.URL.Path)
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	setRate := func() {
		h.Set("X-RateLimit-Limit", strconv.Itoa(f.limit))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(f.remaining))
		h.Set("X-RateLimit-Used", strconv.Itoa(f.limit-f.remaining))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(f.reset.Unix(), 10))
		h.Set("X-RateLimit-Resource", "core")
	}
	answer := func(status int, body []byte) {
		req.Status = status
		f.record(req)
		setRate()
		w.WriteHeader(status)
		w.Write(body)
	}

	if f.remaining <= 0 {
		answer(http.StatusForbidden, mustJSON(map[string]string{
			"message":           "API rate limit exceeded for 192.0.2.1. (But here's the good news: Authenticated requests get a higher rate limit.)",
			"documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting",
		}))
		return
	}
	if ft != nil {
		f.remaining--
		if ft.retryAfter != "" {
			h.Set("Retry-After", ft.retryAfter)
		}
		body := ft.body
		if body == "" {
			body = `{"message":"` + http.StatusText(ft.status) + `"}`
		}
		answer(ft.status, []byte(body))
		return
	}

	status, body, link, location := f.route(r)
	if status == http.StatusOK {
		etag := weakETag(body)
		h.Set("ETag", etag)
		h.Set("Cache-Control", "private, max-age=60, s-maxage=60")
		h.Set("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP")
		if inm := r.Header.Get("If-None-Match"); inm != "" && inm == etag {
			// Not charged: the budget stays as it is.
			req.Status = http.StatusNotModified
			f.record(req)
			setRate()
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	f.remaining--
	if link != "" {
		h.Set("Link", link)
	}
	if location != "" {
		h.Set("Location", location)
	}
	answer(status, body)
}

// blobSHA is git's SHA of a file, as GitHub's contents API gives it: a
// changed file changes its directory's listing.
func blobSHA(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

func notFound() (int, []byte, string, string) {
	return http.StatusNotFound, mustJSON(map[string]string{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}), "", ""
}

func stamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

// route answers a request: status, body, Link and Location headers.
func (f *fakeGitHub) route(r *http.Request) (int, []byte, string, string) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	q := r.URL.Query()
	switch {
	case len(parts) == 3 && (parts[0] == "orgs" || parts[0] == "users") && parts[2] == "repos":
		o := f.owners[strings.ToLower(parts[1])]
		if o == nil || (parts[0] == "orgs" && o.user) {
			return notFound()
		}
		items := make([]any, 0, len(o.repos))
		for _, rp := range o.repos {
			items = append(items, f.repoJSON(rp))
		}
		return f.page(r, items)
	case len(parts) >= 2 && parts[0] == "repositories":
		id, _ := strconv.ParseInt(parts[1], 10, 64)
		rp := f.byID[id]
		if rp == nil {
			return notFound()
		}
		return f.repoRoute(r, rp, parts[2:], q)
	case len(parts) >= 3 && parts[0] == "repos":
		k := strings.ToLower(parts[1] + "/" + parts[2])
		if nk, ok := f.renamed[k]; ok {
			rp := f.repos[nk]
			loc := f.srv.URL + "/repositories/" + strconv.FormatInt(rp.id, 10)
			if rest := strings.Join(parts[3:], "/"); rest != "" {
				loc += "/" + rest
			}
			if r.URL.RawQuery != "" {
				loc += "?" + r.URL.RawQuery
			}
			return http.StatusMovedPermanently, mustJSON(map[string]string{"message": "Moved Permanently", "url": loc}), "", loc
		}
		rp := f.repos[k]
		if rp == nil {
			return notFound()
		}
		return f.repoRoute(r, rp, parts[3:], q)
	}
	return notFound()
}

func (f *fakeGitHub) repoRoute(r *http.Request, rp *fakeRepo, rest []string, q url.Values) (int, []byte, string, string) {
	switch rp.status {
	case 0:
	case http.StatusUnavailableForLegalReasons:
		return rp.status, mustJSON(map[string]any{"message": "Repository access blocked",
			"block": map[string]string{"reason": "dmca", "created_at": "2024-01-01T00:00:00Z"}}), "", ""
	default:
		return rp.status, mustJSON(map[string]string{"message": http.StatusText(rp.status)}), "", ""
	}
	switch {
	case len(rest) == 0:
		return http.StatusOK, mustJSON(f.repoJSON(rp)), "", ""
	case len(rest) == 1 && rest[0] == "commits":
		if rp.empty {
			return http.StatusConflict, mustJSON(map[string]string{"message": "Git Repository is empty.",
				"documentation_url": "https://docs.github.com/rest/commits/commits#list-commits"}), "", ""
		}
		var since time.Time
		if s := q.Get("since"); s != "" {
			since, _ = time.Parse(time.RFC3339, s)
		}
		var items []any
		for _, c := range rp.commits {
			if !since.IsZero() && c.committerDate.Before(since) {
				continue
			}
			items = append(items, commitJSON(c))
		}
		return f.page(r, items)
	case len(rest) == 1 && rest[0] == "pulls":
		pulls := append([]fakePull(nil), rp.pulls...)
		sort.Slice(pulls, func(i, j int) bool { return pulls[i].updated.After(pulls[j].updated) })
		var items []any
		for _, p := range pulls {
			items = append(items, pullJSON(p))
		}
		return f.page(r, items)
	case len(rest) == 3 && rest[0] == "pulls" && rest[2] == "reviews":
		n, _ := strconv.Atoi(rest[1])
		found := false
		for _, p := range rp.pulls {
			found = found || p.number == n
		}
		if !found {
			return notFound()
		}
		var items []any
		for _, rv := range rp.reviews[n] {
			items = append(items, map[string]any{"id": rv.id, "user": map[string]any{"login": rv.login, "type": "User"},
				"state": "APPROVED", "submitted_at": stamp(rv.submitted)})
		}
		return f.page(r, items)
	case len(rest) == 1 && rest[0] == "issues":
		// GitHub's issue listing holds pull requests too.
		type item struct {
			updated time.Time
			v       any
		}
		var all []item
		for _, is := range rp.issues {
			all = append(all, item{is.updated, map[string]any{"number": is.number, "user": map[string]any{"login": is.login},
				"state":      map[bool]string{true: "closed", false: "open"}[!is.closed.IsZero()],
				"created_at": stamp(is.created), "updated_at": stamp(is.updated), "closed_at": stamp(is.closed)}})
		}
		for _, p := range rp.pulls {
			v := map[string]any{"number": p.number, "user": map[string]any{"login": p.login},
				"created_at": stamp(p.created), "updated_at": stamp(p.updated), "closed_at": stamp(p.closed),
				"pull_request": map[string]any{"url": f.srv.URL + "/repos/" + rp.owner + "/" + rp.name + "/pulls/" + strconv.Itoa(p.number)}}
			all = append(all, item{p.updated, v})
		}
		sort.SliceStable(all, func(i, j int) bool { return all[i].updated.After(all[j].updated) })
		var since time.Time
		if s := q.Get("since"); s != "" {
			since, _ = time.Parse(time.RFC3339, s)
		}
		var items []any
		for _, it := range all {
			if !since.IsZero() && it.updated.Before(since) {
				continue
			}
			items = append(items, it.v)
		}
		return f.page(r, items)
	case len(rest) == 2 && (rest[0] == "issues" || rest[0] == "pulls") && rest[1] == "comments":
		list, field := rp.comments, "issue_url"
		if rest[0] == "pulls" {
			list, field = rp.reviewComments, "pull_request_url"
		}
		list = append([]fakeComment(nil), list...)
		sort.SliceStable(list, func(i, j int) bool { return list[i].updated.After(list[j].updated) })
		var since time.Time
		if s := q.Get("since"); s != "" {
			since, _ = time.Parse(time.RFC3339, s)
		}
		var items []any
		for _, c := range list {
			if !since.IsZero() && c.updated.Before(since) {
				continue
			}
			items = append(items, map[string]any{"id": c.id, "user": map[string]any{"login": c.login},
				"created_at": stamp(c.created), "updated_at": stamp(c.updated), "body": "comment",
				field: f.srv.URL + "/repos/" + rp.owner + "/" + rp.name + "/" + rest[0] + "/" + strconv.Itoa(c.number)})
		}
		return f.page(r, items)
	case len(rest) == 2 && rest[0] == "community" && rest[1] == "profile":
		file := func(name string) any {
			if _, ok := rp.files[name]; ok {
				return map[string]any{"url": "https://api.github.com/x", "html_url": "https://github.com/x"}
			}
			return nil
		}
		var lic any
		if rp.license != "" {
			lic = map[string]any{"key": strings.ToLower(rp.license), "name": rp.license, "spdx_id": rp.license}
		}
		return http.StatusOK, mustJSON(map[string]any{"health_percentage": 50, "files": map[string]any{
			"readme": file("README.md"), "contributing": file("CONTRIBUTING.md"), "code_of_conduct_file": file("CODE_OF_CONDUCT.md"),
			"license": lic}}), "", ""
	case len(rest) >= 1 && rest[0] == "contents":
		p := strings.Join(rest[1:], "/")
		if b, ok := rp.files[p]; ok {
			return http.StatusOK, mustJSON(map[string]any{"type": "file", "encoding": "base64", "size": len(b), "sha": blobSHA(b),
				"name": path.Base(p), "path": p, "content": base64.StdEncoding.EncodeToString(b)}), "", ""
		}
		var names []string
		for fp := range rp.files {
			if dir := path.Dir(fp); dir == p || (p == "" && dir == ".") {
				names = append(names, fp)
			}
		}
		if len(names) == 0 {
			return notFound()
		}
		sort.Strings(names)
		var items []any
		for _, fp := range names {
			items = append(items, map[string]any{"type": "file", "name": path.Base(fp), "path": fp, "size": len(rp.files[fp]),
				"sha": blobSHA(rp.files[fp])})
		}
		return http.StatusOK, mustJSON(items), "", ""
	case len(rest) >= 1 && (rest[0] == "forks" || rest[0] == "compare"):
		return f.forkRoute(r, rp, rest)
	case len(rest) == 1 && rest[0] == "releases":
		rels := append([]fakeRelease(nil), rp.releases...)
		sort.Slice(rels, func(i, j int) bool { return rels[i].published.After(rels[j].published) })
		var items []any
		for _, rl := range rels {
			items = append(items, map[string]any{"id": rl.id, "tag_name": rl.tag, "name": rl.tag, "draft": false,
				"published_at": stamp(rl.published)})
		}
		return f.page(r, items)
	}
	return notFound()
}

func (f *fakeGitHub) repoJSON(rp *fakeRepo) map[string]any {
	return map[string]any{
		"id": rp.id, "name": rp.name, "full_name": rp.owner + "/" + rp.name,
		"owner":   map[string]any{"login": rp.owner, "type": "Organization"},
		"private": false, "fork": rp.fork, "archived": rp.archived, "default_branch": "main",
		"description":      "Repository " + rp.name,
		"html_url":         "https://github.com/" + rp.owner + "/" + rp.name,
		"stargazers_count": rp.stars, "watchers_count": rp.stars, "subscribers_count": rp.watchers,
		"forks_count": rp.forks, "open_issues_count": rp.openIssue,
	}
}

func commitJSON(c fakeCommit) map[string]any {
	var author any
	if login := linkedLogin(c.authorEmail); login != "" {
		author = map[string]any{"login": login, "type": "User"}
	}
	var parents []any
	for _, p := range strings.Fields(c.parents) {
		parents = append(parents, map[string]any{"sha": p})
	}
	return map[string]any{
		"sha": c.sha,
		"commit": map[string]any{
			"author":    map[string]any{"name": c.authorName, "email": c.authorEmail, "date": stamp(c.authorDate)},
			"committer": map[string]any{"name": c.committerName, "email": c.committerEmail, "date": stamp(c.committerDate)},
			"message":   "commit " + c.sha[:7],
		},
		"author": author, "committer": nil, "parents": parents,
	}
}

func pullJSON(p fakePull) map[string]any {
	state := "open"
	if !p.closed.IsZero() {
		state = "closed"
	}
	return map[string]any{"number": p.number, "state": state, "user": map[string]any{"login": p.login},
		"created_at": stamp(p.created), "updated_at": stamp(p.updated),
		"closed_at": stamp(p.closed), "merged_at": stamp(p.merged), "title": p.title, "body": p.body}
}

// page answers one page of items with GitHub's Link header.
func (f *fakeGitHub) page(r *http.Request, items []any) (int, []byte, string, string) {
	body, page, last, link := f.offsetPage(r, items, 30)
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(page-1, "prev"), link(1, "first"))
	}
	return http.StatusOK, body, strings.Join(links, ", "), ""
}
