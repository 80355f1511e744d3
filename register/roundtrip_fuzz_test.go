package register

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"os2pulse/civil"
	"os2pulse/problems"
	"os2pulse/storage"
)

// FuzzFormRoundTrip: whatever is typed into the adoption form is refused
// with problems about the form's fields, or gives a register whose
// exports read back the same: CSV byte for byte (export, import, export
// again), the workbook value for value. The seeds are the probe's hostile
// strings.
func FuzzFormRoundTrip(f *testing.F) {
	for _, s := range [][5]string{
		{"Vejle", "i drift", "01-11-2026", "", "\t=HYPERLINK(\"http://evil.example\")"},
		{"Vejle", "pilot", "2026-11-01", "", "\r=1+1"},
		{"630", "production", "2026-11-01", "2027-01-01", "a\x00b"},
		{"Vejle\xff", "pilot", "2026-11-01", "", "\xff\xfe"},
		{"Vejle", "pilot", "2026-11-01", "", strings.Repeat("ø", 1001)},
		{"Vejle", "pilot", "2026-11-01", "", "two\nlines, \"quoted\"; =still text"},
		{"Vejle", "pilot", "2026-11-01", "", "'=already guarded"},
		{"Vejle", "pilot", "2026-11-01", "", "+45 12 34 56 78"},
		{"Vejle", "pilot", "2026-11-01", "", "@SUM(A1) \u202eevil"},
		{"Vejle", "pilot", "2026-11-01", "", "\uFEFFbom \u00a0 nbsp"},
		{" Vejle ", " pilot ", " 2026-11-01 ", "", "  -1  "},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4])
	}
	cfg := registerTestConfig(f, f.TempDir(), "")
	ms, err := storage.Municipalities()
	if err != nil {
		f.Fatal(err)
	}
	cur := Contents{
		Adoptions: []storage.AdoptionRecord{{OrganizationID: "101", ProductID: "os2forms", Status: "production", Since: civil.MustParse("2020-01-01"), Note: "=1+1"}},
		Memberships: []storage.Membership{{OrganizationID: "101", Since: civil.MustParse("2015-01-01")},
			{OrganizationID: "kl", Since: civil.MustParse("2016-01-01")}},
		Organizations: append(ms, storage.Organization{ID: "kl", Name: "KL", Kind: storage.KindOther}),
	}
	f.Fuzz(func(t *testing.T, org, status, since, until, note string) {
		reg, err := AddAdoption(cfg, cur, map[string]string{"organization": org, "product": "os2forms", "status": status, "since": since, "until": until, "note": note})
		if err != nil {
			ps := problems.Of(err)
			if ps == nil {
				t.Fatalf("error %v is not a list of problems", err)
			}
			for _, p := range ps {
				if !strings.HasPrefix(p, "form:") || !utf8.ValidString(p) {
					t.Fatalf("problem %q", p)
				}
			}
			return
		}
		c := Contents{Adoptions: reg.Adoptions, Memberships: cur.Memberships, Organizations: cur.Organizations}
		csvFiles := func(c Contents) ([]File, []byte) {
			var a, m bytes.Buffer
			if err := WriteCSV(&a, c, TableAdoption, ','); err != nil {
				t.Fatal(err)
			}
			if err := WriteCSV(&m, c, TableMembers, ','); err != nil {
				t.Fatal(err)
			}
			return []File{{Name: "adoption.csv", Data: a.Bytes()}, {Name: "members.csv", Data: m.Bytes()}}, append(a.Bytes(), m.Bytes()...)
		}
		files, first := csvFiles(c)
		p, err := Parse(cfg, nil, files...)
		if err != nil {
			t.Fatalf("the CSV export of %q does not read back: %v", note, err)
		}
		if !reflect.DeepEqual(p.Adoptions, c.Adoptions) {
			t.Fatalf("CSV round trip\n%q\nwant\n%q", p.Adoptions, c.Adoptions)
		}
		if _, again := csvFiles(Contents{Adoptions: p.Adoptions, Memberships: p.Members, Organizations: append(ms, p.Organizations...)}); !bytes.Equal(again, first) {
			t.Fatalf("CSV export after a round trip\n%q\nwant\n%q", again, first)
		}
		var wb bytes.Buffer
		if err := WriteXLSX(&wb, c); err != nil {
			t.Fatal(err)
		}
		p, err = Parse(cfg, nil, File{Name: "register.xlsx", Data: wb.Bytes()})
		if err != nil {
			t.Fatalf("the workbook export of %q does not read back: %v", note, err)
		}
		if !reflect.DeepEqual(p.Adoptions, c.Adoptions) {
			t.Fatalf("workbook round trip\n%q\nwant\n%q", p.Adoptions, c.Adoptions)
		}
	})
}
