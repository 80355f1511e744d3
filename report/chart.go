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

// StackedChart is a server-rendered column chart of counts stacked by
// kind, one column a point in time: products by governance level at the
// end of each month.
type StackedChart struct {
	Summary       string
	Width, Height int
	Base          int // y of the columns' foot
	Columns       []Column
	Legend        []LegendItem
}

// Column is one point's stacked segments under its label.
type Column struct {
	X, Width int
	Label    string
	Segments []Segment
	Total    string
	TotalY   int
}

// Segment is one kind's part of a column.
type Segment struct {
	Y, Height int
	Class     string
	Title     string // the count in words, for screen readers and hovering
}

const (
	stackHeight = 160 // plot height
	stackTop    = 18  // room for the totals above the tallest column
)

// stackedChart lays out one column per label with a segment per kind
// (classes and names in kinds' order), scaled to the tallest column.
func stackedChart(summary string, labels []string, classes, names []string, counts [][]int, text func(int) string) *StackedChart {
	top := 1
	for _, col := range counts {
		sum := 0
		for _, n := range col {
			sum += n
		}
		top = max(top, sum)
	}
	step := (svgWidth - 40) / max(len(labels), 1)
	c := &StackedChart{Summary: summary, Width: svgWidth, Height: stackTop + stackHeight + 60, Base: stackTop + stackHeight}
	for i, label := range labels {
		col := Column{X: 20 + i*step + step/6, Width: step * 2 / 3, Label: label}
		y, sum := c.Base, 0
		for k, n := range counts[i] {
			h := n * stackHeight / top
			if n == 0 {
				continue
			}
			y -= h
			col.Segments = append(col.Segments, Segment{Y: y, Height: h, Class: classes[k], Title: names[k] + ": " + text(n)})
			sum += n
		}
		col.Total, col.TotalY = text(sum), y-4
		c.Columns = append(c.Columns, col)
	}
	x := 20
	for k, name := range names {
		c.Legend = append(c.Legend, LegendItem{X: x, Class: classes[k], Label: name})
		x += 150
	}
	return c
}
