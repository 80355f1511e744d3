package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"os2pulse/collector"
	"os2pulse/dashboard"
	"os2pulse/figures"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "serve [-config FILE] [-listen ADDR] [-no-collect]",
		`Applies database migrations, then serves the dashboard, the API (/api/v1/...),
/metrics, /healthz and /readyz, and collects every source at start and then
on its interval. Stops cleanly on SIGINT or SIGTERM.`, stderr)
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
	store, err := openStore(ctx, cfg, true, stderr)
	if err != nil {
		return err
	}
	defer store.Close()

	reg := newRegistry()
	metrics := collector.NewMetrics(reg)
	sources, err := collector.Sources(cfg, store, reg, log)
	if err != nil {
		return err
	}
	col := collector.New(store, sources, metrics, log, nil)
	calc := figures.New(store, cfg)
	reg.MustRegister(dashboard.NewMetricsCollector(calc, log))
	srv := dashboard.New(dashboard.Options{Config: cfg, Store: store, Figures: calc, Collector: col, Registry: reg, Log: log})

	ln, err := net.Listen("tcp", cfg.Server.Listen)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.Server.Listen, err)
	}
	httpSrv := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	log.Info("serving", "address", "http://"+displayAddr(ln.Addr()), "config", cfg.File, "storage", cfg.Storage.Driver)
	if cfg.Portfolio.Illustrative {
		log.Warn("the configured portfolio data is illustrative; pages say so")
	}

	colCtx, stopCol := context.WithCancel(ctx)
	colDone := make(chan struct{})
	go func() {
		defer close(colDone)
		if !*noCollect {
			col.Run(colCtx)
		}
	}()

	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	select {
	case err := <-errc:
		stopCol()
		<-colDone
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = httpSrv.Shutdown(shutCtx)
	stopCol()
	<-colDone
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
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
	fs := newFlags("collect", "collect [-config FILE] [-source all|github|register|activity]",
		`Runs one collection of the chosen source(s), showing progress on stderr, and
exits non-zero if a run failed. A run that finished but had problems with
single repositories or rows ("partial") exits 0 and lists them.`, stderr)
	path := fs.String("config", "", "configuration `file`")
	source := fs.String("source", "all", "source to collect: all, github, register or activity")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*path, stderr)
	if err != nil {
		return err
	}
	log := newLogger(stderr)
	store, err := openStore(ctx, cfg, true, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	reg := newRegistry()
	sources, err := collector.Sources(cfg, store, reg, log)
	if err != nil {
		return err
	}
	col := collector.New(store, sources, collector.NewMetrics(reg), log, stderr)
	runs, err := col.RunOnce(ctx, *source)
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
