package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

const adoptionAPIConfig = `
[storage]
driver = "sqlite"
dsn = "unused.db"
[[products]]
id = "os2forms"
name = "OS2forms"
governance_level = "3"
[[products]]
id = "os2faktor"
name = "OS2faktor"
governance_level = "3"
`

// adoptionAPIServer serves a small register on "today" 2024-06-30:
// København (101) a member since 2020 running OS2forms (2020) and
// OS2faktor (2021); Sønderborg (540) running OS2forms since 2022 without
// being a member; Aarhus (751) piloting OS2faktor; Frederiksberg (147)
// planning OS2forms.
func adoptionAPIServer(t *testing.T, store *storage.Store) *API {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Parse("test.toml", []byte(adoptionAPIConfig), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SyncProducts(ctx, []storage.Product{{ID: "os2forms", Name: "OS2forms", GovernanceLevel: "3"}, {ID: "os2faktor", Name: "OS2faktor", GovernanceLevel: "3"}}); err != nil {
		t.Fatal(err)
	}
	rec := func(org, product, status, since string) storage.AdoptionRecord {
		return storage.AdoptionRecord{OrganizationID: org, ProductID: product, Status: status, Since: civil.MustParse(since)}
	}
	_, err = store.ImportRegister(ctx, storage.Register{Source: "t", SHA256: "t",
		Members: []storage.Membership{{OrganizationID: "101", Since: civil.MustParse("2020-01-01")}},
		Adoptions: []storage.AdoptionRecord{
			rec("101", "os2forms", "production", "2020-01-01"),
			rec("101", "os2faktor", "production", "2021-01-01"),
			rec("540", "os2forms", "production", "2022-01-01"),
			rec("751", "os2faktor", "pilot", "2024-01-01"),
			rec("147", "os2forms", "planned", "2024-05-01"),
		}})
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2024, 6, 30, 15, 0, 0, 0, time.UTC) }
	return New(Options{Config: cfg, Figures: figures.New(store.ReadOnly(), cfg), Now: now})
}

func apiGet(t *testing.T, srv *API, path string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
	return w
}

func TestAPIAdoption(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		srv := adoptionAPIServer(t, store)
		want := figures.Adoption{Date: civil.MustParse("2024-06-30"), MunicipalitiesTotal: 98, MembersTotal: 1, Products: []figures.ProductAdoption{
			{ID: "os2forms", Name: "OS2forms", GovernanceLevel: "3", Adopters: figures.AdopterCounts{Municipalities: 2, Members: 1, All: 2},
				ShareOfMunicipalities: 2.0 / 98, ShareOfMembers: 1, Planned: 1},
			{ID: "os2faktor", Name: "OS2faktor", GovernanceLevel: "3", Adopters: figures.AdopterCounts{Municipalities: 1, Members: 1, All: 1},
				ShareOfMunicipalities: 1.0 / 98, ShareOfMembers: 1, Pilots: 1},
		}}
		// The date defaults to today.
		for _, path := range []string{"/api/v1/adoption", "/api/v1/adoption?date=2024-06-30"} {
			w := apiGet(t, srv, path)
			if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
				t.Fatalf("%s: %d %s", path, w.Code, w.Body)
			}
			var got figures.Adoption
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s:\n%+v\nwant\n%+v", path, got, want)
			}
			for _, key := range []string{`"municipalities_total": 98`, `"members_total": 1`, `"adopters": {`, `"share_of_municipalities": `, `"governance_level": "3"`} {
				if !strings.Contains(w.Body.String(), key) {
					t.Errorf("%s: body lacks %s", path, key)
				}
			}
		}
		w := apiGet(t, srv, "/api/v1/adoption.csv?date=2024-06-30")
		wantCSV := bom + "date,product,name,governance_level,municipalities_total,members_total,adopters_municipalities,adopters_members,adopters_all,share_of_municipalities,share_of_members,pilots,planned\n" +
			"2024-06-30,os2forms,OS2forms,3,98,1,2,1,2,0.0204,1.0000,0,1\n" +
			"2024-06-30,os2faktor,OS2faktor,3,98,1,1,1,1,0.0102,1.0000,1,0\n"
		if w.Code != http.StatusOK || w.Body.String() != wantCSV || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") {
			t.Errorf("CSV %d:\n%s\nwant\n%s", w.Code, w.Body, wantCSV)
		}
	})
}

func TestAPIMembers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		srv := adoptionAPIServer(t, store)
		w := apiGet(t, srv, "/api/v1/members?date=2024-06-30")
		var got figures.Members
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatal(w.Code, err)
		}
		want := figures.Members{Date: civil.MustParse("2024-06-30"), Members: 1, Distribution: figures.Distribution{"0": 0, "1": 0, "2": 1, "3": 0, "4": 0, "5+": 0},
			NonMemberAdopters: []figures.NonMemberAdopter{{Organization: "540", Name: "Sønderborg", Kind: "municipality", Products: []string{"os2forms"}}}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got\n%+v\nwant\n%+v", got, want)
		}
		if !strings.Contains(w.Body.String(), `"5+": 0`) || !strings.Contains(w.Body.String(), `"three_plus_share": 0`) {
			t.Errorf("body lacks the distribution keys or three_plus_share:\n%s", w.Body)
		}
		// Before anyone joined: no members, and the list is [] not null.
		if w := apiGet(t, srv, "/api/v1/members?date=2019-01-01"); !strings.Contains(w.Body.String(), `"non_member_adopters": []`) {
			t.Errorf("empty list: %s", w.Body)
		}

		w = apiGet(t, srv, "/api/v1/members.csv?date=2024-06-30")
		wantCSV := bom + "date,figure,value,organization,name,kind,products\n" +
			"2024-06-30,members,1,,,,\n" +
			"2024-06-30,three_plus,0,,,,\n" +
			"2024-06-30,three_plus_share,0.0000,,,,\n" +
			"2024-06-30,products_0,0,,,,\n" +
			"2024-06-30,products_1,0,,,,\n" +
			"2024-06-30,products_2,1,,,,\n" +
			"2024-06-30,products_3,0,,,,\n" +
			"2024-06-30,products_4,0,,,,\n" +
			"2024-06-30,products_5+,0,,,,\n" +
			"2024-06-30,non_member_adopter,1,540,Sønderborg,municipality,os2forms\n"
		if w.Code != http.StatusOK || w.Body.String() != wantCSV {
			t.Errorf("CSV %d:\n%s\nwant\n%s", w.Code, w.Body, wantCSV)
		}
	})
}

func TestAPISeries(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		srv := adoptionAPIServer(t, store)
		w := apiGet(t, srv, "/api/v1/series/adoption?product=os2forms&from=2021-11-15&to=2022-02-10")
		var s figures.AdoptionSeries
		if err := json.Unmarshal(w.Body.Bytes(), &s); err != nil {
			t.Fatal(w.Code, err)
		}
		var dates []string
		for _, p := range s.Points {
			dates = append(dates, p.Date.String())
		}
		if s.Product != "os2forms" || s.Name != "OS2forms" || s.Step != figures.Month ||
			!reflect.DeepEqual(dates, []string{"2021-11-30", "2021-12-31", "2022-01-31", "2022-02-10"}) {
			t.Errorf("series %+v", s)
		}

		w = apiGet(t, srv, "/api/v1/series/adoption.csv?product=os2forms&from=2021-11-15&to=2022-02-10&step=month")
		wantCSV := bom + "date,product,adopters_municipalities,adopters_members,adopters_all,share_of_municipalities,share_of_members,pilots,planned\n" +
			"2021-11-30,os2forms,1,1,1,0.0102,1.0000,0,0\n" +
			"2021-12-31,os2forms,1,1,1,0.0102,1.0000,0,0\n" +
			"2022-01-31,os2forms,2,1,2,0.0204,1.0000,0,0\n" +
			"2022-02-10,os2forms,2,1,2,0.0204,1.0000,0,0\n"
		if w.Body.String() != wantCSV {
			t.Errorf("adoption series CSV:\n%s\nwant\n%s", w.Body, wantCSV)
		}

		// Without a product: every product's series, the one asked for
		// alone among them.
		w = apiGet(t, srv, "/api/v1/series/adoption?from=2021-11-15&to=2022-02-10")
		var all struct {
			Step     figures.Step
			Products []figures.AdoptionSeries
		}
		if err := json.Unmarshal(w.Body.Bytes(), &all); err != nil {
			t.Fatal(w.Code, err)
		}
		if w.Code != http.StatusOK || all.Step != figures.Month || len(all.Products) != 2 ||
			all.Products[0].Product != "os2forms" || all.Products[1].Product != "os2faktor" || !reflect.DeepEqual(all.Products[0], s) {
			t.Errorf("every product's series: %d %+v", w.Code, all)
		}
		w = apiGet(t, srv, "/api/v1/series/adoption.csv?from=2021-11-15&to=2021-12-31")
		if got := w.Body.String(); !strings.HasPrefix(got, bom+"date,product,") ||
			!strings.Contains(got, "\n2021-12-31,os2forms,1,1,1,0.0102,1.0000,0,0\n2021-11-30,os2faktor,") || strings.Count(got, "\n") != 5 {
			t.Errorf("every product's series CSV:\n%s", got)
		}

		w = apiGet(t, srv, "/api/v1/series/members.csv?from=2020-01-01&to=2022-06-30&step=year")
		wantCSV = bom + "date,members,three_plus,three_plus_share,products_0,products_1,products_2,products_3,products_4,products_5+\n" +
			"2020-12-31,1,0,0.0000,0,1,0,0,0,0\n" +
			"2021-12-31,1,0,0.0000,0,0,1,0,0,0\n" +
			"2022-06-30,1,0,0.0000,0,0,1,0,0,0\n"
		if w.Body.String() != wantCSV {
			t.Errorf("members series CSV:\n%s\nwant\n%s", w.Body, wantCSV)
		}

		// Defaults: to today, from five years before, by month.
		w = apiGet(t, srv, "/api/v1/series/members")
		var ms figures.MembersSeries
		if err := json.Unmarshal(w.Body.Bytes(), &ms); err != nil {
			t.Fatal(w.Code, err)
		}
		if n := len(ms.Points); n != 61 || ms.Points[0].Date.String() != "2019-06-30" || ms.Points[n-1].Date.String() != "2024-06-30" || ms.Step != figures.Month {
			t.Errorf("default series: %d points, %s … %s, step %s", n, ms.Points[0].Date, ms.Points[n-1].Date, ms.Step)
		}
	})
}

func TestAPIAdoptionBadParameters(t *testing.T) {
	srv := adoptionAPIServer(t, storagetest.New(t, "sqlite"))
	tests := []struct {
		path, param, msg string
	}{
		{"/api/v1/adoption?date=2024-13-01", "date", `"2024-13-01" is not a date (YYYY-MM-DD)`},
		{"/api/v1/adoption.csv?date=1800-01-01", "date", "1800-01-01 is outside 1990–2100"},
		{"/api/v1/members?date=today", "date", `"today" is not a date (YYYY-MM-DD)`},
		{"/api/v1/series/adoption?product=", "product", "empty; give a value or leave the parameter out"},
		{"/api/v1/series/adoption.csv?product=os2mo", "product", `unknown product "os2mo"; one of os2forms, os2faktor`},
		{"/api/v1/series/adoption?product=os2forms&step=week", "step", `"week" is not a step (month, quarter or year)`},
		{"/api/v1/series/adoption?product=os2forms&from=2024-01-01&to=2023-01-01", "from", "from 2024-01-01 is after to 2023-01-01"},
		{"/api/v1/series/members?to=2024-02-30", "to", `"2024-02-30" is not a date (YYYY-MM-DD)`},
		{"/api/v1/series/members?from=1990-01-01&to=2100-01-01", "to",
			"2100-01-01 is after today (2024-06-30, the date in Denmark): figures about the future do not exist"},
		{"/api/v1/adoption?date=2024-07-01", "date",
			"2024-07-01 is after today (2024-06-30, the date in Denmark): figures about the future do not exist"},
		{"/api/v1/series/governance?from=2024-07-01", "from",
			"2024-07-01 is after today (2024-06-30, the date in Denmark): figures about the future do not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			w := apiGet(t, srv, tt.path)
			var body map[string]string
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatal(w.Body.String(), err)
			}
			if w.Code != http.StatusBadRequest || body["parameter"] != tt.param || body["error"] != tt.msg {
				t.Errorf("%d %v, want 400 naming %s: %s", w.Code, body, tt.param, tt.msg)
			}
		})
	}
}

// TestAPIRegisterNeverRead: before the register has been read, the
// figures of the register alone answer 503 saying so (JSON and CSV), not
// a register of 0 users; contributor figures still answer.
func TestAPIRegisterNeverRead(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		cfg, err := config.Parse("test.toml", []byte(adoptionAPIConfig), nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.SyncProducts(context.Background(), []storage.Product{{ID: "os2forms", Name: "OS2forms", GovernanceLevel: "3"}, {ID: "os2faktor", Name: "OS2faktor", GovernanceLevel: "3"}}); err != nil {
			t.Fatal(err)
		}
		now := func() time.Time { return time.Date(2024, 6, 30, 15, 0, 0, 0, time.UTC) }
		srv := New(Options{Config: cfg, Figures: figures.New(store.ReadOnly(), cfg), Now: now})
		for _, path := range []string{"/api/v1/adoption", "/api/v1/adoption.csv", "/api/v1/members", "/api/v1/series/adoption?product=os2forms",
			"/api/v1/series/adoption", "/api/v1/series/members", "/api/v1/organizations", "/api/v1/municipalities"} {
			w := apiGet(t, srv, path)
			if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "the adoption register has not been read yet") {
				t.Errorf("%s: %d %s, want 503 saying the register was not read", path, w.Code, w.Body)
			}
		}
		if w := apiGet(t, srv, "/api/v1/contributors"); w.Code != http.StatusOK {
			t.Errorf("/api/v1/contributors: %d %s", w.Code, w.Body)
		}
	})
}
