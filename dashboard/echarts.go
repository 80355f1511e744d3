package dashboard

import (
	"encoding/json"
)

// The ECharts options the charts use, as typed structs of our own: each
// field is one ECharts option by its JSON name, so a chart is built and
// checked by the compiler and marshalled by encoding/json, with no map
// to take apart and no type assertion. Only the options os2pulse sets are
// here; charts.js adds the formatters, fonts and narrow-screen labels.

// echartsOption is one chart's ECharts option.
type echartsOption struct {
	Color     []string    `json:"color,omitempty"`
	Title     *titleOpt   `json:"title,omitempty"`
	Tooltip   tooltipOpt  `json:"tooltip"`
	Legend    legendOpt   `json:"legend"`
	Grid      []gridOpt   `json:"grid,omitempty"`
	XAxis     []axisOpt   `json:"xAxis,omitempty"`
	YAxis     []axisOpt   `json:"yAxis,omitempty"`
	VisualMap []visualMap `json:"visualMap,omitempty"`
	Series    []seriesOpt `json:"series"`
}

type titleOpt struct {
	Bottom    int       `json:"bottom"`
	Left      int       `json:"left"`
	Text      string    `json:"text"`
	TextStyle textStyle `json:"textStyle"`
}

type textStyle struct {
	Color      string `json:"color,omitempty"`
	FontSize   int    `json:"fontSize,omitempty"`
	FontWeight string `json:"fontWeight,omitempty"`
}

type tooltipOpt struct {
	Show        bool         `json:"show"`
	Trigger     string       `json:"trigger"` // "axis" or "item"
	AxisPointer *axisPointer `json:"axisPointer,omitempty"`
}

type axisPointer struct {
	Type string `json:"type"`
}

type legendOpt struct {
	Show   bool   `json:"show"`
	Bottom string `json:"bottom,omitempty"`
}

type gridOpt struct {
	Left         string `json:"left"`
	Right        string `json:"right"`
	Top          string `json:"top"`
	Bottom       string `json:"bottom"`
	ContainLabel bool   `json:"containLabel"`
}

type axisOpt struct {
	Type         string     `json:"type"` // "category" or "value"
	Data         []string   `json:"data,omitempty"`
	Name         string     `json:"name,omitempty"`
	NameLocation string     `json:"nameLocation,omitempty"`
	NameGap      int        `json:"nameGap,omitempty"`
	Min          *float64   `json:"min,omitempty"`
	MinInterval  int        `json:"minInterval,omitempty"`
	Inverse      bool       `json:"inverse,omitempty"`
	AxisLabel    *axisLabel `json:"axisLabel,omitempty"`
	TriggerEvent bool       `json:"triggerEvent,omitempty"`
}

type axisLabel struct {
	Width    int    `json:"width"`
	Overflow string `json:"overflow"`
}

// seriesOpt is a bar, line or map series.
type seriesOpt struct {
	Name  string  `json:"name"`
	Type  string  `json:"type"` // "bar", "line" or "map"
	Data  []point `json:"data"`
	Stack string  `json:"stack,omitempty"`
	// Lines.
	ShowSymbol   *bool      `json:"showSymbol,omitempty"`
	Symbol       string     `json:"symbol,omitempty"`
	SymbolSize   int        `json:"symbolSize,omitempty"`
	LineStyle    *lineStyle `json:"lineStyle,omitempty"`
	Step         string     `json:"step,omitempty"`
	ConnectNulls *bool      `json:"connectNulls,omitempty"`
	// Maps.
	Map              string     `json:"map,omitempty"`
	NameProperty     string     `json:"nameProperty,omitempty"`
	AspectScale      float64    `json:"aspectScale,omitempty"`
	Roam             *bool      `json:"roam,omitempty"`
	Emphasis         *emphasis  `json:"emphasis,omitempty"`
	Select           *selectOpt `json:"select,omitempty"`
	ItemStyle        *itemStyle `json:"itemStyle,omitempty"`
	ShowLegendSymbol *bool      `json:"showLegendSymbol,omitempty"`
}

type lineStyle struct {
	Width float64 `json:"width,omitempty"`
	Type  string  `json:"type,omitempty"` // "solid", "dashed", "dotted"
}

type emphasis struct {
	Label     labelOpt  `json:"label"`
	ItemStyle itemStyle `json:"itemStyle"`
}

type labelOpt struct {
	Show bool `json:"show"`
}

type selectOpt struct {
	Disabled bool `json:"disabled"`
}

type itemStyle struct {
	AreaColor   string  `json:"areaColor,omitempty"`
	BorderColor string  `json:"borderColor,omitempty"`
	BorderWidth float64 `json:"borderWidth,omitempty"`
}

// visualMap colours a map's areas by class.
type visualMap struct {
	Type       string    `json:"type"` // "piecewise"
	Pieces     []piece   `json:"pieces"`
	Left       int       `json:"left"`
	Bottom     int       `json:"bottom"`
	Orient     string    `json:"orient"`
	ItemGap    int       `json:"itemGap"`
	ItemHeight int       `json:"itemHeight"`
	TextStyle  textStyle `json:"textStyle"`
}

// piece is one class of a visual map: one value, or from gte up to lte
// (nil: no bound).
type piece struct {
	Color string `json:"color"`
	Gte   *int   `json:"gte,omitempty"`
	Label string `json:"label"`
	Lte   *int   `json:"lte,omitempty"`
	Value *int   `json:"value,omitempty"`
}

// point is one data item: a value, with the name of its bar or area and,
// on maps, the tooltip's title and text.
type point struct {
	Name  string `json:"name,omitempty"`
	Value value  `json:"value"`
	Title string `json:"title,omitempty"`
	Text  string `json:"text,omitempty"`
}

// value is a data value, or none: ECharts draws none as no bar, a gap in
// a line.
type value struct {
	n  float64
	ok bool
}

// noValue is the value ECharts leaves empty.
var noValue = value{}

// num is a data value.
func num[N int | float64](n N) value { return value{n: float64(n), ok: true} }

// MarshalJSON writes the number, or "-", ECharts' empty value.
func (v value) MarshalJSON() ([]byte, error) {
	if !v.ok {
		return []byte(`"-"`), nil
	}
	return json.Marshal(v.n)
}

// values are the points of a series of plain values.
func values[N int | float64](ns []N) []point {
	out := make([]point, len(ns))
	for i, n := range ns {
		out[i] = point{Value: num(n)}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// The options the bar and line charts share.

// axisTooltip shows every series' value at the category pointed at.
func axisTooltip() tooltipOpt {
	return tooltipOpt{Show: true, Trigger: "axis", AxisPointer: &axisPointer{Type: "shadow"}}
}

// grid leaves room around the plot for the first and last category
// labels, which ECharts centres on their points.
func grid() []gridOpt {
	return []gridOpt{{Left: "24", Right: "32", Top: "16", Bottom: "8", ContainLabel: true}}
}

// gridWithLegend leaves room for a legend under the plot.
func gridWithLegend() []gridOpt {
	return []gridOpt{{Left: "24", Right: "32", Top: "16", Bottom: "40", ContainLabel: true}}
}

func legend(show bool) legendOpt {
	if !show {
		return legendOpt{Show: false}
	}
	return legendOpt{Show: true, Bottom: "0"}
}

// categoryAxis is an axis of names or dates.
func categoryAxis(data []string) []axisOpt { return []axisOpt{{Type: "category", Data: data}} }

// valueAxis is an axis of values from min (nil: ECharts chooses), in steps
// of at least minInterval (0: any).
func valueAxis(min *float64, minInterval int) []axisOpt {
	return []axisOpt{{Type: "value", Min: min, MinInterval: minInterval}}
}

// fromZero is a value axis' minimum of 0.
var fromZero = ptr(0.0)

// productAxis is the category axis of a horizontal bar chart of
// products, largest at the top. Long names wrap onto more lines rather
// than push the plot off the canvas, and a click on a name opens its page
// (chartSpec.Links).
func productAxis(names []string) []axisOpt {
	return []axisOpt{{Type: "category", Data: names, Inverse: true,
		AxisLabel: &axisLabel{Width: 180, Overflow: "break"}, TriggerEvent: true}}
}

// noSymbol is a line without a mark at each point.
var noSymbol = ptr(false)
