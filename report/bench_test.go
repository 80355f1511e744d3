package report

import (
	"context"
	"io"
	"testing"

	"os2pulse/figures"
	"os2pulse/figures/figurestest"
	"os2pulse/locale"
)

// BenchmarkAnnualReport computes the 2025 report of the example portfolio
// from scratch and writes it as HTML.
func BenchmarkAnnualReport(b *testing.B) {
	store, cfg := figurestest.Example(b, "sqlite")
	b.ReportAllocs()
	for b.Loop() {
		rep, err := figures.New(store.ReadOnly(), cfg).ProduceReport(context.Background(), 2025, figurestest.ExampleClock)
		if err != nil {
			b.Fatal(err)
		}
		if err := Write(io.Discard, cfg, rep, "html", locale.DA); err != nil {
			b.Fatal(err)
		}
	}
}
