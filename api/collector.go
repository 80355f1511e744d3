package api

import (
	"errors"
	"net/http"
	"strconv"

	"os2pulse/figures"
)

// collectorStatus is what /api/v1/collector answers.
type collectorStatus struct {
	// Lease names the instance collecting (of several on one database),
	// null while none holds the lease.
	Lease *Lease `json:"lease"`
	Runs  []Run  `json:"runs"`
}

// Lease is the collector lease as the API carries it, times as stamps
// (figures.Stamp).
type Lease struct {
	Holder     string `json:"holder"`
	AcquiredAt string `json:"acquired_at"`
	RenewedAt  string `json:"renewed_at"`
	ExpiresAt  string `json:"expires_at"`
}

// Run is one collection run as the API carries it, times as stamps.
type Run struct {
	ID                 string             `json:"id"`
	Source             string             `json:"source"`
	StartedAt          string             `json:"started_at"`
	EndedAt            string             `json:"ended_at,omitempty"`
	Result             string             `json:"result"`
	Holder             string             `json:"holder,omitempty"`
	Requests           int                `json:"requests"`
	RateLimitRemaining figures.Known[int] `json:"rate_limit_remaining"` // null: GitHub not asked
	Message            string             `json:"message,omitempty"`
	Errors             []RunError         `json:"errors"`
}

// RunError is a problem with one item that did not stop a run.
type RunError struct {
	Item  string `json:"item"`
	Error string `json:"error"`
}

func runOf(r figures.Run) Run {
	out := Run{ID: r.ID, Source: r.Source, StartedAt: figures.Stamp(r.StartedAt), EndedAt: figures.Stamp(r.EndedAt), Result: r.Result,
		Holder: r.Holder, Requests: r.Requests, RateLimitRemaining: r.RateLimitRemaining, Message: r.Message}
	if r.Errors != nil {
		out.Errors = make([]RunError, len(r.Errors))
		for i, e := range r.Errors {
			out.Errors[i] = RunError(e)
		}
	}
	return out
}

func (a *API) collectorRoutes() {
	// The instance holding the collector lease, and each source's last run
	// with its start, end, result, the instance that ran it, requests,
	// rate-limit budget left and the items that failed. The CSV has a row
	// per failed item, or one per run without any.
	// Operators look here to see whether a run just finished.
	figureWith(a, Endpoint{Path: "/api/v1/collector", Label: "export.collector", Reads: figures.DomainRuns}, "no-cache", func(r *http.Request) (collectorStatus, error) {
		runs, err := a.calc.LastRuns(r.Context())
		if err != nil {
			return collectorStatus{}, err
		}
		st := collectorStatus{Runs: make([]Run, len(runs))}
		for i, run := range runs {
			st.Runs[i] = runOf(run)
		}
		if l, ok, err := a.calc.CollectorLease(r.Context(), a.now()); err != nil {
			return st, err
		} else if ok {
			st.Lease = &Lease{Holder: l.Holder, AcquiredAt: figures.Stamp(l.AcquiredAt), RenewedAt: figures.Stamp(l.RenewedAt),
				ExpiresAt: figures.Stamp(l.ExpiresAt)}
		}
		return st, nil
	}, func(st collectorStatus) csvTable {
		t := csvTable{name: "collector", header: []string{"source", "started_at", "ended_at", "result", "holder", "requests",
			"rate_limit_remaining", "message", "item", "error"}}
		for _, run := range st.Runs {
			// Empty: GitHub reported no budget (a run that did not ask it).
			budget := ""
			if n, ok := run.RateLimitRemaining.Get(); ok {
				budget = strconv.Itoa(n)
			}
			lead := []string{run.Source, run.StartedAt, run.EndedAt, run.Result, run.Holder, strconv.Itoa(run.Requests), budget, run.Message}
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
	a.handle(http.MethodPost, CollectPath, a.adminOnly(a.collect))
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
	if err := given(r, []Param{{Name: "source"}}); err != nil {
		a.fail(w, r, err)
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
		body := map[string]string{"error": busy.Error(), "source": busy.Source, "run": busy.RunID}
		if busy.Holder != "" {
			body["holder"] = busy.Holder
		}
		WriteJSONBody(w, body)
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
