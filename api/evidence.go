package api

import (
	"net/http"
	"strconv"
	"strings"

	"os2pulse/figures"
)

// evidenceRoutes serves the governance evidence: per product and
// requirement the product's own answer beside what the collected data
// show, and the changes since half a year before.
func (a *API) evidenceRoutes() {
	// One CSV row per product and requirement, disagreements first.
	figure(a, Endpoint{Path: "/api/v1/governance/evidence", Label: "export.evidence", Params: []Param{paramDate, paramProduct}}, func(r *http.Request) (figures.Evidence, error) {
		date, err := DateParam(r, "date", a.today())
		if err != nil {
			return figures.Evidence{}, err
		}
		product, err := a.productParam(r, false)
		if err != nil {
			return figures.Evidence{}, err
		}
		ev, err := a.calc.Evidence(r.Context(), date)
		if err != nil || product == "" {
			return ev, err
		}
		for _, p := range ev.Products {
			if p.Product == product {
				return figures.Evidence{Date: ev.Date, Products: []figures.ProductEvidence{p}}, nil
			}
		}
		return figures.Evidence{Date: ev.Date, Products: []figures.ProductEvidence{}}, nil
	}, func(ev figures.Evidence) csvTable {
		t := csvTable{name: "os2pulse-governance-evidence-" + ev.Date.String(), header: []string{"date", "product", "configured_level",
			"evaluated", "requirement", "level", "category", "recommendation", "answer", "verdict", "disagrees", "evidence", "links"}}
		if len(ev.Products) == 1 {
			t.name = "os2pulse-governance-evidence-" + ev.Products[0].Product + "-" + ev.Date.String()
		}
		for _, p := range ev.Products {
			evaluated := ""
			if !p.Evaluated.IsZero() {
				evaluated = p.Evaluated.String()
			}
			for _, r := range p.Requirements {
				var details, links []string
				for _, f := range r.Findings {
					details = append(details, f.Detail)
					if f.URL != "" && (len(links) == 0 || links[len(links)-1] != f.URL) {
						links = append(links, f.URL)
					}
				}
				t.rows = append(t.rows, []string{ev.Date.String(), p.Product, p.ConfiguredLevel, evaluated, r.ID, r.Level, r.Category,
					strconv.FormatBool(r.Recommendation), r.Answer, r.Verdict, strconv.FormatBool(r.Disagrees),
					strings.Join(details, "; "), strings.Join(links, " ")})
			}
		}
		return t
	})
}
