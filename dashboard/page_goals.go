package dashboard

import (
	"net/http"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/table"
)

// goalsData is the goals page's content.
type goalsData struct {
	Summary table.Table
	Goals   []goalView
}

// goalView is one goal with its chart.
type goalView struct {
	ID     string
	Title  string
	Status string
	Class  string // status for styling: met, on-track, behind, missed, upcoming
	Keys   []keyFigure
	Chart  chart
}

// goalsPage shows every board goal on the date: baseline, value on the
// date, target, deadline, the value on the deadline once it has passed
// (the value the goal is judged by) and status, and a chart of the value
// against the on-track line.
func (s *Server) goalsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	var d goalsData
	d.Summary = table.Table{
		Caption: v.Tf("goals.table", v.DateText()),
		Head: []string{v.T("th.goal"), v.T("th.baseline"), v.T("th.value"), v.T("th.expected"), v.T("th.target"), v.T("th.deadline"),
			v.T("goals.deadline.value"), v.T("th.status")},
	}
	for i, g := range s.cfg.Goals {
		st, err := s.figures.Goal(ctx, g, v.Date)
		if err != nil {
			return err
		}
		pts, err := s.figures.GoalSeries(ctx, g, v.Date, figures.Month)
		if err != nil {
			return err
		}
		val := func(f float64) string { return v.GoalValue(st.Share, f) }
		value := table.Num(val(st.Value))
		if !st.Complete {
			value = table.Num(v.Tf("coverage.cell", val(st.Value)))
			d.Summary.Note = v.coverageNote(st.CoveredUntil)
		}
		onDeadline := table.Text("")
		valueKey := keyFigure{Label: v.T("th.value"), Value: val(st.Value), Detail: v.Tf("goals.value.detail", v.DateText(), val(st.Target))}
		if !st.Complete {
			valueKey = v.incomplete(valueKey, st.CoveredUntil)
		}
		keys := []keyFigure{
			valueKey,
			{Label: v.T("th.baseline"), Value: val(st.Baseline), Detail: v.Lang.Date(st.BaselineDate)},
			{Label: v.T("th.expected"), Value: val(st.Expected), Detail: v.T("goals.expected.detail")},
			{Label: v.T("th.deadline"), Value: v.Lang.Date(st.Deadline)},
		}
		if st.ValueOnDeadline != nil {
			onDeadline = table.Num(val(*st.ValueOnDeadline))
			keys = append(keys, keyFigure{Label: v.T("goals.deadline.value"), Value: val(*st.ValueOnDeadline),
				Detail: v.Tf("goals.deadline.detail", v.Lang.Date(st.Deadline))})
		}
		d.Summary.Rows = append(d.Summary.Rows, []table.Cell{
			table.Link(st.Title(string(v.Lang)), "#goal-"+st.ID),
			table.Num(val(st.Baseline) + " (" + v.Lang.Date(st.BaselineDate) + ")"),
			value,
			table.Num(val(st.Expected)),
			table.Num(val(st.Target)),
			table.Date(v.Lang, st.Deadline),
			onDeadline,
			table.Text(v.GoalStatus(st.Status)),
		})
		d.Goals = append(d.Goals, goalView{
			ID: st.ID, Title: st.Title(string(v.Lang)), Status: v.GoalStatus(st.Status), Class: locale.GoalStatusClass(st.Status),
			Keys:  keys,
			Chart: goalChart(v, i, st, pts),
		})
	}
	return s.render(w, r, "goals", d)
}

// goalChart is a goal's value over time against the straight line from its
// baseline to its target.
func goalChart(v *view, i int, g figures.GoalStatus, pts []figures.GoalPoint) chart {
	dates := make([]string, 0, len(pts))
	values := make([]opts.LineData, 0, len(pts))
	line := make([]opts.LineData, 0, len(pts))
	t := table.Table{
		Caption: g.Title(string(v.Lang)),
		Head:    []string{v.T("th.date"), v.T("th.value"), v.T("th.expected")},
	}
	for _, p := range pts {
		dates = append(dates, p.Date.String())
		value := table.Num(v.GoalValue(g.Share, p.Value))
		if p.Complete {
			values = append(values, opts.LineData{Value: p.Value})
		} else {
			// The line stops where the data end, as for contributors.
			values = append(values, opts.LineData{Value: noValue})
			value = table.Num(v.Tf("coverage.cell", v.GoalValue(g.Share, p.Value)))
			t.Note = v.coverageNote(g.CoveredUntil)
		}
		line = append(line, opts.LineData{Value: p.Expected})
		t.Rows = append(t.Rows, []table.Cell{table.Date(v.Lang, p.Date), value, table.Num(v.GoalValue(g.Share, p.Expected))})
	}
	c := charts.NewLine()
	c.SetGlobalOptions(
		charts.WithColorsOpts(opts.Colors{colorBlue, colorGrey}),
		axisTooltip(), legend(true), gridWithLegend(),
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Min: 0}),
	)
	c.SetXAxis(dates).
		AddSeries(v.T("goals.series.value"), values, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)})).
		AddSeries(v.T("goals.series.line"), line, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}),
			charts.WithLineStyleOpts(opts.LineStyle{Type: "dashed"}))
	format := formatInteger
	if g.Share {
		format = formatPercentage
	}
	summary := v.Tf("goals.summary", v.GoalValue(g.Share, g.Value), v.GoalValue(g.Share, g.Target), v.Lang.Date(g.Deadline), v.GoalStatus(g.Status))
	return v.chart(chart{
		ID: "goal" + strconv.Itoa(i), Title: v.T("goals.chart"), Summary: summary,
		Spec:  chartSpec{Option: optionOf(c), Format: format, Lang: v.Lang},
		Table: t, CSV: v.DataLink("/api/v1/goals.csv"),
	})
}
