package dashboard

import (
	"net/http"

	"os2pulse/figures"
)

// apiGoals answers GET /api/v1/goals?date=: every goal's baseline, value,
// on-track line, target, deadline and status on the date.
func (s *Server) apiGoals(w http.ResponseWriter, r *http.Request, asCSV bool) {
	date, err := dateParam(r, "date", s.today())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	goals, err := s.figures.Goals(r.Context(), date)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if goals == nil {
		goals = []figures.GoalStatus{}
	}
	if !asCSV {
		writeJSON(w, r, http.StatusOK, map[string]any{"date": date.Format("2006-01-02"), "goals": goals})
		return
	}
	var rows [][]string
	for _, g := range goals {
		rows = append(rows, []string{g.Date, g.ID, g.TitleDA, g.TitleEN, g.Metric, g.Product, g.Scope,
			g.BaselineDate, figures.FormatFigure(g.Baseline), figures.FormatFigure(g.Value), figures.FormatFigure(g.Expected),
			figures.FormatFigure(g.Target), g.Deadline, g.Status})
	}
	writeCSV(w, r, "os2pulse-goals-"+date.Format("2006-01-02")+".csv",
		[]string{"date", "goal", "title_da", "title_en", "metric", "product", "scope", "baseline_date", "baseline",
			"value", "expected", "target", "deadline", "status"}, rows)
}
