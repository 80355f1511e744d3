// Package dashboard is os2pulse's web site: the public pages with their
// charts, in Danish and English, and the HTTP server that also mounts the
// API (/api/v1), /metrics and the /healthz and /readyz probes.
//
// Pages are rendered by html/template from embedded templates; scripts,
// styles and the map come from the assets package, so a page makes no
// third-party request and sets no cookie. Pages only read: every figure
// comes from the figures package.
package dashboard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"os2pulse/api"
	"os2pulse/assets"
	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/precompressed"
)

// DefaultPageCacheBytes is the memory the rendered pages may hold when
// Options.PageCacheBytes is 0.
const DefaultPageCacheBytes = 32 << 20

// Server is the os2pulse HTTP server.
type Server struct {
	cfg     *config.Config
	figures *figures.Calculator
	api     *api.API
	metrics http.Handler
	admin   http.Handler
	ready   func(ctx context.Context) error
	// notReady is the reason /readyz last gave for not being ready, so
	// that a probe polling every few milliseconds logs it once, not each
	// time.
	notReady struct {
		sync.Mutex
		reason string
	}
	log        *slog.Logger
	now        func() time.Time
	configHash string
	mux        *http.ServeMux
	pages      *precompressed.Cache
	version    *versionReader
	// pageReads are the data domains each page reads, by route pattern.
	pageReads map[string]figures.Domains
	release   string
	// onRender, when set, is called each time a page is rendered rather
	// than served from the cache (tests count renders with it).
	onRender func(key string)
}

// Options are what a Server is built from.
type Options struct {
	Config  *config.Config
	Figures *figures.Calculator
	API     *api.API     // served at /api/; nil: no API
	Metrics http.Handler // served at /metrics; nil: no metrics
	// Admin serves the admin pages at /admin/ and the census pages at
	// /census/; nil: neither exists (404), as when no admin and no token
	// are configured.
	Admin http.Handler
	// Ready reports whether the server can answer (the database reachable,
	// its schema current), for /readyz; nil: always ready.
	Ready func(ctx context.Context) error
	Log   *slog.Logger
	Now   func() time.Time // clock for "today"; time.Now when nil
	// PageCacheBytes is the memory rendered pages may hold;
	// DefaultPageCacheBytes when 0.
	PageCacheBytes int
	// Release is os2pulse's version, shown in every page's footer; empty:
	// none shown.
	Release string
}

// New builds a server and its routes.
func New(o Options) *Server {
	s := &Server{
		cfg:        o.Config,
		figures:    o.Figures,
		api:        o.API,
		metrics:    o.Metrics,
		admin:      o.Admin,
		ready:      o.Ready,
		log:        o.Log,
		now:        o.Now,
		configHash: configHash(o.Config),
		release:    o.Release,
		mux:        http.NewServeMux(),
		pageReads:  map[string]figures.Domains{},
	}
	if o.Release != "" {
		// The footer shows the release: pages of another release are
		// other pages.
		sum := sha256.Sum256([]byte(o.Release))
		s.configHash += hex.EncodeToString(sum[:4])
	}
	budget := o.PageCacheBytes
	if budget <= 0 {
		budget = DefaultPageCacheBytes
	}
	s.pages = precompressed.NewCache(budget)
	s.version = newVersionReader(s.figures.Versions)
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.routes()
	return s
}

// Handler returns the server's root handler with the security headers
// every response carries.
func (s *Server) Handler() http.Handler { return securityHeaders(s.mux) }

func (s *Server) routes() {
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	if s.metrics != nil {
		s.mux.Handle("GET /metrics", s.metrics)
	}
	if s.api != nil {
		// Every common method, not just those the API has: it answers a
		// wrong one with 405 and the methods of the path asked. (A
		// pattern without a method would conflict with "GET /".)
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions} {
			s.mux.Handle(m+" /api/", s.api)
		}
	}
	if s.admin != nil {
		s.mux.Handle("GET /admin/", s.admin)
		s.mux.Handle("POST /admin/", s.admin)
		s.mux.Handle("GET /admin", http.RedirectHandler("/admin/", http.StatusMovedPermanently))
		// The organisations' census pages come with the admin pages,
		// which open the census.
		s.mux.Handle("GET /census/", s.admin)
		s.mux.Handle("POST /census/", s.admin)
	}
	s.mux.Handle("GET /static/", assets.Handler())
	// The maps' data moved to the API; old links keep working.
	s.mux.HandleFunc("GET /data/municipalities.csv", func(w http.ResponseWriter, r *http.Request) {
		target := "/api/v1/municipalities.csv"
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
	})
	s.pageRoutes()
}

// today is the default date of every page: the date in Denmark.
func (s *Server) today() civil.Date { return civil.Today(s.now()) }

// healthz says the process is up.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok\n"))
}

// readyz says whether the database answers with a current schema. What
// is wrong goes to the log, not to whoever asks: a database error can name
// hosts and users.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if s.ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		err := s.ready(ctx)
		s.sawReadiness(err)
		if err != nil {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
	}
	w.Write([]byte("ready\n"))
}

// sawReadiness logs a reason for not being ready when it differs from the
// last one, and being ready again after one.
func (s *Server) sawReadiness(err error) {
	reason := ""
	if err != nil {
		reason = err.Error()
	}
	s.notReady.Lock()
	last := s.notReady.reason
	s.notReady.reason = reason
	s.notReady.Unlock()
	switch {
	case reason != "" && reason != last:
		s.log.Warn("not ready", "error", err)
	case reason == "" && last != "":
		s.log.Info("ready")
	}
}

// securityHeaders sets headers every response carries. Pages set their
// own Content-Security-Policy with the nonce they were rendered with; this default
// covers everything else.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		h.ServeHTTP(w, r)
	})
}
