package dashboard

import (
	"strconv"
	"strings"

	"os2pulse/civil"
	"os2pulse/figures"
	"os2pulse/selfeval"
	"os2pulse/table"
)

// The governance evidence on the product page and /governance: per
// requirement the product's own answer beside what the data show.

// evidenceView is one product's evidence as the page shows it.
type evidenceView struct {
	v             *view
	Product       string
	Summary       string
	Disagreements []string // "says Ja; no licence found …", first
	Rows          []evidenceRow
	NextLevel     string // heading of what the next level needs; "" at the top level
	Needs         []evidenceRow
	NeedsNone     string
	Since         string // heading of the changes since half a year before
	Changes       []string
	ChangesNote   string // why answers are not compared, when they are not
	ChangesNone   string
	CSV, JSON     string
	Draft         string // the draft self-evaluation (JSON download)
	DraftName     string
}

// evidenceRow is one requirement.
type evidenceRow struct {
	ID, Text, Answer, Verdict string
	VerdictClass              string
	Disagrees                 bool
	Findings                  []evidenceFinding
}

// evidenceFinding is one piece of evidence, with its link when it has one.
type evidenceFinding struct {
	Text, Href string
}

// negative findings say what is missing: the evidence of a "not found".
var negative = map[string]bool{
	figures.FindNoLicense: true, figures.FindLicenseNotOSI: true, figures.FindNoSecurityPolicy: true,
	figures.FindNoReadme: true, figures.FindOwnerNotListed: true, figures.FindNoCommits: true,
	figures.FindAllArchived: true, figures.FindRunBy: true, figures.FindArchived: true,
	figures.FindForkAhead: true,
}

func evidenceOf(v *view, pe figures.ProductEvidence) *evidenceView {
	ev := &evidenceView{
		v:           v,
		Product:     pe.Product,
		Summary:     v.Tf("evidence.summary", v.Int(pe.Found), v.Int(pe.NotFound), v.Int(pe.CannotTell), v.Int(pe.Disagreements)),
		CSV:         v.DataLink("/api/v1/governance/evidence.csv", "product", pe.Product),
		JSON:        v.DataLink("/api/v1/governance/evidence", "product", pe.Product),
		Draft:       v.DataLink("/api/v1/governance/draft", "product", pe.Product),
		DraftName:   pe.Product + "-selvevaluering-udkast-" + v.DateISO() + ".json",
		Since:       v.Tf("evidence.changes", v.Lang.Date(pe.Since)),
		ChangesNone: v.T("evidence.changes.none"),
	}
	for _, r := range pe.Requirements {
		row := evidenceRowOf(v, r)
		ev.Rows = append(ev.Rows, row)
		if r.Disagrees {
			var what []string
			for _, f := range r.Findings {
				if negative[f.Code] == (r.Verdict == figures.VerdictNotFound) {
					what = append(what, findingText(v, f))
				}
			}
			ev.Disagreements = append(ev.Disagreements, v.Tf("evidence.disagree", r.ID, fileAnswer(r.Answer), strings.Join(what, "; ")))
		}
	}
	if pe.NextLevel != "" {
		ev.NextLevel = v.Tf("evidence.next", levelText(v, pe.NextLevel))
		ev.NeedsNone = v.T("evidence.next.none")
		for _, r := range pe.NextLevelNeeds {
			ev.Needs = append(ev.Needs, evidenceRowOf(v, r))
		}
	}
	if pe.EvaluatedBefore.IsZero() {
		ev.ChangesNote = v.T("evidence.changes.first")
	}
	for _, c := range pe.Changes {
		if pe.EvaluatedBefore.IsZero() {
			// No answers then to compare with, as the note says.
			ev.Changes = append(ev.Changes, v.Tf("evidence.change.data", c.ID, verdictText(v, c.VerdictBefore), verdictText(v, c.Verdict)))
			continue
		}
		ev.Changes = append(ev.Changes, v.Tf("evidence.change", c.ID, answerText(v, c.AnswerBefore), answerText(v, c.Answer),
			verdictText(v, c.VerdictBefore), verdictText(v, c.Verdict)))
	}
	return ev
}

// T gives the template the page's labels.
func (e *evidenceView) T(key string) string { return e.v.T(key) }

func evidenceRowOf(v *view, r figures.RequirementEvidence) evidenceRow {
	row := evidenceRow{ID: r.ID, Text: r.Text, Answer: answerText(v, r.Answer), Verdict: verdictText(v, r.Verdict),
		VerdictClass: "verdict-" + r.Verdict, Disagrees: r.Disagrees}
	if r.Check == "" {
		row.Findings = []evidenceFinding{{Text: v.T("evidence.nocheck")}}
	}
	for _, f := range r.Findings {
		row.Findings = append(row.Findings, evidenceFinding{Text: findingText(v, f), Href: f.URL})
	}
	return row
}

// fileAnswer is the state in the self-evaluation files' own words.
func fileAnswer(state string) string {
	switch state {
	case selfeval.Met:
		return "Ja"
	case selfeval.NotMet:
		return "Nej"
	case selfeval.Planned:
		return "Planlagt"
	case selfeval.Unknown:
		return "Ved ikke"
	}
	return "–"
}

func answerText(v *view, state string) string {
	if state == "" {
		return v.T("evidence.answer.none")
	}
	return v.T("selfeval.state." + state)
}

func verdictText(v *view, verdict string) string {
	if verdict == "" {
		return "–"
	}
	return v.T("evidence.verdict." + verdict)
}

// findingText says a finding in the page's language: the repository, and
// the value where the message has room for one.
func findingText(v *view, f figures.Finding) string {
	key := "evidence.find." + f.Code
	value := f.Value
	if d, err := civil.Parse(value); err == nil {
		value = v.Lang.Date(d)
	} else if (f.Code == figures.FindCoverageTooOld || f.Code == figures.FindHistoryShort) && value == "" {
		value = v.T("evidence.never")
	}
	// Not every message has room for the value: give it only where it
	// is asked for, so no message ends in fmt's complaint.
	if f.Repository == "" {
		key += ".all"
		if strings.Contains(v.T(key), "%s") {
			n, _ := strconv.Atoi(f.Value) // a count where the message has one
			return v.Nf(key, n, value)
		}
		return v.T(key)
	}
	if strings.Contains(v.T(key), "%[2]s") {
		return v.Tf(key, f.Repository, value)
	}
	return v.Tf(key, f.Repository)
}

// evidenceTable is /governance's overview: per product its verdicts and
// disagreements, linking to the product page.
func evidenceTable(v *view, ev figures.Evidence) table.Table {
	t := table.Table{Caption: v.Tf("evidence.table", v.DateText()),
		Head: []string{v.T("th.product"), v.T("evidence.verdict.found"), v.T("evidence.verdict.not_found"),
			v.T("evidence.verdict.cannot_tell"), v.T("th.evidence.disagreements"), v.T("th.evidence.needs"),
			v.Tf("th.evidence.changes", v.Lang.Date(ev.Date.AddDate(0, -6, 0)))}}
	for _, p := range ev.Products {
		// What the next level needs, as the product page lists it; none
		// above the highest level.
		needs := table.Text("–")
		if p.NextLevel != "" {
			needs = table.Int(v.Lang, len(p.NextLevelNeeds))
		}
		t.Rows = append(t.Rows, []table.Cell{table.Link(p.Name, v.Link("/products/"+p.Product)+"#evidence-h"),
			table.Int(v.Lang, p.Found), table.Int(v.Lang, p.NotFound), table.Int(v.Lang, p.CannotTell), table.Int(v.Lang, p.Disagreements),
			needs, table.Int(v.Lang, len(p.Changes))})
	}
	return t
}

// disagreementRows lists every product's disagreements for /governance.
func disagreementRows(v *view, ev figures.Evidence) []string {
	var out []string
	for _, p := range ev.Products {
		for _, d := range evidenceOf(v, p).Disagreements {
			out = append(out, p.Name+": "+d)
		}
	}
	return out
}
