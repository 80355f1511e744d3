package api

import (
	"errors"
	"net/http"
	"strconv"

	"os2pulse/figures"
)

func (a *API) collectorRoutes() {
	// Each source's last run with its start, end, result, requests,
	// rate-limit budget left and the items that failed. The CSV has a row
	// per failed item, or one per run without any.
	// Operators look here to see whether a run just finished.
	figureWith(a, Endpoint{Path: "/api/v1/collector", Label: "export.collector"}, "no-cache", func(r *http.Request) ([]figures.Run, error) {
		return a.calc.LastRuns(r.Context())
	}, func(runs []figures.Run) csvTable {
		t := csvTable{name: "collector", header: []string{"source", "started_at", "ended_at", "result", "requests",
			"rate_limit_remaining", "message", "item", "error"}}
		for _, run := range runs {
			lead := []string{run.Source, run.StartedAt, run.EndedAt, run.Result, strconv.Itoa(run.Requests), strconv.Itoa(run.RateLimitRemaining), run.Message}
			if len(run.Errors) == 0 {
				t.rows = append(t.rows, append(lead, "", ""))
				continue
			}
			for _, e := range run.Errors {
				t.rows = append(t.rows, append(append([]string(nil), lead...), e.Item, e.Error))
			}
		}
		return t
	})
	a.mux.HandleFunc("POST "+CollectPath, a.adminOnly(a.collect))
}

// CollectPath is where an administrator starts a collection.
const CollectPath = "/api/v1/collect"

// collect starts a collection run in the background: 202 when it started,
// 400 for an unknown source, 409 with the running run's id while one is
// under way.
func (a *API) collect(w http.ResponseWriter, r *http.Request) {
	if a.opts.Collect == nil {
		Error(w, http.StatusServiceUnavailable, "", "this server does not collect")
		return
	}
	source := r.URL.Query().Get("source")
	err := a.opts.Collect(r.Context(), source)
	var busy *BusyError
	switch {
	case errors.Is(err, ErrUnknownSource):
		Error(w, http.StatusBadRequest, "source", "unknown source "+strconv.Quote(source))
		return
	case errors.As(err, &busy):
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusConflict)
		WriteJSONBody(w, map[string]string{"error": busy.Error(), "source": busy.Source, "run": busy.RunID})
		return
	case err != nil:
		a.fail(w, r, err)
		return
	}
	if source == "" {
		source = "all"
	}
	w.Header().Set("Cache-Control", "no-store")
	WriteJSON(w, r, http.StatusAccepted, map[string]string{"status": "started", "source": source})
}
