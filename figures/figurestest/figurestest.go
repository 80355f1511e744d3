// Package figurestest is a portfolio whose every figure is known by hand,
// for the tests of the packages that present figures: pages, the API,
// /metrics. Its names carry script payloads, so those tests also check
// that every string from the register and GitHub is escaped.
package figurestest

import (
	"context"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/storage"
)

// Payloads that must only ever show as text: in an organisation name, a
// repository description and a product name (which reaches chart JSON).
const (
	XSSName   = `<img src=x onerror=alert(1)>`
	XSSScript = `</script><script>alert(1)</script>`
	XSSFunc   = `__f__alert(1)__f__`
)

// Now is "today" in the fixture: 2026-11-23 12:00 UTC.
var Now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// Fixture is the example portfolio's configuration with a small
// register written so that every figure on 2026-11-23 is known by hand:
//
//	members today (8): 101, 751, 461, 147, 860, xss, region-h, f-org
//	members a year earlier (7): 101, 751, 461, 540, xss, region-h, f-org
//	products in production per member today: 101:4, 751:3, xss:3,
//	461:1, region-h:1, 147:0, 860:0, f-org:0 → three or more 3/8 = 37,5 %
//	(a year earlier 3/7 = 42,9 %)
//	os2forms in production in 4 municipalities today (101, 751, 461, 540)
//	and 5 a year earlier (147 stopped 2026-06-01)
//	active contributors (90 days) today: alice (Aarhus), bob (Magenta),
//	carol; a year earlier: dave. os2forms's repositories are collected up
//	to today, so its figures and the portfolio's are complete; no other
//	product has a repository, so theirs are not.
type Fixture struct {
	Store   *storage.Store
	Config  *config.Config
	Figures *figures.Calculator
}

// Portfolio fills store with the fixture's register and activity and
// returns the figures over it.
func Portfolio(t testing.TB, store *storage.Store) *Fixture {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	// A product name reaches the charts' JSON, so one carries the script
	// payloads.
	for i := range cfg.Products {
		if cfg.Products[i].ID == "os2skadesokonomi" {
			cfg.Products[i].Name = "Skade" + XSSScript + XSSFunc
		}
	}
	products := storage.ConfiguredProducts(cfg)
	// "os2gone" exists while the register is imported, then leaves the
	// configuration: its register row references nothing.
	must(t, store.SyncProducts(ctx, append(products, storage.Product{ID: "os2gone", Name: "OS2gone", GovernanceLevel: "1"})))
	reg := storage.Register{
		Source: "fixture", SHA256: "fixture",
		Organizations: []storage.Organization{
			{ID: "xss", Name: XSSName, Kind: storage.KindOther},
			{ID: "f-org", Name: XSSFunc, Kind: storage.KindState},
			{ID: "region-h", Name: "Region Hovedstaden", Kind: storage.KindRegion},
		},
		Members: []storage.Membership{
			{OrganizationID: "101", Since: civil.MustParse("2018-01-01")},
			{OrganizationID: "751", Since: civil.MustParse("2018-01-01")},
			{OrganizationID: "461", Since: civil.MustParse("2020-01-01")},
			{OrganizationID: "540", Since: civil.MustParse("2019-01-01"), Until: civil.MustParse("2026-01-01")},
			{OrganizationID: "147", Since: civil.MustParse("2026-03-01")},
			{OrganizationID: "860", Since: civil.MustParse("2026-06-01")},
			{OrganizationID: "xss", Since: civil.MustParse("2024-01-01")},
			{OrganizationID: "region-h", Since: civil.MustParse("2021-01-01")},
			{OrganizationID: "f-org", Since: civil.MustParse("2022-01-01")},
		},
		Adoptions: []storage.AdoptionRecord{
			{OrganizationID: "101", ProductID: "os2forms", Status: storage.StatusProduction, Since: civil.MustParse("2019-01-01")},
			{OrganizationID: "101", ProductID: "os2display", Status: storage.StatusProduction, Since: civil.MustParse("2020-01-01")},
			{OrganizationID: "101", ProductID: "os2borgerpc", Status: storage.StatusProduction, Since: civil.MustParse("2021-01-01")},
			{OrganizationID: "101", ProductID: "os2mo", Status: storage.StatusProduction, Since: civil.MustParse("2022-05-01")},
			{OrganizationID: "751", ProductID: "os2forms", Status: storage.StatusProduction, Since: civil.MustParse("2018-06-01")},
			{OrganizationID: "751", ProductID: "os2display", Status: storage.StatusProduction, Since: civil.MustParse("2019-01-01")},
			{OrganizationID: "751", ProductID: "os2iot", Status: storage.StatusProduction, Since: civil.MustParse("2023-01-01")},
			{OrganizationID: "461", ProductID: "os2forms", Status: storage.StatusProduction, Since: civil.MustParse("2021-01-01")},
			{OrganizationID: "461", ProductID: "os2borgerpc", Status: storage.StatusPilot, Since: civil.MustParse("2026-01-01")},
			{OrganizationID: "540", ProductID: "os2forms", Status: storage.StatusProduction, Since: civil.MustParse("2019-06-01")},
			{OrganizationID: "540", ProductID: "os2display", Status: storage.StatusProduction, Since: civil.MustParse("2020-01-01")},
			{OrganizationID: "147", ProductID: "os2forms", Status: storage.StatusProduction, Since: civil.MustParse("2025-06-01"), Until: civil.MustParse("2026-06-01")},
			{OrganizationID: "147", ProductID: "os2display", Status: storage.StatusPlanned, Since: civil.MustParse("2026-09-01")},
			{OrganizationID: "xss", ProductID: "os2forms", Status: storage.StatusProduction, Since: civil.MustParse("2024-02-01")},
			{OrganizationID: "xss", ProductID: "os2kitos", Status: storage.StatusProduction, Since: civil.MustParse("2024-02-01")},
			{OrganizationID: "xss", ProductID: "os2faktor", Status: storage.StatusProduction, Since: civil.MustParse("2024-02-01")},
			{OrganizationID: "region-h", ProductID: "os2mo", Status: storage.StatusProduction, Since: civil.MustParse("2021-06-01")},
			{OrganizationID: "250", ProductID: "os2borgerpc", Status: storage.StatusProduction, Since: civil.MustParse("2023-01-01")},
			{OrganizationID: "751", ProductID: "os2gone", Status: storage.StatusProduction, Since: civil.MustParse("2020-01-01")},
		},
	}
	if _, err := store.ImportRegister(ctx, reg); err != nil {
		t.Fatal(err)
	}
	must(t, store.SyncProducts(ctx, products))

	forms := storage.RepoKey("github.com", "OS2Forms", "os2forms")
	must(t, store.UpsertRepository(ctx, storage.Repository{
		Forge: "github.com", Owner: "OS2Forms", Name: "os2forms", Description: XSSScript + " " + XSSFunc + " " + XSSName,
		DefaultBranch: "main", CheckedAt: "2026-11-23T06:00:00Z",
	}, []string{"os2forms"}))
	must(t, store.UpsertRepository(ctx, storage.Repository{
		Forge: "github.com", Owner: "OS2Forms", Name: "gone", Status: storage.RepoNotFound,
		LastError: "GET /repos/OS2Forms/gone: 404 Not Found", CheckedAt: "2026-11-23T06:00:00Z",
	}, []string{"os2forms"}))
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	_, err = store.AddContributions(ctx, []storage.Contribution{
		{RepositoryKey: forms, Kind: storage.KindCommit, ExtID: "a1", At: at("2026-11-01T10:00:00Z"), Login: "alice", Email: "alice@aarhus.dk"},
		{RepositoryKey: forms, Kind: storage.KindCommit, ExtID: "a2", At: at("2026-11-02T10:00:00Z"), Login: "alice", Email: "alice@aarhus.dk"},
		{RepositoryKey: forms, Kind: storage.KindCommit, ExtID: "a3", At: at("2026-11-03T10:00:00Z"), Login: "alice", Email: "alice@aarhus.dk"},
		{RepositoryKey: forms, Kind: storage.KindCommit, ExtID: "b1", At: at("2026-10-01T10:00:00Z"), Login: "bob", Email: "bob@magenta.dk"},
		{RepositoryKey: forms, Kind: storage.KindPullRequest, ExtID: "7", At: at("2026-09-15T10:00:00Z"), Login: "carol"},
		{RepositoryKey: forms, Kind: storage.KindCommit, ExtID: "bot1", At: at("2026-11-04T10:00:00Z"), Login: "dependabot[bot]"},
		{RepositoryKey: forms, Kind: storage.KindCommit, ExtID: "bot2", At: at("2026-11-05T10:00:00Z"), Login: "dependabot[bot]"},
		{RepositoryKey: forms, Kind: storage.KindCommit, ExtID: "d1", At: at("2025-10-01T10:00:00Z"), Login: "dave"},
	})
	must(t, err)
	// Collected this morning (a GitHub poll keeps a snapshot); "gone" was
	// last found earlier the same day.
	must(t, store.PutSnapshot(ctx, storage.Snapshot{RepositoryKey: forms, Day: civil.Of(Now), Stars: 12}))
	must(t, store.RaiseCoverage(ctx, forms, civil.Of(Now)))
	must(t, store.RaiseCoverage(ctx, storage.RepoKey("github.com", "OS2Forms", "gone"), civil.Of(Now)))

	store.SetClock(func() time.Time { return Now })
	run, err := store.StartRun(ctx, config.SourceGitHub, "test")
	must(t, err)
	run.Result = storage.RunPartial
	run.Errors = []storage.RunError{{Item: "OS2Forms/gone", Error: "404 Not Found"}}
	must(t, store.FinishRun(ctx, run))
	run, err = store.StartRun(ctx, config.SourceRegister, "test")
	must(t, err)
	run.Result = storage.RunSuccess
	must(t, store.FinishRun(ctx, run))

	return &Fixture{Store: store, Config: cfg, Figures: figures.New(store.ReadOnly(), cfg)}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
