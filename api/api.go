// Package api serves os2pulse's figures as data at /api/v1: every GET
// endpoint answers JSON, and CSV when ".csv" is appended to its path. Each
// endpoint is one call of figure, which reads the parameters, asks the
// figures package and writes the answer, so every endpoint handles bad
// parameters (400 naming the parameter), errors (500, details only in the
// log) and caching (ETag, 304) the same way.
package api

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/metrics"
	"os2pulse/precompressed"
)

// CollectFunc starts a collection of source ("" or "all" for every one)
// in the background. It returns ErrUnknownSource or a *BusyError when it
// cannot.
type CollectFunc func(ctx context.Context, source string) error

// ErrUnknownSource is CollectFunc's error for a source that is not
// configured.
var ErrUnknownSource = errors.New("unknown source")

// BusyError is CollectFunc's error while a run of the source is under
// way, here or (Holder set) on another instance holding the collector
// lease.
type BusyError struct {
	Source string
	RunID  string // "" while the run is starting, or on another instance
	Holder string // the instance collecting, when it is another one
}

func (e *BusyError) Error() string {
	if e.Holder != "" {
		return "instance " + e.Holder + " is collecting; ask it, or try again when it is done"
	}
	return "a collection of " + e.Source + " is already running"
}

// Options are what an API is built from.
type Options struct {
	Config  *config.Config
	Figures *figures.Calculator
	Log     *slog.Logger
	Now     func() time.Time // the clock for "today"; time.Now when nil
	// Collect starts a collection for POST /api/v1/collect; nil turns the
	// endpoint off.
	Collect CollectFunc
	// AdminToken is the bearer token POST /api/v1/collect asks for; empty
	// turns the endpoint off.
	AdminToken string
	// Sources are the names of the sources Collect knows, which the
	// OpenAPI document lists as collect's allowed values; nil: any name.
	Sources []string
	// AuthFailures counts refused tokens for /metrics; nil counts
	// nothing.
	AuthFailures *metrics.AuthFailures
	// TokenLimits slows refused tokens per address; nil: not slowed.
	TokenLimits TokenLimits
	// CacheBytes is the memory computed answers may hold;
	// DefaultCacheBytes when 0.
	CacheBytes int
}

// DefaultCacheBytes is the memory answers may hold when
// Options.CacheBytes is 0.
const DefaultCacheBytes = 16 << 20

// API is the /api/v1 handler.
type API struct {
	cfg       *config.Config
	calc      *figures.Calculator
	log       *slog.Logger
	now       func() time.Time
	opts      Options
	mux       *http.ServeMux
	methods   map[string][]string // the methods each path answers, for 405's Allow
	endpoints []Endpoint
	license   string               // the Link header naming the data licence
	answers   *precompressed.Cache // answers by parameters and the versions of what they read
	// onCompute, when set, is called each time an answer is computed
	// rather than served from the cache (tests count them with it).
	onCompute func(path string)
}

// New builds the API and its routes.
func New(o Options) *API {
	a := &API{cfg: o.Config, calc: o.Figures, log: o.Log, now: o.Now, opts: o, mux: http.NewServeMux(), methods: map[string][]string{},
		license: LicenseLink(o.Config.Portfolio.DataLicense, o.Config.Portfolio.DataLicenseURL)}
	if a.now == nil {
		a.now = time.Now
	}
	budget := o.CacheBytes
	if budget <= 0 {
		budget = DefaultCacheBytes
	}
	a.answers = precompressed.NewCache(budget)
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	a.routes()
	return a
}

// ServeHTTP serves /api/v1/...; mount it at "/api/". Every answer names
// the data licence in its Link header.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Link", a.license)
	a.mux.ServeHTTP(w, r)
}

func (a *API) routes() {
	a.adoptionRoutes()
	a.contributorRoutes()
	a.goalRoutes()
	a.healthRoutes()
	a.evidenceRoutes()
	a.publicCodeRoutes()
	a.collectorRoutes()
	a.openAPIRoutes()
	a.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		if methods, ok := a.methods[r.URL.Path]; ok {
			allow := strings.Join(methods, ", ")
			w.Header().Set("Allow", allow)
			Error(w, http.StatusMethodNotAllowed, "", r.Method+" is not allowed here; use "+allow)
			return
		}
		Error(w, http.StatusNotFound, "", "no such endpoint: "+r.URL.Path)
	})
}

// handle registers h for method and path, and notes the method for the
// Allow header of a 405 to any other: the catch-all 404 would otherwise
// answer a wrong method on a path that exists.
func (a *API) handle(method, path string, h http.HandlerFunc) {
	a.mux.HandleFunc(method+" "+path, h)
	a.methods[path] = append(a.methods[path], method)
	if method == http.MethodGet {
		a.methods[path] = append(a.methods[path], http.MethodHead)
	}
}

// today is the default date of every figure: the date in Denmark.
func (a *API) today() civil.Date { return civil.Today(a.now()) }

// TokenLimits slows refused bearer tokens per address, with the count
// kept where every instance sees it (admin.TokenLimits, over the
// database).
type TokenLimits interface {
	// Wait says how long addr must still wait before its next token is
	// looked at (0: it need not), and how many were refused in a row.
	Wait(ctx context.Context, addr string) (time.Duration, int, error)
	// Refused counts a refused token from addr.
	Refused(ctx context.Context, addr string) error
	// Accepted forgets addr's refusals (failures is Wait's count).
	Accepted(ctx context.Context, addr string, failures int) error
}

// adminOnly lets a request through only with the admin token as a bearer
// token ("Authorization: Bearer …", the scheme in any case). A wrong
// token is logged with the address (never the token), counted, and
// slowed per address.
func (a *API) adminOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if a.opts.AdminToken == "" {
			Error(w, http.StatusForbidden, "", "admin endpoints are off: set the environment variable named by server.admin_token_env")
			return
		}
		addr, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			addr = r.RemoteAddr
		}
		limits := a.opts.TokenLimits
		failures := 0
		if limits != nil {
			var wait time.Duration
			wait, failures, err = limits.Wait(r.Context(), addr)
			if err != nil {
				a.log.Error("reading token limits failed", "error", err)
				Error(w, http.StatusInternalServerError, "", "internal error")
				return
			}
			if wait > 0 {
				secs := max(int(math.Ceil(wait.Seconds())), 1)
				w.Header().Set("Retry-After", strconv.Itoa(secs))
				Error(w, http.StatusTooManyRequests, "", fmt.Sprintf("too many wrong admin tokens from this address; try again in %d seconds", secs))
				return
			}
		}
		if !BearerMatches(r, a.opts.AdminToken) {
			if r.Header.Get("Authorization") != "" {
				// Who tried, never what: the header is a secret.
				a.log.Warn("admin token refused", "path", r.URL.Path, "address", addr, "failures", failures+1)
				a.opts.AuthFailures.Add(metrics.ViaToken)
				if limits != nil {
					if err := limits.Refused(r.Context(), addr); err != nil {
						a.log.Error("counting a refused token failed", "error", err)
					}
				}
			}
			Error(w, http.StatusUnauthorized, "", "missing or wrong admin token")
			return
		}
		if limits != nil && failures > 0 {
			if err := limits.Accepted(r.Context(), addr, failures); err != nil {
				a.log.Warn("forgetting refused tokens failed", "error", err)
			}
		}
		h(w, r)
	}
}

// BearerMatches reports whether the request carries token as its bearer
// token. The scheme is matched in any case (RFC 9110 §11.1) and the token
// in constant time.
func BearerMatches(r *http.Request, token string) bool {
	scheme, got, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(token)) == 1
}
