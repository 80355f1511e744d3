package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/figures"
)

// Goals is every goal evaluated on a date.
type Goals struct {
	Date  civil.Date           `json:"date"`
	Goals []figures.GoalStatus `json:"goals"`
}

func (a *API) goalRoutes() {
	// Every goal's baseline, value on the date, on-track line, target,
	// deadline, value on the deadline once it has passed, and status.
	figure(a, Endpoint{Path: "/api/v1/goals", Label: "export.goals", Params: []Param{paramDate}, Reads: figures.AllDomains}, func(r *http.Request) (Goals, error) {
		date, err := DateParam(r, "date", a.today())
		if err != nil {
			return Goals{}, err
		}
		goals, err := a.calc.Goals(r.Context(), date)
		if goals == nil {
			goals = []figures.GoalStatus{}
		}
		return Goals{Date: date, Goals: goals}, err
	}, func(g Goals) csvTable {
		t := csvTable{name: "os2pulse-goals-" + g.Date.String(), header: []string{"date", "goal", "title_da", "title_en", "metric",
			"product", "scope", "baseline_date", "baseline", "value", "expected", "target", "deadline", "value_on_deadline", "status",
			"complete", "covered_until", "projection_months", "projection_per_month", "projection_at_deadline", "projection_reaches",
			"projection_by_deadline", "needed_per_month"}}
		for _, s := range g.Goals {
			row := []string{s.Date.String(), s.ID, s.TitleDA, s.TitleEN, s.Metric, s.Product, s.Scope,
				s.BaselineDate.String(), figures.FormatKnown(s.Baseline), figures.FormatKnown(s.Value), figures.FormatKnown(s.Expected),
				figures.FormatFigure(s.Target), s.Deadline.String(), optKnown(s.ValueOnDeadline), s.Status, strconv.FormatBool(s.Complete),
				s.CoveredUntil.String()}
			if p := s.Projection; p != nil {
				row = append(row, strconv.Itoa(p.Months), figures.FormatFigure(p.PerMonth), figures.FormatFigure(p.AtDeadline),
					p.Reaches.String(), strconv.FormatBool(p.ByDeadline), figures.FormatFigure(p.NeededPerMonth))
			} else {
				row = append(row, "", "", "", "", "", "")
			}
			t.rows = append(t.rows, row)
		}
		return t
	})

	// One goal's chart: by month from its baseline date to its deadline,
	// the value up to the date, the line to the target and the projected
	// line; one CSV row per month.
	figure(a, Endpoint{Path: "/api/v1/series/goal", Label: "export.s.goal", Params: []Param{paramGoalNeeded, paramDate}, Reads: figures.AllDomains}, func(r *http.Request) (figures.GoalTrack, error) {
		g, err := a.goalParam(r)
		if err != nil {
			return figures.GoalTrack{}, err
		}
		date, err := DateParam(r, "date", a.today())
		if err != nil {
			return figures.GoalTrack{}, err
		}
		return a.calc.GoalTrack(r.Context(), g, date)
	}, func(tr figures.GoalTrack) csvTable {
		t := csvTable{name: "goal-" + tr.Goal.ID + "-" + tr.Goal.Date.String(), header: []string{"date", "goal", "value", "complete",
			"expected", "projection", "target"}}
		for _, p := range tr.Points {
			t.rows = append(t.rows, []string{p.Date.String(), tr.Goal.ID, optFigure(p.Value), strconv.FormatBool(p.Complete),
				figures.FormatFigure(p.Expected), optFigure(p.Projection), figures.FormatFigure(tr.Goal.Target)})
		}
		return t
	})

	// Who could be next for a goal about adoption: the members running
	// two products for the three-or-more goal, those piloting or planning
	// the product and then the member municipalities not running it for
	// a product goal; none for other goals.
	figure(a, Endpoint{Path: "/api/v1/prospects", Label: "export.prospects", Params: []Param{paramGoalNeeded, paramDate}, Reads: figures.AllDomains}, func(r *http.Request) (Prospects, error) {
		g, err := a.goalParam(r)
		if err != nil {
			return Prospects{}, err
		}
		date, err := DateParam(r, "date", a.today())
		if err != nil {
			return Prospects{}, err
		}
		ps, err := a.calc.GoalProspects(r.Context(), g, date)
		return Prospects{Date: date, Goal: g.ID, Prospects: ps}, err
	}, func(p Prospects) csvTable {
		t := csvTable{name: "prospects-" + p.Goal + "-" + p.Date.String(), header: []string{"date", "goal", "organization", "name", "kind",
			"reason", "runs", "lacks"}}
		for _, o := range p.Prospects {
			t.rows = append(t.rows, []string{p.Date.String(), p.Goal, o.Organization, o.Name, o.Kind, o.Reason,
				strings.Join(o.Runs, " "), strings.Join(o.Lacks, " ")})
		}
		return t
	})
}

// Prospects is who could be next for a goal on a date.
type Prospects struct {
	Date      civil.Date         `json:"date"`
	Goal      string             `json:"goal"`
	Prospects []figures.Prospect `json:"prospects"`
}

// goalParam reads the required goal id.
func (a *API) goalParam(r *http.Request) (config.Goal, error) {
	id := r.URL.Query().Get("goal")
	var ids []string
	for _, g := range a.cfg.Goals {
		if g.ID == id {
			return g, nil
		}
		ids = append(ids, g.ID)
	}
	msg := fmt.Sprintf("unknown goal %q; one of %s", id, strings.Join(ids, ", "))
	if id == "" {
		msg = "missing; one of " + strings.Join(ids, ", ")
	}
	return config.Goal{}, &ParamError{Param: "goal", Msg: msg}
}

// optFigure writes a value that may be absent.
// optKnown writes a figure that may be absent or not known: an empty cell
// either way.
func optKnown(v *figures.Known[float64]) string {
	if v == nil {
		return ""
	}
	return figures.FormatKnown(*v)
}

func optFigure(v *float64) string {
	if v == nil {
		return ""
	}
	return figures.FormatFigure(*v)
}
