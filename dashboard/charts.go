package dashboard

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"os2pulse/assets"
	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/table"
)

// Charts are built with go-echarts' option types, but never rendered by
// go-echarts: its page rendering neither escapes data inside <script> nor
// keeps "__f__" strings from becoming JavaScript. Instead each option is
// marshalled with encoding/json into a <script type="application/json">
// block that static/charts.js JSON.parses, so data only ever becomes data.
// No option here sets a formatter (go-echarts' FuncStr): charts.js adds
// its own, which build tooltips from DOM text nodes.
//
// Each function returns the chart together with its data table, built from
// the same values, so the table always shows the chart's numbers.

// Colours of series, each with at least 4.5:1 contrast on white.
const (
	colorBlue   = "#1f5fa8"
	colorOrange = "#a34e00"
	colorGreen  = "#2e7d32"
	colorGrey   = "#5f5f5f"
)

// Number formats charts.js applies to tooltips and value axes.
const (
	formatInteger    = "integer"
	formatPercentage = "percent"
)

// chartSpec is what charts.js receives for one chart.
type chartSpec struct {
	Option map[string]any `json:"option"` // the ECharts option
	Format string         `json:"format"` // formatInteger or formatPercentage
	Lang   locale.Lang    `json:"lang"`   // for number formatting
	Map    bool           `json:"map,omitempty"`
}

// chart is one chart on a page with everything the "chart" template shows
// around it.
type chart struct {
	ID          string // unique in the page; DOM ids are derived from it
	Title       string
	Definition  string // short definition under the title
	Note        string // what the reader must know first, e.g. that data end early
	Summary     string // the figure in words, the canvas' aria-label
	Spec        chartSpec
	Table       table.Table
	CSV         string // export of the same figures
	Attribution string // source credit shown under maps
	Tall        bool

	v *view
}

// chart registers a chart with the page, which then loads the chart
// scripts (and the map, for maps).
func (v *view) chart(c chart) chart {
	c.v = v
	v.HasCharts = true
	if c.Spec.Map {
		v.HasMap = true
	}
	return c
}

// T translates a label in the chart's page language, for the "chart"
// template.
func (c chart) T(key string) string { return c.v.T(key) }

// SpecJSON is the chart's spec for a <script type="application/json">
// block. encoding/json escapes <, > and & as \u003c etc., so no string
// from the data can close the element, and the browser only ever
// JSON.parses it: a name like "__f__alert(1)__f__" stays a string.
func (c chart) SpecJSON() (json.RawMessage, error) {
	b, err := json.Marshal(c.Spec)
	if err != nil {
		return nil, fmt.Errorf("dashboard: chart option: %w", err)
	}
	return json.RawMessage(b), nil
}

// echartsChart is what go-echarts' chart types have in common.
type echartsChart interface {
	Validate()
	JSON() map[string]interface{}
}

// optionOf turns a go-echarts chart into a plain option map: marshalled
// and read back, so that a few ECharts options go-echarts has no field for
// (map nameProperty, visual map pieces with labels) can be added, and so
// that what charts.js receives is exactly the map's JSON.
func optionOf(c echartsChart) map[string]any {
	c.Validate()
	b, err := json.Marshal(c.JSON())
	if err != nil {
		// go-echarts' option types are plain data; failing to marshal
		// them is a programming error.
		panic(fmt.Sprintf("dashboard: marshalling chart option: %v", err))
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		panic(fmt.Sprintf("dashboard: reading chart option: %v", err))
	}
	// Empty components only make the JSON longer.
	for _, k := range []string{"title", "toolbox"} {
		if o, ok := m[k].(map[string]any); ok && len(o) == 0 {
			delete(m, k)
		}
	}
	return m
}

// series returns the i-th series of an option.
func series(opt map[string]any, i int) map[string]any {
	return opt["series"].([]any)[i].(map[string]any)
}

// Common options of the bar and line charts.
func axisTooltip() charts.GlobalOpts {
	return charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis", AxisPointer: &opts.AxisPointer{Type: "shadow"}})
}

// grid leaves room around the plot for the first and last category
// labels, which ECharts centres on their points.
func grid() charts.GlobalOpts {
	return charts.WithGridOpts(opts.Grid{Left: "24", Right: "32", Top: "16", Bottom: "8", ContainLabel: opts.Bool(true)})
}

func legend(show bool) charts.GlobalOpts {
	if !show {
		return charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)})
	}
	return charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"})
}

// gridWithLegend leaves room for a legend under the plot.
func gridWithLegend() charts.GlobalOpts {
	return charts.WithGridOpts(opts.Grid{Left: "24", Right: "32", Top: "16", Bottom: "40", ContainLabel: opts.Bool(true)})
}

// truncateCategories keeps long product names from pushing a horizontal
// bar chart's plot off the canvas; the table has the whole name.
func truncateCategories(opt map[string]any) map[string]any {
	for _, a := range opt["yAxis"].([]any) {
		a.(map[string]any)["axisLabel"] = map[string]any{"width": 180, "overflow": "truncate"}
	}
	return opt
}

// byShare orders products by share of municipalities, largest first, then
// by name, as the adoption chart and its table show them.
func byShare(ps []figures.ProductAdoption) []figures.ProductAdoption {
	out := slices.Clone(ps)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].ShareOfMunicipalities != out[j].ShareOfMunicipalities {
			return out[i].ShareOfMunicipalities > out[j].ShareOfMunicipalities
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// adoptionChart is the share of the 98 municipalities running each product
// in production, as horizontal bars, largest first.
func adoptionChart(v *view, a figures.Adoption) chart {
	ps := byShare(a.Products)
	names := make([]string, 0, len(ps))
	data := make([]opts.BarData, 0, len(ps))
	t := table.Table{
		Caption: v.T("adoption.heading") + " – " + v.DateText(),
		Head: []string{v.T("th.product"), v.T("th.adopters.munis"), v.T("th.share.munis"), v.T("th.adopters.mem"),
			v.T("th.share.members"), v.T("th.adopters.all"), v.T("th.pilots"), v.T("th.planned")},
	}
	for _, p := range ps {
		names = append(names, p.Name)
		data = append(data, opts.BarData{Name: p.Name, Value: p.ShareOfMunicipalities})
		t.Rows = append(t.Rows, []table.Cell{
			table.Link(p.Name, v.Link("/products/"+p.ID)),
			table.Int(v.Lang, p.Adopters.Municipalities), table.Pct(v.Lang, p.ShareOfMunicipalities),
			table.Int(v.Lang, p.Adopters.Members), table.Pct(v.Lang, p.ShareOfMembers),
			table.Int(v.Lang, p.Adopters.All), table.Int(v.Lang, p.Pilots), table.Int(v.Lang, p.Planned),
		})
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithColorsOpts(opts.Colors{colorBlue}),
		axisTooltip(), legend(false), grid(),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Min: 0}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}),
	)
	bar.SetXAxis(names).AddSeries(v.T("series.share"), data).XYReversal()

	summary := v.T("adoption.summary.empty")
	if len(ps) > 0 {
		summary = v.Tf("adoption.summary", ps[0].Name, v.Pct(ps[0].ShareOfMunicipalities))
	}
	return v.chart(chart{
		ID: "adoption", Title: v.T("adoption.heading"), Definition: v.Def("adoption_share_municipalities")["Short"],
		Summary: summary, Spec: chartSpec{Option: truncateCategories(optionOf(bar)), Format: formatPercentage, Lang: v.Lang},
		Table: t, CSV: v.DataLink("/api/v1/adoption.csv"), Tall: len(ps) > 8,
	})
}

// distributionChart is members by how many products they run.
func distributionChart(v *view, m figures.Members) chart {
	data := make([]opts.BarData, 0, len(figures.DistributionKeys))
	t := table.Table{
		Caption: v.T("distribution.heading") + " – " + v.DateText(),
		Head:    []string{v.T("distribution.products"), v.T("th.members")},
	}
	for _, k := range figures.DistributionKeys {
		n := m.Distribution[k]
		data = append(data, opts.BarData{Name: k, Value: n})
		t.Rows = append(t.Rows, []table.Cell{table.Text(k), table.Int(v.Lang, n)})
	}
	t.Rows = append(t.Rows, []table.Cell{table.Text(v.T("th.threeplus")), table.Int(v.Lang, m.ThreePlus)})
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithColorsOpts(opts.Colors{colorBlue}),
		axisTooltip(), legend(false), grid(),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Name: v.T("distribution.products"), NameLocation: "middle", NameGap: 28}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", MinInterval: 1}),
	)
	bar.SetXAxis(figures.DistributionKeys).AddSeries(v.T("th.members"), data)
	return v.chart(chart{
		ID: "distribution", Title: v.T("distribution.heading"), Definition: v.Def("three_plus")["Short"],
		Summary: v.Tf("distribution.summary", v.Int(m.Members), v.Int(m.ThreePlus)),
		Spec:    chartSpec{Option: optionOf(bar), Format: formatInteger, Lang: v.Lang},
		Table:   t, CSV: v.DataLink("/api/v1/members.csv"),
	})
}

// seriesLink is the export of a series from..to by month.
func seriesLink(v *view, p string, from string, kv ...string) string {
	return v.DataLink(p, append([]string{"from", from, "to", v.DateISO(), "step", string(figures.Month)}, kv...)...)
}

// threePlusChart is the share of members running three or more products
// over time.
func threePlusChart(v *view, s figures.MembersSeries, from string) chart {
	dates := make([]string, 0, len(s.Points))
	data := make([]opts.LineData, 0, len(s.Points))
	t := table.Table{
		Caption: v.T("threeplus.heading"),
		Head:    []string{v.T("th.date"), v.T("th.members"), v.T("th.threeplus"), v.T("th.threeplus.sh")},
	}
	for _, p := range s.Points {
		dates = append(dates, p.Date.String())
		data = append(data, opts.LineData{Value: p.ThreePlusShare})
		t.Rows = append(t.Rows, []table.Cell{table.Date(v.Lang, p.Date), table.Int(v.Lang, p.Members), table.Int(v.Lang, p.ThreePlus), table.Pct(v.Lang, p.ThreePlusShare)})
	}
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithColorsOpts(opts.Colors{colorBlue}),
		axisTooltip(), legend(false), grid(),
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Min: 0}),
	)
	line.SetXAxis(dates).AddSeries(v.T("series.threeplus"), data, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}))
	summary := v.T("series.empty")
	if n := len(s.Points); n > 0 {
		summary = v.Tf("threeplus.summary", v.Lang.Date(s.Points[0].Date), v.Lang.Date(s.Points[n-1].Date),
			v.Pct(s.Points[0].ThreePlusShare), v.Pct(s.Points[n-1].ThreePlusShare))
	}
	return v.chart(chart{
		ID: "threeplus", Title: v.T("threeplus.heading"), Definition: v.Def("three_plus")["Short"],
		Summary: summary, Spec: chartSpec{Option: optionOf(line), Format: formatPercentage, Lang: v.Lang},
		Table: t, CSV: seriesLink(v, "/api/v1/series/members.csv", from),
	})
}

// Sequential blues for 0, 1, 2, 3, 4 and 5+ products; 0 is a light grey so
// "none" does not read as "a little".
var countColors = []string{"#eeeeee", "#c6dbef", "#9ecae1", "#4f8fc9", "#2166ac", "#08306b"}

// mapOption sets what go-echarts has no fields for: the map's features are
// matched on their kommunekode, the map keeps Denmark's proportions (at 56°
// N a degree of longitude is cos 56° ≈ 0.56 of a degree of latitude), and
// hovering shows the tooltip rather than the raw code as a label.
func mapOption(m *charts.Map, titles map[string]string, texts map[string]string, pieces []map[string]any) map[string]any {
	opt := optionOf(m)
	s := series(opt, 0)
	s["nameProperty"] = "code"
	s["aspectScale"] = 0.56
	s["roam"] = false
	s["emphasis"] = map[string]any{"label": map[string]any{"show": false}, "itemStyle": map[string]any{"areaColor": "#fdb863"}}
	s["select"] = map[string]any{"disabled": true}
	s["itemStyle"] = map[string]any{"borderColor": "#555555", "borderWidth": 0.5}
	s["showLegendSymbol"] = false
	for _, d := range s["data"].([]any) {
		item := d.(map[string]any)
		code, _ := item["name"].(string)
		item["title"] = titles[code]
		if t, ok := texts[code]; ok {
			item["text"] = t
		}
	}
	opt["visualMap"] = []any{map[string]any{
		"type": "piecewise", "pieces": pieces, "left": 0, "bottom": 0, "orient": "vertical",
		"itemGap": 6, "textStyle": map[string]any{"color": "#1a1a1a"},
	}}
	return opt
}

// countMapChart colours the 98 municipalities by how many products each
// runs in production.
func countMapChart(v *view, counts map[string]int) (chart, error) {
	ms, err := figures.Municipalities()
	if err != nil {
		return chart{}, err
	}
	data := make([]opts.MapData, 0, len(ms))
	titles := map[string]string{}
	t := table.Table{
		Caption: v.T("map.heading") + " – " + v.DateText(),
		Head:    []string{v.T("th.municipality"), v.T("map.region"), v.T("th.products")},
	}
	running := 0
	for _, m := range ms {
		n := counts[m.ID]
		if n > 0 {
			running++
		}
		data = append(data, opts.MapData{Name: m.ID, Value: n})
		titles[m.ID] = m.Name
		t.Rows = append(t.Rows, []table.Cell{table.Link(m.Name, v.Link("/organizations/"+m.ID)), table.Text(m.Region), table.Int(v.Lang, n)})
	}
	mc := charts.NewMap()
	mc.RegisterMapType("denmark")
	mc.SetGlobalOptions(charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}), legend(false))
	mc.AddSeries(v.T("th.products"), data)
	var pieces []map[string]any
	for i, k := range figures.DistributionKeys {
		p := map[string]any{"label": k, "color": countColors[i]}
		if k == "5+" {
			p["gte"] = 5
		} else {
			p["value"] = i
		}
		pieces = append(pieces, p)
	}
	return v.chart(chart{
		ID: "map", Title: v.T("map.heading"), Definition: v.Def("product_counts")["Short"],
		Summary: v.Tf("map.summary", v.Int(running)),
		Spec:    chartSpec{Option: mapOption(mc, titles, nil, pieces), Format: formatInteger, Lang: v.Lang, Map: true},
		Table:   t, CSV: v.DataLink("/api/v1/municipalities.csv"), Attribution: mapAttributionText(v), Tall: true,
	}), nil
}

// mapAttributionText is the boundary data's credit in the page language.
func mapAttributionText(v *view) string {
	if v.Lang == locale.EN {
		return assets.MapAttributionEN
	}
	return assets.MapAttributionDA
}

// mapValue encodes a municipality's status for a product on its map,
// whose colours run from "not in use" to "in production".
var mapValue = map[string]int{"none": 0, figures.StatusPlanned: 1, figures.StatusPilot: 2, figures.StatusProduction: 3}

// productMapChart colours the municipalities by their status for one
// product: in production, pilot, planned or not in use (the strongest,
// where a municipality has several records).
func productMapChart(v *view, product, name string, statuses map[string]figures.Adopter) (chart, error) {
	ms, err := figures.Municipalities()
	if err != nil {
		return chart{}, err
	}
	data := make([]opts.MapData, 0, len(ms))
	titles, texts := map[string]string{}, map[string]string{}
	t := table.Table{
		Caption: v.Tf("product.map", name) + " – " + v.DateText(),
		Head:    []string{v.T("th.municipality"), v.T("map.region"), v.T("th.status"), v.T("th.since")},
	}
	counts := map[string]int{}
	for _, m := range ms {
		a, ok := statuses[m.ID]
		status := "none"
		if ok {
			status = a.Status
			counts[status]++
			t.Rows = append(t.Rows, []table.Cell{table.Link(m.Name, v.Link("/organizations/"+m.ID)), table.Text(m.Region),
				table.Text(v.T("status." + status)), table.Date(v.Lang, a.Since)})
		}
		data = append(data, opts.MapData{Name: m.ID, Value: mapValue[status]})
		titles[m.ID] = m.Name
		texts[m.ID] = v.T("status." + status)
	}
	t.Note = v.Tf("product.map.summary", v.Int(counts[figures.StatusProduction]), name, v.Int(counts[figures.StatusPilot]), v.Int(counts[figures.StatusPlanned]))
	mc := charts.NewMap()
	mc.RegisterMapType("denmark")
	mc.SetGlobalOptions(charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}), legend(false))
	mc.AddSeries(v.T("th.status"), data)
	pieces := []map[string]any{
		{"value": 3, "label": v.T("status.production"), "color": colorBlue},
		{"value": 2, "label": v.T("status.pilot"), "color": "#6fa8dc"},
		{"value": 1, "label": v.T("status.planned"), "color": "#f6b26b"},
		{"value": 0, "label": v.T("status.none"), "color": countColors[0]},
	}
	return v.chart(chart{
		ID: "product-map", Title: v.Tf("product.map", name), Definition: v.Def("adopter")["Short"],
		Summary: t.Note, Spec: chartSpec{Option: mapOption(mc, titles, texts, pieces), Format: formatInteger, Lang: v.Lang, Map: true},
		Table: t, CSV: v.DataLink("/api/v1/municipalities.csv", "product", product), Attribution: mapAttributionText(v), Tall: true,
	}), nil
}

// adoptionSeriesChart is a product's adopters over time by scope.
func adoptionSeriesChart(v *view, s figures.AdoptionSeries, from string) chart {
	dates := make([]string, 0, len(s.Points))
	var munis, members, all []opts.LineData
	t := table.Table{
		Caption: v.T("product.series") + ": " + s.Name,
		Head: []string{v.T("th.date"), v.T("th.adopters.munis"), v.T("th.share.munis"), v.T("th.adopters.mem"),
			v.T("th.share.members"), v.T("th.adopters.all"), v.T("th.pilots"), v.T("th.planned")},
	}
	for _, p := range s.Points {
		dates = append(dates, p.Date.String())
		munis = append(munis, opts.LineData{Value: p.Adopters.Municipalities})
		members = append(members, opts.LineData{Value: p.Adopters.Members})
		all = append(all, opts.LineData{Value: p.Adopters.All})
		t.Rows = append(t.Rows, []table.Cell{table.Date(v.Lang, p.Date), table.Int(v.Lang, p.Adopters.Municipalities), table.Pct(v.Lang, p.ShareOfMunicipalities),
			table.Int(v.Lang, p.Adopters.Members), table.Pct(v.Lang, p.ShareOfMembers), table.Int(v.Lang, p.Adopters.All),
			table.Int(v.Lang, p.Pilots), table.Int(v.Lang, p.Planned)})
	}
	noSymbol := charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)})
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithColorsOpts(opts.Colors{colorBlue, colorOrange, colorGreen}),
		axisTooltip(), legend(true), gridWithLegend(),
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Min: 0, MinInterval: 1}),
	)
	line.SetXAxis(dates).
		AddSeries(v.T("series.municipalities"), munis, noSymbol).
		AddSeries(v.T("series.members"), members, noSymbol).
		AddSeries(v.T("series.all"), all, noSymbol)
	summary := v.T("series.empty")
	if n := len(s.Points); n > 0 {
		summary = v.Tf("product.series.summary", s.Name, v.Lang.Date(s.Points[0].Date), v.Lang.Date(s.Points[n-1].Date),
			v.Int(s.Points[n-1].Adopters.Municipalities))
	}
	return v.chart(chart{
		ID: "adoption-series", Title: v.T("product.series"), Definition: v.Def("adopter")["Short"],
		Summary: summary, Spec: chartSpec{Option: optionOf(line), Format: formatInteger, Lang: v.Lang},
		Table: t, CSV: seriesLink(v, "/api/v1/series/adoption.csv", from, "product", s.Product),
	})
}

// Colours of the governance levels, from the sandbox to level 3.
var levelColors = []string{colorOrange, colorGreen, colorBlue, "#08306b"}

// governanceChart is the products by governance level at the end of each
// month, stacked: each product counted at the level it held then.
func governanceChart(v *view, s figures.GovernanceSeries, from string) chart {
	dates := make([]string, 0, len(s.Points))
	t := table.Table{Caption: v.T("governance.heading"), Head: []string{v.T("th.date")}}
	for _, l := range figures.GovernanceLevels {
		t.Head = append(t.Head, v.Governance(l))
	}
	byLevel := make([][]opts.BarData, len(figures.GovernanceLevels))
	for _, p := range s.Points {
		dates = append(dates, p.Date.String())
		row := []table.Cell{table.Date(v.Lang, p.Date)}
		for i, l := range figures.GovernanceLevels {
			byLevel[i] = append(byLevel[i], opts.BarData{Value: p.Levels[l]})
			row = append(row, table.Int(v.Lang, p.Levels[l]))
		}
		t.Rows = append(t.Rows, row)
	}
	stack := charts.WithBarChartOpts(opts.BarChart{Stack: "levels"})
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithColorsOpts(opts.Colors(levelColors)),
		axisTooltip(), legend(true), gridWithLegend(),
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", MinInterval: 1}),
	)
	bar.SetXAxis(dates)
	for i, l := range figures.GovernanceLevels {
		bar.AddSeries(v.Governance(l), byLevel[i], stack)
	}
	summary := v.T("series.empty")
	if n := len(s.Points); n > 0 {
		var now []string
		for _, l := range figures.GovernanceLevels {
			now = append(now, v.Governance(l)+": "+v.Int(s.Points[n-1].Levels[l]))
		}
		summary = v.Tf("governance.summary", v.Lang.Month(s.Points[0].Date), v.Lang.Month(s.Points[n-1].Date), locale.List(now))
	}
	return v.chart(chart{
		ID: "governance", Title: v.T("governance.heading"), Definition: v.Def("governance_level")["Short"],
		Summary: summary, Spec: chartSpec{Option: optionOf(bar), Format: formatInteger, Lang: v.Lang},
		Table: t, CSV: seriesLink(v, "/api/v1/series/governance.csv", from),
	})
}
