package api

import (
	"encoding/json"
	"strings"
	"testing"

	"os2pulse/figures"
	"os2pulse/storage/storagetest"
)

// TestGoalEndpoints: a goal's chart data, the goals with their
// projections, and who could be next, on figurestest's portfolio on 23
// November 2026.
func TestGoalEndpoints(t *testing.T) {
	a := fixtureAPI(t, storagetest.New(t, "sqlite"))

	var track figures.GoalTrack
	rec := apiGet(t, a, "/api/v1/series/goal?goal=os2forms-spread")
	if err := json.Unmarshal(rec.Body.Bytes(), &track); err != nil {
		t.Fatal(rec.Code, err)
	}
	// From the baseline day, 1 January 2024, by month to the deadline,
	// 31 December 2027, and today; values up to today.
	pts := track.Points
	if len(pts) != 50 || pts[0].Date.String() != "2024-01-01" || pts[49].Date.String() != "2027-12-31" || track.Goal.ID != "os2forms-spread" {
		t.Fatalf("%d points from %s to %s", len(pts), pts[0].Date, pts[len(pts)-1].Date)
	}
	withValue := 0
	for _, p := range pts {
		if p.Value != nil {
			withValue++
		}
	}
	// 1 January 2024, 34 month ends to October 2026, 23 November 2026.
	if withValue != 36 || pts[35].Date.String() != "2026-11-23" || *pts[35].Value != 4 || pts[35].Projection == nil || pts[34].Projection != nil {
		t.Errorf("%d values; point 35 %+v", withValue, pts[35])
	}
	if pts[49].Expected != 60 || track.Goal.Projection == nil || *pts[49].Projection != track.Goal.Projection.AtDeadline {
		t.Errorf("on the deadline %+v, projection %+v", pts[49], track.Goal.Projection)
	}

	rec = apiGet(t, a, "/api/v1/series/goal.csv?goal=os2forms-spread&sep=semicolon")
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(rec.Body.String(), bom)), "\n")
	if len(lines) != 51 || lines[0] != "date;goal;value;complete;expected;projection;target" ||
		!strings.HasPrefix(lines[1], "2024-01-01;os2forms-spread;4;true;4;;60") || !strings.HasPrefix(lines[50], "2027-12-31;os2forms-spread;;false;60;") {
		t.Errorf("goal CSV:\n%s", rec.Body)
	}

	// Who could run OS2borgerPC next: Odense pilots it; Aarhus,
	// Frederiksberg and Hjørring are member municipalities without it.
	rec = apiGet(t, a, "/api/v1/prospects.csv?goal=os2borgerpc-spread")
	want := bom + "date,goal,organization,name,kind,reason,runs,lacks\n" +
		"2026-11-23,os2borgerpc-spread,461,Odense,municipality,pilot,,\n" +
		"2026-11-23,os2borgerpc-spread,751,Aarhus,municipality,not_running,,\n" +
		"2026-11-23,os2borgerpc-spread,147,Frederiksberg,municipality,not_running,,\n" +
		"2026-11-23,os2borgerpc-spread,860,Hjørring,municipality,not_running,,\n"
	if rec.Body.String() != want {
		t.Errorf("prospects:\n%s\nwant\n%s", rec.Body, want)
	}
	// Nobody runs exactly two products: no one is one product short of
	// three.
	if rec := apiGet(t, a, "/api/v1/prospects?goal=three-plus"); !strings.Contains(rec.Body.String(), `"prospects": []`) {
		t.Errorf("three-plus prospects: %s", rec.Body)
	}
	if rec := apiGet(t, a, "/api/v1/prospects?goal=nope"); rec.Code != 400 || !strings.Contains(rec.Body.String(), `unknown goal \"nope\"; one of three-plus, os2forms-spread, os2borgerpc-spread, members`) {
		t.Errorf("unknown goal: %d %s", rec.Code, rec.Body)
	}

	rec = apiGet(t, a, "/api/v1/goals.csv")
	if !strings.Contains(rec.Body.String(), ",projection_months,projection_per_month,projection_at_deadline,projection_reaches,projection_by_deadline,needed_per_month\n") {
		t.Errorf("goals CSV header: %.600s", rec.Body)
	}
}
