package collector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/storage"
)

// glProject is what is read of a GitLab project.
type glProject struct {
	ID                int64  `json:"id"`
	Path              string `json:"path"`
	PathWithNamespace string `json:"path_with_namespace"`
	Namespace         struct {
		FullPath string `json:"full_path"`
	} `json:"namespace"`
	Description       string    `json:"description"`
	DefaultBranch     string    `json:"default_branch"`
	Archived          bool      `json:"archived"`
	EmptyRepo         bool      `json:"empty_repo"`
	ForkedFromProject *struct{} `json:"forked_from_project"`
	StarCount         int       `json:"star_count"`
	ForksCount        int       `json:"forks_count"`
	OpenIssuesCount   int       `json:"open_issues_count"`
	// Mirror is a pull mirror: the project copies ImportURL.
	Mirror    bool   `json:"mirror"`
	ImportURL string `json:"import_url"`
	License   *struct {
		Key string `json:"key"`
	} `json:"license"` // asked for with license=true
}

type glUser struct {
	Username string `json:"username"`
}

// owner is the project's namespace path, from the project or its full path.
func (p glProject) owner() string {
	if p.Namespace.FullPath != "" {
		return p.Namespace.FullPath
	}
	owner, _, _ := cutLast(p.PathWithNamespace, "/")
	return owner
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// collectProject polls one project.
func (g *GitLabSource) collectProject(ctx context.Context, tg glTarget, known map[string]storage.Repository, snaps map[string]storage.Snapshot, targets map[string]bool) error {
	key := g.key(tg.owner, tg.name)
	prev, havePrev := known[key]
	_, haveSnap := snaps[key]
	began := g.now()
	today := civil.UTCDay(began)
	checked := storage.Stamp(began)
	covered := civil.Today(began)

	idState, err := g.store.SyncState(ctx, key+"/id")
	if err != nil {
		return err
	}
	id := idState.Cursor
	sink := newValidators()
	var p glProject
	// Without stored metadata, snapshot and id a 304 would leave nothing
	// to carry forward, so ask unconditionally.
	_, err = g.c.get(withRequestOpts(ctx, requestOpts{sink: sink, unconditional: !havePrev || !haveSnap || id == ""}),
		g.c.url("projects/"+projectPath(tg.path()), url.Values{"license": {"true"}}), &p)
	var meta storage.Repository
	var license *string // nil: not read (304), so unchanged
	switch {
	case glStatus(err, http.StatusNotModified):
		meta = prev
		meta.Status, meta.LastError, meta.MovedTo, meta.CheckedAt = storage.RepoOK, "", "", checked
		if err := g.store.UpsertRepository(ctx, meta, tg.products); err != nil {
			return err
		}
		if sn := snaps[key]; sn.Day != today {
			sn.Day = today
			if err := g.store.PutSnapshot(ctx, sn); err != nil {
				return err
			}
		}
	case err != nil:
		if ctx.Err() != nil {
			return ctx.Err()
		}
		g.markProject(ctx, tg, prev, havePrev, glStatusOf(err), err.Error(), checked)
		return fmt.Errorf("collector: reading project %s/%s: %w", g.forge.Host, tg.path(), err)
	default:
		id = strconv.FormatInt(p.ID, 10)
		lic := ""
		if p.License != nil {
			lic = glLicense(p.License.Key)
		}
		license = &lic
		meta = storage.Repository{Key: g.key(p.owner(), p.Path), Forge: g.forge.Host, Owner: p.owner(), Name: p.Path,
			Description: p.Description, DefaultBranch: p.DefaultBranch, Archived: p.Archived,
			Fork: p.ForkedFromProject != nil, Status: storage.RepoOK, CheckedAt: checked}
		if meta.Key != key {
			// Renamed or moved to another group: GitLab answered for the
			// old path (through its redirect, or a 301 the client
			// followed). The old key points at the new one, so its
			// history stays part of the product.
			old := prev
			if !havePrev {
				old = storage.Repository{Forge: g.forge.Host, Owner: tg.owner, Name: tg.name}
			}
			old.Key, old.Status, old.MovedTo, old.LastError, old.CheckedAt = key, storage.RepoMoved, meta.Key, "", checked
			if err := g.store.UpsertRepository(ctx, old, tg.products); err != nil {
				return err
			}
			g.log.Info("gitlab: project moved", "host", g.forge.Host, "from", tg.path(), "to", p.PathWithNamespace, "explicit", tg.explicit)
			if rec := recorderFrom(ctx); rec != nil && tg.explicit {
				rec.Progress().Note("%s/%s moved to %s; update the configuration", g.forge.Host, tg.path(), p.PathWithNamespace)
			}
			if targets[meta.Key] {
				// Listed under its new path too: polled as that target.
				return nil
			}
			// Its listings' cursors go with it: what was read under the
			// old path is not read again under the new one.
			if err := g.carryState(ctx, key, meta.Key); err != nil {
				return err
			}
			key = meta.Key
			tg.owner, tg.name = meta.Owner, meta.Name
			tg.products = appendNew(tg.products, g.cfg.ProductsOf(config.RepoSpec{Forge: g.forge.Host, Owner: tg.owner, Name: tg.name})...)
		}
		if err := g.store.UpsertRepository(ctx, meta, tg.products); err != nil {
			return err
		}
		// GitLab has no watchers; nothing reads the column.
		if err := g.store.PutSnapshot(ctx, storage.Snapshot{RepositoryKey: key, Day: today,
			Stars: p.StarCount, Forks: p.ForksCount, OpenIssues: p.OpenIssuesCount}); err != nil {
			return err
		}
		if err := g.store.PutSyncState(ctx, storage.SyncState{Resource: key + "/id", Cursor: id}); err != nil {
			return err
		}
		if p.Mirror && p.ImportURL != "" {
			if err := g.notePullMirror(ctx, key, p.ImportURL); err != nil {
				return err
			}
		}
	}
	if err := sink.commit(ctx, g.store); err != nil {
		return err
	}

	if meta.Fork && !tg.explicit {
		return g.store.RepositoryCollected(ctx, key, storage.RepoOK, covered)
	}
	if err := g.remoteMirrors(ctx, key, id, today); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		g.log.Warn("gitlab: reading mirror settings", "project", key, "error", err)
	}
	of, err := mirrorOf(ctx, g.cfg, g.store, config.RepoSpec{Forge: g.forge.Host, Owner: tg.owner, Name: tg.name})
	if err != nil {
		return err
	}
	if of != "" {
		// A copy: its commits, merge requests and issues are counted
		// where the product is developed.
		return g.store.RepositoryCollected(ctx, key, storage.RepoOK, covered)
	}

	status := storage.RepoOK
	proj := "projects/" + id
	if meta.DefaultBranch == "" {
		// No branch: no commits yet.
		status = storage.RepoEmpty
	} else {
		err = g.commits(ctx, proj, key, meta.DefaultBranch)
	}
	if err == nil && status != storage.RepoEmpty {
		err = g.mergeRequests(ctx, proj, key)
	}
	if err == nil {
		err = g.issues(ctx, proj, key)
	}
	if err == nil {
		err = g.events(ctx, proj, key)
	}
	if err == nil && status != storage.RepoEmpty {
		err = g.releases(ctx, proj, key)
	}
	if err == nil && status != storage.RepoEmpty {
		err = g.hygiene(ctx, proj, key, today, license)
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if serr := g.store.SetRepositoryStatus(ctx, key, glStatusOf(err), err.Error(), ""); serr != nil {
			return serr
		}
		return err
	}
	return g.store.RepositoryCollected(ctx, key, status, covered)
}

// carryState copies the listings' cursors of a moved project to its new
// key (unless the new key has its own).
func (g *GitLabSource) carryState(ctx context.Context, from, to string) error {
	for _, l := range glListings {
		st, err := g.store.SyncState(ctx, from+l)
		if err != nil {
			return err
		}
		if st.Cursor == "" && st.Progress == "" {
			continue
		}
		cur, err := g.store.SyncState(ctx, to+l)
		if err != nil {
			return err
		}
		if cur.Cursor != "" || cur.Progress != "" {
			continue
		}
		// Validators are kept by address, which holds the project's id:
		// they stay valid as they are.
		if err := g.store.PutSyncState(ctx, storage.SyncState{Resource: to + l, Cursor: st.Cursor, Progress: st.Progress}); err != nil {
			return err
		}
	}
	return nil
}

// glListings are the listings kept per project, by the suffix of their
// sync state.
var glListings = []string{"/commits", "/merge-requests", "/issues", "/events", "/releases"}

// markProject records a failed poll, creating the row of a project never
// seen so the failure is visible.
func (g *GitLabSource) markProject(ctx context.Context, tg glTarget, prev storage.Repository, havePrev bool, status, msg, checked string) {
	r := prev
	if !havePrev {
		r = storage.Repository{Forge: g.forge.Host, Owner: tg.owner, Name: tg.name}
	}
	r.Key, r.Status, r.LastError, r.MovedTo, r.CheckedAt = g.key(tg.owner, tg.name), status, msg, "", checked
	if err := g.store.UpsertRepository(ctx, r, tg.products); err != nil {
		g.log.Error("gitlab: unable to record project status", "project", r.Key, "error", err)
	}
}

// glStatusOf maps an error to a repository status.
func glStatusOf(err error) string {
	var ge *glError
	if errors.As(err, &ge) {
		switch ge.code {
		case http.StatusNotFound, http.StatusGone:
			return storage.RepoNotFound
		case http.StatusForbidden, http.StatusUnauthorized, http.StatusUnavailableForLegalReasons:
			return storage.RepoUnavailable
		}
		return storage.RepoError
	}
	var ae *answerError
	var ue *url.Error
	if !errors.As(err, &ae) && errors.As(err, &ue) {
		return storage.RepoUnreachable
	}
	return storage.RepoError
}

// glListing is what the listings of a project share: the stored state,
// the first page's address (conditional) or, resumed, the next page's.
type glListing struct {
	st   *listingState
	next string // resumed: the address of the page after the last stored
}

func (g *GitLabSource) listing(ctx context.Context, res string) (*glListing, error) {
	l, err := loadListingState(ctx, g.store, res)
	if err != nil {
		return nil, err
	}
	gl := &glListing{st: l, next: l.resume.Next}
	if gl.next == "" {
		// Only a listing resumed at a stored address continues; one
		// without starts again.
		l.resume = progress{}
	}
	return gl, nil
}

// checkpoint is the listing's state after page, with the next page's
// address, to be stored in the transaction of the page's rows. After the
// last page none is under way: the cursor follows with the validators.
func (l *glListing) checkpoint(page int, next string) storage.SyncState {
	if next == "" {
		return l.st.unchanged()
	}
	b, _ := json.Marshal(progress{Page: page, Next: next, Newest: optStamp(l.st.newest)})
	return storage.SyncState{Resource: l.st.res, Cursor: l.st.cursor, Progress: string(b)}
}

// glRun reads the listing from first (its first page conditional) or,
// resumed, from where it stopped, then stores its cursor and the first
// page's validators. handle stores each page's rows with the checkpoint
// cp gives (called once the page is read, so it holds the newest date).
func glRun[T any](ctx context.Context, g *GitLabSource, l *glListing, first, what string,
	handle func(items []T, cp func() storage.SyncState) (bool, error), cursor func() string) error {
	sink := newValidators()
	lst := listing{sink: sink}
	if l.next != "" {
		lst = listing{from: l.st.resume.Page + 1}
	}
	err := glPaginate(ctx, g.c, first, lst, l.next, func(page int, items []T, next string) (bool, error) {
		return handle(items, func() storage.SyncState { return l.checkpoint(page, next) })
	})
	switch {
	case errors.Is(err, errNotModified):
		return nil
	case err != nil:
		return fmt.Errorf("collector: listing %s: %w", what, err)
	}
	if err := g.store.PutSyncState(ctx, storage.SyncState{Resource: l.st.res, Cursor: cursor()}); err != nil {
		return err
	}
	return sink.commit(ctx, g.store)
}

// glTime reads GitLab's timestamps (RFC 3339, with milliseconds).
func glTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// commits reads the default branch's commits since the newest commit
// date stored (all of them the first time). GitLab's "since" includes
// its instant, so the next poll asks from one second later: unchanged, the
// same address, answered 304.
func (g *GitLabSource) commits(ctx context.Context, proj, key, branch string) error {
	l, err := g.listing(ctx, key+"/commits")
	if err != nil {
		return err
	}
	q := url.Values{"ref_name": {branch}, "per_page": {"100"}}
	if !l.st.since.IsZero() {
		q.Set("since", l.st.since.Add(time.Second).UTC().Format(time.RFC3339))
	}
	type commit struct {
		ID            string `json:"id"`
		AuthorName    string `json:"author_name"`
		AuthorEmail   string `json:"author_email"`
		AuthoredDate  string `json:"authored_date"`
		CommittedDate string `json:"committed_date"`
	}
	return glRun(ctx, g, l, g.c.url(proj+"/repository/commits", q), "commits of "+key, func(list []commit, cp func() storage.SyncState) (bool, error) {
		cs := make([]storage.Contribution, 0, len(list))
		for _, c := range list {
			at, committed := glTime(c.AuthoredDate), glTime(c.CommittedDate)
			if at.IsZero() {
				at = committed
			}
			if at.IsZero() || c.ID == "" {
				continue
			}
			l.st.see(committed)
			if g.bot("", c.AuthorEmail) {
				continue
			}
			cs = append(cs, storage.Contribution{RepositoryKey: key, Kind: storage.KindCommit, ExtID: strings.ToLower(c.ID),
				At: at, CommittedAt: committed, Email: strings.ToLower(c.AuthorEmail), Name: c.AuthorName})
		}
		_, err := g.store.AddContributions(ctx, cs, cp())
		return true, err
	}, func() string { return optStamp(l.st.newest) })
}

// updatedQuery asks for merge requests or issues updated
// after the cursor, newest first: what is updated while it is read moves
// to the front, so items are read twice, never missed.
func (g *GitLabSource) updatedQuery(l *glListing) url.Values {
	q := url.Values{"scope": {"all"}, "state": {"all"}, "order_by": {"updated_at"}, "sort": {"desc"}, "per_page": {"100"}}
	if !l.st.since.IsZero() {
		// updated_after includes its instant: from the next millisecond,
		// GitLab's precision, so an unchanged listing is empty.
		q.Set("updated_after", l.st.since.Add(time.Millisecond).UTC().Format("2006-01-02T15:04:05.000Z"))
	}
	return q
}

// mergeRequests reads merge requests updated since the cursor, as pull
// requests (numbered -iid, see GitLabSource).
func (g *GitLabSource) mergeRequests(ctx context.Context, proj, key string) error {
	l, err := g.listing(ctx, key+"/merge-requests")
	if err != nil {
		return err
	}
	type mr struct {
		IID       int    `json:"iid"`
		Author    glUser `json:"author"`
		CreatedAt string `json:"created_at"`
		UpdatedAt string `json:"updated_at"`
		MergedAt  string `json:"merged_at"`
		ClosedAt  string `json:"closed_at"`
	}
	return glRun(ctx, g, l, g.c.url(proj+"/merge_requests", g.updatedQuery(l)), "merge requests of "+key, func(list []mr, cp func() storage.SyncState) (bool, error) {
		var cs []storage.Contribution
		for _, m := range list {
			l.st.see(glTime(m.UpdatedAt))
			created := glTime(m.CreatedAt)
			if created.IsZero() || m.IID == 0 || g.bot(m.Author.Username, "") {
				continue
			}
			merged, closed := glTime(m.MergedAt), glTime(m.ClosedAt)
			if closed.IsZero() {
				// GitLab closes by merging without a closing date; GitHub
				// gives both.
				closed = merged
			}
			cs = append(cs, storage.Contribution{RepositoryKey: key, Kind: storage.KindPullRequest, ExtID: strconv.Itoa(-m.IID),
				At: created, Login: g.login(m.Author.Username), MergedAt: merged, ClosedAt: closed})
		}
		_, err := g.store.AddContributions(ctx, cs, cp())
		return true, err
	}, func() string { return optStamp(l.st.newest) })
}

// issues reads issues updated since the cursor. A project with issues
// turned off answers 403 or 404: nothing to read.
func (g *GitLabSource) issues(ctx context.Context, proj, key string) error {
	l, err := g.listing(ctx, key+"/issues")
	if err != nil {
		return err
	}
	type issue struct {
		IID       int    `json:"iid"`
		Author    glUser `json:"author"`
		CreatedAt string `json:"created_at"`
		UpdatedAt string `json:"updated_at"`
		ClosedAt  string `json:"closed_at"`
	}
	err = glRun(ctx, g, l, g.c.url(proj+"/issues", g.updatedQuery(l)), "issues of "+key, func(list []issue, cp func() storage.SyncState) (bool, error) {
		var cs []storage.Contribution
		for _, is := range list {
			l.st.see(glTime(is.UpdatedAt))
			created := glTime(is.CreatedAt)
			if created.IsZero() || is.IID == 0 || g.bot(is.Author.Username, "") {
				continue
			}
			cs = append(cs, storage.Contribution{RepositoryKey: key, Kind: storage.KindIssue, ExtID: strconv.Itoa(is.IID),
				At: created, Login: g.login(is.Author.Username), ClosedAt: glTime(is.ClosedAt)})
		}
		_, err := g.store.AddContributions(ctx, cs, cp())
		return true, err
	}, func() string { return optStamp(l.st.newest) })
	if glStatus(err, http.StatusForbidden) || glStatus(err, http.StatusNotFound) {
		return nil
	}
	return err
}

// events reads the project's events from the last day seen: comments on
// issues and merge requests (responses, for time to first response) and
// approvals of merge requests (reviews, and responses). One listing for
// the whole project instead of one per merge request and issue; GitLab
// keeps events for three years, longer than any response window.
func (g *GitLabSource) events(ctx context.Context, proj, key string) error {
	l, err := g.listing(ctx, key+"/events")
	if err != nil {
		return err
	}
	// The cursor is when the last complete listing began: every event of
	// the days before it was read. "after" is a date, exclusive, so the
	// next listing reads that day again, and nothing when nothing was done
	// on it. Ascending, so the pages of a resumed listing stand.
	began := g.now()
	q := url.Values{"sort": {"asc"}, "per_page": {"100"}}
	if !l.st.since.IsZero() {
		q.Set("after", l.st.since.UTC().AddDate(0, 0, -1).Format(time.DateOnly))
	}
	type event struct {
		ID         int64  `json:"id"`
		ActionName string `json:"action_name"`
		TargetType string `json:"target_type"`
		TargetIID  int    `json:"target_iid"`
		CreatedAt  string `json:"created_at"`
		Author     glUser `json:"author"`
		Note       *struct {
			ID           int64  `json:"id"`
			Type         string `json:"type"`
			System       bool   `json:"system"`
			NoteableType string `json:"noteable_type"`
			NoteableIID  int    `json:"noteable_iid"`
		} `json:"note"`
	}
	return glRun(ctx, g, l, g.c.url(proj+"/events", q), "events of "+key, func(list []event, cp func() storage.SyncState) (bool, error) {
		var cs []storage.Contribution
		var rs []storage.Response
		for _, e := range list {
			at := glTime(e.CreatedAt)
			l.st.see(at)
			if at.IsZero() || g.bot(e.Author.Username, "") {
				continue
			}
			login := g.login(e.Author.Username)
			switch {
			case e.ActionName == "approved" && e.TargetType == "MergeRequest" && e.TargetIID > 0:
				id := strconv.FormatInt(e.ID, 10)
				cs = append(cs, storage.Contribution{RepositoryKey: key, Kind: storage.KindReview, ExtID: id, At: at, Login: login})
				rs = append(rs, storage.Response{RepositoryKey: key, Kind: storage.ResponseReview, ExtID: id, Number: -e.TargetIID, Login: login, At: at})
			case e.Note != nil && !e.Note.System && e.Note.NoteableIID > 0:
				r := storage.Response{RepositoryKey: key, Kind: storage.ResponseComment, ExtID: strconv.FormatInt(e.Note.ID, 10),
					Number: e.Note.NoteableIID, Login: login, At: at}
				switch e.Note.NoteableType {
				case "MergeRequest":
					r.Number = -r.Number
					if e.Note.Type == "DiffNote" {
						r.Kind = storage.ResponseReviewComment
					}
				case "Issue":
				default:
					continue // on commits, snippets…
				}
				rs = append(rs, r)
			}
		}
		if _, err := g.store.AddResponses(ctx, rs); err != nil {
			return false, err
		}
		_, err := g.store.AddContributions(ctx, cs, cp())
		return true, err
	}, func() string { return storage.Stamp(began) })
}

// releases reads releases, newest first; after the first complete pass
// only until a page holds one already known.
func (g *GitLabSource) releases(ctx context.Context, proj, key string) error {
	l, err := g.listing(ctx, key+"/releases")
	if err != nil {
		return err
	}
	complete := l.st.cursor != ""
	type release struct {
		TagName         string `json:"tag_name"`
		Name            string `json:"name"`
		ReleasedAt      string `json:"released_at"`
		UpcomingRelease bool   `json:"upcoming_release"`
	}
	q := url.Values{"order_by": {"released_at"}, "sort": {"desc"}, "per_page": {"100"}}
	err = glRun(ctx, g, l, g.c.url(proj+"/releases", q), "releases of "+key, func(list []release, cp func() storage.SyncState) (bool, error) {
		var rs []storage.Release
		for _, r := range list {
			at := glTime(r.ReleasedAt)
			if r.UpcomingRelease || at.IsZero() || r.TagName == "" {
				continue
			}
			l.st.see(at)
			rs = append(rs, storage.Release{RepositoryKey: key, ExtID: r.TagName, Tag: r.TagName, Name: r.Name, PublishedAt: at})
		}
		added, err := g.store.AddReleases(ctx, rs, cp())
		return !complete || added == len(rs), err
	}, func() string {
		if cur := optStamp(l.st.newest); cur != "" {
			return cur
		}
		return "none"
	})
	if glStatus(err, http.StatusForbidden) {
		return nil // releases not visible to the token
	}
	return err
}
