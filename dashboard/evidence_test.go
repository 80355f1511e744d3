package dashboard

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/collector"
	"os2pulse/figures"
	"os2pulse/figures/figurestest"
	"os2pulse/golden"
	"os2pulse/storage"
)

// TestExampleEvidencePage renders the requirements and evidence of the
// example portfolio's OS2display (its own two self-evaluations, its
// register and its commit history; no repository files checked, as the
// example does not poll GitHub; forks of display-client added here) in both languages, on both databases,
// against golden files.
func TestExampleEvidencePage(t *testing.T) {
	for _, driver := range []string{"sqlite", "postgres"} {
		t.Run(driver, func(t *testing.T) {
			store, cfg := figurestest.Example(t, driver)
			log := slog.New(slog.DiscardHandler)
			lease := collector.NewLease(store, "evidence", time.Hour, log)
			// The example's other self-evaluation is on GitHub, turned off
			// here: the run is partial, OS2display's stored.
			if _, err := collector.New(store, lease, []collector.Source{collector.NewSelfEvalSource(cfg, store, nil, log)}, nil, log, nil).RunOnce(context.Background(), "selfeval"); err != nil {
				t.Fatal(err)
			}
			now := func() time.Time { return figurestest.ExampleClock }
			// Forks of display-client as the daily listing would store them:
			// one a second version of the core code, one close to it.
			exampleForks(t, store, civil.UTCDay(figurestest.ExampleClock))
			h := newServer(cfg, figures.New(store.ReadOnly(), cfg), now).Handler()
			for _, lang := range []string{"da", "en"} {
				page := get(t, h, "/products/os2display?lang="+lang)
				start := strings.Index(page, `<section class="card" aria-labelledby="evidence-h">`)
				end := strings.Index(page[max(start, 0):], "</section>")
				if start < 0 || end < 0 {
					t.Fatalf("%s: no evidence section", lang)
				}
				got := page[start : start+end+len("</section>")]
				if driver != "sqlite" && golden.Update() {
					continue
				}
				golden.Check(t, filepath.Join("testdata", "evidence-os2display-"+lang+".html"), []byte(got+"\n"))
			}
		})
	}
}

// exampleForks stores a listing of display-client's forks on day, a week
// old, both compared: aarhus 34 commits ahead, kk 3.
func exampleForks(t *testing.T, store *storage.Store, day civil.Date) {
	t.Helper()
	ctx := context.Background()
	key := storage.RepoKey("github.com", "os2display", "display-client")
	listed := day.AddDays(-7)
	forks := []storage.ListedFork{
		{Fork: "aarhus/display-client", Branch: "main", PushedAt: listed.AddDays(-20).Time()},
		{Fork: "kk/display-client", Branch: "develop", PushedAt: listed.AddDays(-60).Time()},
	}
	if err := store.PutForkListing(ctx, key, listed, forks); err != nil {
		t.Fatal(err)
	}
	for i, ahead := range []int{34, 3} {
		if err := store.PutForkComparison(ctx, key, forks[i], listed, ahead, 5); err != nil {
			t.Fatal(err)
		}
	}
}
