package metrics

import (
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"os2pulse/figures"
	"os2pulse/figures/figurestest"
)

// Benchmarks on the example portfolio (71 members, 284 register rows, 6,738
// commits) in SQLite. Run with make bench.

// BenchmarkScrapeCached is a /metrics scrape between collections: the
// figures come from the calculator's cache.
func BenchmarkScrapeCached(b *testing.B) {
	store, cfg := figurestest.Example(b, "sqlite")
	reg := prometheus.NewRegistry()
	c := NewCollector(figures.New(store.ReadOnly(), cfg), slog.New(slog.DiscardHandler)).(*metricsCollector)
	c.now = func() time.Time { return figurestest.ExampleClock }
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
	store, cfg := figurestest.Example(b, "sqlite")
	b.ReportAllocs()
	for b.Loop() {
		reg := prometheus.NewRegistry()
		c := NewCollector(figures.New(store.ReadOnly(), cfg), slog.New(slog.DiscardHandler)).(*metricsCollector)
		c.now = func() time.Time { return figurestest.ExampleClock }
		reg.MustRegister(c)
		if _, err := reg.Gather(); err != nil {
			b.Fatal(err)
		}
	}
}
