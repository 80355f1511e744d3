package table

import (
	"encoding/csv"
	"fmt"
	"io"
)

// CSV files are for spreadsheets first. They start with a UTF-8
// byte-order mark, without which Excel reads a file as Windows-1252 and
// "København" becomes "KÃ¸benhavn", and use the separator the reader's
// Excel expects: "," by default, or ";" for Danish Excel, whose list
// separator is ";" (?sep=semicolon).

// The separators a CSV file can have.
const (
	SepComma     = ','
	SepSemicolon = ';'
)

// bom is the UTF-8 byte-order mark.
const bom = "\uFEFF"

// ParseSeparator reads the name of a separator: "" or "comma" is ",",
// "semicolon" is ";".
func ParseSeparator(name string) (rune, error) {
	switch name {
	case "", "comma":
		return SepComma, nil
	case "semicolon":
		return SepSemicolon, nil
	}
	return 0, fmt.Errorf("%q is not a separator (comma or semicolon)", name)
}

// WriteCSV writes header and rows as a CSV file for spreadsheets: the
// byte-order mark, then the rows separated by sep, cells that a
// spreadsheet would run as a formula neutralised.
func WriteCSV(w io.Writer, sep rune, header []string, rows [][]string) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = sep
	cw.Write(header)
	for _, row := range rows {
		cw.Write(NeutralizeCSV(row))
	}
	cw.Flush()
	return cw.Error()
}
