package api

import (
	"net/http"
	"strconv"

	"os2pulse/figures"
)

// Contributors is the active contributors on a date; with Product, only
// that product's among Products (the portfolio's figures stay).
type Contributors struct {
	figures.Contributors
	Product string `json:"product,omitempty"`
}

func (a *API) contributorRoutes() {
	// The active contributors of every product and of the portfolio on
	// date over window_days, each with whether its data reach the date
	// (complete) and how far they reach (covered_until); one CSV row for
	// the portfolio, then one per product. With product, only that
	// product: what its page's chart shows.
	figure(a, Endpoint{Path: "/api/v1/contributors", Label: "export.contributors", Params: []Param{paramDate, paramWindow, paramProduct}}, func(r *http.Request) (Contributors, error) {
		date, err := DateParam(r, "date", a.today())
		if err != nil {
			return Contributors{}, err
		}
		window, err := a.windowParam(r)
		if err != nil {
			return Contributors{}, err
		}
		product, err := a.productParam(r, false)
		if err != nil {
			return Contributors{}, err
		}
		c, err := a.calc.Contributors(r.Context(), date, window)
		if err != nil || product == "" {
			return Contributors{Contributors: c}, err
		}
		var one []figures.ProductContributors
		for _, p := range c.Products {
			if p.ID == product {
				one = append(one, p)
			}
		}
		c.Products = one
		return Contributors{Contributors: c, Product: product}, nil
	}, func(ac Contributors) csvTable {
		c := ac.Contributors
		day, win := c.Date.String(), strconv.Itoa(c.WindowDays)
		repos := 0
		for _, p := range c.Products {
			repos += p.Repositories
		}
		t := csvTable{name: "contributors-" + day, header: []string{"date", "window_days", "scope", "product", "name",
			"active_contributors", "member", "supplier", "unknown", "repositories", "complete", "covered_until"}}
		if ac.Product == "" {
			t.rows = append(t.rows, append(affRow([]string{day, win, "portfolio", "", a.cfg.Portfolio.Name}, c.PortfolioActiveContributors, c.PortfolioByAffiliation, repos),
				strconv.FormatBool(c.PortfolioComplete), c.PortfolioCoveredUntil.String()))
		} else {
			t.name = "contributors-" + ac.Product + "-" + day
		}
		for _, p := range c.Products {
			t.rows = append(t.rows, append(affRow([]string{day, win, "product", p.ID, p.Name}, p.ActiveContributors, p.ByAffiliation, p.Repositories),
				strconv.FormatBool(p.Complete), p.CoveredUntil.String()))
		}
		return t
	})

	// Active contributors of one product (or, without product, the
	// portfolio) at the last day of each step; points after the coverage
	// are marked incomplete.
	figure(a, Endpoint{Path: "/api/v1/series/contributors", Label: "export.s.contrib", Params: []Param{paramProduct, paramFrom, paramTo, paramStep, paramWindow}}, func(r *http.Request) (figures.ContributorSeries, error) {
		product, err := a.productParam(r, false)
		if err != nil {
			return figures.ContributorSeries{}, err
		}
		from, to, step, err := a.seriesParams(r)
		if err != nil {
			return figures.ContributorSeries{}, err
		}
		window, err := a.windowParam(r)
		if err != nil {
			return figures.ContributorSeries{}, err
		}
		return a.calc.ContributorSeries(r.Context(), product, from, to, step, window)
	}, func(s figures.ContributorSeries) csvTable {
		scope, name := "portfolio", "contributors-series"
		if s.Product != "" {
			scope, name = "product", name+"-"+s.Product
		}
		t := csvTable{name: name, header: []string{"date", "scope", "product", "window_days", "active_contributors", "member", "supplier", "unknown",
			"complete", "covered_until"}}
		for _, p := range s.Points {
			t.rows = append(t.rows, []string{p.Date.String(), scope, s.Product, strconv.Itoa(s.WindowDays), strconv.Itoa(p.ActiveContributors),
				strconv.Itoa(p.ByAffiliation.Member), strconv.Itoa(p.ByAffiliation.Supplier), strconv.Itoa(p.ByAffiliation.Unknown),
				strconv.FormatBool(p.Complete), s.CoveredUntil.String()})
		}
		return t
	})
}

func affRow(lead []string, active int, a figures.Affiliations, repos int) []string {
	return append(lead, strconv.Itoa(active), strconv.Itoa(a.Member), strconv.Itoa(a.Supplier), strconv.Itoa(a.Unknown), strconv.Itoa(repos))
}
