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
	figure(a, Endpoint{Path: "/api/v1/contributors", Label: "export.contributors", Params: []Param{paramDate, paramWindow, paramProduct}, Reads: contributorReads}, func(r *http.Request) (Contributors, error) {
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
			"active_contributors", "member", "supplier", "unknown", "repositories", "complete", "covered_until",
			"last_known_date", "last_known_active_contributors"}}
		if ac.Product == "" {
			t.rows = append(t.rows, append(affRow([]string{day, win, "portfolio", "", a.cfg.Portfolio.Name}, c.PortfolioActiveContributors, c.PortfolioByAffiliation, repos),
				append([]string{strconv.FormatBool(c.PortfolioComplete), c.PortfolioCoveredUntil.String()}, lastKnown(c.PortfolioLastKnown)...)...))
		} else {
			t.name = "contributors-" + ac.Product + "-" + day
		}
		for _, p := range c.Products {
			t.rows = append(t.rows, append(affRow([]string{day, win, "product", p.ID, p.Name}, p.ActiveContributors, p.ByAffiliation, p.Repositories),
				append([]string{strconv.FormatBool(p.Complete), p.CoveredUntil.String()}, lastKnown(p.LastKnown)...)...))
		}
		return t
	})

	// Active contributors of one product (or, without product, the
	// portfolio) at the last day of each step; points after the coverage
	// are marked incomplete.
	figure(a, Endpoint{Path: "/api/v1/series/contributors", Label: "export.s.contrib", Params: []Param{paramProduct, paramFrom, paramTo, paramStep, paramWindow}, Reads: contributorReads}, func(r *http.Request) (figures.ContributorSeries, error) {
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
			row := affRow([]string{p.Date.String(), scope, s.Product, strconv.Itoa(s.WindowDays)}, p.ActiveContributors, p.ByAffiliation, 0)
			t.rows = append(t.rows, append(row[:len(row)-1], strconv.FormatBool(p.Complete), s.CoveredUntil.String()))
		}
		return t
	})
}

// affRow is a contributor row: lead, the count and its split (empty
// cells when not known), and repos.
func affRow(lead []string, active figures.Known[int], a *figures.Affiliations, repos int) []string {
	out := append(lead, knownInt(active))
	if a == nil {
		out = append(out, "", "", "")
	} else {
		out = append(out, strconv.Itoa(a.Member), strconv.Itoa(a.Supplier), strconv.Itoa(a.Unknown))
	}
	return append(out, strconv.Itoa(repos))
}

// knownInt writes a figure, or an empty cell when it is not known.
func knownInt(k figures.Known[int]) string {
	n, ok := k.Get()
	if !ok {
		return ""
	}
	return strconv.Itoa(n)
}

// lastKnown is the date and count of a last known figure, or two empty
// cells.
func lastKnown(l *figures.LastContributors) []string {
	if l == nil {
		return []string{"", ""}
	}
	return []string{l.Date.String(), strconv.Itoa(l.ActiveContributors)}
}
