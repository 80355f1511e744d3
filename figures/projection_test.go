package figures

import (
	"math"
	"testing"

	"os2pulse/civil"
)

// monthly builds month-end points from 2025-01-31 with the given values.
func monthly(values ...float64) []GoalPoint {
	var out []GoalPoint
	d := civil.MustParse("2025-01-31")
	for _, v := range values {
		out = append(out, GoalPoint{Date: d, Value: v})
		d = d.AddDays(1).AddDate(0, 1, 0).AddDays(-1) // the next month's end
	}
	return out
}

// The deadline of the goals below is 2027-12-31, 34.96 average months
// after the first point (2025-01-31); month ends are not evenly spaced
// (February is short), so slopes are close to, not exactly, the steps.
func TestProject(t *testing.T) {
	deadline := civil.MustParse("2027-12-31")
	near := func(a, b, eps float64) bool { return math.Abs(a-b) <= eps }
	tests := []struct {
		name       string
		points     []GoalPoint
		target     float64
		ok         bool
		perMonth   float64 // ±0.05
		atDeadline float64 // ±0.5
		reaches    string  // YYYY-MM of the day the trend reaches the target, or ""
		byDeadline bool
		needed     float64 // ±0.05
	}{
		// +1 a month from 10: 45 on the deadline; 40 is reached 30
		// average months in, early August 2027. From 22 in January 2026,
		// 18 are left over 23 months.
		{"rising", monthly(10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22), 40, true, 1, 45, "2027-08", true, 18.0 / 23},
		{"flat", monthly(20, 20, 20, 20, 20, 20), 40, true, 0, 20, "", false, 20.0 / 29},
		{"falling", monthly(30, 29, 28, 27), 40, true, -1.02, -5.7, "", false, 13.0 / 32},
		// Met already: reached on the last point, nothing more needed.
		{"reached early", monthly(30, 35, 41), 40, true, 5.68, 228.5, "2025-03", true, 0},
		{"rising too slowly", monthly(10, 10.5, 11, 11.5), 40, true, 0.51, 27.8, "2029-12", false, 28.5 / 32},
		// +0.01 a month: 40 only in about 250 years, which is never.
		{"rising far too slowly", monthly(10, 10.01, 10.02, 10.03), 40, true, 0.01, 10.38, "", false, 30.0 / 32},
		{"two months", monthly(10, 11), 40, false, 0, 0, "", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := Project(tt.points, tt.target, deadline)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			if !near(p.PerMonth, tt.perMonth, 0.05) {
				t.Errorf("per month %.3f, want %.3f", p.PerMonth, tt.perMonth)
			}
			if !near(p.AtDeadline, tt.atDeadline, 0.5) {
				t.Errorf("at deadline %.2f, want %.2f", p.AtDeadline, tt.atDeadline)
			}
			reaches := ""
			if !p.Reaches.IsZero() {
				reaches = p.Reaches.String()[:7]
			}
			if reaches != tt.reaches || p.ByDeadline != tt.byDeadline {
				t.Errorf("reaches %q by deadline %v, want %q %v", reaches, p.ByDeadline, tt.reaches, tt.byDeadline)
			}
			if !near(p.NeededPerMonth, tt.needed, 0.05) {
				t.Errorf("needed per month %.3f, want %.3f", p.NeededPerMonth, tt.needed)
			}
			// The projected line runs from the last value's date to the
			// deadline.
			if last := tt.points[len(tt.points)-1].Date; p.Through != last || !near(p.On(last), p.AtThrough, 1e-9) || !near(p.On(deadline), p.AtDeadline, 1e-9) {
				t.Errorf("line from %s (%.3f) to the deadline (%.3f); want from %s", p.Through, p.On(p.Through), p.On(deadline), last)
			}
		})
	}
}

// TestProjectUsesTheLastYear: values older than twelve months do not
// tilt the trend.
func TestProjectUsesTheLastYear(t *testing.T) {
	pts := monthly(90, 90, 90, 90, 90, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22)
	p, ok := Project(pts, 40, civil.MustParse("2028-06-30"))
	if !ok || p.Months != 13 || math.Abs(p.PerMonth-1) > 0.05 {
		t.Fatalf("projection %+v, %v; want 13 months at +1 a month", p, ok)
	}
}
