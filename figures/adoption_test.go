package figures

import (
	"context"
	"errors"
	"os"
	"reflect"
	"sort"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/register"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

const adoptionTestConfig = `
[storage]
driver = "sqlite"
dsn = "unused.db"
[[products]]
id = "os2forms"
name = "OS2forms"
governance_level = "3"
focus = true
[[products]]
id = "os2faktor"
name = "OS2faktor"
governance_level = "3"
[[products]]
id = "os2borgerpc"
name = "OS2borgerPC"
governance_level = "2"
[[products]]
id = "os2display"
name = "OS2display"
governance_level = "2"
[[products]]
id = "os2kitos"
name = "OS2kitos"
governance_level = "3"
`

func day(s string) civil.Date { return civil.MustParse(s) }

// optDay parses a date that may be left out.
func optDay(s string) civil.Date {
	d, err := civil.ParseOptional(s)
	if err != nil {
		panic(err)
	}
	return d
}

// The test register, built around D = 2024-06-30:
//
//	101 København        member since 2020        forms, faktor (since D), borgerpc (until D, then stopped), display, kitos
//	751 Aarhus           member since D           forms; faktor pilot; kitos planned
//	540 Sønderborg       member 2015 until D      forms, faktor, kitos
//	region-midtjylland   member since 2019        all five, and os2mo (not configured)
//	461 Odense           never a member           faktor until 2024-07-01
//	statens-it           never a member           kitos pilot
func adoptionTestRegister() storage.Register {
	a := func(org, product, status, since, until string) storage.AdoptionRecord {
		return storage.AdoptionRecord{OrganizationID: org, ProductID: product, Status: status, Since: day(since), Until: optDay(until)}
	}
	return storage.Register{
		Source: "test", SHA256: "test",
		Organizations: []storage.Organization{
			{ID: "region-midtjylland", Name: "Region Midtjylland", Kind: storage.KindRegion},
			{ID: "statens-it", Name: "Statens It", Kind: storage.KindState},
		},
		Members: []storage.Membership{
			{OrganizationID: "101", Since: civil.MustParse("2020-01-01")},
			{OrganizationID: "751", Since: civil.MustParse("2024-06-30")},
			{OrganizationID: "540", Since: civil.MustParse("2015-01-01"), Until: civil.MustParse("2024-06-30")},
			{OrganizationID: "region-midtjylland", Since: civil.MustParse("2019-01-01")},
		},
		Adoptions: []storage.AdoptionRecord{
			a("101", "os2forms", "production", "2020-01-01", ""),
			a("101", "os2faktor", "production", "2024-06-30", ""),
			a("101", "os2borgerpc", "production", "2021-01-01", "2024-06-30"),
			a("101", "os2borgerpc", "stopped", "2024-06-30", ""),
			a("101", "os2display", "production", "2022-01-01", ""),
			a("101", "os2kitos", "production", "2019-01-01", ""),
			a("751", "os2forms", "production", "2023-01-01", ""),
			a("751", "os2faktor", "pilot", "2024-01-01", ""),
			a("751", "os2kitos", "planned", "2024-03-01", ""),
			a("540", "os2forms", "production", "2018-01-01", ""),
			a("540", "os2faktor", "production", "2018-01-01", ""),
			a("540", "os2kitos", "production", "2018-01-01", ""),
			a("region-midtjylland", "os2forms", "production", "2020-01-01", ""),
			a("region-midtjylland", "os2faktor", "production", "2020-01-01", ""),
			a("region-midtjylland", "os2borgerpc", "production", "2020-01-01", ""),
			a("region-midtjylland", "os2display", "production", "2020-01-01", ""),
			a("region-midtjylland", "os2kitos", "production", "2020-01-01", ""),
			a("region-midtjylland", "os2mo", "production", "2020-01-01", ""),
			a("461", "os2faktor", "production", "2020-01-01", "2024-07-01"),
			a("statens-it", "os2kitos", "pilot", "2024-01-01", ""),
		},
	}
}

// adoptionSetup returns a calculator over a fresh store holding reg. os2mo
// is stored as a product but not configured.
func adoptionSetup(t *testing.T, store *storage.Store, reg storage.Register) *Calculator {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Parse("test.toml", []byte(adoptionTestConfig), nil)
	if err != nil {
		t.Fatal(err)
	}
	ps := append([]storage.Product{{ID: "os2mo", Name: "OS2mo", GovernanceLevel: "3"}}, storage.ConfiguredProducts(cfg)...)
	if err := store.SyncProducts(ctx, ps); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ImportRegister(ctx, reg); err != nil {
		t.Fatal(err)
	}
	return New(store.ReadOnly(), cfg)
}

func TestAdoption(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		c := adoptionSetup(t, store, adoptionTestRegister())
		type row struct {
			mun, mem, all, pilots, planned int
		}
		tests := []struct {
			date    string
			members int
			want    map[string]row
		}{
			// On D: 540 has left (until = D), 751 has joined (since = D),
			// 101's OS2faktor counts (since = D) and its OS2borgerPC does
			// not (until = D); Odense's OS2faktor still counts (until D+1).
			{"2024-06-30", 3, map[string]row{
				"os2forms":    {3, 3, 4, 0, 0},
				"os2faktor":   {3, 2, 4, 1, 0},
				"os2borgerpc": {0, 1, 1, 0, 0},
				"os2display":  {1, 2, 2, 0, 0},
				"os2kitos":    {2, 2, 3, 1, 1},
			}},
			// The day before: 540 still a member, 751 not yet.
			{"2024-06-29", 3, map[string]row{
				"os2forms":    {3, 3, 4, 0, 0},
				"os2faktor":   {2, 2, 3, 1, 0},
				"os2borgerpc": {1, 2, 2, 0, 0},
				"os2display":  {1, 2, 2, 0, 0},
				"os2kitos":    {2, 3, 3, 1, 1},
			}},
			// Odense's until has passed.
			{"2024-07-01", 3, map[string]row{
				"os2forms":    {3, 3, 4, 0, 0},
				"os2faktor":   {2, 2, 3, 1, 0},
				"os2borgerpc": {0, 1, 1, 0, 0},
				"os2display":  {1, 2, 2, 0, 0},
				"os2kitos":    {2, 2, 3, 1, 1},
			}},
			{"2014-01-01", 0, map[string]row{
				"os2forms": {}, "os2faktor": {}, "os2borgerpc": {}, "os2display": {}, "os2kitos": {},
			}},
		}
		for _, tt := range tests {
			t.Run(tt.date, func(t *testing.T) {
				a, err := c.Adoption(context.Background(), day(tt.date))
				if err != nil {
					t.Fatal(err)
				}
				if a.Date.String() != tt.date || a.MunicipalitiesTotal != 98 || a.MembersTotal != tt.members {
					t.Errorf("date %s, municipalities %d, members %d", a.Date, a.MunicipalitiesTotal, a.MembersTotal)
				}
				var ids []string
				for _, p := range a.Products {
					ids = append(ids, p.ID)
					w := tt.want[p.ID]
					got := row{p.Adopters.Municipalities, p.Adopters.Members, p.Adopters.All, p.Pilots, p.Planned}
					if got != w {
						t.Errorf("%s: %+v, want %+v", p.ID, got, w)
					}
					if p.ShareOfMunicipalities != float64(w.mun)/98 || p.ShareOfMembers != Ratio(w.mem, tt.members) {
						t.Errorf("%s: shares %v, %v", p.ID, p.ShareOfMunicipalities, p.ShareOfMembers)
					}
				}
				// Configuration order; os2mo is not configured and counts nowhere.
				if want := []string{"os2forms", "os2faktor", "os2borgerpc", "os2display", "os2kitos"}; !reflect.DeepEqual(ids, want) {
					t.Errorf("products %v, want %v", ids, want)
				}
				if p := a.Products[0]; p.Name != "OS2forms" || p.GovernanceLevel != "3" || !p.Focus {
					t.Errorf("first product %+v", p)
				}
			})
		}
	})
}

func TestMembers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		c := adoptionSetup(t, store, adoptionTestRegister())
		tests := []struct {
			date       string
			members    int
			threePlus  int
			dist       Distribution
			nonMembers []NonMemberAdopter
		}{
			// Members 101 (4 products), 751 (1), region (5; os2mo not
			// counted); 540 and Odense adopt without being members.
			{"2024-06-30", 3, 2, Distribution{"0": 0, "1": 1, "2": 0, "3": 0, "4": 1, "5+": 1}, []NonMemberAdopter{
				{Organization: "461", Name: "Odense", Kind: "municipality", Products: []string{"os2faktor"}},
				{Organization: "540", Name: "Sønderborg", Kind: "municipality", Products: []string{"os2forms", "os2faktor", "os2kitos"}},
			}},
			// Members 101 (forms, borgerpc, display, kitos: 4), 540 (3),
			// region (5); Aarhus adopts before joining.
			{"2024-06-29", 3, 3, Distribution{"0": 0, "1": 0, "2": 0, "3": 1, "4": 1, "5+": 1}, []NonMemberAdopter{
				{Organization: "751", Name: "Aarhus", Kind: "municipality", Products: []string{"os2forms"}},
				{Organization: "461", Name: "Odense", Kind: "municipality", Products: []string{"os2faktor"}},
			}},
			// The region is a member without products yet, 540 a member
			// with three; 101 runs OS2kitos a year before it joins.
			{"2019-06-30", 2, 1, Distribution{"0": 1, "1": 0, "2": 0, "3": 1, "4": 0, "5+": 0}, []NonMemberAdopter{
				{Organization: "101", Name: "København", Kind: "municipality", Products: []string{"os2kitos"}},
			}},
			{"2014-12-31", 0, 0, Distribution{"0": 0, "1": 0, "2": 0, "3": 0, "4": 0, "5+": 0}, []NonMemberAdopter{}},
		}
		for _, tt := range tests {
			t.Run(tt.date, func(t *testing.T) {
				m, err := c.Members(context.Background(), day(tt.date))
				if err != nil {
					t.Fatal(err)
				}
				want := Members{Date: day(tt.date), Members: tt.members, ThreePlus: tt.threePlus, ThreePlusShare: Ratio(tt.threePlus, tt.members),
					Distribution: tt.dist, NonMemberAdopters: tt.nonMembers}
				if !reflect.DeepEqual(m, want) {
					t.Fatalf("got  %+v\nwant %+v", m, want)
				}
			})
		}
	})
}

func TestAdoptionAndMembersSeries(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		c := adoptionSetup(t, store, adoptionTestRegister())
		s, err := c.AdoptionSeries(ctx, "os2faktor", day("2024-05-15"), day("2024-07-15"), Month)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range s.Points {
			got = append(got, p.Date.String())
			if p.Date.String() == "2024-06-30" && (p.Adopters != AdopterCounts{3, 2, 4} || p.Pilots != 1) {
				t.Errorf("point on D %+v", p)
			}
			if p.Date.String() == "2024-07-15" && (p.Adopters != AdopterCounts{2, 2, 3}) {
				t.Errorf("point after Odense's until %+v", p)
			}
		}
		if want := []string{"2024-05-31", "2024-06-30", "2024-07-15"}; !reflect.DeepEqual(got, want) || s.Product != "os2faktor" || s.Name != "OS2faktor" || s.Step != Month {
			t.Errorf("series %+v, dates %v", s, got)
		}
		// Each point is the same figure as Adoption on its date.
		for _, p := range s.Points {
			a, _ := c.Adoption(ctx, p.Date)
			if a.Products[1].Adopters != p.Adopters || a.Products[1].ShareOfMembers != p.ShareOfMembers {
				t.Errorf("%s: series %+v, Adoption %+v", p.Date, p.Adopters, a.Products[1].Adopters)
			}
		}
		// Every product's series at once is each product's series.
		all, err := c.AdoptionSeriesAll(ctx, day("2024-05-15"), day("2024-07-15"), Month)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(c.cfg.Products) {
			t.Errorf("AdoptionSeriesAll has %d products, want %d", len(all), len(c.cfg.Products))
		}
		for _, p := range c.cfg.Products {
			one, err := c.AdoptionSeries(ctx, p.ID, day("2024-05-15"), day("2024-07-15"), Month)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(all[p.ID], one) {
				t.Errorf("%s: all %+v, one %+v", p.ID, all[p.ID], one)
			}
		}
		if _, err := c.AdoptionSeries(ctx, "os2mo", day("2024-01-01"), day("2024-02-01"), Month); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("series of an unconfigured product: %v, want ErrNotFound", err)
		}

		ms, err := c.MembersSeries(ctx, day("2019-01-01"), day("2024-06-30"), Year)
		if err != nil {
			t.Fatal(err)
		}
		var pts []string
		for _, p := range ms.Points {
			pts = append(pts, p.Date.String())
			m, _ := c.Members(ctx, p.Date)
			if p.Members != m.Members || p.ThreePlus != m.ThreePlus || !reflect.DeepEqual(p.Distribution, m.Distribution) {
				t.Errorf("%s: series %+v, Members %+v", p.Date, p, m)
			}
		}
		if len(pts) != 6 || pts[0] != "2019-12-31" || pts[5] != "2024-06-30" {
			t.Errorf("member series points %v", pts)
		}
	})
}

func TestProductAdopters(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		c := adoptionSetup(t, store, adoptionTestRegister())
		got, err := c.ProductAdopters(context.Background(), "os2faktor", day("2024-06-30"))
		if err != nil {
			t.Fatal(err)
		}
		want := []Adopter{
			{Organization: "101", Name: "København", Kind: "municipality", Member: true, Status: "production", Since: civil.MustParse("2024-06-30")},
			{Organization: "461", Name: "Odense", Kind: "municipality", Status: "production", Since: civil.MustParse("2020-01-01"), Until: civil.MustParse("2024-07-01")},
			{Organization: "region-midtjylland", Name: "Region Midtjylland", Kind: "region", Member: true, Status: "production", Since: civil.MustParse("2020-01-01")},
			{Organization: "540", Name: "Sønderborg", Kind: "municipality", Status: "production", Since: civil.MustParse("2018-01-01")},
			{Organization: "751", Name: "Aarhus", Kind: "municipality", Member: true, Status: "pilot", Since: civil.MustParse("2024-01-01")},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got\n%+v\nwant\n%+v", got, want)
		}
		kitos, _ := c.ProductAdopters(context.Background(), "os2kitos", day("2024-06-30"))
		var order []string
		for _, a := range kitos {
			order = append(order, a.Organization+" "+a.Status)
		}
		if want := []string{"101 production", "region-midtjylland production", "540 production", "statens-it pilot", "751 planned"}; !reflect.DeepEqual(order, want) {
			t.Errorf("os2kitos adopters %v, want %v", order, want)
		}
		// A stopped record is not listed, and an ended one is not current.
		bpc, _ := c.ProductAdopters(context.Background(), "os2borgerpc", day("2024-06-30"))
		if len(bpc) != 1 || bpc[0].Organization != "region-midtjylland" {
			t.Errorf("os2borgerpc adopters %+v", bpc)
		}
		if _, err := c.ProductAdopters(context.Background(), "nope", day("2024-06-30")); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("unknown product: %v", err)
		}
	})
}

func TestOrganizationDetail(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		c := adoptionSetup(t, store, adoptionTestRegister())
		got, err := c.OrganizationDetail(ctx, "101", day("2024-06-30"))
		if err != nil {
			t.Fatal(err)
		}
		want := OrganizationDetail{
			Date: civil.MustParse("2024-06-30"), ID: "101", Name: "København", Kind: "municipality", Region: "Region Hovedstaden", Member: true,
			Memberships: []MembershipPeriod{{Since: civil.MustParse("2020-01-01")}},
			Products: []OrganizationProduct{
				{Product: "os2forms", Name: "OS2forms", Status: "production", Since: civil.MustParse("2020-01-01")},
				{Product: "os2faktor", Name: "OS2faktor", Status: "production", Since: civil.MustParse("2024-06-30")},
				{Product: "os2display", Name: "OS2display", Status: "production", Since: civil.MustParse("2022-01-01")},
				{Product: "os2kitos", Name: "OS2kitos", Status: "production", Since: civil.MustParse("2019-01-01")},
			},
			Stopped:      []OrganizationProduct{{Product: "os2borgerpc", Name: "OS2borgerPC", Status: "stopped", Since: civil.MustParse("2024-06-30")}},
			ProductCount: 4,
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got\n%+v\nwant\n%+v", got, want)
		}

		// Aarhus on D: a member since that day, one product, a pilot and a plan.
		aarhus, _ := c.OrganizationDetail(ctx, "751", day("2024-06-30"))
		var st []string
		for _, p := range aarhus.Products {
			st = append(st, p.Product+" "+p.Status)
		}
		if !aarhus.Member || aarhus.ProductCount != 1 || !reflect.DeepEqual(st, []string{"os2forms production", "os2faktor pilot", "os2kitos planned"}) {
			t.Errorf("751: %+v", aarhus)
		}
		// Sønderborg left on D; Odense's record ended after D but before
		// a later date, and then shows as ended.
		sonderborg, _ := c.OrganizationDetail(ctx, "540", day("2024-06-30"))
		if sonderborg.Member || !reflect.DeepEqual(sonderborg.Memberships, []MembershipPeriod{{Since: civil.MustParse("2015-01-01"), Until: civil.MustParse("2024-06-30")}}) {
			t.Errorf("540: %+v", sonderborg)
		}
		odense, _ := c.OrganizationDetail(ctx, "461", day("2024-07-01"))
		if odense.ProductCount != 0 || len(odense.Products) != 0 || len(odense.Stopped) != 1 || odense.Stopped[0].Until.String() != "2024-07-01" {
			t.Errorf("461 after its until: %+v", odense)
		}
		// A municipality without records is known, with empty lists.
		none, err := c.OrganizationDetail(ctx, "860", day("2024-06-30"))
		if err != nil || none.Name != "Hjørring" || none.Products == nil || none.Stopped == nil || none.Memberships == nil {
			t.Errorf("860: %+v, %v", none, err)
		}
		if _, err := c.OrganizationDetail(ctx, "nope", day("2024-06-30")); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("unknown organisation: %v, want ErrNotFound", err)
		}
	})
}

func TestProductCounts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		c := adoptionSetup(t, store, adoptionTestRegister())
		got, err := c.ProductCounts(context.Background(), day("2024-06-30"))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"101": 4, "751": 1, "540": 3, "461": 1, "region-midtjylland": 5}
		for id, n := range want {
			if got[id] != n {
				t.Errorf("%s: %d products, want %d", id, got[id], n)
			}
		}
		// Every municipality is there, with 0 when it runs nothing; a
		// non-municipality without production (statens-it) is not.
		if _, ok := got["860"]; !ok || got["860"] != 0 {
			t.Errorf("860 missing or not 0: %v", got["860"])
		}
		if _, ok := got["statens-it"]; ok || len(got) != 99 {
			t.Errorf("%d entries (statens-it present: %v), want 98 municipalities and the region", len(got), ok)
		}
	})
}

// TestReimport: figures follow a re-import at once (the cache is per data
// version), and a caller sorting a result does not change the cache.
func TestReimport(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		clock := time.Date(2024, 7, 1, 8, 0, 0, 0, time.UTC)
		store.SetClock(func() time.Time { return clock })
		reg := adoptionTestRegister()
		c := adoptionSetup(t, store, reg)
		d := day("2024-06-30")
		before, _ := c.Adoption(ctx, d)

		// Callers may sort the result; that must not change the cache.
		sort.Slice(before.Products, func(i, j int) bool { return before.Products[i].ID > before.Products[j].ID })
		again, _ := c.Adoption(ctx, d)
		if again.Products[0].ID != "os2forms" {
			t.Fatalf("sorting a result changed the cached figure: %v first", again.Products[0].ID)
		}

		// The re-import drops Aarhus's OS2forms and makes Odense a member.
		clock = clock.Add(time.Hour)
		reg2 := adoptionTestRegister()
		reg2.Adoptions = reg2.Adoptions[:6]
		reg2.Adoptions = append(reg2.Adoptions, adoptionTestRegister().Adoptions[7:]...)
		reg2.Members = append(reg2.Members, storage.Membership{OrganizationID: "461", Since: civil.MustParse("2024-01-01")})
		if _, err := store.ImportRegister(ctx, reg2); err != nil {
			t.Fatal(err)
		}
		now, _ := c.Adoption(ctx, d)
		if now.Products[0].Adopters != (AdopterCounts{Municipalities: 2, Members: 2, All: 3}) || now.MembersTotal != 4 {
			t.Errorf("after the re-import os2forms %+v, members %d", now.Products[0].Adopters, now.MembersTotal)
		}
		nowM, _ := c.Members(ctx, d)
		if nowM.Members != 4 || len(nowM.NonMemberAdopters) != 1 {
			t.Errorf("after the re-import members %+v", nowM)
		}
	})
}

// TestExampleRegisterFigures checks that the illustrative example register
// tells the story it is meant to, as of 2026-11-23: one product in over
// 70 % of the municipalities, OS2faktor in more than 50, OS2borgerPC with
// about 19 signed up and 7 in production, OS2-SkadesØkonomi in Svendborg
// and Kerteminde, about 30 % of members on three or more products, a few
// non-member adopters, and membership that grows over the years.
func TestExampleRegisterFigures(t *testing.T) {
	cfg, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) register.File {
		b, err := os.ReadFile("../config/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return register.File{Name: name, Data: b}
	}
	members := read(cfg.Register.Members)
	reg, err := register.Parse(cfg, nil, read(cfg.Register.Adoption), members)
	if err != nil {
		t.Fatal(err)
	}
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		if err := store.SyncProducts(ctx, storage.ConfiguredProducts(cfg)); err != nil {
			t.Fatal(err)
		}
		if _, err := store.ImportRegister(ctx, reg.Register); err != nil {
			t.Fatal(err)
		}
		c := New(store.ReadOnly(), cfg)
		d := day("2026-11-23")
		a, err := c.Adoption(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]ProductAdoption{}
		top := 0.0
		for _, p := range a.Products {
			byID[p.ID] = p
			top = max(top, p.ShareOfMunicipalities)
		}
		if top <= 0.70 {
			t.Errorf("top product share %.3f, want over 70 %%", top)
		}
		if n := byID["os2faktor"].Adopters.Municipalities; n <= 50 {
			t.Errorf("OS2faktor in %d municipalities, want more than 50", n)
		}
		bpc := byID["os2borgerpc"]
		if signed := bpc.Adopters.All + bpc.Pilots + bpc.Planned; signed < 17 || signed > 21 || bpc.Adopters.All < 6 || bpc.Adopters.All > 8 {
			t.Errorf("OS2borgerPC %d in production, %d signed up; want about 7 and 19", bpc.Adopters.All, signed)
		}
		sk, _ := c.ProductAdopters(ctx, "os2skadesokonomi", d)
		var prod []string
		for _, x := range sk {
			if x.Status == storage.StatusProduction {
				prod = append(prod, x.Organization)
			}
		}
		if !reflect.DeepEqual(prod, []string{"440", "479"}) {
			t.Errorf("OS2-SkadesØkonomi in production at %v, want Kerteminde and Svendborg", prod)
		}
		m, err := c.Members(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		if m.ThreePlusShare < 0.27 || m.ThreePlusShare > 0.33 {
			t.Errorf("three-plus share %.3f, want about 30 %%", m.ThreePlusShare)
		}
		if n := len(m.NonMemberAdopters); n < 2 || n > 8 {
			t.Errorf("%d non-member adopters, want a few", n)
		}
		kinds := map[string]int{}
		for _, o := range reg.Organizations {
			kinds[o.Kind]++
		}
		if kinds[storage.KindRegion] < 2 || kinds[storage.KindState] < 1 {
			t.Errorf("organisations by kind %v, want regions and state bodies", kinds)
		}
		s, err := c.MembersSeries(ctx, day("2016-01-01"), d, Year)
		if err != nil {
			t.Fatal(err)
		}
		if first, last := s.Points[0], s.Points[len(s.Points)-1]; last.Members-first.Members < 20 || last.ThreePlusShare <= first.ThreePlusShare {
			t.Errorf("membership does not move: %+v → %+v", first, last)
		}
	})
}
