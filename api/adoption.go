package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"os2pulse/figures"
)

func (a *API) adoptionRoutes() {
	// Every product's adopters, shares, pilots and planned on date
	// (default today); the CSV has one row per product.
	figure(a, Endpoint{Path: "/api/v1/adoption", Label: "export.adoption", Params: []Param{paramDate}, Reads: registerReads}, func(r *http.Request) (figures.Adoption, error) {
		date, err := DateParam(r, "date", a.today())
		if err != nil {
			return figures.Adoption{}, err
		}
		return a.calc.Adoption(r.Context(), date)
	}, func(ad figures.Adoption) csvTable {
		t := csvTable{name: "adoption-" + ad.Date.String(), header: []string{"date", "product", "name", "governance_level",
			"municipalities_total", "members_total", "adopters_municipalities", "adopters_members", "adopters_all",
			"share_of_municipalities", "share_of_members", "pilots", "planned"}}
		for _, p := range ad.Products {
			t.rows = append(t.rows, []string{ad.Date.String(), p.ID, p.Name, p.GovernanceLevel, strconv.Itoa(ad.MunicipalitiesTotal),
				strconv.Itoa(ad.MembersTotal), strconv.Itoa(p.Adopters.Municipalities), strconv.Itoa(p.Adopters.Members),
				strconv.Itoa(p.Adopters.All), ratio(p.ShareOfMunicipalities), ratio(p.ShareOfMembers), strconv.Itoa(p.Pilots), strconv.Itoa(p.Planned)})
		}
		return t
	})

	// The members on date, how many run three or more products, the
	// distribution and the non-member adopters. The CSV is long: one row
	// per figure, then one per non-member adopter with its number of
	// products as value.
	figure(a, Endpoint{Path: "/api/v1/members", Label: "export.members", Params: []Param{paramDate}, Reads: registerReads}, func(r *http.Request) (figures.Members, error) {
		date, err := DateParam(r, "date", a.today())
		if err != nil {
			return figures.Members{}, err
		}
		return a.calc.Members(r.Context(), date)
	}, func(m figures.Members) csvTable {
		day := m.Date.String()
		fig := func(name, value string) []string { return []string{day, name, value, "", "", "", ""} }
		t := csvTable{name: "members-" + day, header: []string{"date", "figure", "value", "organization", "name", "kind", "products"}}
		t.rows = [][]string{
			fig("members", strconv.Itoa(m.Members)),
			fig("three_plus", strconv.Itoa(m.ThreePlus)),
			fig("three_plus_share", ratio(m.ThreePlusShare)),
		}
		for _, k := range figures.DistributionKeys {
			t.rows = append(t.rows, fig("products_"+k, strconv.Itoa(m.Distribution[k])))
		}
		for _, n := range m.NonMemberAdopters {
			t.rows = append(t.rows, []string{day, "non_member_adopter", strconv.Itoa(len(n.Products)), n.Organization, n.Name, n.Kind, strings.Join(n.Products, " ")})
		}
		return t
	})

	// The products at each governance level at the last day of each
	// step, by the level each held then; one CSV row per point.
	figure(a, Endpoint{Path: "/api/v1/series/governance", Label: "export.s.governance", Params: seriesParams, Reads: figures.NoDomains}, func(r *http.Request) (figures.GovernanceSeries, error) {
		from, to, step, err := a.seriesParams(r)
		if err != nil {
			return figures.GovernanceSeries{}, err
		}
		return a.calc.GovernanceSeries(from, to, step)
	}, func(s figures.GovernanceSeries) csvTable {
		t := csvTable{name: "governance-series", header: []string{"date"}}
		for _, l := range figures.GovernanceLevels {
			t.header = append(t.header, "level_"+l)
		}
		for _, p := range s.Points {
			row := []string{p.Date.String()}
			for _, l := range figures.GovernanceLevels {
				row = append(row, strconv.Itoa(p.Levels[l]))
			}
			t.rows = append(t.rows, row)
		}
		return t
	})

	// One product's adoption at the last day of each step, or, without
	// a product, every product's; one CSV row per product and point.
	figure(a, Endpoint{Path: "/api/v1/series/adoption", Label: "export.s.adoption", Params: []Param{paramProduct, paramFrom, paramTo, paramStep}, Reads: registerReads}, func(r *http.Request) (adoptionSeriesAnswer, error) {
		product, err := a.productParam(r, false)
		if err != nil {
			return adoptionSeriesAnswer{}, err
		}
		from, to, step, err := a.seriesParams(r)
		if err != nil {
			return adoptionSeriesAnswer{}, err
		}
		if product != "" {
			s, err := a.calc.AdoptionSeries(r.Context(), product, from, to, step)
			return adoptionSeriesAnswer{series: []figures.AdoptionSeries{s}, one: true, step: step}, err
		}
		all, err := a.calc.AdoptionSeriesAll(r.Context(), from, to, step)
		if err != nil {
			return adoptionSeriesAnswer{}, err
		}
		out := adoptionSeriesAnswer{step: step, series: make([]figures.AdoptionSeries, 0, len(all))}
		for _, p := range a.cfg.Products { // in the configuration's order
			out.series = append(out.series, all[p.ID])
		}
		return out, nil
	}, func(ans adoptionSeriesAnswer) csvTable {
		name := "adoption-series"
		if ans.one {
			name += "-" + ans.series[0].Product
		}
		t := csvTable{name: name, header: []string{"date", "product", "adopters_municipalities",
			"adopters_members", "adopters_all", "share_of_municipalities", "share_of_members", "pilots", "planned"}}
		for _, s := range ans.series {
			for _, p := range s.Points {
				t.rows = append(t.rows, []string{p.Date.String(), s.Product, strconv.Itoa(p.Adopters.Municipalities), strconv.Itoa(p.Adopters.Members),
					strconv.Itoa(p.Adopters.All), ratio(p.ShareOfMunicipalities), ratio(p.ShareOfMembers), strconv.Itoa(p.Pilots), strconv.Itoa(p.Planned)})
			}
		}
		return t
	})

	// The membership figures at the last day of each step; one CSV row per
	// point, the distribution in columns.
	figure(a, Endpoint{Path: "/api/v1/series/members", Label: "export.s.members", Params: seriesParams, Reads: registerReads}, func(r *http.Request) (figures.MembersSeries, error) {
		from, to, step, err := a.seriesParams(r)
		if err != nil {
			return figures.MembersSeries{}, err
		}
		return a.calc.MembersSeries(r.Context(), from, to, step)
	}, func(s figures.MembersSeries) csvTable {
		t := csvTable{name: "members-series", header: []string{"date", "members", "three_plus", "three_plus_share"}}
		for _, k := range figures.DistributionKeys {
			t.header = append(t.header, "products_"+k)
		}
		for _, p := range s.Points {
			row := []string{p.Date.String(), strconv.Itoa(p.Members), strconv.Itoa(p.ThreePlus), ratio(p.ThreePlusShare)}
			for _, k := range figures.DistributionKeys {
				row = append(row, strconv.Itoa(p.Distribution[k]))
			}
			t.rows = append(t.rows, row)
		}
		return t
	})

	// Every organisation os2pulse knows (all 98 municipalities and every
	// other organisation in the register), by name, with whether it is a
	// member on date and the products it runs, pilots and plans: the
	// organisation lookup.
	figure(a, Endpoint{Path: "/api/v1/organizations", Label: "export.organizations", Params: []Param{paramDate}, Reads: registerReads}, func(r *http.Request) (figures.Organizations, error) {
		date, err := DateParam(r, "date", a.today())
		if err != nil {
			return figures.Organizations{}, err
		}
		return a.calc.Organizations(r.Context(), date)
	}, func(o figures.Organizations) csvTable {
		day := o.Date.String()
		t := csvTable{name: "organizations-" + day, header: []string{"date", "organization", "name", "kind", "region", "member",
			"products", "pilots", "planned"}}
		for _, org := range o.Organizations {
			t.rows = append(t.rows, []string{day, org.ID, org.Name, org.Kind, org.Region, strconv.FormatBool(org.Member),
				strings.Join(org.Products, " "), strings.Join(org.Pilots, " "), strings.Join(org.Planned, " ")})
		}
		return t
	})

	// Every municipality with its region and number of products in
	// production on date, and with ?product= its status for that product
	// (the strongest, when it has several records) and since when: the
	// maps' figures.
	figure(a, Endpoint{Path: "/api/v1/municipalities", Label: "export.municipalities", Params: []Param{paramDate, paramProduct}, Reads: registerReads}, func(r *http.Request) (Municipalities, error) {
		date, err := DateParam(r, "date", a.today())
		if err != nil {
			return Municipalities{}, err
		}
		product, err := a.productParam(r, false)
		if err != nil {
			return Municipalities{}, err
		}
		return a.municipalities(r, date, product)
	}, func(m Municipalities) csvTable {
		day := m.Date.String()
		t := csvTable{name: "municipalities-" + day, header: []string{"date", "municipality", "name", "region", "products_in_production"}}
		if m.Product != "" {
			t.name = "municipalities-" + m.Product + "-" + day
			t.header = append(t.header, "product", "status", "since")
		}
		for _, mu := range m.Municipalities {
			row := []string{day, mu.ID, mu.Name, mu.Region, strconv.Itoa(mu.Products)}
			if m.Product != "" {
				row = append(row, m.Product, mu.Status, mu.Since.String())
			}
			t.rows = append(t.rows, row)
		}
		return t
	})
}

// adoptionSeriesAnswer is /series/adoption's answer: one product's
// series as it always was, or, asked for no product, every product's
// series under "products".
type adoptionSeriesAnswer struct {
	series []figures.AdoptionSeries
	one    bool // a product was asked for
	step   figures.Step
}

// adoptionSeriesAll is the answer for every product.
type adoptionSeriesAll struct {
	Step     figures.Step             `json:"step"`
	Products []figures.AdoptionSeries `json:"products"`
}

func (a adoptionSeriesAnswer) MarshalJSON() ([]byte, error) {
	if a.one {
		return json.Marshal(a.series[0])
	}
	return json.Marshal(adoptionSeriesAll{Step: a.step, Products: a.series})
}

// openAPISchema is one of the two shapes.
func (adoptionSeriesAnswer) openAPISchema(s *schemas) map[string]any {
	return map[string]any{"oneOf": []any{
		s.of(reflect.TypeOf(figures.AdoptionSeries{})),
		s.of(reflect.TypeOf(adoptionSeriesAll{})),
	}}
}
