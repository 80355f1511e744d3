package figures

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"time"
)

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
