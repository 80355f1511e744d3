package dashboard

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"os2pulse/collector"
	"os2pulse/figures"
	"os2pulse/figures/figurestest"
	"os2pulse/golden"
)

// TestExampleEvidencePage renders the requirements and evidence of the
// example portfolio's OS2display (its own two self-evaluations, its
// register and its commit history; no repository files checked, as the
// example does not poll GitHub) in both languages, on both databases,
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
