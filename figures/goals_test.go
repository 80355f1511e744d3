package figures

import (
	"context"
	"math"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

func TestEvaluateGoal(t *testing.T) {
	d := civil.MustParse
	base, dl := d("2024-01-01"), d("2025-01-01") // 366 days (leap year)
	mid := d("2024-07-02")                       // day 183 of 366: exactly half way
	tests := []struct {
		name         string
		value        float64
		date         civil.Date
		want         string
		wantExpected float64
	}{
		{"before baseline", 10, d("2023-12-31"), GoalUpcoming, 10},
		{"on baseline day, unchanged", 10, base, GoalOnTrack, 10},
		{"half way, exactly on the line", 15, mid, GoalOnTrack, 15},
		{"half way, just below the line", 14.999, mid, GoalBehind, 15},
		{"half way, above", 16, mid, GoalOnTrack, 15},
		{"target reached early", 20, mid, GoalMet, 15},
		{"on the deadline, short", 19, dl, GoalBehind, 20},
		{"on the deadline, reached", 20, dl, GoalMet, 20},
		{"after the deadline, short", 19.99, d("2025-01-02"), GoalMissed, 20},
		{"after the deadline, reached", 21, d("2026-01-01"), GoalMet, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, exp := EvaluateGoal(20, 10, tt.value, base, dl, tt.date)
			if got != tt.want || exp != tt.wantExpected {
				t.Fatalf("EvaluateGoal = %q, expected %v; want %q, %v", got, exp, tt.want, tt.wantExpected)
			}
		})
	}
}

// TestJudgeGoal: the line and the projection give one status; where they
// disagree the goal is at risk, and without a projection the line decides.
func TestJudgeGoal(t *testing.T) {
	reaches := &Projection{ByDeadline: true}
	misses := &Projection{ByDeadline: false}
	tests := []struct {
		name string
		line string
		p    *Projection
		want string
	}{
		{"above the line, projection reaches", GoalOnTrack, reaches, GoalOnTrack},
		{"above the line, projection misses", GoalOnTrack, misses, GoalAtRisk},
		{"below the line, projection reaches", GoalBehind, reaches, GoalAtRisk},
		{"below the line, projection misses", GoalBehind, misses, GoalBehind},
		{"above the line, no projection", GoalOnTrack, nil, GoalOnTrack},
		{"below the line, no projection", GoalBehind, nil, GoalBehind},
		{"met, projection misses", GoalMet, misses, GoalMet},
		{"missed", GoalMissed, nil, GoalMissed},
		{"not started", GoalUpcoming, reaches, GoalUpcoming},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := JudgeGoal(tt.line, tt.p); got != tt.want {
				t.Fatalf("JudgeGoal(%q, %+v) = %q, want %q", tt.line, tt.p, got, tt.want)
			}
		})
	}
}

// TestGoalProjectionAndTrack: a members goal whose members join one a
// month is projected from its monthly values, and its track runs from
// the baseline to the deadline with values up to the date and the
// projected line from the last value on.
func TestGoalProjectionAndTrack(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		cfg, err := config.Parse("test.toml", []byte(`
[storage]
driver = "sqlite"
dsn = "unused.db"
[[goals]]
id = "members"
title = "Ti medlemmer"
metric = "members"
target = 10
baseline_date = 2025-01-01
deadline = 2026-12-31
`), nil)
		if err != nil {
			t.Fatal(err)
		}
		// One member joins on the 1st of each month of 2025.
		var ms []storage.Membership
		codes := []string{"101", "147", "151", "153", "155", "157", "159", "161", "163", "165", "167", "169"}
		for i, code := range codes {
			ms = append(ms, storage.Membership{OrganizationID: code, Since: civil.New(2025, time.Month(i+1), 1)})
		}
		if _, err := store.ImportRegister(ctx, storage.Register{Source: "r", SHA256: "r", Members: ms}); err != nil {
			t.Fatal(err)
		}
		calc := New(store.ReadOnly(), cfg)
		g := cfg.Goals[0]
		date := day("2025-06-30")

		st, err := calc.Goal(ctx, g, date)
		if err != nil {
			t.Fatal(err)
		}
		// The values the projection must be fitted to, by hand: the
		// baseline day and the month ends up to the date.
		hand := []GoalPoint{
			{Date: day("2025-01-01"), Value: 1}, {Date: day("2025-01-31"), Value: 1}, {Date: day("2025-02-28"), Value: 2},
			{Date: day("2025-03-31"), Value: 3}, {Date: day("2025-04-30"), Value: 4}, {Date: day("2025-05-31"), Value: 5},
			{Date: day("2025-06-30"), Value: 6},
		}
		// Above the line (about 3.2 on 30 June) and projected to reach
		// ten in time: on track by both.
		if v, ok := st.Value.Get(); st.Status != GoalOnTrack || !ok || v != 6 {
			t.Errorf("status %q, value %v; want on track, 6", st.Status, st.Value)
		}
		want, ok := Project(hand, 10, g.Deadline)
		if !ok || st.Projection == nil || *st.Projection != want {
			t.Fatalf("projection %+v, want %+v", st.Projection, want)
		}
		// Close to one member a month (the baseline day and the end of January
		// both have one): ten around November 2025, well before
		// the deadline; 4 left over 18 months.
		if p := st.Projection; p.PerMonth < 0.85 || p.PerMonth > 1 || !p.ByDeadline || p.Reaches.String()[:7] != "2025-11" ||
			p.Through != date || p.NeededPerMonth < 0.2 || p.NeededPerMonth > 0.25 {
			t.Errorf("projection %+v", p)
		}

		track, err := calc.GoalTrack(ctx, g, date)
		if err != nil {
			t.Fatal(err)
		}
		// The baseline day and 24 month ends.
		if n := len(track.Points); n != 25 || track.Points[0].Date != g.BaselineDate || track.Points[n-1].Date != g.Deadline {
			t.Fatalf("%d points from %s to %s", n, track.Points[0].Date, track.Points[n-1].Date)
		}
		for i, p := range track.Points {
			switch {
			case i < len(hand):
				if p.Date != hand[i].Date || p.Value == nil || *p.Value != hand[i].Value || !p.Complete {
					t.Errorf("point %d: %s %v complete %v, want %s %v", i, p.Date, p.Value, p.Complete, hand[i].Date, hand[i].Value)
				}
			case p.Value != nil || p.Complete:
				t.Errorf("point %s after the date has a value %v", p.Date, *p.Value)
			}
			if want := expectedOn(g, 1, p.Date); p.Expected != want {
				t.Errorf("point %s: on the line %v, want %v", p.Date, p.Expected, want)
			}
			if (p.Projection != nil) != !p.Date.Before(date) {
				t.Errorf("point %s: projection %v", p.Date, p.Projection)
			}
		}
		last := track.Points[len(track.Points)-1]
		if last.Expected != 10 || math.Abs(*last.Projection-st.Projection.AtDeadline) > 1e-9 {
			t.Errorf("on the deadline: line %v, projection %v; want 10 and %v", last.Expected, *last.Projection, st.Projection.AtDeadline)
		}

		// Before the baseline and after the deadline there is nothing to
		// project; the track is the line alone, or the values up to the
		// deadline.
		for _, d := range []string{"2024-12-31", "2027-01-01"} {
			st, err := calc.Goal(ctx, g, day(d))
			if err != nil || st.Projection != nil {
				t.Errorf("%s: projection %+v, %v", d, st.Projection, err)
			}
		}
		track, err = calc.GoalTrack(ctx, g, day("2024-12-31"))
		if err != nil || len(track.Points) != 25 || track.Points[0].Value != nil {
			t.Errorf("before the baseline: %d points, first %+v, %v", len(track.Points), track.Points[0], err)
		}
		track, err = calc.GoalTrack(ctx, g, day("2027-03-31"))
		if err != nil || len(track.Points) != 25 || track.Points[24].Value == nil || *track.Points[24].Value != 12 {
			t.Errorf("after the deadline: %d points, last %+v, %v", len(track.Points), track.Points[24], err)
		}
	})
}
