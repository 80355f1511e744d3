package register

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"os2pulse/problems"
)

// csvRow is one data row of a register file by column name.
type csvRow struct {
	line   int
	fields map[string]string
}

// readTable reads a register CSV: an optional BOM, a header naming the
// columns in any order, then rows. The separator is ";" when the header
// has more semicolons than commas (Danish spreadsheets), else ",". Fields
// are trimmed; rows that are wholly empty (spreadsheets write ";;;;") are
// skipped. It returns nil rows when the header makes the file unreadable.
func readTable(data []byte, columns, required []string, p *problems.List) []csvRow {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	sep := ','
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		sep = ';'
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sep
	r.FieldsPerRecord = -1
	want := strings.Join(columns, ",")

	var header []string
	headerLine := 1
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			p.Add(headerLine, "empty file: expected the header %s", want)
			return nil
		}
		if err != nil {
			p.Add(csvErrorLine(err, headerLine), "%s", csvErrorText(err))
			return nil
		}
		headerLine, _ = r.FieldPos(0)
		if !emptyRecord(rec) {
			header = rec
			break
		}
	}
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
			p.Add(headerLine, "column %d has no name (the columns are %s)", i+1, want)
		case !utf8.ValidString(h) || !known[h]:
			p.Add(headerLine, "unknown column %q (the columns are %s)", problems.Clip(h), want)
		case index[h] != 0:
			p.Add(headerLine, "column %q appears twice", h)
			usable = false
		default:
			index[h] = i + 1
		}
	}
	for _, c := range required {
		if index[c] == 0 {
			p.Add(headerLine, "missing column %q (the columns are %s)", c, want)
			usable = false
		}
	}
	if !usable {
		return nil
	}

	var rows []csvRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p.Add(csvErrorLine(err, headerLine), "%s", csvErrorText(err))
			// An unterminated quote swallows the rest of the file; any
			// other error costs only its own line.
			continue
		}
		line, _ := r.FieldPos(0)
		if emptyRecord(rec) {
			continue
		}
		if len(rec) != len(header) {
			p.Add(line, "%d fields, the header has %d", len(rec), len(header))
			continue
		}
		if bad := badText(rec); bad != "" {
			p.Add(line, "%s", bad)
			continue
		}
		row := csvRow{line: line, fields: map[string]string{}}
		for c, i := range index {
			row.fields[c] = strings.TrimSpace(rec[i-1])
		}
		rows = append(rows, row)
	}
	return rows
}

func csvErrorLine(err error, def int) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) && pe.Line > 0 {
		return pe.Line
	}
	return def
}

func csvErrorText(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return "not valid CSV: " + pe.Err.Error()
	}
	return "not valid CSV: " + err.Error()
}

func emptyRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// badText rejects what the databases cannot store: PostgreSQL refuses NUL
// bytes and invalid UTF-8 in text.
func badText(rec []string) string {
	for _, f := range rec {
		if !utf8.ValidString(f) {
			return "not valid UTF-8 (save the file as UTF-8)"
		}
		if strings.IndexByte(f, 0) >= 0 {
			return "contains a NUL byte"
		}
	}
	return ""
}
