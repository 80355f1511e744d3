package dashboard

import (
	"strings"

	"os2pulse/figures"
	"os2pulse/report"
	"os2pulse/table"
)

// goalChart is a goal's track from its baseline date to its deadline:
// the value up to the page's date (stopping where the data end), the
// straight line from the baseline to the target, the projected line of
// the last months' pace, and the target itself, marked on the deadline.
// The x axis runs to the deadline and the y axis always reaches the
// target.
func goalChart(v *view, tr figures.GoalTrack) chart {
	g := tr.Goal
	val := func(f float64) string { return v.GoalValue(g.Share, f) }
	n := len(tr.Points)
	dates := make([]string, 0, n)
	var values, line, projection, target []point
	t := table.Table{
		Caption: g.Title(string(v.Lang)),
		Head:    []string{v.T("th.date"), v.T("th.value"), v.T("th.expected"), v.T("goals.series.projection")},
	}
	for i, p := range tr.Points {
		dates = append(dates, p.Date.String())
		value := table.Text("")
		switch {
		case p.Value != nil:
			values = append(values, point{Value: num(*p.Value)})
			value = table.Num(val(*p.Value))
		case !p.Date.After(g.Date):
			// Not known: the line stops where the data end, as for
			// contributors.
			values = append(values, point{Value: noValue})
			value = table.Num("–")
			t.Note = v.coverageNote(g.CoveredUntil)
		default:
			values = append(values, point{Value: noValue})
		}
		line = append(line, point{Value: num(p.Expected)})
		projected := table.Text("")
		if p.Projection != nil {
			projection = append(projection, point{Value: num(*p.Projection)})
			projected = table.Num(val(max(*p.Projection, 0)))
		} else {
			projection = append(projection, point{Value: noValue})
		}
		if i == n-1 {
			target = append(target, point{Value: num(g.Target)})
		} else {
			target = append(target, point{Value: noValue})
		}
		t.Rows = append(t.Rows, []table.Cell{table.Date(v.Lang, p.Date), value, table.Num(val(p.Expected)), projected})
	}
	c := echartsOption{
		Color: []string{colorBlue, colorGrey, colorOrange, colorGreen}, Tooltip: axisTooltip(), Legend: legend(true), Grid: gridWithLegend(),
		XAxis: categoryAxis(dates), YAxis: valueAxis(fromZero, 0),
		Series: []seriesOpt{
			{Name: v.T("goals.series.value"), Type: "line", Data: values, ShowSymbol: noSymbol, LineStyle: &lineStyle{Width: 3}},
			{Name: v.T("goals.series.line"), Type: "line", Data: line, ShowSymbol: noSymbol, LineStyle: &lineStyle{Type: "dashed"}},
			{Name: v.T("goals.series.projection"), Type: "line", Data: projection, ShowSymbol: noSymbol, LineStyle: &lineStyle{Type: "dotted", Width: 2}},
			{Name: v.T("goals.series.target"), Type: "line", Data: target, ShowSymbol: ptr(true), Symbol: "diamond", SymbolSize: 14},
		},
	}
	format := formatInteger
	if g.Share {
		format = formatPercentage
	}
	summary := v.Tf("goals.summary", report.GoalValue(v.Lang, g.Share, g.Judged()), val(g.Target), v.Lang.Date(g.Deadline), v.GoalStatus(g.Status))
	if p, ok := report.GoalPace(g); ok {
		summary += " " + strings.Join(v.PaceText(p), " ")
	}
	return v.chart(chart{
		ID: "goal-chart-" + g.ID, Title: v.T("goals.chart"), Level: 3, LabelledBy: "goal-" + g.ID + "-h", Definition: v.Def("projection")["Short"], Summary: summary,
		Spec:  chartSpec{Option: c, Format: format, Lang: v.Lang},
		Table: t, CSV: v.DataLink("/api/v1/series/goal.csv", "goal", g.ID), Embed: v.embedLink("goal", "goal", g.ID),
	})
}
