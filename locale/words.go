package locale

import (
	"math"
	"strings"
	"time"

	"os2pulse/civil"
)

// Words for values that figures carry as keys, so that no key reaches a
// page or a report.

// Governance names a governance level: "Sandkasse" / "Sandbox" or
// "Governance-niveau 2" / "Governance level 2"; "" (before a product's
// first level) is "not yet in the governance model".
func (l Lang) Governance(level string) string {
	switch level {
	case "sandbox":
		return l.T("governance.sandbox")
	case "":
		return l.T("governance.none")
	}
	return l.Tf("governance.level", level)
}

// GovernanceShort is Governance in a column heading whose caption names
// governance levels already: "Niveau 2".
func (l Lang) GovernanceShort(level string) string {
	if level == "sandbox" || level == "" {
		return l.Governance(level)
	}
	return l.Tf("governance.level.short", level)
}

// Source names a data source (config.SourceGitHub, …).
func (l Lang) Source(name string) string {
	if Has("source." + name) {
		return l.T("source." + name)
	}
	return name
}

// RunResult names the result of a collection run.
func (l Lang) RunResult(result string) string { return l.T("run." + result) }

// Failing says since when a repository's collection fails, by the status
// of its last poll: "GitHub could not be reached since …", "repository not
// found since …".
func (l Lang) Failing(status string, since time.Time) string {
	key := "failing." + status
	if !Has(key) {
		key = "failing.error"
	}
	return l.Tf(key, l.Time(since))
}

// CoveredUntil is the sentence an incomplete figure carries: "data only up
// to 18 November 2025", or "no data collected yet" when nothing is known.
func (l Lang) CoveredUntil(d civil.Date) string {
	if d.IsZero() {
		return l.T("coverage.none")
	}
	return l.Tf("coverage.until", l.Date(d))
}

// GoalStatus names a goal status ("met", "on track", "at risk", "behind",
// "missed", "not started", "unknown").
func (l Lang) GoalStatus(status string) string {
	return l.T("goal.status." + GoalStatusClass(status))
}

// GoalStatusClass is a goal status as a CSS class and catalogue key:
// met, on-track, at-risk, behind, missed, unknown or upcoming.
func GoalStatusClass(status string) string {
	switch status {
	case "met", "missed", "behind", "unknown":
		return status
	case "on track":
		return "on-track"
	case "at risk":
		return "at-risk"
	}
	return "upcoming"
}

// GoalValue writes a goal's value: shares as percentages, counts as whole
// numbers.
func (l Lang) GoalValue(share bool, f float64) string {
	if share {
		return l.Pct(f)
	}
	return l.Dec(f, 0)
}

// OrgLabel names an organisation: "Aarhus (751)", or the id alone when it
// has no other name.
func OrgLabel(id, name string) string {
	if name == "" || name == id {
		return id
	}
	return name + " (" + id + ")"
}

// List joins names: "a, b, c".
func List(names []string) string { return strings.Join(names, ", ") }

// Pace is where a goal is heading at the pace of its last months, in the
// terms PaceText needs (figures.Projection and the goal around it).
type Pace struct {
	Share      bool    // the goal's values are shares (0–1)
	Met        bool    // the goal's value has reached the target
	Target     float64 // the goal's target
	AtDeadline float64 // the trend's value on the deadline
	PerMonth   float64 // the trend's change per month
	Needed     float64 // what it takes per month from now
	Deadline   civil.Date
	Reaches    civil.Date // when the trend reaches the target; zero: never
	ByDeadline bool
	// Through is the last date the trend is fitted to; Date the date the
	// goal is evaluated on. They differ when the data end early.
	Through, Date civil.Date
}

// PaceText says where a goal is heading in sentences: "At this pace: 41
// of 60 by 31 December 2027. Target reached around March 2027. Needed per
// month from now: +1.8 (the pace now: +0.9 a month)."
func (l Lang) PaceText(p Pace) []string {
	if p.Met {
		return []string{l.T("pace.met")}
	}
	at := max(p.AtDeadline, 0)
	if p.Share {
		at = min(at, 1)
	}
	out := []string{l.Tf("pace.at", l.GoalValue(p.Share, at), l.GoalValue(p.Share, p.Target), l.Date(p.Deadline))}
	switch {
	case p.Reaches.IsZero():
		out = append(out, l.T("pace.never"))
	case p.ByDeadline:
		out = append(out, l.Tf("pace.reaches", l.Month(p.Reaches)))
	default:
		out = append(out, l.Tf("pace.reaches.late", l.Month(p.Reaches)))
	}
	out = append(out, l.Tf("pace.needed", l.GoalChange(p.Share, p.Needed), l.GoalChange(p.Share, p.PerMonth)))
	if p.Through != p.Date {
		out = append(out, l.Tf("pace.through", l.Date(p.Through)))
	}
	return out
}

// GoalChange writes a goal's change: a count with one decimal ("+1,8"),
// a share in percentage points ("+0,4 procentpoint").
func (l Lang) GoalChange(share bool, f float64) string {
	if share {
		return l.ChangePoints(f)
	}
	s := l.Dec(math.Abs(f), 1)
	return signed(s, f < 0, strings.Trim(s, "0.,") == "")
}
