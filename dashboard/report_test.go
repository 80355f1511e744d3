package dashboard

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"os2pulse/collector"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func init() {
	templateSamples["goals"] = func(v *view) any {
		g := figures.GoalStatus{ID: "g", TitleDA: xssName, TitleEN: xssName, Share: true, BaselineDate: "2024-01-01",
			Deadline: "2027-12-31", Baseline: 0.2, Value: 0.25, Expected: 0.26, Target: 0.35, Status: figures.GoalBehind}
		return goalsData{
			Summary: dataTable{Caption: "c", Head: []string{"a"}, Rows: [][]cell{{textCell(g.Title(v.Lang))}}},
			Goals: []goalView{{ID: g.ID, Title: g.Title(v.Lang), Status: goalStatusText(v, g.Status), Class: "behind",
				Chart: goalChart(v, 0, g, []figures.GoalPoint{{Date: "2024-01-01", Value: 0.2, Expected: 0.2}, {Date: "2026-11-23", Value: 0.25, Expected: 0.26}})}},
		}
	}
	templateSamples["report"] = func(v *view) any { return buildReport(v, v.cfg, sampleReport()) }
}

// sampleReport is a hand-made report whose names carry the payloads.
func sampleReport() figures.Report {
	a := sampleAdoption()
	m := sampleMembers()
	c := sampleContributors()
	mp := figures.MembersPoint{Date: m.Date, Members: m.Members, ThreePlus: m.ThreePlus, ThreePlusShare: m.ThreePlusShare, Distribution: m.Distribution}
	return figures.Report{
		Year: 2025, Date: "2025-12-31", PreviousDate: "2024-12-31", Portfolio: "OS2", ProducedAt: "2026-01-15T10:00:00Z", WindowDays: 90,
		Members:           figures.ReportMembers{Current: 8, Previous: 7, Joined: []figures.OrgRef{{ID: "x", Name: xssName, Kind: "other"}}, Left: []figures.OrgRef{}},
		Governance:        []figures.GovernanceCount{{Level: "3", Products: []string{"OS2forms"}}},
		Adoption:          []figures.ReportAdoption{{Current: a.Products[0], Previous: a.Products[1]}, {Current: a.Products[1], Previous: a.Products[1]}},
		Distribution:      figures.ReportDistribution{Current: mp, Previous: mp},
		NonMemberAdopters: []figures.NonMemberAdopter{{Organization: "y", Name: xssScript, Kind: "other", Products: []string{"os2forms"}}},
		Contributors:      []figures.ReportContributors{{Current: c.Products[0], Previous: c.Products[0]}},
		Goals:             []figures.GoalStatus{{ID: "g", TitleDA: "Mål", TitleEN: "Goal", Target: 60, Value: 50, Baseline: 40, BaselineDate: "2024-01-01", Deadline: "2026-12-31", Status: figures.GoalBehind}},
		Sources:           []figures.ReportSource{{Source: "register", Collected: "2026-01-15T09:00:00Z", Result: "success"}},
		FirstProducedAt:   "2026-01-10T10:00:00.000000Z",
		Corrections:       []figures.Correction{{Definition: "adopter", Subject: "os2forms", Scope: "all", Was: 4, Now: 5}},
		RegisterChanges:   []figures.RegisterChange{{RecordedAt: "2026-01-12T10:00:00.000000Z", Change: "recorded", Organization: "x", Name: xssName, Product: "os2forms", Status: "production", Since: "2025-03-01"}},
	}
}

// TestRenderReportEscapes writes the hand-made report in every format and
// language: register names stay text, and CSV and JSON parse.
func TestRenderReportEscapes(t *testing.T) {
	cfg, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{langDA, langEN} {
		for _, format := range ReportFormats {
			t.Run(lang+"/"+format, func(t *testing.T) {
				var buf bytes.Buffer
				if err := RenderReport(&buf, cfg, sampleReport(), format, lang); err != nil {
					t.Fatal(err)
				}
				out := buf.String()
				switch format {
				case "html":
					if strings.Contains(out, xssName) || strings.Contains(out, "<script") {
						t.Fatal("payload reached the HTML unescaped")
					}
					for _, want := range []string{"&lt;img src=x onerror=alert(1)&gt;", "<svg role=\"img\"", "@page", "<style>"} {
						if !strings.Contains(out, want) {
							t.Errorf("html lacks %q", want)
						}
					}
				case "md":
					if strings.Contains(out, xssName) || !strings.Contains(out, "&lt;img src=x onerror=alert(1)&gt;") {
						t.Fatal("payload not escaped in Markdown")
					}
				case "csv":
					rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
					if err != nil {
						t.Fatal(err)
					}
					if strings.Join(rows[0], ",") != "year,date,previous_date,definition,subject,scope,value,previous,change,status" || len(rows) < 20 {
						t.Fatalf("csv header %v, %d rows", rows[0], len(rows))
					}
				case "json":
					var v struct {
						Figures     []figures.ReportFigure `json:"figures"`
						Definitions []struct{ ID string }  `json:"definitions"`
					}
					if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
						t.Fatal(err)
					}
					ids := map[string]bool{}
					for _, d := range v.Definitions {
						ids[d.ID] = true
					}
					for _, f := range v.Figures {
						if !ids[f.Definition] {
							t.Errorf("figure %s/%s names definition %q, which the report does not define", f.Subject, f.Scope, f.Definition)
						}
					}
				}
			})
		}
	}
}

var reportClock = time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)

// exampleStore is a store with the example register and the four example
// histories, collected through the real sources at a fixed time.
func exampleStore(t testing.TB, driver string) (*storage.Store, *config.Config) {
	t.Helper()
	cfg, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	store := storagetest.New(t, driver)
	store.SetClock(func() time.Time { return reportClock })
	ctx := context.Background()
	if err := store.SyncProducts(ctx, figures.StoreProducts(cfg)); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	sources := []collector.Source{collector.NewRegisterSource(cfg, store), collector.NewActivitySource(cfg, store, log)}
	if _, err := collector.New(store, sources, nil, log, nil).RunOnce(ctx, "all"); err != nil {
		t.Fatal(err)
	}
	return store, cfg
}

// TestReportGolden compares the 2025 report of the example data with the
// golden files, in every format, on both databases (which must agree).
func TestReportGolden(t *testing.T) {
	for _, driver := range storagetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			store, cfg := exampleStore(t, driver)
			rep, err := figures.New(store, cfg).ProduceReport(context.Background(), 2025, reportClock, true)
			if err != nil {
				t.Fatal(err)
			}
			cases := []struct{ format, lang string }{{"html", "da"}, {"md", "da"}, {"md", "en"}, {"csv", "da"}, {"json", "en"}}
			for _, c := range cases {
				var buf bytes.Buffer
				if err := RenderReport(&buf, cfg, rep, c.format, c.lang); err != nil {
					t.Fatal(err)
				}
				golden := filepath.Join("testdata", "report-2025-"+c.lang+"."+c.format)
				if *update && driver == "sqlite" {
					if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./dashboard -run TestReportGolden -update)", err)
				}
				if !bytes.Equal(buf.Bytes(), want) {
					t.Errorf("%s differs from %s; run with -update and review the diff", c.format+"/"+c.lang, golden)
				}
			}
		})
	}
}

// TestReportStableAgainstLaterData: register rows and commits about dates
// after the year do not change its figures.
func TestReportStableAgainstLaterData(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		cfg := reportConfig(t)
		calc := figures.New(store, cfg)
		importReg(t, store, "a", []storage.AdoptionRecord{
			{OrganizationID: "101", ProductID: "os2forms", Status: storage.StatusProduction, Since: "2023-05-01"},
			{OrganizationID: "751", ProductID: "os2forms", Status: storage.StatusPilot, Since: "2024-02-01"},
		})
		addCommit(t, store, "c1", "2024-11-30T10:00:00Z")
		before, err := calc.Report(ctx, 2024, reportClock)
		if err != nil {
			t.Fatal(err)
		}
		// Later: 751 goes into production in 2025, 461 joins in 2025, and
		// a commit is made in 2025.
		importReg(t, store, "b", []storage.AdoptionRecord{
			{OrganizationID: "101", ProductID: "os2forms", Status: storage.StatusProduction, Since: "2023-05-01"},
			{OrganizationID: "751", ProductID: "os2forms", Status: storage.StatusPilot, Since: "2024-02-01", Until: "2025-03-01"},
			{OrganizationID: "751", ProductID: "os2forms", Status: storage.StatusProduction, Since: "2025-03-01"},
			{OrganizationID: "461", ProductID: "os2forms", Status: storage.StatusProduction, Since: "2025-01-01"},
		})
		addCommit(t, store, "c2", "2025-01-02T10:00:00Z")
		after, err := calc.Report(ctx, 2024, reportClock)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(before.Figures(), after.Figures()) {
			t.Fatalf("2024 figures changed after later data:\nbefore %+v\nafter  %+v", before.Figures(), after.Figures())
		}
		// The checks above must be able to fail: the 2025 report does see it.
		r25, err := calc.Report(ctx, 2025, reportClock)
		if err != nil {
			t.Fatal(err)
		}
		if got := r25.Adoption[0].Current.Adopters.Municipalities; r25.Adoption[0].Current.ID != "os2forms" || got != 3 {
			t.Fatalf("2025 os2forms municipalities = %d, want 3", got)
		}
	})
}

// TestReportListsRegisterCorrection: a correction of the register that
// changes a past figure is listed in the report's notes.
func TestReportListsRegisterCorrection(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		cfg := reportConfig(t)
		calc := figures.New(store, cfg)
		clock := time.Date(2025, 1, 10, 8, 0, 0, 0, time.UTC)
		store.SetClock(func() time.Time { return clock })
		importReg(t, store, "a", []storage.AdoptionRecord{
			{OrganizationID: "101", ProductID: "os2forms", Status: storage.StatusProduction, Since: "2023-05-01"},
		})
		first, err := calc.ProduceReport(ctx, 2024, clock, true)
		if err != nil {
			t.Fatal(err)
		}
		if first.FirstProducedAt != "" || len(first.Corrections) != 0 {
			t.Fatalf("first production: %q, %v", first.FirstProducedAt, first.Corrections)
		}
		// Producing it again without changes lists nothing and keeps no copy.
		again, err := calc.ProduceReport(ctx, 2024, clock.Add(time.Hour), true)
		if err != nil {
			t.Fatal(err)
		}
		if again.FirstProducedAt == "" || len(again.Corrections) != 0 || len(again.RegisterChanges) != 0 {
			t.Fatalf("unchanged reproduction: %q, %v, %v", again.FirstProducedAt, again.Corrections, again.RegisterChanges)
		}
		// A month later the secretariat learns that Aarhus ran OS2forms from
		// June 2024.
		clock = clock.AddDate(0, 1, 0)
		importReg(t, store, "b", []storage.AdoptionRecord{
			{OrganizationID: "101", ProductID: "os2forms", Status: storage.StatusProduction, Since: "2023-05-01"},
			{OrganizationID: "751", ProductID: "os2forms", Status: storage.StatusProduction, Since: "2024-06-01"},
		})
		rep, err := calc.ProduceReport(ctx, 2024, clock, true)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][2]float64{
			"adopter|os2forms|municipalities":         {1, 2},
			"adopter|os2forms|all":                    {1, 2},
			"adoption_share_municipalities|os2forms|": {1.0 / 98, 2.0 / 98},
			// No members file: Aarhus is one more adopter without membership.
			"non_member_adopters|portfolio|": {1, 2},
		}
		got := map[string][2]float64{}
		for _, c := range rep.Corrections {
			got[c.Definition+"|"+c.Subject+"|"+c.Scope] = [2]float64{c.Was, c.Now}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("corrections = %v, want %v", got, want)
		}
		if len(rep.RegisterChanges) != 1 {
			t.Fatalf("register changes = %+v", rep.RegisterChanges)
		}
		rc := rep.RegisterChanges[0]
		if rc.Organization != "751" || rc.Name != "Aarhus" || rc.Change != "recorded" || rc.Since != "2024-06-01" || rc.Product != "os2forms" {
			t.Fatalf("register change = %+v", rc)
		}
		var md bytes.Buffer
		if err := RenderReport(&md, cfg, rep, "md", "en"); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Changed figures", "| adopter | os2forms | all | 1 | 2 |", "Aarhus (751)"} {
			if !strings.Contains(md.String(), want) {
				t.Errorf("markdown notes lack %q", want)
			}
		}
	})
}

func reportConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Parse("r.toml", []byte(`
[[products]]
id = "os2forms"
name = "OS2forms"
governance_level = "3"
repos = ["OS2Forms/*"]
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func importReg(t *testing.T, store *storage.Store, sha string, rows []storage.AdoptionRecord) {
	t.Helper()
	ctx := context.Background()
	if err := store.SyncProducts(ctx, []storage.Product{{ID: "os2forms", Name: "OS2forms", GovernanceLevel: "3"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ImportRegister(ctx, storage.Register{Source: "test", SHA256: sha, Adoptions: rows}); err != nil {
		t.Fatal(err)
	}
}

func addCommit(t *testing.T, store *storage.Store, sha, at string) {
	t.Helper()
	ctx := context.Background()
	if err := store.UpsertRepository(ctx, storage.Repository{Forge: "github.com", Owner: "OS2Forms", Name: "os2forms"}, []string{"os2forms"}); err != nil {
		t.Fatal(err)
	}
	ts, _ := time.Parse(time.RFC3339, at)
	if _, err := store.AddContributions(ctx, []storage.Contribution{{RepositoryKey: storage.RepoKey("github.com", "OS2Forms", "os2forms"),
		Kind: storage.KindCommit, ExtID: sha, At: ts, Email: "ann@aarhus.dk"}}); err != nil {
		t.Fatal(err)
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
	store, cfg := exampleStore(t, driver)
	srv := New(Options{Config: cfg, Store: store, Figures: figures.New(store, cfg), Now: func() time.Time { return fixtureNow }})
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
		{"/report/2025?format=csv", 200, "text/csv", []string{"year,date,previous_date,definition,subject,scope,value,previous,change,status", "2025,2025-12-31,2024-12-31,members,portfolio,,69,66,3,"}},
		{"/report/2025?format=json", 200, "application/json", []string{`"year": 2025`, `"definition": "three_plus"`}},
		{"/report/1800", 400, "text/html", []string{"1800"}},
		{"/report/2025?format=pdf", 400, "text/html", []string{"pdf"}},
		{"/goals", 200, "text/html", []string{"Bestyrelsens mål", "35 % af medlemmerne bruger tre eller flere produkter", "status-"}},
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
