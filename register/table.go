package register

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"os2pulse/problems"
)

// table is one register table as read from a CSV file or a workbook
// sheet: rows of fields by column name, each field able to say where it
// is, so every problem names its line or cell.
type table struct {
	p     *problems.List
	sheet string         // "" for a CSV file
	cols  map[string]int // column name → column number, from 1
	// columns are the table's column names in their order, for
	// problems in a stable order.
	columns []string
	rows    []row
	// serials: numbers in date columns are Excel dates (a workbook); in
	// a CSV file a number is not a date.
	serials  bool
	date1904 bool
}

// row is one data row; line is its CSV line or sheet row. values are in
// the order of the table's columns ("" where the file has no such
// column): a 100,000-row register is held until every row is checked,
// and a map per row would take three times the memory.
type row struct {
	line   int
	values []string
}

// fields are a row's values by the names of the columns the file has.
func (t *table) fields(r row) map[string]string {
	f := make(map[string]string, len(t.cols))
	for i, c := range t.columns {
		if _, ok := t.cols[c]; ok {
			f[c] = r.values[i]
		}
	}
	return f
}

// place is where a row's field is: its line in a CSV file, its cell in a
// sheet ("adoption!C14"). A row's own problems (duplicates, overlaps)
// point at its first column.
func (t *table) place(line int, col string) string {
	if t.sheet == "" {
		return strconv.Itoa(line)
	}
	return cellName(t.sheet, t.cols[col], line)
}

func cellName(sheet string, col, line int) string {
	name, err := excelize.ColumnNumberToName(max(col, 1))
	if err != nil {
		name = "A"
	}
	return fmt.Sprintf("%s!%s%d", sheet, name, line)
}

// ref names another row in a message: "line 12" or "row 12".
func (t *table) ref(line int) string {
	switch {
	case line == 0:
		return "a record in the register"
	case t.sheet == "":
		return "line " + strconv.Itoa(line)
	}
	return "row " + strconv.Itoa(line)
}

// add records a problem about one field of a row.
func (t *table) add(line int, col, format string, args ...any) {
	t.p.AddAt(t.place(line, col), format, args...)
}

// readHeader checks a header row against the columns a table may have
// and must have, and maps column names to their index in the row. at
// gives the place of the header's i-th cell (-1: the header as a whole).
// It returns nil when the table cannot be read.
func readHeader(header, columns, required []string, p *problems.List, at func(i int) string) map[string]int {
	want := joinColumns(columns)
	known := map[string]bool{}
	for _, c := range columns {
		known[c] = true
	}
	index := map[string]int{}
	usable := true
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case h == "":
			p.AddAt(at(i), "column %d has no name (the columns are %s)", i+1, want)
		case !utf8.ValidString(h) || !known[h]:
			p.AddAt(at(i), "unknown column %q (the columns are %s)", problems.Clip(h), want)
		case index[h] != 0:
			p.AddAt(at(i), "column %q appears twice", h)
			usable = false
		default:
			index[h] = i + 1
		}
	}
	for _, c := range required {
		if index[c] == 0 {
			p.AddAt(at(-1), "missing column %q (the columns are %s)", c, want)
			usable = false
		}
	}
	if !usable {
		return nil
	}
	return index
}

// emptyRecord reports whether every field is blank (spreadsheets write
// ";;;;" for an empty row).
func emptyRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// Length limits of a register's fields, in characters: a note is a line
// or two, a name a name. They keep exports within what a spreadsheet cell
// holds and the audit trail readable.
const (
	maxNote  = 1000
	maxField = 200
)

// checkText is the one rule for the text of every field, from a file or a
// form: what the databases, a workbook and an audit trail can store and
// show unchanged. PostgreSQL refuses NUL bytes and invalid UTF-8, XML (a
// workbook) control characters, and a tab or carriage return would let a
// value pass the formula guard of an export (a cell "\t=HYPERLINK(…)"
// is a formula to a spreadsheet). A note may hold line breaks. It says
// what is wrong, or "".
func checkText(col, v string) string {
	if !utf8.ValidString(v) {
		return "not valid UTF-8 (save the file as UTF-8)"
	}
	n := 0
	for _, r := range v {
		n++
		switch {
		case r == 0:
			return "contains a NUL byte"
		case r == '\n' && col == "note":
		case r == '\t':
			return col + " contains a tab"
		case r < 0x20 || r >= 0x7f && r < 0xa0:
			return fmt.Sprintf("%s contains the control character U+%04X", col, r)
		case r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
			return fmt.Sprintf("%s contains the text direction control U+%04X", col, r)
		case r == 0xfffe || r == 0xffff:
			return fmt.Sprintf("%s contains U+%04X, which is not a character", col, r)
		}
	}
	limit := maxField
	if col == "note" {
		limit = maxNote
	}
	if n > limit {
		return fmt.Sprintf("%s is %d characters long; at most %d", col, n, limit)
	}
	return ""
}

// checkFields checks every field of a row with checkText, reporting each
// problem through bad; it reports whether all passed.
func checkFields(f map[string]string, columns []string, bad func(col, format string, args ...any)) bool {
	ok := true
	for _, c := range columns {
		v, found := f[c]
		if !found {
			continue
		}
		if msg := checkText(c, v); msg != "" {
			bad(c, "%s", msg)
			ok = false
		}
	}
	return ok
}

// addRow checks a data row's text and keeps it, or reports its problems.
func (t *table) addRow(line int, rec []string) {
	f := fieldsOf(rec, t.cols)
	if checkFields(f, t.columns, func(col, format string, args ...any) { t.add(line, col, format, args...) }) {
		values := make([]string, len(t.columns))
		for i, c := range t.columns {
			values[i] = f[c]
		}
		t.rows = append(t.rows, row{line: line, values: values})
	}
}

// fieldsOf maps a record's fields to column names, trimmed and with the
// formula guard of an export removed (see escapeCell).
func fieldsOf(rec []string, index map[string]int) map[string]string {
	f := make(map[string]string, len(index))
	for c, i := range index {
		if i-1 < len(rec) {
			f[c] = unescapeCell(strings.TrimSpace(rec[i-1]))
		} else {
			f[c] = ""
		}
	}
	return f
}

// guarded are the first characters that make a spreadsheet read a cell
// as a formula (OWASP's list: a tab or carriage return before one is
// skipped), and the apostrophe of the guard itself.
const guarded = "=+-@'\t\r"

// escapeCell guards a value written to an export against formula
// injection: one beginning with =, +, - or @ would be run as a formula by a
// spreadsheet, so it gets a leading apostrophe, as does one that already
// begins with an apostrophe, so that unescapeCell can undo exactly this.
func escapeCell(s string) string {
	if s != "" && strings.ContainsRune(guarded, rune(s[0])) {
		return "'" + s
	}
	return s
}

// unescapeCell undoes escapeCell when reading a file, so an export
// imported again changes nothing.
func unescapeCell(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.ContainsRune(guarded, rune(s[1])) {
		return s[1:]
	}
	return s
}
