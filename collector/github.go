package collector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v60/github"

	"os2pulse/config"
	"os2pulse/storage"
)

// perPage is GitHub's largest page: fewer requests for the same data.
const perPage = 100

const githubForge = "github.com"

// GitHubSource collects the products' repositories from the GitHub REST
// API: metadata and a daily snapshot of each repository, and its commits
// on the default branch, pull requests, reviews, issues and releases as
// dated contributions.
//
// Polling is incremental and conditional. Every listing starts with its
// first page, sent with the ETag of the last time; GitHub answers 304 for
// free when nothing changed, and the listing is skipped. When it changed,
// only what is new is read: commits and issues from a "since" cursor,
// pull requests until the last update seen. Validators and cursors are
// stored only after the data they stand for, so a crash costs requests,
// never data.
type GitHubSource struct {
	cfg     *config.Config
	store   *storage.Store
	log     *slog.Logger
	client  *github.Client
	tr      *transport
	workers int
	now     func() time.Time
}

// NewGitHubSource returns the GitHub source for cfg. metrics may be nil.
func NewGitHubSource(cfg *config.Config, store *storage.Store, metrics *GitHubMetrics, log *slog.Logger) (*GitHubSource, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	base, err := url.Parse(cfg.GitHub.APIURL)
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("collector: github.api_url %q is not a URL", cfg.GitHub.APIURL)
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	token := ""
	if cfg.GitHub.TokenEnv != "" {
		token = strings.TrimSpace(os.Getenv(cfg.GitHub.TokenEnv))
	}
	if token == "" {
		log.Warn("no GitHub token: 60 requests per hour", "token_env", cfg.GitHub.TokenEnv)
	}
	workers := cfg.GitHub.Concurrency
	if workers < 1 {
		workers = 1
	}
	tr := newTransport(nil, store, token, base.Host, workers, metrics, log)
	client := github.NewClient(&http.Client{Transport: tr})
	client.BaseURL = base
	client.UserAgent = "os2pulse"
	return &GitHubSource{cfg: cfg, store: store, log: log, client: client, tr: tr, workers: workers, now: time.Now}, nil
}

// Name implements Source.
func (g *GitHubSource) Name() string { return "github" }

// Interval implements Source.
func (g *GitHubSource) Interval() time.Duration { return g.cfg.GitHub.Interval.Duration }

// target is a repository to poll.
type target struct {
	owner, name string
	products    []string
	explicit    bool // named in the configuration, not found through owner/*
}

func (t target) key() string { return storage.RepoKey(githubForge, t.owner, t.name) }

// Collect implements Source.
func (g *GitHubSource) Collect(ctx context.Context, rec *Recorder) error {
	ctx = withRecorder(ctx, rec)
	stored, err := g.store.Repositories(ctx, "")
	if err != nil {
		return err
	}
	known := make(map[string]storage.Repository, len(stored))
	for _, r := range stored {
		known[r.Key] = r
	}
	targets, listings, listFailures, err := g.targets(ctx, rec, known)
	if err != nil {
		return err
	}
	targetKeys := make(map[string]bool, len(targets))
	for _, tg := range targets {
		targetKeys[tg.key()] = true
	}
	snaps, err := g.store.LatestSnapshots(ctx, storage.Day(g.now()))
	if err != nil {
		return err
	}
	rec.Progress().SetTotal(len(targets))

	work := make(chan target)
	var wg sync.WaitGroup
	var mu sync.Mutex
	unreachable := len(listFailures)
	var firstErr error
	if len(listFailures) > 0 {
		firstErr = listFailures[0]
	}
	for range g.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for tg := range work {
				err := g.collectRepo(ctx, tg, known, snaps, targetKeys)
				if err != nil && ctx.Err() == nil {
					rec.ItemError(tg.key(), err)
					mu.Lock()
					if isTransportError(err) {
						unreachable++
						if firstErr == nil {
							firstErr = err
						}
					}
					mu.Unlock()
				}
				rec.Progress().ItemDone()
			}
		}()
	}
feed:
	for _, tg := range targets {
		select {
		case work <- tg:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	// Nothing answered at all: a failed run, not a partial one.
	if attempts := len(targets) + listings.attempted; attempts > 0 && unreachable == attempts {
		return fmt.Errorf("collector: GitHub unreachable, every request failed: %w", firstErr)
	}
	// The owner listings' validators go last: a listing answered 304 next
	// time is replaced by the repositories stored in this run.
	for _, v := range listings.sinks {
		if err := v.commit(ctx, g.store); err != nil {
			return err
		}
	}
	return nil
}

// ownerListings is what expanding owner/* specs left to do at the end of
// a run.
type ownerListings struct {
	attempted int
	sinks     []*validators
}

// targets expands the configured repositories: explicit owner/name specs,
// and owner/* through the owner's repository listing. Repositories known
// to have moved are polled under their new name.
func (g *GitHubSource) targets(ctx context.Context, rec *Recorder, known map[string]storage.Repository) ([]target, ownerListings, []error, error) {
	byKey := map[string]*target{}
	add := func(owner, name string, explicit bool) {
		k := storage.RepoKey(githubForge, owner, name)
		if t, ok := byKey[k]; ok {
			t.explicit = t.explicit || explicit
			return
		}
		byKey[k] = &target{owner: owner, name: name, explicit: explicit}
	}
	owners := map[string]string{} // lower-case owner → spelling in the config
	for _, p := range g.cfg.Products {
		for _, s := range p.Repos {
			spec, err := config.ParseRepoSpec(s)
			if err != nil || !spec.IsGitHub() {
				continue
			}
			if spec.Name == "*" {
				owners[strings.ToLower(spec.Owner)] = spec.Owner
				continue
			}
			add(spec.Owner, spec.Name, true)
		}
	}
	var listings ownerListings
	var unreachable []error
	ownerNames := make([]string, 0, len(owners))
	for k := range owners {
		ownerNames = append(ownerNames, k)
	}
	sort.Strings(ownerNames)
	for _, lo := range ownerNames {
		owner := owners[lo]
		sink := newValidators()
		repos, err := g.listOwner(ctx, owner, sink)
		listings.attempted++
		switch {
		case errors.Is(err, errNotModified):
			// Unchanged listing: the repositories stored from it stand.
			for _, r := range known {
				if r.Forge == githubForge && strings.EqualFold(r.Owner, owner) && r.Status != storage.RepoMoved {
					add(r.Owner, r.Name, false)
				}
			}
			listings.sinks = append(listings.sinks, sink)
		case err != nil:
			if ctx.Err() != nil {
				return nil, listings, nil, ctx.Err()
			}
			rec.ItemError(githubForge+"/"+owner+"/*", err)
			if isTransportError(err) {
				unreachable = append(unreachable, err)
				if len(unreachable) == listings.attempted {
					// Not one answer yet, after retries: GitHub cannot be
					// reached (offline, DNS). Fail now rather than retry
					// every repository.
					return nil, listings, nil, fmt.Errorf("collector: GitHub unreachable: %w", err)
				}
			}
			// Keep polling what is known of the owner.
			for _, r := range known {
				if r.Forge == githubForge && strings.EqualFold(r.Owner, owner) && r.Status != storage.RepoMoved {
					add(r.Owner, r.Name, false)
				}
			}
		default:
			listed := map[string]bool{}
			for _, r := range repos {
				add(r.GetOwner().GetLogin(), r.GetName(), false)
				listed[storage.RepoKey(githubForge, r.GetOwner().GetLogin(), r.GetName())] = true
			}
			// A stored repository missing from the listing was renamed,
			// transferred or deleted: poll it once to learn which.
			for _, r := range known {
				if r.Forge == githubForge && strings.EqualFold(r.Owner, owner) && !listed[r.Key] &&
					(r.Status == storage.RepoOK || r.Status == storage.RepoEmpty || r.Status == storage.RepoError) {
					add(r.Owner, r.Name, false)
				}
			}
			listings.sinks = append(listings.sinks, sink)
		}
		// Repositories of this owner that moved elsewhere stay part of
		// the product under their new name.
		for _, r := range known {
			if r.Forge == githubForge && strings.EqualFold(r.Owner, owner) && r.Status == storage.RepoMoved {
				add(r.Owner, r.Name, false)
			}
		}
	}

	final := map[string]*target{}
	for _, t := range byKey {
		// Follow recorded moves (at most a few hops, to stop on a cycle).
		products := g.cfg.ProductsOf(config.RepoSpec{Forge: githubForge, Owner: t.owner, Name: t.name})
		for hop := 0; hop < 5; hop++ {
			r, ok := known[t.key()]
			if !ok || r.Status != storage.RepoMoved || r.MovedTo == "" {
				break
			}
			owner, name := splitKey(r.MovedTo)
			if nr, ok := known[r.MovedTo]; ok {
				owner, name = nr.Owner, nr.Name
			}
			if owner == "" {
				break
			}
			t.owner, t.name = owner, name
		}
		products = appendNew(products, g.cfg.ProductsOf(config.RepoSpec{Forge: githubForge, Owner: t.owner, Name: t.name})...)
		// An old name and its new one are one target, of both's products.
		if f, ok := final[t.key()]; ok {
			f.products = appendNew(f.products, products...)
			f.explicit = f.explicit || t.explicit
			continue
		}
		t.products = products
		final[t.key()] = t
	}
	out := make([]target, 0, len(final))
	for _, t := range final {
		sort.Strings(t.products)
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out, listings, unreachable, nil
}

func splitKey(key string) (owner, name string) {
	parts := strings.Split(key, "/")
	if len(parts) != 3 {
		return "", ""
	}
	return parts[1], parts[2]
}

func appendNew(list []string, more ...string) []string {
	for _, m := range more {
		found := false
		for _, l := range list {
			if l == m {
				found = true
				break
			}
		}
		if !found {
			list = append(list, m)
		}
	}
	return list
}

var errNotModified = errors.New("not modified")

// listOwner lists an organisation's repositories, or a user's when the
// owner is no organisation. Which one it is is remembered, so that a user
// costs no failed organisation request on later polls.
func (g *GitHubSource) listOwner(ctx context.Context, owner string, sink *validators) ([]*github.Repository, error) {
	kindRes := githubForge + "/" + strings.ToLower(owner) + "/*"
	st, err := g.store.SyncState(ctx, kindRes)
	if err != nil {
		return nil, err
	}
	isUser := st.Cursor == "user"
	var all []*github.Repository
	for page := 1; ; {
		var repos []*github.Repository
		var resp *github.Response
		pctx := pageContext(ctx, sink, page)
		if !isUser {
			repos, resp, err = g.client.Repositories.ListByOrg(pctx, owner, &github.RepositoryListByOrgOptions{
				ListOptions: github.ListOptions{Page: pageParam(page), PerPage: perPage}})
			if page == 1 && hasStatus(err, http.StatusNotFound) {
				isUser = true
				if err := g.store.PutSyncState(ctx, storage.SyncState{Resource: kindRes, Cursor: "user"}); err != nil {
					return nil, err
				}
				continue
			}
		} else {
			repos, resp, err = g.client.Repositories.ListByUser(pctx, owner, &github.RepositoryListByUserOptions{
				Type: "owner", ListOptions: github.ListOptions{Page: pageParam(page), PerPage: perPage}})
		}
		if page == 1 && notModified(err) {
			return nil, errNotModified
		}
		if err != nil {
			return nil, fmt.Errorf("collector: listing repositories of %s: %w", owner, apiErr(err))
		}
		all = append(all, repos...)
		if resp.NextPage == 0 {
			return all, nil
		}
		page = resp.NextPage
	}
}

// pageParam leaves page 1 out of the URL, as GitHub's own links do.
func pageParam(page int) int {
	if page <= 1 {
		return 0
	}
	return page
}

// pageContext makes the first page of a listing conditional, with its
// validators going to sink, and later pages unconditional.
func pageContext(ctx context.Context, sink *validators, page int) context.Context {
	if page <= 1 {
		return withRequestOpts(ctx, requestOpts{sink: sink})
	}
	return withRequestOpts(ctx, requestOpts{unconditional: true})
}

// collectRepo polls one repository.
func (g *GitHubSource) collectRepo(ctx context.Context, tg target, known map[string]storage.Repository, snaps map[string]storage.Snapshot, targets map[string]bool) error {
	key := tg.key()
	full := tg.owner + "/" + tg.name
	prev, havePrev := known[key]
	_, haveSnap := snaps[key]
	today := storage.Day(g.now())
	checked := storage.Stamp(g.now())

	sink := newValidators()
	// Without stored metadata and a snapshot a 304 would leave nothing to
	// carry forward, so ask unconditionally.
	repo, _, err := g.client.Repositories.Get(withRequestOpts(ctx, requestOpts{sink: sink, unconditional: !havePrev || !haveSnap}), tg.owner, tg.name)
	var meta storage.Repository
	switch {
	case notModified(err):
		meta = prev
		meta.Status, meta.LastError, meta.MovedTo, meta.CheckedAt = storage.RepoOK, "", "", checked
		// Upserted still, so that product links follow the configuration.
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
		err = apiErr(err)
		g.markRepo(ctx, tg, prev, havePrev, statusOf(err), err.Error(), checked)
		return fmt.Errorf("collector: reading repository %s: %w", full, err)
	default:
		meta = repoRecord(repo)
		if !strings.EqualFold(repo.GetFullName(), full) {
			// GitHub answered 301 and the client followed it: renamed or
			// transferred. Keep the old key, pointing at the new one, so
			// its history stays part of the product.
			old := prev
			if !havePrev {
				old = storage.Repository{Forge: githubForge, Owner: tg.owner, Name: tg.name}
			}
			old.Key, old.Status, old.MovedTo, old.LastError, old.CheckedAt = key, storage.RepoMoved, meta.Key, "", checked
			if err := g.store.UpsertRepository(ctx, old, tg.products); err != nil {
				return err
			}
			g.log.Info("github: repository moved", "from", full, "to", repo.GetFullName(), "explicit", tg.explicit)
			if rec := recorderFrom(ctx); rec != nil && tg.explicit {
				rec.Progress().Note("%s moved to %s; update the configuration", full, repo.GetFullName())
			}
			if targets[meta.Key] {
				// Listed under its new name too: polled as that target.
				return nil
			}
			key = meta.Key
			tg.owner, tg.name = meta.Owner, meta.Name
		}
		meta.Status, meta.CheckedAt = storage.RepoOK, checked
		// The row first: the snapshot refers to it.
		if err := g.store.UpsertRepository(ctx, meta, tg.products); err != nil {
			return err
		}
		if err := g.store.PutSnapshot(ctx, storage.Snapshot{
			RepositoryKey: meta.Key, Day: today,
			Stars: repo.GetStargazersCount(), Forks: repo.GetForksCount(),
			Watchers: repo.GetSubscribersCount(), OpenIssues: repo.GetOpenIssuesCount(),
		}); err != nil {
			return err
		}
	}
	if err := sink.commit(ctx, g.store); err != nil {
		return err
	}

	// A fork found through owner/* carries its upstream's history: its
	// authors are not the product's contributors. Named forks are
	// collected, as asked.
	if meta.Fork && !tg.explicit {
		return nil
	}

	status := storage.RepoOK
	empty, err := g.commits(ctx, tg.owner, tg.name, key)
	if err == nil {
		if empty {
			status = storage.RepoEmpty
		} else {
			err = g.pulls(ctx, tg.owner, tg.name, key)
		}
	}
	if err == nil {
		err = g.issues(ctx, tg.owner, tg.name, key)
	}
	if err == nil && !empty {
		err = g.releases(ctx, tg.owner, tg.name, key)
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if serr := g.store.SetRepositoryStatus(ctx, key, statusOf(err), err.Error(), ""); serr != nil {
			return serr
		}
		return err
	}
	return g.store.SetRepositoryStatus(ctx, key, status, "", "")
}

// markRepo records a failed poll, creating the row of a repository never
// seen so the failure is visible.
func (g *GitHubSource) markRepo(ctx context.Context, tg target, prev storage.Repository, havePrev bool, status, msg, checked string) {
	r := prev
	if !havePrev {
		r = storage.Repository{Forge: githubForge, Owner: tg.owner, Name: tg.name}
	}
	r.Key, r.Status, r.LastError, r.MovedTo, r.CheckedAt = tg.key(), status, msg, "", checked
	if err := g.store.UpsertRepository(ctx, r, tg.products); err != nil {
		g.log.Error("github: unable to record repository status", "repository", tg.key(), "error", err)
	}
}

func repoRecord(r *github.Repository) storage.Repository {
	owner := r.GetOwner().GetLogin()
	name := r.GetName()
	if owner == "" {
		owner, name, _ = strings.Cut(r.GetFullName(), "/")
	}
	return storage.Repository{
		Key: storage.RepoKey(githubForge, owner, name), Forge: githubForge, Owner: owner, Name: name,
		Description: r.GetDescription(), DefaultBranch: r.GetDefaultBranch(),
		Archived: r.GetArchived(), Fork: r.GetFork(), Status: storage.RepoOK,
	}
}

// commits reads the default branch's new commits. It reports an empty
// repository (GitHub answers 409) rather than failing.
func (g *GitHubSource) commits(ctx context.Context, owner, name, key string) (empty bool, err error) {
	res := key + "/commits"
	st, err := g.store.SyncState(ctx, res)
	if err != nil {
		return false, err
	}
	cursor := parseStamp(st.Cursor)
	newest := cursor
	sink := newValidators()
	store := func(list []*github.RepositoryCommit) (allNew bool, err error) {
		allNew = true
		cs := make([]storage.Contribution, 0, len(list))
		for _, c := range list {
			gc := c.GetCommit()
			at := gc.GetAuthor().GetDate().Time
			committed := gc.GetCommitter().GetDate().Time
			if at.IsZero() {
				at = committed
			}
			if at.IsZero() || c.GetSHA() == "" {
				continue
			}
			if committed.After(newest) {
				newest = committed
			}
			if !cursor.IsZero() && committed.Before(cursor) {
				allNew = false
			}
			cs = append(cs, storage.Contribution{
				RepositoryKey: key, Kind: storage.KindCommit, ExtID: strings.ToLower(c.GetSHA()),
				At: at, CommittedAt: committed, Login: c.GetAuthor().GetLogin(),
				Email: strings.ToLower(gc.GetAuthor().GetEmail()), Name: gc.GetAuthor().GetName(),
			})
		}
		_, err = g.store.AddContributions(ctx, cs)
		return allNew, err
	}

	opts := &github.CommitsListOptions{ListOptions: github.ListOptions{PerPage: perPage}}
	list, resp, err := g.client.Repositories.ListCommits(pageContext(ctx, sink, 1), owner, name, opts)
	switch {
	case notModified(err):
		return false, nil
	case hasStatus(err, http.StatusConflict):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("collector: listing commits of %s/%s: %w", owner, name, apiErr(err))
	}
	allNew, err := store(list)
	if err != nil {
		return false, err
	}
	next := resp.NextPage
	if next != 0 && !cursor.IsZero() {
		if !allNew {
			// The first page reaches back to what is known.
			next = 0
		} else {
			// More than a page is new: read it from the cursor on. The
			// listing's order is git's, not strictly by date, so this
			// starts over at page 1 rather than trusting page 2.
			opts = &github.CommitsListOptions{Since: cursor, ListOptions: github.ListOptions{PerPage: perPage}}
			next = 1
		}
	}
	for next != 0 {
		opts.Page = pageParam(next)
		list, resp, err = g.client.Repositories.ListCommits(pageContext(ctx, sink, 2), owner, name, opts)
		if err != nil {
			return false, fmt.Errorf("collector: listing commits of %s/%s (page %d): %w", owner, name, next, apiErr(err))
		}
		if _, err := store(list); err != nil {
			return false, err
		}
		next = resp.NextPage
	}
	if err := g.store.PutSyncState(ctx, storage.SyncState{Resource: res, Cursor: optStamp(newest)}); err != nil {
		return false, err
	}
	return false, sink.commit(ctx, g.store)
}

// pulls reads pull requests updated since the last update seen, newest
// first, and the reviews of each of them (one request per pull request,
// so only for those that changed).
func (g *GitHubSource) pulls(ctx context.Context, owner, name, key string) error {
	res := key + "/pulls"
	st, err := g.store.SyncState(ctx, res)
	if err != nil {
		return err
	}
	cursor := parseStamp(st.Cursor)
	newest := cursor
	sink := newValidators()
	var cs []storage.Contribution
	var changed []int
	opts := &github.PullRequestListOptions{State: "all", Sort: "updated", Direction: "desc", ListOptions: github.ListOptions{PerPage: perPage}}
	for page := 1; ; {
		opts.Page = pageParam(page)
		prs, resp, err := g.client.PullRequests.List(pageContext(ctx, sink, page), owner, name, opts)
		if page == 1 && notModified(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("collector: listing pull requests of %s/%s: %w", owner, name, apiErr(err))
		}
		reachedKnown := false
		for _, pr := range prs {
			updated := pr.GetUpdatedAt().Time
			if !cursor.IsZero() && updated.Before(cursor) {
				reachedKnown = true
				continue
			}
			if updated.After(newest) {
				newest = updated
			}
			changed = append(changed, pr.GetNumber())
			if pr.GetCreatedAt().IsZero() {
				continue
			}
			cs = append(cs, storage.Contribution{
				RepositoryKey: key, Kind: storage.KindPullRequest, ExtID: strconv.Itoa(pr.GetNumber()),
				At: pr.GetCreatedAt().Time, Login: pr.GetUser().GetLogin(),
				MergedAt: pr.GetMergedAt().Time, ClosedAt: pr.GetClosedAt().Time,
			})
		}
		if reachedKnown || resp.NextPage == 0 {
			break
		}
		page = resp.NextPage
	}
	if _, err := g.store.AddContributions(ctx, cs); err != nil {
		return err
	}
	for _, n := range changed {
		if err := g.reviews(ctx, owner, name, key, n); err != nil {
			return err
		}
	}
	if err := g.store.PutSyncState(ctx, storage.SyncState{Resource: res, Cursor: optStamp(newest)}); err != nil {
		return err
	}
	return sink.commit(ctx, g.store)
}

// reviews reads the submitted reviews of one pull request.
func (g *GitHubSource) reviews(ctx context.Context, owner, name, key string, number int) error {
	sink := newValidators()
	var cs []storage.Contribution
	opts := &github.ListOptions{PerPage: perPage}
	for page := 1; ; {
		opts.Page = pageParam(page)
		rs, resp, err := g.client.PullRequests.ListReviews(pageContext(ctx, sink, page), owner, name, number, opts)
		if page == 1 && notModified(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("collector: listing reviews of %s/%s#%d: %w", owner, name, number, apiErr(err))
		}
		for _, r := range rs {
			// A pending review has no submission date: not yet a
			// contribution.
			if r.GetSubmittedAt().IsZero() || r.GetID() == 0 {
				continue
			}
			cs = append(cs, storage.Contribution{
				RepositoryKey: key, Kind: storage.KindReview, ExtID: strconv.FormatInt(r.GetID(), 10),
				At: r.GetSubmittedAt().Time, Login: r.GetUser().GetLogin(),
			})
		}
		if resp.NextPage == 0 {
			break
		}
		page = resp.NextPage
	}
	if _, err := g.store.AddContributions(ctx, cs); err != nil {
		return err
	}
	return sink.commit(ctx, g.store)
}

// issues reads issues (not pull requests) updated since the cursor.
func (g *GitHubSource) issues(ctx context.Context, owner, name, key string) error {
	res := key + "/issues"
	st, err := g.store.SyncState(ctx, res)
	if err != nil {
		return err
	}
	cursor := parseStamp(st.Cursor)
	newest := cursor
	sink := newValidators()
	var cs []storage.Contribution
	opts := &github.IssueListByRepoOptions{State: "all", Sort: "updated", Direction: "desc", ListOptions: github.ListOptions{PerPage: perPage}}
	for page := 1; ; {
		opts.Page = pageParam(page)
		list, resp, err := g.client.Issues.ListByRepo(pageContext(ctx, sink, page), owner, name, opts)
		if page == 1 && (notModified(err) || hasStatus(err, http.StatusGone)) {
			// 410: issues are turned off for the repository.
			return nil
		}
		if err != nil {
			return fmt.Errorf("collector: listing issues of %s/%s: %w", owner, name, apiErr(err))
		}
		reachedKnown := false
		for _, is := range list {
			updated := is.GetUpdatedAt().Time
			if !cursor.IsZero() && updated.Before(cursor) {
				reachedKnown = true
				continue
			}
			if updated.After(newest) {
				newest = updated
			}
			if is.IsPullRequest() || is.GetCreatedAt().IsZero() {
				continue
			}
			cs = append(cs, storage.Contribution{
				RepositoryKey: key, Kind: storage.KindIssue, ExtID: strconv.Itoa(is.GetNumber()),
				At: is.GetCreatedAt().Time, Login: is.GetUser().GetLogin(), ClosedAt: is.GetClosedAt().Time,
			})
		}
		if reachedKnown || resp.NextPage == 0 {
			break
		}
		if page == 1 && !cursor.IsZero() && opts.Since.IsZero() {
			// Sorted by update, the "since" listing is a prefix of this
			// one, so its second page continues the first.
			opts.Since = cursor
		}
		page = resp.NextPage
	}
	if _, err := g.store.AddContributions(ctx, cs); err != nil {
		return err
	}
	if err := g.store.PutSyncState(ctx, storage.SyncState{Resource: res, Cursor: optStamp(newest)}); err != nil {
		return err
	}
	return sink.commit(ctx, g.store)
}

// releases reads published releases; after the first complete pass, only
// until a page holds a release already known.
func (g *GitHubSource) releases(ctx context.Context, owner, name, key string) error {
	res := key + "/releases"
	st, err := g.store.SyncState(ctx, res)
	if err != nil {
		return err
	}
	complete := st.Cursor != ""
	sink := newValidators()
	newest := parseStamp(st.Cursor)
	opts := &github.ListOptions{PerPage: perPage}
	for page := 1; ; {
		opts.Page = pageParam(page)
		list, resp, err := g.client.Repositories.ListReleases(pageContext(ctx, sink, page), owner, name, opts)
		if page == 1 && notModified(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("collector: listing releases of %s/%s: %w", owner, name, apiErr(err))
		}
		var rs []storage.Release
		for _, r := range list {
			if r.GetDraft() || r.GetPublishedAt().IsZero() {
				continue
			}
			if p := r.GetPublishedAt().Time; p.After(newest) {
				newest = p
			}
			rs = append(rs, storage.Release{RepositoryKey: key, ExtID: strconv.FormatInt(r.GetID(), 10),
				Tag: r.GetTagName(), Name: r.GetName(), PublishedAt: r.GetPublishedAt().Time})
		}
		added, err := g.store.AddReleases(ctx, rs)
		if err != nil {
			return err
		}
		if resp.NextPage == 0 || (complete && added < len(rs)) {
			break
		}
		page = resp.NextPage
	}
	cur := optStamp(newest)
	if cur == "" {
		cur = "none"
	}
	if err := g.store.PutSyncState(ctx, storage.SyncState{Resource: res, Cursor: cur}); err != nil {
		return err
	}
	return sink.commit(ctx, g.store)
}

func parseStamp(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func optStamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return storage.Stamp(t)
}

// notModified reports a 304, which go-github returns as an error.
func notModified(err error) bool { return hasStatus(err, http.StatusNotModified) }

func hasStatus(err error, code int) bool {
	var er *github.ErrorResponse
	return errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == code
}

// apiError is a GitHub error answer in a few words.
type apiError struct {
	code int
	msg  string
	err  error
}

func (e *apiError) Error() string {
	if e.msg == "" {
		return fmt.Sprintf("GitHub answered %d %s", e.code, http.StatusText(e.code))
	}
	return fmt.Sprintf("GitHub answered %d %s", e.code, e.msg)
}

func (e *apiError) Unwrap() error { return e.err }

// apiErr shortens go-github's errors to what an operator needs, keeping
// the original for errors.As.
func apiErr(err error) error {
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return &apiError{code: er.Response.StatusCode, msg: er.Message, err: err}
	}
	var rl *github.RateLimitError
	if errors.As(err, &rl) {
		return fmt.Errorf("rate limit exhausted until %s: %w", rl.Rate.Reset.UTC().Format(time.RFC3339), err)
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	if errors.As(err, &se) || errors.As(err, &te) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("malformed JSON from GitHub: %w", err)
	}
	return err
}

// statusOf maps an error to a repository status.
func statusOf(err error) string {
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		switch er.Response.StatusCode {
		case http.StatusNotFound, http.StatusGone:
			return storage.RepoNotFound
		case http.StatusUnavailableForLegalReasons, http.StatusForbidden:
			return storage.RepoUnavailable
		case http.StatusConflict:
			return storage.RepoEmpty
		}
	}
	return storage.RepoError
}

// isTransportError tells failures to reach GitHub at all from answers.
func isTransportError(err error) bool {
	var er *github.ErrorResponse
	var rl *github.RateLimitError
	var ab *github.AbuseRateLimitError
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	return !errors.As(err, &er) && !errors.As(err, &rl) && !errors.As(err, &ab) &&
		!errors.As(err, &se) && !errors.As(err, &te) && !errors.Is(err, io.ErrUnexpectedEOF)
}
