package figures

import (
	"context"
	"reflect"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/selfeval"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

const healthConfig = `[storage]
driver = "sqlite"
dsn = "unused.db"
[contributors]
bots = ["^renovate"]
[[products]]
id = "os2display"
name = "OS2display"
levels = [{ level = "1", since = "2020-01-01" }, { level = "2", since = "2026-01-01" }]
repos = ["os2display/*"]
[[products]]
id = "other"
name = "Other"
governance_level = "sandbox"
repos = ["other/thing"]
[[affiliations]]
domain = "aarhus.dk"
organization = "751"
[[affiliations]]
domain = "bellcom.dk"
supplier = "Bellcom"
[[affiliations]]
domain = "kvalitetsit.dk"
supplier = "KvalitetsIT"
`

var healthDate = civil.MustParse("2026-06-30")

// at is a time on the day n days before healthDate.
func at(n int, hour int) time.Time {
	return healthDate.AddDays(-n).Time().Add(time.Duration(hour) * time.Hour)
}

func healthFixture(t *testing.T, store *storage.Store) *Calculator {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Parse("test.toml", []byte(healthConfig), nil)
	if err != nil {
		t.Fatal(err)
	}
	must(t, store.SyncProducts(ctx, storage.ConfiguredProducts(cfg)))
	a, b := storage.RepoKey("github.com", "os2display", "a"), storage.RepoKey("github.com", "os2display", "b")
	for _, k := range []string{a, b} {
		name := k[len("github.com/os2display/"):]
		must(t, store.UpsertRepository(ctx, storage.Repository{Forge: "github.com", Owner: "os2display", Name: name}, []string{"os2display"}))
	}
	issue := func(repo, kind, n, login string, opened, closed time.Time) storage.Contribution {
		return storage.Contribution{RepositoryKey: repo, Kind: kind, ExtID: n, Login: login, At: opened, ClosedAt: closed}
	}
	commit := func(sha, email string, when time.Time) storage.Contribution {
		return storage.Contribution{RepositoryKey: b, Kind: storage.KindCommit, ExtID: sha, Email: email, Name: email, At: when}
	}
	_, err = store.AddContributions(ctx, []storage.Contribution{
		issue(a, storage.KindIssue, "1", "alice", at(10, 10), at(2, 0)),
		issue(a, storage.KindPullRequest, "2", "carol", at(5, 9), time.Time{}),
		issue(a, storage.KindIssue, "3", "erin", at(1, 12), time.Time{}),
		issue(a, storage.KindIssue, "4", "frank", at(90, 12), time.Time{}),  // before the 90-day window
		issue(b, storage.KindIssue, "5", "gina", at(89, 0), at(-1, 1)),      // first day of the window; closed after the date
		issue(b, storage.KindIssue, "6", "renovate", at(3, 0), time.Time{}), // a bot's
		issue(b, storage.KindIssue, "7", "hans", at(-1, 1), time.Time{}),    // after the date
		commit("c1", "x@aarhus.dk", at(10, 0)),
		commit("c2", "y@aarhus.dk", at(20, 0)),
		commit("c3", "x@aarhus.dk", at(364, 0)), // first day of the year's window
		commit("c4", "z@bellcom.dk", at(30, 0)),
		commit("c5", "q@kvalitetsit.dk", at(365, 0)), // the day before it
		commit("c6", "me@gmail.com", at(3, 0)),
	})
	must(t, err)
	resp := func(repo, kind, id string, n int, login string, when time.Time) storage.Response {
		return storage.Response{RepositoryKey: repo, Kind: kind, ExtID: id, Number: n, Login: login, At: when}
	}
	_, err = store.AddResponses(ctx, []storage.Response{
		resp(a, storage.ResponseComment, "r1", 1, "Alice", at(10, 11)),           // the author's own
		resp(a, storage.ResponseComment, "r2", 1, "dependabot[bot]", at(10, 12)), // a bot
		resp(a, storage.ResponseReviewComment, "r3", 1, "bob", at(10, 15)),       // 5 h
		resp(a, storage.ResponseReview, "r4", 2, "dave", at(5, 10)),              // 1 h
		resp(a, storage.ResponseComment, "r5", 3, "bob", at(-1, 1)),              // after the date: still waiting
		resp(a, storage.ResponseComment, "r6", 4, "bob", at(90, 13)),             // outside the window
		resp(b, storage.ResponseComment, "r7", 5, "bob", at(88, 0)),              // 24 h
		resp(b, storage.ResponseComment, "r8", 6, "bob", at(3, 1)),               // on a bot's issue
	})
	must(t, err)
	_, err = store.AddReleases(ctx, []storage.Release{
		{RepositoryKey: a, ExtID: "1", Tag: "v1", PublishedAt: at(365, 12)},
		{RepositoryKey: a, ExtID: "2", Tag: "v2", PublishedAt: at(364, 0)},
		{RepositoryKey: b, ExtID: "3", Tag: "v3", PublishedAt: at(30, 12)},
		{RepositoryKey: b, ExtID: "4", Tag: "v4", PublishedAt: at(-1, 12)},
	})
	must(t, err)
	must(t, store.PutHygiene(ctx, storage.Hygiene{RepositoryKey: a, Day: healthDate.AddDays(-3), License: "MPL-2.0", Readme: true, Security: true}))
	must(t, store.PutHygiene(ctx, storage.Hygiene{RepositoryKey: b, Day: healthDate.AddDays(1), License: "MIT", Readme: true}))
	// Both repositories collected from GitHub up to the date (a poll
	// keeps a snapshot).
	must(t, store.PutSnapshot(ctx, storage.Snapshot{RepositoryKey: a, Day: healthDate}))
	must(t, store.PutSnapshot(ctx, storage.Snapshot{RepositoryKey: b, Day: healthDate}))
	must(t, store.RepositoryCollected(ctx, a, storage.RepoOK, healthDate))
	must(t, store.RepositoryCollected(ctx, b, storage.RepoOK, healthDate))
	return New(store.ReadOnly(), cfg)
}

func TestHealthSignals(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		c := healthFixture(t, store)
		ph, err := c.ProductHealth(ctx, "os2display", healthDate)
		if err != nil {
			t.Fatal(err)
		}
		m, p := 5*3600.0, 24*3600.0
		wantTTFR := FirstResponse{WindowDays: 90, Opened: 4, Responded: 3, Waiting: 1, MedianSeconds: &m, P90Seconds: &p}
		if ph.FirstResponse == nil || !reflect.DeepEqual(*ph.FirstResponse, wantTTFR) {
			t.Errorf("time to first response = %+v (median %v, p90 %v), want median 5 h, p90 24 h over 1 h, 5 h, 24 h; 1 waiting",
				ph.FirstResponse, deref(ph.FirstResponse.MedianSeconds), deref(ph.FirstResponse.P90Seconds))
		}
		thirty := 30
		if want := (ReleaseCadence{WindowDays: 365, Releases: 2, DaysSinceLast: &thirty}); ph.Releases == nil || !reflect.DeepEqual(*ph.Releases, want) {
			t.Errorf("releases = %+v (days %v), want 2 in the window, 30 days since", ph.Releases, ph.Releases.DaysSinceLast)
		}
		five := 5.0
		if want := (Backlog{Open: 5, OpenIssues: 4, OpenPulls: 1, MedianAgeDays: &five}); ph.Backlog == nil || !reflect.DeepEqual(*ph.Backlog, want) {
			t.Errorf("backlog = %+v, want 5 open (#2, #3, #4, #5 closed after the date, #6), median age 5 days", ph.Backlog)
		}
		if want := (Hygiene{Repositories: 1, Licensed: 1, Licenses: []string{"MPL-2.0"}, Readme: 1, Security: 1}); ph.Hygiene == nil || !reflect.DeepEqual(*ph.Hygiene, want) {
			t.Errorf("hygiene = %+v, want only the check before the date", ph.Hygiene)
		}
		if d := ph.Diversity; d == nil || d.Organizations != 2 || d.Largest != "751" || d.LargestShare != 0.75 || d.Attributed != 4 {
			t.Errorf("diversity = %+v, want 2 organisations, 751 with 3 of 4", d)
		}
		act, err := c.ProductActivity(ctx, "os2display", healthDate, 365)
		if err != nil {
			t.Fatal(err)
		}
		if c := ph.Concentration; c == nil || c.Persons != count(act.Concentration) || c.WindowDays != 365 || c.Persons == 0 {
			t.Errorf("concentration = %+v, want %v over 365 days", ph.Concentration, act.Concentration)
		}
		// A product with nothing: no medians, nothing open.
		other, err := c.ProductHealth(ctx, "other", healthDate)
		if err != nil {
			t.Fatal(err)
		}
		// Never collected: every signal is unknown, none is 0.
		if other.Concentration != nil || other.Diversity != nil || other.FirstResponse != nil || other.Releases != nil ||
			other.Backlog != nil || other.Hygiene != nil || other.Collected {
			t.Errorf("empty product = %+v, want every signal unknown", other)
		}
		if !other.NotCollected(config.SourceGitHub) || !other.NotCollected(config.SourceActivity) || ph.NotCollected(config.SourceGitHub) || ph.NotCollected(config.SourceActivity) {
			t.Error("NotCollected does not tell the empty product from the collected one")
		}
		// Its history reaches nowhere, so its zeros are incomplete; the
		// product whose repositories were collected past the date is complete.
		if other.Complete || !other.CoveredUntil.IsZero() {
			t.Errorf("empty product complete %v, covered until %v; want incomplete", other.Complete, other.CoveredUntil)
		}
		if !ph.Complete || ph.CoveredUntil.Before(healthDate) {
			t.Errorf("os2display complete %v, covered until %v; want complete", ph.Complete, ph.CoveredUntil)
		}
		early, err := c.ProductHealth(ctx, "os2display", ph.CoveredUntil.AddDays(1))
		if err != nil {
			t.Fatal(err)
		}
		if early.Complete {
			t.Errorf("os2display one day after its coverage %v: complete", ph.CoveredUntil)
		}
	})
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestSelfEvaluationsOnADate(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		c := healthFixture(t, store)
		line := func(id, level, state string, rec bool) storage.SelfEvaluationRequirement {
			return storage.SelfEvaluationRequirement{ID: id, Category: "formkrav", Level: level, State: state, Recommendation: rec, Text: "Krav " + id}
		}
		put := func(date string, reqs ...storage.SelfEvaluationRequirement) {
			_, err := store.PutSelfEvaluation(ctx, storage.SelfEvaluation{ProductID: "os2display", Filled: civil.MustParse(date),
				Source: "x.json", FilledBy: "Styregruppen", SHA256: date, Requirements: reqs})
			must(t, err)
		}
		put("2025-01-01", line("F1", "sandbox", selfeval.Met, false), line("F2", "1", selfeval.NotMet, false))
		put("2026-03-01", line("F1", "sandbox", selfeval.Met, false), line("F2", "1", selfeval.Met, false),
			line("F3", "2", selfeval.Met, false), line("F4", "2", selfeval.Planned, false), line("F5", "2", selfeval.NotMet, true),
			line("R4", "3", selfeval.Unknown, false), line("G11", "3", selfeval.Unanswered, false), line("G12", "3", selfeval.Unanswered, false))
		put("2026-09-01", line("F1", "sandbox", selfeval.NotMet, false))

		g, err := c.SelfEvaluations(ctx, healthDate)
		if err != nil {
			t.Fatal(err)
		}
		pg := g.Products[0]
		if pg.ConfiguredLevel != "2" || pg.Versions != 2 || pg.Evaluation == nil || pg.Evaluation.Filled.String() != "2026-03-01" {
			t.Fatalf("governance = %+v, want level 2 and the evaluation of 2026-03-01, the second version", pg)
		}
		want := []selfeval.LevelSummary{
			{Level: "sandbox", Required: 1, Met: 1},
			{Level: "1", Required: 1, Met: 1},
			{Level: "2", Required: 2, Met: 1, Planned: 1, Recommendations: 1}, // the recommendation not required
			{Level: "3", Required: 3, Unknown: 1, Unanswered: 2},              // neither met nor planned
		}
		if !reflect.DeepEqual(pg.Evaluation.Levels, want) || pg.Evaluation.MetLevel != "1" || pg.Evaluation.Requirements != nil {
			t.Errorf("evaluation = %+v, want %+v, met level 1, no lines in the portfolio view", pg.Evaluation, want)
		}
		if g.Products[1].Evaluation != nil || g.Products[1].ConfiguredLevel != "sandbox" {
			t.Errorf("other = %+v, want no evaluation", g.Products[1])
		}
		// Before the first version: none in force.
		early, err := c.ProductSelfEvaluation(ctx, "os2display", civil.MustParse("2024-12-31"))
		if err != nil || early.Evaluation != nil || early.ConfiguredLevel != "1" {
			t.Errorf("before any version: %+v (%v)", early, err)
		}
		one, err := c.ProductSelfEvaluation(ctx, "os2display", healthDate)
		if err != nil || len(one.Evaluation.Requirements) != 8 {
			t.Errorf("product governance: %+v (%v), want its 8 lines", one, err)
		}
		hist, err := c.SelfEvaluationHistory(ctx, "os2display", healthDate)
		if err != nil {
			t.Fatal(err)
		}
		wantHist := []SelfEvaluationPoint{{Filled: civil.MustParse("2025-01-01"), Met: 1, Required: 2, MetLevel: "sandbox"},
			{Filled: civil.MustParse("2026-03-01"), Met: 3, Required: 7, MetLevel: "1"}}
		if !reflect.DeepEqual(hist, wantHist) {
			t.Errorf("history = %+v, want %+v", hist, wantHist)
		}
		// The same file again changes nothing; another with the same date replaces it.
		changed, err := store.PutSelfEvaluation(ctx, storage.SelfEvaluation{ProductID: "os2display", Filled: civil.MustParse("2025-01-01"), Source: "x.json", SHA256: "2025-01-01"})
		if err != nil || changed {
			t.Errorf("same file: changed %v (%v)", changed, err)
		}
	})
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestHealthNotCollectedFromGitHub: a product whose history comes from a
// git log import while GitHub could never be read has its contribution
// signals, and none of those only GitHub gives: they are not collected,
// not 0.
func TestHealthNotCollectedFromGitHub(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		cfg, err := config.Parse("test.toml", []byte(healthConfig), nil)
		must(t, err)
		must(t, store.SyncProducts(ctx, storage.ConfiguredProducts(cfg)))
		key := storage.RepoKey("github.com", "os2display", "a")
		must(t, store.UpsertRepository(ctx, storage.Repository{Forge: "github.com", Owner: "os2display", Name: "a"}, []string{"os2display"}))
		_, err = store.AddContributions(ctx, []storage.Contribution{{RepositoryKey: key, Kind: storage.KindCommit, ExtID: "c1", Email: "x@aarhus.dk", At: at(10, 0)}})
		must(t, err)
		must(t, store.RaiseCoverage(ctx, key, healthDate))
		// GitHub tried and failed: the repository is marked, no snapshot.
		must(t, store.RepositoriesFailing(ctx, []string{key}, storage.RepoUnreachable, "no such host"))
		h, err := New(store.ReadOnly(), cfg).ProductHealth(ctx, "os2display", healthDate)
		must(t, err)
		if !h.Complete || h.Collected || h.Concentration == nil || h.Concentration.Contributions != 1 || h.Diversity == nil {
			t.Errorf("health %+v: want complete, not collected from GitHub, concentration of 1 contribution, diversity", h)
		}
		if h.FirstResponse != nil || h.Releases != nil || h.Backlog != nil || h.Hygiene != nil || !h.NotCollected(config.SourceGitHub) || h.NotCollected(config.SourceActivity) {
			t.Errorf("health %+v: want no GitHub signal, not collected", h)
		}
	})
}
