package report

import "os2pulse/locale"

// BarChart is a small server-rendered bar chart of this year against the
// previous one: it needs no script, so it prints and works in a file on
// its own.
type BarChart struct {
	Summary       string
	Width, Height int
	LabelWidth    int
	Bars          []Bar
	Legend        []LegendItem
}

// Bar is one label's bars.
type Bar struct {
	Label            string
	Y                int
	Width, PrevWidth int
	Text             string
}

// LegendItem is one entry of the chart's legend.
type LegendItem struct {
	X     int
	Class string
	Label string
}

const (
	svgWidth      = 640
	svgLabelWidth = 170
	svgRow        = 30
)

// barChart lays out current and previous values per label, scaled to the
// largest.
func barChart(l locale.Lang, summary string, labels []string, cur, prev []float64, text func(float64) string) *BarChart {
	top := 0.0
	for i := range cur {
		top = max(top, cur[i], prev[i])
	}
	if top == 0 {
		top = 1
	}
	plot := float64(svgWidth - svgLabelWidth - 70)
	c := &BarChart{Summary: summary, Width: svgWidth, LabelWidth: svgLabelWidth, Height: len(labels)*svgRow + 34}
	for i, label := range labels {
		c.Bars = append(c.Bars, Bar{
			Label: label, Y: i * svgRow,
			Width: int(cur[i] / top * plot), PrevWidth: int(prev[i] / top * plot),
			Text: text(cur[i]),
		})
	}
	c.Legend = []LegendItem{{X: svgLabelWidth, Class: "cur", Label: l.T("report.legend.current")}, {X: svgLabelWidth + 200, Class: "prev", Label: l.T("report.legend.previous")}}
	return c
}
