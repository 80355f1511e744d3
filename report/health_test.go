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
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestHealthSection: the report shows the self-evaluation in force at the
// end of the year beside the one a year before, and each health signal
// with its change, and its figures carry both years.
func TestHealthSection(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		cfg, err := config.Parse("levels.toml", []byte(levelsConfig), nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.SyncProducts(ctx, storage.ConfiguredProducts(cfg)); err != nil {
			t.Fatal(err)
		}
		if _, err := store.ImportRegister(ctx, storage.Register{Source: "r.csv", SHA256: "r", Adoptions: []storage.AdoptionRecord{
			{OrganizationID: "101", ProductID: "alfa", Status: storage.StatusProduction, Since: civil.MustParse("2020-05-01")},
		}}); err != nil {
			t.Fatal(err)
		}
		line := func(id, level, state string) storage.SelfEvaluationRequirement {
			return storage.SelfEvaluationRequirement{ID: id, Category: "formkrav", Level: level, State: state, Text: "Krav"}
		}
		for date, states := range map[string][4]string{"2023-05-01": {"met", "not_met", "unanswered", "unanswered"}, "2024-06-01": {"met", "met", "unknown", "unanswered"}} {
			if _, err := store.PutSelfEvaluation(ctx, storage.SelfEvaluation{ProductID: "alfa", Filled: civil.MustParse(date), Source: "x.json",
				FilledBy: "Styregruppen", SHA256: date, Requirements: []storage.SelfEvaluationRequirement{
					line("F1", "sandbox", states[0]), line("F2", "1", states[1]), line("F3", "2", "planned"),
					line("F4", "3", states[2]), line("F5", "3", states[3])}}); err != nil {
				t.Fatal(err)
			}
		}
		rep, err := figures.New(store.ReadOnly(), cfg).ProduceReport(ctx, 2024, time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		var md bytes.Buffer
		if err := Write(&md, cfg, rep, "md", locale.EN); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			"## Product health",
			"| Alfa | Governance level 2 | Governance level 1 | 1 June 2024 | 2 of 5, 1 don't know, 1 not answered | 1 of 5 | +1 |",
			"**Health signals at the end of 2024 (change since 2023)**",
		} {
			if !strings.Contains(md.String(), want) {
				t.Errorf("markdown lacks %q:\n%s", want, md.String())
			}
		}
		found := false
		for _, f := range rep.Figures() {
			if f.Definition == "self_evaluation" && f.Subject == "alfa" && f.Scope == "met" {
				found = f.Value == figures.Know(2.0) && f.Previous == figures.Know(1.0) && f.HasPrevious
			}
		}
		if !found {
			t.Error("no self_evaluation figure for alfa with 2 met, 1 the year before")
		}
	})
}
