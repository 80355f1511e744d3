package figures

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/contribindex"
	"os2pulse/storage"
)

// Goal statuses: one word per goal, the same in pages, the API, the report
// and /metrics (GoalStatuses lists them in order).
const (
	GoalMet      = "met"
	GoalOnTrack  = "on track"
	GoalAtRisk   = "at risk"
	GoalBehind   = "behind"
	GoalMissed   = "missed"
	GoalUpcoming = "not started" // the date is before the baseline date
	GoalUnknown  = "unknown"     // the data do not reach the date the goal is judged on
)

// GoalStatuses are every goal status, for documentation and /metrics.
var GoalStatuses = []string{GoalMet, GoalOnTrack, GoalAtRisk, GoalBehind, GoalMissed, GoalUpcoming, GoalUnknown}

// GoalStatus is a board goal evaluated on a date.
//
// A goal is met when its value reaches the target. Before the deadline an
// unmet goal is judged by the straight line from the baseline value (at
// the baseline date) to the target (at the deadline) and by its projection
// together (JudgeGoal): on track when the value is at or above the line
// and the projection reaches the target by the deadline, behind when
// neither holds, at risk when only one does; without a projection (too few
// months) by the line alone. After the deadline it is judged by its value
// on the deadline (ValueOnDeadline): met, or missed. Its status is unknown
// when the data do not reach the date it is judged on. Value is always the
// value on Date. Goals are "higher is better".
//
// Complete is false for a contributor goal whose data does not reach Date
// (or, after the deadline, the deadline); CoveredUntil is then how far it
// reaches.
type GoalStatus struct {
	ID           string     `json:"id"`
	TitleDA      string     `json:"title_da"`
	TitleEN      string     `json:"title_en"`
	Metric       string     `json:"metric"`
	Product      string     `json:"product,omitempty"`
	Scope        string     `json:"scope,omitempty"`
	Share        bool       `json:"share"` // value and target are shares (0–1)
	Date         civil.Date `json:"date"`
	BaselineDate civil.Date `json:"baseline_date"`
	Deadline     civil.Date `json:"deadline"`
	// Baseline, Value and Expected are not known (null) when their data
	// do not reach their dates (contributor goals only).
	Baseline Known[float64] `json:"baseline"`
	Value    Known[float64] `json:"value"`
	// ValueOnDeadline is set once the deadline has passed: the value the
	// goal is judged by.
	ValueOnDeadline *Known[float64] `json:"value_on_deadline,omitempty"`
	Expected        Known[float64]  `json:"expected"` // the on-track line's value on the date
	Target          float64         `json:"target"`
	Status          string          `json:"status"`
	Complete        bool            `json:"complete"`
	CoveredUntil    civil.Date      `json:"covered_until,omitzero"`
	// LastKnown is the value on the last date the data reach, when Value
	// is not known and they reach some date.
	LastKnown *GoalLastKnown `json:"last_known,omitempty"`
	// Projection is where the goal is heading at the pace of its last
	// twelve months (Project), from the months whose data are complete;
	// nil before the baseline date, after the deadline, and with fewer
	// than three monthly values.
	Projection *Projection `json:"projection,omitempty"`
}

// GoalLastKnown is a goal's value on the last date its data reach.
type GoalLastKnown struct {
	Date  civil.Date `json:"date"`
	Value float64    `json:"value"`
}

// Title returns the goal's title in lang.
func (g GoalStatus) Title(lang string) string {
	return config.Text{DA: g.TitleDA, EN: g.TitleEN}.In(lang)
}

// Judged is the value the goal's status is about: after the deadline the
// value on the deadline, else the value on the date.
func (g GoalStatus) Judged() Known[float64] {
	if g.ValueOnDeadline != nil {
		return *g.ValueOnDeadline
	}
	return g.Value
}

// Progress is the judged value (Judged) as a fraction of the target (1 =
// met), when it is known.
func (g GoalStatus) Progress() (float64, bool) {
	v, ok := g.Judged().Get()
	if !ok || g.Target == 0 {
		return 0, ok
	}
	return v / g.Target, true
}

// ExpectedProgress is the on-track line as a fraction of the target, when
// it is known.
func (g GoalStatus) ExpectedProgress() (float64, bool) {
	e, ok := g.Expected.Get()
	if !ok || g.Target == 0 {
		return 0, ok
	}
	return e / g.Target, true
}

// EvaluateGoal applies the status rule to values already computed: the
// baseline value, the value on date (or, after the deadline, on the
// deadline). It is separate from the figures so the rule can be tested on
// hand-built numbers.
func EvaluateGoal(target, baseline, value float64, baselineDate, deadline, date civil.Date) (status string, expected float64) {
	switch {
	case date.Before(baselineDate):
		return GoalUpcoming, baseline
	case date.After(deadline):
		if value >= target {
			return GoalMet, target
		}
		return GoalMissed, target
	}
	span := float64(baselineDate.DaysUntil(deadline))
	done := float64(baselineDate.DaysUntil(date))
	expected = baseline + (target-baseline)*done/span
	switch {
	case value >= target:
		return GoalMet, expected
	case value >= expected:
		return GoalOnTrack, expected
	default:
		return GoalBehind, expected
	}
}

// JudgeGoal combines the status by the line (EvaluateGoal) with the
// projection (nil: none) into the goal's one status: a goal at or above
// the line whose projection also reaches the target by the deadline is on
// track, one below the line whose projection does not is behind, and one
// where the two disagree is at risk. Without a projection the line
// decides; met, missed and not started stand as they are.
func JudgeGoal(line string, p *Projection) string {
	if p == nil || (line != GoalOnTrack && line != GoalBehind) {
		return line
	}
	switch onLine := line == GoalOnTrack; {
	case onLine && p.ByDeadline:
		return GoalOnTrack
	case !onLine && !p.ByDeadline:
		return GoalBehind
	}
	return GoalAtRisk
}

// Goals evaluates every configured goal on date.
func (c *Calculator) Goals(ctx context.Context, date civil.Date) ([]GoalStatus, error) {
	var out []GoalStatus
	for _, g := range c.cfg.Goals {
		st, err := c.Goal(ctx, g, date)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// Goal evaluates one goal on date.
func (c *Calculator) Goal(ctx context.Context, g config.Goal, date civil.Date) (GoalStatus, error) {
	base, dl := g.BaselineDate, g.Deadline
	// The baseline, the date and, after it, the deadline in one reading.
	dates := []civil.Date{base, date}
	if date.After(dl) {
		dates = append(dates, dl)
	}
	fs, err := c.goalFigures(ctx, g, dates)
	if err != nil {
		return GoalStatus{}, err
	}
	baseline, value := fs[0], fs[1]
	st := GoalStatus{
		ID: g.ID, TitleDA: g.Title.DA, TitleEN: g.Title.EN,
		Metric: g.Metric, Product: g.Product, Scope: g.Scope, Share: config.GoalMetrics[g.Metric],
		Date: date, BaselineDate: g.BaselineDate, Deadline: g.Deadline,
		Baseline: baseline.known(), Value: value.known(), Target: g.Target,
	}
	judged := value
	if date.After(dl) {
		judged = fs[2]
		k := judged.known()
		st.ValueOnDeadline = &k
	}
	st.Complete = judged.complete && value.complete
	if !st.Complete {
		st.CoveredUntil = value.coveredUntil
	}
	if last := value.coveredUntil; !value.complete && !last.IsZero() && !last.Before(base) && last.Before(date) {
		lv, err := c.goalValue(ctx, g, last)
		if err != nil {
			return GoalStatus{}, err
		}
		if lv.complete {
			st.LastKnown = &GoalLastKnown{Date: last, Value: lv.value}
		}
	}
	line, expected := EvaluateGoal(g.Target, baseline.value, judged.value, base, dl, date)
	st.Expected = KnownIf(expected, baseline.complete)
	if st.Projection, err = c.goalProjection(ctx, g, date); err != nil {
		return GoalStatus{}, err
	}
	st.Status = JudgeGoal(line, st.Projection)
	if (!judged.complete || !baseline.complete) && st.Status != GoalUpcoming {
		// A partly known value would judge by what is missing.
		st.Status = GoalUnknown
	}
	return st, nil
}

// goalProjection projects a goal from its monthly values of the year up
// to date: the month ends and date itself (Project uses the last twelve
// months). Values whose data do not reach their date are left out, so an
// incomplete contributor count never bends the trend.
func (c *Calculator) goalProjection(ctx context.Context, g config.Goal, date civil.Date) (*Projection, error) {
	if date.Before(g.BaselineDate) || date.After(g.Deadline) {
		return nil, nil
	}
	pts, err := c.goalPoints(ctx, g, max(g.BaselineDate, date.AddDate(-1, 0, 0)), date)
	if err != nil {
		return nil, err
	}
	complete := pts[:0]
	for _, p := range pts {
		if p.Complete {
			complete = append(complete, p)
		}
	}
	p, ok := Project(complete, g.Target, g.Deadline)
	if !ok {
		return nil, nil
	}
	return &p, nil
}

// GoalValue is the value of a goal's metric on date.
func (c *Calculator) GoalValue(ctx context.Context, g config.Goal, date civil.Date) (float64, error) {
	v, err := c.goalValue(ctx, g, date)
	return v.value, err
}

// goalFigure is a goal's value on a date and whether its data reach the
// date: contributor metrics can fall short; the register's metrics are as
// registered, and not known before the register was ever read.
type goalFigure struct {
	value        float64
	complete     bool
	coveredUntil civil.Date
}

// known is the figure as a result: not known when incomplete.
func (f goalFigure) known() Known[float64] { return KnownIf(f.value, f.complete) }

func (c *Calculator) goalValue(ctx context.Context, g config.Goal, date civil.Date) (goalFigure, error) {
	fs, err := c.goalFigures(ctx, g, []civil.Date{date})
	if err != nil {
		return goalFigure{}, err
	}
	return fs[0], nil
}

// goalFigures computes a goal's metric on each of dates (in any order),
// reading the data versions and coverage once: a goal's status, series and
// projection ask for tens of dates, which one at a time cost a few queries
// each.
func (c *Calculator) goalFigures(ctx context.Context, g config.Goal, dates []civil.Date) ([]goalFigure, error) {
	if IsContributorMetric(g.Metric) {
		return c.goalContributors(ctx, g, dates)
	}
	vs, err := c.store.DomainVersions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]goalFigure, len(dates))
	// A register never read says nothing: its goals are not known (not
	// met, missed or behind at 0).
	reg, err := c.registerCoverageOn(ctx, vs)
	if err != nil || reg.IsZero() {
		return out, err
	}
	for i, date := range dates {
		v, err := c.registerGoalMetric(ctx, vs, g, date)
		if err != nil {
			return nil, err
		}
		out[i] = goalFigure{value: v, complete: true}
	}
	return out, nil
}

// IsContributorMetric says whether a goal's metric counts contributors
// (whose data can fall short of a date) rather than the register.
func IsContributorMetric(m string) bool {
	return m == "active_contributors" || m == "portfolio_active_contributors"
}

// registerGoalMetric computes the value of a goal's register metric on
// date, from the figures Members and Adoption cache.
func (c *Calculator) registerGoalMetric(ctx context.Context, vs storage.Versions, g config.Goal, date civil.Date) (float64, error) {
	switch g.Metric {
	case "members", "members_three_plus_share":
		m, err := c.membersOn(ctx, vs, date)
		if err != nil {
			return 0, err
		}
		if g.Metric == "members" {
			return float64(m.Members), nil
		}
		return m.ThreePlusShare, nil
	case "product_adoption_share", "product_adopters":
		a, err := c.adoptionOn(ctx, vs, date)
		if err != nil {
			return 0, err
		}
		for _, p := range a.Products {
			if p.ID != g.Product {
				continue
			}
			if g.Metric == "product_adoption_share" {
				return p.ShareOfMunicipalities, nil
			}
			switch g.Scope {
			case "municipalities":
				return float64(p.Adopters.Municipalities), nil
			case "members":
				return float64(p.Adopters.Members), nil
			default:
				return float64(p.Adopters.All), nil
			}
		}
		return 0, fmt.Errorf("goal %s: product %q is not configured", g.ID, g.Product)
	}
	return 0, fmt.Errorf("goal %s: unknown metric %q", g.ID, g.Metric)
}

// goalContributors computes a contributor goal's active contributors on
// each of dates: from the contribution index in one sweep over the dates
// (as ContributorSeries), or while it loads from storage date by date (as
// Contributors). A value whose data do not reach its date is 0 and
// incomplete.
func (c *Calculator) goalContributors(ctx context.Context, g config.Goal, dates []civil.Date) ([]goalFigure, error) {
	win := c.cfg.Contributors.WindowDays
	if win < 1 {
		return nil, fmt.Errorf("figures: window of %d days; it must be at least 1", win)
	}
	if g.Product != "" {
		if _, ok := c.cfg.Product(g.Product); !ok {
			return nil, fmt.Errorf("goal %s: product %q is not configured", g.ID, g.Product)
		}
	}
	cov, err := c.ContributorCoverage(ctx)
	if err != nil {
		return nil, err
	}
	until := cov.Portfolio
	if g.Product != "" {
		until = cov.Product(g.Product)
	}
	// The index sweeps ascending dates, each once.
	pts := slices.Clone(dates)
	slices.SortFunc(pts, func(a, b civil.Date) int { return cmp.Compare(a, b) })
	pts = slices.Compact(pts)
	key := fmt.Sprintf("goal-contributors|%s|%d|%v", g.Product, win, pts)
	counts, err := withIndex(ctx, c, key, []string{g.Product}, 0, func(ix *contribindex.Index, s *contribSetup) ([]int, error) {
		keys := s.all
		if g.Product != "" {
			keys = s.repoKeys[g.Product]
		}
		out := make([]int, len(pts))
		for i, pc := range ix.Counts(s.scope(g.Product), ix.Repos(keys), pts, win, s.members(ix)) {
			out[i] = pc.Active
		}
		return out, nil
	}, func() ([]int, error) {
		out := make([]int, len(pts))
		for i, d := range pts {
			ac, err := c.contributorsOn(ctx, d, win)
			if err != nil {
				return nil, err
			}
			n, _ := ac.PortfolioActiveContributors.Get()
			for _, p := range ac.Products {
				if p.ID == g.Product {
					n, _ = p.ActiveContributors.Get()
				}
			}
			out[i] = n
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]goalFigure, len(dates))
	for i, d := range dates {
		j, _ := slices.BinarySearch(pts, d)
		f := goalFigure{complete: Covers(until, d), coveredUntil: until}
		if f.complete {
			// Not known: 0, as Contributors' unknown counts.
			f.value = float64(counts[j])
		}
		out[i] = f
	}
	return out, nil
}

// GoalPoint is a goal's actual value and on-track line at one date;
// Complete as in GoalStatus.
type GoalPoint struct {
	Date     civil.Date `json:"date"`
	Value    float64    `json:"value"`
	Expected float64    `json:"expected"`
	Complete bool       `json:"complete"`
}

// GoalSeries is a goal's values from its baseline date to date (or the
// deadline, when earlier), by step, with the line from baseline to target.
func (c *Calculator) GoalSeries(ctx context.Context, g config.Goal, date civil.Date, step Step) ([]GoalPoint, error) {
	base, dl := g.BaselineDate, g.Deadline
	end := date
	if end.After(dl) {
		end = dl
	}
	if end.Before(base) {
		return nil, nil
	}
	pts, err := Points(base, end, step)
	if err != nil {
		return nil, err
	}
	if len(pts) == 0 || pts[0] != base {
		pts = append([]civil.Date{base}, pts...)
	}
	return c.goalValues(ctx, g, pts)
}

// goalPoints is a goal's values at the month ends from..to and on to,
// with from itself when it is the baseline date.
func (c *Calculator) goalPoints(ctx context.Context, g config.Goal, from, to civil.Date) ([]GoalPoint, error) {
	pts, err := Points(from, to, Month)
	if err != nil {
		return nil, err
	}
	if from == g.BaselineDate && (len(pts) == 0 || pts[0] != from) {
		pts = append([]civil.Date{from}, pts...)
	}
	return c.goalValues(ctx, g, pts)
}

// goalValues is a goal's value and on-track line at each of dates.
func (c *Calculator) goalValues(ctx context.Context, g config.Goal, dates []civil.Date) ([]GoalPoint, error) {
	fs, err := c.goalFigures(ctx, g, append([]civil.Date{g.BaselineDate}, dates...))
	if err != nil {
		return nil, err
	}
	baseline := fs[0].value
	out := make([]GoalPoint, 0, len(dates))
	for i, p := range dates {
		v := fs[i+1]
		out = append(out, GoalPoint{Date: p, Value: v.value, Expected: expectedOn(g, baseline, p), Complete: v.complete})
	}
	return out, nil
}

// expectedOn is the on-track line's value on date: the straight line from
// the baseline value on the baseline date to the target on the deadline.
func expectedOn(g config.Goal, baseline float64, date civil.Date) float64 {
	_, exp := EvaluateGoal(g.Target, baseline, baseline, g.BaselineDate, g.Deadline, date)
	return exp
}

// GoalTrack is what a goal's chart shows: the goal on a date with its
// projection, and by month from the baseline date to the deadline its
// value (up to the date), the line to the target and the projected line
// (from the projection's last value on).
type GoalTrack struct {
	Goal   GoalStatus       `json:"goal"`
	Points []GoalTrackPoint `json:"points"`
}

// GoalTrackPoint is one month of a goal's track. Value is nil after the
// track's date (and, after the deadline, the deadline) and where its data
// do not reach its date (Complete false). Projection is
// nil before the projected line begins.
type GoalTrackPoint struct {
	Date       civil.Date `json:"date"`
	Value      *float64   `json:"value,omitempty"`
	Complete   bool       `json:"complete"`
	Expected   float64    `json:"expected"`
	Projection *float64   `json:"projection,omitempty"`
}

// GoalTrack computes a goal's track as of date.
func (c *Calculator) GoalTrack(ctx context.Context, g config.Goal, date civil.Date) (GoalTrack, error) {
	st, err := c.Goal(ctx, g, date)
	if err != nil {
		return GoalTrack{}, err
	}
	known, err := c.GoalSeries(ctx, g, date, Month)
	if err != nil {
		return GoalTrack{}, err
	}
	out := GoalTrack{Goal: st, Points: make([]GoalTrackPoint, 0, len(known))}
	for _, p := range known {
		tp := GoalTrackPoint{Date: p.Date, Complete: p.Complete, Expected: p.Expected}
		if p.Complete {
			v := p.Value
			tp.Value = &v
		}
		out.Points = append(out.Points, tp)
	}
	// The months still to come, up to the deadline: the line only.
	rest := g.BaselineDate
	if n := len(known); n > 0 {
		rest = known[n-1].Date.AddDays(1)
	}
	if !rest.After(g.Deadline) {
		later, err := Points(rest, g.Deadline, Month)
		if err != nil {
			return GoalTrack{}, err
		}
		if len(known) == 0 && (len(later) == 0 || later[0] != rest) {
			later = append([]civil.Date{rest}, later...)
		}
		for _, d := range later {
			base, _ := st.Baseline.Get()
			out.Points = append(out.Points, GoalTrackPoint{Date: d, Expected: expectedOn(g, base, d)})
		}
	}
	if pr := st.Projection; pr != nil {
		for i := range out.Points {
			if d := out.Points[i].Date; !d.Before(pr.Through) {
				v := pr.On(d)
				out.Points[i].Projection = &v
			}
		}
	}
	return out, nil
}
