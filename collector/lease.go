package collector

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"os2pulse/storage"
)

// DefaultLeasePeriod is how long another instance waits, at most, before
// it takes over collecting from one that died.
const DefaultLeasePeriod = time.Minute

// Lease is this instance's hold on the collector lease in the database:
// of the instances sharing a database only the holder collects, so GitHub
// is asked once, not once per instance.
//
// Within a period P, the lease is written to last P/2 and renewed every
// P/6, so a holder survives two missed renewals; an instance waiting for
// it asks every P/4, so after the holder dies another takes over within
// P/2 + P/4, less than P. Runs are marked with the holder, and taking the
// lease over marks the runs the previous holder left "running" as
// interrupted.
type Lease struct {
	store  *storage.Store
	holder string
	period time.Duration
	log    *slog.Logger

	mu  sync.Mutex
	cur *hold // nil while this instance does not hold the lease
}

// hold is one uninterrupted period of holding the lease, shared by every
// run of this instance under way.
type hold struct {
	ctx    context.Context // ends when the lease is lost or given up
	cancel context.CancelCauseFunc
	stop   chan struct{} // ends the renewals
	done   chan struct{} // closed when the renewals ended
	refs   int
}

// LeaseHeldError says another instance holds the collector lease.
type LeaseHeldError struct {
	Holder string
	Until  string // when it expires unless renewed (storage stamp)
}

func (e *LeaseHeldError) Error() string {
	return fmt.Sprintf("collector: instance %s is collecting (its lease runs until %s unless renewed)", e.Holder, e.Until)
}

// errLeaseLost is why runs stop when the lease could not be kept.
var errLeaseLost = errors.New("collector: the collector lease was lost")

// NewLease returns a lease on store for the instance holder (see Holder);
// period 0 means DefaultLeasePeriod.
func NewLease(store *storage.Store, holder string, period time.Duration, log *slog.Logger) *Lease {
	if period <= 0 {
		period = DefaultLeasePeriod
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Lease{store: store, holder: holder, period: period, log: log}
}

// InstanceID names this process among the instances on one database: the
// host name, the process id and a random part, so that a restarted
// process (a container's process id is always 1) is a new instance.
func InstanceID() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "os2pulse"
	}
	b := make([]byte, 3)
	rand.Read(b)
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Holder returns this instance's name in the lease and in its runs.
func (l *Lease) Holder() string { return l.holder }

func (l *Lease) ttl() time.Duration        { return l.period / 2 }
func (l *Lease) renewEvery() time.Duration { return l.period / 6 }

// retryEvery is how often an instance that does not hold the lease asks
// for it again.
func (l *Lease) retryEvery() time.Duration { return l.period / 4 }

// Acquire holds the lease for one piece of work: it returns a context
// that ends with ctx or when the lease is lost, and release, which the
// caller must call when done. Work of this instance already holding it
// shares the hold. When another instance holds the lease, Acquire returns
// a *LeaseHeldError.
func (l *Lease) Acquire(ctx context.Context) (context.Context, func(), error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.cur
	if h == nil || h.ctx.Err() != nil {
		lease, ok, err := l.store.AcquireLease(ctx, storage.CollectorLease, l.holder, l.ttl())
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			return nil, nil, &LeaseHeldError{Holder: lease.Holder, Until: lease.ExpiresAt}
		}
		hctx, cancel := context.WithCancelCause(context.Background())
		h = &hold{ctx: hctx, cancel: cancel, stop: make(chan struct{}), done: make(chan struct{})}
		l.cur = h
		go l.renew(h, lease)
		l.log.Info("collector lease taken: this instance collects", "instance", l.holder)
	}
	h.refs++
	wctx, cancel := context.WithCancelCause(ctx)
	stop := context.AfterFunc(h.ctx, func() { cancel(context.Cause(h.ctx)) })
	var once sync.Once
	release := func() {
		once.Do(func() {
			stop()
			cancel(nil)
			l.release(h)
		})
	}
	return wctx, release, nil
}

// release ends one piece of work's share of hold h; the last one gives the
// lease up, so another instance can take it at once.
func (l *Lease) release(h *hold) {
	l.mu.Lock()
	h.refs--
	last := h.refs == 0
	if last {
		close(h.stop)
		if l.cur == h {
			l.cur = nil
		}
	}
	held := l.cur != nil
	l.mu.Unlock()
	if !last {
		return
	}
	<-h.done
	lost := h.ctx.Err() != nil
	h.cancel(nil)
	if lost || held {
		// Lost: not ours to give up. Held anew by later work: still ours.
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.store.ReleaseLease(ctx, storage.CollectorLease, l.holder); err != nil {
		l.log.Warn("unable to give up the collector lease; another instance takes it when it expires", "error", err)
	}
}

// renew keeps the lease while h is held. When a renewal is refused
// (another instance took the lease) or none succeeded before the lease
// expired, the hold's context ends with errLeaseLost.
func (l *Lease) renew(h *hold, lease storage.Lease) {
	defer close(h.done)
	t := time.NewTicker(l.renewEvery())
	defer t.Stop()
	expires, _ := storage.ParseStamp(lease.ExpiresAt)
	for {
		select {
		case <-h.stop:
			return
		case <-t.C:
		}
		// A renewal may wait behind this instance's own writes (SQLite has
		// one writer); it may take until the lease would expire.
		ctx, cancel := context.WithDeadline(context.Background(), expires)
		cur, ok, err := l.store.AcquireLease(ctx, storage.CollectorLease, l.holder, l.ttl())
		cancel()
		switch {
		case err == nil && ok:
			expires, _ = storage.ParseStamp(cur.ExpiresAt)
			continue
		case err == nil:
			l.log.Warn("collector lease taken over by another instance; stopping collection", "instance", l.holder, "holder", cur.Holder)
			h.cancel(fmt.Errorf("%w: instance %s took it over", errLeaseLost, cur.Holder))
			return
		case !time.Now().Before(expires):
			l.log.Error("collector lease expired: it could not be renewed; stopping collection", "instance", l.holder, "error", err)
			h.cancel(fmt.Errorf("%w: unable to renew it: %w", errLeaseLost, err))
			return
		default:
			l.log.Warn("unable to renew the collector lease; trying again", "error", err)
		}
	}
}
