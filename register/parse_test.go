package register

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/config/configtest"
	"os2pulse/problems"
	"os2pulse/storage"
)

const adoptionHeader = "organization,product,status,since,until,note\n"
const membersHeader = "organization,name,kind,member_since,member_until\n"

var (
	testProducts = map[string]bool{"os2forms": true, "os2faktor": true, "os2borgerpc": true}
	testOrgs     = map[string]bool{"region-midtjylland": true}
)

// problemsOf returns the problems of a *problems.Error, nil for no error, and
// fails the test on any other error.
func problemsOf(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var pe *problems.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is not a *problems.Error", err)
	}
	return pe.Problems
}

func TestParseAdoption(t *testing.T) {
	rec := func(org, product, status, since, until, note string) storage.AdoptionRecord {
		return storage.AdoptionRecord{OrganizationID: org, ProductID: product, Status: status, Since: civil.MustParse(since), Until: optDate(until), Note: note}
	}
	const cols = "(the columns are organization,product,status,since,until,note)"
	tests := []struct {
		name  string
		body  string
		want  []storage.AdoptionRecord // when no problems
		probs []string
	}{
		{
			name: "every spelling, normalised",
			body: adoptionHeader +
				"0101,os2forms,I drift,2020-01-01,,first\n" +
				"101,os2faktor,pilot,2019-01-01,2020-01-01,\n" +
				"101,OS2faktor,production,2020-01-01,, spaces trimmed \n" +
				"Region-Midtjylland,os2borgerpc,planlagt,2026-01-01,,\n" +
				"751,os2forms,Ophørt,2021-03-01,,\n" +
				"751,os2faktor,planned,2021-03-01,,\n" +
				"751,os2borgerpc,stopped,2021-03-01,,\n",
			want: []storage.AdoptionRecord{
				rec("101", "os2forms", "production", "2020-01-01", "", "first"),
				rec("101", "os2faktor", "pilot", "2019-01-01", "2020-01-01", ""),
				rec("101", "os2faktor", "production", "2020-01-01", "", "spaces trimmed"),
				rec("region-midtjylland", "os2borgerpc", "planned", "2026-01-01", "", ""),
				rec("751", "os2forms", "stopped", "2021-03-01", "", ""),
				rec("751", "os2faktor", "planned", "2021-03-01", "", ""),
				rec("751", "os2borgerpc", "stopped", "2021-03-01", "", ""),
			},
		},
		{
			name: "semicolons, BOM, CRLF, free order, optional columns absent",
			body: "\uFEFFsince;status;product;organization\r\n2020-01-01;production;os2forms;751\r\n",
			want: []storage.AdoptionRecord{rec("751", "os2forms", "production", "2020-01-01", "", "")},
		},
		{
			name: "a comma in a quoted note does not make ; the separator",
			body: "organization;product;status;since;until;note\n751;os2forms;pilot;2020-01-01;2020-06-01;\"a, b\"\n",
			want: []storage.AdoptionRecord{rec("751", "os2forms", "pilot", "2020-01-01", "2020-06-01", "a, b")},
		},
		{
			name: "header only",
			body: adoptionHeader,
			want: []storage.AdoptionRecord{},
		},
		{
			name:  "a quoted note over two lines keeps later line numbers right",
			body:  adoptionHeader + "101,os2forms,production,2020-01-01,,\"two\nlines, one comma\"\n102,os2forms,production,2020-01-01,,\n",
			probs: []string{`a.csv:4: unknown municipality code "102"`},
		},
		{
			name:  "blank and spreadsheet-empty rows are skipped but counted",
			body:  adoptionHeader + "\n,,,,,\n101,os2forms,production,2020-01-01,,\n999,os2forms,production,2020-01-01,,\n",
			probs: []string{`a.csv:5: unknown municipality code "999"`},
		},
		{
			name:  "unknown column",
			body:  "organization,product,status,since,until,note,comment\n101,os2forms,production,2020-01-01,,,x\n",
			probs: []string{`a.csv:1: unknown column "comment" ` + cols},
		},
		{
			name:  "missing column",
			body:  "organization,product,status\n101,os2forms,production\n",
			probs: []string{`a.csv:1: missing column "since" ` + cols},
		},
		{
			name:  "column twice",
			body:  "organization,product,status,since,Since\n",
			probs: []string{`a.csv:1: column "since" appears twice`},
		},
		{
			name:  "column without a name",
			body:  "organization,product,status,since,\n101,os2forms,production,2020-01-01,\n",
			probs: []string{`a.csv:1: column 5 has no name ` + cols},
		},
		{
			name:  "empty file",
			body:  "",
			probs: []string{`a.csv:1: empty file: expected the header organization,product,status,since,until,note`},
		},
		{
			name:  "wrong number of fields",
			body:  adoptionHeader + "101,os2forms,production\n",
			probs: []string{`a.csv:2: 3 fields, the header has 6`},
		},
		{
			name: "municipality codes",
			body: adoptionHeader +
				"102,os2forms,production,2020-01-01,,\n" +
				"00101,os2forms,production,2020-01-01,,\n" +
				"1,os2forms,production,2020-01-01,,\n" +
				"861,os2forms,production,2020-01-01,,\n" +
				"0860,os2forms,production,2020-01-01,,\n",
			probs: []string{
				`a.csv:2: unknown municipality code "102"`,
				`a.csv:3: unknown municipality code "00101"`,
				`a.csv:4: unknown municipality code "1"`,
				`a.csv:5: unknown municipality code "861"`,
			},
		},
		{
			name: "organisations",
			body: adoptionHeader +
				",os2forms,production,2020-01-01,,\n" +
				"region-x,os2forms,production,2020-01-01,,\n",
			probs: []string{
				`a.csv:2: organization is empty`,
				`a.csv:3: unknown organisation "region-x": not a kommunekode (101–860) and not defined in the members file`,
			},
		},
		{
			name: "products",
			body: adoptionHeader +
				"101,,production,2020-01-01,,\n" +
				"101,os2foo,production,2020-01-01,,\n",
			probs: []string{
				`a.csv:2: product is empty`,
				`a.csv:3: unknown product "os2foo" (not in the configuration)`,
			},
		},
		{
			name: "statuses",
			body: adoptionHeader +
				"101,os2forms,,2020-01-01,,\n" +
				"101,os2faktor,live,2020-01-01,,\n",
			probs: []string{
				`a.csv:2: status is empty (production, pilot, planned or stopped)`,
				`a.csv:3: status "live" is not production, pilot, planned or stopped (or i drift, pilot, planlagt, ophørt)`,
			},
		},
		{
			name: "dates",
			body: adoptionHeader +
				"101,os2forms,production,,,\n" +
				"101,os2faktor,production,2020-13-01,,\n" +
				"101,os2borgerpc,production,01/02/2020,,\n" +
				"751,os2forms,production,2020-01-01,2021-02-30,\n" +
				"751,os2faktor,production,2020-01-01,2019-12-31,\n" +
				"751,os2borgerpc,production,2020-01-01,2020-01-01,\n",
			probs: []string{
				`a.csv:2: since is missing (YYYY-MM-DD or DD-MM-YYYY)`,
				`a.csv:3: since "2020-13-01" is not a date (YYYY-MM-DD or DD-MM-YYYY)`,
				`a.csv:4: since "01/02/2020" is ambiguous (day or month first?): write YYYY-MM-DD or DD-MM-YYYY`,
				`a.csv:5: until "2021-02-30" is not a date (YYYY-MM-DD or DD-MM-YYYY)`,
				`a.csv:6: until 2019-12-31 is before since 2020-01-01`,
				`a.csv:7: until 2020-01-01 is the same day as since; a period lasts at least one day`,
			},
		},
		{
			name: "every problem of one row, in column order",
			body: adoptionHeader + "102,os2foo,live,2020-01-01,2019-01-01,\n",
			probs: []string{
				`a.csv:2: unknown municipality code "102"`,
				`a.csv:2: unknown product "os2foo" (not in the configuration)`,
				`a.csv:2: status "live" is not production, pilot, planned or stopped (or i drift, pilot, planlagt, ophørt)`,
				`a.csv:2: until 2019-01-01 is before since 2020-01-01`,
			},
		},
		{
			name:  "duplicate row",
			body:  adoptionHeader + "101,os2forms,production,2020-01-01,,x\n0101,os2forms,i drift,2020-01-01,,x\n",
			probs: []string{`a.csv:3: duplicate of line 2`},
		},
		{
			name:  "same organisation, product and since twice",
			body:  adoptionHeader + "101,os2forms,pilot,2020-01-01,2020-06-01,\n101,os2forms,production,2020-01-01,,\n",
			probs: []string{`a.csv:3: 101 has os2forms since 2020-01-01 already on line 2`},
		},
		{
			name:  "overlapping periods",
			body:  adoptionHeader + "101,os2forms,pilot,2019-01-01,2020-06-01,\n101,os2forms,production,2020-01-01,,\n",
			probs: []string{`a.csv:3: os2forms at 101 from 2020-01-01 (no until) overlaps line 2 (pilot from 2019-01-01 until 2020-06-01)`},
		},
		{
			name:  "an open period overlaps everything after it",
			body:  adoptionHeader + "101,os2forms,production,2018-01-01,,\n101,os2forms,stopped,2022-01-01,,\n",
			probs: []string{`a.csv:3: os2forms at 101 from 2022-01-01 (no until) overlaps line 2 (production from 2018-01-01 (no until))`},
		},
		{
			name:  "a later row that begins before an earlier one",
			body:  adoptionHeader + "101,os2forms,production,2020-01-01,,\n101,os2forms,pilot,2019-06-01,2020-02-01,\n",
			probs: []string{`a.csv:3: os2forms at 101 from 2019-06-01 until 2020-02-01 overlaps line 2 (production from 2020-01-01 (no until))`},
		},
		{
			name: "adjacent periods, other products and other organisations do not overlap",
			body: adoptionHeader +
				"101,os2forms,pilot,2019-01-01,2020-01-01,\n" +
				"101,os2forms,production,2020-01-01,2022-01-01,\n" +
				"101,os2forms,stopped,2022-01-01,,\n" +
				"101,os2faktor,production,2019-01-01,,\n" +
				"751,os2forms,production,2019-01-01,,\n",
			want: []storage.AdoptionRecord{
				rec("101", "os2forms", "pilot", "2019-01-01", "2020-01-01", ""),
				rec("101", "os2forms", "production", "2020-01-01", "2022-01-01", ""),
				rec("101", "os2forms", "stopped", "2022-01-01", "", ""),
				rec("101", "os2faktor", "production", "2019-01-01", "", ""),
				rec("751", "os2forms", "production", "2019-01-01", "", ""),
			},
		},
		{
			name: "not UTF-8 is Windows-1252",
			body: adoptionHeader + "101,os2forms,production,2020-01-01,,K\xf8ge\n",
			want: []storage.AdoptionRecord{rec("101", "os2forms", "production", "2020-01-01", "", "Køge")},
		},
		{
			name:  "NUL byte",
			body:  adoptionHeader + "101,os2forms,production,2020-01-01,,a\x00b\n",
			probs: []string{`a.csv:2: contains a NUL byte`},
		},
		{
			name: "a CSV syntax error costs only its line",
			body: adoptionHeader + "101,os2forms,production,2020-01-01,,a \"b\" c\n102,os2forms,production,2020-01-01,,\n",
			probs: []string{
				`a.csv:2: not valid CSV: bare " in non-quoted-field`,
				`a.csv:3: unknown municipality code "102"`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAdoption("a.csv", strings.NewReader(tt.body), testProducts, testOrgs)
			probs := problemsOf(t, err)
			if !reflect.DeepEqual(probs, tt.probs) {
				t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(probs, "\n"), strings.Join(tt.probs, "\n"))
			}
			if tt.probs != nil {
				if got != nil {
					t.Fatalf("records %v returned with problems", got)
				}
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("records\n%v\nwant\n%v", got, tt.want)
			}
		})
	}
}

func TestParseMembers(t *testing.T) {
	ms := func(org, since, until string) storage.Membership {
		return storage.Membership{OrganizationID: org, Since: civil.MustParse(since), Until: optDate(until)}
	}
	tests := []struct {
		name    string
		body    string
		orgs    []storage.Organization
		members []storage.Membership
		probs   []string
	}{
		{
			name: "valid",
			body: membersHeader +
				"101,,municipality,2015-01-01,\n" +
				"0751,Aarhus Kommune,Municipality,2016-01-01,2020-01-01\n" +
				"751,,municipality,2020-01-01,\n" +
				"Region-Midtjylland,Region Midtjylland,region,2017-04-01,\n" +
				"statens-it,Statens It,state,,\n" +
				"kl,KL,other,2018-01-01,2019-01-01\n" +
				"kl,KL,other,2021-01-01,\n",
			orgs: []storage.Organization{
				{ID: "region-midtjylland", Name: "Region Midtjylland", Kind: "region"},
				{ID: "statens-it", Name: "Statens It", Kind: "state"},
				{ID: "kl", Name: "KL", Kind: "other"},
			},
			members: []storage.Membership{
				ms("101", "2015-01-01", ""), ms("751", "2016-01-01", "2020-01-01"), ms("751", "2020-01-01", ""),
				ms("region-midtjylland", "2017-04-01", ""), ms("kl", "2018-01-01", "2019-01-01"), ms("kl", "2021-01-01", ""),
			},
		},
		{
			name:    "semicolons and BOM, optional columns absent",
			body:    "\uFEFFkind;member_since;organization\nmunicipality;2015-01-01;101\n",
			members: []storage.Membership{ms("101", "2015-01-01", "")},
		},
		{
			name:    "no memberships at all ends every membership",
			body:    membersHeader,
			members: []storage.Membership{},
		},
		{
			name:  "missing column",
			body:  "organization,name,member_since\n",
			probs: []string{`m.csv:1: missing column "kind" (the columns are organization,name,kind,member_since,member_until)`},
		},
		{
			name: "organisations and kinds",
			body: membersHeader +
				",x,other,2015-01-01,\n" +
				"102,,municipality,2015-01-01,\n" +
				"Region X,Region X,region,2015-01-01,\n" +
				"101,,region,2015-01-01,\n" +
				"region-x,Region X,municipality,2015-01-01,\n" +
				"region-x,Region X,kommune,2015-01-01,\n" +
				"region-x,,region,2015-01-01,\n",
			probs: []string{
				`m.csv:2: organization is empty`,
				`m.csv:3: unknown municipality code "102"`,
				`m.csv:4: organization "Region X" is neither a kommunekode (101–860), a municipality's name, nor an id of lower-case letters, digits, - and _ starting with a letter (e.g. region-midtjylland)`,
				`m.csv:5: kind "region", but 101 is a kommunekode (kind municipality)`,
				`m.csv:6: kind municipality needs a kommunekode (101–860), not "region-x"`,
				`m.csv:7: kind "kommune" is not one of municipality, region, state, other`,
				`m.csv:8: name is empty; it is required for organisations other than municipalities`,
			},
		},
		{
			name: "dates",
			body: membersHeader +
				"101,,municipality,2015-02-30,\n" +
				"147,,municipality,2015-01-01,soon\n" +
				"151,,municipality,,2020-01-01\n" +
				"153,,municipality,2020-01-01,2019-01-01\n" +
				"155,,municipality,2020-01-01,2020-01-01\n",
			probs: []string{
				`m.csv:2: member_since "2015-02-30" is not a date (YYYY-MM-DD or DD-MM-YYYY)`,
				`m.csv:3: member_until "soon" is not a date (YYYY-MM-DD or DD-MM-YYYY)`,
				`m.csv:4: member_until without member_since`,
				`m.csv:5: member_until 2019-01-01 is not after member_since 2020-01-01`,
				`m.csv:6: member_until 2020-01-01 is not after member_since 2020-01-01`,
			},
		},
		{
			name:  "an organisation defined twice differently",
			body:  membersHeader + "kl,KL,other,2018-01-01,2019-01-01\nkl,Kommunernes Landsforening,other,2020-01-01,\n",
			probs: []string{`m.csv:3: kl is defined on line 2 with another name or kind`},
		},
		{
			name:  "duplicate membership",
			body:  membersHeader + "101,,municipality,2015-01-01,\n101,København,municipality,2015-01-01,\n",
			probs: []string{`m.csv:3: duplicate of line 2`},
		},
		{
			name: "overlapping memberships",
			body: membersHeader +
				"101,,municipality,2015-01-01,2020-01-01\n" +
				"101,,municipality,2019-06-01,\n" +
				"751,,municipality,2015-01-01,\n" +
				"751,,municipality,2015-01-01,2016-01-01\n",
			probs: []string{
				`m.csv:3: membership from 2019-06-01 (no until) overlaps line 2 (from 2015-01-01 until 2020-01-01)`,
				`m.csv:5: membership from 2015-01-01 until 2016-01-01 overlaps line 4 (from 2015-01-01 (no until))`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMembers("m.csv", strings.NewReader(tt.body))
			probs := problemsOf(t, err)
			if !reflect.DeepEqual(probs, tt.probs) {
				t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(probs, "\n"), strings.Join(tt.probs, "\n"))
			}
			if tt.probs != nil {
				return
			}
			if !reflect.DeepEqual(got.Organizations, tt.orgs) || !reflect.DeepEqual(got.Memberships, tt.members) {
				t.Fatalf("got %+v\nwant orgs %+v members %+v", got, tt.orgs, tt.members)
			}
		})
	}
}

func registerTestConfig(t testing.TB, dir string, extra string) *config.Config {
	t.Helper()
	return configtest.Parse(t, dir, extra, "os2forms", "os2faktor", "os2borgerpc")
}

func TestParse(t *testing.T) {
	cfg := registerTestConfig(t, t.TempDir(), "")
	adoption := File{Name: "a.csv", Data: []byte(adoptionHeader + "101,os2forms,production,2020-01-01,,\nkl,os2faktor,pilot,2021-01-01,,\n")}
	members := File{Name: "m.csv", Data: []byte(membersHeader + "101,,municipality,2015-01-01,\nkl,KL,other,2018-01-01,\n")}

	t.Run("with members file", func(t *testing.T) {
		reg, err := Parse(cfg, nil, adoption, members)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		h.Write(adoption.Data)
		h.Write([]byte{0})
		h.Write(members.Data)
		if reg.Source != "a.csv, m.csv" || reg.SHA256 != hex.EncodeToString(h.Sum(nil)) {
			t.Errorf("source %q, sha256 %s", reg.Source, reg.SHA256)
		}
		if len(reg.Adoptions) != 2 || len(reg.Members) != 2 {
			t.Errorf("adoptions %v, members %v", reg.Adoptions, reg.Members)
		}
		// Municipalities are built in; only kl is defined by the file.
		if !reflect.DeepEqual(reg.Organizations, []storage.Organization{{ID: "kl", Name: "KL", Kind: "other"}}) {
			t.Errorf("organisations %+v", reg.Organizations)
		}
	})

	t.Run("without members file, stored organisations are known", func(t *testing.T) {
		_, err := Parse(cfg, nil, adoption)
		want := []string{`a.csv:3: unknown organisation "kl": not a kommunekode (101–860) and not defined in the members file`}
		if got := problemsOf(t, err); !reflect.DeepEqual(got, want) {
			t.Fatalf("problems %q, want %q", got, want)
		}
		reg, err := Parse(cfg, []storage.Organization{{ID: "kl", Kind: "other"}, {ID: "101", Kind: "municipality"}}, adoption)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(adoption.Data)
		if reg.Members != nil || reg.Organizations != nil || reg.Source != "a.csv" || reg.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("register %+v: want memberships untouched (nil)", reg)
		}
	})

	t.Run("problems of both files, adoption first", func(t *testing.T) {
		badA := File{Name: "a.csv", Data: []byte(adoptionHeader + "101,os2foo,production,2020-01-01,,\nkl,os2faktor,pilot,2021-01-01,,\n")}
		badM := File{Name: "m.csv", Data: []byte(membersHeader + "kl,,other,2018-01-01,\n")}
		_, err := Parse(cfg, nil, badA, badM)
		want := []string{
			`a.csv:2: unknown product "os2foo" (not in the configuration)`,
			// kl is named in the broken members file, so its adoption row
			// is not reported as well.
			`m.csv:2: name is empty; it is required for organisations other than municipalities`,
		}
		if got := problemsOf(t, err); !reflect.DeepEqual(got, want) {
			t.Fatalf("problems\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// TestExampleRegisterIsValid: the shipped example register passes every
// rule against the example configuration.
func TestExampleRegisterIsValid(t *testing.T) {
	cfg, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) File {
		f, err := cfg.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var b bytes.Buffer
		b.ReadFrom(f)
		return File{Name: name, Data: b.Bytes()}
	}
	members := read(cfg.Register.Members)
	reg, err := Parse(cfg, nil, read(cfg.Register.Adoption), members)
	if err != nil {
		t.Fatal(err)
	}
	if len(reg.Adoptions) < 200 || len(reg.Members) < 60 {
		t.Errorf("%d adoption records, %d memberships: smaller than the example should be", len(reg.Adoptions), len(reg.Members))
	}
	for _, r := range reg.Adoptions {
		if !strings.HasPrefix(r.Note, "illustrative") {
			t.Fatalf("adoption record %+v is not labelled illustrative", r)
		}
	}
}

// optDate parses a date that may be left out.
func optDate(s string) civil.Date {
	d, err := civil.ParseOptional(s)
	if err != nil {
		panic(err)
	}
	return d
}
