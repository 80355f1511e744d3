package register

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"os2pulse/golden"
	"os2pulse/problems"
)

// formula is a formula cell with the value Excel last calculated for it.
type formula struct{ expr, cached string }

// dateCell is a date Excel stores as a serial number with a date format.
type dateCell time.Time

// sheet is one sheet of a test workbook; a cell is a string (text), an
// int or float64 (number), a dateCell or a formula; nil is empty.
type sheet struct {
	name string
	rows [][]any
}

// buildWorkbook writes a workbook the way Excel would store these cells.
func buildWorkbook(t testing.TB, sheets ...sheet) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14}) // m/d/yyyy, what a US Excel shows
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range s.rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				switch v := v.(type) {
				case nil:
				case string:
					err = f.SetCellStr(s.name, cell, v)
				case int, float64:
					err = f.SetCellValue(s.name, cell, v)
				case dateCell:
					if err = f.SetCellValue(s.name, cell, time.Time(v)); err == nil {
						err = f.SetCellStyle(s.name, cell, cell, dateStyle)
					}
				case formula:
					if err = f.SetCellFormula(s.name, cell, v.expr); err == nil {
						err = f.SetCellStr(s.name, cell, v.cached)
					}
				default:
					t.Fatalf("cell %s: unknown type %T", cell, v)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func day(s string) dateCell {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return dateCell(t)
}

// describe writes a parse result for a golden file.
func describe(p Parsed, err error) string {
	var b strings.Builder
	if ps := problems.Of(err); ps != nil {
		b.WriteString("problems:\n")
		for _, s := range ps {
			fmt.Fprintf(&b, "  %s\n", s)
		}
		return b.String()
	} else if err != nil {
		return "error: " + err.Error() + "\n"
	}
	fmt.Fprintf(&b, "source: %s\n", p.Source)
	for _, n := range p.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	if p.Adoptions != nil {
		b.WriteString("adoption:\n")
		for _, r := range p.Adoptions {
			fmt.Fprintf(&b, "  %s %s %s %s–%s %q\n", r.OrganizationID, r.ProductID, r.Status, r.Since, r.Until, r.Note)
		}
	}
	if p.Members != nil {
		b.WriteString("members:\n")
		for _, m := range p.Members {
			fmt.Fprintf(&b, "  %s %s–%s\n", m.OrganizationID, m.Since, m.Until)
		}
		b.WriteString("organisations:\n")
		for _, o := range p.Organizations {
			fmt.Fprintf(&b, "  %s %q %s\n", o.ID, o.Name, o.Kind)
		}
	}
	return b.String()
}

// TestParseWorkbook: Danish sheet names, columns in another order and
// case, names instead of codes, every kind of date cell and text date, a
// formula read as its cached value, and a guarded cell of an export.
func TestParseWorkbook(t *testing.T) {
	cfg := registerTestConfig(t, t.TempDir(), "")
	wb := buildWorkbook(t,
		sheet{"Noter", [][]any{{"Not a register sheet"}}},
		sheet{"Ibrugtagning", [][]any{
			{"Product", "Organization", "Status", "Since", "Until", "Note"},
			{"OS2forms", "Aarhus Kommune", "I drift", day("2020-01-01"), nil, "date cell"},
			{"os2faktor", "Københavns Kommune", "pilot", "01-02-2021", "01.06.2021", "Danish text dates"},
			{"os2borgerpc", 147, "planlagt", 45292, nil, "serial number, kommunekode as a number"},
			{"os2forms", formula{`"Lyngby-"&"Taarbæk"`, "Lyngby-Taarbæk"}, "production", "2022-03-04", nil, "'=HYPERLINK(\"x\")"},
			{nil, nil, nil, nil, nil, nil},
			{"os2forms", "KL", "production", day("2023-01-01"), day("2024-06-30"), "member named by name"},
			{"os2faktor", "region-midtjylland", "stopped", "1.4.2019", nil, "one-digit day and month"},
		}},
		sheet{"medlemmer", [][]any{
			{"organization", "name", "kind", "member_since", "member_until"},
			{"Århus", nil, "municipality", day("2015-01-01"), nil},
			{101, "København", "municipality", "2015-01-01", nil},
			{"kl", "KL", "other", nil, nil},
			{"region-midtjylland", "Region Midtjylland", "region", "01-04-2017", nil},
		}},
	)
	p, err := Parse(cfg, nil, File{Name: "register.xlsx", Data: wb})
	golden.Check(t, "testdata/workbook.golden", []byte(describe(p, err)))
}

// TestParseWorkbookProblems: every problem names its sheet and cell.
func TestParseWorkbookProblems(t *testing.T) {
	cfg := registerTestConfig(t, t.TempDir(), "")
	rows := [][]any{{"organization", "product", "status", "since", "until", "note"}}
	for _, code := range []int{101, 147, 151, 153, 155, 157, 159, 161, 163, 165, 167, 169} {
		rows = append(rows, []any{code, "os2forms", "production", "2020-01-01", nil, nil})
	}
	rows = append(rows,
		[]any{"Frederiks", "os2forms", "drift", "02/03/2020", nil, nil},            // row 14
		[]any{"Aarhus", "os2forms", "production", "2019-01-01", "2018-01-01", nil}, // row 15
		[]any{101, "os2forms", "pilot", "2021-01-01", nil, nil},                    // row 16
		[]any{"Randers", "os2foo", "production", 0, nil, nil},                      // row 17
		[]any{"Randers", "os2forms", "production", "2020-01-01", nil, nil, "x"},    // row 18
	)
	wb := buildWorkbook(t, sheet{"adoption", rows})
	p, err := Parse(cfg, nil, File{Name: "register.xlsx", Data: wb})
	golden.Check(t, "testdata/workbook-problems.golden", []byte(describe(p, err)))
}

// TestParseWindows1252: Danish Excel's "CSV (semikolonsepareret)" comes
// through with æøå intact, and the summary says how it was read.
func TestParseWindows1252(t *testing.T) {
	cfg := registerTestConfig(t, t.TempDir(), "")
	text := "organization;product;status;since;until;note\r\n" +
		"Ærø Kommune;os2forms;i drift;01-02-2020;;Bemærk: æøå ÆØÅ é\r\n" +
		"Høje Taastrup;os2faktor;ophørt;2021-01-01;;Køge Bugt\r\n" +
		"Fåborg-Midtfyn;os2borgerpc;pilot;15.03.2022;15.09.2022;\r\n"
	data, err := charmap.Windows1252.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(cfg, nil, File{Name: "ibrugtagning.csv", Data: []byte(data)})
	golden.Check(t, "testdata/windows-1252.golden", []byte(describe(p, err)))
}

// TestFileKinds: what is not a workbook or CSV is refused with what to do.
func TestFileKinds(t *testing.T) {
	cfg := registerTestConfig(t, t.TempDir(), "")
	wb := buildWorkbook(t, sheet{"adoption", [][]any{{"organization", "product", "status", "since"}}})
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"register.xlsm", wb, "register.xlsm: a macro-enabled workbook (.xlsm) is refused: save it as an Excel workbook (.xlsx) without macros"},
		{"register.xlsx", []byte("organization,product\n"), "register.xlsx: named .xlsx but not an Excel workbook (not a ZIP file)"},
		{"old.xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"), "old.xls: an old Excel 97-2003 workbook (.xls) or another Office file: save it as an Excel workbook (.xlsx) or CSV"},
		{"register.pdf", []byte("%PDF-1.7"), `register.pdf: unsupported file type ".pdf": use an Excel workbook (.xlsx) or CSV (.csv)`},
		{"sheet.ods", zipWith(t, "mimetype", "content.xml"), "sheet.ods: not an Excel workbook (an OpenDocument file, .ods): save it as .xlsx or CSV"},
		{"macros.xlsx", zipWith(t, "xl/workbook.xml", "xl/vbaProject.bin"), "macros.xlsx: a macro-enabled workbook (.xlsm) is refused: save it as an Excel workbook (.xlsx) without macros"},
		{"other.xlsx", buildWorkbook(t, sheet{"Ark1", [][]any{{"x"}}}), "other.xlsx: no sheet named adoption (ibrugtagning) or members (medlemmer); its sheets are Ark1"},
		{"two.xlsx", buildWorkbook(t, sheet{"adoption", nil}, sheet{"Ibrugtagning", nil}), "two.xlsx: sheets adoption and Ibrugtagning hold the same table; keep one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(cfg, nil, File{Name: tt.name, Data: tt.data})
			if got := problems.Of(err); len(got) != 1 || got[0] != tt.want {
				t.Errorf("problems %q, want %q", got, tt.want)
			}
		})
	}
}

func zipWith(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zipWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("x"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestWorkbookOnlyMembers: a workbook with only the members sheet changes
// the memberships and leaves the adoption records alone.
func TestWorkbookOnlyMembers(t *testing.T) {
	cfg := registerTestConfig(t, t.TempDir(), "")
	wb := buildWorkbook(t, sheet{"members", [][]any{
		{"organization", "name", "kind", "member_since", "member_until"},
		{"Vejle Kommune", nil, "municipality", "2020-01-01", nil},
	}})
	p, err := Parse(cfg, nil, File{Name: "m.xlsx", Data: wb})
	if err != nil {
		t.Fatal(err)
	}
	if p.Adoptions != nil || len(p.Members) != 1 || p.Members[0].OrganizationID != "630" {
		t.Errorf("adoptions %v (want nil: untouched), members %v", p.Adoptions, p.Members)
	}
	// A members list given twice is a problem, not a guess.
	_, err = Parse(cfg, nil, File{Name: "m.xlsx", Data: wb}, File{Name: "members.csv", Data: []byte(membersHeader)})
	if got := problems.Of(err); len(got) != 1 || !strings.Contains(got[0], "members list is given twice") {
		t.Errorf("problems %q", got)
	}
}

func zipWriter(w *bytes.Buffer) *zip.Writer { return zip.NewWriter(w) }

// TestWorkbookXML: what Excel and other programs write that the
// builder above does not: rich text and phonetic runs in shared strings,
// inline strings, cells and rows without references, namespace prefixes,
// the 1904 date system, and a sheet found through the relationships.
func TestWorkbookXML(t *testing.T) {
	cfg := registerTestConfig(t, t.TempDir(), "")
	parts := map[string]string{
		"_rels/.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<x:workbookPr date1904="1"/><x:sheets><x:sheet name="Ibrugtagning" sheetId="7" r:id="rId9"/></x:sheets></x:workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/data.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/></Relationships>`,
		"xl/strings.xml": `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<si><t>organization</t></si><si><t>product</t></si><si><t>status</t></si><si><t>since</t></si><si><t>note</t></si>
<si><r><rPr><b/></rPr><t>Aar</t></r><r><t xml:space="preserve">hus </t></r><r><t>Kommune</t></r><rPh sb="0" eb="1"><t>IGNORED</t></rPh></si>
<si><t>R&amp;D &lt;test&gt;</t></si></sst>`,
		"xl/worksheets/data.xml": `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
<x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c><x:c t="s"><x:v>2</x:v></x:c><x:c t="s"><x:v>3</x:v></x:c><x:c t="s"><x:v>4</x:v></x:c></x:row>
<x:row r="3"><x:c r="A3" t="s"><x:v>5</x:v></x:c><x:c r="B3" t="inlineStr"><x:is><x:t>os2forms</x:t></x:is></x:c><x:c r="C3" t="str"><x:f>"i drift"</x:f><x:v>i drift</x:v></x:c><x:c r="D3" s="1"><x:v>42369</x:v></x:c><x:c r="E3" t="s"><x:v>6</x:v></x:c></x:row>
<x:row r="4"><x:c r="A4"><x:v>101</x:v></x:c><x:c r="B4" t="inlineStr"><x:is><x:t>os2faktor</x:t></x:is></x:c><x:c r="C4" t="inlineStr"><x:is><x:t>pilot</x:t></x:is></x:c><x:c r="D4" t="d"><x:v>2021-05-01T00:00:00Z</x:v></x:c><x:c r="F4"/></x:row>
</x:sheetData></x:worksheet>`,
	}
	var buf bytes.Buffer
	zw := zipWriter(&buf)
	for name, body := range parts {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	p, err := Parse(cfg, nil, File{Name: "other.xlsx", Data: buf.Bytes()})
	if err != nil {
		t.Fatal(err)
	}
	got := describe(p, nil)
	want := `source: other.xlsx
adoption:
  751 os2forms production 2020-01-01– "R&D <test>"
  101 os2faktor pilot 2021-05-01– ""
`
	if got != want {
		t.Errorf("read\n%s\nwant\n%s", got, want)
	}
}
