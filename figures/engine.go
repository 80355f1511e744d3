package figures

// The compute engine: every figure is computed through cachedOn, which
// keeps its result while the storage domains it depends on are unchanged,
// makes concurrent requests for one figure share one computation, and
// runs the computations not cached in a bounded pool.

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"os2pulse/civil"
	"os2pulse/storage"
)

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
	vs, err := c.store.DomainVersions(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	return cachedRegisterOn(ctx, c, vs, key, fn)
}

// cachedRegisterOn is cachedRegister with the data versions already read:
// a figure asked on many dates (a goal's series) reads them once.
func cachedRegisterOn[T any](ctx context.Context, c *Calculator, vs storage.Versions, key string, fn func(coverage civil.Date) (T, error)) (T, error) {
	reg, err := c.registerCoverageOn(ctx, vs)
	if err != nil {
		var zero T
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

// ErrBusy is returned when more figures are waiting to be computed than
// the queue holds: the caller should ask again in a few seconds (the web
// answers 503 with Retry-After). Figures already cached never wait.
var ErrBusy = errors.New("figures: too many figures are being computed; try again in a few seconds")

// RetryAfter is how long a caller refused with ErrBusy should wait.
const RetryAfter = 5 * time.Second

// pool bounds the figure computations running at once, so that requests
// for figures nobody asked for before (a date or a window of their own)
// cannot take every processor from the pages that are cached: the rest
// wait in a queue of bounded length, for a bounded time.
type pool struct {
	slots   chan struct{}
	queue   int
	maxWait time.Duration

	mu      sync.Mutex
	waiting int
	// A figure computed from other figures asks for them with the context
	// it was asked with; a computation holding a slot must not wait for a
	// second one (with every slot so held, none would ever be freed), so
	// slots are counted per context.
	held map[context.Context]int
}

func newPool(workers, queue int) *pool {
	if workers <= 0 {
		workers = max(2, runtime.GOMAXPROCS(0)/2)
	}
	if queue <= 0 {
		queue = 4 * workers
	}
	return &pool{slots: make(chan struct{}, workers), queue: queue, maxWait: 10 * time.Second, held: map[context.Context]int{}}
}

// acquire waits for a slot for a computation under ctx, and returns its
// release; ErrBusy when the queue is full or the wait too long.
func (p *pool) acquire(ctx context.Context) (func(), error) {
	p.mu.Lock()
	if p.held[ctx] > 0 {
		p.held[ctx]++
		p.mu.Unlock()
		return func() { p.release(ctx) }, nil
	}
	select {
	case p.slots <- struct{}{}:
		p.held[ctx] = 1
		p.mu.Unlock()
		return func() { p.release(ctx) }, nil
	default:
	}
	if p.waiting >= p.queue {
		p.mu.Unlock()
		return nil, ErrBusy
	}
	p.waiting++
	p.mu.Unlock()
	t := time.NewTimer(p.maxWait)
	defer t.Stop()
	var err error
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		err = ctx.Err()
	case <-t.C:
		err = ErrBusy
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.waiting--
	if err != nil {
		return nil, err
	}
	p.held[ctx] = 1
	return func() { p.release(ctx) }, nil
}

// holds reports whether a computation under ctx holds a slot.
func (p *pool) holds(ctx context.Context) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.held[ctx] > 0
}

func (p *pool) release(ctx context.Context) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.held[ctx]--
	if p.held[ctx] == 0 {
		delete(p.held, ctx)
		<-p.slots
	}
}

// LimitComputations sets how many figures are computed at once and how
// many may wait for their turn (0: the defaults, half the processors but
// at least two, and four waiting per computation).
func (c *Calculator) LimitComputations(workers, queue int) {
	c.pool = newPool(workers, queue)
}
