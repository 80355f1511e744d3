package figures

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"os2pulse/selfeval"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// The table holds OS2's model as OS2's form writes it: the same 43
// requirements, ids, levels, categories and texts as os2pulse's own
// self-evaluation (filled in on OS2's form), and a check for each
// requirement the checks map speaks to.
func TestRequirementsAreOS2sModel(t *testing.T) {
	b, err := os.ReadFile("../docs/governance/os2pulse-selvevaluering.json")
	if err != nil {
		t.Fatal(err)
	}
	own, err := selfeval.Parse("os2pulse-selvevaluering.json", b)
	if err != nil {
		t.Fatal(err)
	}
	if len(Requirements) != 43 || len(own.Requirements) != 43 {
		t.Fatalf("%d requirements in the table, %d in the form; want 43", len(Requirements), len(own.Requirements))
	}
	for i, r := range own.Requirements {
		got := Requirements[i]
		if got.ID != r.ID || got.Level != r.Level || got.Category != r.Category || got.Text != r.Text || got.Recommendation != r.Recommendation {
			t.Errorf("line %d: %s %s %s %q (recommendation %v), OS2's form %s %s %s %q (%v)", i+1, got.ID, got.Level, got.Category, got.Text,
				got.Recommendation, r.ID, r.Level, r.Category, r.Text, r.Recommendation)
		}
		if got.Guidelines == "" {
			t.Errorf("%s has no guidelines", got.ID)
		}
		if _, checked := checks[got.ID]; checked != (got.Check != "") {
			t.Errorf("%s: a check %v, a line saying what it checks %q", got.ID, checked, got.Check)
		}
	}
}

// A product with no evaluation of its own gets a draft of all 43
// requirements from the table, and the self-evaluation reader reads it
// back with the draft's own counts per level.
func TestDraftWithoutOwnEvaluation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		c := evidenceFixture(t, store)
		d, err := c.ProductDraft(context.Background(), "other", evDate, time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Krav) != 43 || d.Krav[0].ID != "R1" || d.Krav[42].ID != "G14" || d.Krav[0].Retningslinjer == "" {
			t.Fatalf("draft of %d lines, first %+v", len(d.Krav), d.Krav[0])
		}
		b, err := d.JSON()
		if err != nil {
			t.Fatal(err)
		}
		ev, err := selfeval.Parse("draft.json", b)
		if err != nil {
			t.Fatalf("reading the draft back: %v", err)
		}
		want := map[string]selfeval.LevelSummary{}
		for _, k := range d.Krav {
			level := strings.Replace(k.Produktniveau, "sandkasse", "sandbox", 1)
			s := want[level]
			s.Level = level
			switch met := k.Efterlevet != nil && *k.Efterlevet == "Ja"; {
			case strings.Contains(k.Krav, "(anbefaling)"):
				s.Recommendations++
				if met {
					s.RecommendationsMet++
				}
			case k.Efterlevet == nil:
				s.Required++
				s.Unanswered++
			case met:
				s.Required++
				s.Met++
			default:
				s.Required++
				s.NotMet++
			}
			want[level] = s
		}
		levels, _ := selfeval.Summarise(ev.Requirements)
		got := map[string]selfeval.LevelSummary{}
		for _, l := range levels {
			got[l.Level] = l
		}
		if !reflect.DeepEqual(got, want) || len(ev.Requirements) != 43 {
			t.Errorf("read back %+v, want %+v", got, want)
		}
		// other: F2, F4, F5 and R3 found; F1 and F6 not.
		if s := got["sandbox"]; s.Required != 6 || s.Met != 3 || s.NotMet != 1 || s.Unanswered != 2 {
			t.Errorf("sandbox %+v: want 6 required, 3 met (F2, F4, F5), 1 not met (F1), 2 unanswered (R1, F3)", s)
		}
		if s := got["2"]; s.Required != 13 || s.Met != 1 || s.Recommendations != 6 {
			t.Errorf("level 2 %+v: want 13 required, 1 met (R3), 6 recommendations", s)
		}
	})
}
