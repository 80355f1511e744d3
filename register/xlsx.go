package register

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"os2pulse/problems"
)

// The sheet names a workbook may use for the two tables, English and
// Danish.
var (
	adoptionSheets = []string{"adoption", "ibrugtagning"}
	membersSheets  = []string{"members", "medlemmer"}
)

// unzipLimit bounds what a workbook may unpack to, so a small file cannot
// expand into gigabytes (a "ZIP bomb"). A 100,000-row register unpacks
// to about 40 MB.
const unzipLimit = 256 << 20

// workbook is an opened .xlsx file.
type workbook struct {
	name     string
	f        *excelize.File
	date1904 bool
}

func openWorkbook(name string, data []byte) (*workbook, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: unzipLimit})
	if err != nil {
		return nil, &problems.Error{Problems: []string{fmt.Sprintf("%s: not a readable Excel workbook: %s", name, strings.ToValidUTF8(err.Error(), "\uFFFD"))}}
	}
	wb := &workbook{name: name, f: f}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		wb.date1904 = *props.Date1904
	}
	return wb, nil
}

func (wb *workbook) Close() { wb.f.Close() }

// sheet finds the sheet with one of the names (any case); "" when there is
// none. Two of them is a problem: which one would count?
func (wb *workbook) sheet(names []string) (string, error) {
	var found []string
	for _, s := range wb.f.GetSheetList() {
		for _, n := range names {
			if strings.EqualFold(strings.TrimSpace(s), n) {
				found = append(found, s)
			}
		}
	}
	switch len(found) {
	case 0:
		return "", nil
	case 1:
		return found[0], nil
	}
	return "", &problems.Error{Problems: []string{fmt.Sprintf("%s: sheets %s hold the same table; keep one", wb.name, strings.Join(found, " and "))}}
}

// sheetNames lists the workbook's sheets for a message.
func (wb *workbook) sheetNames() string { return strings.Join(wb.f.GetSheetList(), ", ") }

// readSheet reads one sheet as a register table. Cells are read as
// stored: a formula as its cached value, a date as its serial number
// (which the date columns turn into a date), never through a number
// format that could write 01-02 for 2 January or 1 February.
func (wb *workbook) readSheet(sheet string, columns, required []string, p *problems.List) (*table, error) {
	t := &table{p: p, sheet: sheet, serials: true, date1904: wb.date1904}
	rows, err := wb.f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, &problems.Error{Problems: []string{fmt.Sprintf("%s: sheet %s cannot be read: %s", wb.name, sheet, strings.ToValidUTF8(err.Error(), "\uFFFD"))}}
	}
	first := 0
	for first < len(rows) && emptyRecord(rows[first]) {
		first++
	}
	if first == len(rows) {
		p.AddAt(cellName(sheet, 1, 1), "empty sheet: expected the header %s", joinColumns(columns))
		return t, nil
	}
	header := rows[first]
	headerLine := first + 1
	index := readHeader(header, columns, required, p, func(i int) string { return cellName(sheet, i+1, headerLine) })
	if index == nil {
		return t, nil
	}
	t.cols = index
	for i := first + 1; i < len(rows); i++ {
		rec, line := rows[i], i+1
		if emptyRecord(rec) {
			continue
		}
		if len(rec) > len(header) && !emptyRecord(rec[len(header):]) {
			p.AddAt(cellName(sheet, len(header)+1, line), "a value beyond the last column of the header")
			continue
		}
		if bad := badText(rec); bad != "" {
			p.AddAt(cellName(sheet, 1, line), "%s", bad)
			continue
		}
		t.rows = append(t.rows, row{line: line, fields: fieldsOf(rec, index)})
	}
	return t, nil
}

func joinColumns(columns []string) string { return strings.Join(columns, ",") }
