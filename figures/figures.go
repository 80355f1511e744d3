// Package figures computes every figure os2pulse reports, each from one
// function with one definition, from what storage holds. The API, the
// pages, /metrics, goals and the annual report all ask this package, so a
// figure means the same everywhere.
//
// Results are cached per version of what they are computed from (the
// domains of storage.Versions, and for contributor figures their own
// repositories' rows): asking again for a figure that no write has changed
// since costs one small query, and a write drops only the figures it
// changes.
package figures

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"os2pulse/config"
	"os2pulse/contribindex"
	"os2pulse/storage"
)

// Calculator computes figures for one portfolio.
type Calculator struct {
	// store is the read side of storage: figures cannot write, so neither
	// can a page or the API that asks them.
	store *storage.Reader
	cfg   *config.Config

	pool *pool // bounds the computations of figures not cached
	// flight makes concurrent requests for one figure not cached share one
	// computation.
	flight singleflight.Group

	mu    sync.Mutex
	cache map[string]cacheEntry

	// ix keeps the contribution index, which contributor figures are
	// computed from.
	ix *contribindex.Keeper
}

// New returns a calculator reading store for the portfolio in cfg.
func New(store *storage.Reader, cfg *config.Config) *Calculator {
	c := &Calculator{store: store, cfg: cfg, cache: map[string]cacheEntry{}, pool: newPool(0, 0)}
	c.ix = contribindex.NewKeeper(store, c.resolver)
	return c
}

// Config returns the portfolio configuration.
func (c *Calculator) Config() *config.Config { return c.cfg }

// Ratio divides safely: 0 when the denominator is 0.
func Ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// LastSuccess returns when each source last finished a successful or
// partial run.
func (c *Calculator) LastSuccess(ctx context.Context) (map[string]time.Time, error) {
	vs, err := c.store.DomainVersions(ctx)
	if err != nil {
		return nil, err
	}
	return c.lastSuccessOn(ctx, vs)
}

// lastSuccessOn is LastSuccess with the data versions already read.
func (c *Calculator) lastSuccessOn(ctx context.Context, vs storage.Versions) (map[string]time.Time, error) {
	return cachedOn(ctx, c, vs, "last-success", depRuns, "", func() (map[string]time.Time, error) {
		return c.store.LastSuccess(ctx)
	})
}

// DataVersion is a number that changes whenever stored data may have
// changed: what pages key their ETags on.
func (c *Calculator) DataVersion(ctx context.Context) (int64, error) {
	return c.store.DataVersion(ctx)
}
