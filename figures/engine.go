package figures

// The compute engine: every figure is computed through cachedOn, which
// keeps its result while the storage domains it depends on are unchanged,
// makes concurrent requests for one figure share one computation, and
// runs the computations not cached in a bounded pool.

import (
	"container/heap"
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
	for shared := 0; ; shared++ {
		if c.pool.holds(ctx) || shared == maxShared {
			// A figure computed from other figures holds a slot of the
			// pool: waiting for another computation, which may itself
			// wait for a slot, could wait for ever.
			res, err = compute()
		} else {
			res, err, _ = c.flight.Do(fmt.Sprintf("%s\x00%v", key, st), compute)
		}
		// A shared computation runs under the context of the request
		// that began it, and stops when that one leaves; those still
		// waiting for it begin another.
		if shared < maxShared && ctx.Err() == nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
			continue
		}
		break
	}
	if err != nil {
		return zero, err
	}
	return res.(T), nil
}

// maxShared is how many shared computations a request joins, each
// stopped because the request that began it left, before it computes
// the figure under its own context.
const maxShared = 2

// ErrBusy is returned when a figure would wait for its turn longer than
// the pool's deadline: the caller should ask again in a few seconds (the
// web answers 503 with Retry-After). Figures already cached never wait.
var ErrBusy = errors.New("figures: too many figures are being computed; try again in a few seconds")

// RetryAfter is how long a caller refused with ErrBusy should wait.
const RetryAfter = 5 * time.Second

// queueDeadline is how long a computation may wait for its turn. The
// queue is bounded by this time rather than by a count: a request waits
// while the wait it can expect is under it, and is refused at once when
// it is not, or when its wait runs out.
const queueDeadline = 5 * time.Second

// maxWaitingPerWorker bounds the waiting computations whatever the
// estimate says (before the first computation there is none): each
// waiting request holds its connection and what its page computed so far.
const maxWaitingPerWorker = 64

// pool bounds the figure computations running at once, so that requests
// for figures nobody asked for before (a date or a window of their own)
// cannot take every processor from the pages that are cached: the rest
// wait in a queue for at most its deadline. A page computes several
// figures one after another; the queue serves the request that came
// first before later ones, so that a page of many figures is not sent
// to the back for each, and few pages are half computed at a time.
type pool struct {
	workers  int
	maxWait  time.Duration
	maxQueue int

	mu      sync.Mutex
	busy    int // slots held
	queue   waiters
	waiting int // len(queue)
	seq     uint64
	// took is the moving average of how long a slot is held, from which
	// the wait of the next in the queue is estimated.
	took time.Duration
	// A figure computed from other figures asks for them with the context
	// it was asked with; a computation holding a slot must not wait for a
	// second one (with every slot so held, none would ever be freed), so
	// slots are counted per context.
	held map[context.Context]*holding
	// arrived is when each request (context) first asked for a slot,
	// kept until the request ends.
	arrived map[context.Context]time.Time
}

// holding is a context's slot: how many computations share it and since
// when it is held.
type holding struct {
	n     int
	since time.Time
}

// waiter is a computation in the queue; ready is closed when it is given
// a slot (index is then -1).
type waiter struct {
	arrived time.Time
	seq     uint64
	ready   chan struct{}
	index   int
}

// waiters is a heap: the request that arrived first, then the
// computation that asked first.
type waiters []*waiter

func (q waiters) Len() int { return len(q) }
func (q waiters) Less(i, j int) bool {
	if !q[i].arrived.Equal(q[j].arrived) {
		return q[i].arrived.Before(q[j].arrived)
	}
	return q[i].seq < q[j].seq
}
func (q waiters) Swap(i, j int) { q[i], q[j] = q[j], q[i]; q[i].index = i; q[j].index = j }
func (q *waiters) Push(x any)   { w := x.(*waiter); w.index = len(*q); *q = append(*q, w) }
func (q *waiters) Pop() any {
	old := *q
	w := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	w.index = -1
	return w
}

// maxArrivals bounds the requests whose arrival is kept; beyond it, a
// request queues by the arrival of its computation.
const maxArrivals = 10_000

func newPool(workers int, deadline time.Duration) *pool {
	if workers <= 0 {
		workers = max(2, runtime.GOMAXPROCS(0)/2)
	}
	if deadline <= 0 {
		deadline = queueDeadline
	}
	return &pool{workers: workers, maxWait: deadline, maxQueue: maxWaitingPerWorker * workers,
		held: map[context.Context]*holding{}, arrived: map[context.Context]time.Time{}}
}

// expectedWait is how long one more computation in the queue can expect
// to wait: the computations before it, spread over the workers. p.mu is
// held.
func (p *pool) expectedWait() time.Duration {
	return p.took * time.Duration(p.waiting+1) / time.Duration(p.workers)
}

// arrival is when the request of ctx first asked for a slot. p.mu is
// held.
func (p *pool) arrival(ctx context.Context, now time.Time) time.Time {
	if t, ok := p.arrived[ctx]; ok {
		return t
	}
	// A context that never ends (a command's) is not kept.
	if ctx.Done() != nil && len(p.arrived) < maxArrivals {
		p.arrived[ctx] = now
		context.AfterFunc(ctx, func() {
			p.mu.Lock()
			delete(p.arrived, ctx)
			p.mu.Unlock()
		})
	}
	return now
}

// acquire waits for a slot for a computation under ctx, and returns its
// release; ErrBusy when the expected wait is past the deadline or the
// wait runs out, ctx's error when the caller left.
func (p *pool) acquire(ctx context.Context) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	release := func() { p.release(ctx) }
	now := time.Now()
	p.mu.Lock()
	if h := p.held[ctx]; h != nil {
		h.n++
		p.mu.Unlock()
		return release, nil
	}
	arrived := p.arrival(ctx, now)
	if p.busy < p.workers && p.waiting == 0 {
		p.busy++
		p.held[ctx] = &holding{n: 1, since: now}
		p.mu.Unlock()
		return release, nil
	}
	if p.waiting >= p.maxQueue || p.expectedWait() > p.maxWait {
		p.mu.Unlock()
		return nil, ErrBusy
	}
	p.seq++
	w := &waiter{arrived: arrived, seq: p.seq, ready: make(chan struct{})}
	heap.Push(&p.queue, w)
	p.waiting++
	p.mu.Unlock()
	t := time.NewTimer(p.maxWait)
	defer t.Stop()
	var err error
	select {
	case <-w.ready:
	case <-ctx.Done():
		err = ctx.Err()
	case <-t.C:
		err = ErrBusy
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		if w.index >= 0 {
			heap.Remove(&p.queue, w.index)
			p.waiting--
			return nil, err
		}
		// Given a slot as it gave up: the next has it.
		p.handOff()
		return nil, err
	}
	p.held[ctx] = &holding{n: 1, since: time.Now()}
	return release, nil
}

// handOff gives a slot freed to the first in the queue. p.mu is held.
func (p *pool) handOff() {
	if len(p.queue) == 0 {
		p.busy--
		return
	}
	w := heap.Pop(&p.queue).(*waiter)
	p.waiting--
	close(w.ready)
}

// holds reports whether a computation under ctx holds a slot.
func (p *pool) holds(ctx context.Context) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.held[ctx] != nil
}

func (p *pool) release(ctx context.Context) {
	p.mu.Lock()
	defer p.mu.Unlock()
	h := p.held[ctx]
	h.n--
	if h.n == 0 {
		delete(p.held, ctx)
		// A quarter of the newest: quick to follow a change of load,
		// not thrown by one slow figure.
		p.took += (time.Since(h.since) - p.took) / 4
		p.handOff()
	}
}

// LimitComputations sets how many figures are computed at once and how
// long one may wait for its turn before ErrBusy (0: the defaults, half
// the processors but at least two, and queueDeadline).
func (c *Calculator) LimitComputations(workers int, deadline time.Duration) {
	c.pool = newPool(workers, deadline)
}
