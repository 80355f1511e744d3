package dashboard

import (
	"fmt"
	"net/http"
	"strconv"

	"os2pulse/figures"
	"os2pulse/storage"
)

// apiContributors answers /api/v1/contributors: the active contributors of
// every product and of the portfolio on date (default today) over
// window_days (1–3650, default from the configuration).
func (s *Server) apiContributors(w http.ResponseWriter, r *http.Request, asCSV bool) {
	date, err := dateParam(r, "date", s.today())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	window, err := intParam(r, "window_days", s.cfg.Contributors.WindowDays, 1, 3650)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	c, err := s.figures.Contributors(r.Context(), date, window)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if !asCSV {
		writeJSON(w, r, http.StatusOK, c)
		return
	}
	header := []string{"date", "window_days", "scope", "product", "name", "active_contributors", "member", "supplier", "unknown", "repositories"}
	win := strconv.Itoa(c.WindowDays)
	repos := 0
	for _, p := range c.Products {
		repos += p.Repositories
	}
	rows := [][]string{affRow([]string{c.Date, win, "portfolio", "", s.cfg.Portfolio.Name}, c.PortfolioActiveContributors, c.PortfolioByAffiliation, repos)}
	for _, p := range c.Products {
		rows = append(rows, affRow([]string{c.Date, win, "product", p.ID, p.Name}, p.ActiveContributors, p.ByAffiliation, p.Repositories))
	}
	writeCSV(w, r, "contributors-"+c.Date+".csv", header, rows)
}

func affRow(lead []string, active int, a figures.Affiliations, repos int) []string {
	return append(lead, strconv.Itoa(active), strconv.Itoa(a.Member), strconv.Itoa(a.Supplier), strconv.Itoa(a.Unknown), strconv.Itoa(repos))
}

// apiContributorSeries answers /api/v1/series/contributors: active
// contributors of one product (or, without product, the portfolio) from
// from (default five years before to) to to (default today) by step
// (month, quarter or year; default month).
func (s *Server) apiContributorSeries(w http.ResponseWriter, r *http.Request, asCSV bool) {
	q := r.URL.Query()
	product := q.Get("product")
	if product != "" {
		if _, ok := s.cfg.Product(product); !ok {
			s.apiFail(w, r, &paramError{"product", fmt.Sprintf("unknown product %q", product)})
			return
		}
	}
	to, err := dateParam(r, "to", s.today())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	from, err := dateParam(r, "from", to.AddDate(-5, 0, 0))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	step, err := figures.ParseStep(q.Get("step"))
	if err != nil {
		s.apiFail(w, r, &paramError{"step", err.Error()})
		return
	}
	window, err := intParam(r, "window_days", s.cfg.Contributors.WindowDays, 1, 3650)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if _, err := figures.Points(from, to, step); err != nil {
		s.apiFail(w, r, &paramError{"from", err.Error()})
		return
	}
	series, err := s.figures.ContributorSeries(r.Context(), product, from, to, step, window)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if !asCSV {
		writeJSON(w, r, http.StatusOK, series)
		return
	}
	scope := "portfolio"
	if product != "" {
		scope = "product"
	}
	header := []string{"date", "scope", "product", "window_days", "active_contributors", "member", "supplier", "unknown"}
	var rows [][]string
	for _, p := range series.Points {
		rows = append(rows, []string{p.Date, scope, product, strconv.Itoa(series.WindowDays), strconv.Itoa(p.ActiveContributors),
			strconv.Itoa(p.ByAffiliation.Member), strconv.Itoa(p.ByAffiliation.Supplier), strconv.Itoa(p.ByAffiliation.Unknown)})
	}
	name := "contributors-series"
	if product != "" {
		name += "-" + product
	}
	writeCSV(w, r, name+".csv", header, rows)
}

// apiCollector answers /api/v1/collector: each source's last run with its
// start, end, result, requests, rate-limit budget left and the items that
// failed. The CSV has a row per failed item, or one per run without any.
func (s *Server) apiCollector(w http.ResponseWriter, r *http.Request, asCSV bool) {
	runs, err := s.store.LastRuns(r.Context())
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if runs == nil {
		runs = []storage.Run{}
	}
	// Operators look here to see whether a run just finished.
	w.Header().Set("Cache-Control", "no-cache")
	if !asCSV {
		writeJSON(w, r, http.StatusOK, runs)
		return
	}
	header := []string{"source", "started_at", "ended_at", "result", "requests", "rate_limit_remaining", "message", "item", "error"}
	var rows [][]string
	for _, run := range runs {
		lead := []string{run.Source, run.StartedAt, run.EndedAt, run.Result, strconv.Itoa(run.Requests), strconv.Itoa(run.RateLimitRemaining), run.Message}
		if len(run.Errors) == 0 {
			rows = append(rows, append(lead, "", ""))
			continue
		}
		for _, e := range run.Errors {
			rows = append(rows, append(append([]string(nil), lead...), e.Item, e.Error))
		}
	}
	writeCSV(w, r, "collector.csv", header, rows)
}
