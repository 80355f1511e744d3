package collector

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"os2pulse/storage"
)

// GitHubMetrics are the GitHub collector's request instruments.
type GitHubMetrics struct {
	// Requests counts HTTP requests to GitHub by status code ("error" when
	// no answer came, e.g. a timeout).
	Requests *prometheus.CounterVec
	// RateLimitRemaining is the request budget GitHub last reported. It is
	// a vector without labels so that it has no sample until GitHub has
	// reported one: a 0 before the first request would fire alerts.
	RateLimitRemaining *prometheus.GaugeVec
}

// NewGitHubMetrics creates the instruments and registers them on reg (nil:
// not registered). Registering twice on one registry reuses the first
// instruments, so building sources twice in one process is harmless.
func NewGitHubMetrics(reg prometheus.Registerer) *GitHubMetrics {
	m := &GitHubMetrics{
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "os2pulse_github_requests_total",
			Help: "HTTP requests made to the GitHub API by status code; 304 answers cost no rate-limit budget.",
		}, []string{"code"}),
		RateLimitRemaining: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "os2pulse_github_rate_limit_remaining",
			Help: "Requests left in the current GitHub rate-limit window, as GitHub last reported; absent until GitHub has been asked.",
		}, nil),
	}
	if reg == nil {
		return m
	}
	if err := reg.Register(m.Requests); err != nil {
		var are prometheus.AlreadyRegisteredError
		if !errors.As(err, &are) {
			panic(err)
		}
		m.Requests = are.ExistingCollector.(*prometheus.CounterVec)
	}
	if err := reg.Register(m.RateLimitRemaining); err != nil {
		var are prometheus.AlreadyRegisteredError
		if !errors.As(err, &are) {
			panic(err)
		}
		m.RateLimitRemaining = are.ExistingCollector.(*prometheus.GaugeVec)
	}
	return m
}

// Request options travel in the context, so that go-github's methods can be
// called unchanged while the transport still knows what a request is for.
type ctxKey int

const (
	optsKey ctxKey = iota
	recorderKey
)

type requestOpts struct {
	// unconditional: send no If-None-Match. Used for pages after the first:
	// a 304 on them would carry no Link header to continue from.
	unconditional bool
	// sink receives the validators of 200 answers instead of storage, so
	// that the caller stores them only once the data itself is stored: an
	// ETag kept for data that was lost would hide that data for ever.
	sink *validators
}

func withRequestOpts(ctx context.Context, o requestOpts) context.Context {
	return context.WithValue(ctx, optsKey, o)
}

func requestOptsFrom(ctx context.Context) requestOpts {
	o, _ := ctx.Value(optsKey).(requestOpts)
	return o
}

func withRecorder(ctx context.Context, rec *Recorder) context.Context {
	return context.WithValue(ctx, recorderKey, rec)
}

func recorderFrom(ctx context.Context) *Recorder {
	r, _ := ctx.Value(recorderKey).(*Recorder)
	return r
}

// validators collects the ETag and Last-Modified of 200 answers by URL.
type validators struct {
	mu sync.Mutex
	m  map[string]storage.SyncState
}

func newValidators() *validators { return &validators{m: map[string]storage.SyncState{}} }

func (v *validators) add(url, etag, lastModified string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.m[url] = storage.SyncState{Resource: url, ETag: etag, LastModified: lastModified}
}

// commit stores the collected validators.
func (v *validators) commit(ctx context.Context, store *storage.Store) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, st := range v.m {
		if err := store.PutSyncState(ctx, st); err != nil {
			return err
		}
	}
	v.m = map[string]storage.SyncState{}
	return nil
}

// transport is the http.RoundTripper under the go-github client and the
// GitLab client (one per forge and token). It makes
// every GET conditional with the validators kept in storage, keeps the
// number of requests in flight for the token bounded, pauses when the
// rate-limit budget runs low, waits out secondary limits, and retries
// server errors and timeouts with capped, jittered exponential backoff.
type transport struct {
	base    http.RoundTripper
	store   *storage.Store
	token   string
	apiHost string
	forge   string // in log lines: "github", "gitlab git.magenta.dk"
	display string // in messages: "GitHub", "GitLab (git.magenta.dk)"
	metrics *GitHubMetrics
	log     *slog.Logger

	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error

	timeout     time.Duration // per attempt, body included
	maxAttempts int           // attempts for 5xx and timeouts
	maxWaits    int           // rate-limit waits for one request
	backoffBase time.Duration
	backoffCap  time.Duration
	maxPause    time.Duration // longest wait for a rate limit; longer is suspicious
	reserve     int           // pause when the budget falls to this
	maxBody     int64

	sem chan struct{}

	mu         sync.Mutex
	remaining  int // -1: unknown
	reset      time.Time
	inflight   int
	pauseUntil time.Time
	pauseWhy   string
	noted      time.Time // the pause last announced, so it is announced once
}

func newTransport(base http.RoundTripper, store *storage.Store, token, apiHost string, concurrency int, metrics *GitHubMetrics, log *slog.Logger) *transport {
	if base == nil {
		base = http.DefaultTransport
	}
	if concurrency < 1 {
		concurrency = 1
	}
	return &transport{
		base: base, store: store, token: token, apiHost: apiHost, forge: "github", display: "GitHub", metrics: metrics, log: log,
		now: time.Now, sleep: sleepCtx,
		timeout: 60 * time.Second, maxAttempts: 4, maxWaits: 3,
		backoffBase: time.Second, backoffCap: 30 * time.Second,
		// GitHub's limits last at most their hour: a longer wait is a bad
		// header, or someone between us and GitHub.
		maxPause: time.Hour,
		// With every slot in flight the budget can still drop by this much
		// after the last answer, so pausing here never lets our own
		// requests exhaust it (go-github refuses to send once it has).
		reserve:   concurrency,
		maxBody:   64 << 20,
		sem:       make(chan struct{}, concurrency),
		remaining: -1,
	}
}

// noteTime is how progress notes write the end of a wait: with its date,
// since a wait can pass midnight.
const noteTime = "2006-01-02 15:04:05 UTC"

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	opts := requestOptsFrom(ctx)
	rec := recorderFrom(ctx)
	key := req.URL.String()

	var cond storage.SyncState
	if req.Method == http.MethodGet && !opts.unconditional && t.store != nil {
		st, err := t.store.SyncState(ctx, key)
		if err != nil {
			return nil, err
		}
		cond = st
	}

	retries, waits := 0, 0
	for {
		if err := t.acquire(ctx, rec); err != nil {
			return nil, err
		}
		resp, err := t.attempt(ctx, req, cond)
		remaining := t.release(resp)
		t.count(rec, resp, remaining)

		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if retries+1 >= t.maxAttempts {
				// http.Client wraps this with the method and URL.
				return nil, fmt.Errorf("giving up after %d attempts: %w", retries+1, err)
			}
			if err := t.backoff(ctx, rec, retries, req, err.Error()); err != nil {
				return nil, err
			}
			retries++
			continue
		}

		switch code := resp.StatusCode; {
		case code >= 500:
			if retries+1 >= t.maxAttempts {
				return resp, nil
			}
			if err := t.backoff(ctx, rec, retries, req, resp.Status); err != nil {
				return nil, err
			}
			retries++
			continue
		case code == http.StatusForbidden || code == http.StatusTooManyRequests:
			wait, why := t.rateLimited(resp)
			if wait < 0 || waits >= t.maxWaits {
				return resp, nil
			}
			if wait > t.maxPause {
				// No GitHub limit lasts longer than its hour: a bad
				// header, or someone between us and GitHub. Waiting
				// would stop every repository; this one fails, the
				// others go on. An error, not the answer, so that the
				// client does not hold every later request back either.
				until := t.now().Add(wait)
				if t.log != nil {
					t.log.Warn(t.forge+": suspicious "+why+": not waiting", "url", req.URL.Redacted(), "asked", wait.Round(time.Second),
						"until", until.UTC().Format(time.RFC3339), "cap", t.maxPause)
				}
				if rec != nil {
					rec.Progress().Note("%s asked to wait until %s, longer than %s: suspicious, not waiting", req.URL.Path, until.UTC().Format(noteTime), t.maxPause)
				}
				return nil, &answerError{fmt.Sprintf("%s answered %s and asked to wait %s, until %s, longer than the %s cap: suspicious, not waited for",
					t.display, resp.Status, wait.Round(time.Second), until.UTC().Format(noteTime), t.maxPause)}
			}
			waits++
			t.pause(wait, why)
			continue
		case code == http.StatusOK:
			if etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"); (etag != "" || lm != "") && req.Method == http.MethodGet {
				switch {
				case opts.sink != nil:
					opts.sink.add(key, etag, lm)
				case opts.unconditional:
					// Later pages: their validators are never used.
				case t.store != nil:
					if err := t.store.PutSyncState(ctx, storage.SyncState{Resource: key, ETag: etag, LastModified: lm}); err != nil {
						return nil, err
					}
				}
			}
		}
		return resp, nil
	}
}

// attempt sends one request with its own timeout and reads the whole body
// within it, so a stalled body is a timeout like a stalled connection.
func (t *transport) attempt(ctx context.Context, req *http.Request, cond storage.SyncState) (*http.Response, error) {
	actx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	r := req.Clone(actx)
	if cond.ETag != "" {
		r.Header.Set("If-None-Match", cond.ETag)
	}
	if cond.LastModified != "" {
		r.Header.Set("If-Modified-Since", cond.LastModified)
	}
	// The token goes only to the API host: a redirect elsewhere must not
	// carry it.
	if t.token != "" && strings.EqualFold(r.URL.Host, t.apiHost) {
		r.Header.Set("Authorization", "Bearer "+t.token)
	}
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, t.maxBody+1))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("reading answer: %w", err)
	}
	if int64(len(body)) > t.maxBody {
		return nil, fmt.Errorf("answer larger than %d bytes", t.maxBody)
	}
	if t.token != "" {
		// An answer that quotes the request (a proxy's error page, a
		// misbehaving server) must not carry the token into logs and
		// stored runs.
		body = bytes.ReplaceAll(body, []byte(t.token), []byte("[redacted]"))
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	// The answer belongs to the caller's request, not the clone whose
	// context is cancelled on return.
	resp.Request = req
	if resp.StatusCode == http.StatusOK && strings.Contains(resp.Header.Get("Content-Type"), "json") && !json.Valid(body) {
		// Cut short on the way (a proxy, a reset after the headers):
		// worth another try, like a 5xx.
		return resp, &answerError{fmt.Sprintf("malformed JSON: a %s answer of %d bytes, cut short or not JSON", resp.Status, len(body))}
	}
	return resp, nil
}

// acquire waits until a request may be sent: no pause in force, budget
// above the reserve (or its window reset), and a free slot.
func (t *transport) acquire(ctx context.Context, rec *Recorder) error {
	for {
		t.mu.Lock()
		now := t.now()
		if t.remaining >= 0 && !t.reset.IsZero() && !now.Before(t.reset) {
			t.remaining = -1 // a new window: the next answer tells the budget
		}
		var until time.Time
		why := ""
		switch {
		case now.Before(t.pauseUntil):
			until, why = t.pauseUntil, t.pauseWhy
		case t.remaining >= 0 && t.remaining <= t.reserve && now.Before(t.reset):
			until = t.reset.Add(time.Second)
			if limit := now.Add(t.maxPause); until.After(limit) {
				until = limit
			}
			why = fmt.Sprintf("rate limit low (%d requests left)", t.remaining)
		}
		if until.IsZero() {
			if t.remaining > 0 {
				t.remaining--
			}
			t.inflight++
			t.mu.Unlock()
			break
		}
		announce := !until.Equal(t.noted)
		if announce {
			t.noted = until
		}
		t.mu.Unlock()
		if announce {
			msg := fmt.Sprintf("%s: waiting %s, until %s", why, until.Sub(now).Round(time.Second), until.UTC().Format(noteTime))
			if t.log != nil {
				t.log.Warn(t.forge+": "+why+", waiting", "for", until.Sub(now).Round(time.Second), "until", until.UTC().Format(time.RFC3339))
			}
			if rec != nil {
				rec.Progress().Note("%s", msg)
			}
		}
		if err := t.sleep(ctx, until.Sub(now)); err != nil {
			return err
		}
	}
	select {
	case t.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		t.mu.Lock()
		t.inflight--
		t.mu.Unlock()
		return ctx.Err()
	}
}

// release frees the slot and takes the budget from the answer's headers.
// It returns the remaining budget GitHub reported, -1 if none.
func (t *transport) release(resp *http.Response) int {
	<-t.sem
	t.mu.Lock()
	defer t.mu.Unlock()
	t.inflight--
	if resp == nil {
		return -1
	}
	rem, err := strconv.Atoi(rateHeader(resp.Header, "Remaining"))
	if err != nil {
		return -1
	}
	// Requests still in flight may already have been charged after this
	// answer was written; count them as spent.
	t.remaining = max(rem-t.inflight, 0)
	if reset, err := strconv.ParseInt(rateHeader(resp.Header, "Reset"), 10, 64); err == nil {
		t.reset = time.Unix(reset, 0)
	}
	return rem
}

// rateHeader reads a rate-limit header as GitHub names it
// (X-RateLimit-Remaining) or as GitLab does (RateLimit-Remaining); both
// give the reset as Unix seconds.
func rateHeader(h http.Header, name string) string {
	if v := h.Get("X-RateLimit-" + name); v != "" {
		return v
	}
	return h.Get("RateLimit-" + name)
}

func (t *transport) count(rec *Recorder, resp *http.Response, remaining int) {
	code := "error"
	if resp != nil {
		code = strconv.Itoa(resp.StatusCode)
	}
	if t.metrics != nil {
		t.metrics.Requests.WithLabelValues(code).Inc()
		if remaining >= 0 {
			t.metrics.RateLimitRemaining.WithLabelValues().Set(float64(remaining))
		}
	}
	if rec != nil {
		rec.Request(remaining)
		rec.Progress().Requests(rec.Requests(), rec.RateLimitRemaining())
	}
}

// rateLimited tells whether a 403 or 429 is a rate limit and how long to
// wait, following GitHub's advice: Retry-After when given; else the reset
// time when the budget is spent; else at least a minute. -1: not a rate
// limit (a plain 403: no access).
func (t *transport) rateLimited(resp *http.Response) (time.Duration, string) {
	h := resp.Header
	if s := h.Get("Retry-After"); s != "" {
		if secs, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil && secs >= 0 {
			// Beyond any cap, and too large to multiply safely.
			secs = min(secs, int64(100*t.maxPause/time.Second))
			return time.Duration(secs) * time.Second, "secondary rate limit"
		}
		if at, err := http.ParseTime(s); err == nil {
			return max(at.Sub(t.now()), 0), "secondary rate limit"
		}
	}
	if rateHeader(h, "Remaining") == "0" {
		wait := time.Minute
		if reset, err := strconv.ParseInt(rateHeader(h, "Reset"), 10, 64); err == nil {
			wait = time.Unix(reset, 0).Add(time.Second).Sub(t.now())
		}
		return min(max(wait, 0), t.maxPause), "rate limit exhausted"
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return time.Minute, "too many requests"
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if lb := strings.ToLower(string(body)); strings.Contains(lb, "secondary rate limit") || strings.Contains(lb, "abuse") {
		return time.Minute, "secondary rate limit"
	}
	return -1, ""
}

// pause stops every request of this token for d: GitHub asks clients to
// stop, not only to retry the one request.
func (t *transport) pause(d time.Duration, why string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if until := t.now().Add(d); until.After(t.pauseUntil) {
		t.pauseUntil, t.pauseWhy = until, why
	}
}

// backoff sleeps before retry number n+1: base·2ⁿ capped, with jitter over
// its upper half so that workers do not retry in step.
func (t *transport) backoff(ctx context.Context, rec *Recorder, n int, req *http.Request, why string) error {
	d := t.backoffBase << n
	if d > t.backoffCap || d <= 0 {
		d = t.backoffCap
	}
	d = d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
	if t.log != nil {
		t.log.Warn(t.forge+": retrying", "url", req.URL.Redacted(), "reason", why, "attempt", n+2, "after", d.Round(time.Millisecond))
	}
	if rec != nil {
		rec.Progress().Note("retrying %s after %s (%s)", req.URL.Path, d.Round(time.Millisecond), why)
	}
	return t.sleep(ctx, d)
}
