package dashboard

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"os2pulse/config"
	"os2pulse/figures"
)

// The annual report: one model (reportData, built from figures.Report) is
// written as an HTML page (with the site's layout, or standalone for a file
// that prints to A4), as Markdown from the same tables, and as CSV or JSON
// of the flat figures with their definition ids.

// ReportFormats are the formats RenderReport writes.
var ReportFormats = []string{"html", "md", "csv", "json"}

// reportData is the report as the templates and Markdown see it.
type reportData struct {
	Title       string
	Subtitle    string
	Preliminary bool
	Sections    []reportSection
	Exports     []reportExport // links, only on the served page
}

type reportSection struct {
	ID     string
	Title  string
	Def    string // the short definition of the figures in the section
	Text   []string
	Chart  *svgChart
	Tables []dataTable
}

type reportExport struct{ Label, Href string }

// svgChart is a small server-rendered bar chart: it needs no script, so it
// prints and works in a standalone file.
type svgChart struct {
	Summary       string
	Width, Height int
	LabelWidth    int
	Bars          []svgBar
	Legend        []svgLegend
}

type svgBar struct {
	Label            string
	Y                int
	Width, PrevWidth int
	Text             string
}

type svgLegend struct {
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
func barChart(v *view, summary string, labels []string, cur, prev []float64, text func(float64) string) *svgChart {
	max := 0.0
	for i := range cur {
		max = maxf(max, maxf(cur[i], prev[i]))
	}
	if max == 0 {
		max = 1
	}
	plot := float64(svgWidth - svgLabelWidth - 70)
	c := &svgChart{Summary: summary, Width: svgWidth, LabelWidth: svgLabelWidth, Height: len(labels)*svgRow + 34}
	for i, l := range labels {
		c.Bars = append(c.Bars, svgBar{
			Label: l, Y: i * svgRow,
			Width: int(cur[i] / max * plot), PrevWidth: int(prev[i] / max * plot),
			Text: text(cur[i]),
		})
	}
	c.Legend = []svgLegend{{X: svgLabelWidth, Class: "cur", Label: v.T("report.legend.current")}, {X: svgLabelWidth + 200, Class: "prev", Label: v.T("report.legend.previous")}}
	return c
}

func maxf(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

// buildReport turns a computed report into sections of tables and charts
// in the view's language.
func buildReport(v *view, cfg *config.Config, r figures.Report) reportData {
	yr, py := strconv.Itoa(r.Year), strconv.Itoa(r.Year-1)
	d := reportData{
		Title:       v.Tf("report.title", cfg.Portfolio.Name, r.Year),
		Subtitle:    v.Tf("report.subtitle", v.Day(r.Date), v.Day(r.PreviousDate)),
		Preliminary: r.Preliminary,
	}
	change := func(a, b int) cell { return cell{Text: v.ChangeInt(a - b), Num: true} }
	pts := func(a, b float64) cell { return cell{Text: v.ChangePoints(a - b), Num: true} }

	// Members.
	m := r.Members
	members := reportSection{ID: "members", Title: v.T("report.members"), Def: v.Def("members")["Short"],
		Tables: []dataTable{{
			Caption: v.T("report.members"),
			Head:    []string{"", yr, py, v.T("th.change")},
			Rows: [][]cell{
				{textCell(v.T("th.members")), intCell(v, m.Current), intCell(v, m.Previous), change(m.Current, m.Previous)},
				{textCell(v.T("report.joined")), intCell(v, len(m.Joined)), textCell(""), textCell("")},
				{textCell(v.T("report.left")), intCell(v, len(m.Left)), textCell(""), textCell("")},
			},
		}}}
	for _, list := range []struct {
		key  string
		orgs []figures.OrgRef
	}{{"report.joined", m.Joined}, {"report.left", m.Left}} {
		if len(list.orgs) == 0 {
			continue
		}
		t := dataTable{Caption: v.T(list.key), Head: []string{v.T("th.organization"), v.T("th.kind")}}
		for _, o := range list.orgs {
			t.Rows = append(t.Rows, []cell{textCell(orgLabel(o.ID, o.Name)), textCell(v.T("kind." + o.Kind))})
		}
		members.Tables = append(members.Tables, t)
	}
	d.Sections = append(d.Sections, members)

	// Products by governance level.
	gov := dataTable{Caption: v.T("report.governance"), Head: []string{v.T("th.level"), v.T("th.count"), v.T("th.products.list")}}
	for _, g := range r.Governance {
		gov.Rows = append(gov.Rows, []cell{textCell(governanceText(v, g.Level)), intCell(v, len(g.Products)), textCell(strings.Join(g.Products, ", "))})
	}
	d.Sections = append(d.Sections, reportSection{ID: "governance", Title: v.T("report.governance"),
		Def: v.Def("governance_level")["Short"], Text: []string{v.T("report.governance.note")}, Tables: []dataTable{gov}})

	// Adoption per product.
	ad := dataTable{Caption: v.T("report.adoption"), Head: []string{v.T("th.product"), v.T("th.adopters.munis"), py, v.T("th.change"),
		v.T("th.share.munis"), v.T("th.change"), v.T("th.adopters.mem"), v.T("th.adopters.all"), v.T("th.pilots"), v.T("th.planned")}}
	var labels []string
	var cur, prev []float64
	for _, a := range r.Adoption {
		c, p := a.Current, a.Previous
		ad.Rows = append(ad.Rows, []cell{textCell(c.Name), intCell(v, c.Adopters.Municipalities), intCell(v, p.Adopters.Municipalities),
			change(c.Adopters.Municipalities, p.Adopters.Municipalities), pctCell(v, c.ShareOfMunicipalities),
			pts(c.ShareOfMunicipalities, p.ShareOfMunicipalities), intCell(v, c.Adopters.Members), intCell(v, c.Adopters.All),
			intCell(v, c.Pilots), intCell(v, c.Planned)})
		labels = append(labels, c.Name)
		cur = append(cur, c.ShareOfMunicipalities)
		prev = append(prev, p.ShareOfMunicipalities)
	}
	d.Sections = append(d.Sections, reportSection{ID: "adoption", Title: v.T("report.adoption"), Def: v.Def("adopter")["Short"],
		Chart:  barChart(v, v.Tf("report.adoption.summary", yr), labels, cur, prev, v.Pct),
		Tables: []dataTable{ad}})

	// Members by number of products.
	dc, dp := r.Distribution.Current, r.Distribution.Previous
	dist := dataTable{Caption: v.T("report.distribution"), Head: []string{v.T("th.products"), yr, py, v.T("th.change")}}
	labels, cur, prev = nil, nil, nil
	for _, k := range figures.DistributionKeys {
		dist.Rows = append(dist.Rows, []cell{textCell(k), intCell(v, dc.Distribution[k]), intCell(v, dp.Distribution[k]), change(dc.Distribution[k], dp.Distribution[k])})
		labels = append(labels, k)
		cur = append(cur, float64(dc.Distribution[k]))
		prev = append(prev, float64(dp.Distribution[k]))
	}
	dist.Rows = append(dist.Rows,
		[]cell{textCell(v.T("th.threeplus")), intCell(v, dc.ThreePlus), intCell(v, dp.ThreePlus), change(dc.ThreePlus, dp.ThreePlus)},
		[]cell{textCell(v.T("th.threeplus.sh")), pctCell(v, dc.ThreePlusShare), pctCell(v, dp.ThreePlusShare), pts(dc.ThreePlusShare, dp.ThreePlusShare)})
	d.Sections = append(d.Sections, reportSection{ID: "distribution", Title: v.T("report.distribution"), Def: v.Def("three_plus")["Short"],
		Chart:  barChart(v, v.Tf("report.distribution.summary", v.Pct(dc.ThreePlusShare), v.Pct(dp.ThreePlusShare)), labels, cur, prev, func(f float64) string { return v.Int(int(f)) }),
		Tables: []dataTable{dist}})

	// Non-member adopters.
	nm := reportSection{ID: "non-members", Title: v.T("report.nonmembers"), Def: v.Def("non_member_adopters")["Short"]}
	if len(r.NonMemberAdopters) == 0 {
		nm.Text = []string{v.T("report.none")}
	} else {
		t := dataTable{Caption: v.T("report.nonmembers"), Head: []string{v.T("th.organization"), v.T("th.kind"), v.T("th.products.list")}}
		for _, n := range r.NonMemberAdopters {
			t.Rows = append(t.Rows, []cell{textCell(orgLabel(n.Organization, n.Name)), textCell(v.T("kind." + n.Kind)), textCell(productNames(cfg, n.Products))})
		}
		nm.Tables = []dataTable{t}
	}
	d.Sections = append(d.Sections, nm)

	// Active contributors.
	ct := dataTable{Caption: v.Tf("report.contributors.caption", r.WindowDays), Head: []string{v.T("th.product"), v.T("th.active"), py, v.T("th.change"),
		v.T("th.aff.member"), v.T("th.aff.supplier"), v.T("th.aff.unknown")}}
	for _, c := range r.Contributors {
		ct.Rows = append(ct.Rows, []cell{textCell(c.Current.Name), intCell(v, c.Current.ActiveContributors), intCell(v, c.Previous.ActiveContributors),
			change(c.Current.ActiveContributors, c.Previous.ActiveContributors), intCell(v, c.Current.ByAffiliation.Member),
			intCell(v, c.Current.ByAffiliation.Supplier), intCell(v, c.Current.ByAffiliation.Unknown)})
	}
	pc := r.PortfolioContributors
	ct.Rows = append(ct.Rows, []cell{textCell(v.T("report.portfolio")), intCell(v, pc.Current), intCell(v, pc.Previous), change(pc.Current, pc.Previous),
		intCell(v, pc.ByAffiliation.Member), intCell(v, pc.ByAffiliation.Supplier), intCell(v, pc.ByAffiliation.Unknown)})
	d.Sections = append(d.Sections, reportSection{ID: "contributors", Title: v.T("report.contributors"), Def: v.Def("active_contributors")["Short"], Tables: []dataTable{ct}})

	// Goals.
	gs := reportSection{ID: "goals", Title: v.T("report.goals"), Def: v.Def("goal")["Short"]}
	if len(r.Goals) == 0 {
		gs.Text = []string{v.T("goals.none")}
	} else {
		t := dataTable{Caption: v.Tf("goals.table", v.Day(r.Date)), Head: []string{v.T("th.goal"), v.T("th.baseline"), v.T("th.value"), v.T("th.target"), v.T("th.deadline"), v.T("th.status")}}
		for _, g := range r.Goals {
			t.Rows = append(t.Rows, []cell{textCell(g.Title(v.Lang)), {Text: goalValueText(v, g, g.Baseline) + " (" + v.Day(g.BaselineDate) + ")", Num: true},
				{Text: goalValueText(v, g, g.Value), Num: true}, {Text: goalValueText(v, g, g.Target), Num: true}, dayCell(v, g.Deadline), textCell(goalStatusText(v, g.Status))})
		}
		gs.Tables = []dataTable{t}
	}
	d.Sections = append(d.Sections, gs)

	// Data sources.
	src := dataTable{Caption: v.T("report.sources"), Head: []string{v.T("th.source"), v.T("th.detail"), v.T("th.collected"), v.T("th.result")}}
	for _, s := range r.Sources {
		src.Rows = append(src.Rows, []cell{textCell(s.Source), textCell(s.Detail), textCell(v.Stamp(s.Collected)), textCell(s.Result)})
	}
	srcText := []string{v.Tf("report.produced", v.Stamp(r.ProducedAt))}
	if r.Illustrative {
		srcText = append(srcText, v.T("illustrative.text"))
	}
	d.Sections = append(d.Sections, reportSection{ID: "sources", Title: v.T("report.sources"), Text: srcText, Tables: []dataTable{src}})

	// Notes: corrections since the report was first produced.
	notes := reportSection{ID: "notes", Title: v.T("report.notes")}
	switch {
	case r.FirstProducedAt == "":
		notes.Text = []string{v.T("report.notes.first")}
	case len(r.Corrections) == 0 && len(r.RegisterChanges) == 0:
		notes.Text = []string{v.Tf("report.notes.none", v.Stamp(r.FirstProducedAt))}
	default:
		notes.Text = []string{v.Tf("report.notes.changed", v.Stamp(r.FirstProducedAt))}
		if len(r.Corrections) > 0 {
			t := dataTable{Caption: v.T("report.corrections"), Head: []string{v.T("th.definition"), v.T("th.subject"), v.T("th.scope"), v.T("th.was"), v.T("th.now")}}
			for _, c := range r.Corrections {
				t.Rows = append(t.Rows, []cell{textCell(c.Definition), textCell(c.Subject), textCell(c.Scope),
					{Text: figures.FormatFigure(c.Was), Num: true}, {Text: figures.FormatFigure(c.Now), Num: true}})
			}
			notes.Tables = append(notes.Tables, t)
		}
		if len(r.RegisterChanges) > 0 {
			t := dataTable{Caption: v.T("report.registerchanges"), Head: []string{v.T("th.recorded"), v.T("th.change.kind"), v.T("th.organization"), v.T("th.product"), v.T("th.status"), v.T("th.since"), v.T("th.until")}}
			for _, c := range r.RegisterChanges {
				t.Rows = append(t.Rows, []cell{textCell(v.Stamp(c.RecordedAt)), textCell(v.T("report.change." + c.Change)), textCell(orgLabel(c.Organization, c.Name)),
					textCell(productNames(cfg, []string{c.Product})), textCell(v.T("status." + c.Status)), dayCell(v, c.Since), dayCell(v, c.Until)})
			}
			notes.Tables = append(notes.Tables, t)
		}
	}
	d.Sections = append(d.Sections, notes)

	// Definitions of every figure in the report.
	defs := reportSection{ID: "definitions", Title: v.T("report.definitions")}
	for _, id := range reportDefinitionIDs {
		def := definition(id)
		defs.Text = append(defs.Text, def.Title.In(v.Lang)+" ("+id+"): "+def.Full.In(v.Lang))
	}
	d.Sections = append(d.Sections, defs)
	return d
}

// reportDefinitionIDs are the definitions the report's figures refer to,
// in the order its sections use them; CSV and JSON rows carry these ids.
var reportDefinitionIDs = []string{"members", "members_change", "governance_level", "adopter", "adoption_share_municipalities",
	"adoption_share_members", "pilots_planned", "product_counts", "three_plus", "non_member_adopters", "active_contributors", "goal"}

func orgLabel(id, name string) string {
	if name == "" || name == id {
		return id
	}
	return name + " (" + id + ")"
}

func productNames(cfg *config.Config, ids []string) string {
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		if p, ok := cfg.Product(id); ok {
			names = append(names, p.Name)
		} else {
			names = append(names, id)
		}
	}
	return strings.Join(names, ", ")
}

// reportPage serves /report/{year}: the annual report with the site's
// layout, and in other formats with ?format=md|csv|json.
func (s *Server) reportPage(w http.ResponseWriter, r *http.Request, v *view) error {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < 1990 || year > 2100 {
		return badRequest(v.Tf("error.year", r.PathValue("year")))
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "html"
	}
	if !slices.Contains(ReportFormats, format) {
		return badRequest(v.Tf("error.format", format))
	}
	// Viewing a finished year's report keeps a copy of its figures when they
	// changed, so later corrections can be listed.
	rep, err := s.figures.ProduceReport(r.Context(), year, s.now(), true)
	if err != nil {
		return err
	}
	if format != "html" {
		var buf bytes.Buffer
		if err := RenderReport(&buf, s.cfg, rep, format, v.Lang); err != nil {
			return err
		}
		ct := map[string]string{"md": "text/markdown; charset=utf-8", "csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}[format]
		w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="os2pulse-report-%d-%s.%s"`, year, v.Lang, format))
		setPageHeaders(w, v)
		writeBody(w, r, http.StatusOK, ct, buf.Bytes())
		return nil
	}
	d := buildReport(v, s.cfg, rep)
	for _, f := range []string{"md", "csv", "json"} {
		d.Exports = append(d.Exports, reportExport{Label: strings.ToUpper(f), Href: v.Link("/report/"+strconv.Itoa(year), "format", f)})
	}
	return s.render(w, r, "report", d)
}

// RenderReport writes a report in format (html: a standalone page that
// prints to A4; md; csv; json) and language (da or en).
func RenderReport(w io.Writer, cfg *config.Config, r figures.Report, format, lang string) error {
	if lang != langEN {
		lang = langDA
	}
	date, _ := time.Parse(time.DateOnly, r.Date)
	v := &view{Lang: lang, Date: date, Today: date, Illustrative: r.Illustrative, Portfolio: cfg.Portfolio.Name, Standalone: true, Status: http.StatusOK, cfg: cfg}
	switch format {
	case "html":
		v.Data = buildReport(v, cfg, r)
		return executePage(w, "report", v)
	case "md":
		return writeReportMarkdown(w, v, buildReport(v, cfg, r))
	case "csv":
		return writeReportCSV(w, r)
	case "json":
		return writeReportJSON(w, r, lang)
	}
	return fmt.Errorf("unknown report format %q (one of %s)", format, strings.Join(ReportFormats, ", "))
}

// writeReportMarkdown writes the same sections and tables as the HTML
// version as Markdown that pastes into a document.
func writeReportMarkdown(w io.Writer, v *view, d reportData) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s\n\n", mdText(d.Title), mdText(d.Subtitle))
	if v.Illustrative {
		fmt.Fprintf(&b, "> **%s:** %s\n\n", v.T("illustrative.title"), v.T("illustrative.text"))
	}
	if d.Preliminary {
		fmt.Fprintf(&b, "> %s\n\n", v.T("report.preliminary"))
	}
	for _, s := range d.Sections {
		fmt.Fprintf(&b, "## %s\n\n", mdText(s.Title))
		if s.Def != "" {
			fmt.Fprintf(&b, "*%s*\n\n", mdText(s.Def))
		}
		for _, t := range s.Text {
			fmt.Fprintf(&b, "%s\n\n", mdText(t))
		}
		for _, t := range s.Tables {
			fmt.Fprintf(&b, "**%s**\n\n", mdText(t.Caption))
			b.WriteString("|")
			for _, h := range t.Head {
				b.WriteString(" " + mdText(h) + " |")
			}
			b.WriteString("\n|")
			for i := range t.Head {
				// Numbers align right, as in the HTML tables.
				num := false
				for _, row := range t.Rows {
					num = num || i < len(row) && row[i].Num
				}
				if num {
					b.WriteString(" ---: |")
				} else {
					b.WriteString(" --- |")
				}
			}
			b.WriteString("\n")
			for _, row := range t.Rows {
				b.WriteString("|")
				for _, c := range row {
					b.WriteString(" " + mdText(c.Text) + " |")
				}
				b.WriteString("\n")
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdText escapes what Markdown would read as markup: text from the
// register stays text when pasted.
func mdText(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "|", "\\|", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]",
		"<", "&lt;", ">", "&gt;", "#", "\\#", "\n", " ")
	return r.Replace(s)
}

// writeReportCSV writes every figure as a row named by its definition id.
func writeReportCSV(w io.Writer, r figures.Report) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"year", "date", "previous_date", "definition", "subject", "scope", "value", "previous", "change", "status"})
	for _, f := range r.Figures() {
		prev, change := "", ""
		if f.HasPrevious {
			prev, change = figures.FormatFigure(f.Previous), figures.FormatFigure(f.Value-f.Previous)
		}
		cw.Write(neutralizeCSV([]string{strconv.Itoa(r.Year), r.Date, r.PreviousDate, f.Definition, f.Subject, f.Scope,
			figures.FormatFigure(f.Value), prev, change, f.Status}))
	}
	cw.Flush()
	return cw.Error()
}

// writeReportJSON writes the whole report, its flat figures and the
// definitions they refer to.
func writeReportJSON(w io.Writer, r figures.Report, lang string) error {
	type def struct {
		ID    string `json:"id"`
		Title string `json:"title"`
		Text  string `json:"text"`
	}
	var defs []def
	for _, id := range reportDefinitionIDs {
		d := definition(id)
		defs = append(defs, def{id, d.Title.In(lang), d.Full.In(lang)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		figures.Report
		Figures     []figures.ReportFigure `json:"figures"`
		Definitions []def                  `json:"definitions"`
	}{r, r.Figures(), defs})
}
