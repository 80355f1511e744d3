package figures

import (
	"context"
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
