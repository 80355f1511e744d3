package dashboard

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"os2pulse/figures"
)

// apiAdoption answers /api/v1/adoption: every product's adopters, shares,
// pilots and planned on date (default today). The CSV has one row per
// product.
func (s *Server) apiAdoption(w http.ResponseWriter, r *http.Request, asCSV bool) {
	date, err := dateParam(r, "date", s.today())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	a, err := s.figures.Adoption(r.Context(), date)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if !asCSV {
		writeJSON(w, r, http.StatusOK, a)
		return
	}
	header := []string{"date", "product", "name", "governance_level", "municipalities_total", "members_total",
		"adopters_municipalities", "adopters_members", "adopters_all", "share_of_municipalities", "share_of_members", "pilots", "planned"}
	var rows [][]string
	for _, p := range a.Products {
		rows = append(rows, []string{a.Date, p.ID, p.Name, p.GovernanceLevel, strconv.Itoa(a.MunicipalitiesTotal), strconv.Itoa(a.MembersTotal),
			strconv.Itoa(p.Adopters.Municipalities), strconv.Itoa(p.Adopters.Members), strconv.Itoa(p.Adopters.All),
			fmtRatio(p.ShareOfMunicipalities), fmtRatio(p.ShareOfMembers), strconv.Itoa(p.Pilots), strconv.Itoa(p.Planned)})
	}
	writeCSV(w, r, "adoption-"+a.Date+".csv", header, rows)
}

// apiMembers answers /api/v1/members: the members on date (default
// today), how many run three or more products, the distribution by number
// of products and the non-member adopters. The CSV is long: one row per
// figure (members, three_plus, three_plus_share, products_0 …
// products_5+), then one row per non-member adopter with its number of
// products as value.
func (s *Server) apiMembers(w http.ResponseWriter, r *http.Request, asCSV bool) {
	date, err := dateParam(r, "date", s.today())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	m, err := s.figures.Members(r.Context(), date)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if !asCSV {
		writeJSON(w, r, http.StatusOK, m)
		return
	}
	header := []string{"date", "figure", "value", "organization", "name", "kind", "products"}
	figure := func(name, value string) []string { return []string{m.Date, name, value, "", "", "", ""} }
	rows := [][]string{
		figure("members", strconv.Itoa(m.Members)),
		figure("three_plus", strconv.Itoa(m.ThreePlus)),
		figure("three_plus_share", fmtRatio(m.ThreePlusShare)),
	}
	for _, k := range figures.DistributionKeys {
		rows = append(rows, figure("products_"+k, strconv.Itoa(m.Distribution[k])))
	}
	for _, n := range m.NonMemberAdopters {
		rows = append(rows, []string{m.Date, "non_member_adopter", strconv.Itoa(len(n.Products)), n.Organization, n.Name, n.Kind, strings.Join(n.Products, " ")})
	}
	writeCSV(w, r, "members-"+m.Date+".csv", header, rows)
}

// seriesParams reads from (default five years before to, but not before
// 1990), to (default today) and step (default month), and checks that
// they make a series.
func (s *Server) seriesParams(r *http.Request) (from, to time.Time, step figures.Step, err error) {
	to, err = dateParam(r, "to", s.today())
	if err != nil {
		return
	}
	def := to.AddDate(-5, 0, 0)
	if min := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC); def.Before(min) {
		def = min
	}
	from, err = dateParam(r, "from", def)
	if err != nil {
		return
	}
	step, err = figures.ParseStep(r.URL.Query().Get("step"))
	if err != nil {
		err = &paramError{"step", err.Error()}
		return
	}
	if to.Before(from) {
		err = &paramError{"from", fmt.Sprintf("from %s is after to %s", from.Format(time.DateOnly), to.Format(time.DateOnly))}
		return
	}
	if _, perr := figures.Points(from, to, step); perr != nil {
		err = &paramError{"step", perr.Error() + "; choose a larger step or a shorter range"}
	}
	return
}

// apiAdoptionSeries answers /api/v1/series/adoption: one product's
// adoption (product required) at the last day of each step from from to
// to. The CSV has one row per point.
func (s *Server) apiAdoptionSeries(w http.ResponseWriter, r *http.Request, asCSV bool) {
	product := r.URL.Query().Get("product")
	if product == "" {
		s.apiFail(w, r, &paramError{"product", "missing; one of " + s.productIDs()})
		return
	}
	if _, ok := s.cfg.Product(product); !ok {
		s.apiFail(w, r, &paramError{"product", fmt.Sprintf("unknown product %q; one of %s", product, s.productIDs())})
		return
	}
	from, to, step, err := s.seriesParams(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	series, err := s.figures.AdoptionSeries(r.Context(), product, from, to, step)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if !asCSV {
		writeJSON(w, r, http.StatusOK, series)
		return
	}
	header := []string{"date", "product", "adopters_municipalities", "adopters_members", "adopters_all",
		"share_of_municipalities", "share_of_members", "pilots", "planned"}
	var rows [][]string
	for _, p := range series.Points {
		rows = append(rows, []string{p.Date, series.Product, strconv.Itoa(p.Adopters.Municipalities), strconv.Itoa(p.Adopters.Members),
			strconv.Itoa(p.Adopters.All), fmtRatio(p.ShareOfMunicipalities), fmtRatio(p.ShareOfMembers), strconv.Itoa(p.Pilots), strconv.Itoa(p.Planned)})
	}
	writeCSV(w, r, "adoption-series-"+product+".csv", header, rows)
}

// apiMembersSeries answers /api/v1/series/members: the membership figures
// at the last day of each step from from to to. The CSV has one row per
// point with the distribution in columns.
func (s *Server) apiMembersSeries(w http.ResponseWriter, r *http.Request, asCSV bool) {
	from, to, step, err := s.seriesParams(r)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	series, err := s.figures.MembersSeries(r.Context(), from, to, step)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if !asCSV {
		writeJSON(w, r, http.StatusOK, series)
		return
	}
	header := []string{"date", "members", "three_plus", "three_plus_share"}
	for _, k := range figures.DistributionKeys {
		header = append(header, "products_"+k)
	}
	var rows [][]string
	for _, p := range series.Points {
		row := []string{p.Date, strconv.Itoa(p.Members), strconv.Itoa(p.ThreePlus), fmtRatio(p.ThreePlusShare)}
		for _, k := range figures.DistributionKeys {
			row = append(row, strconv.Itoa(p.Distribution[k]))
		}
		rows = append(rows, row)
	}
	writeCSV(w, r, "members-series.csv", header, rows)
}

// productIDs lists the configured product ids for error messages.
func (s *Server) productIDs() string {
	var ids []string
	for _, p := range s.cfg.Products {
		ids = append(ids, p.ID)
	}
	return strings.Join(ids, ", ")
}
