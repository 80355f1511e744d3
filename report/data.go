package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/table"
)

// WriteMarkdown writes the same sections and tables as the HTML version
// as Markdown that pastes into a document.
func (d Document) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	l := d.Lang
	fmt.Fprintf(&b, "# %s\n\n%s\n\n", table.MarkdownText(d.Title), table.MarkdownText(d.Subtitle))
	if d.Illustrative {
		fmt.Fprintf(&b, "> **%s:** %s\n\n", l.T("illustrative.title"), l.T("illustrative.text"))
	}
	if d.Preliminary {
		fmt.Fprintf(&b, "> %s\n\n", l.T("report.preliminary"))
	}
	for _, s := range d.Sections {
		fmt.Fprintf(&b, "## %s\n\n", table.MarkdownText(s.Title))
		if s.Def != "" {
			fmt.Fprintf(&b, "*%s*\n\n", table.MarkdownText(s.Def))
		}
		for _, t := range s.Text {
			fmt.Fprintf(&b, "%s\n\n", table.MarkdownText(t))
		}
		for _, t := range s.Tables {
			table.Markdown(&b, t)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteCSV writes every figure as a row named by its definition id, with
// whether its data reach its date (complete) and, when not, how far they
// reach (covered_until), separated by sep, as table.WriteCSV writes CSV
// for spreadsheets.
func WriteCSV(w io.Writer, r figures.Report, sep rune) error {
	header := []string{"year", "date", "previous_date", "definition", "subject", "scope", "value", "previous", "change", "status",
		"complete", "covered_until", "last_known", "last_known_date"}
	var rows [][]string
	for _, f := range r.Figures() {
		// A value that is not known is an empty cell, and so is a change
		// from or to one.
		prev, change := "", ""
		if f.HasPrevious {
			prev = figures.FormatKnown(f.Previous)
			v, ok1 := f.Value.Get()
			p, ok2 := f.Previous.Get()
			if ok1 && ok2 {
				change = figures.FormatFigure(v - p)
			}
		}
		// An unknown value's last known one, with its date, beside it.
		lastValue, lastDate := "", ""
		if f.LastKnown != nil {
			lastValue, lastDate = figures.FormatFigure(f.LastKnown.Value), f.LastKnown.Date.String()
		}
		rows = append(rows, []string{strconv.Itoa(r.Year), r.Date.String(), r.PreviousDate.String(), f.Definition, f.Subject, f.Scope,
			figures.FormatKnown(f.Value), prev, change, f.Status, strconv.FormatBool(f.Complete), f.CoveredUntil.String(), lastValue, lastDate})
	}
	return table.WriteCSV(w, sep, header, rows)
}

// WriteJSON writes the whole report, its flat figures and the definitions
// they refer to, in language l, with the licence its figures may be
// reused under.
func WriteJSON(w io.Writer, r figures.Report, l locale.Lang, license License) error {
	type def struct {
		ID    string `json:"id"`
		Title string `json:"title"`
		Text  string `json:"text"`
	}
	var defs []def
	for _, id := range DefinitionIDs {
		d := figures.DefinitionOf(id)
		defs = append(defs, def{id, d.Title.In(string(l)), d.Full.In(string(l))})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		figures.Report
		License     License                `json:"data_license"`
		Figures     []figures.ReportFigure `json:"figures"`
		Definitions []def                  `json:"definitions"`
	}{r, license, r.Figures(), defs})
}

// License is the licence of the figures, as the JSON names it.
type License struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}
