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

// A workbook is hostile input like any upload: a few kilobytes of ZIP can
// unpack to gigabytes, or put one value in column XFD of a million rows.
// So every part is read as a stream and what it holds is counted while it
// is read, refused at the first excess with where it happened. A real
// register has six columns and a few hundred rows; a 100,000-row one
// unpacks to 22 MB as Excel writes it, 36 MB with every text inline.
const (
	unzipLimit       = 40 << 20 // bytes unpacked from the whole workbook
	maxColumns       = 26       // A to Z
	maxRows          = 150_000  // the highest row number of a sheet
	maxSharedStrings = 400_000
	maxSharedBytes   = 24 << 20
	// maxToken bounds the bytes between two '<': the XML decoder keeps a
	// whole text or tag in memory, so one 60 MB cell would cost 60 MB.
	maxToken = 1 << 20
	maxParts = 1000 // files in the ZIP; Excel writes about a dozen
)

// limitError is a workbook refused for going beyond one of the limits.
type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }

func tooMuch(format string, args ...any) error {
	return &limitError{fmt.Sprintf(format, args...)}
}

// workbook is an opened .xlsx file.
type workbook struct {
	name        string
	files       map[string]*zip.File
	sheets      []sheetRef // in workbook order
	strings     []string   // the shared strings
	date1904    bool
	unzipped    int64
	sharedBytes int
	// interned keeps one copy of short values that repeat from row to
	// row (codes, products, statuses, dates), so that 100,000 rows do
	// not hold 100,000 copies of each.
	interned map[string]string
}

func (wb *workbook) intern(v string) string {
	if s, ok := wb.interned[v]; ok {
		return s
	}
	if len(v) <= 32 && len(wb.interned) < 20_000 {
		if wb.interned == nil {
			wb.interned = map[string]string{}
		}
		wb.interned[v] = v
	}
	return v
}

type sheetRef struct{ name, part string }

func openWorkbook(name string, data []byte) (*workbook, error) {
	fail := func(err error) (*workbook, error) {
		return nil, workbookError(name, "", err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fail(err)
	}
	if len(zr.File) > maxParts {
		return fail(tooMuch("more than %d files inside", maxParts))
	}
	wb := &workbook{name: name, files: map[string]*zip.File{}}
	var declared uint64
	for _, f := range zr.File {
		n := strings.ToLower(strings.TrimPrefix(f.Name, "/"))
		wb.files[n] = f
		if strings.HasSuffix(n, ".xml") || strings.HasSuffix(n, ".rels") {
			declared += f.UncompressedSize64
		}
	}
	// The sizes a ZIP declares hold: archive/zip fails a part that
	// unpacks to more. So a bomb is refused before anything is unpacked;
	// the meter counts again while reading.
	if declared > unzipLimit {
		return fail(tooMuch("it unpacks to more than %d MB", unzipLimit>>20))
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

// workbookError is the problem a workbook that cannot be read gives: a
// limit says which one, anything else that the file is damaged.
func workbookError(name, sheet string, err error) error {
	msg := strings.ToValidUTF8(err.Error(), "\uFFFD")
	var le *limitError
	switch {
	case errors.As(err, &le):
		msg = name + ": refused: " + msg
	case sheet != "":
		msg = fmt.Sprintf("%s: sheet %s cannot be read: %s", name, sheet, msg)
	default:
		msg = name + ": not a readable Excel workbook: " + msg
	}
	return &problems.Error{Problems: []string{msg}}
}

// meter counts what a part unpacks to against the workbook's limit, and
// the bytes since the last '<' against maxToken, as the decoder reads.
type meter struct {
	r   io.Reader
	wb  *workbook
	run int
}

func (m *meter) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	m.wb.unzipped += int64(n)
	if m.wb.unzipped > unzipLimit {
		return 0, tooMuch("it unpacks to more than %d MB", unzipLimit>>20)
	}
	b := p[:n]
	if i := bytes.IndexByte(b, '<'); i >= 0 {
		if m.run+i > maxToken {
			return 0, tooMuch("a cell or tag longer than %d MB", maxToken>>20)
		}
		m.run = n - 1 - bytes.LastIndexByte(b, '<')
	} else {
		m.run += n
	}
	// Between two '<' in one read there are fewer bytes than the read
	// (at most the decoder's buffer), far below maxToken.
	if m.run > maxToken {
		return 0, tooMuch("a cell or tag longer than %d MB", maxToken>>20)
	}
	return n, err
}

// eachElement streams one part of the package and calls fn for every
// start element; fn may read on from d.
func (wb *workbook) eachElement(name string, fn func(d *xml.Decoder, se xml.StartElement) error) error {
	f, ok := wb.files[strings.ToLower(name)]
	if !ok {
		return fmt.Errorf("%s is missing", name)
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(&meter{r: rc, wb: wb})
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var le *limitError
			if errors.As(err, &le) {
				return le
			}
			return err
		}
		if se, ok := tok.(xml.StartElement); ok {
			if err := fn(d, se); err != nil {
				return err
			}
		}
	}
}

type relationship struct{ id, typ, target string }

// relationships reads a .rels part; targets are made absolute against
// dir (the folder of the part they belong to).
func (wb *workbook) relationships(name, dir string) ([]relationship, error) {
	if _, ok := wb.files[strings.ToLower(name)]; !ok {
		return nil, nil
	}
	var out []relationship
	err := wb.eachElement(name, func(d *xml.Decoder, se xml.StartElement) error {
		if se.Name.Local == "Relationship" {
			if len(out) >= maxParts {
				return tooMuch("more than %d relationships in %s", maxParts, name)
			}
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
	err = wb.eachElement(main, func(d *xml.Decoder, se xml.StartElement) error {
		switch se.Name.Local {
		case "workbookPr":
			v := attr(se, "date1904")
			wb.date1904 = v == "1" || v == "true"
		case "sheet":
			if len(wb.sheets) >= maxParts {
				return tooMuch("more than %d sheets", maxParts)
			}
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
	return wb.eachElement(sharedStrings, func(d *xml.Decoder, se xml.StartElement) error {
		if se.Name.Local != "si" {
			return nil
		}
		if len(wb.strings) >= maxSharedStrings {
			return tooMuch("more than %d shared strings", maxSharedStrings)
		}
		s, err := elementText(d, se.Name.Local)
		wb.sharedBytes += len(s)
		if wb.sharedBytes > maxSharedBytes {
			return tooMuch("shared strings of more than %d MB", maxSharedBytes>>20)
		}
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

// rows streams a sheet's cells as stored, row by row, to fn with the row
// number (from 1) and its cells (fn must not keep the slice): a formula
// as its cached value, a date as its serial number (which the date
// columns turn into a date), never through a number format that could
// write 01-02 for 2 January or 1 February. Cells beyond the last value
// are left out, and rows without a value may be skipped. A cell beyond
// column Z or a row beyond maxRows stops the reading.
func (wb *workbook) rows(sheet string, fn func(line int, cells []string) error) error {
	var part string
	for _, s := range wb.sheets {
		if s.name == sheet {
			part = s.part
		}
	}
	rowNum := 0
	var cur []string
	inRow := false
	col := 0
	flush := func() error {
		inRow = false
		return fn(rowNum, cur)
	}
	err := wb.eachElement(part, func(d *xml.Decoder, se xml.StartElement) error {
		switch se.Name.Local {
		case "row":
			if inRow {
				if err := flush(); err != nil {
					return err
				}
			}
			n, err := strconv.Atoi(attr(se, "r"))
			if err != nil || n <= rowNum {
				n = rowNum + 1
			}
			if n > maxRows {
				return tooMuch("%s: row %d; a sheet may have at most %d rows", sheet, n, maxRows)
			}
			rowNum, inRow, col, cur = n, true, 0, cur[:0]
		case "c":
			if !inRow {
				return errors.New("a cell outside a row")
			}
			ref := attr(se, "r")
			c, ok := columnOf(ref)
			switch {
			case !ok:
				return tooMuch("%s!%s: a value beyond column Z; a register has at most %d columns", sheet, problems.Clip(ref), maxColumns)
			case c > col:
				col = c
			default:
				col++
			}
			if col > maxColumns {
				return tooMuch("%s: row %d has a value beyond column Z; a register has at most %d columns", sheet, rowNum, maxColumns)
			}
			v, err := wb.cellValue(d, se)
			if err != nil {
				return err
			}
			v = wb.intern(v)
			if v != "" {
				for len(cur) < col-1 {
					cur = append(cur, "")
				}
				cur = append(cur, v)
			}
		}
		return nil
	})
	if err == nil && inRow {
		err = flush()
	}
	return err
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
				if b.Len()+len(t) > maxToken {
					return "", tooMuch("a cell's text longer than %d MB", maxToken>>20)
				}
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
// there is none; ok is false for a column beyond Z.
func columnOf(ref string) (n int, ok bool) {
	letters := 0
	for letters < len(ref) && ref[letters] >= 'A' && ref[letters] <= 'Z' {
		letters++
	}
	switch letters {
	case 0:
		return 0, true
	case 1:
		return int(ref[0]-'A') + 1, true
	}
	return 0, false
}

// readSheet reads one sheet as a register table, row by row as the
// sheet streams in.
func (wb *workbook) readSheet(sheet string, columns, required []string, p *problems.List) (*table, error) {
	t := &table{p: p, columns: columns, sheet: sheet, serials: true, date1904: wb.date1904}
	var header []string
	var index map[string]int
	err := wb.rows(sheet, func(line int, rec []string) error {
		switch {
		case emptyRecord(rec):
		case header == nil:
			header = append([]string{}, rec...)
			index = readHeader(header, columns, required, p, func(i int) string { return cellName(sheet, i+1, line) })
			t.cols = index
		case index == nil:
			// The header makes the sheet unreadable; it was reported.
		case len(rec) > len(header) && !emptyRecord(rec[len(header):]):
			p.AddAt(cellName(sheet, len(header)+1, line), "a value beyond the last column of the header")
		default:
			t.addRow(line, rec)
		}
		return nil
	})
	if err != nil {
		return nil, workbookError(wb.name, sheet, err)
	}
	if header == nil {
		p.AddAt(cellName(sheet, 1, 1), "empty sheet: expected the header %s", joinColumns(columns))
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
