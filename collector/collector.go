// Package collector gathers observations from the portfolio's sources (the
// GitHub API, GitLab instances' API, the adoption register, git log
// exports) into storage, once (RunOnce) or on a schedule (Run).
//
// Both forges are read through one HTTP transport (transport.go: ETags,
// capped bodies, the token only to the API host, rate limits, retries).
// GitHub through go-github on that transport; GitLab through a small
// client of its own (gitlab_client.go), not gitlab.com/gitlab-org/api/
// client-go, which wraps every http.Client in go-retryablehttp with
// retries and 429 handling of its own that would sit above the
// transport's (see GitLabSource).
package collector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"os2pulse/storage"
)

// Source is one kind of data the collector gathers.
type Source interface {
	// Name is the source's name in runs, metrics and -source flags.
	Name() string
	// Interval is how often Run collects the source.
	Interval() time.Duration
	// Collect gathers what is new. Problems with single items (a
	// repository, a file) go to rec and do not stop the run; a returned
	// error means the run failed as a whole.
	Collect(ctx context.Context, rec *Recorder) error
}

// Recorder collects what a run did, for the run record, progress and
// metrics. It is safe for concurrent use.
type Recorder struct {
	mu        sync.Mutex
	requests  int
	remaining int
	errs      []storage.RunError
	progress  *Progress
}

// Request counts one HTTP request and the rate-limit budget it reported
// (-1 if none).
func (r *Recorder) Request(remaining int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	if remaining >= 0 {
		r.remaining = remaining
	}
}

// ItemError records a problem with one item that did not stop the run.
func (r *Recorder) ItemError(item string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, storage.RunError{Item: item, Error: err.Error()})
}

// Requests returns the number of requests made so far.
func (r *Recorder) Requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests
}

// RateLimitRemaining returns the last reported rate-limit budget, -1 if
// none was reported.
func (r *Recorder) RateLimitRemaining() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.remaining
}

// Errors returns the item errors recorded so far.
func (r *Recorder) Errors() []storage.RunError {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]storage.RunError(nil), r.errs...)
}

// Progress returns the run's progress reporter (never nil).
func (r *Recorder) Progress() *Progress { return r.progress }

// Metrics are the collector's operational instruments.
type Metrics struct {
	Runs     *prometheus.CounterVec
	Duration *prometheus.HistogramVec
}

// NewMetrics creates the instruments and registers them on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "os2pulse_collector_runs_total",
			Help: "Collection runs by source and result (success, partial, failure).",
		}, []string{"source", "result"}),
		Duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "os2pulse_collector_run_duration_seconds",
			Help:    "Duration of collection runs by source.",
			Buckets: []float64{0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600},
		}, []string{"source"}),
	}
	reg.MustRegister(m.Runs, m.Duration)
	return m
}

// Collector runs sources and records each run in storage. Every run
// holds the collector lease, so of several instances on one database only
// one collects at a time.
type Collector struct {
	store    *storage.Store
	lease    *Lease
	sources  []Source
	metrics  *Metrics
	log      *slog.Logger
	progress io.Writer

	mu      sync.Mutex        // one run of a source at a time
	running map[string]string // source → id of its run under way ("" while it starts)
	bg      sync.WaitGroup    // runs started by Go
}

// New returns a collector over the given sources, holding lease while it
// runs (nil: a lease of a new instance with the default period). metrics
// may be nil; progress (may be nil) receives human-readable progress
// lines.
func New(store *storage.Store, lease *Lease, sources []Source, metrics *Metrics, log *slog.Logger, progress io.Writer) *Collector {
	if lease == nil {
		lease = NewLease(store, InstanceID(), DefaultLeasePeriod, log)
	}
	return &Collector{store: store, lease: lease, sources: sources, metrics: metrics, log: log, progress: progress, running: map[string]string{}}
}

// Sources returns the names of the configured sources.
func (c *Collector) Sources() []string {
	var names []string
	for _, s := range c.sources {
		names = append(names, s.Name())
	}
	return names
}

// ErrUnknownSource is returned for a source that is not configured.
var ErrUnknownSource = errors.New("collector: no such source")

// BusyError is returned when a run of a source is already under way.
type BusyError struct {
	Source string
	RunID  string // "" while the run is starting
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("collector: a run of %s is already under way", e.Source)
}

// selected returns the sources name stands for ("" or "all": every one).
func (c *Collector) selected(name string) ([]Source, error) {
	var out []Source
	for _, s := range c.sources {
		if name == "" || name == "all" || s.Name() == name {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w %q (have %v)", ErrUnknownSource, name, c.Sources())
	}
	return out, nil
}

// reserve marks the sources as running, or returns a *BusyError naming the
// first that is.
func (c *Collector) reserve(srcs []Source) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range srcs {
		if id, ok := c.running[s.Name()]; ok {
			return &BusyError{Source: s.Name(), RunID: id}
		}
	}
	for _, s := range srcs {
		c.running[s.Name()] = ""
	}
	return nil
}

func (c *Collector) release(s Source) {
	c.mu.Lock()
	delete(c.running, s.Name())
	c.mu.Unlock()
}

// RunOnce collects the named sources ("" or "all" for every one), one after
// another, and returns the runs. It fails if any run failed, and with a
// *LeaseHeldError when another instance is collecting.
func (c *Collector) RunOnce(ctx context.Context, name string) ([]storage.Run, error) {
	srcs, err := c.selected(name)
	if err != nil {
		return nil, err
	}
	if err := c.reserve(srcs); err != nil {
		return nil, err
	}
	held, release, err := c.lease.Acquire(ctx)
	if err != nil {
		c.releaseAll(srcs)
		return nil, err
	}
	defer release()
	return c.runReserved(held, srcs)
}

// Go starts a collection of the named sources in the background under ctx
// and returns at once: ErrUnknownSource, a *BusyError while one of them
// runs, a *LeaseHeldError while another instance collects, or nil. Wait
// waits for the runs it started; cancelling ctx stops them, and each still
// records how it ended.
func (c *Collector) Go(ctx context.Context, name string) error {
	srcs, err := c.selected(name)
	if err != nil {
		return err
	}
	if err := c.reserve(srcs); err != nil {
		return err
	}
	held, release, err := c.lease.Acquire(ctx)
	if err != nil {
		c.releaseAll(srcs)
		return err
	}
	c.bg.Add(1)
	go func() {
		defer c.bg.Done()
		defer release()
		if _, err := c.runReserved(held, srcs); err != nil && held.Err() == nil {
			c.log.Error("triggered collection failed", "source", name, "error", err)
		}
	}()
	return nil
}

func (c *Collector) releaseAll(srcs []Source) {
	for _, s := range srcs {
		c.release(s)
	}
}

// Wait waits for the runs started by Go.
func (c *Collector) Wait() { c.bg.Wait() }

func (c *Collector) runReserved(ctx context.Context, srcs []Source) ([]storage.Run, error) {
	var runs []storage.Run
	var errs []error
	for i, s := range srcs {
		if ctx.Err() != nil {
			// Shutting down: the sources not reached are not run.
			c.releaseAll(srcs[i:])
			errs = append(errs, context.Cause(ctx))
			break
		}
		r, err := c.runSource(ctx, s)
		runs = append(runs, r)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.Name(), err))
		}
	}
	return runs, errors.Join(errs...)
}

// runSource runs one source that reserve has marked as running, and
// releases it.
func (c *Collector) runSource(ctx context.Context, s Source) (storage.Run, error) {
	defer c.release(s)
	run, err := c.store.StartRun(ctx, s.Name(), c.lease.Holder())
	if err != nil {
		return run, err
	}
	c.mu.Lock()
	c.running[s.Name()] = run.ID
	c.mu.Unlock()
	start := time.Now()
	rec := &Recorder{remaining: -1, progress: NewProgress(c.progress, s.Name())}
	c.log.Info("collection started", "source", s.Name(), "run", run.ID)
	cerr := s.Collect(ctx, rec)
	rec.progress.Done()

	run.Requests = rec.Requests()
	run.RateLimitRemaining = rec.RateLimitRemaining()
	run.Errors = rec.Errors()
	switch {
	case cerr != nil:
		if cause := context.Cause(ctx); errors.Is(cerr, context.Canceled) && cause != nil {
			cerr = cause // e.g. the lease was lost
		}
		run.Result = storage.RunFailure
		run.Message = cerr.Error()
	case len(run.Errors) > 0:
		run.Result = storage.RunPartial
		run.Message = fmt.Sprintf("%d item(s) failed", len(run.Errors))
	default:
		run.Result = storage.RunSuccess
	}
	// Record the end even when ctx was cancelled (shutdown), so no run is
	// left "running".
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := c.store.FinishRun(fctx, run); err != nil {
		return run, err
	}
	if c.metrics != nil {
		c.metrics.Runs.WithLabelValues(s.Name(), run.Result).Inc()
		c.metrics.Duration.WithLabelValues(s.Name()).Observe(time.Since(start).Seconds())
	}
	c.log.Info("collection finished", "source", s.Name(), "result", run.Result,
		"requests", run.Requests, "item_errors", len(run.Errors), "duration", time.Since(start).Round(time.Millisecond))
	for _, e := range run.Errors {
		// One entry per item: an error listing problems (a refused file)
		// says how many and the first on its first line.
		first, _, _ := strings.Cut(e.Error, "\n")
		c.log.Warn("collection item failed", "source", s.Name(), "item", e.Item, "error", first)
	}
	return run, cerr
}

// Run collects while this instance holds the collector lease: every
// source when it takes the lease, then each at its interval, with a little
// jitter so that installations do not poll in lock-step. While another
// instance holds the lease, Run waits to take it over. It returns when ctx
// is done.
func (c *Collector) Run(ctx context.Context) {
	waitingFor := ""
	for ctx.Err() == nil {
		held, release, err := c.lease.Acquire(ctx)
		var other *LeaseHeldError
		switch {
		case errors.As(err, &other):
			if other.Holder != waitingFor {
				c.log.Info("another instance is collecting; this one serves and stands by", "holder", other.Holder)
				waitingFor = other.Holder
			}
		case err != nil:
			if ctx.Err() == nil {
				c.log.Error("unable to ask for the collector lease", "error", err)
			}
		default:
			waitingFor = ""
			c.schedule(held)
			release()
			if ctx.Err() == nil {
				c.log.Warn("collection stopped", "reason", context.Cause(held))
			}
			continue
		}
		select {
		case <-ctx.Done():
		case <-time.After(c.lease.retryEvery()):
		}
	}
}

// schedule collects every source at once and then at its interval until
// ctx is done.
func (c *Collector) schedule(ctx context.Context) {
	var wg sync.WaitGroup
	for _, s := range c.sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				err := c.reserve([]Source{s})
				var busy *BusyError
				switch {
				case errors.As(err, &busy):
					// Started over HTTP a moment ago: that run counts.
				case err == nil:
					_, err = c.runSource(ctx, s)
					if err != nil && ctx.Err() == nil {
						c.log.Error("collection failed", "source", s.Name(), "error", err)
					}
				}
				jitter := time.Duration(rand.Int64N(int64(s.Interval()/10) + 1))
				select {
				case <-ctx.Done():
					return
				case <-time.After(s.Interval() + jitter):
				}
			}
		}()
	}
	wg.Wait()
}
