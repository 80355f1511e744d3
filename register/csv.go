package register

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"os2pulse/problems"
)

// decodeCSV returns a CSV file's text as UTF-8. A file that is not valid
// UTF-8 is what Danish Excel saves as "CSV (semikolonsepareret)":
// Windows-1252. It is decoded as such, and the note says so.
func decodeCSV(name string, data []byte) ([]byte, string) {
	if utf8.Valid(data) {
		return data, ""
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return data, ""
	}
	return out, name + " is not UTF-8; it was read as Windows-1252 (Danish Excel's \"CSV (semikolonsepareret)\")"
}

// readCSV reads a register CSV: an optional BOM, a header naming the
// columns in any order, then rows. The separator is ";" when the header
// has more semicolons than commas (Danish spreadsheets), else ",". Fields
// are trimmed; rows that are wholly empty (spreadsheets write ";;;;") are
// skipped. The table has no rows when the header makes the file
// unreadable.
func readCSV(data []byte, columns, required []string, p *problems.List) *table {
	t := &table{p: p, columns: columns}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	sep := ','
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		sep = ';'
	}
	if line, what := oversizedRecord(data, byte(sep)); line > 0 {
		p.Add(line, "refused: %s", what)
		return t
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sep
	r.FieldsPerRecord = -1
	r.ReuseRecord = true

	var header []string
	headerLine := 1
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			p.Add(headerLine, "empty file: expected the header %s", joinColumns(columns))
			return t
		}
		if err != nil {
			p.Add(csvErrorLine(err, headerLine), "%s", csvErrorText(err))
			return t
		}
		headerLine, _ = r.FieldPos(0)
		if !emptyRecord(rec) {
			header = append([]string(nil), rec...)
			break
		}
	}
	at := strconv.Itoa(headerLine)
	index := readHeader(header, columns, required, p, func(int) string { return at })
	if index == nil {
		return t
	}
	t.cols = index
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
		t.addRow(line, rec)
	}
	return t
}

// A register has six or seven columns and lines of a few hundred bytes.
// encoding/csv keeps a whole record and a string per field, so a file of
// 10 MB that is one line of separators would cost 160 MB of fields: such
// records are refused before the reader starts.
const (
	maxCSVFields = 100
	maxCSVRecord = 64 << 10
)

// oversizedRecord returns the line where the first record with more than
// maxCSVFields fields or maxCSVRecord bytes begins, and what is wrong
// with it; 0 when there is none. Separators and line ends inside quotes
// belong to a field, as encoding/csv reads them.
func oversizedRecord(data []byte, sep byte) (int, string) {
	line, start, began, fields, quoted := 1, 0, 1, 1, false
	for i, c := range data {
		switch {
		case c == '"':
			quoted = !quoted
		case c == sep && !quoted:
			fields++
		case c == '\n':
			line++
			if !quoted {
				start, began, fields = i+1, line, 1
			}
		}
		if fields > maxCSVFields {
			return began, "more than " + strconv.Itoa(maxCSVFields) + " fields in one record"
		}
		if i-start >= maxCSVRecord {
			return began, "a record longer than " + strconv.Itoa(maxCSVRecord>>10) + " kB"
		}
	}
	return 0, ""
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
