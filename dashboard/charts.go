package dashboard

import (
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"slices"
	"sort"

	"os2pulse/assets"
	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/table"
)

// Charts are built as typed ECharts options (echarts.go), marshalled with
// encoding/json into a <script type="application/json"> block that
// static/charts.js JSON.parses, so data only ever becomes data. No option
// here sets a formatter or any other function: charts.js adds its own,
// which build tooltips from DOM text nodes.
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
	Option echartsOption `json:"option"` // the ECharts option
	Format string        `json:"format"` // formatInteger or formatPercentage
	Lang   locale.Lang   `json:"lang"`   // for number formatting
	Map    bool          `json:"map,omitempty"`
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
	// SVG is a chart drawn on the server (the maps), shown instead of
	// Spec, with its Legend beside it.
	SVG    template.HTML
	Legend mapLegend
	// Unknown: the figures are not known at all (a register never read);
	// only the title, definition and Note are shown.
	Unknown bool

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
// script (it draws ECharts charts, and opens a map's municipalities and
// saves a map as a picture).
func (v *view) chart(c chart) chart {
	c.v = v
	v.HasCharts = true
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
	data := make([]point, 0, len(ps))
	t := table.Table{
		Caption: v.T("adoption.heading") + " – " + v.DateText(),
		Head: []string{v.T("th.product"), v.T("th.adopters.munis"), v.T("th.share.munis"), v.T("th.adopters.mem"),
			v.T("th.share.members"), v.T("th.adopters.all"), v.T("th.pilots"), v.T("th.planned")},
	}
	for _, p := range ps {
		names = append(names, p.Name)
		data = append(data, point{Name: p.Name, Value: num(p.ShareOfMunicipalities)})
		t.Rows = append(t.Rows, []table.Cell{
			table.Link(p.Name, v.Link("/products/"+p.ID)),
			table.Int(v.Lang, p.Adopters.Municipalities), table.Pct(v.Lang, p.ShareOfMunicipalities),
			table.Int(v.Lang, p.Adopters.Members), table.Pct(v.Lang, p.ShareOfMembers),
			table.Int(v.Lang, p.Adopters.All), table.Int(v.Lang, p.Pilots), table.Int(v.Lang, p.Planned),
		})
	}
	bar := echartsOption{
		Color: []string{colorBlue}, Tooltip: axisTooltip(), Legend: legend(false), Grid: grid(),
		XAxis: valueAxis(fromZero, 0), YAxis: productAxis(names),
		Series: []seriesOpt{{Name: v.T("series.share"), Type: "bar", Data: data}},
	}

	summary := v.T("adoption.summary.empty")
	if len(ps) > 0 {
		summary = v.Tf("adoption.summary", ps[0].Name, v.Pct(ps[0].ShareOfMunicipalities))
	}
	return v.chart(chart{
		ID: "adoption", Title: v.T("adoption.heading"), Definition: v.Def("adoption_share_municipalities")["Short"],
		Summary: summary, Spec: chartSpec{Option: bar, Format: formatPercentage, Lang: v.Lang,
			Links: productLinks(v, ps, func(p figures.ProductAdoption) string { return p.ID }, func(p figures.ProductAdoption) string { return p.Name })},
		Table: t, CSV: v.DataLink("/api/v1/adoption.csv"), Embed: v.embedLink("adoption"), Tall: len(ps) > 8,
	})
}

// distributionChart is members by how many products they run.
func distributionChart(v *view, m figures.Members) chart {
	data := make([]point, 0, len(figures.DistributionKeys))
	t := table.Table{
		Caption: v.T("distribution.heading") + " – " + v.DateText(),
		Head:    []string{v.T("distribution.products"), v.T("th.members")},
	}
	for _, k := range figures.DistributionKeys {
		n := m.Distribution[k]
		data = append(data, point{Name: k, Value: num(n)})
		t.Rows = append(t.Rows, []table.Cell{table.Text(k), table.Int(v.Lang, n)})
	}
	t.Rows = append(t.Rows, []table.Cell{table.Text(v.T("th.threeplus")), table.Int(v.Lang, m.ThreePlus)})
	bar := echartsOption{
		Color: []string{colorBlue}, Tooltip: axisTooltip(), Legend: legend(false), Grid: grid(),
		XAxis:  []axisOpt{{Type: "category", Data: figures.DistributionKeys, Name: v.T("distribution.products"), NameLocation: "middle", NameGap: 28}},
		YAxis:  valueAxis(nil, 1),
		Series: []seriesOpt{{Name: v.T("th.members"), Type: "bar", Data: data}},
	}
	return v.chart(chart{
		ID: "distribution", Title: v.T("distribution.heading"), Definition: v.Def("distribution")["Short"],
		Summary: v.Nf("distribution.summary", m.Members, v.Int(m.Members), v.Int(m.ThreePlus)),
		Spec:    chartSpec{Option: bar, Format: formatInteger, Lang: v.Lang},
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
	data := make([]point, 0, len(s.Points))
	t := table.Table{
		Caption: v.T("threeplus.heading"),
		Head:    []string{v.T("th.date"), v.T("th.members"), v.T("th.threeplus"), v.T("th.threeplus.sh")},
	}
	for _, p := range s.Points {
		dates = append(dates, p.Date.String())
		data = append(data, point{Value: num(p.ThreePlusShare)})
		t.Rows = append(t.Rows, []table.Cell{table.Date(v.Lang, p.Date), table.Int(v.Lang, p.Members), table.Int(v.Lang, p.ThreePlus), table.Pct(v.Lang, p.ThreePlusShare)})
	}
	line := echartsOption{
		Color: []string{colorBlue}, Tooltip: axisTooltip(), Legend: legend(false), Grid: grid(),
		XAxis: categoryAxis(dates), YAxis: valueAxis(fromZero, 0),
		Series: []seriesOpt{{Name: v.T("series.threeplus"), Type: "line", Data: data, ShowSymbol: noSymbol}},
	}
	summary := v.T("series.empty")
	if n := len(s.Points); n > 0 {
		summary = v.Tf("threeplus.summary", v.Lang.Date(s.Points[0].Date), v.Lang.Date(s.Points[n-1].Date),
			v.Pct(s.Points[0].ThreePlusShare), v.Pct(s.Points[n-1].ThreePlusShare))
	}
	return v.chart(chart{
		ID: "threeplus", Title: v.T("threeplus.heading"), Definition: v.Def("three_plus")["Short"],
		Summary: summary, Spec: chartSpec{Option: line, Format: formatPercentage, Lang: v.Lang},
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
func mapPieces(v *view) []piece {
	var pieces []piece
	for _, c := range countClasses {
		p := piece{Label: v.T(c.label), Color: c.color}
		switch {
		case c.max == c.min:
			p.Value = ptr(c.min)
		case c.max == 0:
			p.Gte = ptr(c.min)
		default:
			p.Gte, p.Lte = ptr(c.min), ptr(c.max)
		}
		pieces = append(pieces, p)
	}
	return pieces
}

// countMapChart colours the 98 municipalities by how many products each
// runs in production.
func countMapChart(v *view, counts map[string]int) (chart, error) {
	ms, err := figures.Municipalities()
	if err != nil {
		return chart{}, err
	}
	pieces := mapPieces(v)
	areas := make(map[string]mapArea, len(ms))
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
		areas[m.ID] = mapArea{Color: pieceColor(pieces, n), Title: m.Name + ": " + v.Nf("map.products", n, v.Int(n)), Link: v.Link("/organizations/" + m.ID)}
		t.Rows = append(t.Rows, []table.Cell{table.Link(m.Name, v.Link("/organizations/"+m.ID)), table.Text(m.Region), table.Int(v.Lang, n)})
	}
	summary := v.Nf("map.summary", running, v.Int(running))
	svg, err := mapSVG(summary, areas)
	if err != nil {
		return chart{}, err
	}
	return v.chart(chart{
		ID: "map", Title: v.T("map.heading"), Definition: v.Def("product_counts")["Short"],
		Summary: summary, SVG: svg, Legend: legendOf(v.T("th.products"), pieces),
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
	areas := make(map[string]mapArea, len(ms))
	t := table.Table{
		Caption: v.Tf("product.map", name) + " – " + v.DateText(),
		Head:    []string{v.T("th.municipality"), v.T("map.region"), v.T("th.status"), v.T("th.since")},
	}
	counts := map[string]int{}
	statusOf := make(map[string]string, len(ms))
	for _, m := range ms {
		a, ok := statuses[m.ID]
		status := "none"
		if ok {
			status = a.Status
			counts[status]++
			t.Rows = append(t.Rows, []table.Cell{table.Link(m.Name, v.Link("/organizations/"+m.ID)), table.Text(m.Region),
				table.Text(v.T("status." + status)), table.Date(v.Lang, a.Since)})
		}
		statusOf[m.ID] = status
	}
	t.Note = v.Nf("product.map.summary", counts[figures.StatusProduction], v.Int(counts[figures.StatusProduction]), name, v.Int(counts[figures.StatusPilot]), v.Int(counts[figures.StatusPlanned]))
	// From "in production" to "not in use": dark blue, mid blue, dark
	// orange, light grey. Production and pilot, and planned and none, are
	// 3:1 apart or more; pilot and planned differ in hue, blue and orange,
	// which every common colour vision tells apart.
	pieces := []piece{
		{Value: ptr(3), Label: v.T("status.production"), Color: colorNavy},
		{Value: ptr(2), Label: v.T("status.pilot"), Color: "#4f8fc9"},
		{Value: ptr(1), Label: v.T("status.planned"), Color: "#b35806"},
		{Value: ptr(0), Label: v.T("status.none"), Color: colorNone},
	}
	for _, m := range ms {
		status := statusOf[m.ID]
		areas[m.ID] = mapArea{Color: pieceColor(pieces, mapValue[status]), Title: m.Name + ": " + v.T("status."+status), Link: v.Link("/organizations/" + m.ID)}
	}
	svg, err := mapSVG(t.Note, areas)
	if err != nil {
		return chart{}, err
	}
	return v.chart(chart{
		ID: "product-map", Title: v.Tf("product.map", name), Definition: v.Def("adopter")["Short"],
		Summary: t.Note, SVG: svg, Legend: legendOf(v.T("th.status"), pieces),
		Table: t, CSV: v.DataLink("/api/v1/municipalities.csv", "product", product), Embed: v.embedLink("product-map", "product", product),
		Attribution: mapAttributionText(v), Tall: true,
	}), nil
}

// adoptionSeriesChart is a product's adopters over time by scope.
func adoptionSeriesChart(v *view, s figures.AdoptionSeries, from string) chart {
	dates := make([]string, 0, len(s.Points))
	var munis, members, all []int
	t := table.Table{
		Caption: v.T("product.series") + ": " + s.Name,
		Head: []string{v.T("th.date"), v.T("th.adopters.munis"), v.T("th.share.munis"), v.T("th.adopters.mem"),
			v.T("th.share.members"), v.T("th.adopters.all"), v.T("th.pilots"), v.T("th.planned")},
	}
	for _, p := range s.Points {
		dates = append(dates, p.Date.String())
		munis = append(munis, p.Adopters.Municipalities)
		members = append(members, p.Adopters.Members)
		all = append(all, p.Adopters.All)
		t.Rows = append(t.Rows, []table.Cell{table.Date(v.Lang, p.Date), table.Int(v.Lang, p.Adopters.Municipalities), table.Pct(v.Lang, p.ShareOfMunicipalities),
			table.Int(v.Lang, p.Adopters.Members), table.Pct(v.Lang, p.ShareOfMembers), table.Int(v.Lang, p.Adopters.All),
			table.Int(v.Lang, p.Pilots), table.Int(v.Lang, p.Planned)})
	}
	// The three counts are often equal (every adopter a member
	// municipality), and a line drawn on top of another would hide it:
	// all organisations is a wide mid-green band at the bottom (3:1 on
	// white), members a dashed orange line over it, municipalities a thin
	// dark blue line on top (4:1 on the band), so each shows.
	styled := func(name string, ns []int, width float64, dash string) seriesOpt {
		return seriesOpt{Name: name, Type: "line", Data: values(ns), ShowSymbol: noSymbol, LineStyle: &lineStyle{Width: width, Type: dash}}
	}
	line := echartsOption{
		Color: []string{"#5aa55e", colorOrange, colorNavy}, Tooltip: axisTooltip(), Legend: legend(true), Grid: gridWithLegend(),
		XAxis: categoryAxis(dates), YAxis: valueAxis(fromZero, 1),
		Series: []seriesOpt{
			styled(v.T("series.all"), all, 9, "solid"),
			styled(v.T("series.members"), members, 3, "dashed"),
			styled(v.T("series.municipalities"), munis, 1.5, "solid"),
		},
	}
	summary := v.T("series.empty")
	if n := len(s.Points); n > 0 {
		summary = v.Nf("product.series.summary", s.Points[n-1].Adopters.Municipalities, s.Name, v.Lang.Date(s.Points[0].Date), v.Lang.Date(s.Points[n-1].Date),
			v.Int(s.Points[n-1].Adopters.Municipalities))
	}
	return v.chart(chart{
		ID: "adoption-series", Title: v.T("product.series"), Definition: v.Def("adopter")["Short"],
		Summary: summary, Spec: chartSpec{Option: line, Format: formatInteger, Lang: v.Lang},
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
	byLevel := make([][]int, len(figures.GovernanceLevels))
	for _, p := range s.Points {
		dates = append(dates, p.Date.String())
		row := []table.Cell{table.Date(v.Lang, p.Date)}
		for i, l := range figures.GovernanceLevels {
			byLevel[i] = append(byLevel[i], p.Levels[l])
			row = append(row, table.Int(v.Lang, p.Levels[l]))
		}
		t.Rows = append(t.Rows, row)
	}
	bar := echartsOption{
		Color: levelColors, Tooltip: axisTooltip(), Legend: legend(true), Grid: gridWithLegend(),
		XAxis: categoryAxis(dates), YAxis: valueAxis(nil, 1),
	}
	for i, l := range figures.GovernanceLevels {
		bar.Series = append(bar.Series, seriesOpt{Name: v.Governance(l), Type: "bar", Data: values(byLevel[i]), Stack: "levels"})
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
		Summary: summary, Spec: chartSpec{Option: bar, Format: formatInteger, Lang: v.Lang},
		Table: t, CSV: seriesLink(v, "/api/v1/series/governance.csv", from), Embed: v.embedLink("governance"),
	})
}
