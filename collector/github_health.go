package collector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"os2pulse/civil"
	"os2pulse/storage"
)

// What the health signals need besides contributions and releases: the
// responses to issues and pull requests (for time to first response) and
// the repository's hygiene. Both keep to the budget: the comment listings
// are one conditional listing per repository each (304 when nothing was
// said), and hygiene is checked at most once a day.

// comments reads the repository's issue and pull request comments
// (GitHub's repository-wide listing) updated since the cursor.
func (g *GitHubSource) comments(ctx context.Context, owner, name, key string) error {
	l, err := g.listingState(ctx, key+"/comments")
	if err != nil {
		return err
	}
	opts := &github.IssueListCommentsOptions{Sort: github.String("updated"), Direction: github.String("desc")}
	if l.resuming() && !l.since.IsZero() {
		opts.Since = &l.since
	}
	fetch := func(ctx context.Context, page int) ([]*github.IssueComment, *github.Response, error) {
		opts.ListOptions = github.ListOptions{Page: page, PerPage: perPage}
		return g.client.Issues.ListComments(ctx, owner, name, 0, opts)
	}
	return responseListing(ctx, g, l, "comments of "+owner+"/"+name, fetch, func(c *github.IssueComment) (storage.Response, time.Time) {
		return storage.Response{RepositoryKey: key, Kind: storage.ResponseComment, ExtID: strconv.FormatInt(c.GetID(), 10),
			Number: numberFromURL(c.GetIssueURL()), Login: c.GetUser().GetLogin(), At: c.GetCreatedAt().Time}, c.GetUpdatedAt().Time
	}, func(since time.Time) { opts.Since = &since })
}

// reviewComments reads the comments on pull requests' diffs (GitHub's
// repository-wide listing) updated since the cursor.
func (g *GitHubSource) reviewComments(ctx context.Context, owner, name, key string) error {
	l, err := g.listingState(ctx, key+"/review-comments")
	if err != nil {
		return err
	}
	opts := &github.PullRequestListCommentsOptions{Sort: "updated", Direction: "desc"}
	if l.resuming() && !l.since.IsZero() {
		opts.Since = l.since
	}
	fetch := func(ctx context.Context, page int) ([]*github.PullRequestComment, *github.Response, error) {
		opts.ListOptions = github.ListOptions{Page: page, PerPage: perPage}
		return g.client.PullRequests.ListComments(ctx, owner, name, 0, opts)
	}
	return responseListing(ctx, g, l, "review comments of "+owner+"/"+name, fetch, func(c *github.PullRequestComment) (storage.Response, time.Time) {
		return storage.Response{RepositoryKey: key, Kind: storage.ResponseReviewComment, ExtID: strconv.FormatInt(c.GetID(), 10),
			Number: numberFromURL(c.GetPullRequestURL()), Login: c.GetUser().GetLogin(), At: c.GetCreatedAt().Time}, c.GetUpdatedAt().Time
	}, func(since time.Time) { opts.Since = since })
}

// responseListing reads a listing sorted by update, newest first, as
// issues does: the first page without "since" (conditional, so unchanged
// it costs nothing), later pages from the cursor on, until a page reaches
// what is known.
func responseListing[T any](ctx context.Context, g *GitHubSource, l *listingState, what string, fetch pageFetcher[T],
	convert func(T) (storage.Response, time.Time), setSince func(time.Time)) error {
	sink := newValidators()
	since := time.Time{}
	if l.resuming() {
		since = l.since
	}
	err := paginate(ctx, l.listing(sink), fetch, func(page int, list []T) (bool, error) {
		reachedKnown := false
		var rs []storage.Response
		for _, it := range list {
			r, updated := convert(it)
			if !l.since.IsZero() && updated.Before(l.since) {
				reachedKnown = true
				continue
			}
			l.see(updated)
			if r.At.IsZero() || r.Number == 0 || r.ExtID == "0" {
				continue
			}
			rs = append(rs, r)
		}
		if page == 1 && !l.since.IsZero() {
			since = l.since
			setSince(since)
		}
		_, err := g.store.AddResponses(ctx, rs, l.checkpoint(page, since))
		return !reachedKnown && err == nil, err
	})
	switch {
	case errors.Is(err, errNotModified), hasStatus(err, http.StatusGone), hasStatus(err, http.StatusNotFound):
		return nil
	case err != nil:
		return fmt.Errorf("collector: listing %s: %w", what, apiErr(err))
	}
	return g.finish(ctx, l, optStamp(l.newest), sink)
}

// numberFromURL reads the issue or pull request number at the end of an
// API address (…/issues/12, …/pulls/12); 0 when there is none.
func numberFromURL(u string) int {
	i := strings.LastIndexByte(u, '/')
	n, err := strconv.Atoi(u[i+1:])
	if err != nil {
		return 0
	}
	return n
}

// hygieneState is when each half of a repository's hygiene was checked.
type hygieneState struct {
	Profile string `json:"profile,omitempty"` // community profile: README, CONTRIBUTING, code of conduct, licence
	Root    string `json:"root,omitempty"`    // the root directory: SECURITY, publiccode.yml
	// PublicCode is the git blob SHA of the publiccode.yml last stored:
	// the root listing gives each file's SHA, so an unchanged file is not
	// read again.
	PublicCode string `json:"publiccode,omitempty"`
}

// hygiene checks what the repository offers newcomers and reusers. The
// first time both halves are read; after that at most one request a day,
// the two halves on alternate days, so a poll adds at most one request
// for hygiene.
func (g *GitHubSource) hygiene(ctx context.Context, owner, name, key string, today civil.Date) error {
	res := key + "/hygiene"
	st, err := g.store.SyncState(ctx, res)
	if err != nil {
		return err
	}
	var hs hygieneState
	if st.Cursor != "" && json.Unmarshal([]byte(st.Cursor), &hs) != nil {
		hs = hygieneState{}
	}
	day := today.String()
	profileDue, rootDue := hs.Profile == "", hs.Root == ""
	if !profileDue && !rootDue && hs.Profile < day && hs.Root < day {
		// One half a day: by the day's parity.
		if today.Time().Unix()/86400%2 == 0 {
			profileDue = true
		} else {
			rootDue = true
		}
	}
	if !profileDue && !rootDue {
		return nil
	}
	prev, err := g.store.LatestHygiene(ctx, today)
	if err != nil {
		return err
	}
	h, changed := prev[key], false
	h.RepositoryKey, h.Day = key, today
	sink := newValidators()
	if profileDue {
		m, _, err := g.client.Repositories.GetCommunityHealthMetrics(withRequestOpts(ctx, requestOpts{sink: sink, unconditional: hs.Profile == ""}), owner, name)
		switch {
		case notModified(err):
		case err != nil && !hasStatus(err, http.StatusNotFound):
			return fmt.Errorf("collector: reading the community profile of %s/%s: %w", owner, name, apiErr(err))
		case err == nil:
			f := m.GetFiles()
			h.Readme, h.Contributing = f.GetReadme() != nil, f.GetContributing() != nil
			h.CodeOfConduct = f.GetCodeOfConduct() != nil || f.GetCodeOfConductFile() != nil
			h.License = ""
			if l := f.GetLicense(); l != nil && l.GetSPDXID() != "NOASSERTION" {
				h.License = l.GetSPDXID()
			}
			changed = true
		}
		hs.Profile = day
	}
	if rootDue {
		_, list, _, err := g.client.Repositories.GetContents(withRequestOpts(ctx, requestOpts{sink: sink, unconditional: hs.Root == ""}), owner, name, "", nil)
		switch {
		case notModified(err):
		case err != nil && !hasStatus(err, http.StatusNotFound):
			return fmt.Errorf("collector: listing the root of %s/%s: %w", owner, name, apiErr(err))
		default:
			h.Security, h.PublicCode = false, false
			var pc *github.RepositoryContent
			for _, c := range list {
				n := strings.ToLower(c.GetName())
				switch {
				case n == "security.md" || n == "security" || n == "security.txt" || n == "security.rst":
					h.Security = true
				case n == "publiccode.yml" || n == "publiccode.yaml":
					h.PublicCode = true
					if pc == nil || n == "publiccode.yml" {
						pc = c
					}
				}
			}
			if pc == nil {
				hs.PublicCode = ""
			} else if err := g.publicCode(ctx, owner, name, key, pc, &hs); err != nil {
				return err
			}
			changed = true
		}
		hs.Root = day
	}
	cur, _ := json.Marshal(hs)
	next := storage.SyncState{Resource: res, Cursor: string(cur)}
	if changed {
		err = g.store.PutHygiene(ctx, h, next)
	} else {
		err = g.store.PutSyncState(ctx, next)
	}
	if err != nil {
		return err
	}
	return sink.commit(ctx, g.store)
}

// publicCode reads the repository's publiccode.yml when the root listing
// shows a version not stored yet, and keeps it. The request is
// conditional, and made only on the days the root is read, so an
// unchanged file costs nothing and a changed one one request a day.
func (g *GitHubSource) publicCode(ctx context.Context, owner, name, key string, c *github.RepositoryContent, hs *hygieneState) error {
	if c.GetSHA() != "" && c.GetSHA() == hs.PublicCode {
		return nil
	}
	sink := newValidators()
	fc, _, _, err := g.client.Repositories.GetContents(withRequestOpts(ctx, requestOpts{sink: sink}), owner, name, c.GetPath(), nil)
	switch {
	case notModified(err):
		hs.PublicCode = c.GetSHA()
		return nil
	case hasStatus(err, http.StatusNotFound):
		return nil // gone since the listing: the next root check says so
	case err != nil:
		return fmt.Errorf("collector: reading %s/%s/%s: %w", owner, name, c.GetPath(), apiErr(err))
	}
	text, err := fc.GetContent()
	if err != nil {
		return fmt.Errorf("collector: reading %s/%s/%s: %w", owner, name, c.GetPath(), err)
	}
	sha := fc.GetSHA()
	if sha == "" {
		sha = c.GetSHA()
	}
	if _, err := g.store.PutPublicCode(ctx, storage.PublicCodeFile{RepositoryKey: key, BlobSHA: sha, Path: c.GetPath(), Content: text}); err != nil {
		return err
	}
	hs.PublicCode = sha
	// Stored: its ETag may be kept.
	return sink.commit(ctx, g.store)
}
