package dashboard

import (
	"net/http"
	"sort"

	"os2pulse/civil"
	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/table"
)

// governancePageData is the governance page's content.
type governancePageData struct {
	Table      table.Table // products × levels
	Chart      chart       // requirements met over time
	PublicCode table.Table // products × publiccode.yml states
}

// governancePage shows every product's self-evaluation in force on the
// date, level by level, beside the level the configuration gives it, and
// the requirements met in every version kept.
func (s *Server) governancePage(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	g, err := s.figures.SelfEvaluations(ctx, v.Date)
	if err != nil {
		return err
	}
	history := map[string][]figures.SelfEvaluationPoint{}
	for _, p := range g.Products {
		if p.Evaluation == nil {
			continue
		}
		if history[p.Product], err = s.figures.SelfEvaluationHistory(ctx, p.Product, v.Date); err != nil {
			return err
		}
	}
	pc, err := s.figures.PublicCode(ctx, v.Date)
	if err != nil {
		return err
	}
	return s.render(w, r, "governance", governancePageData{
		Table:      governanceTable(v, g),
		Chart:      requirementsChart(v, g, history),
		PublicCode: publicCodeTable(v, pc),
	})
}

// governanceTable has one row per product: its configured level, the
// level its evaluation says is met, when it was filled, and per level the
// requirements met of those required, with those planned.
func governanceTable(v *view, g figures.SelfEvaluations) table.Table {
	t := table.Table{
		Caption: v.Tf("governance.table", v.DateText()),
		Head:    []string{v.T("th.product"), v.T("th.selfeval.configured"), v.T("th.selfeval.met"), v.T("th.selfeval.filled")},
	}
	for _, l := range figures.GovernanceLevels {
		t.Head = append(t.Head, v.Governance(l))
	}
	for _, p := range g.Products {
		row := []table.Cell{table.Link(p.Name, v.Link("/products/"+p.Product)), table.Text(levelText(v, p.ConfiguredLevel))}
		e := p.Evaluation
		if e == nil {
			row = append(row, table.Text("–"), table.Text(v.T("selfeval.missing")))
			for range figures.GovernanceLevels {
				row = append(row, table.Text(""))
			}
			t.Rows = append(t.Rows, row)
			continue
		}
		row = append(row, table.Text(levelText(v, e.MetLevel)), table.Date(v.Lang, e.Filled))
		for _, l := range e.Levels {
			if l.Required == 0 {
				row = append(row, table.Text("–"))
				continue
			}
			row = append(row, table.Num(v.Tf("governance.cell", v.Int(l.Met), v.Int(l.Required), v.Int(l.Planned))+notKnown(v, l)))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// requirementsChart draws, per product with an evaluation, the
// requirements met in each version, held until the next one.
func requirementsChart(v *view, g figures.SelfEvaluations, history map[string][]figures.SelfEvaluationPoint) chart {
	dateSet := map[civil.Date]bool{}
	for _, pts := range history {
		for _, p := range pts {
			dateSet[p.Filled] = true
		}
	}
	dates := make([]civil.Date, 0, len(dateSet))
	for d := range dateSet {
		dates = append(dates, d)
	}
	sort.Slice(dates, func(i, j int) bool { return dates[i] < dates[j] })
	labels := make([]string, len(dates))
	t := table.Table{Caption: v.T("governance.chart"), Head: []string{v.T("th.product"), v.T("th.selfeval.filled"), v.T("th.selfeval.metcount")}}
	for i, d := range dates {
		labels[i] = d.String()
	}
	line := echartsOption{
		Tooltip: axisTooltip(), Legend: legend(true), Grid: gridWithLegend(),
		XAxis: categoryAxis(labels), YAxis: valueAxis(fromZero, 1), Series: []seriesOpt{},
	}
	var last []string
	for _, p := range g.Products {
		pts := history[p.Product]
		if len(pts) == 0 {
			continue
		}
		data := make([]point, len(dates))
		j := -1
		for i, d := range dates {
			for j+1 < len(pts) && !pts[j+1].Filled.After(d) {
				j++
			}
			if j < 0 {
				data[i] = point{Value: noValue}
				continue
			}
			data[i] = point{Value: num(pts[j].Met)}
		}
		for _, pt := range pts {
			t.Rows = append(t.Rows, []table.Cell{table.Text(p.Name), table.Date(v.Lang, pt.Filled),
				table.Num(v.Tf("governance.metcount", v.Int(pt.Met), v.Int(pt.Required)))})
		}
		line.Series = append(line.Series, seriesOpt{Name: p.Name, Type: "line", Data: data, Step: "end", ConnectNulls: ptr(false)})
		n := pts[len(pts)-1]
		last = append(last, p.Name+": "+v.Tf("governance.metcount", v.Int(n.Met), v.Int(n.Required)))
	}
	summary := v.T("governance.chart.empty")
	if len(last) > 0 {
		summary = v.Tf("governance.chart.summary", locale.List(last))
	}
	return v.chart(chart{
		ID: "requirements-met", Title: v.T("governance.chart"), Definition: v.Def("self_evaluation")["Short"],
		Summary: summary, Spec: chartSpec{Option: line, Format: formatInteger, Lang: v.Lang},
		Table: t, CSV: v.DataLink("/api/v1/governance.csv"),
	})
}
