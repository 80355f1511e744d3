package dashboard

import (
	"fmt"
	"net/http"
	"strconv"

	"os2pulse/figures"
	"os2pulse/storage"
)

// dataPageData is the data page's content.
type dataPageData struct {
	Definitions  []definitionText
	Runs         dataTable
	Imports      dataTable
	Exports      dataTable
	ExportsIntro string
	RepoProblems dataTable
	RunErrors    dataTable
	Orphans      dataTable
	Idle         dataTable
}

type definitionText struct {
	ID, Title, Text string
}

// exportDoc says what each /api/v1 endpoint holds and which parameters
// its example link on the data page gets.
func (s *Server) exportLinks(v *view) map[string]struct {
	label string
	query []string
} {
	to := v.DateISO()
	from := storage.Day(seriesStart(v.Date))
	win := strconv.Itoa(s.cfg.Contributors.WindowDays)
	product := ""
	if len(s.cfg.Products) > 0 {
		product = s.cfg.Products[0].ID
	}
	type doc = struct {
		label string
		query []string
	}
	return map[string]doc{
		"/api/v1/adoption":            {"export.adoption", []string{"date", to}},
		"/api/v1/members":             {"export.members", []string{"date", to}},
		"/api/v1/series/adoption":     {"export.s.adoption", []string{"product", product, "from", from, "to", to, "step", "month"}},
		"/api/v1/series/members":      {"export.s.members", []string{"from", from, "to", to, "step", "month"}},
		"/api/v1/contributors":        {"export.contributors", []string{"date", to, "window_days", win}},
		"/api/v1/series/contributors": {"export.s.contrib", []string{"from", from, "to", to, "step", "month", "window_days", win}},
		"/api/v1/collector":           {"export.collector", nil},
	}
}

// dataPage shows every figure's definition, the data sources and when
// they were last collected, links to every export, and what is wrong with
// the data.
func (s *Server) dataPage(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	d := dataPageData{ExportsIntro: v.Tf("data.exports.intro", v.DateText())}
	for _, def := range Definitions {
		d.Definitions = append(d.Definitions, definitionText{def.ID, def.Title.In(v.Lang), def.Full.In(v.Lang)})
	}

	runs, err := s.store.LastRuns(ctx)
	if err != nil {
		return err
	}
	d.Runs = dataTable{Caption: v.T("data.sources"), Head: []string{v.T("th.source"), v.T("th.started"), v.T("th.ended"), v.T("th.result"), v.T("th.message")}}
	d.RunErrors = dataTable{Caption: v.T("data.quality.runs"), Head: []string{v.T("th.source"), v.T("th.item"), v.T("th.problem")}}
	for _, run := range runs {
		ended := ""
		if run.EndedAt != "" {
			ended = v.Stamp(run.EndedAt)
		}
		d.Runs.Rows = append(d.Runs.Rows, []cell{textCell(run.Source), textCell(v.Stamp(run.StartedAt)), textCell(ended),
			textCell(v.T("run." + run.Result)), textCell(run.Message)})
		for _, e := range run.Errors {
			d.RunErrors.Rows = append(d.RunErrors.Rows, []cell{textCell(run.Source), textCell(e.Item), textCell(e.Error)})
		}
	}
	if len(d.Runs.Rows) == 0 {
		d.Runs.Note = v.T("data.sources.none")
	}
	if len(d.RunErrors.Rows) == 0 {
		d.RunErrors.Note = v.T("data.quality.none")
	}

	imports, err := s.store.RegisterImports(ctx)
	if err != nil {
		return err
	}
	d.Imports = dataTable{Caption: v.T("data.imports"), Head: []string{v.T("th.imported"), v.T("th.source"), v.T("th.added"), v.T("th.changed"), v.T("th.ended.rows")}}
	for i, imp := range imports {
		if i == 5 {
			break
		}
		d.Imports.Rows = append(d.Imports.Rows, []cell{textCell(v.Stamp(imp.ImportedAt)), textCell(imp.Source),
			intCell(v, imp.Added), intCell(v, imp.Changed), intCell(v, imp.Ended)})
	}
	if len(d.Imports.Rows) == 0 {
		d.Imports.Note = v.T("data.imports.none")
	}

	d.Exports = dataTable{Caption: v.T("data.exports"), Head: []string{v.T("th.export"), "JSON", "CSV"}}
	docs := s.exportLinks(v)
	for _, e := range s.apiEndpoints() {
		doc, ok := docs[e.path]
		if !ok {
			doc.label = "export.other"
		}
		json, csv := e.path, e.path+".csv"
		if len(doc.query) > 0 {
			json, csv = v.DataLink(e.path, doc.query...), v.DataLink(e.path+".csv", doc.query...)
		}
		d.Exports.Rows = append(d.Exports.Rows, []cell{textCell(v.T(doc.label)), linkCell(e.path, json), linkCell(e.path+".csv", csv)})
	}
	d.Exports.Rows = append(d.Exports.Rows, []cell{textCell(v.T("map.heading")), textCell(""),
		linkCell("/data/municipalities.csv", v.DataLink("/data/municipalities.csv"))})

	repos, err := s.store.Repositories(ctx, "")
	if err != nil {
		return err
	}
	d.RepoProblems = dataTable{Caption: v.T("data.quality.repos"), Head: []string{v.T("th.repo"), v.T("th.status"), v.T("th.problem"), v.T("th.checked")}}
	for _, repo := range repos {
		if repo.Status == storage.RepoOK || repo.Status == storage.RepoEmpty {
			continue
		}
		problem := repo.LastError
		if repo.Status == storage.RepoMoved && repo.MovedTo != "" {
			problem = repo.MovedTo
		}
		d.RepoProblems.Rows = append(d.RepoProblems.Rows, []cell{
			linkCell(repo.FullName(), "https://"+repo.Forge+"/"+repo.FullName()), textCell(v.T("repo." + repo.Status)),
			textCell(problem), textCell(v.Stamp(repo.CheckedAt)),
		})
	}
	if len(d.RepoProblems.Rows) == 0 {
		d.RepoProblems.Note = v.T("data.quality.none")
	}

	if d.Orphans, err = s.orphanRows(r, v); err != nil {
		return err
	}
	if d.Idle, err = s.idleMembers(r, v); err != nil {
		return err
	}
	return s.render(w, r, "data", d)
}

// orphanRows lists current register rows that name a product the
// configuration does not have (any more): they count in no figure.
func (s *Server) orphanRows(r *http.Request, v *view) (dataTable, error) {
	t := dataTable{Caption: v.T("data.quality.orphan"), Head: []string{v.T("th.organization"), v.T("th.product"), v.T("th.status"), v.T("th.since"), v.T("th.problem")}}
	recs, err := s.store.Adoptions(r.Context(), "")
	if err != nil {
		return t, err
	}
	names, err := s.organizationNames(r)
	if err != nil {
		return t, err
	}
	for _, a := range recs {
		if _, ok := s.cfg.Product(a.ProductID); ok {
			continue
		}
		t.Rows = append(t.Rows, []cell{linkCell(names[a.OrganizationID], v.Link("/organizations/"+a.OrganizationID)),
			textCell(a.ProductID), textCell(v.T("status." + a.Status)), dayCell(v, a.Since),
			textCell(v.Tf("data.orphan.product", a.ProductID))})
	}
	if len(t.Rows) == 0 {
		t.Note = v.T("data.quality.none")
	}
	return t, nil
}

func (s *Server) organizationNames(r *http.Request) (map[string]string, error) {
	orgs, err := s.store.Organizations(r.Context())
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(orgs))
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	return names, nil
}

// idleMembers lists the members on the date that run no product in
// production: the "0" bar of the distribution, by name.
func (s *Server) idleMembers(r *http.Request, v *view) (dataTable, error) {
	t := dataTable{Caption: v.T("data.quality.idle") + " – " + v.DateText(), Head: []string{v.T("th.organization"), v.T("th.kind")}}
	// Members on the date by the "members" definition: a period that has
	// started and not ended.
	ms, err := s.store.Memberships(r.Context(), "")
	if err != nil {
		return t, err
	}
	day := storage.Day(v.Date)
	member := map[string]bool{}
	for _, m := range ms {
		if m.Since <= day && (m.Until == "" || m.Until > day) {
			member[m.OrganizationID] = true
		}
	}
	counts, err := s.figures.ProductCounts(r.Context(), v.Date)
	if err != nil {
		return t, err
	}
	orgs, err := s.store.Organizations(r.Context())
	if err != nil {
		return t, err
	}
	for _, o := range orgs {
		if member[o.ID] && counts[o.ID] == 0 {
			t.Rows = append(t.Rows, []cell{linkCell(o.Name, v.Link("/organizations/"+o.ID)), textCell(v.T("kind." + o.Kind))})
		}
	}
	if len(t.Rows) == 0 {
		t.Note = v.T("data.quality.none")
	}
	return t, nil
}

// municipalitiesCSV exports the maps' figures: every municipality with its
// region and number of products in production on ?date= (default today),
// and with ?product= its status for that product and since when.
func (s *Server) municipalitiesCSV(w http.ResponseWriter, r *http.Request) {
	date, err := dateParam(r, "date", s.today())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	product := r.URL.Query().Get("product")
	if _, ok := s.cfg.Product(product); product != "" && !ok {
		s.apiFail(w, r, &paramError{"product", fmt.Sprintf("unknown product %q", product)})
		return
	}
	counts, err := s.figures.ProductCounts(r.Context(), date)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	status := map[string]figures.Adopter{}
	if product != "" {
		adopters, err := s.figures.ProductAdopters(r.Context(), product, date)
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		for _, a := range adopters {
			if cur, ok := status[a.Organization]; !ok || statusRank[a.Status] > statusRank[cur.Status] {
				status[a.Organization] = a
			}
		}
	}
	ms, err := municipalities()
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	day := storage.Day(date)
	header := []string{"date", "municipality", "name", "region", "products_in_production"}
	if product != "" {
		header = append(header, "product", "status", "since")
	}
	rows := make([][]string, 0, len(ms))
	for _, m := range ms {
		row := []string{day, m.ID, m.Name, m.Region, strconv.Itoa(counts[m.ID])}
		if product != "" {
			a := status[m.ID]
			row = append(row, product, a.Status, a.Since)
		}
		rows = append(rows, row)
	}
	name := "municipalities-" + day
	if product != "" {
		name = "municipalities-" + product + "-" + day
	}
	writeCSV(w, r, name+".csv", header, rows)
}
