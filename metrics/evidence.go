package metrics

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"os2pulse/civil"
	"os2pulse/figures"
)

func evidenceDesc() *prometheus.Desc {
	return prometheus.NewDesc("os2pulse_product_requirement_evidence",
		"Verdict of the collected data on a governance requirement that data can speak to, today: 1 for the verdict that holds (found, not_found or cannot_tell), 0 for the others.",
		[]string{"product", "requirement", "verdict"}, nil)
}

// collectEvidence exports, per product, the verdict of each checked
// requirement; requirements no check speaks to are left out (always
// cannot_tell), which keeps the series few.
func (m *metricsCollector) collectEvidence(ctx context.Context, today civil.Date, gauge func(*prometheus.Desc, float64, ...string), fail func(*prometheus.Desc, error)) {
	ev, err := m.calc.Evidence(ctx, today)
	if err != nil {
		fail(m.evidence, err)
		return
	}
	for _, p := range ev.Products {
		for _, r := range p.Requirements {
			if r.Check == "" {
				continue
			}
			for _, v := range figures.Verdicts {
				val := 0.0
				if v == r.Verdict {
					val = 1
				}
				gauge(m.evidence, val, p.Product, r.ID, v)
			}
		}
	}
}
