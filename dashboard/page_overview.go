package dashboard

import (
	"net/http"

	"os2pulse/figures"
)

// keyFigure is one headline number with its context.
type keyFigure struct {
	Label      string
	Value      string
	Detail     string // what the value is out of
	Change     string // the change since a year earlier
	Definition string
}

// overviewData is the overview page's content.
type overviewData struct {
	Keys                                 []keyFigure
	Adoption, Distribution, ThreePlus    chart
	Contributors, ContributorSeries, Map chart
}

// overviewPage shows the portfolio's key figures on the date, each with its
// change since the same date a year earlier, and the charts behind them.
func (s *Server) overviewPage(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	win := s.cfg.Contributors.WindowDays
	ago := v.YearAgo()
	from := seriesStart(v.Date)

	a, err := s.figures.Adoption(ctx, v.Date)
	if err != nil {
		return err
	}
	aAgo, err := s.figures.Adoption(ctx, ago)
	if err != nil {
		return err
	}
	m, err := s.figures.Members(ctx, v.Date)
	if err != nil {
		return err
	}
	mAgo, err := s.figures.Members(ctx, ago)
	if err != nil {
		return err
	}
	c, err := s.figures.Contributors(ctx, v.Date, win)
	if err != nil {
		return err
	}
	cAgo, err := s.figures.Contributors(ctx, ago, win)
	if err != nil {
		return err
	}
	ms, err := s.figures.MembersSeries(ctx, from, v.Date, figures.Month)
	if err != nil {
		return err
	}
	cs, err := s.figures.ContributorSeries(ctx, "", from, v.Date, figures.Month, win)
	if err != nil {
		return err
	}
	counts, err := s.figures.ProductCounts(ctx, v.Date)
	if err != nil {
		return err
	}
	mapChart, err := countMapChart(v, counts)
	if err != nil {
		return err
	}
	fromDay := from.String()
	return s.render(w, r, "overview", overviewData{
		Keys:              overviewKeys(v, a, aAgo, m, mAgo, c, cAgo),
		Adoption:          adoptionChart(v, a),
		Distribution:      distributionChart(v, m),
		ThreePlus:         threePlusChart(v, ms, fromDay),
		Contributors:      contributorsChart(v, c),
		ContributorSeries: contributorSeriesChart(v, cs, fromDay, v.T("contributors.series")),
		Map:               mapChart,
	})
}

// inProduction counts the products at least one organisation runs.
func inProduction(a figures.Adoption) int {
	n := 0
	for _, p := range a.Products {
		if p.Adopters.All > 0 {
			n++
		}
	}
	return n
}

// overviewKeys are the headline figures: members, products in production,
// the three-or-more share, the most adopted product's share of the
// municipalities and the portfolio's active contributors, each against the
// same figure a year earlier.
func overviewKeys(v *view, a, aAgo figures.Adoption, m, mAgo figures.Members, c, cAgo figures.Contributors) []keyFigure {
	since := func(change string) string {
		return v.Tf("change.lastyear", change, v.Lang.Date(v.YearAgo()))
	}
	keys := []keyFigure{
		{
			Label: v.T("key.members"), Value: v.Int(m.Members),
			Change:     since(v.ChangeInt(m.Members - mAgo.Members)),
			Definition: v.Def("members")["Short"],
		},
		{
			Label: v.T("key.products"), Value: v.Int(inProduction(a)),
			Detail:     v.Tf("key.products.of", v.Int(len(a.Products))),
			Change:     since(v.ChangeInt(inProduction(a) - inProduction(aAgo))),
			Definition: v.Def("adopter")["Short"],
		},
		{
			Label: v.T("key.threeplus"), Value: v.Pct(m.ThreePlusShare),
			Detail:     v.Tf("key.threeplus.of", v.Int(m.ThreePlus), v.Int(m.Members)),
			Change:     since(v.ChangePoints(m.ThreePlusShare - mAgo.ThreePlusShare)),
			Definition: v.Def("three_plus")["Short"],
		},
	}
	top := keyFigure{Label: v.T("key.top"), Value: "–", Definition: v.Def("adoption_share_municipalities")["Short"]}
	if ps := byShare(a.Products); len(ps) > 0 && ps[0].Adopters.Municipalities > 0 {
		p := ps[0]
		top.Value = v.Pct(p.ShareOfMunicipalities)
		top.Detail = v.Tf("key.top.of", p.Name, v.Int(p.Adopters.Municipalities))
		for _, q := range aAgo.Products {
			if q.ID == p.ID {
				top.Change = since(v.ChangePoints(p.ShareOfMunicipalities - q.ShareOfMunicipalities))
			}
		}
	}
	keys = append(keys, top, keyFigure{
		Label: v.T("key.contributors"), Value: v.Int(c.PortfolioActiveContributors),
		Detail:     v.Tf("key.contributors.window", v.Int(c.WindowDays)),
		Change:     since(v.ChangeInt(c.PortfolioActiveContributors - cAgo.PortfolioActiveContributors)),
		Definition: v.Def("active_contributors")["Short"],
	})
	return keys
}
