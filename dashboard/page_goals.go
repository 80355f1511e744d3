package dashboard

import (
	"net/http"
	"strings"

	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/report"
	"os2pulse/table"
)

// goalsData is the goals page's content.
type goalsData struct {
	Summary  table.Table
	Goals    []goalView
	Statuses []statusDef
}

// statusDef is a goal status with what it means.
type statusDef struct {
	Class, Word, Definition string
}

// goalView is one goal with its chart and who could be next.
type goalView struct {
	ID     string
	Title  string
	Status string
	Class  string // status for styling: met, on-track, behind, missed, upcoming
	Keys   []keyFigure
	Pace   []string // where the goal is heading, in sentences
	Chart  chart
	// Prospects lists who could be next, for goals about adoption; CSV
	// is its export.
	Prospects    *table.Table
	ProspectsN   int
	ProspectsDef string
	CSV          string
}

// goalsPage shows every board goal on the date: baseline, value on the
// date, target, deadline, the value on the deadline once it has passed
// (the value the goal is judged by), status and where it is heading, with
// a chart of its track and, for goals about adoption, who could be next.
func (s *Server) goalsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	var d goalsData
	d.Summary = table.Table{
		Caption: v.Tf("goals.table", v.DateText()),
		Head: []string{v.T("th.goal"), v.T("th.baseline"), v.T("th.value"), v.T("th.expected"), v.T("th.target"), v.T("th.deadline"),
			v.T("goals.deadline.value"), v.T("th.status")},
	}
	for _, g := range s.cfg.Goals {
		tr, err := s.figures.GoalTrack(ctx, g, v.Date)
		if err != nil {
			return err
		}
		prospects, err := s.figures.GoalProspects(ctx, g, v.Date)
		if err != nil {
			return err
		}
		st := tr.Goal
		val := func(f float64) string { return v.GoalValue(st.Share, f) }
		known := func(k figures.Known[float64]) string { return report.GoalValue(v.Lang, st.Share, k) }
		switch {
		case !st.Complete && st.CoveredUntil.IsZero() && v.registerUnread && !figures.IsContributorMetric(st.Metric):
			// A goal of the register is unknown because it was never read.
			d.Summary.Note = v.T("register.unread")
		case !st.Complete:
			d.Summary.Note = v.coverageNote(st.CoveredUntil)
		}
		onDeadline := table.Text("")
		if st.ValueOnDeadline != nil {
			onDeadline = table.Num(known(*st.ValueOnDeadline))
		}
		d.Summary.Rows = append(d.Summary.Rows, []table.Cell{
			table.Link(st.Title(string(v.Lang)), "#goal-"+st.ID),
			table.Num(known(st.Baseline) + " (" + v.Lang.Date(st.BaselineDate) + ")"),
			table.Num(known(st.Value)),
			table.Num(known(st.Expected)),
			table.Num(val(st.Target)),
			table.Date(v.Lang, st.Deadline),
			onDeadline,
			table.Text(v.GoalStatus(st.Status)),
		})
		gv := goalView{
			ID: st.ID, Title: st.Title(string(v.Lang)), Status: v.GoalStatus(st.Status), Class: locale.GoalStatusClass(st.Status),
			Keys: goalKeys(v, st), Pace: goalPace(v, st), Chart: goalChart(v, tr),
		}
		if pt := prospectsTable(v, g, prospects); pt != nil {
			gv.Prospects, gv.ProspectsN = pt, len(prospects)
			gv.ProspectsDef = v.Def("product_prospects")["Short"]
			if g.Metric == "members_three_plus_share" {
				gv.ProspectsDef = v.Def("near_three_plus")["Short"]
			}
			gv.CSV = v.DataLink("/api/v1/prospects.csv", "goal", g.ID)
		}
		d.Goals = append(d.Goals, gv)
	}
	for _, st := range figures.GoalStatuses {
		c := locale.GoalStatusClass(st)
		d.Statuses = append(d.Statuses, statusDef{Class: c, Word: v.GoalStatus(st), Definition: v.T("goal.status.def." + c)})
	}
	return s.render(w, r, "goals", d)
}

// goalKeys are a goal's key figures: its value (marked when its data do
// not reach the date), baseline, where the line to the target is today,
// deadline and, once it has passed, the value on the deadline.
func goalKeys(v *view, st figures.GoalStatus) []keyFigure {
	val := func(f float64) string { return v.GoalValue(st.Share, f) }
	known := func(k figures.Known[float64]) string { return report.GoalValue(v.Lang, st.Share, k) }
	valueKey := keyFigure{Label: v.T("th.value"), Value: known(st.Value), Detail: v.Tf("goals.value.detail", v.DateText(), val(st.Target))}
	switch {
	case st.LastKnown != nil:
		// The last complete value, with its date, as the headline.
		valueKey.Value = val(st.LastKnown.Value)
		valueKey.Detail = v.Tf("coverage.lastknown", v.Lang.Date(st.LastKnown.Date)) + ", " + v.Tf("goals.of.target", val(st.Target))
		valueKey.Mark, valueKey.Incomplete = v.T("coverage.note"), v.CoveredUntil(st.CoveredUntil)
	case !st.Complete:
		valueKey = v.incomplete(valueKey, st.CoveredUntil)
	}
	keys := []keyFigure{
		valueKey,
		{Label: v.T("th.baseline"), Value: known(st.Baseline), Detail: v.Lang.Date(st.BaselineDate)},
		{Label: v.T("goals.expected.key"), Value: known(st.Expected), Detail: v.T("goals.expected.detail")},
		{Label: v.T("th.deadline"), Value: v.Lang.Date(st.Deadline)},
	}
	if st.ValueOnDeadline != nil {
		// The value the goal is judged by leads.
		keys = append([]keyFigure{{Label: v.T("goals.deadline.value"), Value: known(*st.ValueOnDeadline),
			Detail: v.Tf("goals.deadline.detail", v.Lang.Date(st.Deadline))}}, keys...)
	}
	return keys
}

// goalPace says where a goal is heading; between its baseline date and
// its deadline without a projection, that there are too few months yet.
func goalPace(v *view, st figures.GoalStatus) []string {
	if p, ok := report.GoalPace(st); ok {
		return v.PaceText(p)
	}
	if v.registerUnread && !figures.IsContributorMetric(st.Metric) {
		return nil // nothing to project from
	}
	if !st.Date.Before(st.BaselineDate) && !st.Date.After(st.Deadline) {
		return []string{v.T("pace.short")}
	}
	return nil
}

// prospectsTable lists who could be next for a goal about adoption; nil
// for other goals.
func prospectsTable(v *view, g config.Goal, ps []figures.Prospect) *table.Table {
	names := func(ids []string) string {
		out := make([]string, 0, len(ids))
		for _, id := range ids {
			if p, ok := v.cfg.Product(id); ok {
				out = append(out, p.Name)
			}
		}
		return locale.List(out)
	}
	var t table.Table
	switch g.Metric {
	case "members_three_plus_share":
		t = table.Table{Caption: v.T("goals.next.two"), Head: []string{v.T("th.organization"), v.T("th.runs"), v.T("th.lacks")}}
		for _, p := range ps {
			t.Rows = append(t.Rows, []table.Cell{table.Link(p.Name, v.Link("/organizations/"+p.Organization)),
				table.Text(names(p.Runs)), table.Text(names(p.Lacks))})
		}
	case "product_adoption_share", "product_adopters":
		name := g.Product
		if p, ok := v.cfg.Product(g.Product); ok {
			name = p.Name
		}
		t = table.Table{Caption: v.Tf("goals.next.product", name), Head: []string{v.T("th.organization"), v.T("th.why")}}
		for _, p := range ps {
			t.Rows = append(t.Rows, []table.Cell{table.Link(p.Name, v.Link("/organizations/"+p.Organization)),
				table.Text(v.T("prospect." + strings.ReplaceAll(p.Reason, "_", "-")))})
		}
	default:
		return nil
	}
	if len(t.Rows) == 0 {
		t.Note = v.T("goals.next.none")
	}
	return &t
}
