package metrics

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/figures/figurestest"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestMetricsCollector compares the business metrics with the figures of
// the page fixture, worked out by hand there, on both databases.
func TestMetricsCollector(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		f := figurestest.Portfolio(t, store)
		c := NewCollector(f.Figures, slog.New(slog.DiscardHandler)).(*metricsCollector)
		c.now = func() time.Time { return figurestest.Now }

		ts := fmt.Sprintf("%g", float64(figurestest.Now.Unix()))
		// The fixture's data reach its today, 2026-11-23.
		day := fmt.Sprintf("%g", float64(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC).Unix()))
		want := `
# HELP os2pulse_active_contributors_window_seconds Length of the active-contributor window (window_days × 86400).
# TYPE os2pulse_active_contributors_window_seconds gauge
os2pulse_active_contributors_window_seconds 7.776e+06
# HELP os2pulse_collector_last_success_timestamp_seconds End time of the source's last successful or partial collection run, as a Unix timestamp.
# TYPE os2pulse_collector_last_success_timestamp_seconds gauge
os2pulse_collector_last_success_timestamp_seconds{source="github"} ` + ts + `
os2pulse_collector_last_success_timestamp_seconds{source="register"} ` + ts + `
# HELP os2pulse_members OS2 members today (organisations with a current membership period); absent until the register has been read.
# TYPE os2pulse_members gauge
os2pulse_members 8
# HELP os2pulse_members_three_plus_products Members running three or more distinct products in production today; absent until the register has been read.
# TYPE os2pulse_members_three_plus_products gauge
os2pulse_members_three_plus_products 3
# HELP os2pulse_members_three_plus_products_ratio Members running three or more products divided by all members today; absent until the register has been read.
# TYPE os2pulse_members_three_plus_products_ratio gauge
os2pulse_members_three_plus_products_ratio 0.375
# HELP os2pulse_portfolio_active_contributors Distinct persons with a contribution to any product in the contributor window, each counted once; absent while the portfolio's data do not reach today.
# TYPE os2pulse_portfolio_active_contributors gauge
os2pulse_portfolio_active_contributors 3
# HELP os2pulse_portfolio_contributors_covered_until_timestamp_seconds Start (00:00 UTC) of the last day up to which the contributor data of every product are known to be complete, as a Unix timestamp.
# TYPE os2pulse_portfolio_contributors_covered_until_timestamp_seconds gauge
os2pulse_portfolio_contributors_covered_until_timestamp_seconds ` + day + `
# HELP os2pulse_products Products in the portfolio configuration.
# TYPE os2pulse_products gauge
os2pulse_products 13
`
		if err := testutil.CollectAndCompare(c, strings.NewReader(want),
			"os2pulse_active_contributors_window_seconds", "os2pulse_collector_last_success_timestamp_seconds",
			"os2pulse_members", "os2pulse_members_three_plus_products", "os2pulse_members_three_plus_products_ratio",
			"os2pulse_portfolio_active_contributors", "os2pulse_portfolio_contributors_covered_until_timestamp_seconds", "os2pulse_products"); err != nil {
			t.Fatal(err)
		}

		// os2forms: in production in 101, 751, 461, 540 (municipalities)
		// and "xss"; 540 left the membership on 2026-01-01.
		got := gathered(t, c)
		dayTS, _ := strconv.ParseFloat(day, 64)
		for series, v := range map[string]float64{
			`os2pulse_product_adopters{product="os2forms",scope="municipalities"}`:      4,
			`os2pulse_product_adopters{product="os2forms",scope="members"}`:             4,
			`os2pulse_product_adopters{product="os2forms",scope="all"}`:                 5,
			`os2pulse_product_adoption_ratio{product="os2forms"}`:                       4.0 / 98,
			`os2pulse_product_active_contributors{product="os2forms"}`:                  3,
			`os2pulse_contributors_covered_until_timestamp_seconds{product="os2forms"}`: dayTS,
		} {
			if g, ok := got[series]; !ok || g != v {
				t.Errorf("%s = %v (present %v), want %v", series, g, ok, v)
			}
		}
		// os2display has no repository: nothing is known of its
		// contributors, so neither a count nor a coverage is exported.
		for _, series := range []string{`os2pulse_product_active_contributors{product="os2display"}`,
			`os2pulse_contributors_covered_until_timestamp_seconds{product="os2display"}`} {
			if v, ok := got[series]; ok {
				t.Errorf("%s = %v, want no series", series, v)
			}
		}
		if n := testutil.CollectAndCount(c, "os2pulse_product_adopters"); n != 13*3 {
			t.Errorf("%d adopter series, want 13 products × 3 scopes", n)
		}
		if n := testutil.CollectAndCount(c, "os2pulse_goal_value_ratio", "os2pulse_goal_target_ratio"); n != 2*len(f.Config.Goals) {
			t.Errorf("%d goal series, want %d", n, 2*len(f.Config.Goals))
		}
		// Each goal has one status series at 1, the status its page shows.
		goals, err := f.Figures.Goals(context.Background(), civil.Today(figurestest.Now))
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range goals {
			for _, st := range figures.GoalStatuses {
				want := 0.0
				if st == g.Status {
					want = 1
				}
				series := fmt.Sprintf(`os2pulse_goal_status{goal=%q,status=%q}`, g.ID, st)
				if v, ok := got[series]; !ok || v != want {
					t.Errorf("%s = %v (present %v), want %v", series, v, ok, want)
				}
			}
		}
		problems, err := testutil.CollectAndLint(c)
		if err != nil || len(problems) > 0 {
			t.Fatalf("lint: %v %v", problems, err)
		}
	})
}

// TestMetricsDropRemovedProduct: figures are const metrics computed at
// scrape time, so a product removed from the configuration has no series
// left.
func TestMetricsDropRemovedProduct(t *testing.T) {
	f := figurestest.Portfolio(t, storagetest.New(t, "sqlite"))
	c := NewCollector(f.Figures, slog.New(slog.DiscardHandler)).(*metricsCollector)
	c.now = func() time.Time { return figurestest.Now }
	if _, ok := gathered(t, c)[`os2pulse_product_adoption_ratio{product="os2iot"}`]; !ok {
		t.Fatal("os2iot has no series before its removal")
	}
	// The configuration is read at start: a restart with os2iot removed
	// gets a new calculator over the same database.
	cfg := *f.Config
	cfg.Products = nil
	for _, p := range f.Config.Products {
		if p.ID != "os2iot" {
			cfg.Products = append(cfg.Products, p)
		}
	}
	c = NewCollector(figures.New(f.Store.ReadOnly(), &cfg), slog.New(slog.DiscardHandler)).(*metricsCollector)
	c.now = func() time.Time { return figurestest.Now }
	if _, ok := gathered(t, c)[`os2pulse_product_adoption_ratio{product="os2iot"}`]; ok {
		t.Fatal("os2iot still has a series after its removal")
	}
}

// gathered collects c into "name{labels}" → value.
func gathered(t *testing.T, c prometheus.Collector) map[string]float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
			}
			name := mf.GetName()
			if len(labels) > 0 {
				name += "{" + strings.Join(labels, ",") + "}"
			}
			out[name] = m.GetGauge().GetValue()
		}
	}
	return out
}

// TestMetricsOmitIncomplete: a week after the fixture's data end, no
// contributor count is exported (a missing series is honest, a 0 is not);
// how far the data reach still is.
func TestMetricsOmitIncomplete(t *testing.T) {
	f := figurestest.Portfolio(t, storagetest.New(t, "sqlite"))
	c := NewCollector(f.Figures, slog.New(slog.DiscardHandler)).(*metricsCollector)
	c.now = func() time.Time { return figurestest.Now.AddDate(0, 0, 7) }
	got := gathered(t, c)
	for series := range got {
		if strings.HasPrefix(series, "os2pulse_product_active_contributors") || strings.HasPrefix(series, "os2pulse_portfolio_active_contributors") {
			t.Errorf("%s exported for an incomplete window", series)
		}
	}
	day := float64(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC).Unix())
	for _, series := range []string{`os2pulse_contributors_covered_until_timestamp_seconds{product="os2forms"}`,
		"os2pulse_portfolio_contributors_covered_until_timestamp_seconds"} {
		if v, ok := got[series]; !ok || v != day {
			t.Errorf("%s = %v (present %v), want %v", series, v, ok, day)
		}
	}
	if _, ok := got[`os2pulse_product_adopters{product="os2forms",scope="all"}`]; !ok {
		t.Error("the register's figures are gone too")
	}
}

// TestMetricsHealth: the self-evaluation in force gives one series per
// product, level and state; the signals are in base units.
func TestMetricsHealth(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		f := figurestest.Portfolio(t, store)
		ctx := context.Background()
		line := func(id, level, state string, rec bool) storage.SelfEvaluationRequirement {
			return storage.SelfEvaluationRequirement{ID: id, Category: "formkrav", Level: level, State: state, Recommendation: rec, Text: "Krav"}
		}
		if _, err := store.PutSelfEvaluation(ctx, storage.SelfEvaluation{ProductID: "os2forms", Filled: civil.MustParse("2026-06-01"),
			Source: "x.json", FilledBy: "Styregruppen", SHA256: "1", Requirements: []storage.SelfEvaluationRequirement{
				line("F1", "sandbox", "met", false), line("F2", "2", "planned", false), line("F3", "2", "not_met", false), line("F4", "2", "met", true),
				line("F5", "3", "unknown", false), line("G11", "3", "unanswered", false), line("G12", "3", "unanswered", false)}}); err != nil {
			t.Fatal(err)
		}
		c := NewCollector(f.Figures, slog.New(slog.DiscardHandler)).(*metricsCollector)
		c.now = func() time.Time { return figurestest.Now }
		got := gathered(t, c)
		for series, v := range map[string]float64{
			`os2pulse_product_requirements{level="sandbox",product="os2forms",state="met"}`:  1,
			`os2pulse_product_requirements{level="2",product="os2forms",state="met"}`:        0, // the recommendation is not counted
			`os2pulse_product_requirements{level="2",product="os2forms",state="planned"}`:    1,
			`os2pulse_product_requirements{level="2",product="os2forms",state="not_met"}`:    1,
			`os2pulse_product_requirements{level="3",product="os2forms",state="unknown"}`:    1,
			`os2pulse_product_requirements{level="3",product="os2forms",state="unanswered"}`: 2,
			`os2pulse_product_requirements{level="3",product="os2forms",state="met"}`:        0,
			`os2pulse_product_self_evaluation_filled_timestamp_seconds{product="os2forms"}`:  float64(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC).Unix()),
		} {
			if g, ok := got[series]; !ok || g != v {
				t.Errorf("%s = %v (present %v), want %v", series, g, ok, v)
			}
		}
		// os2forms' two repositories: neither root checked by today.
		for state, v := range map[string]float64{"valid": 0, "problems": 0, "missing": 0, "unknown": 2} {
			if g, ok := got[`os2pulse_product_publiccode_repositories{product="os2forms",state="`+state+`"}`]; !ok || g != v {
				t.Errorf("publiccode %s = %v (present %v), want %v", state, g, ok, v)
			}
		}
		if _, ok := got[`os2pulse_product_requirements{level="2",product="os2display",state="met"}`]; ok {
			t.Error("a product without an evaluation has requirement series")
		}
		// Only os2forms's history reaches the fixture's today: the other
		// products' signals from collected activity are left out, not 0.
		if n := testutil.CollectAndCount(c, "os2pulse_product_releases"); n != 1 {
			t.Errorf("%d release series, want one (os2forms)", n)
		}
		if _, ok := got[`os2pulse_product_releases{product="os2forms"}`]; !ok {
			t.Error("os2forms, complete, has no release series")
		}
		if _, ok := got[`os2pulse_product_contributing_organizations{product="os2display"}`]; ok {
			t.Error("os2display, incomplete, has a contributing organisations series")
		}
		problems, err := testutil.CollectAndLint(c)
		if err != nil || len(problems) > 0 {
			t.Fatalf("lint: %v %v", problems, err)
		}
	})
}

// TestMetricsRegisterNeverRead: before the register has been read there is
// no adoption or membership series (a 0 would fire an alert on members
// and say every product has no users), and register goals are unknown.
func TestMetricsRegisterNeverRead(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		cfg, err := config.Example()
		if err != nil {
			t.Fatal(err)
		}
		if err := store.SyncProducts(context.Background(), storage.ConfiguredProducts(cfg)); err != nil {
			t.Fatal(err)
		}
		c := NewCollector(figures.New(store.ReadOnly(), cfg), slog.New(slog.DiscardHandler)).(*metricsCollector)
		c.now = func() time.Time { return figurestest.Now }
		got := gathered(t, c)
		for name := range got {
			for _, prefix := range []string{"os2pulse_members", "os2pulse_product_adopters", "os2pulse_product_adoption_ratio", "os2pulse_goal_value_ratio"} {
				if strings.HasPrefix(name, prefix) {
					t.Errorf("%s = %v before the register was read", name, got[name])
				}
			}
		}
		if got[`os2pulse_products`] != float64(len(cfg.Products)) {
			t.Errorf("os2pulse_products = %v, want %d", got[`os2pulse_products`], len(cfg.Products))
		}
		for _, g := range cfg.Goals {
			if got[`os2pulse_goal_status{goal="`+g.ID+`",status="unknown"}`] != 1 {
				t.Errorf("goal %s is not unknown: %v", g.ID, got)
			}
		}
	})
}
