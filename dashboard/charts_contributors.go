package dashboard

import (
	"slices"
	"sort"
	"strconv"

	"os2pulse/figures"
	"os2pulse/table"
)

// The contributor charts. A figure whose data do not reach its date is
// drawn as no bar or a gap, and its table cell is marked (coverage.go).

// byContributors orders products by active contributors, most first.
func byContributors(ps []figures.ProductContributors) []figures.ProductContributors {
	out := slices.Clone(ps)
	// Products whose figure is not known come last.
	count := func(p figures.ProductContributors) int {
		if n, ok := p.ActiveContributors.Get(); ok {
			return n
		}
		return -1
	}
	sort.SliceStable(out, func(i, j int) bool {
		if a, b := count(out[i]), count(out[j]); a != b {
			return a > b
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// contributorsChart is active contributors per product, stacked by
// affiliation, on c's date (which the overview sets to the last date with
// complete data). A product whose data do not reach the date has no bar;
// its table row shows the value marked.
func contributorsChart(v *view, c figures.Contributors) chart {
	ps := byContributors(c.Products)
	names := make([]string, 0, len(ps))
	member, supplier, unknown := make([]point, 0, len(ps)), make([]point, 0, len(ps)), make([]point, 0, len(ps))
	t := table.Table{
		Caption: v.T("contributors.heading") + " – " + v.Lang.Date(c.Date),
		Head: []string{v.T("th.product"), v.T("th.active"), v.T("th.aff.member"), v.T("th.aff.supplier"),
			v.T("th.aff.unknown"), v.T("th.repos")},
	}
	var note string
	for _, p := range ps {
		names = append(names, p.Name)
		// A figure that is not known has no bar, and "–" in the table.
		a := p.ByAffiliation
		bar := func(pick func(figures.Affiliations) int) point {
			if a == nil {
				return point{Value: noValue}
			}
			return point{Value: num(pick(*a))}
		}
		member = append(member, bar(func(a figures.Affiliations) int { return a.Member }))
		supplier = append(supplier, bar(func(a figures.Affiliations) int { return a.Supplier }))
		unknown = append(unknown, bar(func(a figures.Affiliations) int { return a.Unknown }))
		row := append([]table.Cell{table.Link(p.Name, v.Link("/products/"+p.ID)), v.countCell(p.ActiveContributors)}, v.affiliationCells(a)...)
		t.Rows = append(t.Rows, append(row, table.Int(v.Lang, p.Repositories)))
		if !p.Complete {
			t.Note = v.coverageNote(p.CoveredUntil)
		}
	}
	pc := c.PortfolioComplete
	row := append([]table.Cell{table.Text(v.T("key.contributors")), v.countCell(c.PortfolioActiveContributors)}, v.affiliationCells(c.PortfolioByAffiliation)...)
	t.Rows = append(t.Rows, append(row, table.Text("")))
	switch {
	case !pc:
		note = v.coverageNote(c.PortfolioCoveredUntil)
		t.Note = note
	case c.Date != v.Date:
		note = v.Tf("coverage.chart.lastdate", v.Lang.Date(c.Date))
	}
	bar := echartsOption{
		Color: []string{colorBlue, colorOrange, colorGrey}, Tooltip: axisTooltip(), Legend: legend(true), Grid: gridWithLegend(),
		XAxis: valueAxis(nil, 1), YAxis: productAxis(names),
		Series: []seriesOpt{
			{Name: v.T("aff.member"), Type: "bar", Data: member, Stack: "total"},
			{Name: v.T("aff.supplier"), Type: "bar", Data: supplier, Stack: "total"},
			{Name: v.T("aff.unknown"), Type: "bar", Data: unknown, Stack: "total"},
		},
	}
	summary := v.T("adoption.summary.empty")
	if len(ps) > 0 && ps[0].ActiveContributors.OK() {
		summary = v.Tf("contributors.summary", ps[0].Name, v.Known(ps[0].ActiveContributors))
	}
	return v.chart(chart{
		ID: "contributors", Title: v.T("contributors.heading"),
		Definition: v.Def("active_contributors")["Short"] + " " + v.Nf("window.sentence", c.WindowDays, v.Int(c.WindowDays)),
		Note:       note,
		Summary:    summary, Spec: chartSpec{Option: bar, Format: formatInteger, Lang: v.Lang,
			Links: productLinks(v, ps, func(p figures.ProductContributors) string { return p.ID }, func(p figures.ProductContributors) string { return p.Name })},
		Table: t, CSV: v.DataLink("/api/v1/contributors.csv", "date", c.Date.String(), "window_days", strconv.Itoa(c.WindowDays)),
		Embed: v.embedLink("contributors"), Tall: len(ps) > 8,
	})
}

// contributorSeriesChart is active contributors of the portfolio (or one
// product) over time. The line stops at the last point the data reach:
// later points are gaps, and marked in the table.
func contributorSeriesChart(v *view, s figures.ContributorSeries, from, title string) chart {
	dates := make([]string, 0, len(s.Points))
	data := make([]point, 0, len(s.Points))
	t := table.Table{
		Caption: title,
		Head: []string{v.T("th.date"), v.T("th.active"), v.T("th.aff.member"), v.T("th.aff.supplier"),
			v.T("th.aff.unknown")},
	}
	last := -1 // the last complete point
	for i, p := range s.Points {
		dates = append(dates, p.Date.String())
		if n, ok := p.ActiveContributors.Get(); ok {
			data = append(data, point{Value: num(n)})
			last = i
		} else {
			data = append(data, point{Value: noValue})
			t.Note = v.coverageNote(s.CoveredUntil)
		}
		t.Rows = append(t.Rows, append([]table.Cell{table.Date(v.Lang, p.Date), v.countCell(p.ActiveContributors)}, v.affiliationCells(p.ByAffiliation)...))
	}
	note := ""
	if t.Note != "" {
		if last >= 0 {
			note = v.Tf("coverage.series", v.Lang.Date(s.Points[last].Date), v.Lang.Date(s.CoveredUntil))
		} else {
			note = t.Note
		}
	}
	line := echartsOption{
		Color: []string{colorBlue}, Tooltip: axisTooltip(), Legend: legend(false), Grid: grid(),
		XAxis: categoryAxis(dates), YAxis: valueAxis(fromZero, 1),
		Series: []seriesOpt{{Name: v.T("series.active"), Type: "line", Data: data, ShowSymbol: noSymbol}},
	}
	summary := v.T("series.empty")
	if last >= 0 {
		summary = v.Tf("contributors.series.sum", v.Lang.Date(s.Points[0].Date), v.Lang.Date(s.Points[last].Date),
			v.Known(s.Points[0].ActiveContributors), v.Known(s.Points[last].ActiveContributors))
	}
	if note != "" {
		summary += " " + note
	}
	kv := []string{"window_days", strconv.Itoa(s.WindowDays)}
	id, embed := "contributor-series", v.embedLink("contributor-series")
	if s.Product != "" {
		kv = append(kv, "product", s.Product)
		id, embed = "product-contributor-series", v.embedLink("product-contributors", "product", s.Product)
	}
	return v.chart(chart{
		ID: id, Title: title, Definition: v.Def("active_contributors")["Short"] + " " + v.Nf("window.sentence", s.WindowDays, v.Int(s.WindowDays)),
		Note: note, Summary: summary, Spec: chartSpec{Option: line, Format: formatInteger, Lang: v.Lang},
		Table: t, CSV: seriesLink(v, "/api/v1/series/contributors.csv", from, kv...), Embed: embed,
	})
}

// affiliationChart is a product's active contributors by affiliation.
func affiliationChart(v *view, pa figures.ProductActivity) chart {
	labels := []string{v.T("aff.member"), v.T("aff.supplier"), v.T("aff.unknown")}
	cells := v.affiliationCells(pa.ByAffiliation)
	data := make([]point, 0, 3)
	t := table.Table{
		Caption: v.T("product.affiliation") + " – " + v.DateText(),
		Head:    []string{v.T("th.affiliation"), v.T("th.persons")},
	}
	var values []int
	if a := pa.ByAffiliation; a != nil {
		values = []int{a.Member, a.Supplier, a.Unknown}
	}
	for i, l := range labels {
		// Not known: no bar.
		value := noValue
		if values != nil {
			value = num(values[i])
		}
		data = append(data, point{Name: l, Value: value})
		t.Rows = append(t.Rows, []table.Cell{table.Text(l), cells[i]})
	}
	t.Rows = append(t.Rows, []table.Cell{table.Text(v.T("th.active")), v.countCell(pa.ActiveContributors)})
	note := ""
	if !pa.Complete {
		note = v.coverageNote(pa.CoveredUntil)
		t.Note = note
	}
	bar := echartsOption{
		Color: []string{colorBlue}, Tooltip: axisTooltip(), Legend: legend(false), Grid: grid(),
		XAxis: categoryAxis(labels), YAxis: valueAxis(nil, 1),
		Series: []seriesOpt{{Name: v.T("th.persons"), Type: "bar", Data: data}},
	}
	return v.chart(chart{
		ID: "affiliation", Title: v.T("product.affiliation"),
		Definition: v.Def("active_contributors")["Short"] + " " + v.Nf("window.sentence", pa.WindowDays, v.Int(pa.WindowDays)),
		Note:       note,
		Summary:    affiliationSummary(v, pa),
		Spec:       chartSpec{Option: bar, Format: formatInteger, Lang: v.Lang},
		Table:      t, CSV: v.DataLink("/api/v1/contributors.csv", "product", pa.Product, "window_days", strconv.Itoa(pa.WindowDays)),
		Embed: v.embedLink("product-affiliation", "product", pa.Product),
	})
}

// affiliationSummary says a product's active contributors by affiliation
// in words, or that they are not known.
func affiliationSummary(v *view, pa figures.ProductActivity) string {
	a := pa.ByAffiliation
	if a == nil {
		return v.T("product.affiliation.unknown")
	}
	n, _ := pa.ActiveContributors.Get()
	return v.Nf("product.affiliation.sum", n, v.Known(pa.ActiveContributors), v.Int(a.Member), v.Int(a.Supplier), v.Int(a.Unknown))
}
