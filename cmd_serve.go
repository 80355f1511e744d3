package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"os2pulse/admin"
	"os2pulse/api"
	"os2pulse/civil"
	"os2pulse/collector"
	"os2pulse/config"
	"os2pulse/dashboard"
	"os2pulse/figures"
	"os2pulse/metrics"
	"os2pulse/storage"
)

// defaultMemoryLimit is serve's soft heap limit when GOMEMLIMIT is unset.
// It leaves room under 300 MiB of RSS for what the Go runtime does not
// count: the binary's pages and SQLite's caches (about 45 MiB at 10x).
const defaultMemoryLimit = 240 << 20

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "serve [-config FILE] [-listen ADDR] [-no-collect]",
		`Applies database migrations, then serves the dashboard, the API (/api/v1/...),
/metrics, /healthz and /readyz, and collects every source at start and then
on its interval. Stops cleanly on SIGINT or SIGTERM: requests in flight and
collection runs end and record how they ended.

Several instances may serve one database (PostgreSQL): every one serves the
same figures, and one at a time collects, holding the collector lease; when
it stops, another takes over within server.collector_lease. Runs left
"running" by an instance that was killed are marked "interrupted".

Memory: unless GOMEMLIMIT is set, the Go runtime keeps the heap under a
soft limit of 240 MiB, collecting garbage sooner as it nears it (a large
portfolio's figures and contribution index need about half of that).`, stderr)
	path := fs.String("config", "", "configuration `file`")
	listen := fs.String("listen", "", "listen `address`, overriding server.listen")
	noCollect := fs.Bool("no-collect", false, "serve only; do not run the collection schedule")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*path, stderr)
	if err != nil {
		return err
	}
	if *listen != "" {
		cfg.Server.Listen = *listen
	}
	log := newLogger(stderr)
	if os.Getenv("GOMEMLIMIT") == "" {
		// A soft limit, not a cap: peaks from reading the contribution
		// index or rendering pages are collected before they grow the
		// process, and the limit is exceeded rather than failing.
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	store, err := openStore(ctx, cfg, readWrite, stderr)
	if err != nil {
		return err
	}
	defer store.Close()

	reg := newRegistry()
	col, lease, err := newCollector(cfg, store, reg, log, nil)
	if err != nil {
		return err
	}
	// Runs an instance left "running" when it was killed say so, rather
	// than running for ever.
	if n, err := store.InterruptOrphanedRuns(ctx); err != nil {
		return err
	} else if n > 0 {
		log.Warn("runs of an instance that stopped marked as interrupted", "runs", n)
	}
	calc := figures.New(store.ReadOnly(), cfg)
	reg.MustRegister(metrics.NewCollector(calc, log))

	// A token too short to guard the admin endpoints stops the server before
	// anything starts.
	token, err := adminToken(cfg)
	if err != nil {
		return err
	}

	// Background work lives as long as the server: shutdown cancels it
	// and waits for it to record how it ended, and so does every other way
	// out, so that nothing it logs outlives the command.
	var bg sync.WaitGroup
	defer bg.Wait()
	bgCtx, stopBG := context.WithCancel(ctx)
	defer stopBG()
	// Contributor figures come from an index of every contribution in
	// memory, which takes seconds to read whole on a large portfolio: it
	// is kept on disk between starts (restored in a fraction of a second,
	// then the rows written since are read), and loads in the background;
	// meanwhile the contributors on one date come from storage
	// (/metrics), and series wait for the load.
	started := time.Now()
	calc.KeepIndexSnapshot(cfg.Storage.IndexSnapshotFile(), log)
	bg.Add(1)
	loaded := calc.LoadIndexInBackground(bgCtx)
	go func() {
		defer bg.Done()
		start := time.Now()
		if err := loaded(); err != nil {
			if bgCtx.Err() == nil {
				log.Error("contribution index not loaded; the next contributor figure loads it", "err", err)
			}
			return
		}
		log.Info("contribution index loaded", "took", time.Since(start).Round(time.Millisecond))
	}()
	collect := func(_ context.Context, source string) error {
		err := col.Go(bgCtx, source)
		var busy *collector.BusyError
		var held *collector.LeaseHeldError
		switch {
		case errors.Is(err, collector.ErrUnknownSource):
			return api.ErrUnknownSource
		case errors.As(err, &busy):
			return &api.BusyError{Source: busy.Source, RunID: busy.RunID}
		case errors.As(err, &held):
			return &api.BusyError{Source: source, Holder: held.Holder}
		}
		return err
	}
	authFailures := metrics.NewAuthFailures(reg)
	apiHandler := api.New(api.Options{
		Config: cfg, Figures: calc, Log: log, Collect: collect, AdminToken: token, AuthFailures: authFailures, Sources: col.Sources(),
		TokenLimits: admin.NewTokenLimits(store, nil),
	})
	// The admin pages exist only when someone can log in.
	var adminHandler http.Handler
	if admin.Enabled(cfg, token) {
		adminHandler = admin.New(admin.Options{Config: cfg, Store: store, Figures: calc, Token: token, AuthFailures: authFailures, Log: log})
	}
	srv := dashboard.New(dashboard.Options{
		Config: cfg, Figures: calc, API: apiHandler, Admin: adminHandler, Log: log, Release: Version(),
		Ready:   func(ctx context.Context) error { return serveReady(ctx, store, calc, started) },
		Metrics: promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelError)}),
	})

	ln, err := net.Listen("tcp", cfg.Server.Listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.Server.Listen, err)
	}
	httpSrv := newHTTPServer(srv.Handler(), log)
	log.Info("serving", "address", "http://"+displayAddr(ln.Addr()), "config", cfg.File, "storage", cfg.Storage.Driver,
		"instance", lease.Holder())
	if cfg.Portfolio.Illustrative {
		log.Warn("the configured portfolio data is illustrative; pages say so")
	}

	if !*noCollect {
		bg.Add(2)
		go func() { defer bg.Done(); col.Run(bgCtx) }()
		go func() { defer bg.Done(); keepReports(bgCtx, store, calc, lease, log) }()
	}

	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	var serveErr error
	select {
	case err := <-errc:
		serveErr = fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
		log.Info("shutting down")
		shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := httpSrv.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			serveErr = err
		}
	}
	stopBG()
	bg.Wait()
	col.Wait()
	// The next start reads the index from here, not from all history.
	saveCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := calc.SaveIndexSnapshot(saveCtx); err != nil {
		log.Warn("contribution index snapshot not written at shutdown", "err", err)
	}
	return serveErr
}

// indexReadyWait bounds how long after start /readyz waits for the
// contribution index to be restored from its snapshot.
const indexReadyWait = 3 * time.Second

// serveReady is /readyz: the database answers with a current schema and,
// unless it takes longer than indexReadyWait, the contribution index is
// restored from its snapshot (a fraction of a second), so that the first
// requests sent once ready do not compute contributor figures from
// storage. Without a snapshot to use, the full load goes on in the
// background and the server is ready at once, as before.
func serveReady(ctx context.Context, store *storage.Store, calc *figures.Calculator, started time.Time) error {
	select {
	case <-calc.IndexStarted():
	default:
		if time.Since(started) < indexReadyWait {
			return errors.New("the contribution index is being restored from its snapshot")
		}
	}
	return store.Ready(ctx)
}

// newHTTPServer returns the server for h. Its time limits keep a client
// that sends or reads slowly (slowloris) from holding a connection for
// long: the headers must arrive within 10 s and the whole request within
// 30 s.
func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// keepReports keeps the first copy of each year's figures at the turn of
// the year, checking twice a day, so corrections made later in the
// register are listed in the report against what the register said then.
// Of several instances, the one holding the collector lease does it.
func keepReports(ctx context.Context, store *storage.Store, calc *figures.Calculator, lease *collector.Lease, log *slog.Logger) {
	for {
		kept := false
		held, release, err := lease.Acquire(ctx)
		if err == nil {
			kept, err = keepLastYear(held, store, calc, time.Now())
			release()
		}
		var other *collector.LeaseHeldError
		switch {
		case errors.As(err, &other):
			// The instance collecting keeps them.
		case err != nil && ctx.Err() == nil:
			log.Error("keeping last year's report figures failed", "error", err)
		case kept:
			log.Info("kept a copy of last year's report figures")
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(12 * time.Hour):
		}
	}
}

// keepLastYear keeps the first copy of the year that ended last (by the
// date in Denmark at now), unless one is kept already: the baseline that
// corrections are compared with is the register as it stood at the turn
// of the year.
func keepLastYear(ctx context.Context, store *storage.Store, calc *figures.Calculator, now time.Time) (bool, error) {
	year := civil.Today(now).Year() - 1
	_, err := store.FirstReport(ctx, year)
	switch {
	case err == nil:
		return false, nil
	case !errors.Is(err, storage.ErrNotFound):
		return false, err
	}
	kept, err := keepReport(ctx, store, calc, year, now)
	if errors.Is(err, figures.ErrNoDataForYear) || errors.Is(err, figures.ErrRegisterUnread) {
		// Nothing recorded about last year, or no register to say who
		// ran what: nothing to keep (yet; the next check tries again).
		return false, nil
	}
	return kept, err
}

// minAdminToken is the shortest admin token accepted: a token is all a
// script needs to change the register, so it must not be guessable (32
// characters of "openssl rand -base64 32" are about 190 bits).
const minAdminToken = 32

// adminToken reads the admin bearer token from the environment variable
// the configuration names, without the whitespace a secret file's last
// line leaves. A token shorter than minAdminToken is refused, saying how
// to make one; the token itself is never printed.
func adminToken(cfg *config.Config) (string, error) {
	if cfg.Server.AdminTokenEnv == "" {
		return "", nil
	}
	token := strings.TrimSpace(os.Getenv(cfg.Server.AdminTokenEnv))
	if n := utf8.RuneCountInString(token); token != "" && n < minAdminToken {
		return "", fmt.Errorf("%s: server.admin_token_env: the token in $%s has %d characters; at least %d are needed (make one with: openssl rand -base64 32)",
			cfg.File, cfg.Server.AdminTokenEnv, n, minAdminToken)
	}
	return token, nil
}

func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if host == "::" || host == "0.0.0.0" || host == "" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// newRegistry returns the registry served at /metrics: process and Go
// runtime metrics plus os2pulse_build_info. It is created per server, never
// global.
// sourceNames is the sources collect takes, each collected only when the
// configuration has it, joined by sep.
func sourceNames(sep string) string {
	return strings.Join([]string{config.SourceGitHub, config.SourceGitLab("HOST"), config.SourceRegister, config.SourceActivity, config.SourceSelfEval}, sep)
}

// newCollector builds the collector of serve and collect: the configured
// sources, the collector lease of this instance, metrics in reg, and
// progress written to progress when not nil.
func newCollector(cfg *config.Config, store *storage.Store, reg *prometheus.Registry, log *slog.Logger, progress io.Writer) (*collector.Collector, *collector.Lease, error) {
	sources, err := collector.Sources(cfg, store, reg, log)
	if err != nil {
		return nil, nil, err
	}
	lease := collector.NewLease(store, collector.InstanceID(), cfg.Server.CollectorLease.Duration, log)
	return collector.New(store, lease, sources, collector.NewMetrics(reg), log, progress), lease, nil
}

func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name:        "os2pulse_build_info",
			Help:        "Always 1; labels carry the os2pulse and Go versions.",
			ConstLabels: prometheus.Labels{"version": Version(), "goversion": runtime.Version()},
		}, func() float64 { return 1 }),
	)
	return reg
}

func cmdCollect(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("collect", "collect [-config FILE] [-source all|"+sourceNames("|")+"]",
		`Runs one collection of the chosen source(s), showing progress on stderr, and
exits non-zero if a run failed. A run that finished but had problems with
single repositories or rows ("partial") exits 0 and lists them. Like serve,
it holds the collector lease while it runs: when another instance on the
same database is collecting, it says which and exits 1.`, stderr)
	path := fs.String("config", "", "configuration `file`")
	source := fs.String("source", "all", "source to collect: all, or one of "+sourceNames(", ")+" (when configured)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*path, stderr)
	if err != nil {
		return err
	}
	log := newLogger(stderr)
	store, err := openStore(ctx, cfg, readWrite, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	col, _, err := newCollector(cfg, store, newRegistry(), log, stderr)
	if err != nil {
		return err
	}
	runs, err := col.RunOnce(ctx, *source)
	var held *collector.LeaseHeldError
	if errors.As(err, &held) {
		return fmt.Errorf("%w; run collect again when it is done, or ask it with POST /api/v1/collect", err)
	}
	for _, r := range runs {
		fmt.Fprintf(stdout, "%s: %s, %d requests", r.Source, r.Result, r.Requests)
		if r.Message != "" {
			fmt.Fprintf(stdout, " (%s)", r.Message)
		}
		fmt.Fprintln(stdout)
		for _, e := range r.Errors {
			fmt.Fprintf(stdout, "  %s: %s\n", e.Item, e.Error)
		}
	}
	return err
}
