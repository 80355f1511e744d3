package figures_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/collector"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// coverageConfig is three products: forms with two GitHub repositories,
// mo with one repository imported from a git log, and iot with none.
const coverageConfig = `
[contributors]
window_days = 30
[[products]]
id = "forms"
name = "Forms"
governance_level = "3"
repos = ["OS2Forms/a", "OS2Forms/b"]
[[products]]
id = "mo"
name = "MO"
governance_level = "2"
repos = ["gitlab.com/magenta/mo"]
[[products]]
id = "iot"
name = "IoT"
governance_level = "1"
repos = ["OS2iot/*"]
`

// coverageStore parses coverageConfig plus extra and syncs its products.
func coverageStore(t *testing.T, store *storage.Store, extra string) *config.Config {
	t.Helper()
	cfg, err := config.Parse("c.toml", []byte(coverageConfig+extra), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SyncProducts(context.Background(), storage.ConfiguredProducts(cfg)); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// gitLog is a git log export of commits by one author on the given days.
func gitLog(author string, days ...string) string {
	var b strings.Builder
	b.WriteString(collector.GitLogHeader + "\n")
	for i, d := range days {
		fmt.Fprintf(&b, "%040x\t\t%sT12:00:00+00:00\t%sT12:00:00+00:00\t%s\t%s@example.org\t%s\t%s@example.org\n",
			i+1, d, d, author, author, author, author)
	}
	return b.String()
}

// TestContributorCoverage builds histories by hand on both databases:
// complete, incomplete by one day, a failing repository and a git log
// import ending early, and checks what each figure says it covers.
func TestContributorCoverage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		cfg := coverageStore(t, store, "")
		calc := figures.New(store.ReadOnly(), cfg)
		a, b := storage.RepoKey("github.com", "OS2Forms", "a"), storage.RepoKey("github.com", "OS2Forms", "b")
		for _, k := range []string{"a", "b"} {
			if err := store.UpsertRepository(ctx, storage.Repository{Forge: "github.com", Owner: "OS2Forms", Name: k}, []string{"forms"}); err != nil {
				t.Fatal(err)
			}
		}
		at := func(d string) time.Time { return civil.MustParse(d).Time().Add(10 * time.Hour) }
		if _, err := store.AddContributions(ctx, []storage.Contribution{
			{RepositoryKey: a, Kind: storage.KindCommit, ExtID: "a1", At: at("2026-05-15"), Login: "ann"},
			{RepositoryKey: b, Kind: storage.KindPullRequest, ExtID: "1", At: at("2026-05-20"), Login: "bo"},
		}); err != nil {
			t.Fatal(err)
		}
		d := civil.MustParse("2026-06-01")
		figure := func(date civil.Date) figures.Contributors {
			t.Helper()
			c, err := calc.Contributors(ctx, date, 30)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		product := func(c figures.Contributors, id string) figures.ProductContributors {
			for _, p := range c.Products {
				if p.ID == id {
					return p
				}
			}
			t.Fatalf("no product %s", id)
			return figures.ProductContributors{}
		}

		// Never collected: nothing is known, though contributions are
		// stored.
		if p := product(figure(d), "forms"); p.Complete || !p.CoveredUntil.IsZero() || p.ActiveContributors.OK() || p.ByAffiliation != nil || p.LastKnown != nil {
			t.Errorf("never collected: %+v, want incomplete, coverage and count unknown, nothing last known", p)
		}

		// Complete: both repositories collected on D.
		for _, k := range []string{a, b} {
			if err := store.RepositoryCollected(ctx, k, storage.RepoOK, d); err != nil {
				t.Fatal(err)
			}
		}
		if c := figure(d); !product(c, "forms").Complete || product(c, "forms").CoveredUntil != d {
			t.Errorf("collected on %s: %+v", d, product(c, "forms"))
		}

		// Incomplete by one day: b fails on D+1 and keeps its coverage,
		// while a is collected again.
		next := d.AddDays(1)
		if err := store.RepositoryCollected(ctx, a, storage.RepoOK, next); err != nil {
			t.Fatal(err)
		}
		if err := store.SetRepositoryStatus(ctx, b, storage.RepoNotFound, "404", ""); err != nil {
			t.Fatal(err)
		}
		c := figure(next)
		if p := product(c, "forms"); p.Complete || p.CoveredUntil != d || p.ActiveContributors.OK() ||
			p.LastKnown == nil || p.LastKnown.Date != d || p.LastKnown.ActiveContributors != 2 {
			t.Errorf("one day short: %+v (last known %+v), want incomplete, covered until %s, 2 then", p, p.LastKnown, d)
		}
		if p := product(figure(d), "forms"); !p.Complete {
			t.Errorf("on the day the data reach: %+v, want complete", p)
		}
		if rs, _ := store.Repositories(ctx, "forms"); rs[1].Key != b || rs[1].CoveredUntil != d || rs[1].FailingSince == "" {
			t.Errorf("failing repository: %+v, want its coverage kept and failing since set", rs[1])
		}

		// A git log import ending early: its last commit is on 10 May;
		// said to cover up to 25 May, it reaches that far.
		mo := config.RepoSpec{Forge: "gitlab.com", Owner: "magenta", Name: "mo"}
		if _, _, err := collector.ImportActivity(ctx, store, cfg, mo, "mo.tsv", openString(gitLog("cy", "2026-05-02", "2026-05-10")), 0); err != nil {
			t.Fatal(err)
		}
		if p := product(figure(d), "mo"); p.Complete || p.CoveredUntil.String() != "2026-05-10" || p.ActiveContributors.OK() ||
			p.LastKnown == nil || p.LastKnown.ActiveContributors != 1 || p.LastKnown.Date.String() != "2026-05-10" {
			t.Errorf("import up to its last commit: %+v (last known %+v)", p, p.LastKnown)
		}
		if _, _, err := collector.ImportActivity(ctx, store, cfg, mo, "mo.tsv", openString(gitLog("cy", "2026-05-02", "2026-05-10")),
			civil.MustParse("2026-05-25")); err != nil {
			t.Fatal(err)
		}
		c = figure(d)
		if p := product(c, "mo"); p.Complete || p.CoveredUntil.String() != "2026-05-25" {
			t.Errorf("import with covered_until: %+v", p)
		}
		if p := product(figure(civil.MustParse("2026-05-25")), "mo"); !p.Complete {
			t.Errorf("import on its covered_until: %+v, want complete", p)
		}

		// A product without any repository is never complete; the
		// portfolio is as early as its earliest repository.
		if p := product(c, "iot"); p.Complete || !p.CoveredUntil.IsZero() || p.Repositories != 0 {
			t.Errorf("no repository: %+v", p)
		}
		if c.PortfolioComplete || c.PortfolioCoveredUntil.String() != "2026-05-25" || c.PortfolioActiveContributors.OK() ||
			c.PortfolioLastKnown == nil || c.PortfolioLastKnown.Date.String() != "2026-05-25" {
			t.Errorf("portfolio on %s: complete %v until %s, %v active, last known %+v", d, c.PortfolioComplete, c.PortfolioCoveredUntil,
				c.PortfolioActiveContributors, c.PortfolioLastKnown)
		}
		if got := figures.LastComplete(c.PortfolioCoveredUntil, d); got.String() != "2026-05-25" {
			t.Errorf("last complete date %s", got)
		}

		// A series marks the points after the coverage.
		s, err := calc.ContributorSeries(ctx, "", civil.MustParse("2026-04-01"), next, figures.Month, 30)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range s.Points {
			got = append(got, fmt.Sprintf("%s:%v", p.Date, p.Complete))
		}
		if want := "2026-04-30:true 2026-05-31:false 2026-06-02:false"; strings.Join(got, " ") != want || s.CoveredUntil.String() != "2026-05-25" {
			t.Errorf("series %v until %s, want %s until 2026-05-25", got, s.CoveredUntil, want)
		}

		// The product detail says the same as the product figure.
		act, err := calc.ProductActivity(ctx, "forms", next, 30)
		if err != nil {
			t.Fatal(err)
		}
		if act.Complete || act.CoveredUntil != d {
			t.Errorf("product activity: complete %v until %s", act.Complete, act.CoveredUntil)
		}

		// A moved repository's history continues under its new name: it
		// does not hold its product back.
		if err := store.SetRepositoryStatus(ctx, b, storage.RepoMoved, "", storage.RepoKey("github.com", "OS2Forms", "a")); err != nil {
			t.Fatal(err)
		}
		if p := product(figure(next), "forms"); !p.Complete || p.CoveredUntil != next {
			t.Errorf("after b moved: %+v, want complete up to %s", p, next)
		}
	})
}

// TestRegisterCoverage: adoption and membership figures about a date
// after the register's last successful reading say which date they show.
func TestRegisterCoverage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		calc := figures.New(store.ReadOnly(), coverageStore(t, store, ""))
		// Imported at 23:30 UTC on 9 March: 10 March in Denmark.
		store.SetClock(func() time.Time { return time.Date(2026, 3, 9, 23, 30, 0, 0, time.UTC) })
		if _, err := store.ImportRegister(ctx, storage.Register{Source: "r.csv", SHA256: "x",
			Adoptions: []storage.AdoptionRecord{{OrganizationID: "101", ProductID: "forms", Status: storage.StatusProduction, Since: civil.MustParse("2020-01-01")}}}); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct{ date, want string }{{"2026-03-10", ""}, {"2026-03-11", "2026-03-10"}, {"2025-01-01", ""}} {
			a, err := calc.Adoption(ctx, civil.MustParse(tt.date))
			if err != nil {
				t.Fatal(err)
			}
			m, err := calc.Members(ctx, civil.MustParse(tt.date))
			if err != nil {
				t.Fatal(err)
			}
			if a.RegisteredOn.String() != tt.want || m.RegisteredOn.String() != tt.want {
				t.Errorf("on %s: registered on %q / %q, want %q", tt.date, a.RegisteredOn, m.RegisteredOn, tt.want)
			}
		}
		// A later collection that finds the register unchanged moves the
		// coverage on, without a new import.
		store.SetClock(func() time.Time { return time.Date(2026, 3, 12, 8, 0, 0, 0, time.UTC) })
		run, err := store.StartRun(ctx, "register", "test")
		if err != nil {
			t.Fatal(err)
		}
		run.Result = storage.RunSuccess
		if err := store.FinishRun(ctx, run); err != nil {
			t.Fatal(err)
		}
		if got, err := calc.RegisterCoverage(ctx); err != nil || got.String() != "2026-03-12" {
			t.Errorf("register coverage %s (%v), want 2026-03-12", got, err)
		}
	})
}

// TestGoalOnDateAndDeadline: a goal's value is the value on the date
// asked; once the deadline has passed, the goal is judged by its value on
// the deadline, which is given too. A contributor goal whose data do not
// reach the date says so.
func TestGoalOnDateAndDeadline(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		cfg := coverageStore(t, store, `
[[goals]]
id = "members"
title = "Tre medlemmer"
metric = "members"
target = 3
baseline_date = 2025-01-01
deadline = 2025-06-30

[[goals]]
id = "people"
title = "To bidragydere"
metric = "active_contributors"
product = "forms"
target = 2
baseline_date = 2025-01-01
deadline = 2027-12-31
`)
		m := func(org, since string) storage.Membership {
			return storage.Membership{OrganizationID: org, Since: civil.MustParse(since)}
		}
		// Two members by the deadline, a third joins after it.
		if _, err := store.ImportRegister(ctx, storage.Register{Source: "r", SHA256: "r",
			Members: []storage.Membership{m("101", "2024-01-01"), m("751", "2025-03-01"), m("461", "2025-09-01")}}); err != nil {
			t.Fatal(err)
		}
		key := storage.RepoKey("github.com", "OS2Forms", "a")
		if err := store.UpsertRepository(ctx, storage.Repository{Forge: "github.com", Owner: "OS2Forms", Name: "a"}, []string{"forms"}); err != nil {
			t.Fatal(err)
		}
		if err := store.RepositoryCollected(ctx, key, storage.RepoOK, civil.MustParse("2025-10-01")); err != nil {
			t.Fatal(err)
		}
		goals, err := figures.New(store.ReadOnly(), cfg).Goals(ctx, civil.MustParse("2025-12-01"))
		if err != nil {
			t.Fatal(err)
		}
		g := goals[0]
		if g.Value != figures.Know(3.0) || g.ValueOnDeadline == nil || *g.ValueOnDeadline != figures.Know(2.0) || g.Status != figures.GoalMissed || !g.Complete {
			t.Errorf("members goal: value %v, on the deadline %v, %s, complete %v; want 3, 2, missed, complete", g.Value, g.ValueOnDeadline, g.Status, g.Complete)
		}
		g = goals[1]
		if g.ValueOnDeadline != nil || g.Complete || g.CoveredUntil.String() != "2025-10-01" {
			t.Errorf("contributor goal: on the deadline %v, complete %v until %s; want none, incomplete until 2025-10-01", g.ValueOnDeadline, g.Complete, g.CoveredUntil)
		}
		// Not known on the date, so no status either; the value on the
		// last date the data reach stands beside it.
		if g.Value.OK() || g.Status != figures.GoalUnknown || g.LastKnown == nil || g.LastKnown.Date.String() != "2025-10-01" {
			t.Errorf("contributor goal: value %v, status %q, last known %+v; want null, unknown, on 2025-10-01", g.Value, g.Status, g.LastKnown)
		}
		// Its projection uses only the months the data reach: the
		// baseline day and the month ends up to September.
		if p := g.Projection; p == nil || p.Months != 10 || p.Through.String() != "2025-09-30" {
			t.Errorf("contributor goal: projection %+v; want 10 months through 2025-09-30", p)
		}
	})
}

// openString opens s as a file's content, for ImportActivity.
func openString(s string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }
}
