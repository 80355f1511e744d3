package register

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"os2pulse/civil"
	"os2pulse/storage"
)

// exportContents is a register with what could go wrong in an export:
// ended and open periods, an organisation without membership, and notes
// and names a spreadsheet would run as formulas.
func exportContents(t *testing.T) Contents {
	t.Helper()
	ms, err := storage.Municipalities()
	if err != nil {
		t.Fatal(err)
	}
	d := civil.MustParse
	return Contents{
		Adoptions: []storage.AdoptionRecord{
			{OrganizationID: "101", ProductID: "os2forms", Status: "pilot", Since: d("2019-01-01"), Until: d("2020-01-01"), Note: "=1+1"},
			{OrganizationID: "101", ProductID: "os2forms", Status: "production", Since: d("2020-01-01"), Note: "@SUM(A1)"},
			{OrganizationID: "751", ProductID: "os2faktor", Status: "stopped", Since: d("2021-05-01"), Note: "-2"},
			{OrganizationID: "kl", ProductID: "os2borgerpc", Status: "planned", Since: d("2026-01-01"), Note: "'quoted"},
			{OrganizationID: "region-midtjylland", ProductID: "os2forms", Status: "production", Since: d("2022-02-02"), Note: `+"a, b"; c`},
		},
		Memberships: []storage.Membership{
			{OrganizationID: "101", Since: d("2015-01-01")},
			{OrganizationID: "751", Since: d("2015-01-01"), Until: d("2020-01-01")},
			{OrganizationID: "751", Since: d("2021-01-01")},
			{OrganizationID: "region-midtjylland", Since: d("2017-04-01")},
		},
		Organizations: append(ms,
			storage.Organization{ID: "kl", Name: "=KL", Kind: storage.KindOther},
			storage.Organization{ID: "region-midtjylland", Name: "Region Midtjylland", Kind: storage.KindRegion}),
	}
}

// TestExportImportRoundTrip: an export read back is the same register,
// in both formats, and no cell a spreadsheet would run is written bare.
func TestExportImportRoundTrip(t *testing.T) {
	cfg := registerTestConfig(t, t.TempDir(), "")
	c := exportContents(t)
	var wb, adoption, members, adoptionSemi, membersSemi bytes.Buffer
	if err := WriteXLSX(&wb, c); err != nil {
		t.Fatal(err)
	}
	if err := WriteCSV(&adoption, c, TableAdoption, ','); err != nil {
		t.Fatal(err)
	}
	if err := WriteCSV(&members, c, TableMembers, ','); err != nil {
		t.Fatal(err)
	}
	if err := WriteCSV(&adoptionSemi, c, TableAdoption, ';'); err != nil {
		t.Fatal(err)
	}
	if err := WriteCSV(&membersSemi, c, TableMembers, ';'); err != nil {
		t.Fatal(err)
	}
	wantOrgs := []storage.Organization{
		{ID: "region-midtjylland", Name: "Region Midtjylland", Kind: storage.KindRegion},
		{ID: "kl", Name: "=KL", Kind: storage.KindOther},
	}
	for name, files := range map[string][]File{
		"xlsx":                {{Name: "register.xlsx", Data: wb.Bytes()}},
		"csv":                 {{Name: "adoption.csv", Data: adoption.Bytes()}, {Name: "members.csv", Data: members.Bytes()}},
		"csv with semicolons": {{Name: "adoption.csv", Data: adoptionSemi.Bytes()}, {Name: "members.csv", Data: membersSemi.Bytes()}},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := Parse(cfg, nil, files...)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(p.Adoptions, c.Adoptions) {
				t.Errorf("adoptions\n%v\nwant\n%v", p.Adoptions, c.Adoptions)
			}
			if !reflect.DeepEqual(p.Members, c.Memberships) {
				t.Errorf("memberships\n%v\nwant\n%v", p.Members, c.Memberships)
			}
			if !reflect.DeepEqual(p.Organizations, wantOrgs) {
				t.Errorf("organisations %v, want %v", p.Organizations, wantOrgs)
			}
		})
	}
	for _, text := range []string{adoption.String(), members.String()} {
		for _, line := range strings.Split(text, "\n") {
			for _, cell := range strings.Split(line, ",") {
				if cell != "" && strings.ContainsRune("=+-@", rune(strings.TrimLeft(cell, `"`)[0])) {
					t.Errorf("CSV cell %q begins a formula", cell)
				}
			}
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(wb.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, s := range []string{TableAdoption, TableMembers} {
		rows, _ := f.GetRows(s)
		for _, r := range rows {
			for _, cell := range r {
				if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
					t.Errorf("sheet %s: cell %q begins a formula", s, cell)
				}
			}
		}
	}
}

// TestEdits: a form's change follows the rules of a file and gives the
// whole register with the change.
func TestEdits(t *testing.T) {
	cfg := registerTestConfig(t, t.TempDir(), "")
	c := exportContents(t)
	reg, err := AddAdoption(cfg, c, map[string]string{"organization": "Vejle Kommune", "product": "OS2forms", "status": "i drift", "since": "01-11-2026"})
	if err != nil {
		t.Fatal(err)
	}
	last := reg.Adoptions[len(reg.Adoptions)-1]
	if len(reg.Adoptions) != len(c.Adoptions)+1 || last.OrganizationID != "630" || last.Status != "production" || last.Since.String() != "2026-11-01" ||
		reg.Members != nil || reg.Audit.Action != storage.ActionEdit || reg.Audit.Detail != "adoption: 630,os2forms,production,2026-11-01,," {
		t.Errorf("added: %d records, last %+v, members %v, audit %+v", len(reg.Adoptions), last, reg.Members, reg.Audit)
	}
	reg, err = EndAdoption(cfg, c, map[string]string{"organization": "København", "product": "os2forms", "since": "2020-01-01", "until": "31.12.2026"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(reg.Adoptions); n != len(c.Adoptions) || reg.Adoptions[n-1].Until.String() != "2026-12-31" || reg.Adoptions[n-1].Note != "@SUM(A1)" {
		t.Errorf("ended: %v", reg.Adoptions)
	}
	reg, err = AddMembership(c, map[string]string{"organization": "KL", "member_since": "2018-01-01"})
	if err != nil || len(reg.Members) != len(c.Memberships)+1 || reg.Adoptions != nil {
		t.Errorf("membership added: %v, %v", reg.Members, err)
	}
	reg, err = EndMembership(c, map[string]string{"organization": "Aarhus", "member_since": "2021-01-01", "member_until": "2026-12-31"})
	if err != nil || reg.Members[len(reg.Members)-1].Until.String() != "2026-12-31" {
		t.Errorf("membership ended: %v, %v", reg.Members, err)
	}

	bad := []struct {
		name string
		err  func() error
		want []string
	}{
		{"overlap with a stored record", func() error {
			_, err := AddAdoption(cfg, c, map[string]string{"organization": "101", "product": "os2forms", "status": "pilot", "since": "2021-01-01"})
			return err
		}, []string{"form:organization: os2forms at 101 from 2021-01-01 (no until) overlaps a record in the register (production from 2020-01-01 (no until))"}},
		{"every field", func() error {
			_, err := AddAdoption(cfg, c, map[string]string{"organization": "Frederiks", "product": "os2foo", "status": "drift", "since": "02/03/2020"})
			return err
		}, []string{
			`form:organization: unknown organisation "Frederiks": not a kommunekode (101–860) and not defined in the members file; did you mean Frederiksberg, Frederikshavn or Frederikssund?`,
			`form:product: unknown product "os2foo" (not in the configuration)`,
			`form:status: status "drift" is not production, pilot, planned or stopped (or i drift, pilot, planlagt, ophørt)`,
			`form:since: since "02/03/2020" is ambiguous (day or month first?): write YYYY-MM-DD or DD-MM-YYYY`,
		}},
		{"end before since", func() error {
			_, err := EndAdoption(cfg, c, map[string]string{"organization": "101", "product": "os2forms", "since": "2020-01-01", "until": "2019-01-01"})
			return err
		}, []string{"form:until: until 2019-01-01 is before since 2020-01-01"}},
		{"end a record that does not exist", func() error {
			_, err := EndAdoption(cfg, c, map[string]string{"organization": "101", "product": "os2forms", "since": "2020-01-02", "until": "2021-01-01"})
			return err
		}, []string{"form:since: no current record of os2forms at 101 since 2020-01-02"}},
		{"membership overlap", func() error {
			_, err := AddMembership(c, map[string]string{"organization": "Aarhus", "member_since": "2019-01-01"})
			return err
		}, []string{"form:member_since: membership from 2019-01-01 (no until) overlaps a record in the register (from 2021-01-01 (no until))"}},
		{"membership of an unknown organisation", func() error {
			_, err := AddMembership(c, map[string]string{"organization": "Region Syd", "member_since": "2019-01-01"})
			return err
		}, []string{`form:organization: unknown organisation "Region Syd": not a kommunekode (101–860) and not defined in the members file`}},
		// The probe's notes: what a file may not hold, a form may not
		// either, and every problem comes at once.
		{"hostile notes", func() error {
			_, err := AddAdoption(cfg, c, map[string]string{"organization": "Vejle", "product": "os2forms", "status": "pilot", "since": "2026-11-01",
				"note": "x\t=HYPERLINK(\"http://evil\")", "until": "2027\x00"})
			return err
		}, []string{"form:until: contains a NUL byte", "form:note: note contains a tab"}},
		{"carriage return", func() error {
			_, err := AddAdoption(cfg, c, map[string]string{"organization": "Vejle", "product": "os2forms", "status": "pilot", "since": "2026-11-01", "note": "a\r=1+1"})
			return err
		}, []string{"form:note: note contains the control character U+000D"}},
		{"invalid UTF-8 and a long note", func() error {
			_, err := AddAdoption(cfg, c, map[string]string{"organization": "Vejle\xff", "product": "os2forms", "status": "pilot", "since": "2026-11-01", "note": strings.Repeat("x", 40_000)})
			return err
		}, []string{"form:organization: not valid UTF-8 (save the file as UTF-8)", "form:note: note is 40000 characters long; at most 1000"}},
		{"direction control", func() error {
			_, err := EndMembership(c, map[string]string{"organization": "Aarhus\u202e", "member_since": "2021-01-01", "member_until": "2026-12-31"})
			return err
		}, []string{"form:organization: organization contains the text direction control U+202E"}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if got := problemsOf(t, tt.err()); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// TestExportForSpreadsheets: the CSV starts with a byte-order mark and
// has the separator asked for; the workbook's dates are date cells shown
// YYYY-MM-DD, its other cells text, and organisations are named beside
// their codes.
func TestExportForSpreadsheets(t *testing.T) {
	c := exportContents(t)
	for _, tt := range []struct {
		sep  rune
		want string
	}{
		{',', "\uFEFForganization,organization_name,product,status,since,until,note\n101,København,os2forms,pilot,2019-01-01,2020-01-01,'=1+1\n"},
		{';', "\uFEFForganization;organization_name;product;status;since;until;note\n101;København;os2forms;pilot;2019-01-01;2020-01-01;'=1+1\n"},
	} {
		var b bytes.Buffer
		if err := WriteCSV(&b, c, TableAdoption, tt.sep); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(b.String(), tt.want) {
			t.Errorf("sep %q:\n%.200q\nwant it to begin\n%q", tt.sep, b.String(), tt.want)
		}
		if strings.Contains(b.String(), "kl,=KL") || !strings.Contains(b.String(), "'=KL") {
			t.Errorf("sep %q: the name =KL is not guarded:\n%s", tt.sep, b.String())
		}
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, c, TableAdoption, '\t'); err == nil {
		t.Error("a tab separator was accepted")
	}

	var wb bytes.Buffer
	if err := WriteXLSX(&wb, c); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(wb.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, tt := range []struct {
		sheet, cell, value string
		typ                excelize.CellType
	}{
		{TableAdoption, "A2", "101", excelize.CellTypeInlineString},
		{TableAdoption, "B2", "København", excelize.CellTypeInlineString},
		{TableAdoption, "E2", "2019-01-01", excelize.CellTypeUnset}, // a number, shown as a date
		{TableAdoption, "F2", "2020-01-01", excelize.CellTypeUnset},
		{TableAdoption, "F3", "", excelize.CellTypeUnset},
		{TableAdoption, "B5", "'=KL", excelize.CellTypeInlineString},
		{TableMembers, "D2", "2015-01-01", excelize.CellTypeUnset},
	} {
		v, err := f.GetCellValue(tt.sheet, tt.cell)
		typ, _ := f.GetCellType(tt.sheet, tt.cell)
		if typ == excelize.CellTypeSharedString {
			typ = excelize.CellTypeInlineString // text either way
		}
		if err != nil || v != tt.value || typ != tt.typ {
			t.Errorf("%s!%s: %q (type %v), %v; want %q (type %v)", tt.sheet, tt.cell, v, typ, err, tt.value, tt.typ)
		}
	}
	raw, _ := f.GetCellValue(TableAdoption, "E2", excelize.Options{RawCellValue: true})
	if raw != "43466" { // 2019-01-01 as a spreadsheet date
		t.Errorf("adoption!E2 holds %q, want the date number 43466", raw)
	}
}
