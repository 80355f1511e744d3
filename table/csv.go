package table

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// CSV files are for spreadsheets first. They start with a UTF-8
// byte-order mark, without which Excel reads a file as Windows-1252 and
// "København" becomes "KÃ¸benhavn", and are written the way the reader's
// Excel expects: "," between cells and a decimal point by default, or,
// for Danish Excel (?sep=semicolon), ";" between cells and a decimal
// comma, since Danish Excel reads "0.5" as text.

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
// byte-order mark, then the rows separated by sep (with decimal commas
// for ";"), cells that a spreadsheet would run as a formula neutralised.
func WriteCSV(w io.Writer, sep rune, header []string, rows [][]string) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = sep
	cw.Write(header)
	for _, row := range rows {
		row = NeutralizeCSV(row)
		if sep == SepSemicolon {
			row = decimalCommas(row)
		}
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// decimalCommas writes the numbers of row with a decimal comma.
func decimalCommas(row []string) []string {
	for i, c := range row {
		if strings.Contains(c, ".") {
			if _, err := strconv.ParseFloat(c, 64); err == nil {
				row[i] = strings.Replace(c, ".", ",", 1)
			}
		}
	}
	return row
}
