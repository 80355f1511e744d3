// Package dashboard serves os2pulse over HTTP: the public pages with their
// charts, the JSON/CSV API under /api/v1, /metrics for Prometheus, and the
// /healthz and /readyz probes.
//
// Pages are rendered by html/template from embedded templates; every
// script, style sheet, font and map is served from the binary itself, so a
// page makes no third-party request and sets no cookie.
package dashboard

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"os2pulse/collector"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/storage"
)

// Server is the os2pulse HTTP server.
type Server struct {
	cfg       *config.Config
	store     *storage.Store
	figures   *figures.Calculator
	collector *collector.Collector
	registry  *prometheus.Registry
	log       *slog.Logger
	now       func() time.Time
	mux       *http.ServeMux
}

// Options are what a Server is built from.
type Options struct {
	Config    *config.Config
	Store     *storage.Store
	Figures   *figures.Calculator
	Collector *collector.Collector // may be nil: POST /api/v1/collect is then off
	Registry  *prometheus.Registry // served at /metrics; may be nil
	Log       *slog.Logger
	Now       func() time.Time // clock for "today"; time.Now when nil
}

// New builds a server and its routes.
func New(o Options) *Server {
	s := &Server{
		cfg:       o.Config,
		store:     o.Store,
		figures:   o.Figures,
		collector: o.Collector,
		registry:  o.Registry,
		log:       o.Log,
		now:       o.Now,
		mux:       http.NewServeMux(),
	}
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
func (s *Server) Handler() http.Handler {
	return securityHeaders(s.mux)
}

func (s *Server) handle(pattern string, h http.HandlerFunc) { s.mux.HandleFunc(pattern, h) }

func (s *Server) routes() {
	s.handle("GET /healthz", s.healthz)
	s.handle("GET /readyz", s.readyz)
	if s.registry != nil {
		s.mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{
			ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelError),
		}))
	}
	s.handle("POST /api/v1/collect", s.adminOnly(s.collectTrigger))
	s.mux.Handle("GET /static/", staticHandler())
	s.mux.Handle("GET /static/geo/dk_municipalities.json", geoHandler())
	s.apiRoutes()
	s.pageRoutes()
}

// healthz says the process is up.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// readyz says the database answers and its schema is current.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.store.Ping(ctx); err != nil {
		http.Error(w, "database unreachable: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	if err := s.store.CheckSchema(ctx); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ready\n"))
}

// adminOnly lets a request through only with the admin token (from the
// environment variable the config names) as a bearer token.
func (s *Server) adminOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token := ""
		if s.cfg.Server.AdminTokenEnv != "" {
			token = os.Getenv(s.cfg.Server.AdminTokenEnv)
		}
		if token == "" {
			apiError(w, http.StatusForbidden, "", "admin endpoints are off: set the environment variable named by server.admin_token_env")
			return
		}
		got := r.Header.Get("Authorization")
		if subtle.ConstantTimeCompare([]byte(got), []byte("Bearer "+token)) != 1 {
			apiError(w, http.StatusUnauthorized, "", "missing or wrong admin token")
			return
		}
		h(w, r)
	}
}

// collectTrigger starts a collection run in the background.
func (s *Server) collectTrigger(w http.ResponseWriter, r *http.Request) {
	if s.collector == nil {
		apiError(w, http.StatusServiceUnavailable, "", "no collector in this server")
		return
	}
	source := r.URL.Query().Get("source")
	go func() {
		if _, err := s.collector.RunOnce(context.WithoutCancel(r.Context()), source); err != nil {
			s.log.Error("triggered collection failed", "source", source, "error", err)
		}
	}()
	writeJSON(w, r, http.StatusAccepted, map[string]string{"status": "started", "source": source})
}

// securityHeaders sets headers every response carries. Pages set their
// own Content-Security-Policy with a per-response nonce; this default
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
