package report

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/table"
)

// governanceSection is the products by governance level at the end of the
// year and the year before, each by the level it held then, a monthly
// chart of the year and the products that moved level in it.
func governanceSection(l locale.Lang, r figures.Report, def string) Section {
	yr, py := strconv.Itoa(r.Year), strconv.Itoa(r.Year-1)
	gov := table.Table{Caption: l.T("report.governance"), Head: []string{l.T("th.level"), yr, py, l.T("th.change"), l.T("th.products.list")}}
	for _, g := range r.Governance {
		gov.Rows = append(gov.Rows, []table.Cell{table.Text(l.Governance(g.Level)), table.Int(l, len(g.Products)), table.Int(l, len(g.Previous)),
			table.Num(l.ChangeInt(len(g.Products) - len(g.Previous))), table.Text(locale.List(g.Products))})
	}

	classes := make([]string, len(figures.GovernanceLevels))
	names := make([]string, len(figures.GovernanceLevels))
	monthly := table.Table{Caption: l.Tf("report.governance.summary", r.Year), Head: []string{l.T("th.date")}}
	for i, lv := range figures.GovernanceLevels {
		classes[i], names[i] = "lvl-"+lv, l.Governance(lv)
		// The caption names governance levels; the full name, a word
		// LibreOffice cannot break, made the table wider than A4.
		monthly.Head = append(monthly.Head, l.GovernanceShort(lv))
	}
	var labels []string
	var counts [][]int
	for _, p := range r.GovernanceSeries.Points {
		labels = append(labels, l.MonthShort(p.Date))
		row := []table.Cell{table.Text(l.Month(p.Date))}
		var col []int
		for _, lv := range figures.GovernanceLevels {
			col = append(col, p.Levels[lv])
			row = append(row, table.Int(l, p.Levels[lv]))
		}
		counts = append(counts, col)
		monthly.Rows = append(monthly.Rows, row)
	}

	moved := table.Table{Caption: l.Tf("report.levels.changed", r.Year), Head: []string{l.T("th.product"), l.T("th.date"), l.T("th.from"), l.T("th.to")}}
	for _, c := range r.LevelChanges {
		moved.Rows = append(moved.Rows, []table.Cell{table.Text(c.Name), table.Date(l, c.Date), table.Text(l.Governance(c.From)), table.Text(l.Governance(c.To))})
	}
	if len(moved.Rows) == 0 {
		moved.Note = l.Tf("report.levels.none", r.Year)
	}
	return Section{ID: "governance", Title: l.T("report.governance"), Def: def,
		Stacked: stackedChart(l.Tf("report.governance.summary", r.Year), labels, classes, names, counts, l.Int),
		Tables:  []table.Table{gov, moved, monthly}}
}

// contributorsSection is the active contributors of every product and the
// portfolio at the end of the year and the year before. A figure whose
// data do not reach its date is marked, with how far they reach.
func contributorsSection(l locale.Lang, r figures.Report, def string) Section {
	py := strconv.Itoa(r.Year - 1)
	ct := table.Table{Caption: l.Nf("report.contributors.caption", r.WindowDays, r.WindowDays), Head: []string{l.T("th.product"), l.T("th.active"), py, l.T("th.change"),
		l.T("th.aff.member"), l.T("th.aff.supplier"), l.T("th.aff.unknown")}}
	// A figure that is not known is its value on the last date the data
	// reach, with that date, as the product page's headline gives it, or
	// "–" where they never reached one; never 0 and never a change.
	lastCell := func(last *figures.LastContributors, pick func(figures.Affiliations) int) table.Cell {
		if last == nil {
			return table.Num("–")
		}
		n := last.ActiveContributors
		if pick != nil {
			n = pick(last.ByAffiliation)
		}
		return table.Num(l.Tf("coverage.lastcell", l.Int(n), l.Date(last.Date)))
	}
	count := func(k figures.Known[int], last *figures.LastContributors) table.Cell {
		if n, ok := k.Get(); ok {
			return table.Int(l, n)
		}
		return lastCell(last, nil)
	}
	part := func(a *figures.Affiliations, last *figures.LastContributors, pick func(figures.Affiliations) int) table.Cell {
		if a == nil {
			return lastCell(last, pick)
		}
		return table.Int(l, pick(*a))
	}
	member := func(a figures.Affiliations) int { return a.Member }
	supplier := func(a figures.Affiliations) int { return a.Supplier }
	other := func(a figures.Affiliations) int { return a.Unknown }
	change := func(a, b figures.Known[int]) table.Cell {
		x, ok1 := a.Get()
		y, ok2 := b.Get()
		if !ok1 || !ok2 {
			return table.Text("")
		}
		return table.Num(l.ChangeInt(x - y))
	}
	var notes []string
	none := false // a product without a collected repository
	note := func(complete bool, covered civil.Date) {
		if !complete {
			notes = appendNew(notes, l.CoveredUntil(covered))
		}
	}
	for _, c := range r.Contributors {
		cur, prev := c.Current, c.Previous
		if cur.Repositories == 0 {
			// No repository collected: no figure at all, either year.
			ct.Rows = append(ct.Rows, []table.Cell{table.Text(cur.Name), table.Num("–"), table.Num("–"), table.Text(""),
				table.Num("–"), table.Num("–"), table.Num("–")})
			none = true
			continue
		}
		ct.Rows = append(ct.Rows, []table.Cell{table.Text(cur.Name), count(cur.ActiveContributors, cur.LastKnown), count(prev.ActiveContributors, prev.LastKnown),
			change(cur.ActiveContributors, prev.ActiveContributors), part(cur.ByAffiliation, cur.LastKnown, member),
			part(cur.ByAffiliation, cur.LastKnown, supplier), part(cur.ByAffiliation, cur.LastKnown, other)})
		note(cur.Complete && prev.Complete, cur.CoveredUntil)
	}
	pc := r.PortfolioContributors
	ct.Rows = append(ct.Rows, []table.Cell{table.Text(l.T("report.portfolio")), count(pc.Current, pc.LastKnown), count(pc.Previous, pc.PreviousLastKnown),
		change(pc.Current, pc.Previous), part(pc.ByAffiliation, pc.LastKnown, member),
		part(pc.ByAffiliation, pc.LastKnown, supplier), part(pc.ByAffiliation, pc.LastKnown, other)})
	note(pc.Complete && pc.PreviousComplete, pc.CoveredUntil)
	s := Section{ID: "contributors", Title: l.T("report.contributors"), Def: def, Tables: []table.Table{ct}}
	if len(notes) > 0 {
		s.Text = append(s.Text, l.Tf("report.contributors.incomplete", locale.List(notes)))
	}
	if none {
		s.Text = append(s.Text, l.T("report.contributors.none"))
	}
	return s
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// definitionTitle names a figure's definition in words.
func definitionTitle(l locale.Lang, id string) string {
	if d, ok := figures.LookupDefinition(id); ok {
		return d.Title.In(string(l))
	}
	return id
}

// subjectWords names what a report figure is about: the portfolio, a
// product, a governance level, a goal, a number of products or an
// organisation.
func subjectWords(l locale.Lang, cfg *config.Config, r figures.Report, definition, subject string) string {
	if subject == "portfolio" {
		return l.T("report.portfolio.subject")
	}
	switch definition {
	case "governance_level":
		return l.Governance(subject)
	case "product_counts":
		n, _ := strconv.Atoi(subject) // "5+" is not 1
		return l.Nf("report.distribution.subject", n, subject)
	case "goal", "projection":
		for _, g := range r.Goals {
			if g.ID == subject {
				return g.Title(string(l))
			}
		}
	case "non_member_adopters":
		for _, n := range r.NonMemberAdopters {
			if n.Organization == subject {
				return locale.OrgLabel(n.Organization, n.Name)
			}
		}
	}
	if p, ok := cfg.Product(subject); ok {
		return p.Name
	}
	return subject
}

// figureText writes a figure's value in its unit (figures.Unit…): a
// share as a percentage, a duration in hours, a count as a number (a
// pace per month with one decimal).
func figureText(l locale.Lang, unit string, v float64) string {
	switch unit {
	case figures.UnitShare:
		return l.Pct(v)
	case figures.UnitSeconds:
		return l.Dec(v/3600, 1) + " " + l.T("report.health.hours")
	}
	if v != math.Trunc(v) {
		return l.Dec(v, 1)
	}
	return l.Dec(v, 0)
}

// notComparedWords names the figures left out of the comparison with the
// kept copy, by definition: "Active contributors (OS2display, OS2iot)".
func notComparedWords(l locale.Lang, cfg *config.Config, r figures.Report) string {
	var order []string
	subjects := map[string][]string{}
	for _, f := range r.NotCompared {
		if _, ok := subjects[f.Definition]; !ok {
			order = append(order, f.Definition)
		}
		w := subjectWords(l, cfg, r, f.Definition, f.Subject)
		if !slices.Contains(subjects[f.Definition], w) {
			subjects[f.Definition] = append(subjects[f.Definition], w)
		}
	}
	parts := make([]string, 0, len(order))
	for _, d := range order {
		parts = append(parts, definitionTitle(l, d)+" ("+strings.Join(subjects[d], ", ")+")")
	}
	return strings.Join(parts, "; ")
}

// scopeWords names a figure's scope ("municipalities", "value_on_deadline").
func scopeWords(l locale.Lang, scope string) string {
	if scope != "" && locale.Has("report.scope."+scope) {
		return l.T("report.scope." + scope)
	}
	return scope
}

// notKnown says in words how many requirements of an evaluation are
// answered "don't know" or not at all (", 3 don't know, 14 not
// answered"); neither is counted as met or planned.
func notKnown(l locale.Lang, e *figures.Evaluation) string {
	unknown, unanswered := 0, 0
	for _, lv := range e.Levels {
		unknown += lv.Unknown
		unanswered += lv.Unanswered
	}
	s := ""
	if unknown > 0 {
		s += ", " + l.Tf("selfeval.count.unknown", l.Int(unknown))
	}
	if unanswered > 0 {
		s += ", " + l.Tf("selfeval.count.unanswered", l.Int(unanswered))
	}
	return s
}

// healthSection is every product's self-evaluation and health signals at
// the end of the year, each with its change from the year before.
func healthSection(l locale.Lang, r figures.Report) Section {
	yr, py := strconv.Itoa(r.Year), strconv.Itoa(r.Year-1)
	gov := table.Table{Caption: l.Tf("report.health.governance", r.Year), Head: []string{l.T("th.product"), l.T("th.selfeval.configured"),
		l.T("th.selfeval.met"), l.T("th.selfeval.filled"), l.T("th.selfeval.metcount") + " " + yr, py, l.T("th.change")}}
	sig := table.Table{Caption: l.Tf("report.health.signals", r.Year, r.Year-1), Head: []string{l.T("th.product"), l.T("health.concentration"),
		l.T("health.diversity"), l.T("health.response"), l.T("health.releases"), l.T("health.backlog"), l.T("health.hygiene")}}
	withChange := func(v, p int) table.Cell { return table.Num(l.Int(v) + " (" + l.ChangeInt(v-p) + ")") }
	for _, h := range r.Health {
		cur, prev := h.Current, h.Previous
		if e := h.SelfEvaluation.Evaluation; e != nil {
			met, req := figures.RequirementsMet(h.SelfEvaluation)
			pmet, preq := figures.RequirementsMet(h.PreviousSelfEvaluation)
			prevCell := table.Num("–")
			change := table.Text("")
			if h.PreviousSelfEvaluation.Evaluation != nil {
				prevCell = table.Num(l.Tf("governance.metcount", l.Int(pmet), l.Int(preq)))
				change = table.Num(l.ChangeInt(met - pmet))
			}
			level := l.T("selfeval.level.none")
			if e.MetLevel != "" {
				level = l.Governance(e.MetLevel)
			}
			gov.Rows = append(gov.Rows, []table.Cell{table.Text(cur.Name), table.Text(l.Governance(h.SelfEvaluation.ConfiguredLevel)), table.Text(level),
				table.Date(l, e.Filled), table.Num(l.Tf("governance.metcount", l.Int(met), l.Int(req)) + notKnown(l, e)), prevCell, change})
		}
		// A signal that is not known is "–" (never collected: "not
		// collected"), and a change only between two known values.
		unknown := func(source string) table.Cell {
			if cur.NotCollected(source) {
				return table.Num(l.T("health.notcollected"))
			}
			return table.Num("–")
		}
		signal := func(known, prevKnown bool, v, p int, source string) table.Cell {
			switch {
			case !known:
				return unknown(source)
			case !prevKnown:
				return table.Int(l, v)
			}
			return withChange(v, p)
		}
		var cc, pcc figures.Concentration
		if cur.Concentration != nil {
			cc = *cur.Concentration
		}
		if prev.Concentration != nil {
			pcc = *prev.Concentration
		}
		conc := signal(cur.Concentration != nil, prev.Concentration != nil, cc.Persons, pcc.Persons, config.SourceActivity)
		if cur.Concentration != nil && cc.Contributions == 0 {
			conc = table.Num("–")
		}
		var cd, pd figures.Diversity
		if cur.Diversity != nil {
			cd = *cur.Diversity
		}
		if prev.Diversity != nil {
			pd = *prev.Diversity
		}
		div := signal(cur.Diversity != nil, prev.Diversity != nil, cd.Organizations, pd.Organizations, config.SourceActivity)
		resp := unknown(config.SourceGitHub)
		if fr := cur.FirstResponse; fr != nil {
			resp = table.Num("–")
			if m := fr.MedianSeconds; m != nil {
				resp = table.Num(l.Dec(*m/3600, 1) + " " + l.T("report.health.hours"))
				if pf := prev.FirstResponse; pf != nil && pf.MedianSeconds != nil {
					resp = table.Num(l.Dec(*m/3600, 1) + " " + l.T("report.health.hours") + " (" + l.Dec(*pf.MedianSeconds/3600, 1) + ")")
				}
			}
		}
		var cr, pr figures.ReleaseCadence
		if cur.Releases != nil {
			cr = *cur.Releases
		}
		if prev.Releases != nil {
			pr = *prev.Releases
		}
		rel := signal(cur.Releases != nil, prev.Releases != nil, cr.Releases, pr.Releases, config.SourceGitHub)
		var cb, pb figures.Backlog
		if cur.Backlog != nil {
			cb = *cur.Backlog
		}
		if prev.Backlog != nil {
			pb = *prev.Backlog
		}
		open := signal(cur.Backlog != nil, prev.Backlog != nil, cb.Open, pb.Open, config.SourceGitHub)
		hy := unknown(config.SourceGitHub)
		if h := cur.Hygiene; h != nil {
			hy = table.Num(l.Tf("governance.metcount", l.Int(h.Licensed), l.Int(h.Repositories)))
		}
		sig.Rows = append(sig.Rows, []table.Cell{table.Text(cur.Name), conc, div, resp, rel, open, hy})
	}
	def := func(id string) string { return figures.DefinitionOf(id).Short.In(string(l)) }
	s := Section{ID: "health", Title: l.T("report.health"), Def: def("self_evaluation"),
		Text: []string{l.T("report.health.text")}, Tables: []table.Table{gov, sig}}
	if len(gov.Rows) == 0 {
		s.Text = append(s.Text, l.T("governance.chart.empty"))
		s.Tables = []table.Table{sig}
	}
	return s
}
