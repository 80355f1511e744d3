package figures

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestReportStableAgainstLaterData: register rows and commits about dates
// after the year do not change its figures.
func TestReportStableAgainstLaterData(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		cfg := reportConfig(t)
		calc := New(store.ReadOnly(), cfg)
		importReg(t, store, "a", []storage.AdoptionRecord{
			{OrganizationID: "101", ProductID: "os2forms", Status: storage.StatusProduction, Since: civil.MustParse("2023-05-01")},
			{OrganizationID: "751", ProductID: "os2forms", Status: storage.StatusPilot, Since: civil.MustParse("2024-02-01")},
		})
		addCommit(t, store, "c1", "2024-11-30T10:00:00Z")
		before, err := calc.Report(ctx, 2024, reportClock)
		if err != nil {
			t.Fatal(err)
		}
		// Later: 751 goes into production in 2025, 461 joins in 2025, and
		// a commit is made in 2025.
		importReg(t, store, "b", []storage.AdoptionRecord{
			{OrganizationID: "101", ProductID: "os2forms", Status: storage.StatusProduction, Since: civil.MustParse("2023-05-01")},
			{OrganizationID: "751", ProductID: "os2forms", Status: storage.StatusPilot, Since: civil.MustParse("2024-02-01"), Until: civil.MustParse("2025-03-01")},
			{OrganizationID: "751", ProductID: "os2forms", Status: storage.StatusProduction, Since: civil.MustParse("2025-03-01")},
			{OrganizationID: "461", ProductID: "os2forms", Status: storage.StatusProduction, Since: civil.MustParse("2025-01-01")},
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

// reportClock is when the reports in these tests are produced.
var reportClock = time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)

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

// TestCorrections: only figures complete in both the kept copy and now are
// compared, and only a difference that shows (four decimals) is a
// correction; the rest are listed as not compared.
func TestCorrections(t *testing.T) {
	fig := func(def, subject, scope string, v float64, complete bool) ReportFigure {
		return ReportFigure{Definition: def, Subject: subject, Scope: scope, Value: Know(v), Complete: complete, Unit: UnitCount}
	}
	tests := []struct {
		name        string
		was, now    []ReportFigure
		corrections []Correction
		notCompared []FigureRef
	}{
		{"unchanged", []ReportFigure{fig("members", "portfolio", "", 8, true)}, []ReportFigure{fig("members", "portfolio", "", 8, true)}, nil, nil},
		{"a real change", []ReportFigure{fig("members", "portfolio", "", 8, true)}, []ReportFigure{fig("members", "portfolio", "", 9, true)},
			[]Correction{{Definition: "members", Subject: "portfolio", Unit: UnitCount, Was: 8, Now: 9}}, nil},
		{"below the fourth decimal", []ReportFigure{fig("three_plus", "portfolio", "share", 0.52040001, true)},
			[]ReportFigure{fig("three_plus", "portfolio", "share", 0.52040004, true)}, nil, nil},
		{"a share that shows", []ReportFigure{fig("three_plus", "portfolio", "share", 0.5204, true)},
			[]ReportFigure{fig("three_plus", "portfolio", "share", 0.5306, true)},
			[]Correction{{Definition: "three_plus", Subject: "portfolio", Scope: "share", Unit: UnitCount, Was: 0.5204, Now: 0.5306}}, nil},
		{"incomplete in the kept copy", []ReportFigure{fig("active_contributors", "os2forms", "all", 0, false)},
			[]ReportFigure{fig("active_contributors", "os2forms", "all", 7, true)}, nil,
			[]FigureRef{{Definition: "active_contributors", Subject: "os2forms", Scope: "all"}}},
		{"not in the kept copy", nil, []ReportFigure{fig("non_member_adopters", "751", "products", 1, true)}, nil, nil},
		{"incomplete now", []ReportFigure{fig("active_contributors", "os2forms", "all", 7, true)},
			[]ReportFigure{fig("active_contributors", "os2forms", "all", 3, false)}, nil,
			[]FigureRef{{Definition: "active_contributors", Subject: "os2forms", Scope: "all"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, left := corrections(tt.was, tt.now)
			if len(got) != len(tt.corrections) || (len(got) > 0 && !reflect.DeepEqual(got, tt.corrections)) {
				t.Errorf("corrections = %+v, want %+v", got, tt.corrections)
			}
			if len(left) != len(tt.notCompared) || (len(left) > 0 && !reflect.DeepEqual(left, tt.notCompared)) {
				t.Errorf("not compared = %+v, want %+v", left, tt.notCompared)
			}
		})
	}
}

// TestKeepReportHoldsCompleteFigures: a kept copy holds only the figures
// whose data reach 31 December; the contributor figures of a product
// never collected are left out, so collecting it later corrects nothing.
func TestKeepReportHoldsCompleteFigures(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		calc := New(store.ReadOnly(), reportConfig(t))
		importReg(t, store, "a", []storage.AdoptionRecord{
			{OrganizationID: "101", ProductID: "os2forms", Status: storage.StatusProduction, Since: civil.MustParse("2023-05-01")},
		})
		keep, err := calc.FiguresToKeep(ctx, 2024, reportClock)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.SaveReport(ctx, 2024, keep); err != nil {
			t.Fatal(err)
		}
		stored, err := store.FirstReport(ctx, 2024)
		if err != nil {
			t.Fatal(err)
		}
		var held []ReportFigure
		if err := json.Unmarshal([]byte(stored.Figures), &held); err != nil {
			t.Fatal(err)
		}
		defs := map[string]bool{}
		for _, f := range held {
			if !f.Complete && (f.Value.OK() || f.Previous.OK() || f.HasPrevious) {
				t.Errorf("kept copy holds the value of incomplete %s", f.Key())
			}
			defs[f.Definition] = f.Complete
		}
		if !defs["members"] || !defs["adopter"] || defs["active_contributors"] || defs["contributor_concentration"] {
			t.Fatalf("kept definitions (complete) %v: want the register's complete, no contributor figure", defs)
		}
		r, err := calc.ProduceReport(ctx, 2024, reportClock)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Corrections) != 0 {
			t.Errorf("corrections %+v, want none", r.Corrections)
		}
		left := map[string]bool{}
		for _, f := range r.NotCompared {
			left[f.Definition+"|"+f.Subject+"|"+f.Scope] = true
		}
		if !left["active_contributors|os2forms|all"] || !left["active_contributors|portfolio|all"] || left["members|portfolio|"] {
			t.Errorf("not compared %v", left)
		}
	})
}
