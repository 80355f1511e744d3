package storage_test

import (
	"context"
	"reflect"
	"sort"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestOrganizationsAsTheyWere: a members list that renames an
// organisation counts it as changed, and every earlier version of the
// register still reads the name it had; an organisation a later import
// defines is not in an earlier version; municipalities are in every one.
func TestOrganizationsAsTheyWere(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		// Earlier than the database was made: the municipalities were
		// seeded "later" by this clock.
		clock := time.Date(2020, 3, 1, 9, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return clock })
		since := civil.MustParse("2019-01-01")
		members := func(orgs ...storage.Organization) storage.Register {
			reg := storage.Register{Source: "members.csv", Organizations: orgs, Audit: storage.Audit{Via: storage.ViaCommandLine}}
			for _, o := range orgs {
				reg.Members = append(reg.Members, storage.Membership{OrganizationID: o.ID, Since: since})
			}
			return reg
		}
		kl := storage.Organization{ID: "kl", Name: "KL", Kind: storage.KindOther}
		v1, err := s.ImportRegister(ctx, members(kl))
		if err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(time.Hour)
		renamed := kl
		renamed.Name = "Kommunernes Landsforening"
		region := storage.Organization{ID: "region-syd", Name: "Region Syddanmark", Kind: storage.KindRegion}
		v2, err := s.ImportRegister(ctx, members(renamed, region))
		if err != nil {
			t.Fatal(err)
		}
		if v2.Changed != 1 || v2.Added != 1 || v2.Unchanged != 1 {
			t.Errorf("rename import: %+v, want 1 changed (the name), 1 added, 1 unchanged", v2)
		}
		names := func(knownAt string) map[string]string {
			t.Helper()
			orgs, err := s.OrganizationsAt(ctx, knownAt)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for _, o := range orgs {
				out[o.ID] = o.Name
			}
			if len(orgs) < storage.MunicipalitiesTotal || orgs[0].Kind != storage.KindMunicipality || out["101"] != "København" {
				t.Errorf("at %q: %d organisations, first %+v: the municipalities are missing", knownAt, len(orgs), orgs[0])
			}
			return out
		}
		tests := []struct {
			knownAt       string
			kl, region    string
			regionDefined bool
		}{
			{v1.ID, "KL", "", false},
			{v2.ID, "Kommunernes Landsforening", "Region Syddanmark", true},
			{"", "Kommunernes Landsforening", "Region Syddanmark", true},
		}
		for _, tt := range tests {
			got := names(tt.knownAt)
			if _, ok := got["region-syd"]; got["kl"] != tt.kl || ok != tt.regionDefined || got["region-syd"] != tt.region {
				t.Errorf("at %q: kl %q, region-syd %q (%v); want %q, %q", tt.knownAt, got["kl"], got["region-syd"], ok, tt.kl, tt.region)
			}
		}
	})
}

// TestRecordedChanges: the rows each change added, changed and ended are
// read back from the history, the same as the change's preview listed.
func TestRecordedChanges(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		clock := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return clock })
		if err := s.SyncProducts(ctx, []storage.Product{{ID: "os2forms", Name: "OS2forms", GovernanceLevel: "3"}}); err != nil {
			t.Fatal(err)
		}
		a := func(org, status string) storage.AdoptionRecord {
			return storage.AdoptionRecord{OrganizationID: org, ProductID: "os2forms", Status: status, Since: civil.MustParse("2020-01-01")}
		}
		v1 := storage.Register{Source: "v1", Adoptions: []storage.AdoptionRecord{a("101", "pilot"), a("751", "production")}}
		v2 := storage.Register{Source: "v2", Adoptions: []storage.AdoptionRecord{a("101", "production"), a("630", "production")}}
		var ids []string
		var previews []storage.RegisterDiff
		for _, reg := range []storage.Register{v1, v2} {
			clock = clock.Add(time.Minute)
			d, err := s.RegisterChanges(ctx, reg)
			if err != nil {
				t.Fatal(err)
			}
			sum, err := s.ImportRegister(ctx, reg)
			if err != nil {
				t.Fatal(err)
			}
			ids, previews = append(ids, sum.ID), append(previews, d)
		}
		got, err := s.RecordedChanges(ctx)
		if err != nil {
			t.Fatal(err)
		}
		describe := func(cs []storage.Change[storage.AdoptionRecord]) []string {
			var out []string
			for _, c := range cs {
				out = append(out, c.Kind+" "+c.Old.OrganizationID+c.Old.Status+"→"+c.New.OrganizationID+c.New.Status)
			}
			sort.Strings(out)
			return out
		}
		for i, id := range ids {
			if g, w := describe(got[id].Adoptions), describe(previews[i].Adoptions); !reflect.DeepEqual(g, w) {
				t.Errorf("change %d recorded as %q, previewed as %q", i+1, g, w)
			}
		}
		if w := []string{"added →630production", "changed 101pilot→101production", "ended 751production→"}; !reflect.DeepEqual(describe(got[ids[1]].Adoptions), w) {
			t.Errorf("second change %q, want %q", describe(got[ids[1]].Adoptions), w)
		}
	})
}
