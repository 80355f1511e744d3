package storage_test

import (
	"context"
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
