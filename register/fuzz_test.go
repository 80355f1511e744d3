package register

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/problems"
	"os2pulse/storage"
)

// The seeds run in every plain "go test"; "make fuzz" explores from them.
var adoptionSeeds = []string{
	adoptionHeader + "101,os2forms,production,2020-01-01,,illustrative\n",
	"\uFEFForganization;product;status;since;until;note\r\n0101;os2faktor;I drift;2020-01-01;2021-01-01;\"a; b\"\r\n",
	adoptionHeader + "region-midtjylland,os2borgerpc,planlagt,2026-01-01,,\"two\nlines\"\n;;;;;\n",
	adoptionHeader + "101,os2forms,pilot,2019-01-01,2020-01-01,\n101,os2forms,production,2020-01-01,,\n",
	adoptionHeader + "101,os2forms,production,2020-01-01,,\n101,os2forms,stopped,2019-06-01,,\n",
	adoptionHeader + "102,os2foo,live,2020-13-01,x,\"unterminated\n",
	"since,status,product,organization\n2020-01-01,ophørt,os2forms,751\n",
	"organization,product,status,since,since\n",
	"",
	adoptionHeader + "101,os2forms,production,2020-01-01,,\xff\x00\n",
}

var membersSeeds = []string{
	membersHeader + "101,,municipality,2015-01-01,\nkl,KL,other,2018-01-01,2020-01-01\nkl,KL,other,2021-01-01,\n",
	"\uFEFForganization;name;kind;member_since;member_until\r\nregion-midtjylland;Region Midtjylland;region;2017-04-01;\r\nstatens-it;Statens It;state;;\r\n",
	membersHeader + "101,,region,2015-01-01,\nRegion X,,region,,2020-01-01\n",
	membersHeader + "751,,municipality,2015-01-01,\n0751,,municipality,2016-01-01,2017-01-01\n",
	"kind,organization\nother,\"a\nb\"\n",
	"",
}

func FuzzParseAdoption(f *testing.F) {
	for _, s := range adoptionSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := ParseAdoption("f.csv", bytes.NewReader(data), testProducts, testOrgs)
		if err != nil {
			checkProblems(t, err)
			return
		}
		for _, r := range recs {
			checkAdoptionRecord(t, r)
		}
		// What was accepted reads back the same once written out again.
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Write(AdoptionColumns)
		for _, r := range recs {
			w.Write([]string{r.OrganizationID, r.ProductID, r.Status, r.Since.String(), r.Until.String(), r.Note})
		}
		w.Flush()
		again, err := ParseAdoption("f.csv", &buf, testProducts, testOrgs)
		if err != nil || !reflect.DeepEqual(again, recs) {
			t.Fatalf("round trip: %v, %v; first read %v", again, err, recs)
		}
	})
}

func FuzzParseMembers(f *testing.F) {
	for _, s := range membersSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ml, err := ParseMembers("f.csv", bytes.NewReader(data))
		if err != nil {
			checkProblems(t, err)
			return
		}
		if ml.Memberships == nil {
			t.Fatal("nil memberships from a valid file: an import would leave memberships untouched")
		}
		defined := ml.IDs()
		for _, o := range ml.Organizations {
			if o.Kind == storage.KindMunicipality || o.Name == "" || !organisationIDRe.MatchString(o.ID) {
				t.Fatalf("organisation %+v accepted", o)
			}
		}
		for _, m := range ml.Memberships {
			if code, _ := municipalityCode(m.OrganizationID); code != m.OrganizationID && !defined[m.OrganizationID] {
				t.Fatalf("membership of undefined organisation %q", m.OrganizationID)
			}
			checkPeriod(t, m.Since, m.Until)
		}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Write(MembersColumns)
		for _, o := range ml.Organizations {
			w.Write([]string{o.ID, o.Name, o.Kind, "", ""})
		}
		for _, m := range ml.Memberships {
			name, kind := "", storage.KindMunicipality
			for _, o := range ml.Organizations {
				if o.ID == m.OrganizationID {
					name, kind = o.Name, o.Kind
				}
			}
			w.Write([]string{m.OrganizationID, name, kind, m.Since.String(), m.Until.String()})
		}
		w.Flush()
		again, err := ParseMembers("f.csv", &buf)
		if err != nil || !reflect.DeepEqual(again, ml) {
			t.Fatalf("round trip: %+v, %v; first read %+v", again, err, ml)
		}
	})
}

func checkProblems(t *testing.T, err error) {
	t.Helper()
	var pe *problems.Error
	if !errors.As(err, &pe) || len(pe.Problems) == 0 {
		t.Fatalf("error %v is not a list of problems", err)
	}
	for _, p := range pe.Problems {
		if !strings.HasPrefix(p, "f.csv:") || !utf8.ValidString(p) {
			t.Fatalf("problem %q is not FILE:LINE: message in UTF-8", p)
		}
	}
}

func checkAdoptionRecord(t *testing.T, r storage.AdoptionRecord) {
	t.Helper()
	if code, _ := municipalityCode(r.OrganizationID); code != r.OrganizationID && !testOrgs[r.OrganizationID] {
		t.Fatalf("record %+v: unknown organisation accepted", r)
	}
	if !testProducts[r.ProductID] {
		t.Fatalf("record %+v: unknown product accepted", r)
	}
	switch r.Status {
	case storage.StatusProduction, storage.StatusPilot, storage.StatusPlanned, storage.StatusStopped:
	default:
		t.Fatalf("record %+v: status accepted", r)
	}
	if r.Since.IsZero() {
		t.Fatalf("record %+v without since", r)
	}
	checkPeriod(t, r.Since, r.Until)
	if !utf8.ValidString(r.Note) || strings.IndexByte(r.Note, 0) >= 0 || strings.TrimSpace(r.Note) != r.Note {
		t.Fatalf("record %+v: note not storable", r)
	}
}

func checkPeriod(t *testing.T, since, until civil.Date) {
	t.Helper()
	if since.Year() < 1 || (!until.IsZero() && until <= since) {
		t.Fatalf("period %s–%s accepted", since, until)
	}
}

// FuzzParseDay: an accepted date is a real one, and any date written as
// YYYY-MM-DD, DD-MM-YYYY or DD.MM.YYYY reads back as itself.
func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"2020-01-31", "31-01-2020", "1.2.2020", "01/02/2020", "43831", "43831.5", "2020-01-01T00:00:00Z", "-1", "+1.+1.2020", "29-02-2021", ""} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, serials bool) {
		d, err := parseDay("since", s, serials, false)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "since ") || !utf8.ValidString(err.Error()) {
				t.Fatalf("message %q", err)
			}
			return
		}
		if d.IsZero() || d.Year() < 1 || d.Year() > 9999 {
			t.Fatalf("%q read as %s", s, d)
		}
		y, m, dd := d.Parts()
		for _, form := range []string{d.String(), fmt.Sprintf("%02d-%02d-%04d", dd, m, y), fmt.Sprintf("%d.%d.%04d", dd, m, y)} {
			if again, err := parseDay("since", form, false, false); err != nil || again != d {
				t.Fatalf("%s written as %q reads as %s, %v", d, form, again, err)
			}
		}
	})
}

// FuzzParseFile: any bytes as a file of any kind give a register whose
// export reads back the same, or problems that name the file, never a
// panic. The seeds are Windows-1252 and UTF-8 CSV and files of the wrong
// kind; FuzzWorkbookXML fuzzes what is inside a workbook.
func FuzzParseFile(f *testing.F) {
	f.Add("f.csv", []byte("organization;product;status;since;until;note\r\n\xc6r\xf8;os2forms;i drift;01.02.2020;;K\xf8ge\r\n"))
	f.Add("f.csv", []byte(adoptionHeader+"Lyngby-Taarbæk,os2forms,production,2020-01-01,,'=x\n"))
	f.Add("f.xlsm", []byte("PK\x03\x04"))
	f.Add("f.pdf", []byte("%PDF"))
	cfg := registerTestConfig(f, f.TempDir(), "")
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if name != "f.xlsx" && name != "f.csv" {
			name = "f.csv"
		}
		checkParsed(t, cfg, name, data)
	})
}

// FuzzWorkbookXML fuzzes a workbook's sheet and shared strings, packed
// into a valid workbook, so the fuzzer reaches the XML reader rather than
// the ZIP checksums.
func FuzzWorkbookXML(f *testing.F) {
	f.Add(`<worksheet><sheetData><row><c t="s"><v>0</v></c><c t="inlineStr"><is><t>product</t></is></c><c t="inlineStr"><is><t>status</t></is></c><c t="inlineStr"><is><t>since</t></is></c></row>`+
		`<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="str"><f>x</f><v>os2forms</v></c><c r="C2" t="inlineStr"><is><t>i drift</t></is></c><c r="D2"><v>43831</v></c></row></sheetData></worksheet>`,
		`<sst><si><t>organization</t></si><si><r><t>Aarhus </t></r><r><t>Kommune</t></r><rPh><t>x</t></rPh></si></sst>`)
	f.Add(`<x:worksheet xmlns:x="s"><x:sheetData><x:row r="1048576"><x:c r="XFD1"><x:v>&amp;</x:v></x:c></x:row></x:sheetData></x:worksheet>`, `<sst><si><t>&lt;</t></si></sst>`)
	cfg := registerTestConfig(f, f.TempDir(), "")
	f.Fuzz(func(t *testing.T, sheetXML, stringsXML string) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, body := range map[string]string{
			"xl/workbook.xml":            `<workbook xmlns:r="r"><sheets><sheet name="adoption" r:id="rId1"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
			"xl/worksheets/sheet1.xml":   sheetXML,
			"xl/sharedStrings.xml":       stringsXML,
		} {
			w, _ := zw.Create(name)
			w.Write([]byte(body))
		}
		zw.Close()
		checkParsed(t, cfg, "f.xlsx", buf.Bytes())
	})
}

// checkParsed parses a file and checks what came out: problems that name
// the file, or records that are valid and read back the same once
// exported.
func checkParsed(t *testing.T, cfg *config.Config, name string, data []byte) {
	t.Helper()
	{
		p, err := Parse(cfg, nil, File{Name: name, Data: data})
		if err != nil {
			for _, s := range problems.Of(err) {
				if !strings.HasPrefix(s, name) || !utf8.ValidString(s) {
					t.Fatalf("problem %q does not name the file", s)
				}
			}
			if problems.Of(err) == nil {
				t.Fatalf("error %v is not a list of problems", err)
			}
			return
		}
		defined := map[string]bool{}
		for _, o := range p.Organizations {
			defined[o.ID] = true
		}
		for _, r := range p.Adoptions {
			if code, _ := municipalityCode(r.OrganizationID); code != r.OrganizationID && !defined[r.OrganizationID] {
				t.Fatalf("record %+v: unknown organisation accepted", r)
			}
			if !testProducts[r.ProductID] || r.Since.IsZero() || !utf8.ValidString(r.Note) {
				t.Fatalf("record %+v accepted", r)
			}
		}
		// Read back through the CSV writer: the workbook writer is a
		// large library that makes each run slow under the fuzzer's
		// coverage; TestExportImportRoundTrip covers it.
		ms, _ := storage.Municipalities()
		c := Contents{Adoptions: p.Adoptions, Memberships: p.Members, Organizations: append(ms, p.Organizations...)}
		var adoption, members bytes.Buffer
		// Either separator: the import tells them apart.
		sep := map[bool]rune{false: ',', true: ';'}[len(p.Adoptions)%2 == 1]
		if err := WriteCSV(&adoption, c, TableAdoption, sep); err != nil {
			t.Fatal(err)
		}
		if err := WriteCSV(&members, c, TableMembers, sep); err != nil {
			t.Fatal(err)
		}
		files := []File{{Name: "again.csv", Data: adoption.Bytes()}}
		if p.Members != nil {
			files = append(files, File{Name: "again-members.csv", Data: members.Bytes()})
		}
		again, err := Parse(cfg, nil, files...)
		if err != nil {
			t.Fatalf("export does not read back: %v", err)
		}
		if !reflect.DeepEqual(again.Adoptions, p.Adoptions) {
			t.Fatalf("round trip: %v, first read %v", again.Adoptions, p.Adoptions)
		}
		if p.Members != nil && !reflect.DeepEqual(again.Members, p.Members) {
			t.Fatalf("round trip: %v, first read %v", again.Members, p.Members)
		}
	}
}
