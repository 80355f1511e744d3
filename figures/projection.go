package figures

import (
	"math"

	"os2pulse/civil"
)

// ProjectionDefinitionEN (and DA) say how a goal's projection is made.
const (
	ProjectionDefinitionEN = "The projection fits a straight line by least squares to the goal's monthly values of the " +
		"last 12 months (fewer when the goal is younger; at least 3) and extends it to the deadline: the value it " +
		"reaches there, and when it reaches the target. \"Needed per month\" is what is left to the target divided " +
		"by the months left to the deadline."
	ProjectionDefinitionDA = "Fremskrivningen lægger en ret linje (mindste kvadraters metode) gennem målets månedlige " +
		"værdier de seneste 12 måneder (færre, hvis målet er yngre; mindst 3) og forlænger den til fristen: den " +
		"værdi, den når dér, og hvornår den når målværdien. \"Nødvendigt pr. måned\" er det, der mangler til " +
		"målværdien, delt med antallet af måneder til fristen."
)

// projectionMonths is how far back the trend looks; minProjection is the
// fewest monthly values a trend is drawn from.
const (
	projectionMonths = 12
	minProjection    = 3
)

// reachHorizonYears is how long after the deadline a trend may take to
// reach the target and still be said to reach it.
const reachHorizonYears = 25

// daysPerMonth converts days to months on average, so that the trend is
// per calendar month whatever the months' lengths.
const daysPerMonth = 365.2425 / 12

// Projection is where a goal is heading at the pace of its last months.
type Projection struct {
	Months   int     `json:"months"`    // monthly values the trend is fitted to
	PerMonth float64 `json:"per_month"` // the trend's change per month
	// Through is the date of the last value the trend is fitted to, and
	// AtThrough the trend's value there: the projected line runs from
	// there to the deadline.
	Through    civil.Date `json:"through"`
	AtThrough  float64    `json:"at_through"`
	AtDeadline float64    `json:"at_deadline"` // the trend's value on the deadline
	// Reaches is about when the trend reaches the target (the month it
	// does); zero when it does not rise to it, or only more than 25 years
	// after the deadline.
	Reaches civil.Date `json:"reaches,omitzero"`
	// ByDeadline says whether it does so on or before the deadline.
	ByDeadline bool `json:"by_deadline"`
	// NeededPerMonth is what is left to the target divided by the months
	// left to the deadline (0 when met or the deadline has passed).
	NeededPerMonth float64 `json:"needed_per_month"`
}

// Project fits the trend of points (a goal's values, monthly, oldest
// first, ending on the goal's date) and extends it to deadline. ok is
// false with fewer than three monthly values. A goal whose value already
// reached the target "reaches" it on the last point's date.
func Project(points []GoalPoint, target float64, deadline civil.Date) (p Projection, ok bool) {
	if len(points) > projectionMonths+1 {
		// A year of months: the last point and the twelve month ends
		// before it.
		points = points[len(points)-projectionMonths-1:]
	}
	if len(points) < minProjection {
		return Projection{}, false
	}
	first, last := points[0].Date, points[len(points)-1]
	months := func(d civil.Date) float64 { return float64(first.DaysUntil(d)) / daysPerMonth }
	var sx, sy, sxx, sxy float64
	for _, pt := range points {
		x := months(pt.Date)
		sx += x
		sy += pt.Value
		sxx += x * x
		sxy += x * pt.Value
	}
	n := float64(len(points))
	den := n*sxx - sx*sx
	if den == 0 {
		return Projection{}, false
	}
	slope := (n*sxy - sx*sy) / den
	intercept := (sy - slope*sx) / n
	p = Projection{Months: len(points), PerMonth: slope, Through: last.Date, AtThrough: intercept + slope*months(last.Date),
		AtDeadline: intercept + slope*months(deadline)}
	switch {
	case last.Value >= target:
		p.Reaches, p.ByDeadline = last.Date, !last.Date.After(deadline)
	case slope > 0:
		x := (target - intercept) / slope
		// Never before the last value: a trend below the target now
		// reaches it later.
		x = math.Max(x, months(last.Date))
		// A trend that takes longer than the horizon does not reach the
		// target in any sense that matters: such a date says nothing.
		if x-months(deadline) <= reachHorizonYears*12 {
			p.Reaches = first.AddDays(int(math.Ceil(x * daysPerMonth)))
			p.ByDeadline = !p.Reaches.After(deadline)
		}
	}
	if left := months(deadline) - months(last.Date); left > 0 && last.Value < target {
		p.NeededPerMonth = (target - last.Value) / left
	}
	return p, true
}

// On is the trend's value on d: a point of the projected line.
func (p Projection) On(d civil.Date) float64 {
	return p.AtThrough + p.PerMonth*float64(p.Through.DaysUntil(d))/daysPerMonth
}
