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
	"log/slog"
	"net/http"
	"strings"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/figures"
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
	endpoints []Endpoint
	license   string               // the Link header naming the data licence
	answers   *precompressed.Cache // answers by data version and parameters
}

// New builds the API and its routes.
func New(o Options) *API {
	a := &API{cfg: o.Config, calc: o.Figures, log: o.Log, now: o.Now, opts: o, mux: http.NewServeMux(),
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
	a.publicCodeRoutes()
	a.collectorRoutes()
	a.openAPIRoutes()
	a.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		Error(w, http.StatusNotFound, "", "no such endpoint: "+r.URL.Path)
	})
}

// today is the default date of every figure: the date in Denmark.
func (a *API) today() civil.Date { return civil.Today(a.now()) }

// adminOnly lets a request through only with the admin token as a bearer
// token ("Authorization: Bearer …", the scheme in any case).
func (a *API) adminOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if a.opts.AdminToken == "" {
			Error(w, http.StatusForbidden, "", "admin endpoints are off: set the environment variable named by server.admin_token_env")
			return
		}
		if !BearerMatches(r, a.opts.AdminToken) {
			Error(w, http.StatusUnauthorized, "", "missing or wrong admin token")
			return
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
