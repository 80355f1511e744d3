package figures_test

import (
	"context"
	"testing"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/figures/figurestest"
	"os2pulse/storage/storagetest"
)

// TestGoalSeriesIsEachDaysFigure: a goal's series, computed for all its
// dates at once, has at each date the value the figure it is about has on
// that date alone (Members, Adoption, Contributors), and is complete where
// the contributor data reach the date: for every metric, on both
// databases, on the example portfolio.
func TestGoalSeriesIsEachDaysFigure(t *testing.T) {
	for _, driver := range storagetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			ctx := context.Background()
			store, cfg := figurestest.Example(t, driver)
			goal := func(id, metric, product, scope string) config.Goal {
				return config.Goal{ID: id, Metric: metric, Product: product, Scope: scope, Target: 100,
					BaselineDate: civil.MustParse("2023-01-01"), Deadline: civil.MustParse("2027-12-31")}
			}
			// Beside the example's goals, one of each metric and scope.
			cfg.Goals = append(cfg.Goals,
				goal("share", "product_adoption_share", "os2forms", ""),
				goal("adopters-all", "product_adopters", "os2forms", ""),
				goal("adopters-members", "product_adopters", "os2borgerpc", "members"),
				goal("product-contributors", "active_contributors", "os2forms", ""),
				goal("portfolio-contributors", "portfolio_active_contributors", "", ""),
			)
			calc := figures.New(store.ReadOnly(), cfg)
			win := cfg.Contributors.WindowDays
			for _, g := range cfg.Goals {
				// One day alone, by the figure the metric is about.
				alone := func(d civil.Date) (float64, bool) {
					switch g.Metric {
					case "members", "members_three_plus_share":
						m, err := calc.Members(ctx, d)
						must(t, err)
						if g.Metric == "members" {
							return float64(m.Members), true
						}
						return m.ThreePlusShare, true
					case "product_adoption_share", "product_adopters":
						a, err := calc.Adoption(ctx, d)
						must(t, err)
						for _, p := range a.Products {
							if p.ID == g.Product {
								switch {
								case g.Metric == "product_adoption_share":
									return p.ShareOfMunicipalities, true
								case g.Scope == "municipalities":
									return float64(p.Adopters.Municipalities), true
								case g.Scope == "members":
									return float64(p.Adopters.Members), true
								}
								return float64(p.Adopters.All), true
							}
						}
						t.Fatalf("%s: no product %s", g.ID, g.Product)
					}
					c, err := calc.Contributors(ctx, d, win)
					must(t, err)
					n, ok := c.PortfolioActiveContributors.Get()
					for _, p := range c.Products {
						if p.ID == g.Product {
							n, ok = p.ActiveContributors.Get()
						}
					}
					return float64(n), ok
				}
				for _, date := range []string{"2025-06-30", "2025-11-18", "2026-01-15"} {
					pts, err := calc.GoalSeries(ctx, g, civil.MustParse(date), figures.Month)
					must(t, err)
					if len(pts) < 12 {
						t.Fatalf("%s on %s: %d points", g.ID, date, len(pts))
					}
					varied := false
					for _, p := range pts {
						want, complete := alone(p.Date)
						if p.Value != want || p.Complete != complete {
							t.Errorf("%s on %s: %s is %v (complete %v), alone %v (complete %v)", g.ID, date, p.Date, p.Value, p.Complete, want, complete)
						}
						varied = varied || p.Value != pts[0].Value
					}
					// A series of one value would not tell the dates apart.
					if !varied && g.ID != "adopters-members" {
						t.Errorf("%s on %s: every point is %v", g.ID, date, pts[0].Value)
					}
					st, err := calc.Goal(ctx, g, civil.MustParse(date))
					must(t, err)
					want, complete := alone(civil.MustParse(date))
					if v, ok := st.Value.Get(); ok != complete || (ok && v != want) {
						t.Errorf("%s on %s: value %v, alone %v (complete %v)", g.ID, date, st.Value, want, complete)
					}
				}
			}
		})
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
