package report

import (
	"strings"

	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/table"
)

// evidenceSection lists, per product with a self-evaluation at the end of
// the year, the requirements where its answer and the collected data
// disagree.
func evidenceSection(l locale.Lang, r figures.Report) Section {
	t := table.Table{Caption: l.Tf("report.evidence.table", r.Year), Head: []string{l.T("th.product"), l.T("th.selfeval.filled"),
		l.T("th.selfeval.id"), l.T("th.evidence.answer"), l.T("th.evidence.verdict"), l.T("th.evidence.findings")}}
	products := 0
	for _, p := range r.Evidence {
		if len(p.Disagreements) == 0 {
			continue
		}
		products++
		for _, d := range p.Disagreements {
			var what []string
			for _, f := range d.Findings {
				what = append(what, f.Detail)
			}
			t.Rows = append(t.Rows, []table.Cell{table.Text(p.Name), table.Date(l, p.Evaluated), table.Text(d.ID),
				table.Text(l.T("selfeval.state." + d.Answer)), table.Text(l.T("evidence.verdict." + d.Verdict)), table.Text(strings.Join(what, "; "))})
		}
	}
	s := Section{ID: "evidence", Title: l.T("report.evidence"),
		Text: []string{l.Nf("report.evidence.text", len(r.Evidence), l.Int(len(r.Evidence)), l.Int(products))}}
	if len(t.Rows) > 0 {
		s.Tables = []table.Table{t}
	}
	return s
}
