package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestAPIGovernanceAndHealth: /api/v1/governance gives the evaluation in
// force on the date with its per-level counts, /api/v1/health each signal
// under its own key with its window; both with a CSV twin.
func TestAPIGovernanceAndHealth(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		cfg, err := config.Parse("h.toml", []byte("[[products]]\nid = \"os2display\"\nname = \"OS2display\"\ngovernance_level = \"2\"\nrepos = [\"os2display/*\"]\n"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.SyncProducts(ctx, storage.ConfiguredProducts(cfg)); err != nil {
			t.Fatal(err)
		}
		line := func(id, level, state string) storage.SelfEvaluationRequirement {
			return storage.SelfEvaluationRequirement{ID: id, Category: "formkrav", Level: level, State: state, Text: "Krav"}
		}
		if _, err := store.PutSelfEvaluation(ctx, storage.SelfEvaluation{ProductID: "os2display", Filled: civil.MustParse("2026-03-01"),
			Source: "x.json", FilledBy: "Styregruppen", SHA256: "1", Requirements: []storage.SelfEvaluationRequirement{
				line("F1", "sandbox", "met"), line("F2", "2", "planned"), line("F3", "2", "met"),
				line("R4", "3", "unknown"), line("G11", "3", "unanswered"), line("G12", "3", "unanswered")}}); err != nil {
			t.Fatal(err)
		}
		// Before any repository is collected every signal is null and its
		// CSV cells empty; then one is collected from GitHub up to the date.
		srv := New(Options{Config: cfg, Figures: figures.New(store.ReadOnly(), cfg),
			Now: func() time.Time { return time.Date(2026, 6, 30, 10, 0, 0, 0, time.UTC) }})
		if w := apiGet(t, srv, "/api/v1/health.csv?date=2026-06-30"); !strings.Contains(w.Body.String(), "2026-06-30,os2display,,365,false,,,,365,,,,,,90,,,365,,,,,,,,,,,,,false,,false\n") {
			t.Errorf("health CSV of a product never collected:\n%s", w.Body)
		}
		repo := storage.Repository{Forge: "github.com", Owner: "os2display", Name: "os2display"}
		if err := store.UpsertRepository(ctx, repo, []string{"os2display"}); err != nil {
			t.Fatal(err)
		}
		key := storage.RepoKey("github.com", "os2display", "os2display")
		if err := store.PutSnapshot(ctx, storage.Snapshot{RepositoryKey: key, Day: civil.MustParse("2026-06-30")}); err != nil {
			t.Fatal(err)
		}
		if err := store.RepositoryCollected(ctx, key, storage.RepoOK, civil.MustParse("2026-06-30")); err != nil {
			t.Fatal(err)
		}
		srv = New(Options{Config: cfg, Figures: figures.New(store.ReadOnly(), cfg),
			Now: func() time.Time { return time.Date(2026, 6, 30, 10, 0, 0, 0, time.UTC) }})

		w := apiGet(t, srv, "/api/v1/governance?date=2026-06-30")
		var g figures.SelfEvaluations
		if err := json.Unmarshal(w.Body.Bytes(), &g); err != nil || w.Code != http.StatusOK {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		if e := g.Products[0].Evaluation; e == nil || e.Filled.String() != "2026-03-01" || e.Levels[2].Met != 1 || e.Levels[2].Planned != 1 || e.Levels[2].Required != 2 ||
			e.Levels[3].Unknown != 1 || e.Levels[3].Unanswered != 2 || e.Levels[3].Required != 3 || e.Levels[3].Met != 0 {
			t.Errorf("governance = %s", w.Body)
		}
		w = apiGet(t, srv, "/api/v1/governance?date=2026-02-28")
		if !strings.Contains(w.Body.String(), `"evaluation": null`) {
			t.Errorf("before the evaluation: %s", w.Body)
		}
		w = apiGet(t, srv, "/api/v1/governance.csv?date=2026-06-30")
		if !strings.Contains(w.Body.String(), "2026-06-30,os2display,2,2026-03-01,Styregruppen,1,2,2,1,1,0,0,0,0,0\n") {
			t.Errorf("governance CSV:\n%s", w.Body)
		}

		w = apiGet(t, srv, "/api/v1/health?date=2026-06-30")
		var raw map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &raw); err != nil || w.Code != http.StatusOK {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		p := raw["products"].([]any)[0].(map[string]any)
		for key, window := range map[string]float64{"contributor_concentration": 365, "organizational_diversity": 365,
			"time_to_first_response": 90, "release_cadence": 365} {
			if m, ok := p[key].(map[string]any); !ok || m["window_days"] != window {
				t.Errorf("%s = %v, want its window of %v days", key, p[key], window)
			}
		}
		for _, key := range []string{"backlog", "repository_hygiene"} {
			if _, ok := p[key]; !ok {
				t.Errorf("no %s in %s", key, w.Body)
			}
		}
		w = apiGet(t, srv, "/api/v1/health.csv?date=2026-06-30")
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "first_response_median_seconds") {
			t.Errorf("health CSV: %d\n%s", w.Code, w.Body)
		}
	})
}
