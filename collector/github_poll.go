package collector

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/storage"
)

// collectRepo polls one repository.
func (g *GitHubSource) collectRepo(ctx context.Context, tg target, known map[string]storage.Repository, snaps map[string]storage.Snapshot, targets map[string]bool) error {
	key := tg.key()
	full := tg.owner + "/" + tg.name
	prev, havePrev := known[key]
	_, haveSnap := snaps[key]
	began := g.now()
	today := civil.UTCDay(began)
	checked := storage.Stamp(began)
	// A successful poll makes the history complete up to the Danish date
	// on which it began: what happened during the poll may be missing.
	covered := civil.Today(began)

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
		return g.store.RepositoryCollected(ctx, key, storage.RepoOK, covered)
	}
	// A mirror of a repository collected elsewhere (GitLab): its commits,
	// pull requests and issues are counted there (see gitlab_mirrors.go).
	if of, err := mirrorOf(ctx, g.cfg, g.store, config.RepoSpec{Forge: githubForge, Owner: tg.owner, Name: tg.name}); err != nil {
		return err
	} else if of != "" {
		return g.store.RepositoryCollected(ctx, key, storage.RepoOK, covered)
	}
	if host, err := unscannedForge(ctx, g.cfg, g.store, tg.products); err != nil {
		return err
	} else if host != "" {
		// It may be a mirror GitLab has yet to name: its history waits
		// for the next poll, after GitLab's first.
		if rec := recorderFrom(ctx); rec != nil {
			rec.Progress().Note("%s: waiting for the first collection from %s, which may name it a mirror", tg.owner+"/"+tg.name, host)
		}
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
	// What the health signals need: responses to issues and pull
	// requests, and the repository's hygiene.
	if err == nil && !empty {
		err = g.comments(ctx, tg.owner, tg.name, key)
	}
	if err == nil && !empty {
		err = g.reviewComments(ctx, tg.owner, tg.name, key)
	}
	if err == nil && !empty {
		err = g.hygiene(ctx, tg.owner, tg.name, key, today)
	}
	if err == nil && !empty {
		err = g.forks(ctx, tg.owner, tg.name, key, meta.DefaultBranch, today)
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
	return g.store.RepositoryCollected(ctx, key, status, covered)
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
//
// The first page is asked for without "since", conditionally: unchanged,
// it costs nothing. When more than that page is new, the listing is read
// again from the cursor on: git's order is not strictly by date, so page 2
// of the first listing cannot be trusted to continue it. Each page is
// stored with its place in the listing, so a run that is killed continues
// there the next time.
func (g *GitHubSource) commits(ctx context.Context, owner, name, key string) (empty bool, err error) {
	l, err := g.listingState(ctx, key+"/commits")
	if err != nil {
		return false, err
	}
	convert := func(list []*github.RepositoryCommit) (cs []storage.Contribution, allNew bool) {
		allNew = true
		cs = make([]storage.Contribution, 0, len(list))
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
			l.see(committed)
			if !l.since.IsZero() && committed.Before(l.since) {
				allNew = false
			}
			cs = append(cs, storage.Contribution{
				RepositoryKey: key, Kind: storage.KindCommit, ExtID: strings.ToLower(c.GetSHA()),
				At: at, CommittedAt: committed, Login: c.GetAuthor().GetLogin(),
				Email: strings.ToLower(gc.GetAuthor().GetEmail()), Name: gc.GetAuthor().GetName(),
			})
		}
		return cs, allNew
	}
	list := func(since time.Time) pageFetcher[*github.RepositoryCommit] {
		return func(ctx context.Context, page int) ([]*github.RepositoryCommit, *github.Response, error) {
			return g.client.Repositories.ListCommits(ctx, owner, name, &github.CommitsListOptions{
				Since: since, ListOptions: github.ListOptions{Page: page, PerPage: perPage}})
		}
	}
	// storeSince stores each page of the listing since "since" with its
	// place in it.
	storeSince := func(since time.Time) pageHandler[*github.RepositoryCommit] {
		return func(page int, list []*github.RepositoryCommit) (bool, error) {
			cs, _ := convert(list)
			_, err := g.store.AddContributions(ctx, cs, l.checkpoint(page, since))
			return err == nil, err
		}
	}

	sink := newValidators()
	relist := l.resume.Since != ""
	switch {
	case relist:
		// A run stopped while re-reading from the cursor: go on there.
	case l.resuming():
		// A backfill stopped: go on after its last page stored.
		err = paginate(ctx, listing{from: l.resume.Page + 1}, list(time.Time{}), storeSince(time.Time{}))
	default:
		err = paginate(ctx, listing{sink: sink}, list(time.Time{}), func(page int, list []*github.RepositoryCommit) (bool, error) {
			if page > 1 || l.since.IsZero() {
				return storeSince(time.Time{})(page, list)
			}
			// Page 1 of a repository polled before: either it reaches
			// back to what is known, or everything since the cursor is
			// read anew (and a restart does that, from its first page).
			cs, allNew := convert(list)
			checkpoint := l.unchanged()
			if allNew {
				checkpoint = l.checkpoint(0, l.since)
			}
			relist = allNew
			_, err := g.store.AddContributions(ctx, cs, checkpoint)
			return false, err
		})
	}
	switch {
	case errors.Is(err, errNotModified):
		return false, nil
	case hasStatus(err, http.StatusConflict):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("collector: listing commits of %s/%s: %w", owner, name, apiErr(err))
	}
	if relist {
		since := l.since
		if s := parseStamp(l.resume.Since); !s.IsZero() {
			since = s
		}
		from := 0
		if l.resume.Since != "" {
			from = l.resume.Page + 1
		}
		if err := paginate(ctx, listing{from: from}, list(since), storeSince(since)); err != nil {
			return false, fmt.Errorf("collector: listing commits of %s/%s since %s: %w", owner, name, storage.Stamp(since), apiErr(err))
		}
	}
	return false, g.finish(ctx, l, optStamp(l.newest), sink)
}

// pulls reads pull requests updated since the last update seen, newest
// first, and the reviews of each of them (one request per pull request,
// so only for those that changed), storing each page with its reviews.
func (g *GitHubSource) pulls(ctx context.Context, owner, name, key string) error {
	l, err := g.listingState(ctx, key+"/pulls")
	if err != nil {
		return err
	}
	sink := newValidators()
	opts := &github.PullRequestListOptions{State: "all", Sort: "updated", Direction: "desc"}
	fetch := func(ctx context.Context, page int) ([]*github.PullRequest, *github.Response, error) {
		opts.ListOptions = github.ListOptions{Page: page, PerPage: perPage}
		return g.client.PullRequests.List(ctx, owner, name, opts)
	}
	err = paginate(ctx, l.listing(sink), fetch, func(page int, prs []*github.PullRequest) (bool, error) {
		reachedKnown := false
		var cs []storage.Contribution
		var responses []storage.Response
		var reviewSinks []*validators
		var refs []storage.PullRequestRef
		for _, pr := range prs {
			updated := pr.GetUpdatedAt().Time
			if !l.since.IsZero() && updated.Before(l.since) {
				reachedKnown = true
				continue
			}
			l.see(updated)
			refs = append(refs, pullRef(key, pr))
			if !pr.GetCreatedAt().IsZero() {
				cs = append(cs, storage.Contribution{
					RepositoryKey: key, Kind: storage.KindPullRequest, ExtID: strconv.Itoa(pr.GetNumber()),
					At: pr.GetCreatedAt().Time, Login: pr.GetUser().GetLogin(),
					MergedAt: pr.GetMergedAt().Time, ClosedAt: pr.GetClosedAt().Time,
				})
			}
			rs, rsink, err := g.reviews(ctx, owner, name, key, pr.GetNumber())
			if err != nil {
				return false, err
			}
			cs = append(cs, rs...)
			// A review is a response to the pull request too.
			for _, r := range rs {
				responses = append(responses, storage.Response{RepositoryKey: key, Kind: storage.ResponseReview, ExtID: r.ExtID,
					Number: pr.GetNumber(), Login: r.Login, At: r.At})
			}
			reviewSinks = append(reviewSinks, rsink)
		}
		// Before the page's checkpoint, which goes with the contributions.
		if _, err := g.store.AddResponses(ctx, responses); err != nil {
			return false, err
		}
		if err := g.store.PutPullRequestRefs(ctx, refs); err != nil {
			return false, err
		}
		if _, err := g.store.AddContributions(ctx, cs, l.checkpoint(page, time.Time{})); err != nil {
			return false, err
		}
		for _, rs := range reviewSinks {
			if err := rs.commit(ctx, g.store); err != nil {
				return false, err
			}
		}
		return !reachedKnown, nil
	})
	switch {
	case errors.Is(err, errNotModified):
		return nil
	case err != nil:
		return fmt.Errorf("collector: listing pull requests of %s/%s: %w", owner, name, apiErr(err))
	}
	return g.finish(ctx, l, optStamp(l.newest), sink)
}

// reviews reads the submitted reviews of one pull request. It returns them
// with the validators to store once they are stored.
func (g *GitHubSource) reviews(ctx context.Context, owner, name, key string, number int) ([]storage.Contribution, *validators, error) {
	sink := newValidators()
	var cs []storage.Contribution
	fetch := func(ctx context.Context, page int) ([]*github.PullRequestReview, *github.Response, error) {
		return g.client.PullRequests.ListReviews(ctx, owner, name, number, &github.ListOptions{Page: page, PerPage: perPage})
	}
	err := paginate(ctx, listing{sink: sink}, fetch, func(_ int, rs []*github.PullRequestReview) (bool, error) {
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
		return true, nil
	})
	switch {
	case errors.Is(err, errNotModified):
		return nil, sink, nil
	case err != nil:
		return nil, nil, fmt.Errorf("collector: listing reviews of %s/%s#%d: %w", owner, name, number, apiErr(err))
	}
	return cs, sink, nil
}

// issues reads issues (not pull requests) updated since the cursor.
func (g *GitHubSource) issues(ctx context.Context, owner, name, key string) error {
	l, err := g.listingState(ctx, key+"/issues")
	if err != nil {
		return err
	}
	sink := newValidators()
	opts := &github.IssueListByRepoOptions{State: "all", Sort: "updated", Direction: "desc"}
	if l.resuming() && !l.since.IsZero() {
		opts.Since = l.since // as page 1 left it, below
	}
	fetch := func(ctx context.Context, page int) ([]*github.Issue, *github.Response, error) {
		opts.ListOptions = github.ListOptions{Page: page, PerPage: perPage}
		return g.client.Issues.ListByRepo(ctx, owner, name, opts)
	}
	err = paginate(ctx, l.listing(sink), fetch, func(page int, list []*github.Issue) (bool, error) {
		reachedKnown := false
		var cs []storage.Contribution
		for _, is := range list {
			updated := is.GetUpdatedAt().Time
			if !l.since.IsZero() && updated.Before(l.since) {
				reachedKnown = true
				continue
			}
			l.see(updated)
			if is.IsPullRequest() || is.GetCreatedAt().IsZero() {
				continue
			}
			cs = append(cs, storage.Contribution{
				RepositoryKey: key, Kind: storage.KindIssue, ExtID: strconv.Itoa(is.GetNumber()),
				At: is.GetCreatedAt().Time, Login: is.GetUser().GetLogin(), ClosedAt: is.GetClosedAt().Time,
			})
		}
		if page == 1 && !l.since.IsZero() {
			// Sorted by update, the "since" listing is a prefix of this
			// one, so its second page continues the first.
			opts.Since = l.since
		}
		_, err := g.store.AddContributions(ctx, cs, l.checkpoint(page, opts.Since))
		return !reachedKnown && err == nil, err
	})
	switch {
	case errors.Is(err, errNotModified), hasStatus(err, http.StatusGone):
		// 410: issues are turned off for the repository.
		return nil
	case err != nil:
		return fmt.Errorf("collector: listing issues of %s/%s: %w", owner, name, apiErr(err))
	}
	return g.finish(ctx, l, optStamp(l.newest), sink)
}

// releases reads published releases; after the first complete pass, only
// until a page holds a release already known.
func (g *GitHubSource) releases(ctx context.Context, owner, name, key string) error {
	l, err := g.listingState(ctx, key+"/releases")
	if err != nil {
		return err
	}
	complete := l.cursor != ""
	sink := newValidators()
	fetch := func(ctx context.Context, page int) ([]*github.RepositoryRelease, *github.Response, error) {
		return g.client.Repositories.ListReleases(ctx, owner, name, &github.ListOptions{Page: page, PerPage: perPage})
	}
	err = paginate(ctx, l.listing(sink), fetch, func(page int, list []*github.RepositoryRelease) (bool, error) {
		var rs []storage.Release
		for _, r := range list {
			if r.GetDraft() || r.GetPublishedAt().IsZero() {
				continue
			}
			l.see(r.GetPublishedAt().Time)
			rs = append(rs, storage.Release{RepositoryKey: key, ExtID: strconv.FormatInt(r.GetID(), 10),
				Tag: r.GetTagName(), Name: r.GetName(), PublishedAt: r.GetPublishedAt().Time})
		}
		added, err := g.store.AddReleases(ctx, rs, l.checkpoint(page, time.Time{}))
		if err != nil {
			return false, err
		}
		return !complete || added == len(rs), nil
	})
	switch {
	case errors.Is(err, errNotModified):
		return nil
	case err != nil:
		return fmt.Errorf("collector: listing releases of %s/%s: %w", owner, name, apiErr(err))
	}
	cur := optStamp(l.newest)
	if cur == "" {
		cur = "none"
	}
	return g.finish(ctx, l, cur, sink)
}

// finish ends a listing whose data is stored: its cursor first (ending
// the listing under way), then the validators of its first page. In this
// order a crash costs requests, never data: an ETag kept for data that was
// lost would hide it for ever.
func (g *GitHubSource) finish(ctx context.Context, l *listingState, cursor string, sink *validators) error {
	if err := g.store.PutSyncState(ctx, storage.SyncState{Resource: l.res, Cursor: cursor}); err != nil {
		return err
	}
	return sink.commit(ctx, g.store)
}

// parseStamp reads a stored cursor; anything else is "no cursor".
func parseStamp(s string) time.Time {
	t, err := storage.ParseStamp(s)
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
