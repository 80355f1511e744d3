package dashboard

import (
	"net/http/httptest"
	"testing"
	"time"

	"os2pulse/figures"
	"os2pulse/figures/figurestest"
)

// BenchmarkOverviewPage renders the overview of the example portfolio with
// cached figures.
func BenchmarkOverviewPage(b *testing.B) {
	store, cfg := figurestest.Example(b, "sqlite")
	h := newServer(cfg, figures.New(store.ReadOnly(), cfg), func() time.Time { return figurestest.ExampleClock }).Handler()
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
