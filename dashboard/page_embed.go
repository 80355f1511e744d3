package dashboard

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"os2pulse/config"
	"os2pulse/figures"
)

// embedData is an embedded chart's content.
type embedData struct {
	Chart chart
	Full  string // the page the chart comes from
}

// embedChart builds one chart for /embed/{name}; arg is its product or
// goal (the query parameter of that name) when it needs one.
type embedChart struct {
	needs string // "product", "goal" or ""
	build func(ctx context.Context, s *Server, v *view, arg string) (chart, error)
	page  func(v *view, arg string) string // the page the chart is on
}

// embedNames are the charts /embed/{name} serves, for iframes on other
// sites (os2.eu shows the adoption chart): every chart of the overview,
// a product's page and the goals.
var embedNames = []string{"adoption", "map", "members", "threeplus", "contributors", "contributor-series", "governance",
	"product-adoption", "product-map", "product-affiliation", "product-contributors", "goal"}

// registerCharts are the embeds that show figures of the register alone.
var registerCharts = map[string]bool{"adoption": true, "map": true, "members": true, "threeplus": true, "product-adoption": true, "product-map": true}

var embedCharts = map[string]embedChart{
	"adoption": {build: func(ctx context.Context, s *Server, v *view, _ string) (chart, error) {
		a, err := s.figures.Adoption(ctx, v.Date)
		return adoptionChart(v, a), err
	}},
	"map": {build: func(ctx context.Context, s *Server, v *view, _ string) (chart, error) {
		counts, err := s.figures.ProductCounts(ctx, v.Date)
		if err != nil {
			return chart{}, err
		}
		return countMapChart(v, counts)
	}},
	"members": {build: func(ctx context.Context, s *Server, v *view, _ string) (chart, error) {
		m, err := s.figures.Members(ctx, v.Date)
		return distributionChart(v, m), err
	}},
	"threeplus": {build: func(ctx context.Context, s *Server, v *view, _ string) (chart, error) {
		from := seriesStart(v.Date)
		ms, err := s.figures.MembersSeries(ctx, from, v.Date, figures.Month)
		return threePlusChart(v, ms, from.String()), err
	}},
	"contributors": {build: func(ctx context.Context, s *Server, v *view, _ string) (chart, error) {
		// As on the overview: the last date the data reach.
		cs, _, err := s.lastCompleteContributors(ctx, v.Date)
		return contributorsChart(v, cs), err
	}},
	"contributor-series": {build: func(ctx context.Context, s *Server, v *view, _ string) (chart, error) {
		return s.contributorSeries(ctx, v, "", v.T("contributors.series"))
	}},
	"governance": {build: func(ctx context.Context, s *Server, v *view, _ string) (chart, error) {
		from := seriesStart(v.Date)
		gs, err := s.figures.GovernanceSeries(from, v.Date, figures.Month)
		return governanceChart(v, gs, from.String()), err
	}},
	"product-adoption": {needs: "product", page: productPageLink, build: func(ctx context.Context, s *Server, v *view, id string) (chart, error) {
		from := seriesStart(v.Date)
		series, err := s.figures.AdoptionSeries(ctx, id, from, v.Date, figures.Month)
		return adoptionSeriesChart(v, series, from.String()), err
	}},
	"product-map": {needs: "product", page: productPageLink, build: func(ctx context.Context, s *Server, v *view, id string) (chart, error) {
		p, _ := s.cfg.Product(id)
		statuses, err := s.figures.ProductStatuses(ctx, id, v.Date)
		if err != nil {
			return chart{}, err
		}
		return productMapChart(v, id, p.Name, statuses)
	}},
	"product-affiliation": {needs: "product", page: productPageLink, build: func(ctx context.Context, s *Server, v *view, id string) (chart, error) {
		act, err := s.figures.ProductActivity(ctx, id, v.Date, s.cfg.Contributors.WindowDays)
		return affiliationChart(v, act), err
	}},
	"product-contributors": {needs: "product", page: productPageLink, build: func(ctx context.Context, s *Server, v *view, id string) (chart, error) {
		return s.contributorSeries(ctx, v, id, v.T("contributors.series.prod"))
	}},
	"goal": {needs: "goal", page: func(v *view, id string) string { return v.Link("/goals") + "#goal-" + id },
		build: func(ctx context.Context, s *Server, v *view, id string) (chart, error) {
			i := slices.IndexFunc(s.cfg.Goals, func(g config.Goal) bool { return g.ID == id })
			tr, err := s.figures.GoalTrack(ctx, s.cfg.Goals[i], v.Date)
			// Alone, the chart is named by its goal.
			c := goalChart(v, tr)
			c.Title, c.LabelledBy = tr.Goal.Title(string(v.Lang)), ""
			return c, err
		}},
}

func productPageLink(v *view, id string) string { return v.Link("/products/" + id) }

// contributorSeries is the chart of a product's (or, "", the
// portfolio's) active contributors over the three years to the date.
func (s *Server) contributorSeries(ctx context.Context, v *view, product, title string) (chart, error) {
	from := seriesStart(v.Date)
	cs, err := s.figures.ContributorSeries(ctx, product, from, v.Date, figures.Month, s.cfg.Contributors.WindowDays)
	return contributorSeriesChart(v, cs, from.String(), title), err
}

// embedPage serves one chart without the site's chrome, its title the
// page's heading. The page may be framed by any site; the
// illustrative-data banner and the data licence still show.
func (s *Server) embedPage(w http.ResponseWriter, r *http.Request, v *view) error {
	name := r.PathValue("chart")
	e, ok := embedCharts[name]
	if !ok {
		return notFound(v.Tf("error.chart", name, strings.Join(embedNames, ", ")))
	}
	arg := r.URL.Query().Get(e.needs)
	switch e.needs {
	case "product":
		if _, ok := s.cfg.Product(arg); !ok {
			return notFound(v.Tf("error.product", arg))
		}
	case "goal":
		if !slices.ContainsFunc(s.cfg.Goals, func(g config.Goal) bool { return g.ID == arg }) {
			return notFound(v.Tf("error.goal", arg))
		}
	}
	c, err := e.build(r.Context(), s, v, arg)
	if registerCharts[name] {
		c = v.registerChart(c)
	}
	if err != nil {
		return err
	}
	c.Level = 1
	full := v.Link("/")
	if e.page != nil {
		full = e.page(v, arg)
	}
	return s.render(w, r, "embed", embedData{Chart: c, Full: full})
}
