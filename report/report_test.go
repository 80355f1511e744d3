package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"os2pulse/assets"
	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/figures/figurestest"
	"os2pulse/golden"
	"os2pulse/locale"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

const (
	xssName   = figurestest.XSSName
	xssScript = figurestest.XSSScript
	xssFunc   = figurestest.XSSFunc
)

// sampleReport is a hand-made report whose names carry the payloads.
func sampleReport() figures.Report {
	d := civil.MustParse("2025-12-31")
	forms := figures.ProductAdoption{ID: "os2forms", Name: "OS2forms", GovernanceLevel: "3", Adopters: figures.AdopterCounts{Municipalities: 4, Members: 4, All: 5}, ShareOfMunicipalities: 4.0 / 98, ShareOfMembers: 0.5}
	x := figures.ProductAdoption{ID: "x", Name: xssScript + xssFunc, GovernanceLevel: "1"}
	mp := figures.MembersPoint{Date: d, Members: 8, ThreePlus: 3, ThreePlusShare: 0.375, Distribution: figures.Distribution{"0": 3, "1": 2, "2": 0, "3": 2, "4": 1, "5+": 0}}
	pc := figures.ProductContributors{ID: "os2forms", Name: "OS2forms", ActiveContributors: figures.Know(3), ByAffiliation: &figures.Affiliations{Member: 1, Supplier: 1, Unknown: 1}, Repositories: 2, Complete: true}
	return figures.Report{
		Year: 2025, Date: d, PreviousDate: civil.MustParse("2024-12-31"), Portfolio: "OS2", ProducedAt: "2026-01-15T10:00:00.000000Z", WindowDays: 90,
		Members:           figures.ReportMembers{Current: 8, Previous: 7, Joined: []figures.OrgRef{{ID: "x", Name: xssName, Kind: "other"}}, Left: []figures.OrgRef{}},
		Governance:        []figures.GovernanceCount{{Level: "3", Products: []string{"OS2forms"}}},
		Adoption:          []figures.ReportAdoption{{Current: forms, Previous: x}, {Current: x, Previous: x}},
		Distribution:      figures.ReportDistribution{Current: mp, Previous: mp},
		NonMemberAdopters: []figures.NonMemberAdopter{{Organization: "y", Name: xssScript, Kind: "other", Products: []string{"os2forms"}}},
		Contributors:      []figures.ReportContributors{{Current: pc, Previous: pc}},
		Goals: []figures.GoalStatus{{ID: "g", TitleDA: "Mål", TitleEN: "Goal", Target: 60, Value: figures.Know(50.0), Baseline: figures.Know(40.0), Complete: true,
			BaselineDate: civil.MustParse("2024-01-01"), Deadline: civil.MustParse("2026-12-31"), Status: figures.GoalBehind}},
		Sources:         []figures.ReportSource{{Source: "register", Collected: "2026-01-15T09:00:00.000000Z", Result: "success"}},
		FirstProducedAt: "2026-01-10T10:00:00.000000Z",
		Corrections:     []figures.Correction{{Definition: "adopter", Subject: "os2forms", Scope: "all", Was: 4, Now: 5}},
		RegisterChanges: []figures.RegisterChange{{RecordedAt: "2026-01-12T10:00:00.000000Z", Change: "recorded", Organization: "x", Name: xssName,
			Product: "os2forms", Status: "production", Since: civil.MustParse("2025-03-01")}},
	}
}

// TestWriteEscapes writes the hand-made report in every format and
// language: register names stay text, and CSV and JSON parse.
func TestWriteEscapes(t *testing.T) {
	cfg, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []locale.Lang{locale.DA, locale.EN} {
		for _, format := range Formats {
			t.Run(string(l)+"/"+format, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Write(&buf, cfg, sampleReport(), format, l); err != nil {
					t.Fatal(err)
				}
				out := buf.String()
				switch format {
				case "html":
					// The one script is the print button's own.
					if strings.Contains(out, xssName) || strings.Count(out, "<script") != 1 || !strings.Contains(out, "<script>"+string(assets.PrintScript())+"</script>") {
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
					// For spreadsheets: the byte-order mark first.
					body, ok := strings.CutPrefix(out, "\uFEFF")
					if !ok {
						t.Fatal("csv without a byte-order mark")
					}
					rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
					if err != nil {
						t.Fatal(err)
					}
					if strings.Join(rows[0], ",") != "year,date,previous_date,definition,subject,scope,value,previous,change,status,complete,covered_until,last_known,last_known_date" || len(rows) < 20 {
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
	if err := Write(&bytes.Buffer{}, cfg, sampleReport(), "pdf", locale.DA); err == nil {
		t.Error("format pdf accepted")
	}
}

// styleElement is the inline style sheet of a standalone report: it is
// the site's, tested with the site, so the golden file leaves it out and a
// change of style does not change the report.
var styleElement = regexp.MustCompile(`(?s)<style>.*?</style>`)

// TestGolden compares the 2025 report of the example data with the golden
// files, in every format, on both databases (which must agree).
func TestGolden(t *testing.T) {
	for _, driver := range storagetest.Drivers {
		t.Run(driver, func(t *testing.T) {
			store, cfg := figurestest.Example(t, driver)
			rep, err := figures.New(store.ReadOnly(), cfg).ProduceReport(context.Background(), 2025, figurestest.ExampleClock)
			if err != nil {
				t.Fatal(err)
			}
			cases := []struct {
				format string
				lang   locale.Lang
			}{{"html", locale.DA}, {"md", locale.DA}, {"md", locale.EN}, {"csv", locale.DA}, {"json", locale.EN}}
			for _, c := range cases {
				var buf bytes.Buffer
				if err := Write(&buf, cfg, rep, c.format, c.lang); err != nil {
					t.Fatal(err)
				}
				got := buf.Bytes()
				if c.format == "html" {
					got = styleElement.ReplaceAll(got, []byte("<style>/* the site's style sheet */</style>"))
				}
				if driver != "sqlite" && golden.Update() {
					continue // written once, from SQLite
				}
				golden.Check(t, filepath.Join("testdata", "report-2025-"+string(c.lang)+"."+c.format), got)
			}
		})
	}
}

// TestListsRegisterCorrection: a correction of the register that changes
// a past figure is listed in the report's notes, against the copy kept
// when the report was published.
func TestListsRegisterCorrection(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		cfg, err := config.Parse("r.toml", []byte("[[products]]\nid = \"os2forms\"\nname = \"OS2forms\"\ngovernance_level = \"3\"\nrepos = [\"OS2Forms/*\"]\n"), nil)
		if err != nil {
			t.Fatal(err)
		}
		calc := figures.New(store.ReadOnly(), cfg)
		clock := time.Date(2025, 1, 10, 8, 0, 0, 0, time.UTC)
		store.SetClock(func() time.Time { return clock })
		importReg := func(sha string, rows ...storage.AdoptionRecord) {
			t.Helper()
			if err := store.SyncProducts(ctx, []storage.Product{{ID: "os2forms", Name: "OS2forms", GovernanceLevel: "3"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := store.ImportRegister(ctx, storage.Register{Source: "test", SHA256: sha, Adoptions: rows}); err != nil {
				t.Fatal(err)
			}
		}
		rec := func(org, since string) storage.AdoptionRecord {
			return storage.AdoptionRecord{OrganizationID: org, ProductID: "os2forms", Status: storage.StatusProduction, Since: civil.MustParse(since)}
		}
		importReg("a", rec("101", "2023-05-01"))
		first, err := calc.ProduceReport(ctx, 2024, clock)
		if err != nil {
			t.Fatal(err)
		}
		if first.FirstProducedAt != "" || len(first.Corrections) != 0 {
			t.Fatalf("before any copy: %q, %v", first.FirstProducedAt, first.Corrections)
		}
		// Keep a copy as "os2pulse report -keep" does.
		figs, err := calc.FiguresToKeep(ctx, 2024, clock)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.SaveReport(ctx, 2024, figs); err != nil {
			t.Fatal(err)
		}
		// Producing it again without changes lists nothing.
		again, err := calc.ProduceReport(ctx, 2024, clock.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if again.FirstProducedAt == "" || len(again.Corrections) != 0 || len(again.RegisterChanges) != 0 {
			t.Fatalf("unchanged reproduction: %q, %v, %v", again.FirstProducedAt, again.Corrections, again.RegisterChanges)
		}
		// A month later the secretariat learns that Aarhus ran OS2forms from
		// June 2024.
		clock = clock.AddDate(0, 1, 0)
		importReg("b", rec("101", "2023-05-01"), rec("751", "2024-06-01"))
		rep, err := calc.ProduceReport(ctx, 2024, clock)
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
		if len(got) != len(want) {
			t.Fatalf("corrections = %v, want %v", got, want)
		}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("correction %s = %v, want %v", k, got[k], w)
			}
		}
		if len(rep.RegisterChanges) != 1 {
			t.Fatalf("register changes = %+v", rep.RegisterChanges)
		}
		rc := rep.RegisterChanges[0]
		if rc.Organization != "751" || rc.Name != "Aarhus" || rc.Change != "recorded" || rc.Since.String() != "2024-06-01" || rc.Product != "os2forms" {
			t.Fatalf("register change = %+v", rc)
		}
		var md bytes.Buffer
		if err := Write(&md, cfg, rep, "md", locale.EN); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"Changed figures", "| Adopter of a product | OS2forms | all | 1 | 2 |", "| Non-member adopters | The portfolio |  | 1 | 2 |",
			"| OS2forms |  | 1.0% | 2.0% |", "Aarhus (751)",
			// Never collected: its contributor figures were not kept and are
			// not compared, and the notes say so.
			"Not compared, because the data did not reach 31 December 2024 when the copy was kept, or do not now: Active contributors (OS2forms, The portfolio)"} {
			if !strings.Contains(md.String(), want) {
				t.Errorf("markdown notes lack %q", want)
			}
		}
		if strings.Contains(md.String(), "0.0102") {
			t.Error("markdown notes write a share as a raw number")
		}
		// A year that has not ended is never kept.
		if _, err := calc.FiguresToKeep(ctx, 2025, clock); !errors.Is(err, figures.ErrYearNotFinished) {
			t.Errorf("FiguresToKeep of an unfinished year: %v, want ErrYearNotFinished", err)
		}
	})
}

// TestEveryFigureInWords: every figure a report holds has its definition
// and scope in words, so a correction never shows an identifier such as
// "largest_share".
func TestEveryFigureInWords(t *testing.T) {
	f := figurestest.Portfolio(t, storagetest.New(t, "sqlite"))
	r, err := f.Figures.Report(context.Background(), 2026, figurestest.Now)
	if err != nil {
		t.Fatal(err)
	}
	scopes := map[string]bool{}
	for _, fig := range r.Figures() {
		if _, ok := figures.LookupDefinition(fig.Definition); !ok {
			t.Errorf("definition %q has no title", fig.Definition)
		}
		if fig.Scope != "" {
			scopes[fig.Scope] = true
		}
	}
	for s := range scopes {
		if !locale.Has("report.scope." + s) {
			t.Errorf("scope %q has no words (shown as %q)", s, scopeWords(locale.EN, s))
		}
	}
	if len(scopes) < 20 {
		t.Errorf("only %d scopes: %v", len(scopes), scopes)
	}
}

// TestFigureText: a correction's values are written in their unit.
func TestFigureText(t *testing.T) {
	tests := []struct {
		unit string
		v    float64
		da   string
		en   string
	}{
		{figures.UnitShare, 0.5204, "52,0 %", "52.0%"},
		{figures.UnitCount, 7, "7", "7"},
		{figures.UnitCount, 1234, "1.234", "1,234"},
		{figures.UnitCount, 0.285, "0,3", "0.3"},
		{figures.UnitSeconds, 5400, "1,5 timer", "1.5 hours"},
	}
	for _, tt := range tests {
		if got := figureText(locale.DA, tt.unit, tt.v); got != tt.da {
			t.Errorf("figureText(da, %s, %v) = %q, want %q", tt.unit, tt.v, got, tt.da)
		}
		if got := figureText(locale.EN, tt.unit, tt.v); got != tt.en {
			t.Errorf("figureText(en, %s, %v) = %q, want %q", tt.unit, tt.v, got, tt.en)
		}
	}
}
