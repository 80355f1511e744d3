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
	"os2pulse/selfeval"
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
	goalTarget, goalValue, goalStatus          *prometheus.Desc
	lastSuccess                                *prometheus.Desc

	requirements, evaluationFilled                    *prometheus.Desc
	concentration, organizations, largestOrg          *prometheus.Desc
	firstResponse, firstResponseP90, awaitingResponse *prometheus.Desc
	releases, lastReleaseAge                          *prometheus.Desc
	openItems, openItemsAge, hygiene                  *prometheus.Desc
	evidence                                          *prometheus.Desc
	publicCode                                        *prometheus.Desc
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

		members:               d("os2pulse_members", "OS2 members today (organisations with a current membership period); absent until the register has been read."),
		products:              d("os2pulse_products", "Products in the portfolio configuration."),
		adopters:              d("os2pulse_product_adopters", "Organisations running the product in production today, by scope: municipalities, members or all; absent until the register has been read.", "product", "scope"),
		adoptionRatio:         d("os2pulse_product_adoption_ratio", "Municipalities running the product in production today divided by the 98 Danish municipalities; absent until the register has been read.", "product"),
		threePlus:             d("os2pulse_members_three_plus_products", "Members running three or more distinct products in production today; absent until the register has been read."),
		threePlusRatio:        d("os2pulse_members_three_plus_products_ratio", "Members running three or more products divided by all members today; absent until the register has been read."),
		productContributors:   d("os2pulse_product_active_contributors", "Distinct persons (bots excluded) with a contribution to the product in the contributor window ending today; absent while the product's data do not reach today.", "product"),
		portfolioContributors: d("os2pulse_portfolio_active_contributors", "Distinct persons with a contribution to any product in the contributor window, each counted once; absent while the portfolio's data do not reach today."),
		productCoverage:       d("os2pulse_contributors_covered_until_timestamp_seconds", "Start (00:00 UTC) of the last day up to which the product's contributor data are known to be complete, as a Unix timestamp; absent while no repository of the product has been collected.", "product"),
		portfolioCoverage:     d("os2pulse_portfolio_contributors_covered_until_timestamp_seconds", "Start (00:00 UTC) of the last day up to which the contributor data of every product are known to be complete, as a Unix timestamp."),
		// Base unit seconds, as Prometheus naming asks (promtool rejects
		// "_days"); dashboards divide by 86400.
		window:      d("os2pulse_active_contributors_window_seconds", "Length of the active-contributor window (window_days × 86400)."),
		goalTarget:  d("os2pulse_goal_target_ratio", "Where a goal should be today on the straight line from its baseline to its target at the deadline, as a fraction of the target (1 at the deadline).", "goal"),
		goalValue:   d("os2pulse_goal_value_ratio", "A goal's value as a fraction of its target (1 = met): today's, or after the deadline the value on the deadline; absent while its data do not reach that date.", "goal"),
		goalStatus:  d("os2pulse_goal_status", "A goal's status today, as on the goals page: 1 for its status, 0 for the others (met, on track, at risk, behind, missed, not started, unknown).", "goal", "status"),
		lastSuccess: d("os2pulse_collector_last_success_timestamp_seconds", "End time of the source's last successful or partial collection run, as a Unix timestamp.", "source"),

		requirements:     d("os2pulse_product_requirements", "Requirements of the governance level in the product's self-evaluation in force today, by state (met, planned, not_met, unknown for \"Ved ikke\", unanswered; their sum is the level's requirements; recommendations not counted); absent without an evaluation.", "product", "level", "state"),
		evaluationFilled: d("os2pulse_product_self_evaluation_filled_timestamp_seconds", "Start (00:00 UTC) of the day the product's self-evaluation in force today was filled, as a Unix timestamp.", "product"),
		concentration:    d("os2pulse_product_contributor_concentration_persons", "Fewest persons who made half of the product's contributions in the 365 days ending today; absent while the product's data do not reach today, or without a contribution.", "product"),
		organizations:    d("os2pulse_product_contributing_organizations", "Organisations (members and suppliers, by the affiliation rules) that contributed to the product in the 365 days ending today.", "product"),
		largestOrg:       d("os2pulse_product_largest_organization_ratio", "Share of the product's attributed contributions in the 365 days ending today made by its largest organisation.", "product"),
		firstResponse:    d("os2pulse_product_first_response_median_seconds", "Median time to first response by someone other than the author (bots excluded) over the product's issues and pull requests opened in the 90 days ending today; absent without a response.", "product"),
		firstResponseP90: d("os2pulse_product_first_response_p90_seconds", "90th percentile of the time to first response (as os2pulse_product_first_response_median_seconds).", "product"),
		awaitingResponse: d("os2pulse_product_awaiting_first_response", "Issues and pull requests of the product opened in the 90 days ending today with no response yet.", "product"),
		releases:         d("os2pulse_product_releases", "Releases of the product published in the 365 days ending today.", "product"),
		lastReleaseAge:   d("os2pulse_product_last_release_age_seconds", "Time since the day of the product's last release (days × 86400); absent when it never released.", "product"),
		openItems:        d("os2pulse_product_open_items", "Open issues and pull requests of the product today, by kind.", "product", "kind"),
		openItemsAge:     d("os2pulse_product_open_items_median_age_seconds", "Median age of the product's open issues and pull requests (days × 86400); absent when none is open.", "product"),
		evidence:         evidenceDesc(),
		hygiene:          d("os2pulse_product_hygiene_repositories", "The product's repositories with each file, by its last daily check (file checked: the repositories checked); absent until one was checked.", "product", "file"),
		publicCode:       d("os2pulse_product_publiccode_repositories", "The product's repositories by the state of their publiccode.yml today: valid, problems (the check finds some), missing, unknown (the root not checked yet or the file not read yet).", "product", "state"),
	}
}

func (m *metricsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{m.members, m.products, m.adopters, m.adoptionRatio, m.threePlus,
		m.threePlusRatio, m.productContributors, m.portfolioContributors, m.window, m.productCoverage,
		m.portfolioCoverage, m.goalTarget, m.goalValue, m.goalStatus, m.lastSuccess, m.requirements, m.evaluationFilled,
		m.concentration, m.organizations, m.largestOrg, m.firstResponse, m.firstResponseP90, m.awaitingResponse, m.releases,
		m.lastReleaseAge, m.openItems, m.openItemsAge, m.hygiene, m.publicCode, m.evidence} {
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

	// A register never read has no adoption or membership figures: no
	// series, not 0 (an alert on members would fire on a fresh install).
	registered, err := m.calc.RegisterCoverage(ctx)
	if err != nil {
		fail(m.adopters, err)
		fail(m.members, err)
	}
	if registered.IsZero() {
		// Nothing to say.
	} else if a, err := m.calc.Adoption(ctx, today); err != nil {
		fail(m.adopters, err)
	} else {
		for _, p := range a.Products {
			gauge(m.adopters, float64(p.Adopters.Municipalities), p.ID, "municipalities")
			gauge(m.adopters, float64(p.Adopters.Members), p.ID, "members")
			gauge(m.adopters, float64(p.Adopters.All), p.ID, "all")
			gauge(m.adoptionRatio, p.ShareOfMunicipalities, p.ID)
		}
	}
	if registered.IsZero() {
		// As above.
	} else if mem, err := m.calc.Members(ctx, today); err != nil {
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
		if n, ok := c.PortfolioActiveContributors.Get(); ok {
			gauge(m.portfolioContributors, float64(n))
		}
		if !c.PortfolioCoveredUntil.IsZero() {
			gauge(m.portfolioCoverage, float64(c.PortfolioCoveredUntil.Time().Unix()))
		}
		for _, p := range c.Products {
			if n, ok := p.ActiveContributors.Get(); ok {
				gauge(m.productContributors, float64(n), p.ID)
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
			if e, ok := g.ExpectedProgress(); ok {
				gauge(m.goalTarget, e, g.ID)
			}
			if v, ok := g.Progress(); ok {
				gauge(m.goalValue, v, g.ID)
			}
			for _, st := range figures.GoalStatuses {
				v := 0.0
				if st == g.Status {
					v = 1
				}
				gauge(m.goalStatus, v, g.ID, st)
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
	m.collectHealth(ctx, today, gauge, fail)
	m.collectEvidence(ctx, today, gauge, fail)
	if pc, err := m.calc.PublicCode(ctx, today); err != nil {
		fail(m.publicCode, err)
	} else {
		for _, p := range pc.Products {
			for state, n := range map[string]int{figures.PublicCodeValid: p.Valid, figures.PublicCodeProblems: p.Problems,
				figures.PublicCodeMissing: p.Missing, figures.PublicCodeUnknown: p.Unknown} {
				gauge(m.publicCode, float64(n), p.Product, state)
			}
		}
	}
}

// collectHealth exports the governance self-evaluations and the health
// signals, each in base units (seconds, not days).
func (m *metricsCollector) collectHealth(ctx context.Context, today civil.Date, gauge func(*prometheus.Desc, float64, ...string), fail func(*prometheus.Desc, error)) {
	if g, err := m.calc.SelfEvaluations(ctx, today); err != nil {
		fail(m.requirements, err)
	} else {
		for _, p := range g.Products {
			e := p.Evaluation
			if e == nil {
				continue
			}
			gauge(m.evaluationFilled, float64(e.Filled.Time().Unix()), p.Product)
			for _, l := range e.Levels {
				gauge(m.requirements, float64(l.Met), p.Product, l.Level, selfeval.Met)
				gauge(m.requirements, float64(l.Planned), p.Product, l.Level, selfeval.Planned)
				gauge(m.requirements, float64(l.NotMet), p.Product, l.Level, selfeval.NotMet)
				gauge(m.requirements, float64(l.Unknown), p.Product, l.Level, selfeval.Unknown)
				gauge(m.requirements, float64(l.Unanswered), p.Product, l.Level, selfeval.Unanswered)
			}
		}
	}
	h, err := m.calc.Health(ctx, today)
	if err != nil {
		fail(m.concentration, err)
		return
	}
	// A signal that is not known (its data do not reach today, or its
	// source was never collected) has no series: absent, not 0.
	for _, p := range h.Products {
		if c := p.Concentration; c != nil && c.Contributions > 0 {
			gauge(m.concentration, float64(c.Persons), p.Product)
		}
		if d := p.Diversity; d != nil {
			gauge(m.organizations, float64(d.Organizations), p.Product)
			if d.Organizations > 0 {
				gauge(m.largestOrg, d.LargestShare, p.Product)
			}
		}
		if fr := p.FirstResponse; fr != nil {
			if fr.MedianSeconds != nil {
				gauge(m.firstResponse, *fr.MedianSeconds, p.Product)
				gauge(m.firstResponseP90, *fr.P90Seconds, p.Product)
			}
			gauge(m.awaitingResponse, float64(fr.Waiting), p.Product)
		}
		if r := p.Releases; r != nil {
			gauge(m.releases, float64(r.Releases), p.Product)
			if d := r.DaysSinceLast; d != nil {
				gauge(m.lastReleaseAge, float64(*d)*86400, p.Product)
			}
		}
		if b := p.Backlog; b != nil {
			gauge(m.openItems, float64(b.OpenIssues), p.Product, "issue")
			gauge(m.openItems, float64(b.OpenPulls), p.Product, "pull_request")
			if a := b.MedianAgeDays; a != nil {
				gauge(m.openItemsAge, *a*86400, p.Product)
			}
		}
		hy := p.Hygiene
		if hy == nil {
			continue
		}
		for file, n := range map[string]int{"checked": hy.Repositories, "license": hy.Licensed, "readme": hy.Readme,
			"contributing": hy.Contributing, "code_of_conduct": hy.CodeOfConduct, "security": hy.Security, "publiccode": hy.PublicCode} {
			gauge(m.hygiene, float64(n), p.Product, file)
		}
	}
}
