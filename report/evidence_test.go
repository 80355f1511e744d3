package report

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/figures"
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
