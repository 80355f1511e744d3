package register

import (
	"reflect"
	"testing"

	"os2pulse/civil"
	"os2pulse/storage"
)

// TestKeepOthers: a file in the mode that ends nothing adds and changes
// rows and keeps every other; one that would overlap a kept record is
// refused.
func TestKeepOthers(t *testing.T) {
	cfg := registerTestConfig(t, t.TempDir(), "")
	c := exportContents(t)
	d := civil.MustParse
	file := Parsed{Register: storage.Register{Source: "one.csv", Adoptions: []storage.AdoptionRecord{
		{OrganizationID: "751", ProductID: "os2faktor", Status: "production", Since: d("2021-05-01")}, // changed (was stopped)
		{OrganizationID: "630", ProductID: "os2forms", Status: "pilot", Since: d("2026-01-01")},       // added
	}}}
	p, err := KeepOthers(cfg, c, file)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Adoptions) != len(c.Adoptions)+1 || p.Adoptions[0].Status != "production" || p.Members != nil {
		t.Errorf("kept %d records (want %d), first %+v", len(p.Adoptions), len(c.Adoptions)+1, p.Adoptions[0])
	}
	overlap := Parsed{Register: storage.Register{Source: "one.csv", Adoptions: []storage.AdoptionRecord{
		{OrganizationID: "101", ProductID: "os2forms", Status: "pilot", Since: d("2021-01-01")},
	}}}
	_, err = KeepOthers(cfg, c, overlap)
	want := []string{"one.csv: os2forms at 101 from 2021-01-01 (no until) overlaps a record in the register (production from 2020-01-01 (no until))"}
	if got := problemsOf(t, err); !reflect.DeepEqual(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
}
