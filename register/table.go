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
	rows  []row
	// serials: numbers in date columns are Excel dates (a workbook); in
	// a CSV file a number is not a date.
	serials  bool
	date1904 bool
}

// row is one data row by column name; line is its CSV line or sheet row.
type row struct {
	line   int
	fields map[string]string
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

// badText rejects what the databases or a workbook cannot store:
// PostgreSQL refuses NUL bytes and invalid UTF-8 in text, and XML, which
// a workbook is, any other control character but tab and line breaks.
func badText(rec []string) string {
	for _, f := range rec {
		if !utf8.ValidString(f) {
			return "not valid UTF-8 (save the file as UTF-8)"
		}
		if strings.IndexByte(f, 0) >= 0 {
			return "contains a NUL byte"
		}
		if i := strings.IndexFunc(f, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' }); i >= 0 {
			return fmt.Sprintf("contains the control character U+%04X", f[i])
		}
	}
	return ""
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

// escapeCell guards a value written to an export against formula
// injection: one beginning with =, +, - or @ would be run as a formula by a
// spreadsheet, so it gets a leading apostrophe, as does one that already
// begins with an apostrophe, so that unescapeCell can undo exactly this.
func escapeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@'", rune(s[0])) {
		return "'" + s
	}
	return s
}

// unescapeCell undoes escapeCell when reading a file, so an export
// imported again changes nothing.
func unescapeCell(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.ContainsRune("=+-@'", rune(s[1])) {
		return s[1:]
	}
	return s
}
