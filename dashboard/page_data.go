package dashboard

import (
	"net/http"
	"net/url"
	"strings"

	"os2pulse/api"
	"os2pulse/figures"
	"os2pulse/table"
)

// dataPageData is the data page's content.
type dataPageData struct {
	Definitions  []definitionText
	Register     string // when the register last changed and what it holds
	Census       string // the last census behind the register; "" before one
	Runs         table.Table
	Imports      table.Table
	Exports      table.Table
	ExportsIntro string
	RepoProblems table.Table
	Orphans      table.Table
	Idle         table.Table
}

type definitionText struct {
	ID, Title, Text string
}

// dataPage shows every figure's definition, the data sources and when
// they were last collected, links to every export, and what is wrong with
// the data, in words: raw errors (which can name internal hosts) stay in
// the log and /api/v1/collector.
func (s *Server) dataPage(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	d := dataPageData{ExportsIntro: v.Tf("data.exports.intro", v.DateText())}
	d.Definitions = definitionTexts(v)

	runs, err := s.figures.LastRuns(ctx)
	if err != nil {
		return err
	}
	failing, err := s.figures.FailingSince(ctx)
	if err != nil {
		return err
	}
	d.Runs = table.Table{Caption: v.T("data.sources"), Head: []string{v.T("th.source"), v.T("th.started"), v.T("th.ended"), v.T("th.result"), v.T("th.message")}}
	for _, run := range runs {
		note := ""
		switch {
		case !failing[run.Source].IsZero():
			note = v.Tf("failing.source", v.Time(failing[run.Source]), "/api/v1/collector")
		case len(run.Errors) > 0:
			note = v.Tf("failing.items", v.Int(len(run.Errors)), "/api/v1/collector")
		}
		d.Runs.Rows = append(d.Runs.Rows, []table.Cell{table.Text(v.Source(run.Source)), table.Text(v.Time(run.StartedAt)), table.Text(v.Time(run.EndedAt)),
			table.Text(v.RunResult(run.Result)), table.Text(note)})
	}
	if len(d.Runs.Rows) == 0 {
		d.Runs.Note = v.T("data.sources.none")
	}

	st, err := s.figures.RegisterStatus(ctx)
	if err != nil {
		return err
	}
	d.Register = v.T("data.register.none")
	if !st.LastChanged.IsZero() {
		d.Register = v.Nf("data.register.status", st.Adoptions, v.Time(st.LastChanged), v.Int(st.Adoptions), v.Int(st.Memberships))
	}

	census, err := s.figures.LastCensus(ctx)
	if err != nil {
		return err
	}
	if census.Name != "" {
		d.Census = v.Tf("data.census", census.Name, v.Time(census.AcceptedAt))
	}

	imports, err := s.figures.RegisterImports(ctx, 5)
	if err != nil {
		return err
	}
	d.Imports = table.Table{Caption: v.T("data.imports"), Head: []string{v.T("th.imported"), v.T("th.source"), v.T("th.added"), v.T("th.changed"), v.T("th.ended.rows")}}
	for _, imp := range imports {
		d.Imports.Rows = append(d.Imports.Rows, []table.Cell{table.Text(v.Time(imp.ImportedAt)), table.Text(figures.RegisterFileNames(imp.Source)),
			table.Int(v.Lang, imp.Added), table.Int(v.Lang, imp.Changed), table.Int(v.Lang, imp.Ended)})
	}
	if len(d.Imports.Rows) == 0 {
		d.Imports.Note = v.T("data.imports.none")
	}

	d.Exports = table.Table{Caption: v.T("data.exports"), Head: []string{v.T("th.export"), "JSON", "CSV"}}
	for _, e := range s.endpoints() {
		q, ok := s.api.Example(e, v.Date)
		if !ok {
			continue
		}
		d.Exports.Rows = append(d.Exports.Rows, []table.Cell{table.Text(v.T(e.Label)),
			table.Link(e.Path, queryLink(e.Path, q)), table.Link(e.Path+".csv", queryLink(e.Path+".csv", q))})
	}

	repos, err := s.figures.RepositoryProblems(ctx, v.Today)
	if err != nil {
		return err
	}
	d.RepoProblems = table.Table{Caption: v.T("data.quality.repos"), Head: []string{v.T("th.repo"), v.T("th.problem"), v.T("th.datacovered"), v.T("th.checked")}}
	for _, repo := range repos {
		var problem string
		switch {
		case repo.Status == figures.RepoMoved:
			problem = v.Tf("data.quality.moved", strings.TrimPrefix(repo.MovedTo, repo.Forge+"/"))
		case figures.RepoFailing(repo.Status):
			problem = v.Failing(repo.Status, repo.FailingSince)
		case repo.CheckedAt.IsZero():
			problem = v.T("data.quality.imported")
		default:
			problem = v.Tf("data.quality.stale", v.Time(repo.CheckedAt))
		}
		d.RepoProblems.Rows = append(d.RepoProblems.Rows, []table.Cell{
			table.Link(repo.FullName(), "https://"+repo.Forge+"/"+repo.FullName()), table.Text(problem),
			table.Date(v.Lang, repo.CoveredUntil), table.Text(v.Time(repo.CheckedAt)),
		})
	}
	if len(d.RepoProblems.Rows) == 0 {
		d.RepoProblems.Note = v.T("data.quality.none")
	}

	orphans, err := s.figures.OrphanRecords(ctx)
	if err != nil {
		return err
	}
	d.Orphans = table.Table{Caption: v.T("data.quality.orphan"), Head: []string{v.T("th.organization"), v.T("th.product"), v.T("th.status"), v.T("th.since"), v.T("th.problem")}}
	for _, o := range orphans {
		d.Orphans.Rows = append(d.Orphans.Rows, []table.Cell{table.Link(o.Name, v.Link("/organizations/"+o.Organization)),
			table.Text(o.Product), table.Text(v.T("status." + o.Status)), table.Date(v.Lang, o.Since),
			table.Text(v.Tf("data.orphan.product", o.Product))})
	}
	if len(d.Orphans.Rows) == 0 {
		d.Orphans.Note = v.T("data.quality.none")
	}

	idle, err := s.figures.IdleMembers(ctx, v.Date)
	if err != nil {
		return err
	}
	d.Idle = table.Table{Caption: v.T("data.quality.idle") + " – " + v.DateText(), Head: []string{v.T("th.organization"), v.T("th.kind")}}
	for _, o := range idle {
		d.Idle.Rows = append(d.Idle.Rows, []table.Cell{table.Link(o.Name, v.Link("/organizations/"+o.ID)), table.Text(v.T("kind." + o.Kind))})
	}
	if len(d.Idle.Rows) == 0 {
		d.Idle.Note = v.T("data.quality.none")
	}
	return s.render(w, r, "data", d)
}

// endpoints are the API's GET endpoints, none without an API.
func (s *Server) endpoints() []api.Endpoint {
	if s.api == nil {
		return nil
	}
	return s.api.Endpoints()
}

// queryLink is p with query q.
func queryLink(p string, q url.Values) string {
	if len(q) == 0 {
		return p
	}
	return p + "?" + q.Encode()
}
