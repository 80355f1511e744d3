package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"os2pulse/figures"
)

// evidenceRoutes serves the governance evidence: per product and
// requirement the product's own answer beside what the collected data
// show, and the changes since half a year before.
func (a *API) evidenceRoutes() {
	// One CSV row per product and requirement, disagreements first.
	figure(a, Endpoint{Path: "/api/v1/governance/evidence", Label: "export.evidence", Params: []Param{paramDate, paramProduct}, Reads: figures.AllDomains}, func(r *http.Request) (figures.Evidence, error) {
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

	// A draft self-evaluation of one product in OS2's own JSON format,
	// pre-filled from the evidence (what os2pulse governance draft
	// writes); the CSV twin has one row per requirement.
	figure(a, Endpoint{Path: "/api/v1/governance/draft", Label: "export.draft", Params: []Param{paramProductNeeded, paramDate}, Reads: figures.AllDomains}, func(r *http.Request) (figures.Draft, error) {
		date, err := DateParam(r, "date", a.today())
		if err != nil {
			return figures.Draft{}, err
		}
		product, err := a.productParam(r, true)
		if err != nil {
			return figures.Draft{}, err
		}
		// generatedAt is when the data it is drawn from were last
		// collected, not the request's time: the same data give the same
		// answer (and ETag), on this server or a restored copy.
		last, err := a.calc.LastSuccess(r.Context())
		if err != nil {
			return figures.Draft{}, err
		}
		var generated time.Time
		for _, t := range last {
			if t.After(generated) {
				generated = t
			}
		}
		if generated.IsZero() {
			generated = date.Time()
		}
		return a.calc.ProductDraft(r.Context(), product, date, generated)
	}, func(d figures.Draft) csvTable {
		t := csvTable{name: "os2pulse-selvevaluering-udkast-" + d.FilledDate, header: []string{"id", "kategori", "krav",
			"produktniveau", "retningslinjer", "efterlevet", "dokumentation"}}
		for _, k := range d.Krav {
			answer := ""
			if k.Efterlevet != nil {
				answer = *k.Efterlevet
			}
			t.rows = append(t.rows, []string{k.ID, k.Kategori, k.Krav, k.Produktniveau, k.Retningslinjer, answer, k.Dokumentation})
		}
		return t
	})
}
