package api

import (
	"net/http"
	"strconv"
	"strings"

	"os2pulse/figures"
	"os2pulse/publiccode"
)

func (a *API) publicCodeRoutes() {
	// Per product and repository: its publiccode.yml on the date (valid,
	// problems, missing, unknown), every problem with its line, and what
	// the file says; one CSV row per repository.
	figure(a, Endpoint{Path: "/api/v1/publiccode", Label: "export.publiccode", Params: []Param{paramDate}, Reads: figures.DomainActivity | figures.DomainRepositories}, func(r *http.Request) (figures.PublicCodes, error) {
		date, err := DateParam(r, "date", a.today())
		if err != nil {
			return figures.PublicCodes{}, err
		}
		return a.calc.PublicCode(r.Context(), date)
	}, func(p figures.PublicCodes) csvTable {
		t := csvTable{name: "os2pulse-publiccode-" + p.Date.String(), header: []string{"date", "product", "repository", "state",
			"problems", "first_problem", "read", "versions", "publiccode_yml_version", "license", "used_by"}}
		for _, pr := range p.Products {
			for _, r := range pr.Repositories {
				first, version, license, usedBy := "", "", "", ""
				if len(r.Problems) > 0 {
					first = r.Problems[0]
				}
				if f := r.File; f != nil {
					version, license, usedBy = f.Version, f.License, strconv.Itoa(len(f.UsedBy))
				}
				t.rows = append(t.rows, []string{p.Date.String(), pr.Product, r.Repository, r.State, strconv.Itoa(len(r.Problems)), first,
					r.Read.String(), strconv.Itoa(r.Versions), version, license, usedBy})
			}
		}
		return t
	})

	// The publiccode.yml os2pulse proposes for every product on the date,
	// in the standard's own field names, as one array for a catalogue to
	// harvest; one CSV row per product.
	figure(a, Endpoint{Path: "/api/v1/publiccode.json", Label: "export.publiccode.proposals", Params: []Param{paramDate}, Reads: figures.AllDomains}, func(r *http.Request) ([]publiccode.Document, error) {
		date, err := DateParam(r, "date", a.today())
		if err != nil {
			return nil, err
		}
		return a.calc.PublicCodeProposals(r.Context(), date)
	}, func(ds []publiccode.Document) csvTable {
		t := csvTable{name: "os2pulse-publiccode-proposals", header: []string{"name", "url", "landing_url", "software_version", "release_date",
			"license", "maintenance_type", "contractors", "used_by"}}
		for _, d := range ds {
			var cs []string
			for _, c := range d.Maintenance.Contractors {
				cs = append(cs, c.Name)
			}
			t.rows = append(t.rows, []string{d.Name, d.URL, d.LandingURL, d.SoftwareVersion, d.ReleaseDate, d.Legal.License,
				d.Maintenance.Type, strings.Join(cs, "; "), strconv.Itoa(len(d.UsedBy))})
		}
		return t
	})
}
