package report

import (
	"os2pulse/figures"
	"os2pulse/locale"
)

// GoalPace is where goal g is heading, for locale's PaceText; ok is false
// when it has no projection (before its baseline date, after its
// deadline, or with fewer than three months of values). The report and
// the site's goal pages say it the same way.
func GoalPace(g figures.GoalStatus) (p locale.Pace, ok bool) {
	pr := g.Projection
	if pr == nil {
		return locale.Pace{}, false
	}
	return locale.Pace{
		Share: g.Share, Met: g.Status == figures.GoalMet, Target: g.Target, AtDeadline: pr.AtDeadline, PerMonth: pr.PerMonth,
		Needed: pr.NeededPerMonth, Deadline: g.Deadline, Reaches: pr.Reaches, ByDeadline: pr.ByDeadline,
		Through: pr.Through, Date: g.Date,
	}, true
}

// GoalValue writes a goal's value as locale's GoalValue does, or "–" when
// it is not known. The report and the site's pages write it the same way.
func GoalValue(l locale.Lang, share bool, k figures.Known[float64]) string {
	v, ok := k.Get()
	if !ok {
		return "–"
	}
	return l.GoalValue(share, v)
}
