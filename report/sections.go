package report

import (
	"strconv"

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
		monthly.Head = append(monthly.Head, names[i])
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
	count := func(n int, complete bool) table.Cell {
		if complete {
			return table.Int(l, n)
		}
		return table.Num(l.Tf("coverage.cell", l.Int(n)))
	}
	change := func(a, b int, complete bool) table.Cell {
		if !complete {
			return table.Text("")
		}
		return table.Num(l.ChangeInt(a - b))
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
		ct.Rows = append(ct.Rows, []table.Cell{table.Text(cur.Name), count(cur.ActiveContributors, cur.Complete), count(prev.ActiveContributors, prev.Complete),
			change(cur.ActiveContributors, prev.ActiveContributors, cur.Complete && prev.Complete), count(cur.ByAffiliation.Member, cur.Complete),
			count(cur.ByAffiliation.Supplier, cur.Complete), count(cur.ByAffiliation.Unknown, cur.Complete)})
		note(cur.Complete && prev.Complete, cur.CoveredUntil)
	}
	pc := r.PortfolioContributors
	ct.Rows = append(ct.Rows, []table.Cell{table.Text(l.T("report.portfolio")), count(pc.Current, pc.Complete), count(pc.Previous, pc.PreviousComplete),
		change(pc.Current, pc.Previous, pc.Complete && pc.PreviousComplete), count(pc.ByAffiliation.Member, pc.Complete),
		count(pc.ByAffiliation.Supplier, pc.Complete), count(pc.ByAffiliation.Unknown, pc.Complete)})
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
		return l.Tf("report.distribution.subject", subject)
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

// scopeWords names a figure's scope ("municipalities", "value_on_deadline").
func scopeWords(l locale.Lang, scope string) string {
	if scope != "" && locale.Has("report.scope."+scope) {
		return l.T("report.scope." + scope)
	}
	return scope
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
		if e := h.Governance.Evaluation; e != nil {
			met, req := figures.RequirementsMet(h.Governance)
			pmet, preq := figures.RequirementsMet(h.PreviousGovernance)
			prevCell := table.Num("–")
			change := table.Text("")
			if h.PreviousGovernance.Evaluation != nil {
				prevCell = table.Num(l.Tf("governance.metcount", l.Int(pmet), l.Int(preq)))
				change = table.Num(l.ChangeInt(met - pmet))
			}
			level := l.T("selfeval.level.none")
			if e.MetLevel != "" {
				level = l.Governance(e.MetLevel)
			}
			gov.Rows = append(gov.Rows, []table.Cell{table.Text(cur.Name), table.Text(l.Governance(h.Governance.ConfiguredLevel)), table.Text(level),
				table.Date(l, e.Filled), table.Num(l.Tf("governance.metcount", l.Int(met), l.Int(req))), prevCell, change})
		}
		conc := withChange(cur.Concentration.Persons, prev.Concentration.Persons)
		if !cur.Concentration.Complete || !prev.Concentration.Complete {
			conc = table.Num(l.Tf("coverage.cell", l.Int(cur.Concentration.Persons)))
		}
		resp := table.Num("–")
		if m := cur.FirstResponse.MedianSeconds; m != nil {
			resp = table.Num(l.Dec(*m/3600, 1) + " " + l.T("report.health.hours"))
			if pm := prev.FirstResponse.MedianSeconds; pm != nil {
				resp = table.Num(l.Dec(*m/3600, 1) + " " + l.T("report.health.hours") + " (" + l.Dec(*pm/3600, 1) + ")")
			}
		}
		hy := table.Num("–")
		if cur.Hygiene.Repositories > 0 {
			hy = table.Num(l.Tf("governance.metcount", l.Int(cur.Hygiene.Licensed), l.Int(cur.Hygiene.Repositories)))
		}
		div, rel, open := withChange(cur.Diversity.Organizations, prev.Diversity.Organizations),
			withChange(cur.Releases.Releases, prev.Releases.Releases), withChange(cur.Backlog.Open, prev.Backlog.Open)
		if !cur.Complete || !prev.Complete {
			// Marked, and without a change that may only be missing data.
			div = table.Num(l.Tf("coverage.cell", l.Int(cur.Diversity.Organizations)))
			rel = table.Num(l.Tf("coverage.cell", l.Int(cur.Releases.Releases)))
			open = table.Num(l.Tf("coverage.cell", l.Int(cur.Backlog.Open)))
			if m := cur.FirstResponse.MedianSeconds; m != nil {
				resp = table.Num(l.Tf("coverage.cell", l.Dec(*m/3600, 1)+" "+l.T("report.health.hours")))
			}
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
