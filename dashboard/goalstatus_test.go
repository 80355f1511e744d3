package dashboard

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"os2pulse/api"
	"os2pulse/figures"
	"os2pulse/figures/figurestest"
	"os2pulse/locale"
)

// TestOneGoalStatus: on the example, each goal has one status, judged
// from the line and the projection together, and the overview, the goals
// page and the API say the same word; after a deadline the overview gives
// the value on the deadline.
func TestOneGoalStatus(t *testing.T) {
	store, cfg := figurestest.Example(t, "sqlite")
	calc := figures.New(store.ReadOnly(), cfg)
	now := func() time.Time { return time.Date(2027, 1, 15, 9, 0, 0, 0, time.UTC) }
	h := New(Options{Config: cfg, Figures: calc, Now: now, API: api.New(api.Options{Config: cfg, Figures: calc, Now: now})}).Handler()
	statusSpan := regexp.MustCompile(`<a href="[^"]*#goal-([a-z0-9-]+)">[^<]*</a> <span class="status status-([a-z-]+)">([^<]+)</span>`)
	headingSpan := regexp.MustCompile(`<h2 id="goal-([a-z0-9-]+)-h">[^<]*<span class="status status-([a-z-]+)">([^<]+)</span>`)

	seen := map[string]bool{}
	for _, date := range []string{"2025-06-30", "2026-06-30", "2026-12-31"} {
		var goals api.Goals
		must(t, json.Unmarshal([]byte(get(t, h, "/api/v1/goals?date="+date)), &goals))
		byID := map[string]figures.GoalStatus{}
		for _, g := range goals.Goals {
			byID[g.ID] = g
			seen[g.Status] = true
			// The rule, worked out here from the figures the API gives.
			value, ok1 := g.Value.Get()
			expected, ok2 := g.Expected.Get()
			if p := g.Projection; p != nil && ok1 && ok2 && value < g.Target {
				want := figures.GoalAtRisk
				switch onLine := value >= expected; {
				case onLine && p.ByDeadline:
					want = figures.GoalOnTrack
				case !onLine && !p.ByDeadline:
					want = figures.GoalBehind
				}
				if g.Status != want {
					t.Errorf("%s on %s: status %q with value %v, line %v, by deadline %v; want %q", g.ID, date, g.Status, value, expected, p.ByDeadline, want)
				}
			}
		}
		for _, lang := range []locale.Lang{locale.DA, locale.EN} {
			q := "?date=" + date + "&lang=" + string(lang)
			for page, re := range map[string]*regexp.Regexp{"/": statusSpan, "/goals": headingSpan} {
				n := 0
				for _, m := range re.FindAllStringSubmatch(get(t, h, page+q), -1) {
					g, ok := byID[m[1]]
					if !ok {
						continue
					}
					n++
					if m[2] != locale.GoalStatusClass(g.Status) || m[3] != lang.GoalStatus(g.Status) {
						t.Errorf("%s%s: goal %s shows %s %q; the API says %q (%q)", page, q, g.ID, m[2], m[3], g.Status, lang.GoalStatus(g.Status))
					}
				}
				if n != len(goals.Goals) {
					t.Errorf("%s%s: %d goal statuses shown, want %d", page, q, n, len(goals.Goals))
				}
			}
		}
		// After the members goal's deadline (30 June 2026) the overview
		// gives its value on the deadline.
		if g := byID["members"]; date == "2026-12-31" {
			if g.ValueOnDeadline == nil {
				t.Fatalf("members goal on %s: no value on the deadline", date)
			}
			onDeadline, ok := g.ValueOnDeadline.Get()
			if !ok {
				t.Fatalf("members goal on %s: value on the deadline not known", date)
			}
			line := locale.EN.Tf("goals.line.deadline", locale.EN.GoalValue(false, onDeadline), "60", locale.EN.Date(g.Deadline))
			if body := visibleText(get(t, h, "/?date="+date+"&lang=en")); !strings.Contains(body, line) {
				t.Errorf("overview on %s lacks %q", date, line)
			}
		}
	}
	t.Logf("statuses seen: %v", seen)
	if len(seen) < 2 {
		t.Errorf("statuses seen %v: the example should show more than one", seen)
	}
	// Every status is defined on the goals page.
	body := visibleText(get(t, h, "/goals?lang=en"))
	for _, st := range figures.GoalStatuses {
		if def := locale.EN.T("goal.status.def." + locale.GoalStatusClass(st)); !strings.Contains(body, def) {
			t.Errorf("/goals does not define %q (%q)", st, def)
		}
	}
}
