// Package table is the tables of figures that pages and the annual report
// show: a caption, a header row and rows whose first cell heads the row. A
// Table is written as HTML by the "table" template (Templates) and as
// Markdown by Markdown, so a chart's table, a page's list and a report's
// section look and read the same everywhere.
package table

import (
	"embed"
	"html/template"
	"strconv"
	"strings"

	"os2pulse/civil"
	"os2pulse/locale"
)

// Table is a table of figures.
type Table struct {
	Caption string
	Head    []string
	Rows    [][]Cell
	Note    string // shown under the table, e.g. "none" when it is empty
}

// Cell is one table cell; Href makes it a link, Num aligns it right.
type Cell struct {
	Text string
	Href string
	Num  bool
}

// Text is a cell of text.
func Text(s string) Cell { return Cell{Text: s} }

// Link is a cell linking to href.
func Link(s, href string) Cell { return Cell{Text: s, Href: href} }

// Num is a cell holding a number already written in the page's language.
func Num(s string) Cell { return Cell{Text: s, Num: true} }

// Int is a count.
func Int(l locale.Lang, n int) Cell { return Num(l.Int(n)) }

// Pct is a ratio as a percentage.
func Pct(l locale.Lang, r float64) Cell { return Num(l.Pct(r)) }

// Date is a date; the zero Date is an empty cell.
func Date(l locale.Lang, d civil.Date) Cell { return Text(l.Date(d)) }

//go:embed table.html
var files embed.FS

// Templates adds the "table" and "cell" templates to t.
func Templates(t *template.Template) (*template.Template, error) {
	return t.ParseFS(files, "table.html")
}

// HeadCell is a column's header; Num says the column holds numbers, so
// that its header is aligned with them.
type HeadCell struct {
	Text string
	Num  bool
}

// HeadCells are the header with each column's alignment: a column is
// numeric when any of its cells is.
func (t Table) HeadCells() []HeadCell {
	out := make([]HeadCell, len(t.Head))
	for i, h := range t.Head {
		out[i].Text = h
		for _, row := range t.Rows {
			out[i].Num = out[i].Num || i < len(row) && row[i].Num
		}
	}
	return out
}

// Markdown writes t as a Markdown table under its caption in bold, numbers
// aligned right as in HTML. Every text is escaped, so text from the
// register stays text when pasted into a document.
func Markdown(b *strings.Builder, t Table) {
	b.WriteString("**" + MarkdownText(t.Caption) + "**\n\n|")
	for _, h := range t.Head {
		b.WriteString(" " + MarkdownText(h) + " |")
	}
	b.WriteString("\n|")
	for _, h := range t.HeadCells() {
		if h.Num {
			b.WriteString(" ---: |")
		} else {
			b.WriteString(" --- |")
		}
	}
	b.WriteString("\n")
	for _, row := range t.Rows {
		b.WriteString("|")
		for _, c := range row {
			b.WriteString(" " + MarkdownText(c.Text) + " |")
		}
		b.WriteString("\n")
	}
	if t.Note != "" {
		b.WriteString("\n" + MarkdownText(t.Note) + "\n")
	}
	b.WriteString("\n")
}

var mdEscaper = strings.NewReplacer("\\", "\\\\", "|", "\\|", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]",
	"<", "&lt;", ">", "&gt;", "#", "\\#", "\n", " ")

// MarkdownText escapes what Markdown would read as markup.
func MarkdownText(s string) string { return mdEscaper.Replace(s) }

// NeutralizeCSV prefixes cells that a spreadsheet would run as a formula
// (=, +, -, @, tab, carriage return) with an apostrophe, unless they are
// plain numbers: names come from GitHub and the register, which anyone may
// write to.
func NeutralizeCSV(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			if _, err := strconv.ParseFloat(c, 64); err != nil {
				c = "'" + c
			}
		}
		out[i] = c
	}
	return out
}
