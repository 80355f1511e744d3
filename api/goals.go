package api

import (
	"net/http"
	"strconv"

	"os2pulse/civil"
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
	figure(a, "/api/v1/goals", func(r *http.Request) (Goals, error) {
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
			"complete", "covered_until"}}
		for _, s := range g.Goals {
			onDeadline := ""
			if s.ValueOnDeadline != nil {
				onDeadline = figures.FormatFigure(*s.ValueOnDeadline)
			}
			t.rows = append(t.rows, []string{s.Date.String(), s.ID, s.TitleDA, s.TitleEN, s.Metric, s.Product, s.Scope,
				s.BaselineDate.String(), figures.FormatFigure(s.Baseline), figures.FormatFigure(s.Value), figures.FormatFigure(s.Expected),
				figures.FormatFigure(s.Target), s.Deadline.String(), onDeadline, s.Status, strconv.FormatBool(s.Complete), s.CoveredUntil.String()})
		}
		return t
	})
}
