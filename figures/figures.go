// Package figures computes every figure os2pulse reports, each from one
// function with one definition, from what storage holds. The API, the
// pages, /metrics, goals and the annual report all ask this package, so a
// figure means the same everywhere.
//
// Results are cached per storage data version: asking again for a figure
// that no collection has changed since costs one small query.
package figures

import (
	"context"
	"sync"
	"time"

	"os2pulse/config"
	"os2pulse/storage"
)

// Calculator computes figures for one portfolio.
type Calculator struct {
	store *storage.Store
	cfg   *config.Config

	pool *pool // bounds the computations of figures not cached

	mu      sync.Mutex
	version int64
	cache   map[string]any
}

// New returns a calculator over store for the portfolio in cfg.
func New(store *storage.Store, cfg *config.Config) *Calculator {
	return &Calculator{store: store, cfg: cfg, cache: map[string]any{}, pool: newPool(0, 0)}
}

// Store returns the storage the calculator reads.
func (c *Calculator) Store() *storage.Store { return c.store }

// Config returns the portfolio configuration.
func (c *Calculator) Config() *config.Config { return c.cfg }

// maxCached bounds the cache; it is dropped whole when full, which is fine
// for figures that take milliseconds to recompute.
const maxCached = 2000

// cached returns the value stored under key for the current data version,
// computing it with fn when absent: in the pool of computations, so it
// fails with ErrBusy when too many are waiting.
func cached[T any](ctx context.Context, c *Calculator, key string, fn func() (T, error)) (T, error) {
	var zero T
	v, err := c.store.DataVersion(ctx)
	if err != nil {
		return zero, err
	}
	c.mu.Lock()
	if v != c.version || len(c.cache) >= maxCached {
		c.cache = map[string]any{}
		c.version = v
	}
	if hit, ok := c.cache[key]; ok {
		c.mu.Unlock()
		return hit.(T), nil
	}
	c.mu.Unlock()
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
	if c.version == v {
		c.cache[key] = res
	}
	c.mu.Unlock()
	return res, nil
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
	return cached(ctx, c, "last-success", func() (map[string]time.Time, error) {
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
