package collector

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The fake GitLab answers like the REST API v4 of a GitLab instance:
// projects and groups by id or URL-encoded path (groups nest), offset
// pagination with Link headers (rel next, prev, first, last), keyset pagination
// (pagination=keyset, ordered by id, a Link to the next page only) on a
// group's project listing, weak ETags and 304 for If-None-Match,
// RateLimit-* headers, a renamed project answered under its old path (or
// with 301 to /projects/ID), push mirrors readable only by maintainers,
// and error bodies {"message": …}.

type glFakeMR struct {
	iid                      int
	author                   string
	created, updated, merged time.Time
	closed                   time.Time
	title, description       string
}

type glFakeIssue struct {
	iid                      int
	author                   string
	created, updated, closed time.Time
}

// glFakeEvent is an approval (action "approved") or a comment (a note on
// an issue or merge request).
type glFakeEvent struct {
	id           int64
	action       string // "approved", "commented on"
	targetIID    int    // the merge request approved
	author       string
	at           time.Time
	noteID       int64
	noteType     string // "DiffNote", "DiscussionNote", ""
	noteableType string // "Issue", "MergeRequest"
	noteableIID  int
	system       bool
}

type glFakeRelease struct {
	tag, name string
	released  time.Time
}

type glFakeProject struct {
	id             int64
	group, path    string // group: the namespace's full path
	archived, fork bool
	stars, forks   int
	openIssues     int
	defaultBranch  string       // "" for an empty repository
	commits        []fakeCommit // newest first, as GitLab lists them
	mrs            []glFakeMR
	issues         []glFakeIssue
	issuesOff      bool          // issues turned off: 403
	events         []glFakeEvent // oldest first
	releases       []glFakeRelease
	importURL      string   // a pull mirror of this address
	pushMirrors    []string // push mirrors' addresses, credentials masked
	mirrorsDenied  bool     // the token may not read the mirror settings
	license        string   // licensee's key ("mpl-2.0"), shown with license=true
	files          []string // the root directory; names ending in / are directories
}

func (p *glFakeProject) full() string { return p.group + "/" + p.path }

type fakeGitLab struct {
	fakeForge // its mu guards the fields below too

	groups   map[string]bool // lower full paths
	projects map[int64]*glFakeProject
	routes   map[string]int64 // lower full path → id, old paths of renamed projects too
	moved301 bool             // old paths answer 301 to /projects/ID, not the project
	empty    map[int]bool     // indexes into requests of 200 answers holding an empty list
}

func newFakeGitLab(t testing.TB, clock *fakeClock) *fakeGitLab {
	f := &fakeGitLab{groups: map[string]bool{}, projects: map[int64]*glFakeProject{},
		routes: map[string]int64{}, empty: map[int]bool{}}
	f.start(t, clock, f, 2000, time.Minute, 100)
	return f
}

// URL is the API base, as configured in forges.api_url.
func (f *fakeGitLab) URL() string { return f.srv.URL + "/api/v4/" }

// addProject adds a project, and its group and parent groups.
func (f *fakeGitLab) addProject(p *glFakeProject) *glFakeProject {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	p.id = f.nextID
	if p.defaultBranch == "" && len(p.commits) > 0 {
		p.defaultBranch = "main"
	}
	parts := strings.Split(p.group, "/")
	for i := range parts {
		f.groups[strings.ToLower(strings.Join(parts[:i+1], "/"))] = true
	}
	f.projects[p.id] = p
	f.routes[strings.ToLower(p.full())] = p.id
	return p
}

// move renames a project or moves it to another group; its old path still
// leads to it, as GitLab's redirect routes do.
func (f *fakeGitLab) move(p *glFakeProject, group, path string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p.group, p.path = group, path
	f.groups[strings.ToLower(group)] = true
	f.routes[strings.ToLower(p.full())] = p.id
}

// takeRequests returns the requests served since the last call, and which
// of them were answered 200 with an empty list.
func (f *fakeGitLab) takeRequests() ([]fakeRequest, map[int]bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out, empty := f.requests, f.empty
	f.requests, f.empty = nil, map[int]bool{}
	return out, empty
}

func (f *fakeGitLab) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	path := r.URL.EscapedPath()
	req := requestOf(r, path)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	now := f.clock.now()
	f.refill(now)
	answer := func(status int, body []byte) {
		req.Status = status
		f.record(req)
		if status == http.StatusOK && string(body) == "[]" {
			f.empty[len(f.requests)-1] = true
		}
		h.Set("RateLimit-Limit", strconv.Itoa(f.limit))
		h.Set("RateLimit-Remaining", strconv.Itoa(f.remaining))
		h.Set("RateLimit-Reset", strconv.FormatInt(f.reset.Unix(), 10))
		w.WriteHeader(status)
		w.Write(body)
	}
	if ft := f.takeFault(path); ft != nil {
		if ft.retryAfter != "" {
			h.Set("Retry-After", ft.retryAfter)
		}
		answer(ft.status, []byte(`{"message":"`+http.StatusText(ft.status)+`"}`))
		return
	}
	if f.remaining <= 0 {
		h.Set("Retry-After", strconv.Itoa(int(f.reset.Sub(now).Seconds())+1))
		answer(http.StatusTooManyRequests, []byte(`{"message":"Retry later"}`))
		return
	}
	f.remaining--
	status, body, link, location := f.route(r)
	if status == http.StatusOK {
		etag := weakETag(body)
		h.Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			answer(http.StatusNotModified, nil)
			return
		}
	}
	if link != "" {
		h.Set("Link", link)
	}
	if location != "" {
		h.Set("Location", location)
	}
	answer(status, body)
}

func glNotFound(what string) (int, []byte, string, string) {
	return http.StatusNotFound, mustJSON(map[string]string{"message": "404 " + what + " Not Found"}), "", ""
}

func glStamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// route answers a request under /api/v4/: status, body, Link, Location.
func (f *fakeGitLab) route(r *http.Request) (int, []byte, string, string) {
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), "/api/v4/")
	if !ok || r.Method != http.MethodGet {
		return glNotFound("Route")
	}
	parts := strings.Split(rest, "/")
	for i, p := range parts {
		parts[i], _ = url.PathUnescape(p)
	}
	q := r.URL.Query()
	switch {
	case len(parts) == 3 && parts[0] == "groups" && parts[2] == "projects":
		group := strings.ToLower(parts[1])
		if !f.groups[group] {
			return glNotFound("Group")
		}
		var list []*glFakeProject
		for _, p := range f.projects {
			g := strings.ToLower(p.group)
			if (g == group || (q.Get("include_subgroups") == "true" && strings.HasPrefix(g, group+"/"))) &&
				!(q.Get("archived") == "false" && p.archived) {
				list = append(list, p)
			}
		}
		sort.Slice(list, func(i, j int) bool { return list[i].id < list[j].id })
		items := make([]any, len(list))
		for i, p := range list {
			items[i] = f.projectJSON(p)
		}
		if q.Get("pagination") == "keyset" {
			return f.keyset(r, list, items)
		}
		return f.page(r, items)
	case len(parts) >= 2 && parts[0] == "projects":
		var p *glFakeProject
		if id, err := strconv.ParseInt(parts[1], 10, 64); err == nil {
			p = f.projects[id]
		} else if id, ok := f.routes[strings.ToLower(parts[1])]; ok {
			p = f.projects[id]
			if len(parts) == 2 && f.moved301 && !strings.EqualFold(parts[1], p.full()) {
				return http.StatusMovedPermanently, []byte(`{"message":"301 Moved Permanently"}`), "",
					fmt.Sprintf("%s/api/v4/projects/%d", f.srv.URL, p.id)
			}
		}
		if p == nil {
			return glNotFound("Project")
		}
		return f.projectRoute(r, p, parts[2:], q)
	}
	return glNotFound("Route")
}

func (f *fakeGitLab) projectJSON(p *glFakeProject) map[string]any {
	m := map[string]any{"id": p.id, "path": p.path, "path_with_namespace": p.full(), "name": p.path,
		"namespace":   map[string]any{"full_path": p.group, "path": p.group[strings.LastIndex(p.group, "/")+1:]},
		"description": "Project " + p.path, "archived": p.archived, "star_count": p.stars, "forks_count": p.forks,
		"open_issues_count": p.openIssues, "empty_repo": len(p.commits) == 0, "mirror": p.importURL != ""}
	if p.defaultBranch != "" {
		m["default_branch"] = p.defaultBranch
	}
	if p.fork {
		m["forked_from_project"] = map[string]any{"id": 1, "path_with_namespace": "upstream/" + p.path}
	}
	if p.importURL != "" {
		m["import_url"] = p.importURL
	}
	return m
}

func (f *fakeGitLab) projectRoute(r *http.Request, p *glFakeProject, rest []string, q url.Values) (int, []byte, string, string) {
	switch strings.Join(rest, "/") {
	case "":
		m := f.projectJSON(p)
		if q.Get("license") == "true" {
			m["license"] = nil
			if p.license != "" {
				m["license"] = map[string]any{"key": p.license, "name": strings.ToUpper(p.license), "nickname": nil}
			}
		}
		return http.StatusOK, mustJSON(m), "", ""
	case "repository/tree":
		if p.defaultBranch == "" {
			return glNotFound("Tree")
		}
		items := []any{}
		for _, name := range p.files {
			typ := "blob"
			if n, ok := strings.CutSuffix(name, "/"); ok {
				name, typ = n, "tree"
			}
			items = append(items, map[string]any{"id": "0", "name": name, "type": typ, "path": name, "mode": "100644"})
		}
		return f.page(r, items)
	case "repository/commits":
		if q.Get("ref_name") != p.defaultBranch || p.defaultBranch == "" {
			return glNotFound("Branch")
		}
		since := glParam(q.Get("since"))
		var items []any
		for _, c := range p.commits {
			if !since.IsZero() && c.committerDate.Before(since) {
				continue
			}
			items = append(items, map[string]any{"id": c.sha, "short_id": c.sha[:8], "title": "change",
				"author_name": c.authorName, "author_email": c.authorEmail, "authored_date": c.authorDate.Format(time.RFC3339),
				"committer_name": c.committerName, "committer_email": c.committerEmail, "committed_date": c.committerDate.Format(time.RFC3339)})
		}
		return f.page(r, items)
	case "merge_requests":
		after := glParam(q.Get("updated_after"))
		list := append([]glFakeMR(nil), p.mrs...)
		sort.SliceStable(list, func(i, j int) bool { return list[i].updated.After(list[j].updated) })
		var items []any
		for _, m := range list {
			if !after.IsZero() && m.updated.Before(after) {
				continue
			}
			state := "opened"
			switch {
			case !m.merged.IsZero():
				state = "merged"
			case !m.closed.IsZero():
				state = "closed"
			}
			items = append(items, map[string]any{"id": 9000 + m.iid, "iid": m.iid, "state": state,
				"author":     map[string]any{"username": m.author},
				"created_at": glStamp(m.created), "updated_at": glStamp(m.updated),
				"merged_at": glStamp(m.merged), "closed_at": glStamp(m.closed), "title": m.title, "description": m.description})
		}
		return f.page(r, items)
	case "issues":
		if p.issuesOff {
			return http.StatusForbidden, []byte(`{"message":"403 Forbidden"}`), "", ""
		}
		after := glParam(q.Get("updated_after"))
		list := append([]glFakeIssue(nil), p.issues...)
		sort.SliceStable(list, func(i, j int) bool { return list[i].updated.After(list[j].updated) })
		var items []any
		for _, is := range list {
			if !after.IsZero() && is.updated.Before(after) {
				continue
			}
			items = append(items, map[string]any{"id": 7000 + is.iid, "iid": is.iid,
				"author":     map[string]any{"username": is.author},
				"created_at": glStamp(is.created), "updated_at": glStamp(is.updated), "closed_at": glStamp(is.closed)})
		}
		return f.page(r, items)
	case "events":
		var after time.Time
		if a := q.Get("after"); a != "" {
			d, err := time.Parse(time.DateOnly, a)
			if err != nil {
				return http.StatusBadRequest, []byte(`{"error":"after is invalid"}`), "", ""
			}
			after = d.AddDate(0, 0, 1) // exclusive: from the next day
		}
		var items []any
		for _, e := range p.events {
			if !after.IsZero() && e.at.Before(after) {
				continue
			}
			m := map[string]any{"id": e.id, "action_name": e.action, "author": map[string]any{"username": e.author},
				"author_username": e.author, "created_at": glStamp(e.at), "target_type": nil, "target_iid": nil}
			if e.action == "approved" {
				m["target_type"], m["target_iid"] = "MergeRequest", e.targetIID
			}
			if e.noteID != 0 {
				tt := "Note"
				if e.noteType != "" {
					tt = e.noteType
				}
				m["target_type"] = tt
				m["note"] = map[string]any{"id": e.noteID, "type": nilIfEmpty(e.noteType), "system": e.system,
					"noteable_type": e.noteableType, "noteable_iid": e.noteableIID, "created_at": glStamp(e.at)}
			}
			items = append(items, m)
		}
		return f.page(r, items)
	case "releases":
		var items []any
		for _, rl := range p.releases {
			items = append(items, map[string]any{"tag_name": rl.tag, "name": rl.name, "released_at": glStamp(rl.released),
				"created_at": glStamp(rl.released), "upcoming_release": false})
		}
		return f.page(r, items)
	case "remote_mirrors":
		if p.mirrorsDenied {
			return http.StatusForbidden, []byte(`{"message":"403 Forbidden"}`), "", ""
		}
		items := []any{}
		for i, u := range p.pushMirrors {
			items = append(items, map[string]any{"id": i + 1, "url": u, "enabled": true, "update_status": "finished"})
		}
		return http.StatusOK, mustJSON(items), "", ""
	}
	return glNotFound("Route")
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// glParam reads a time parameter as GitLab does (ISO 8601).
func glParam(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// page answers one page of items with GitLab's offset pagination Link
// header.
func (f *fakeGitLab) page(r *http.Request, items []any) (int, []byte, string, string) {
	body, page, last, link := f.offsetPage(r, items, 20)
	links := []string{link(1, "first"), link(last, "last")}
	if page < last {
		links = append([]string{link(page+1, "next")}, links...)
	}
	if page > 1 {
		links = append([]string{link(page-1, "prev")}, links...)
	}
	return http.StatusOK, body, strings.Join(links, ", "), ""
}

// keyset answers one page of a listing ordered by id, continuing after
// id_after, with a Link to the next page only.
func (f *fakeGitLab) keyset(r *http.Request, list []*glFakeProject, items []any) (int, []byte, string, string) {
	q := r.URL.Query()
	per, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || per < 1 {
		per = 20
	}
	per = min(per, 100)
	after, _ := strconv.ParseInt(q.Get("id_after"), 10, 64)
	lo := sort.Search(len(list), func(i int) bool { return list[i].id > after })
	hi := min(lo+per, len(list))
	body := mustJSON(append([]any{}, items[lo:hi]...))
	if hi == len(list) {
		return http.StatusOK, body, "", ""
	}
	u := *r.URL
	v := u.Query()
	v.Set("id_after", strconv.FormatInt(list[hi-1].id, 10))
	u.RawQuery = v.Encode()
	return http.StatusOK, body, fmt.Sprintf(`<%s%s>; rel="next"`, f.srv.URL, u.RequestURI()), ""
}
