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

const evidenceConfig = `[storage]
driver = "sqlite"
dsn = "unused.db"
[governance]
organizations = ["os2display"]
[[products]]
id = "os2display"
name = "OS2display"
governance_level = "1"
repos = ["os2display/*"]
[[products]]
id = "other"
name = "Other"
governance_level = "2"
repos = ["someone/thing"]
`

// evidenceFixture stores two products on both databases: os2display,
// whose evaluation says F2 and F4 are met (F4 has no evidence), and
// other, outside the designated organisations, with no evaluation.
func evidenceFixture(t *testing.T, store *storage.Store) *Calculator {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Parse("test.toml", []byte(evidenceConfig), nil)
	if err != nil {
		t.Fatal(err)
	}
	must(t, store.SyncProducts(ctx, storage.ConfiguredProducts(cfg)))
	api, client := storage.RepoKey("github.com", "os2display", "display-api"), storage.RepoKey("github.com", "os2display", "display-client")
	thing := storage.RepoKey("github.com", "someone", "thing")
	for _, r := range []struct {
		key, owner, name, product string
		archived                  bool
	}{{api, "os2display", "display-api", "os2display", false}, {client, "os2display", "display-client", "os2display", true},
		{thing, "someone", "thing", "other", false}} {
		must(t, store.UpsertRepository(ctx, storage.Repository{Forge: "github.com", Owner: r.owner, Name: r.name, Archived: r.archived}, []string{r.product}))
		must(t, store.RepositoryCollected(ctx, r.key, storage.RepoOK, evDate))
	}
	_, err = store.AddContributions(ctx, []storage.Contribution{
		{RepositoryKey: api, Kind: storage.KindCommit, ExtID: "c1", Email: "a@aarhus.dk", At: evDate.AddDays(-10).Time().Add(9 * time.Hour)},
		{RepositoryKey: thing, Kind: storage.KindCommit, ExtID: "c2", Email: "b@x.dk", At: evDate.AddDays(-400).Time()},
	})
	must(t, err)
	for _, h := range []storage.Hygiene{
		{RepositoryKey: api, Day: evDate.AddDays(-2), License: "", Readme: true},
		{RepositoryKey: client, Day: evDate.AddDays(-2), License: "MIT", Security: true}, // archived: its policy does not count
		{RepositoryKey: thing, Day: evDate.AddDays(-1), License: "EUPL-1.2", Readme: true, Security: true},
		// Half a year before, display-api had its licence.
		{RepositoryKey: api, Day: evDate.AddDate(0, -6, -1), License: "MIT", Readme: true},
		{RepositoryKey: client, Day: evDate.AddDate(0, -6, -1), License: "MIT"},
	} {
		must(t, store.PutHygiene(ctx, h))
	}
	line := func(id, level, state string) storage.SelfEvaluationRequirement {
		return storage.SelfEvaluationRequirement{ID: id, Category: "formkrav", Level: level, State: state, Text: "Krav " + id}
	}
	// The version in force half a year before the date.
	_, err = store.PutSelfEvaluation(ctx, storage.SelfEvaluation{ProductID: "os2display", Filled: civil.MustParse("2025-10-01"),
		Source: "x.json", FilledBy: "Styregruppen", SHA256: "0", Requirements: []storage.SelfEvaluationRequirement{
			line("F1", "sandbox", selfeval.Met), line("F2", "sandbox", selfeval.Met), line("F4", "sandbox", selfeval.NotMet),
			line("G1", "1", selfeval.Met), line("F6", "1", selfeval.Planned), line("F12", "2", selfeval.Met), line("G5", "2", selfeval.Planned),
		}})
	must(t, err)
	_, err = store.PutSelfEvaluation(ctx, storage.SelfEvaluation{ProductID: "os2display", Filled: civil.MustParse("2026-03-01"),
		Source: "x.json", FilledBy: "Styregruppen", SHA256: "1", Requirements: []storage.SelfEvaluationRequirement{
			line("F1", "sandbox", selfeval.Met), line("F2", "sandbox", selfeval.Met), line("F4", "sandbox", selfeval.Met),
			line("G1", "1", selfeval.Met), line("F6", "1", selfeval.NotMet), line("F12", "2", selfeval.Met), line("G5", "2", selfeval.Planned),
		}})
	must(t, err)
	_, err = store.ImportRegister(ctx, storage.Register{Source: "test", SHA256: "r", Organizations: []storage.Organization{
		{ID: "751", Name: "Aarhus", Kind: "municipality"}, {ID: "101", Name: "København", Kind: "municipality"}},
		Adoptions: []storage.AdoptionRecord{
			{OrganizationID: "751", ProductID: "os2display", Status: storage.StatusProduction, Since: civil.MustParse("2020-01-01")},
			{OrganizationID: "101", ProductID: "os2display", Status: storage.StatusPilot, Since: civil.MustParse("2020-01-01")},
			{OrganizationID: "751", ProductID: "other", Status: storage.StatusProduction, Since: civil.MustParse("2020-01-01")},
			{OrganizationID: "101", ProductID: "other", Status: storage.StatusProduction, Since: civil.MustParse("2026-01-01")},
		}})
	must(t, err)
	return New(store.ReadOnly(), cfg)
}

type evLine struct{ id, answer, verdict string }

func evLines(rs []RequirementEvidence) []evLine {
	out := []evLine{}
	for _, r := range rs {
		out = append(out, evLine{r.ID, r.Answer, r.Verdict})
	}
	return out
}

func TestEvidenceOnBothDatabases(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		c := evidenceFixture(t, store)
		ev, err := c.Evidence(ctx, evDate)
		if err != nil {
			t.Fatal(err)
		}
		d := ev.Products[0]
		// Disagreements first (F2 and F4 said met, found nothing; F6 said
		// not met, found), then all 43 requirements of OS2's model by
		// level, R F S G, number: those the evaluation lacks from the table.
		want := concat([]evLine{
			{"F2", selfeval.Met, VerdictNotFound}, {"F4", selfeval.Met, VerdictNotFound}, {"F6", selfeval.NotMet, VerdictFound},
			{"R1", "", VerdictCannotTell}, {"F1", selfeval.Met, VerdictFound}, {"F3", "", VerdictCannotTell}, {"F5", "", VerdictFound}},
			cannotTell("F7", "F10", "F11", "S1", "S2"), []evLine{{"G1", selfeval.Met, VerdictCannotTell}}, cannotTell("G2", "G3", "G4", "R2"),
			[]evLine{{"R3", "", VerdictNotFound}, {"F12", selfeval.Met, VerdictCannotTell}},
			cannotTell("F13", "F14", "F15", "F16", "F17", "F18", "F19", "F20", "S3", "S4"), []evLine{{"G5", selfeval.Planned, VerdictCannotTell}},
			cannotTell("G6", "G7", "G8", "G9", "G10", "R4", "F21", "F22", "S5", "G11", "G12", "G13", "G14"))
		if got := evLines(d.Requirements); !reflect.DeepEqual(got, want) {
			t.Errorf("os2display =\n%v\nwant\n%v", got, want)
		}
		if d.Disagreements != 3 || d.Found != 3 || d.NotFound != 3 || d.CannotTell != 37 || d.Evaluated.String() != "2026-03-01" {
			t.Errorf("counts %d disagreements, %d/%d/%d, evaluated %s", d.Disagreements, d.Found, d.NotFound, d.CannotTell, d.Evaluated)
		}
		if d.Requirements[0].Findings[0].Detail != "os2display/display-api: no licence found" ||
			d.Requirements[0].Findings[0].URL != "https://github.com/os2display/display-api" {
			t.Errorf("F2 evidence %+v", d.Requirements[0].Findings)
		}
		// Level 2 needs: R3 (no evidence), the requirements not answered,
		// G5 (planned); not F12 (met, no evidence either way) nor the
		// recommendations (F19, F20, G7 to G10).
		if d.NextLevel != "2" || !reflect.DeepEqual(evLines(d.NextLevelNeeds), concat(cannotTell("R2"), []evLine{{"R3", "", VerdictNotFound}},
			cannotTell("F13", "F14", "F15", "F16", "F17", "F18", "S3", "S4"), []evLine{{"G5", selfeval.Planned, VerdictCannotTell}}, cannotTell("G6"))) {
			t.Errorf("next level %q needs %v", d.NextLevel, evLines(d.NextLevelNeeds))
		}
		// Half a year before: the evaluation of 2025-10-01 (F4 not met, F6
		// planned), display-api had its licence and no commit yet.
		wantChanges := []EvidenceChange{
			{ID: "F1", AnswerBefore: selfeval.Met, Answer: selfeval.Met, VerdictBefore: VerdictNotFound, Verdict: VerdictFound},
			{ID: "F2", AnswerBefore: selfeval.Met, Answer: selfeval.Met, VerdictBefore: VerdictFound, Verdict: VerdictNotFound},
			{ID: "F4", AnswerBefore: selfeval.NotMet, Answer: selfeval.Met, VerdictBefore: VerdictNotFound, Verdict: VerdictNotFound},
			{ID: "F6", AnswerBefore: selfeval.Planned, Answer: selfeval.NotMet, VerdictBefore: VerdictFound, Verdict: VerdictFound},
		}
		if d.Since.String() != "2025-12-30" || d.EvaluatedBefore.String() != "2025-10-01" || !reflect.DeepEqual(d.Changes, wantChanges) {
			t.Errorf("changes since %s =\n%+v\nwant\n%+v", d.Since, d.Changes, wantChanges)
		}

		o := ev.Products[1]
		wantOther := concat(cannotTell("R1"), []evLine{{"F1", "", VerdictNotFound}, {"F2", "", VerdictFound}}, cannotTell("F3"),
			[]evLine{{"F4", "", VerdictFound}, {"F5", "", VerdictFound}, {"F6", "", VerdictNotFound}},
			cannotTell("F7", "F10", "F11", "S1", "S2", "G1", "G2", "G3", "G4", "R2"), []evLine{{"R3", "", VerdictFound}},
			cannotTell("F12", "F13", "F14", "F15", "F16", "F17", "F18", "F19", "F20", "S3", "S4", "G5", "G6", "G7", "G8", "G9", "G10",
				"R4", "F21", "F22", "S5", "G11", "G12", "G13", "G14"))
		if got := evLines(o.Requirements); !reflect.DeepEqual(got, wantOther) || o.Disagreements != 0 || o.NextLevel != "3" {
			t.Errorf("other =\n%v\nwant\n%v (next level %q)", got, wantOther, o.NextLevel)
		}
		// R3 half a year before: only Aarhus ran it. No evaluation then or
		// now: only verdicts move.
		if !o.EvaluatedBefore.IsZero() || !reflect.DeepEqual(o.Changes, []EvidenceChange{{ID: "R3", VerdictBefore: VerdictNotFound, Verdict: VerdictFound},
			{ID: "F2", VerdictBefore: VerdictCannotTell, Verdict: VerdictFound}, {ID: "F4", VerdictBefore: VerdictCannotTell, Verdict: VerdictFound},
			{ID: "F5", VerdictBefore: VerdictCannotTell, Verdict: VerdictFound}}) {
			t.Errorf("other's changes %+v", o.Changes)
		}
		if _, err := c.ProductEvidence(ctx, "nope", evDate); err == nil {
			t.Error("an unknown product gave no error")
		}
	})
}

func cannotTell(ids ...string) []evLine {
	out := []evLine{}
	for _, id := range ids {
		out = append(out, evLine{id, "", VerdictCannotTell})
	}
	return out
}

func concat(parts ...[]evLine) []evLine {
	out := []evLine{}
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
