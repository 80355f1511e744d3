package report

import (
	"bytes"
	"context"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/collector"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/figures/figurestest"
	"os2pulse/locale"
	"os2pulse/selfeval"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestEvidenceSection: the 2025 report lists, per product with a
// self-evaluation at the end of the year, where it and the data disagree
// (Alfa says its licence is there and its purpose is not described; the
// data find no licence and a README); Bravo agrees with the data.
func TestEvidenceSection(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		cfg, err := config.Parse("evidence.toml", []byte(`
[governance]
organizations = ["alfa-org"]
[[products]]
id = "alfa"
name = "Alfa"
governance_level = "1"
repos = ["alfa-org/core"]
[[products]]
id = "bravo"
name = "Bravo"
governance_level = "1"
repos = ["alfa-org/bravo"]
`), nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.SyncProducts(ctx, storage.ConfiguredProducts(cfg)); err != nil {
			t.Fatal(err)
		}
		// A report needs a register.
		if _, err := store.ImportRegister(ctx, storage.Register{Source: "r.csv", SHA256: "r", Adoptions: []storage.AdoptionRecord{
			{OrganizationID: "101", ProductID: "alfa", Status: storage.StatusProduction, Since: civil.MustParse("2020-05-01")},
		}}); err != nil {
			t.Fatal(err)
		}
		end := civil.MustParse("2025-12-31")
		for _, r := range []struct{ name, product string }{{"core", "alfa"}, {"bravo", "bravo"}} {
			if err := store.UpsertRepository(ctx, storage.Repository{Forge: "github.com", Owner: "alfa-org", Name: r.name}, []string{r.product}); err != nil {
				t.Fatal(err)
			}
			if err := store.PutHygiene(ctx, storage.Hygiene{RepositoryKey: storage.RepoKey("github.com", "alfa-org", r.name),
				Day: end.AddDays(-5), Readme: true, License: map[string]string{"core": "", "bravo": "MIT"}[r.name]}); err != nil {
				t.Fatal(err)
			}
		}
		line := func(id, state string) storage.SelfEvaluationRequirement {
			return storage.SelfEvaluationRequirement{ID: id, Category: "formkrav", Level: "sandbox", State: state, Text: "Krav " + id}
		}
		for product, reqs := range map[string][]storage.SelfEvaluationRequirement{
			"alfa":  {line("F2", selfeval.Met), line("F5", selfeval.NotMet), line("F3", selfeval.Met)},
			"bravo": {line("F2", selfeval.Met), line("F5", selfeval.Met)},
		} {
			if _, err := store.PutSelfEvaluation(ctx, storage.SelfEvaluation{ProductID: product, Filled: civil.MustParse("2025-06-01"),
				Source: "x.json", FilledBy: "S", SHA256: product, Requirements: reqs}); err != nil {
				t.Fatal(err)
			}
		}
		calc := figures.New(store.ReadOnly(), cfg)
		rep, err := calc.ProduceReport(ctx, 2025, time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		var md bytes.Buffer
		if err := Write(&md, cfg, rep, "md", locale.EN); err != nil {
			t.Fatal(err)
		}
		out := md.String()
		start := strings.Index(out, "## Disagreements between self-evaluation and evidence")
		if start < 0 {
			t.Fatalf("no evidence section:\n%s", out)
		}
		section := out[start:]
		section = section[:strings.Index(section[3:], "\n## ")+3]
		for _, want := range []string{
			"2 products had a self-evaluation; 1 of them have disagreements.",
			"| Alfa | 1 June 2025 | F2 | Met | Not found | alfa-org/core: no licence found |",
			"| Alfa | 1 June 2025 | F5 | Not met | Found | alfa-org/core: README |",
		} {
			if !strings.Contains(section, want) {
				t.Errorf("the section lacks %q:\n%s", want, section)
			}
		}
		if strings.Contains(section, "Bravo") || strings.Contains(section, "| F3 |") {
			t.Errorf("a product or requirement without disagreement is listed:\n%s", section)
		}
	})
}

// TestExampleEvidenceSection: the example portfolio's 2025 report, with
// OS2display's own self-evaluations read as the collector reads them and
// its forks listed: the section lists OS2display's disagreements, and
// only those of the product pages' evidence at the end of the year.
func TestExampleEvidenceSection(t *testing.T) {
	for _, driver := range storagetest.Drivers {
		t.Run(driver, func(t *testing.T) { exampleEvidenceSection(t, driver) })
	}
}

func exampleEvidenceSection(t *testing.T, driver string) {
	{
		ctx := context.Background()
		store, cfg := figurestest.Example(t, driver)
		log := slog.New(slog.DiscardHandler)
		lease := collector.NewLease(store, "evidence", time.Hour, log)
		if _, err := collector.New(store, lease, []collector.Source{collector.NewSelfEvalSource(cfg, store, nil, log)}, nil, log, nil).RunOnce(ctx, "selfeval"); err != nil {
			t.Fatal(err)
		}
		end := civil.MustParse("2025-12-31")
		key := storage.RepoKey("github.com", "os2display", "display-client")
		fork := storage.ListedFork{Fork: "aarhus/display-client", Branch: "main", PushedAt: end.AddDays(-30).Time()}
		if err := store.PutForkListing(ctx, key, end.AddDays(-3), []storage.ListedFork{fork}); err != nil {
			t.Fatal(err)
		}
		if err := store.PutForkComparison(ctx, key, fork, end.AddDays(-3), 34, 5); err != nil {
			t.Fatal(err)
		}
		calc := figures.New(store.ReadOnly(), cfg)
		rep, err := calc.ProduceReport(ctx, 2025, figurestest.ExampleClock)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := calc.ProductEvidence(ctx, "os2display", end)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, r := range ev.Requirements {
			if r.Disagrees {
				want = append(want, r.ID)
			}
		}
		var got []string
		for _, p := range rep.Evidence {
			for _, r := range p.Disagreements {
				got = append(got, p.Product+" "+r.ID)
			}
		}
		// The page's disagreements, and no other product's: F12 (says met;
		// the fork is 34 ahead).
		if !reflect.DeepEqual(want, []string{"F12"}) || !reflect.DeepEqual(got, []string{"os2display F12"}) {
			t.Fatalf("report's disagreements %v, the product page's %v; want F12 of os2display", got, want)
		}
		var md bytes.Buffer
		if err := Write(&md, cfg, rep, "md", locale.EN); err != nil {
			t.Fatal(err)
		}
		for _, line := range []string{
			"2 products had a self-evaluation; 1 of them have disagreements.",
			"| OS2display | 15 September 2025 | F12 | Met | Not found | aarhus/display-client: a fork of os2display/display-client, 34 commits ahead of its default branch (more than 20) |",
		} {
			if !strings.Contains(md.String(), line) {
				t.Errorf("the section lacks %q:\n%s", line, md.String()[strings.Index(md.String(), "## Disagreements"):])
			}
		}
	}
}
