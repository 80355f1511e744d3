package figures

import (
	"testing"

	"os2pulse/civil"
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
