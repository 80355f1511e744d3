package figures

import (
	"fmt"

	"os2pulse/civil"
)

// Step is the spacing of a time series.
type Step string

// Steps of a time series; each point is computed as of the last day of its
// month, quarter or year (the last point is clipped to the series' end).
const (
	Month   Step = "month"
	Quarter Step = "quarter"
	Year    Step = "year"
)

// ParseStep parses "month", "quarter" or "year"; "" gives month.
func ParseStep(s string) (Step, error) {
	switch Step(s) {
	case "":
		return Month, nil
	case Month, Quarter, Year:
		return Step(s), nil
	}
	return "", fmt.Errorf("%q is not a step (month, quarter or year)", s)
}

// MaxPoints bounds a series so one request cannot ask for centuries of
// monthly points.
const MaxPoints = 600

// Points returns the dates of a series from..to: the last day of each
// step period that ends after from, with to itself as the last point when
// it falls inside a period.
func Points(from, to civil.Date, step Step) ([]civil.Date, error) {
	if to.Before(from) {
		return nil, fmt.Errorf("from %s is after to %s", from, to)
	}
	months := map[Step]int{Month: 1, Quarter: 3, Year: 12}[step]
	if months == 0 {
		return nil, fmt.Errorf("%q is not a step (month, quarter or year)", step)
	}
	// First period start on or before from.
	y, m, _ := from.Parts()
	start := civil.New(y, m, 1)
	switch step {
	case Quarter:
		start = civil.New(y, (m-1)/3*3+1, 1)
	case Year:
		start = civil.New(y, 1, 1)
	}
	var out []civil.Date
	for p := start; ; p = p.AddDate(0, months, 0) {
		end := p.AddDate(0, months, -1)
		if end.After(to) {
			if !p.After(to) {
				out = append(out, to)
			}
			break
		}
		if !end.Before(from) {
			out = append(out, end)
		}
		if len(out) > MaxPoints {
			return nil, fmt.Errorf("series from %s to %s by %s has more than %d points", from, to, step, MaxPoints)
		}
	}
	return out, nil
}
