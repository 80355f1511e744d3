package dashboard

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"os2pulse/figures"
)

// Benchmarks on the example portfolio (71 members, 284 register rows, 6,738
// commits) in SQLite. Run with make bench.

// BenchmarkScrapeCached is a /metrics scrape between collections: the
// figures come from the calculator's cache.
func BenchmarkScrapeCached(b *testing.B) {
	store, cfg := exampleStore(b, "sqlite")
	reg := prometheus.NewRegistry()
	c := NewMetricsCollector(figures.New(store, cfg), slog.New(slog.DiscardHandler)).(*metricsCollector)
	c.now = func() time.Time { return reportClock }
	reg.MustRegister(c)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := reg.Gather(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScrapeAfterCollection is the first scrape after new data: every
// figure is computed again.
func BenchmarkScrapeAfterCollection(b *testing.B) {
	store, cfg := exampleStore(b, "sqlite")
	b.ReportAllocs()
	for b.Loop() {
		reg := prometheus.NewRegistry()
		c := NewMetricsCollector(figures.New(store, cfg), slog.New(slog.DiscardHandler)).(*metricsCollector)
		c.now = func() time.Time { return reportClock }
		reg.MustRegister(c)
		if _, err := reg.Gather(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOverviewPage renders the overview with cached figures.
func BenchmarkOverviewPage(b *testing.B) {
	store, cfg := exampleStore(b, "sqlite")
	srv := New(Options{Config: cfg, Store: store, Figures: figures.New(store, cfg), Now: func() time.Time { return reportClock }})
	h := srv.Handler()
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkAnnualReport computes a year's report from scratch.
func BenchmarkAnnualReport(b *testing.B) {
	store, cfg := exampleStore(b, "sqlite")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := figures.New(store, cfg).ProduceReport(context.Background(), 2025, reportClock, false); err != nil {
			b.Fatal(err)
		}
	}
}
