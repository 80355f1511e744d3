package collector

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/figures"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestCoverageFollowsCollection: a successful poll makes a repository's
// history complete up to the Danish date on which the poll began; a
// failing repository keeps its coverage and records since when it fails,
// once; an unreachable GitHub does the same for every repository. The
// product's figures become incomplete as the days pass.
func TestCoverageFollowsCollection(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		clock := newFakeClock()
		set := func(s string) {
			v, err := time.Parse(time.RFC3339, s)
			if err != nil {
				t.Fatal(err)
			}
			clock.mu.Lock()
			clock.t = v
			clock.mu.Unlock()
		}
		store.SetClock(clock.now)
		f := newFakeGitHub(t, clock)
		f.addOwner("OS2iot", false)
		hist := readHistory(t, "os2display__display-client.tsv")
		f.addRepo("OS2iot", &fakeRepo{name: "fine", commits: hist[:7]})
		gone := f.addRepo("OS2iot", &fakeRepo{name: "gone", commits: hist[7:9]})
		cfg := testConfig(t, f.URL(), 2, "os2iot=OS2iot/*")
		syncProducts(t, store, cfg)
		calc := figures.New(store.ReadOnly(), cfg)
		type state struct{ status, covered, failingSince string }
		check := func(when string, want map[string]state) {
			t.Helper()
			rs, err := store.Repositories(ctx, "os2iot")
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]state{}
			for _, r := range rs {
				got[r.Name] = state{r.Status, r.CoveredUntil.String(), r.FailingSince}
			}
			for name, w := range want {
				if got[name] != w {
					t.Errorf("%s: %s = %+v, want %+v", when, name, got[name], w)
				}
			}
		}

		// 23:30 UTC on 1 March is 2 March in Denmark.
		set("2026-03-01T23:30:00Z")
		poll(t, store, newTestSource(t, cfg, store, clock, nil, nil), nil)
		check("first poll", map[string]state{"fine": {"ok", "2026-03-02", ""}, "gone": {"ok", "2026-03-02", ""}})

		set("2026-03-05T10:00:00Z")
		f.update(func() { gone.status = 404 })
		poll(t, store, newTestSource(t, cfg, store, clock, nil, nil), nil)
		check("gone fails", map[string]state{
			"fine": {"ok", "2026-03-05", ""},
			"gone": {"not_found", "2026-03-02", "2026-03-05T10:00:00.000000Z"},
		})
		set("2026-03-06T10:00:00Z")
		poll(t, store, newTestSource(t, cfg, store, clock, nil, nil), nil)
		check("gone still fails", map[string]state{
			"fine": {"ok", "2026-03-06", ""},
			"gone": {"not_found", "2026-03-02", "2026-03-05T10:00:00.000000Z"},
		})

		// The product reaches only as far as its earliest repository.
		for _, tt := range []struct {
			date     string
			complete bool
		}{{"2026-03-02", true}, {"2026-03-03", false}, {"2026-03-06", false}} {
			c, err := calc.Contributors(ctx, civil.MustParse(tt.date), 90)
			if err != nil {
				t.Fatal(err)
			}
			p := c.Products[0]
			if p.Complete != tt.complete || p.CoveredUntil.String() != "2026-03-02" || c.PortfolioComplete != tt.complete {
				t.Errorf("on %s: product complete %v until %s, portfolio complete %v; want %v until 2026-03-02",
					tt.date, p.Complete, p.CoveredUntil, c.PortfolioComplete, tt.complete)
			}
		}

		// Found again: the failure ends and the coverage moves on.
		set("2026-03-07T10:00:00Z")
		f.update(func() { gone.status = 0 })
		poll(t, store, newTestSource(t, cfg, store, clock, nil, nil), nil)
		check("gone found again", map[string]state{"gone": {"ok", "2026-03-07", ""}})

		// GitHub cannot be reached: every repository keeps its coverage
		// and fails from now on.
		set("2026-03-08T10:00:00Z")
		f.srv.Close()
		runs, err := New(store, nil, []Source{newTestSource(t, cfg, store, clock, nil, nil)}, nil, slog.New(slog.DiscardHandler), nil).RunOnce(ctx, "github")
		if err == nil || runs[0].Result != storage.RunFailure {
			t.Fatalf("runs %+v, err %v; want a failed run", runs, err)
		}
		rs, err := store.Repositories(ctx, "os2iot")
		if err != nil {
			t.Fatal(err)
		}
		last, err := store.LastRuns(ctx)
		if err != nil || len(last) != 1 {
			t.Fatal(last, err)
		}
		runs[0] = last[0]
		for _, r := range rs {
			// Failing since the run gave up, after its retries.
			if r.Status != storage.RepoUnreachable || r.CoveredUntil.String() != "2026-03-07" ||
				r.FailingSince < runs[0].StartedAt || r.FailingSince > runs[0].EndedAt {
				t.Errorf("unreachable: %s = %s, covered until %s, failing since %s; want unreachable, 2026-03-07, during run %s–%s",
					r.Name, r.Status, r.CoveredUntil, r.FailingSince, runs[0].StartedAt, runs[0].EndedAt)
			}
		}
		since, err := calc.FailingSince(ctx)
		if err != nil || figures.Stamp(since["github"]) != "2026-03-08T10:00:00.000000Z" {
			t.Errorf("GitHub failing since %v (%v), want this run's start", since, err)
		}
	})
}
