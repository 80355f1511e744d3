package metrics

import (
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"os2pulse/figures/figurestest"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

func TestMetricsEvidence(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		f := figurestest.Portfolio(t, store)
		c := NewCollector(f.Figures, slog.New(slog.DiscardHandler)).(*metricsCollector)
		c.now = func() time.Time { return figurestest.Now }
		got := gathered(t, c)
		for series, v := range map[string]float64{
			// os2forms: commits in the year under OS2Forms, run by four
			// municipalities; its files never checked.
			`os2pulse_product_requirement_evidence{product="os2forms",requirement="F1",verdict="found"}`:       1,
			`os2pulse_product_requirement_evidence{product="os2forms",requirement="F1",verdict="not_found"}`:   0,
			`os2pulse_product_requirement_evidence{product="os2forms",requirement="F1",verdict="cannot_tell"}`: 0,
			`os2pulse_product_requirement_evidence{product="os2forms",requirement="R3",verdict="found"}`:       1,
			`os2pulse_product_requirement_evidence{product="os2forms",requirement="F2",verdict="cannot_tell"}`: 1,
			`os2pulse_product_requirement_evidence{product="os2forms",requirement="F2",verdict="found"}`:       0,
			// os2display has no repository collected.
			`os2pulse_product_requirement_evidence{product="os2display",requirement="F1",verdict="cannot_tell"}`: 1,
		} {
			if g, ok := got[series]; !ok || g != v {
				t.Errorf("%s = %v (present %v), want %v", series, g, ok, v)
			}
		}
		// Only the checked requirements: 9 per product, 3 verdicts each.
		if n, want := testutil.CollectAndCount(c, "os2pulse_product_requirement_evidence"), len(f.Config.Products)*9*3; n != want {
			t.Errorf("%d evidence series, want %d", n, want)
		}
		problems, err := testutil.CollectAndLint(c, "os2pulse_product_requirement_evidence")
		if err != nil || len(problems) > 0 {
			t.Fatalf("lint: %v %v", problems, err)
		}
	})
}
