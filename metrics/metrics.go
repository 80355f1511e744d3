// Package metrics exports os2pulse's figures to Prometheus: the business
// figures (members, adoption, contributors, goals) computed at scrape time
// from the figures package, so /metrics, the pages and the API always
// agree.
package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"os2pulse/civil"
	"os2pulse/figures"
)

// metricsCollector exposes the business figures at /metrics. They are
// computed at scrape time as const metrics, so a product removed from the
// configuration leaves no stale series; figures.Calculator caches them per
// data version, so a scrape between collections costs a few small queries.
type metricsCollector struct {
	calc *figures.Calculator
	log  *slog.Logger
	now  func() time.Time

	members, products                          *prometheus.Desc
	adopters, adoptionRatio                    *prometheus.Desc
	threePlus, threePlusRatio                  *prometheus.Desc
	productContributors, portfolioContributors *prometheus.Desc
	window                                     *prometheus.Desc
	productCoverage, portfolioCoverage         *prometheus.Desc
	goalTarget, goalValue                      *prometheus.Desc
	lastSuccess                                *prometheus.Desc
}

// NewCollector returns the collector of os2pulse's business figures
// and collection timestamps, to register on the /metrics registry.
func NewCollector(calc *figures.Calculator, log *slog.Logger) prometheus.Collector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, labels, nil)
	}
	return &metricsCollector{
		calc: calc,
		log:  log,
		now:  time.Now,

		members:               d("os2pulse_members", "OS2 members today (organisations with a current membership period)."),
		products:              d("os2pulse_products", "Products in the portfolio configuration."),
		adopters:              d("os2pulse_product_adopters", "Organisations running the product in production today, by scope: municipalities, members or all.", "product", "scope"),
		adoptionRatio:         d("os2pulse_product_adoption_ratio", "Municipalities running the product in production today divided by the 98 Danish municipalities.", "product"),
		threePlus:             d("os2pulse_members_three_plus_products", "Members running three or more distinct products in production today."),
		threePlusRatio:        d("os2pulse_members_three_plus_products_ratio", "Members running three or more products divided by all members today."),
		productContributors:   d("os2pulse_product_active_contributors", "Distinct persons (bots excluded) with a contribution to the product in the contributor window ending today; absent while the product's data do not reach today.", "product"),
		portfolioContributors: d("os2pulse_portfolio_active_contributors", "Distinct persons with a contribution to any product in the contributor window, each counted once; absent while the portfolio's data do not reach today."),
		productCoverage:       d("os2pulse_contributors_covered_until_timestamp_seconds", "Start (00:00 UTC) of the last day up to which the product's contributor data are known to be complete, as a Unix timestamp; absent while no repository of the product has been collected.", "product"),
		portfolioCoverage:     d("os2pulse_portfolio_contributors_covered_until_timestamp_seconds", "Start (00:00 UTC) of the last day up to which the contributor data of every product are known to be complete, as a Unix timestamp."),
		// Base unit seconds, as Prometheus naming asks (promtool rejects
		// "_days"); dashboards divide by 86400.
		window:      d("os2pulse_active_contributors_window_seconds", "Length of the active-contributor window (window_days × 86400)."),
		goalTarget:  d("os2pulse_goal_target_ratio", "Where a goal should be today on the straight line from its baseline to its target at the deadline, as a fraction of the target (1 at the deadline).", "goal"),
		goalValue:   d("os2pulse_goal_value_ratio", "A goal's current value as a fraction of its target (1 = met).", "goal"),
		lastSuccess: d("os2pulse_collector_last_success_timestamp_seconds", "End time of the source's last successful or partial collection run, as a Unix timestamp.", "source"),
	}
}

func (m *metricsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{m.members, m.products, m.adopters, m.adoptionRatio, m.threePlus,
		m.threePlusRatio, m.productContributors, m.portfolioContributors, m.window, m.productCoverage,
		m.portfolioCoverage, m.goalTarget, m.goalValue, m.lastSuccess} {
		ch <- d
	}
}

func (m *metricsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	today := civil.Today(m.now())
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	fail := func(d *prometheus.Desc, err error) {
		m.log.Error("computing metrics failed", "metric", d.String(), "error", err)
		ch <- prometheus.NewInvalidMetric(d, err)
	}

	cfg := m.calc.Config()
	gauge(m.products, float64(len(cfg.Products)))
	gauge(m.window, float64(cfg.Contributors.WindowDays)*86400)

	if a, err := m.calc.Adoption(ctx, today); err != nil {
		fail(m.adopters, err)
	} else {
		for _, p := range a.Products {
			gauge(m.adopters, float64(p.Adopters.Municipalities), p.ID, "municipalities")
			gauge(m.adopters, float64(p.Adopters.Members), p.ID, "members")
			gauge(m.adopters, float64(p.Adopters.All), p.ID, "all")
			gauge(m.adoptionRatio, p.ShareOfMunicipalities, p.ID)
		}
	}
	if mem, err := m.calc.Members(ctx, today); err != nil {
		fail(m.members, err)
	} else {
		gauge(m.members, float64(mem.Members))
		gauge(m.threePlus, float64(mem.ThreePlus))
		gauge(m.threePlusRatio, mem.ThreePlusShare)
	}
	// A window the data do not reach has no series: a missing series is
	// honest, a 0 is not. The coverage says why.
	if c, err := m.calc.Contributors(ctx, today, cfg.Contributors.WindowDays); err != nil {
		fail(m.portfolioContributors, err)
	} else {
		if c.PortfolioComplete {
			gauge(m.portfolioContributors, float64(c.PortfolioActiveContributors))
		}
		if !c.PortfolioCoveredUntil.IsZero() {
			gauge(m.portfolioCoverage, float64(c.PortfolioCoveredUntil.Time().Unix()))
		}
		for _, p := range c.Products {
			if p.Complete {
				gauge(m.productContributors, float64(p.ActiveContributors), p.ID)
			}
			if !p.CoveredUntil.IsZero() {
				gauge(m.productCoverage, float64(p.CoveredUntil.Time().Unix()), p.ID)
			}
		}
	}
	if goals, err := m.calc.Goals(ctx, today); err != nil {
		fail(m.goalValue, err)
	} else {
		for _, g := range goals {
			gauge(m.goalTarget, g.ExpectedProgress(), g.ID)
			if g.Complete {
				gauge(m.goalValue, g.Progress(), g.ID)
			}
		}
	}
	if last, err := m.calc.LastSuccess(ctx); err != nil {
		fail(m.lastSuccess, err)
	} else {
		for src, t := range last {
			gauge(m.lastSuccess, float64(t.Unix()), src)
		}
	}
}
