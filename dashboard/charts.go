package dashboard

import (
	"encoding/json"
	"fmt"
	"html"
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
	colorNavy   = "#08306b"
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
	// Links are the pages a click on a bar, a category label or a map
	// area opens, by the name ECharts gives it (a product's name, a
	// kommunekode).
	Links map[string]string `json:"links,omitempty"`
}

// chart is one chart on a page with everything the "chart" template shows
// around it.
type chart struct {
	ID          string // unique in the page; DOM ids are derived from it
	Title       string
	Level       int    // of the heading; 0 is 2
	LabelledBy  string // the id of a heading that names the chart with its title, when the title is not unique
	Definition  string // short definition under the title
	Note        string // what the reader must know first, e.g. that data end early
	Summary     string // the figure in words, the canvas' aria-label
	Spec        chartSpec
	Table       table.Table
	CSV         string // export of the same figures
	Embed       string // the chart alone, for other sites (embedLink)
	Attribution string // source credit shown under maps
	Tall        bool

	v *view
}

// HeadingLevel is the level of the chart's heading: 2 unless the page
// puts it under a heading of its own (3) or it is the page (1, embeds).
func (c chart) HeadingLevel() int {
	if c.Level == 0 {
		return 2
	}
	return c.Level
}

// CSVSemicolon is the export for Danish Excel: ";" and decimal commas.
func (c chart) CSVSemicolon() string {
	if c.CSV == "" {
		return ""
	}
	return c.CSV + "&sep=semicolon"
}

// ImageName is the file name of the chart saved as a picture.
func (c chart) ImageName() string {
	return "os2pulse-" + c.ID + "-" + c.v.DateISO() + ".png"
}

// ImageSource is the line under the chart saved as a picture: where and
// when the figures come from, and their licence.
func (c chart) ImageSource() string {
	return c.v.T("site.name") + " · " + c.v.Tf("date.asof", c.v.DateText()) + " " + c.v.T("footer.license") + ": " + c.v.License().Name
}

// EmbedCode is the HTML that shows the chart on another site; "" inside
// an embed, and for a chart that cannot be embedded.
func (c chart) EmbedCode() string {
	if c.Embed == "" || c.v.Embed {
		return ""
	}
	height := 520
	if c.Tall {
		height = 680
	}
	return fmt.Sprintf(`<iframe src="%s" title="%s" width="100%%" height="%d" loading="lazy" style="border:0"></iframe>`,
		html.EscapeString(c.v.Origin+c.Embed), html.EscapeString(c.Title), height)
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
// bar chart's plot off the canvas (the table has the whole name), and
// lets a click on a name open its page (chartSpec.Links).
func truncateCategories(opt map[string]any) map[string]any {
	for _, a := range opt["yAxis"].([]any) {
		a.(map[string]any)["axisLabel"] = map[string]any{"width": 180, "overflow": "truncate"}
		a.(map[string]any)["triggerEvent"] = true
	}
	return opt
}

// productLinks are the product pages a chart's bars and names open.
func productLinks[P any](v *view, ps []P, id, name func(P) string) map[string]string {
	links := make(map[string]string, len(ps))
	for _, p := range ps {
		links[name(p)] = v.Link("/products/" + id(p))
	}
	return links
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
		Summary: summary, Spec: chartSpec{Option: truncateCategories(optionOf(bar)), Format: formatPercentage, Lang: v.Lang,
			Links: productLinks(v, ps, func(p figures.ProductAdoption) string { return p.ID }, func(p figures.ProductAdoption) string { return p.Name })},
		Table: t, CSV: v.DataLink("/api/v1/adoption.csv"), Embed: v.embedLink("adoption"), Tall: len(ps) > 8,
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
		ID: "distribution", Title: v.T("distribution.heading"), Definition: v.Def("distribution")["Short"],
		Summary: v.Tf("distribution.summary", v.Int(m.Members), v.Int(m.ThreePlus)),
		Spec:    chartSpec{Option: optionOf(bar), Format: formatInteger, Lang: v.Lang},
		Table:   t, CSV: v.DataLink("/api/v1/members.csv"), Embed: v.embedLink("members"),
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
		Table: t, CSV: seriesLink(v, "/api/v1/series/members.csv", from), Embed: v.embedLink("threeplus"),
	})
}

// The map of products per municipality has three classes: none, one or
// two, three or more (the board's figure). Its colours are a sequential
// scale from light grey to dark blue, readable with any colour vision,
// with at least 3:1 contrast between neighbours (3,0:1 and 3,7:1).
// Contrast ratios multiply, and no two colours are more than 21:1 apart,
// so a fourth class cannot keep 3:1 from both neighbours; the tooltip and
// the table give every municipality's exact count.
var countClasses = []struct {
	label    string // catalogue key
	min, max int    // max 0: no upper bound
	color    string
}{
	{"map.class.none", 0, 0, colorNone},
	{"map.class.few", 1, 2, "#4f8fc9"},
	{"map.class.many", 3, 0, colorNavy},
}

// colorNone is an area with nothing to show: light grey, so that "none"
// does not read as "a little".
const colorNone = "#f0f0f0"

// mapPieces are the legend of a map's classes.
func mapPieces(v *view) []map[string]any {
	var pieces []map[string]any
	for _, c := range countClasses {
		p := map[string]any{"label": v.T(c.label), "color": c.color}
		switch {
		case c.max == c.min:
			p["value"] = c.min
		case c.max == 0:
			p["gte"] = c.min
		default:
			p["gte"], p["lte"] = c.min, c.max
		}
		pieces = append(pieces, p)
	}
	return pieces
}

// mapOption sets what go-echarts has no fields for: the map's features are
// matched on their kommunekode, the map keeps Denmark's proportions (at 56°
// N a degree of longitude is cos 56° ≈ 0.56 of a degree of latitude), and
// hovering shows the tooltip rather than the raw code as a label.
func mapOption(m *charts.Map, titles map[string]string, texts map[string]string, pieces []map[string]any, legendTitle string) map[string]any {
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
		"itemGap": 6, "itemHeight": 14, "textStyle": map[string]any{"color": "#1a1a1a"},
	}}
	// The legend's title, just above its entries (a line of about 20 px
	// each).
	opt["title"] = map[string]any{"text": legendTitle, "left": 0, "bottom": len(pieces)*22 + 8,
		"textStyle": map[string]any{"fontSize": 13, "fontWeight": "bold", "color": "#1a1a1a"}}
	return opt
}

// municipalityLinks are the pages a click on a map's areas opens.
func municipalityLinks(v *view, ms []figures.Organization) map[string]string {
	links := make(map[string]string, len(ms))
	for _, m := range ms {
		links[m.ID] = v.Link("/organizations/" + m.ID)
	}
	return links
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
	return v.chart(chart{
		ID: "map", Title: v.T("map.heading"), Definition: v.Def("product_counts")["Short"],
		Summary: v.Tf("map.summary", v.Int(running)),
		Spec: chartSpec{Option: mapOption(mc, titles, nil, mapPieces(v), v.T("th.products")), Format: formatInteger, Lang: v.Lang, Map: true,
			Links: municipalityLinks(v, ms)},
		Table: t, CSV: v.DataLink("/api/v1/municipalities.csv"), Embed: v.embedLink("map"), Attribution: mapAttributionText(v), Tall: true,
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
	// From "in production" to "not in use": dark blue, mid blue, dark
	// orange, light grey. Production and pilot, and planned and none, are
	// 3:1 apart or more; pilot and planned differ in hue, blue and orange,
	// which every common colour vision tells apart.
	pieces := []map[string]any{
		{"value": 3, "label": v.T("status.production"), "color": colorNavy},
		{"value": 2, "label": v.T("status.pilot"), "color": "#4f8fc9"},
		{"value": 1, "label": v.T("status.planned"), "color": "#b35806"},
		{"value": 0, "label": v.T("status.none"), "color": colorNone},
	}
	return v.chart(chart{
		ID: "product-map", Title: v.Tf("product.map", name), Definition: v.Def("adopter")["Short"],
		Summary: t.Note, Spec: chartSpec{Option: mapOption(mc, titles, texts, pieces, v.T("th.status")), Format: formatInteger, Lang: v.Lang, Map: true,
			Links: municipalityLinks(v, ms)},
		Table: t, CSV: v.DataLink("/api/v1/municipalities.csv", "product", product), Embed: v.embedLink("product-map", "product", product),
		Attribution: mapAttributionText(v), Tall: true,
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
	// The three counts are often equal (every adopter a member
	// municipality), and a line drawn on top of another would hide it:
	// all organisations is a wide mid-green band at the bottom (3:1 on
	// white), members a dashed orange line over it, municipalities a thin
	// dark blue line on top (4:1 on the band), so each shows.
	style := func(width float32, dash string) charts.SeriesOpts {
		return charts.WithLineStyleOpts(opts.LineStyle{Width: width, Type: dash})
	}
	noSymbol := charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)})
	line := charts.NewLine()
	line.SetGlobalOptions(
		charts.WithColorsOpts(opts.Colors{"#5aa55e", colorOrange, colorNavy}),
		axisTooltip(), legend(true), gridWithLegend(),
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Min: 0, MinInterval: 1}),
	)
	line.SetXAxis(dates).
		AddSeries(v.T("series.all"), all, noSymbol, style(9, "solid")).
		AddSeries(v.T("series.members"), members, noSymbol, style(3, "dashed")).
		AddSeries(v.T("series.municipalities"), munis, noSymbol, style(1.5, "solid"))
	summary := v.T("series.empty")
	if n := len(s.Points); n > 0 {
		summary = v.Tf("product.series.summary", s.Name, v.Lang.Date(s.Points[0].Date), v.Lang.Date(s.Points[n-1].Date),
			v.Int(s.Points[n-1].Adopters.Municipalities))
	}
	return v.chart(chart{
		ID: "adoption-series", Title: v.T("product.series"), Definition: v.Def("adopter")["Short"],
		Summary: summary, Spec: chartSpec{Option: optionOf(line), Format: formatInteger, Lang: v.Lang},
		Table: t, CSV: seriesLink(v, "/api/v1/series/adoption.csv", from, "product", s.Product),
		Embed: v.embedLink("product-adoption", "product", s.Product),
	})
}

// Colours of the governance levels, from the sandbox to level 3.
var levelColors = []string{colorOrange, colorGreen, colorBlue, colorNavy}

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
		Table: t, CSV: seriesLink(v, "/api/v1/series/governance.csv", from), Embed: v.embedLink("governance"),
	})
}
