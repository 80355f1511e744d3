// Package report is the annual report: the figures as of 31 December next
// to the previous year's, in sections of tables and bar charts with their
// definitions. Build turns a figures.Report into a Document in one
// language; the writers put it out as a standalone HTML page that prints to
// A4, as Markdown for documents, and as CSV or JSON of the flat figures
// with their definition ids. "os2pulse report" and the site's
// /report/{year} use the same Document and writers.
package report

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/table"
)

// Formats are the formats Write writes, in the order offered.
var Formats = []string{"html", "md", "csv", "json"}

// Document is a report in one language, ready to write.
type Document struct {
	Lang         locale.Lang
	Year         int
	Title        string
	Subtitle     string
	Preliminary  bool
	Illustrative bool
	Sections     []Section
	Exports      []Export // other formats, linked on the site only
	// Nonce lets the report's print style run under the site's
	// Content-Security-Policy; "" in the standalone file.
	Nonce string
}

// Section is one heading of the report with its definition, text, chart
// and tables.
type Section struct {
	ID      string
	Title   string
	Def     string // the short definition of the figures in the section
	Text    []string
	Chart   *BarChart
	Stacked *StackedChart
	Tables  []table.Table
}

// Export links the report in another format.
type Export struct{ Label, Href string }

// DefinitionIDs are the definitions the report's figures refer to, in the
// order its sections use them; CSV and JSON rows carry these ids.
var DefinitionIDs = []string{"members", "members_change", "governance_level", "adopter", "adoption_share_municipalities",
	"adoption_share_members", "pilots_planned", "product_counts", "three_plus", "non_member_adopters", "active_contributors",
	"coverage", "goal", "projection", "self_evaluation", "contributor_concentration", "organizational_diversity",
	"time_to_first_response", "release_cadence", "backlog", "repository_hygiene"}

// Build lays out a computed report in language l.
func Build(l locale.Lang, cfg *config.Config, r figures.Report) Document {
	yr, py := strconv.Itoa(r.Year), strconv.Itoa(r.Year-1)
	d := Document{
		Lang: l, Year: r.Year,
		Title:        l.Tf("report.title", cfg.Portfolio.Name, r.Year),
		Subtitle:     l.Tf("report.subtitle", l.Date(r.Date), l.Date(r.PreviousDate)),
		Preliminary:  r.Preliminary,
		Illustrative: r.Illustrative,
	}
	def := func(id string) string { return figures.DefinitionOf(id).Short.In(string(l)) }
	change := func(a, b int) table.Cell { return table.Num(l.ChangeInt(a - b)) }
	pts := func(a, b float64) table.Cell { return table.Num(l.ChangePoints(a - b)) }
	productNames := func(ids []string) string {
		names := make([]string, 0, len(ids))
		for _, id := range ids {
			if p, ok := cfg.Product(id); ok {
				names = append(names, p.Name)
			} else {
				names = append(names, id)
			}
		}
		return locale.List(names)
	}

	// Members.
	m := r.Members
	members := Section{ID: "members", Title: l.T("report.members"), Def: def("members"),
		Tables: []table.Table{{
			Caption: l.T("report.members"),
			Head:    []string{l.T("th.figure"), yr, py, l.T("th.change")},
			Rows: [][]table.Cell{
				{table.Text(l.T("th.members")), table.Int(l, m.Current), table.Int(l, m.Previous), change(m.Current, m.Previous)},
				{table.Text(l.T("report.joined")), table.Int(l, len(m.Joined)), table.Text(""), table.Text("")},
				{table.Text(l.T("report.left")), table.Int(l, len(m.Left)), table.Text(""), table.Text("")},
			},
		}}}
	for _, list := range []struct {
		key  string
		orgs []figures.OrgRef
	}{{"report.joined", m.Joined}, {"report.left", m.Left}} {
		if len(list.orgs) == 0 {
			continue
		}
		t := table.Table{Caption: l.T(list.key), Head: []string{l.T("th.organization"), l.T("th.kind")}}
		for _, o := range list.orgs {
			t.Rows = append(t.Rows, []table.Cell{table.Text(locale.OrgLabel(o.ID, o.Name)), table.Text(l.T("kind." + o.Kind))})
		}
		members.Tables = append(members.Tables, t)
	}
	d.Sections = append(d.Sections, members)

	d.Sections = append(d.Sections, governanceSection(l, r, def("governance_level")))

	// Adoption per product.
	ad := table.Table{Caption: l.T("report.adoption"), Head: []string{l.T("th.product"), l.T("th.adopters.munis"), py, l.T("th.change"),
		l.T("th.share.munis"), l.T("th.change"), l.T("th.adopters.mem"), l.T("th.adopters.all"), l.T("th.pilots"), l.T("th.planned")}}
	var labels []string
	var cur, prev []float64
	for _, a := range r.Adoption {
		c, p := a.Current, a.Previous
		ad.Rows = append(ad.Rows, []table.Cell{table.Text(c.Name), table.Int(l, c.Adopters.Municipalities), table.Int(l, p.Adopters.Municipalities),
			change(c.Adopters.Municipalities, p.Adopters.Municipalities), table.Pct(l, c.ShareOfMunicipalities),
			pts(c.ShareOfMunicipalities, p.ShareOfMunicipalities), table.Int(l, c.Adopters.Members), table.Int(l, c.Adopters.All),
			table.Int(l, c.Pilots), table.Int(l, c.Planned)})
		labels = append(labels, c.Name)
		cur = append(cur, c.ShareOfMunicipalities)
		prev = append(prev, p.ShareOfMunicipalities)
	}
	d.Sections = append(d.Sections, Section{ID: "adoption", Title: l.T("report.adoption"), Def: def("adopter"),
		Chart:  barChart(l, l.Tf("report.adoption.summary", yr), labels, cur, prev, l.Pct),
		Tables: []table.Table{ad}})

	// Members by number of products.
	dc, dp := r.Distribution.Current, r.Distribution.Previous
	dist := table.Table{Caption: l.T("report.distribution"), Head: []string{l.T("th.products"), yr, py, l.T("th.change")}}
	labels, cur, prev = nil, nil, nil
	for _, k := range figures.DistributionKeys {
		dist.Rows = append(dist.Rows, []table.Cell{table.Text(k), table.Int(l, dc.Distribution[k]), table.Int(l, dp.Distribution[k]), change(dc.Distribution[k], dp.Distribution[k])})
		labels = append(labels, k)
		cur = append(cur, float64(dc.Distribution[k]))
		prev = append(prev, float64(dp.Distribution[k]))
	}
	dist.Rows = append(dist.Rows,
		[]table.Cell{table.Text(l.T("th.threeplus")), table.Int(l, dc.ThreePlus), table.Int(l, dp.ThreePlus), change(dc.ThreePlus, dp.ThreePlus)},
		[]table.Cell{table.Text(l.T("th.threeplus.sh")), table.Pct(l, dc.ThreePlusShare), table.Pct(l, dp.ThreePlusShare), pts(dc.ThreePlusShare, dp.ThreePlusShare)})
	d.Sections = append(d.Sections, Section{ID: "distribution", Title: l.T("report.distribution"), Def: def("three_plus"),
		Chart:  barChart(l, l.Tf("report.distribution.summary", l.Pct(dc.ThreePlusShare), l.Pct(dp.ThreePlusShare)), labels, cur, prev, func(f float64) string { return l.Int(int(f)) }),
		Tables: []table.Table{dist}})

	// Non-member adopters.
	nm := Section{ID: "non-members", Title: l.T("report.nonmembers"), Def: def("non_member_adopters")}
	if len(r.NonMemberAdopters) == 0 {
		nm.Text = []string{l.T("report.none")}
	} else {
		t := table.Table{Caption: l.T("report.nonmembers"), Head: []string{l.T("th.organization"), l.T("th.kind"), l.T("th.products.list")}}
		for _, n := range r.NonMemberAdopters {
			t.Rows = append(t.Rows, []table.Cell{table.Text(locale.OrgLabel(n.Organization, n.Name)), table.Text(l.T("kind." + n.Kind)), table.Text(productNames(n.Products))})
		}
		nm.Tables = []table.Table{t}
	}
	d.Sections = append(d.Sections, nm)

	d.Sections = append(d.Sections, contributorsSection(l, r, def("active_contributors")))
	d.Sections = append(d.Sections, healthSection(l, r))

	// Goals.
	gs := Section{ID: "goals", Title: l.T("report.goals"), Def: def("goal") + " " + def("projection")}
	if len(r.Goals) == 0 {
		gs.Text = []string{l.T("goals.none")}
	} else {
		t := table.Table{Caption: l.Tf("goals.table", l.Date(r.Date)), Head: []string{l.T("th.goal"), l.T("th.baseline"), l.T("th.value"),
			l.T("th.target"), l.T("th.deadline"), l.T("goals.deadline.value"), l.T("th.status"), l.T("report.pace.at"), l.T("report.pace.reaches")}}
		for _, g := range r.Goals {
			if p, ok := GoalPace(g); ok {
				gs.Text = append(gs.Text, g.Title(string(l))+": "+strings.Join(l.PaceText(p), " "))
			}
			value := table.Num(GoalValue(l, g.Share, g.Value))
			if !g.Complete {
				t.Note = l.T("coverage.mark") + ": " + l.CoveredUntil(g.CoveredUntil)
			}
			onDeadline := table.Text("")
			if g.ValueOnDeadline != nil {
				onDeadline = table.Num(GoalValue(l, g.Share, *g.ValueOnDeadline))
			}
			atDeadline, reaches := table.Text(""), table.Text("")
			if p := g.Projection; p != nil && g.Status != figures.GoalMet {
				atDeadline = table.Num(l.GoalValue(g.Share, max(p.AtDeadline, 0)))
				reaches = table.Text(l.T("report.pace.never"))
				if !p.Reaches.IsZero() {
					reaches = table.Text(l.Month(p.Reaches))
				}
			}
			t.Rows = append(t.Rows, []table.Cell{table.Text(g.Title(string(l))), table.Num(GoalValue(l, g.Share, g.Baseline) + " (" + l.Date(g.BaselineDate) + ")"),
				value, table.Num(l.GoalValue(g.Share, g.Target)), table.Date(l, g.Deadline), onDeadline, table.Text(l.GoalStatus(g.Status)),
				atDeadline, reaches})
		}
		gs.Tables = []table.Table{t}
	}
	d.Sections = append(d.Sections, gs)

	// Data sources.
	src := table.Table{Caption: l.T("report.sources.table"), Head: []string{l.T("th.source"), l.T("th.detail"), l.T("th.collected"), l.T("th.result")}}
	for _, s := range r.Sources {
		src.Rows = append(src.Rows, []table.Cell{table.Text(l.Source(s.Source)), table.Text(s.Detail), table.Text(l.Stamp(s.Collected)), table.Text(l.RunResult(s.Result))})
	}
	srcText := []string{l.Tf("report.produced", l.Stamp(r.ProducedAt))}
	if r.Illustrative {
		srcText = append(srcText, l.T("illustrative.text"))
	}
	d.Sections = append(d.Sections, Section{ID: "sources", Title: l.T("report.sources"), Text: srcText, Tables: []table.Table{src}})

	// Notes: corrections since the report was first produced.
	notes := Section{ID: "notes", Title: l.T("report.notes")}
	switch {
	case r.FirstProducedAt == "":
		notes.Text = []string{l.T("report.notes.first")}
	case len(r.Corrections) == 0 && len(r.RegisterChanges) == 0:
		notes.Text = []string{l.Tf("report.notes.none", l.Stamp(r.FirstProducedAt))}
	default:
		notes.Text = []string{l.Tf("report.notes.changed", l.Stamp(r.FirstProducedAt))}
		if len(r.Corrections) > 0 {
			t := table.Table{Caption: l.T("report.corrections"), Head: []string{l.T("th.definition"), l.T("th.subject"), l.T("th.scope"), l.T("th.was"), l.T("th.now")}}
			for _, c := range r.Corrections {
				t.Rows = append(t.Rows, []table.Cell{table.Text(definitionTitle(l, c.Definition)), table.Text(subjectWords(l, cfg, r, c.Definition, c.Subject)),
					table.Text(scopeWords(l, c.Scope)), table.Num(figureText(l, c.Unit, c.Was)), table.Num(figureText(l, c.Unit, c.Now))})
			}
			notes.Tables = append(notes.Tables, t)
		}
		if len(r.RegisterChanges) > 0 {
			t := table.Table{Caption: l.T("report.registerchanges"), Head: []string{l.T("th.recorded"), l.T("th.change.kind"), l.T("th.organization"), l.T("th.product"), l.T("th.status"), l.T("th.since"), l.T("th.until")}}
			for _, c := range r.RegisterChanges {
				t.Rows = append(t.Rows, []table.Cell{table.Text(l.Stamp(c.RecordedAt)), table.Text(l.T("report.change." + c.Change)), table.Text(locale.OrgLabel(c.Organization, c.Name)),
					table.Text(productNames([]string{c.Product})), table.Text(l.T("status." + c.Status)), table.Date(l, c.Since), table.Date(l, c.Until)})
			}
			notes.Tables = append(notes.Tables, t)
		}
	}
	if r.FirstProducedAt != "" && len(r.NotCompared) > 0 {
		notes.Text = append(notes.Text, l.Tf("report.notes.notcompared", l.Date(r.Date), notComparedWords(l, cfg, r)))
	}
	d.Sections = append(d.Sections, notes)

	// Definitions of every figure in the report.
	defs := Section{ID: "definitions", Title: l.T("report.definitions")}
	for _, id := range DefinitionIDs {
		def := figures.DefinitionOf(id)
		defs.Text = append(defs.Text, def.Title.In(string(l))+": "+def.Full.In(string(l)))
	}
	d.Sections = append(d.Sections, defs)
	return d
}

// Write writes report r in format (html: a standalone page that prints to
// A4; md; csv; json) and language l.
func Write(w io.Writer, cfg *config.Config, r figures.Report, format string, l locale.Lang) error {
	if !slices.Contains(Formats, format) {
		return fmt.Errorf("unknown report format %q (one of %s)", format, strings.Join(Formats, ", "))
	}
	d := Build(l, cfg, r)
	switch format {
	case "html":
		return d.WriteHTML(w)
	case "md":
		return d.WriteMarkdown(w)
	case "csv":
		return WriteCSV(w, r, table.SepComma)
	}
	return WriteJSON(w, r, l, License{Name: cfg.Portfolio.DataLicense, URL: cfg.Portfolio.DataLicenseURL})
}
