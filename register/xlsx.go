package register

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"os2pulse/problems"
)

// A workbook is read straight from its XML with encoding/xml's raw
// tokens, keeping only what a register needs: sheet names, shared strings
// and cell values. A general spreadsheet library decodes every cell into
// a struct and took about three times as long for 100,000 rows.

// The sheet names a workbook may use for the two tables, English and
// Danish.
var (
	adoptionSheets = []string{"adoption", "ibrugtagning"}
	membersSheets  = []string{"members", "medlemmer"}
)

// unzipLimit bounds what a workbook may unpack to, so a small file cannot
// expand into gigabytes (a "ZIP bomb"). A 100,000-row register unpacks
// to about 25 MB.
const unzipLimit = 256 << 20

// workbook is an opened .xlsx file.
type workbook struct {
	name     string
	files    map[string]*zip.File
	sheets   []sheetRef // in workbook order
	strings  []string   // the shared strings
	date1904 bool
	unzipped int64
}

type sheetRef struct{ name, part string }

func openWorkbook(name string, data []byte) (*workbook, error) {
	fail := func(err error) (*workbook, error) {
		return nil, &problems.Error{Problems: []string{fmt.Sprintf("%s: not a readable Excel workbook: %s", name, strings.ToValidUTF8(err.Error(), "\uFFFD"))}}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fail(err)
	}
	wb := &workbook{name: name, files: map[string]*zip.File{}}
	for _, f := range zr.File {
		wb.files[strings.ToLower(strings.TrimPrefix(f.Name, "/"))] = f
	}
	main := "xl/workbook.xml"
	rels, err := wb.relationships("_rels/.rels", "")
	if err != nil {
		return fail(err)
	}
	for _, r := range rels {
		if strings.HasSuffix(r.typ, "/officeDocument") {
			main = r.target
		}
	}
	if err := wb.readWorkbook(main); err != nil {
		return fail(err)
	}
	return wb, nil
}

// part reads one file of the package, within what the whole workbook may
// unpack to.
func (wb *workbook) part(name string) ([]byte, error) {
	f, ok := wb.files[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("%s is missing", name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, unzipLimit-wb.unzipped+1))
	wb.unzipped += int64(len(b))
	if err == nil && wb.unzipped > unzipLimit {
		err = fmt.Errorf("it unpacks to more than %d MB", unzipLimit>>20)
	}
	return b, err
}

type relationship struct{ id, typ, target string }

// relationships reads a .rels part; targets are made absolute against
// dir (the folder of the part they belong to).
func (wb *workbook) relationships(name, dir string) ([]relationship, error) {
	if _, ok := wb.files[strings.ToLower(name)]; !ok {
		return nil, nil
	}
	b, err := wb.part(name)
	if err != nil {
		return nil, err
	}
	var out []relationship
	err = eachElement(b, func(d *xml.Decoder, se xml.StartElement) error {
		if se.Name.Local == "Relationship" {
			t := attr(se, "Target")
			if strings.HasPrefix(t, "/") {
				t = strings.TrimPrefix(t, "/")
			} else {
				t = path.Join(dir, t)
			}
			out = append(out, relationship{attr(se, "Id"), attr(se, "Type"), t})
		}
		return nil
	})
	return out, err
}

// readWorkbook reads the sheet list, the date system and the shared
// strings.
func (wb *workbook) readWorkbook(main string) error {
	dir := path.Dir(main)
	rels, err := wb.relationships(path.Join(dir, "_rels", path.Base(main)+".rels"), dir)
	if err != nil {
		return err
	}
	targets := map[string]string{}
	sharedStrings := path.Join(dir, "sharedStrings.xml")
	for _, r := range rels {
		targets[r.id] = r.target
		if strings.HasSuffix(r.typ, "/sharedStrings") {
			sharedStrings = r.target
		}
	}
	b, err := wb.part(main)
	if err != nil {
		return err
	}
	err = eachElement(b, func(d *xml.Decoder, se xml.StartElement) error {
		switch se.Name.Local {
		case "workbookPr":
			v := attr(se, "date1904")
			wb.date1904 = v == "1" || v == "true"
		case "sheet":
			part := targets[attrNS(se, "id")]
			if part == "" {
				part = path.Join(dir, "worksheets", "sheet"+strconv.Itoa(len(wb.sheets)+1)+".xml")
			}
			wb.sheets = append(wb.sheets, sheetRef{attr(se, "name"), part})
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, ok := wb.files[strings.ToLower(sharedStrings)]; !ok {
		return nil
	}
	b, err = wb.part(sharedStrings)
	if err != nil {
		return err
	}
	return eachElement(b, func(d *xml.Decoder, se xml.StartElement) error {
		if se.Name.Local != "si" {
			return nil
		}
		s, err := elementText(d, se.Name.Local)
		wb.strings = append(wb.strings, s)
		return err
	})
}

// sheet finds the sheet with one of the names (any case); "" when there is
// none. Two of them is a problem: which one would count?
func (wb *workbook) sheet(names []string) (string, error) {
	var found []string
	for _, s := range wb.sheets {
		for _, n := range names {
			if strings.EqualFold(strings.TrimSpace(s.name), n) {
				found = append(found, s.name)
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
func (wb *workbook) sheetNames() string {
	var names []string
	for _, s := range wb.sheets {
		names = append(names, s.name)
	}
	return strings.Join(names, ", ")
}

// rows reads a sheet's cells as stored, by row: a formula as its cached
// value, a date as its serial number (which the date columns turn into a
// date), never through a number format that could write 01-02 for 2
// January or 1 February. rows[i] is row i+1; cells beyond the last value
// are left out.
func (wb *workbook) rows(sheet string) ([][]string, error) {
	var part string
	for _, s := range wb.sheets {
		if s.name == sheet {
			part = s.part
		}
	}
	b, err := wb.part(part)
	if err != nil {
		return nil, err
	}
	var out [][]string
	rowNum := 0
	var cur []string
	flush := func() {
		for len(out) < rowNum-1 {
			out = append(out, nil)
		}
		out = append(out, cur)
		cur = nil
	}
	inRow := false
	col := 0
	err = eachElement(b, func(d *xml.Decoder, se xml.StartElement) error {
		switch se.Name.Local {
		case "row":
			if inRow {
				flush()
			}
			n, err := strconv.Atoi(attr(se, "r"))
			if err != nil || n <= rowNum || n > 1<<20 {
				n = rowNum + 1
			}
			rowNum, inRow, col = n, true, 0
		case "c":
			if !inRow {
				return errors.New("a cell outside a row")
			}
			if c := columnOf(attr(se, "r")); c > col {
				col = c
			} else {
				col++
			}
			v, err := wb.cellValue(d, se)
			if err != nil {
				return err
			}
			if v != "" {
				for len(cur) < col-1 {
					cur = append(cur, "")
				}
				cur = append(cur, v)
			}
		}
		return nil
	})
	if inRow {
		flush()
	}
	return out, err
}

// cellValue reads a <c> element's value: a shared string by its index,
// an inline string, or the stored value of anything else.
func (wb *workbook) cellValue(d *xml.Decoder, c xml.StartElement) (string, error) {
	typ := attr(c, "t")
	var v, inline string
	for {
		tok, err := d.RawToken()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v":
				if v, err = elementText(d, "v"); err != nil {
					return "", err
				}
			case "is":
				if inline, err = elementText(d, "is"); err != nil {
					return "", err
				}
			default:
				if err := skip(d); err != nil {
					return "", err
				}
			}
		case xml.EndElement:
			switch typ {
			case "s":
				i, err := strconv.Atoi(strings.TrimSpace(v))
				if err != nil || i < 0 || i >= len(wb.strings) {
					return "", nil
				}
				return wb.strings[i], nil
			case "inlineStr":
				return inline, nil
			}
			return v, nil
		}
	}
}

// eachElement calls fn for every start element of an XML document; fn may
// read on from d.
func eachElement(b []byte, fn func(d *xml.Decoder, se xml.StartElement) error) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if se, ok := tok.(xml.StartElement); ok {
			if err := fn(d, se); err != nil {
				return err
			}
		}
	}
}

// elementText is the text of the <t> elements inside the element just
// opened (all of its text for <v>), up to its end; phonetic runs (<rPh>)
// are not part of the text.
func elementText(d *xml.Decoder, local string) (string, error) {
	var b strings.Builder
	depth, inT := 0, local == "v"
	for {
		tok, err := d.RawToken()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "rPh":
				if err := skip(d); err != nil {
					return "", err
				}
				continue
			case "t":
				inT = true
			}
			depth++
		case xml.EndElement:
			if depth == 0 {
				return b.String(), nil
			}
			depth--
			if t.Name.Local == "t" {
				inT = false
			}
		case xml.CharData:
			if inT {
				b.Write(t)
			}
		}
	}
}

// skip reads past the end of the element just opened. (Decoder.Skip
// needs the decoder's own element stack, which RawToken does not keep.)
func skip(d *xml.Decoder) error {
	for depth := 0; ; {
		tok, err := d.RawToken()
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth == 0 {
				return nil
			}
			depth--
		}
	}
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// attrNS is an attribute with a namespace prefix (r:id).
func attrNS(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local && a.Name.Space != "" {
			return a.Value
		}
	}
	return ""
}

// columnOf is the column number of a cell reference ("C14" → 3), 0 when
// there is none.
func columnOf(ref string) int {
	n := 0
	for i := 0; i < len(ref) && i < 3; i++ {
		c := ref[i]
		if c < 'A' || c > 'Z' {
			break
		}
		n = n*26 + int(c-'A'+1)
	}
	return n
}

// readSheet reads one sheet as a register table.
func (wb *workbook) readSheet(sheet string, columns, required []string, p *problems.List) (*table, error) {
	t := &table{p: p, sheet: sheet, serials: true, date1904: wb.date1904}
	rows, err := wb.rows(sheet)
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

// joinColumns lists the columns a file is asked for: the informative
// name an export adds is accepted but not asked for.
func joinColumns(columns []string) string {
	var asked []string
	for _, c := range columns {
		if c != ColumnOrganizationName {
			asked = append(asked, c)
		}
	}
	return strings.Join(asked, ",")
}
