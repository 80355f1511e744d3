package storage_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

func adoptionKeys(rs []storage.AdoptionRecord) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.OrganizationID+" "+r.ProductID+" "+r.Status+" "+r.Since.String()+"-"+r.Until.String())
	}
	return out
}

func membershipKeys(ms []storage.Membership) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.OrganizationID+" "+m.Since.String()+"-"+m.Until.String())
	}
	return out
}

// TestImportRegisterHistory: a re-import adds, changes and ends rows, a
// changed or vanished row is retracted and kept, the register can be read
// as it was known at each import, and an import without members leaves
// the memberships alone.
func TestImportRegisterHistory(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		clock := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return clock })
		if err := s.SyncProducts(ctx, []storage.Product{{ID: "os2forms", Name: "OS2forms", GovernanceLevel: "3"}, {ID: "os2faktor", Name: "OS2faktor", GovernanceLevel: "3"}}); err != nil {
			t.Fatal(err)
		}
		a := func(org, product, status, since, until string) storage.AdoptionRecord {
			return storage.AdoptionRecord{OrganizationID: org, ProductID: product, Status: status, Since: civil.MustParse(since), Until: optDate(until)}
		}
		region := storage.Organization{ID: "region-midtjylland", Name: "Region Midtjylland", Kind: storage.KindRegion}
		v1 := storage.Register{Source: "v1", SHA256: "1", Organizations: []storage.Organization{region},
			Members: []storage.Membership{{OrganizationID: "101", Since: civil.MustParse("2015-01-01")}, {OrganizationID: "region-midtjylland", Since: civil.MustParse("2019-01-01")}},
			Adoptions: []storage.AdoptionRecord{
				a("101", "os2forms", "production", "2020-01-01", ""),
				a("751", "os2forms", "pilot", "2023-01-01", ""),
				a("region-midtjylland", "os2faktor", "production", "2021-01-01", ""),
			}}
		sum1, err := s.ImportRegister(ctx, v1)
		if err != nil {
			t.Fatal(err)
		}
		if sum1.Added != 5 || sum1.Changed != 0 || sum1.Ended != 0 || sum1.Unchanged != 0 {
			t.Errorf("first import %+v", sum1)
		}

		clock = clock.Add(24 * time.Hour)
		v2 := storage.Register{Source: "v2", SHA256: "2", Organizations: []storage.Organization{region},
			Members: []storage.Membership{{OrganizationID: "101", Since: civil.MustParse("2015-01-01")}, {OrganizationID: "region-midtjylland", Since: civil.MustParse("2019-01-01"), Until: civil.MustParse("2025-01-01")},
				{OrganizationID: "751", Since: civil.MustParse("2025-02-01")}},
			Adoptions: []storage.AdoptionRecord{
				a("101", "os2forms", "production", "2020-01-01", ""),
				a("751", "os2forms", "pilot", "2023-01-01", "2024-01-01"),
				a("751", "os2forms", "production", "2024-01-01", ""),
			}}
		sum2, err := s.ImportRegister(ctx, v2)
		if err != nil {
			t.Fatal(err)
		}
		// Added: 751's production and membership; changed: 751's pilot and
		// the region's membership; ended: the region's OS2faktor.
		if sum2.Added != 2 || sum2.Changed != 2 || sum2.Ended != 1 || sum2.Unchanged != 2 {
			t.Errorf("re-import %+v", sum2)
		}

		cur, _ := s.Adoptions(ctx, "")
		want := []string{"101 os2forms production 2020-01-01-", "751 os2forms pilot 2023-01-01-2024-01-01", "751 os2forms production 2024-01-01-"}
		if got := adoptionKeys(cur); !reflect.DeepEqual(got, want) {
			t.Errorf("current adoptions %v, want %v", got, want)
		}
		old, _ := s.Adoptions(ctx, sum1.ID)
		// Ordered by product, organisation and since.
		wantOld := []string{"region-midtjylland os2faktor production 2021-01-01-", "101 os2forms production 2020-01-01-", "751 os2forms pilot 2023-01-01-"}
		if got := adoptionKeys(old); !reflect.DeepEqual(got, wantOld) {
			t.Errorf("adoptions as known at the first import %v, want %v", got, wantOld)
		}
		if got, _ := s.Adoptions(ctx, sum2.ID); !reflect.DeepEqual(adoptionKeys(got), adoptionKeys(cur)) {
			t.Errorf("adoptions as known at the second import %v", adoptionKeys(got))
		}
		hist, _ := s.AdoptionHistory(ctx)
		retracted := map[string]string{}
		for _, r := range hist {
			if r.RetractedAt != "" {
				retracted[r.OrganizationID+" "+r.ProductID+" "+r.Since.String()] = r.RetractedAt
			}
		}
		if len(hist) != 5 || len(retracted) != 2 || retracted["751 os2forms 2023-01-01"] != sum2.ID || retracted["region-midtjylland os2faktor 2021-01-01"] != sum2.ID {
			t.Errorf("history %d rows, retracted %v; want 5 rows, two retracted at %s", len(hist), retracted, sum2.ID)
		}
		oldM, _ := s.Memberships(ctx, sum1.ID)
		if got := membershipKeys(oldM); !reflect.DeepEqual(got, []string{"101 2015-01-01-", "region-midtjylland 2019-01-01-"}) {
			t.Errorf("memberships as known at the first import %v", got)
		}

		// Without a members file the memberships stay as they are.
		clock = clock.Add(24 * time.Hour)
		sum3, err := s.ImportRegister(ctx, storage.Register{Source: "v3", SHA256: "3", Adoptions: v2.Adoptions})
		if err != nil {
			t.Fatal(err)
		}
		if sum3.Added != 0 || sum3.Changed != 0 || sum3.Ended != 0 || sum3.Unchanged != 3 {
			t.Errorf("adoption-only import %+v", sum3)
		}
		if ms, _ := s.Memberships(ctx, ""); len(ms) != 3 {
			t.Errorf("memberships %v after an import without members", membershipKeys(ms))
		}
		imps, _ := s.RegisterImports(ctx)
		if len(imps) != 3 || imps[0].Source != "v3" || imps[1].Added != 2 || imps[1].Changed != 2 || imps[1].Ended != 1 {
			t.Errorf("imports %+v", imps)
		}
	})
}

// TestImportRegisterIsOneTransaction: an import that fails half way
// stores nothing of it.
func TestImportRegisterIsOneTransaction(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		if err := s.SyncProducts(ctx, []storage.Product{{ID: "os2forms", Name: "OS2forms", GovernanceLevel: "3"}}); err != nil {
			t.Fatal(err)
		}
		good := storage.AdoptionRecord{OrganizationID: "101", ProductID: "os2forms", Status: "production", Since: civil.MustParse("2020-01-01")}
		if _, err := s.ImportRegister(ctx, storage.Register{Source: "ok", SHA256: "ok", Adoptions: []storage.AdoptionRecord{good}}); err != nil {
			t.Fatal(err)
		}
		v0, _ := s.DataVersion(ctx)
		for name, reg := range map[string]storage.Register{
			"unknown organisation": {Source: "bad", Adoptions: []storage.AdoptionRecord{
				{OrganizationID: "751", ProductID: "os2forms", Status: "production", Since: civil.MustParse("2021-01-01")},
				{OrganizationID: "nowhere", ProductID: "os2forms", Status: "production", Since: civil.MustParse("2021-01-01")},
			}},
			"duplicate row": {Source: "bad", Adoptions: []storage.AdoptionRecord{
				{OrganizationID: "751", ProductID: "os2forms", Status: "production", Since: civil.MustParse("2021-01-01")},
				{OrganizationID: "751", ProductID: "os2forms", Status: "pilot", Since: civil.MustParse("2021-01-01")},
			}},
		} {
			if _, err := s.ImportRegister(ctx, reg); err == nil {
				t.Errorf("%s: import succeeded", name)
			}
			cur, _ := s.Adoptions(ctx, "")
			hist, _ := s.AdoptionHistory(ctx)
			imps, _ := s.RegisterImports(ctx)
			if v, _ := s.DataVersion(ctx); len(cur) != 1 || len(hist) != 1 || len(imps) != 1 || v != v0 {
				t.Errorf("%s: %d current, %d history rows, %d imports, version %d→%d after a failed import", name, len(cur), len(hist), len(imps), v0, v)
			}
		}
	})
}

// optDate parses a date that may be left out.
func optDate(s string) civil.Date {
	d, err := civil.ParseOptional(s)
	if err != nil {
		panic(err)
	}
	return d
}
