package register

import (
	"bytes"
	"encoding/csv"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"os2pulse/civil"
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
