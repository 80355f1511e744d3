package collector

import (
	"context"

	"github.com/google/go-github/v60/github"
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
