package dashboard

import (
	"net/http"
	"slices"
	"strings"

	"os2pulse/figures"
)

// embedData is an embedded chart's content.
type embedData struct {
	Chart chart
	Full  string // the page the chart comes from
}

// embedCharts are the charts /embed/{chart} serves, for iframes on other
// sites (os2.eu shows the adoption chart).
var embedCharts = []string{"adoption", "members", "map", "threeplus", "contributors"}

// embedPage serves one chart without the site's chrome. The page may be
// framed by any site; the illustrative-data banner still shows.
func (s *Server) embedPage(w http.ResponseWriter, r *http.Request, v *view) error {
	name := r.PathValue("chart")
	if !slices.Contains(embedCharts, name) {
		return notFound(v.Tf("error.chart", name, strings.Join(embedCharts, ", ")))
	}
	ctx := r.Context()
	var c chart
	switch name {
	case "adoption":
		a, err := s.figures.Adoption(ctx, v.Date)
		if err != nil {
			return err
		}
		c = adoptionChart(v, a)
	case "members":
		m, err := s.figures.Members(ctx, v.Date)
		if err != nil {
			return err
		}
		c = distributionChart(v, m)
	case "map":
		counts, err := s.figures.ProductCounts(ctx, v.Date)
		if err != nil {
			return err
		}
		if c, err = countMapChart(v, counts); err != nil {
			return err
		}
	case "threeplus":
		from := seriesStart(v.Date)
		ms, err := s.figures.MembersSeries(ctx, from, v.Date, figures.Month)
		if err != nil {
			return err
		}
		c = threePlusChart(v, ms, from.String())
	case "contributors":
		// As on the overview: the last date the data reach.
		cs, _, err := s.lastCompleteContributors(ctx, v.Date)
		if err != nil {
			return err
		}
		c = contributorsChart(v, cs)
	}
	return s.render(w, r, "embed", embedData{Chart: c, Full: v.Link("/")})
}
