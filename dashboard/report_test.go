package dashboard

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/figures/figurestest"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
	"os2pulse/table"
)

func init() {
	templateSamples["report"] = func(v *view) any {
		return reportPageData{Title: "Report " + xssName, Body: "<article><h1>Report</h1></article>"}
	}
	templateSamples["goals"] = func(v *view) any {
		g := figures.GoalStatus{ID: "g", TitleDA: xssName, TitleEN: xssName, Share: true, BaselineDate: civil.MustParse("2024-01-01"),
			Date: civil.MustParse("2026-11-23"), Deadline: civil.MustParse("2027-12-31"), Baseline: figures.Know(0.2), Value: figures.Know(0.25), Expected: figures.Know(0.26), Complete: true,
			Target: 0.35, Status: figures.GoalBehind, Projection: &figures.Projection{Months: 13, PerMonth: 0.004, Through: civil.MustParse("2026-11-23"),
				AtThrough: 0.25, AtDeadline: 0.3, NeededPerMonth: 0.008}}
		f := func(x float64) *float64 { return &x }
		tr := figures.GoalTrack{Goal: g, Points: []figures.GoalTrackPoint{
			{Date: civil.MustParse("2024-01-01"), Value: f(0.2), Complete: true, Expected: 0.2},
			{Date: civil.MustParse("2026-11-23"), Value: f(0.25), Complete: true, Expected: 0.26, Projection: f(0.25)},
			{Date: civil.MustParse("2027-12-31"), Expected: 0.35, Projection: f(0.3)},
		}}
		prospects := prospectsTable(v, config.Goal{Metric: "members_three_plus_share"}, []figures.Prospect{{Organization: "x", Name: xssName,
			Reason: figures.ProspectTwoProducts, Runs: []string{"os2forms", "os2mo"}, Lacks: []string{"os2display"}}})
		return goalsData{
			Summary: table.Table{Caption: "c", Head: []string{"a"}, Rows: [][]table.Cell{{table.Text(g.Title(string(v.Lang)))}}},
			Goals: []goalView{{ID: g.ID, Title: g.Title(string(v.Lang)), Status: v.GoalStatus(g.Status), Class: "behind",
				Keys: goalKeys(v, g), Pace: goalPace(v, g), Chart: goalChart(v, tr), Prospects: prospects, ProspectsN: 1,
				ProspectsDef: "def", CSV: "/api/v1/prospects.csv?goal=g"}},
		}
	}
}

// TestReportAndGoalsPages checks the served report (every format), the
// goals page and the goals API on the example data.
func TestReportAndGoalsPages(t *testing.T) {
	for _, driver := range storagetest.Drivers {
		t.Run(driver, func(t *testing.T) { testReportAndGoalsPages(t, driver) })
	}
}

func testReportAndGoalsPages(t *testing.T, driver string) {
	store, cfg := figurestest.Example(t, driver)
	srv := newServer(cfg, figures.New(store.ReadOnly(), cfg), func() time.Time { return fixtureNow })
	h := srv.Handler()
	get := func(path string) (*http.Response, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		b, _ := io.ReadAll(rec.Result().Body)
		return rec.Result(), string(b)
	}
	tests := []struct {
		path   string
		status int
		ctype  string
		want   []string
	}{
		{"/report/2025", 200, "text/html", []string{"OS2 årsrapport 2025", "Tal pr. 31. december 2025 sammenlignet med 31. december 2024.", "<svg role=\"img\"", "Medlemmer efter antal produkter", "?format=csv"}},
		{"/report/2025?lang=en", 200, "text/html", []string{"OS2 annual report 2025", "Members by number of products"}},
		{"/report/2026", 200, "text/html", []string{"Foreløbig"}},
		{"/report/2025?format=md&lang=en", 200, "text/markdown", []string{"# OS2 annual report 2025", "| Members | 69 | 66 | +3 |"}},
		{"/report/2025?format=csv", 200, "text/csv", []string{"year,date,previous_date,definition,subject,scope,value,previous,change,status,complete,covered_until", "2025,2025-12-31,2024-12-31,members,portfolio,,69,66,3,,true,", "2025,2025-12-31,2024-12-31,active_contributors,portfolio,all,,17,,,false,2025-11-18"}},
		{"/report/2025?format=json", 200, "application/json", []string{`"year": 2025`, `"definition": "three_plus"`}},
		{"/report/1800", 400, "text/html", []string{"1800"}},
		{"/report/2025?format=pdf", 400, "text/html", []string{"pdf"}},
		{"/goals", 200, "text/html", []string{"Bestyrelsens mål", "35 % af medlemmerne bruger tre eller flere produkter", "status-",
			// The members goal's deadline has passed: it is judged by its
			// value then, shown beside today's.
			"<th scope=\"col\" class=\"num\">Værdi på fristen</th>", "målet bedømmes på værdien den 30. juni 2026", "pr. 23. november 2026, af 60"}},
		{"/goals?date=2026-11-24", 400, "text/html", []string{"Der findes ingen tal om fremtiden."}},
		{"/api/v1/goals?date=2026-11-24", 400, "application/json", []string{`"parameter":"date"`}},
		{"/api/v1/goals", 200, "application/json", []string{`"value_on_deadline": `}},
		{"/api/v1/goals?date=2025-12-31", 200, "application/json", []string{`"id": "three-plus"`, `"status": "`}},
		{"/api/v1/goals.csv", 200, "text/csv", []string{"date,goal,title_da,title_en,metric"}},
		{"/api/v1/goals?date=2025-13-01", 400, "application/json", []string{`"parameter":"date"`}},
	}
	for _, tt := range tests {
		res, body := get(tt.path)
		if res.StatusCode != tt.status || !strings.HasPrefix(res.Header.Get("Content-Type"), tt.ctype) {
			t.Errorf("%s: %d %s, want %d %s", tt.path, res.StatusCode, res.Header.Get("Content-Type"), tt.status, tt.ctype)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: body lacks %q", tt.path, w)
			}
		}
	}
}

// TestGETNeverWrites: viewing every page, every report format of a
// finished year and every API endpoint keeps no copy of a report and
// changes nothing stored.
func TestGETNeverWrites(t *testing.T) {
	store, cfg := figurestest.Example(t, "sqlite")
	ctx := context.Background()
	before, err := store.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h := newServer(cfg, figures.New(store.ReadOnly(), cfg), func() time.Time { return fixtureNow }).Handler()
	paths := []string{"/", "/?date=2025-06-30", "/products/os2forms", "/organizations/751", "/data", "/goals",
		"/report/2024", "/report/2025", "/report/2025?format=md", "/report/2025?format=csv", "/report/2025?format=json",
		"/embed/adoption", "/embed/map", "/readyz", "/healthz", "/products", "/products?q=forms&sort=share", "/organizations",
		"/organizations?q=751", "/api", "/api/v1/openapi.json", "/embed/goal?goal=three-plus", "/embed/product-map?product=os2forms"}
	for _, p := range []string{"adoption", "members", "contributors", "goals", "collector", "municipalities", "organizations",
		"series/goal?goal=members", "prospects?goal=os2forms-spread"} {
		path, query, _ := strings.Cut(p, "?")
		paths = append(paths, "/api/v1/"+path+"?"+query, "/api/v1/"+path+".csv?"+query)
	}
	for _, p := range paths {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		if rec.Code != 200 {
			t.Errorf("GET %s: %d", p, rec.Code)
		}
	}
	for _, year := range []int{2024, 2025} {
		if _, err := store.FirstReport(ctx, year); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("a copy of the %d report was kept by a GET: %v", year, err)
		}
	}
	if after, err := store.DataVersion(ctx); err != nil || after != before {
		t.Errorf("data version %d → %d (%v): a GET wrote", before, after, err)
	}
}

// TestReadyzHidesErrors: a database that is not ready gives 503 and a
// plain "not ready"; what is wrong goes to the log only.
func TestReadyzHidesErrors(t *testing.T) {
	cfg, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	secret := errors.New(`pq: password authentication failed for user "os2pulse" at db.internal:5432`)
	srv := New(Options{Config: cfg, Ready: func(context.Context) error { return secret }})
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable || strings.TrimSpace(rec.Body.String()) != "not ready" {
		t.Fatalf("%d %q", rec.Code, rec.Body)
	}
}

// TestReportsWithoutData: with nothing recorded there is no report to
// list, and any year's report is a 404 that says why.
func TestReportsWithoutData(t *testing.T) {
	cfg, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	store := storagetest.New(t, "sqlite")
	h := newServer(cfg, figures.New(store.ReadOnly(), cfg), func() time.Time { return fixtureNow }).Handler()
	for _, tt := range []struct {
		path   string
		status int
		want   string
	}{
		{"/report", 200, "Der er ingen data endnu, så der er ingen årsrapporter."},
		{"/report/2025", 404, "Der er ingen data for 2025: intet er registreret endnu."},
		{"/report/2025?format=csv&lang=en", 404, "There is no data for 2025: nothing has been recorded yet."},
		{"/report/2027?lang=en", 404, "The 2027 annual report can be produced from 1 January 2027, as a preliminary report, and finally from 1 January 2028."},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", tt.path, nil))
		if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.want) {
			t.Errorf("%s: %d, want %d with %q", tt.path, rec.Code, tt.status, tt.want)
		}
	}
}
