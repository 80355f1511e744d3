package collector

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/go-github/v60/github"

	"os2pulse/storage"
)

// perPage is GitHub's largest page: fewer requests for the same data.
const perPage = 100

// pageFetcher asks GitHub for one page of a listing (page 0 is the first,
// left out of the URL as GitHub's own links do).
type pageFetcher[T any] func(ctx context.Context, page int) ([]T, *github.Response, error)

// pageHandler receives each page in order; it returns false to stop before
// the next page.
type pageHandler[T any] func(page int, items []T) (more bool, err error)

// listing is how paginate reads one listing.
type listing struct {
	// sink receives the validators of the first page's 200 answer, for
	// the caller to store once the data is stored. Without a sink the
	// first page is unconditional too.
	sink *validators
	// from is the first page to read: a listing resumed after a restart
	// continues after the pages it stored (0 or 1: from the start).
	from int
}

// paginate reads a GitHub listing page by page, following the Link
// header. The first page is conditional (If-None-Match with the stored
// ETag): a 304 on it means the listing is unchanged and paginate returns
// errNotModified without calling handle. Later pages are unconditional:
// a 304 there would carry no Link header to continue from.
//
// A handler that stores each page together with the page's number (see
// progress) makes the listing resumable: GitHub's listings are newest
// first, so what arrives meanwhile pushes items to later pages, and a
// listing resumed at page n+1 reads some items twice but misses none.
func paginate[T any](ctx context.Context, l listing, fetch pageFetcher[T], handle pageHandler[T]) error {
	for page := max(l.from, 1); ; {
		items, resp, err := fetch(pageContext(ctx, l.sink, page), pageParam(page))
		if page == 1 && l.sink != nil && notModified(err) {
			return errNotModified
		}
		if err != nil {
			return err
		}
		more, err := handle(page, items)
		if err != nil {
			return err
		}
		if !more || resp.NextPage == 0 {
			return nil
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
// validators going to sink, and later pages (or every page, without a
// sink) unconditional.
func pageContext(ctx context.Context, sink *validators, page int) context.Context {
	if page <= 1 && sink != nil {
		return withRequestOpts(ctx, requestOpts{sink: sink})
	}
	return withRequestOpts(ctx, requestOpts{unconditional: true})
}

// listingState is what is stored about one listing of a repository
// (its commits, pull requests, issues or releases): the cursor of the
// last complete listing, and the listing under way when a run stopped.
type listingState struct {
	res    string
	cursor string    // as stored
	since  time.Time // the cursor as a time; zero before the first complete listing
	resume progress  // the listing under way; zero: none
	newest time.Time // the newest date seen, in this listing and before
}

// progress is a listing under way, saved in the transaction of each
// page's rows, so that a restarted run continues after the last page
// stored instead of at page 1.
type progress struct {
	Page   int    `json:"page"`             // pages stored
	Since  string `json:"since,omitempty"`  // the listing's "since" parameter
	Newest string `json:"newest,omitempty"` // the newest date seen so far
	// Next is the address of the page after the last stored, where GitLab
	// listings (keyset or offset) continue.
	Next string `json:"next,omitempty"`
}

// resuming reports whether a listing was under way.
func (l *listingState) resuming() bool { return l.resume.Page > 0 || l.resume.Since != "" }

func (g *GitHubSource) listingState(ctx context.Context, res string) (*listingState, error) {
	return loadListingState(ctx, g.store, res)
}

// loadListingState reads what is stored about the listing res.
func loadListingState(ctx context.Context, store *storage.Store, res string) (*listingState, error) {
	st, err := store.SyncState(ctx, res)
	if err != nil {
		return nil, err
	}
	l := &listingState{res: res, cursor: st.Cursor, since: parseStamp(st.Cursor)}
	if st.Progress != "" && json.Unmarshal([]byte(st.Progress), &l.resume) != nil {
		l.resume = progress{} // unreadable: start the listing again
	}
	l.newest = l.since
	if n := parseStamp(l.resume.Newest); n.After(l.newest) {
		l.newest = n
	}
	return l, nil
}

// see notes a date seen in the listing.
func (l *listingState) see(t time.Time) {
	if t.After(l.newest) {
		l.newest = t
	}
}

// checkpoint is the sync state saying that the listing with this since
// parameter is stored up to page, kept with that page's rows.
func (l *listingState) checkpoint(page int, since time.Time) storage.SyncState {
	b, _ := json.Marshal(progress{Page: page, Since: optStamp(since), Newest: optStamp(l.newest)})
	return storage.SyncState{Resource: l.res, Cursor: l.cursor, Progress: string(b)}
}

// unchanged is the sync state of a listing with no listing under way.
func (l *listingState) unchanged() storage.SyncState {
	return storage.SyncState{Resource: l.res, Cursor: l.cursor}
}

// listing reads the listing from its start, conditionally with sink, or,
// when one was under way, after its last page stored.
func (l *listingState) listing(sink *validators) listing {
	if l.resuming() {
		return listing{from: l.resume.Page + 1}
	}
	return listing{sink: sink}
}
