package figures

import (
	"context"
	"reflect"
	"testing"

	"os2pulse/config"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

const prospectsTestConfig = `
[storage]
driver = "sqlite"
dsn = "unused.db"
[[products]]
id = "forms"
name = "OS2forms"
governance_level = "3"
focus = true
[[products]]
id = "display"
name = "OS2display"
governance_level = "2"
focus = true
[[products]]
id = "borgerpc"
name = "OS2borgerPC"
governance_level = "2"
focus = true
[[products]]
id = "faktor"
name = "OS2faktor"
governance_level = "3"
[[products]]
id = "kitos"
name = "OS2kitos"
governance_level = "3"
`

// prospectsSetup holds, on 2025-06-30:
//
//	101 København    member      forms, display              (two products)
//	751 Aarhus       member      faktor, kitos               (two products)
//	461 Odense       member      forms; borgerpc pilot
//	147 Frederiksberg member     borgerpc planned
//	860 Hjørring     member      nothing
//	540 Sønderborg   not member  forms, display
//	region-h         member      forms, display, borgerpc    (three)
func prospectsSetup(t *testing.T, store *storage.Store) *Calculator {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Parse("test.toml", []byte(prospectsTestConfig), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SyncProducts(ctx, storage.ConfiguredProducts(cfg)); err != nil {
		t.Fatal(err)
	}
	a := func(org, product, status string) storage.AdoptionRecord {
		return storage.AdoptionRecord{OrganizationID: org, ProductID: product, Status: status, Since: day("2024-01-01")}
	}
	m := func(org string) storage.Membership {
		return storage.Membership{OrganizationID: org, Since: day("2023-01-01")}
	}
	_, err = store.ImportRegister(ctx, storage.Register{Source: "t", SHA256: "t",
		Organizations: []storage.Organization{{ID: "region-h", Name: "Region Hovedstaden", Kind: storage.KindRegion}},
		Members:       []storage.Membership{m("101"), m("751"), m("461"), m("147"), m("860"), m("region-h")},
		Adoptions: []storage.AdoptionRecord{
			a("101", "forms", "production"), a("101", "display", "production"),
			a("751", "faktor", "production"), a("751", "kitos", "production"),
			a("461", "forms", "production"), a("461", "borgerpc", "pilot"),
			a("147", "borgerpc", "planned"),
			a("540", "forms", "production"), a("540", "display", "production"),
			a("region-h", "forms", "production"), a("region-h", "display", "production"), a("region-h", "borgerpc", "production"),
		}})
	if err != nil {
		t.Fatal(err)
	}
	return New(store.ReadOnly(), cfg)
}

func TestProspects(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		calc := prospectsSetup(t, store)
		near, err := calc.NearThreePlus(ctx, day("2025-06-30"))
		if err != nil {
			t.Fatal(err)
		}
		want := []Prospect{
			{Organization: "751", Name: "Aarhus", Kind: "municipality", Reason: ProspectTwoProducts, Runs: []string{"faktor", "kitos"}, Lacks: []string{"forms", "display", "borgerpc"}},
			{Organization: "101", Name: "København", Kind: "municipality", Reason: ProspectTwoProducts, Runs: []string{"forms", "display"}, Lacks: []string{"borgerpc"}},
		}
		if !reflect.DeepEqual(near, want) {
			t.Errorf("NearThreePlus =\n%+v\nwant\n%+v", near, want)
		}
		// Before anyone ran anything, nobody is near.
		if near, err := calc.NearThreePlus(ctx, day("2023-06-30")); err != nil || len(near) != 0 {
			t.Errorf("NearThreePlus in 2023 = %+v, %v", near, err)
		}

		next, err := calc.ProductProspects(ctx, "borgerpc", day("2025-06-30"))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range next {
			got = append(got, p.Reason+" "+p.Organization)
		}
		wantOrder := []string{"pilot 461", "planned 147", "not_running 751", "not_running 860", "not_running 101"}
		if !reflect.DeepEqual(got, wantOrder) {
			t.Errorf("ProductProspects(borgerpc) = %v, want %v", got, wantOrder)
		}
		if _, err := calc.ProductProspects(ctx, "nope", day("2025-06-30")); err == nil {
			t.Error("an unknown product has prospects")
		}

		goalNext, err := calc.GoalProspects(ctx, config.Goal{Metric: "product_adopters", Product: "borgerpc"}, day("2025-06-30"))
		if err != nil || !reflect.DeepEqual(goalNext, next) {
			t.Errorf("GoalProspects for a product goal = %+v, %v", goalNext, err)
		}
		goalNext, err = calc.GoalProspects(ctx, config.Goal{Metric: "members"}, day("2025-06-30"))
		if err != nil || len(goalNext) != 0 {
			t.Errorf("GoalProspects for the members goal = %+v, %v", goalNext, err)
		}
	})
}

func TestOrganizations(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		calc := prospectsSetup(t, store)
		orgs, err := calc.Organizations(context.Background(), day("2025-06-30"))
		if err != nil {
			t.Fatal(err)
		}
		// All 98 municipalities and the region.
		if len(orgs.Organizations) != 99 {
			t.Fatalf("%d organisations, want 99", len(orgs.Organizations))
		}
		by := map[string]OrganizationSummary{}
		for i, o := range orgs.Organizations {
			by[o.ID] = o
			if i > 0 && orgs.Organizations[i-1].Name > o.Name {
				t.Errorf("%s before %s: not by name", orgs.Organizations[i-1].Name, o.Name)
			}
		}
		for _, want := range []OrganizationSummary{
			{ID: "101", Name: "København", Kind: "municipality", Region: "Region Hovedstaden", Member: true, Products: []string{"forms", "display"}, Pilots: []string{}, Planned: []string{}},
			{ID: "461", Name: "Odense", Kind: "municipality", Region: "Region Syddanmark", Member: true, Products: []string{"forms"}, Pilots: []string{"borgerpc"}, Planned: []string{}},
			{ID: "540", Name: "Sønderborg", Kind: "municipality", Region: "Region Syddanmark", Products: []string{"forms", "display"}, Pilots: []string{}, Planned: []string{}},
			{ID: "147", Name: "Frederiksberg", Kind: "municipality", Region: "Region Hovedstaden", Member: true, Products: []string{}, Pilots: []string{}, Planned: []string{"borgerpc"}},
			{ID: "330", Name: "Slagelse", Kind: "municipality", Region: "Region Sjælland", Products: []string{}, Pilots: []string{}, Planned: []string{}},
			{ID: "region-h", Name: "Region Hovedstaden", Kind: "region", Member: true, Products: []string{"forms", "display", "borgerpc"}, Pilots: []string{}, Planned: []string{}},
		} {
			if got := by[want.ID]; !reflect.DeepEqual(got, want) {
				t.Errorf("%s = %+v, want %+v", want.ID, got, want)
			}
		}
	})
}
