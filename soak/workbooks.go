package soak

import (
	"archive/zip"
	"bufio"
	"fmt"
	"html"
	"io"
	"strings"
)

// The hostile workbooks of the register upload's tests: each is a
// workbook with one sheet, adoption, whose XML a Sheet function writes,
// so a test can make one of a few kilobytes or of hundreds of megabytes
// unpacked without holding it in memory.

// Sheet writes the XML of a worksheet.
type Sheet func(w io.Writer) error

// WriteWorkbook writes a workbook whose only sheet, adoption, is sheet.
func WriteWorkbook(w io.Writer, sheet Sheet) error { return WriteSheet(w, "adoption", sheet) }

// WriteSheet writes a workbook whose only sheet is called name.
func WriteSheet(w io.Writer, name string, sheet Sheet) error {
	zw := zip.NewWriter(w)
	for _, p := range []struct{ name, body string }{
		{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`},
		{"_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="` + html.EscapeString(name) + `" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
	} {
		pw, err := zw.Create(p.name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(pw, p.body); err != nil {
			return err
		}
	}
	pw, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(pw, 64<<10)
	bw.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	if err := sheet(bw); err != nil {
		return err
	}
	bw.WriteString(`</sheetData></worksheet>`)
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

// Rows is a sheet of n rows of text cells, row(i) giving row i+1's.
func Rows(n int, row func(i int) []string) Sheet {
	return func(w io.Writer) error {
		for i := range n {
			fmt.Fprintf(w, `<row r="%d">`, i+1)
			for c, v := range row(i) {
				fmt.Fprintf(w, `<c r="%c%d" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+c, i+1, html.EscapeString(v))
			}
			if _, err := io.WriteString(w, `</row>`); err != nil {
				return err
			}
		}
		return nil
	}
}

// FarColumn is a sheet of n rows, each one number in column ZZZ: tiny
// packed, but a reader that keeps a row's cells up to its last keeps
// 18,278 per row.
func FarColumn(n int) Sheet {
	return func(w io.Writer) error {
		for i := 1; i <= n; i++ {
			if _, err := fmt.Fprintf(w, `<row r="%d"><c r="ZZZ%d"><v>1</v></c></row>`, i, i); err != nil {
				return err
			}
		}
		return nil
	}
}

// Bomb is a sheet that unpacks to mb megabytes of empty elements and
// packs to about a thousandth of that: a decompression bomb with no row,
// cell or long text for another limit to catch first.
func Bomb(mb int) Sheet {
	return func(w io.Writer) error {
		chunk := strings.Repeat("<x/>", 1<<18) // 1 MB
		for range mb {
			if _, err := io.WriteString(w, chunk); err != nil {
				return err
			}
		}
		return nil
	}
}

// AlikeRows is a sheet of n rows without cell references, each row(i):
// rows alike pack as tightly as a decompression bomb, yet are real rows.
func AlikeRows(n int, row func(i int) []string) Sheet {
	return func(w io.Writer) error {
		for i := range n {
			io.WriteString(w, `<row>`)
			for _, v := range row(i) {
				fmt.Fprintf(w, `<c t="inlineStr"><is><t>%s</t></is></c>`, html.EscapeString(v))
			}
			if _, err := io.WriteString(w, `</row>`); err != nil {
				return err
			}
		}
		return nil
	}
}
