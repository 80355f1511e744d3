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
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"os2pulse/civil"
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

// maxCached bounds the cache; it is dropped whole when full, which is fine
// for figures that take milliseconds to recompute.
const maxCached = 2000

// deps is what a cached figure is computed from: a set of storage domains
// (storage.Domains), in the order of domainOrder.
type deps uint8

const (
	depRegister deps = 1 << iota
	depRepositories
	depActivity
	depRuns
	depAll = depRegister | depRepositories | depActivity | depRuns
)

var domainOrder = [...]string{storage.DomainRegister, storage.DomainRepositories, storage.DomainActivity, storage.DomainRuns}

// cacheStamp tells whether a cached figure is still true: the versions of
// the domains it depends on (0 for the others), and anything finer it was
// computed from (extra).
type cacheStamp struct {
	versions [len(domainOrder)]int64
	extra    string
}

type cacheEntry struct {
	val   any
	stamp cacheStamp
}

func stampOf(vs storage.Versions, d deps, extra string) cacheStamp {
	st := cacheStamp{extra: extra}
	for i, name := range domainOrder {
		if d&(1<<i) != 0 {
			st.versions[i] = vs.Domains[name]
		}
	}
	return st
}

// cachedIn returns the value stored under key while no write to the
// domains d has happened since it was computed, computing it with fn when
// absent (see cachedOn).
func cachedIn[T any](ctx context.Context, c *Calculator, key string, d deps, fn func() (T, error)) (T, error) {
	vs, err := c.store.DomainVersions(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	return cachedOn(ctx, c, vs, key, d, "", fn)
}

// cachedRegister is cachedIn for a figure from the register: kept while
// the register is unchanged and its coverage (RegisterCoverage) is the
// same day, so the runs of other sources (an activity import, a GitHub
// poll) do not throw it away. fn gets the coverage.
func cachedRegister[T any](ctx context.Context, c *Calculator, key string, fn func(coverage civil.Date) (T, error)) (T, error) {
	var zero T
	reg, err := c.RegisterCoverage(ctx)
	if err != nil {
		return zero, err
	}
	vs, err := c.store.DomainVersions(ctx)
	if err != nil {
		return zero, err
	}
	return cachedOn(ctx, c, vs, key, depRegister, reg.String(), func() (T, error) { return fn(reg) })
}

// cachedOn returns the value stored under key while the domains in d are
// at the versions vs and extra is the same, computing it with fn when
// absent: in the pool of computations, so it fails with ErrBusy when too
// many are waiting. Concurrent callers asking for the same key and stamp
// share one computation.
func cachedOn[T any](ctx context.Context, c *Calculator, vs storage.Versions, key string, d deps, extra string, fn func() (T, error)) (T, error) {
	var zero T
	st := stampOf(vs, d, extra)
	c.mu.Lock()
	if hit, ok := c.cache[key]; ok && hit.stamp == st {
		c.mu.Unlock()
		return hit.val.(T), nil
	}
	c.mu.Unlock()
	compute := func() (any, error) {
		release, err := c.pool.acquire(ctx)
		if err != nil {
			return zero, err
		}
		res, err := func() (T, error) {
			defer release()
			return fn()
		}()
		if err != nil {
			return zero, err
		}
		c.mu.Lock()
		if len(c.cache) >= maxCached {
			c.cache = map[string]cacheEntry{}
		}
		c.cache[key] = cacheEntry{val: res, stamp: st}
		c.mu.Unlock()
		return res, nil
	}
	var res any
	var err error
	if c.pool.holds(ctx) {
		// A figure computed from other figures holds a slot of the pool:
		// waiting for another computation, which may itself wait for a
		// slot, could wait for ever.
		res, err = compute()
	} else {
		res, err, _ = c.flight.Do(fmt.Sprintf("%s\x00%v", key, st), compute)
	}
	if err != nil {
		return zero, err
	}
	return res.(T), nil
}

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
	return cachedIn(ctx, c, "last-success", depRuns, func() (map[string]time.Time, error) {
		return c.store.LastSuccess(ctx)
	})
}

// StoreProducts is the configured products as storage keeps them
// (Store.SyncProducts).
func StoreProducts(cfg *config.Config) []storage.Product {
	var ps []storage.Product
	for _, p := range cfg.Products {
		ps = append(ps, storage.Product{ID: p.ID, Name: p.Name, GovernanceLevel: p.LatestLevel(), Focus: p.Focus})
	}
	return ps
}

// DataVersion is a number that changes whenever stored data may have
// changed: what pages key their ETags on.
func (c *Calculator) DataVersion(ctx context.Context) (int64, error) {
	return c.store.DataVersion(ctx)
}
