package register

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"strings"
	"testing"

	"os2pulse/civil"
	"os2pulse/problems"
	"os2pulse/soak"
)

// validRow is the i-th of a register's non-overlapping adoption rows: one
// of 98 municipalities by code, one of three products, a two-day period.
func validRow(codes []string) func(i int) []string {
	products := []string{"os2forms", "os2faktor", "os2borgerpc"}
	start := civil.MustParse("2000-01-01")
	return func(i int) []string {
		if i == 0 {
			return AdoptionColumns
		}
		i--
		pair := i % (len(codes) * len(products))
		since := start.AddDays(2 * (i / (len(codes) * len(products))))
		return []string{codes[pair%len(codes)], products[pair/len(codes)], "production", since.String(), since.AddDays(1).String(), "note " + fmt.Sprint(i)}
	}
}

func municipalityCodes(t testing.TB) []string {
	t.Helper()
	ms, err := municipalities()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for c := range ms.codes {
		out = append(out, c)
	}
	return out
}

func workbookOf(t testing.TB, sheet soak.Sheet) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := soak.WriteWorkbook(&buf, sheet); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestWorkbookLimits: the hostile workbooks of the upload's probe are
// refused at the first excess, saying which limit and where; the same
// workbooks within the limits are read. (Their memory and time at full
// size: TestReliabilityHostileWorkbooks in the main package.)
func TestWorkbookLimits(t *testing.T) {
	cfg := registerTestConfig(t, t.TempDir(), "")
	valid := validRow(municipalityCodes(t))
	longNote := func(i int) []string {
		r := valid(i)
		if i == 1 {
			r[5] = strings.Repeat("x", maxToken+1)
		}
		return r
	}
	sharedStrings := func(n int) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, body := range map[string]string{
			"xl/workbook.xml":            `<workbook xmlns:r="r"><sheets><sheet name="adoption" r:id="rId1"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
			"xl/worksheets/sheet1.xml":   `<worksheet><sheetData/></worksheet>`,
			"xl/sharedStrings.xml":       "<sst>" + strings.Repeat("<si><t>a</t></si>", n) + "</sst>",
		} {
			w, _ := zw.Create(name)
			w.Write([]byte(body))
		}
		zw.Close()
		return buf.Bytes()
	}
	manyParts := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for i := range maxParts + 1 {
			zw.Create(fmt.Sprintf("p%d.xml", i))
		}
		w, _ := zw.Create("xl/workbook.xml")
		w.Write([]byte("<workbook/>"))
		zw.Close()
		return buf.Bytes()
	}
	// A sheet whose header declares 1 KB but that unpacks to 50 MB: the
	// declared size is believed before reading, and archive/zip stops the
	// part where it goes beyond it.
	lyingSize := func() []byte {
		var packed bytes.Buffer
		fw, _ := flate.NewWriter(&packed, flate.BestCompression)
		io.WriteString(fw, `<worksheet><sheetData>`)
		soak.Bomb(50)(fw)
		fw.Close()
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, body := range map[string]string{
			"xl/workbook.xml":            `<workbook xmlns:r="r"><sheets><sheet name="adoption" r:id="rId1"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		} {
			w, _ := zw.Create(name)
			w.Write([]byte(body))
		}
		w, _ := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CompressedSize64: uint64(packed.Len()), UncompressedSize64: 1000})
		w.Write(packed.Bytes())
		zw.Close()
		return buf.Bytes()
	}
	tests := []struct {
		name    string
		data    []byte
		want    string // the one problem; "" = read, with rows records
		records int
	}{
		{"column ZZZ", workbookOf(t, soak.FarColumn(3000)), "w.xlsx: refused: adoption!ZZZ1: a value beyond column Z; a register has at most 26 columns", 0},
		{"26 columns", workbookOf(t, soak.Rows(2, func(i int) []string { return append(valid(i), make([]string, 20)...) })), "", 1},
		{"27 cells without references", workbookOf(t, func(w io.Writer) error {
			_, err := io.WriteString(w, "<row>"+strings.Repeat("<c><v>1</v></c>", 27)+"</row>")
			return err
		}), "w.xlsx: refused: adoption: row 1 has a value beyond column Z; a register has at most 26 columns", 0},
		{"rows up to the limit", workbookOf(t, func(w io.Writer) error {
			if err := soak.Rows(2, valid)(w); err != nil {
				return err
			}
			_, err := fmt.Fprintf(w, `<row r="%d"/>`, maxRows)
			return err
		}), "", 1},
		{"a row beyond the limit", workbookOf(t, func(w io.Writer) error {
			_, err := fmt.Fprintf(w, `<row r="1"><c r="A1"><v>1</v></c></row><row r="%d"/>`, maxRows+1)
			return err
		}), fmt.Sprintf("w.xlsx: refused: adoption: row %d; a sheet may have at most %d rows", maxRows+1, maxRows), 0},
		{"decompression bomb", workbookOf(t, soak.Bomb(unzipLimit>>20+1)), "w.xlsx: refused: it unpacks to more than 40 MB", 0},
		{"one cell of 1 MB", workbookOf(t, soak.Rows(2, longNote)), "w.xlsx: refused: a cell or tag longer than 1 MB", 0},
		{"shared strings", sharedStrings(maxSharedStrings + 1), "w.xlsx: refused: more than 400000 shared strings", 0},
		{"shared strings up to the limit", sharedStrings(maxSharedStrings), "w.xlsx:adoption!A1: empty sheet: expected the header organization,product,status,since,until,note", 0},
		{"files inside", manyParts(), "w.xlsx: refused: more than 1000 files inside", 0},
		{"a size that lies", lyingSize(), "w.xlsx: sheet adoption cannot be read: zip: not a valid zip file", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse(cfg, nil, File{Name: "w.xlsx", Data: tt.data})
			if tt.want == "" {
				if err != nil || len(p.Adoptions) != tt.records {
					t.Fatalf("%d records, %v; want %d", len(p.Adoptions), err, tt.records)
				}
				return
			}
			if got := problems.Of(err); len(got) != 1 || got[0] != tt.want {
				t.Errorf("problems %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestCSVRecordLimits: a CSV record with too many fields or bytes is
// refused, at the line where it begins, before encoding/csv holds it;
// separators and line ends inside quotes are a field's, as encoding/csv
// reads them, so a long quoted note with semicolons is read.
func TestCSVRecordLimits(t *testing.T) {
	header := strings.Join(AdoptionColumns, ";") + "\n"
	row := "101;os2forms;production;2020-01-01;;"
	cases := []struct {
		name     string
		data     string
		rows     int
		refusal  string // the problem, "" when read
		wantLine string
	}{
		{"valid", header + row + "a note\n" + row + "another\n", 2, "", ""},
		{"a note with quoted separators and lines", header + row + `"` + strings.Repeat("a;b\n", 200) + `"` + "\n" + row + "x\n", 2, "", ""},
		{"one line of separators", header + row + "n\n" + strings.Repeat(";", 10_000) + "\n", 0, "more than 100 fields", "3"},
		{"fields across quoted line ends", header + strings.Repeat(`a;"`+"\n"+`";`, 60) + "\n", 0, "more than 100 fields", "2"},
		{"a record of 10 MB", header + row + strings.Repeat("x", 10<<20) + "\n", 0, "a record longer than 64 kB", "2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := problems.NewList("register.csv", 0)
			tb := readCSV([]byte(c.data), adoptionRead, adoptionRequired, p)
			all := strings.Join(p.All(), "\n")
			if c.refusal == "" {
				if p.Len() > 0 || len(tb.rows) != c.rows {
					t.Fatalf("%d rows, problems %q; want %d rows and none", len(tb.rows), all, c.rows)
				}
				return
			}
			if len(tb.rows) != 0 || !strings.Contains(all, "register.csv:"+c.wantLine+": refused: "+c.refusal) {
				t.Fatalf("%d rows, problems %q; want none and %q at line %s", len(tb.rows), all, c.refusal, c.wantLine)
			}
		})
	}
}
