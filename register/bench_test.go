package register

import (
	"bytes"
	"fmt"
	"testing"

	"os2pulse/civil"
	"os2pulse/storage"
)

// benchRows are n adoption rows naming municipalities by name, in periods
// that never overlap, with Danish dates: the work a large register asks
// for.
func benchRows(b *testing.B, n int) [][]string {
	b.Helper()
	ms, err := storage.Municipalities()
	if err != nil {
		b.Fatal(err)
	}
	products := []string{"os2forms", "os2faktor", "os2borgerpc"}
	rows := [][]string{AdoptionColumns}
	start := civil.MustParse("2000-01-01")
	for i := range n {
		pair := i % (len(ms) * len(products))
		k := i / (len(ms) * len(products))
		since := start.AddDays(2 * k)
		y, m, d := since.Parts()
		rows = append(rows, []string{ms[pair%len(ms)].Name + " Kommune", products[pair/len(ms)], "i drift",
			fmt.Sprintf("%02d-%02d-%04d", d, m, y), since.AddDays(1).String(), "note"})
	}
	return rows
}

// BenchmarkValidate100k checks a 100,000-row register, as a CSV file
// and as a workbook: the goal is under 2 s each.
func BenchmarkValidate100k(b *testing.B) {
	cfg := registerTestConfig(b, b.TempDir(), "")
	rows := benchRows(b, 100_000)
	var csvData bytes.Buffer
	for _, r := range rows {
		fmt.Fprintf(&csvData, "%s;%s;%s;%s;%s;%s\n", r[0], r[1], r[2], r[3], r[4], r[5])
	}
	var cells [][]any
	for _, r := range rows {
		cells = append(cells, []any{r[0], r[1], r[2], r[3], r[4], r[5]})
	}
	files := map[string]File{
		"csv":  {Name: "adoption.csv", Data: csvData.Bytes()},
		"xlsx": {Name: "register.xlsx", Data: buildWorkbook(b, sheet{"adoption", cells})},
	}
	for _, kind := range []string{"csv", "xlsx"} {
		b.Run(kind, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p, err := Parse(cfg, nil, files[kind])
				if err != nil || len(p.Adoptions) != 100_000 {
					b.Fatalf("%d records, %v", len(p.Adoptions), err)
				}
			}
		})
	}
}
