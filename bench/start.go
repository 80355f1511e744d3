package main

// Start to first answers (issue 24, goal 1): a fresh server process, with
// and without the contribution index's snapshot on disk, timed to /readyz,
// to its first /metrics scrape and to the first request of each measured
// page right after ready.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// StartRun is one fresh start of the server.
type StartRun struct {
	Snapshot bool          // whether a snapshot of the index was there
	Ready    time.Duration // start to /readyz 200
	Metrics  time.Duration // the first /metrics scrape right after ready
	// Pages are the first request of each figureRequests page, in order,
	// sent one after the other right after the scrape.
	Pages []time.Duration
	// Failed are the answers other than 200 (a scrape that timed out, a
	// page shed), timed all the same.
	Failed []string
}

// Goals of a start with a snapshot at 10×.
const (
	goalStartMetrics = time.Second
	goalStartPage    = 50 * time.Millisecond
)

// snapshotFile is where the server keeps the index for the database of a
// set (config: storage.index_snapshot left empty).
func snapshotFile(p *Portfolio, driver, dsn string) string {
	if driver == "sqlite" {
		return dsn + ".index"
	}
	return filepath.Join(p.Dir, "data", "contribution.index")
}

// measureStarts starts the server on the set's database twice: without a
// snapshot (removed first; the server writes one after its load and when
// it stops) and then with the one it wrote.
func measureStarts(ctx context.Context, bin, cfg, dbDir, snapshot string, p *Portfolio, log io.Writer) ([]StartRun, error) {
	var out []StartRun
	for _, with := range []bool{false, true} {
		if !with {
			if err := os.Remove(snapshot); err != nil && !os.IsNotExist(err) {
				return nil, err
			}
		} else if _, err := os.Stat(snapshot); err != nil {
			return nil, fmt.Errorf("no index snapshot after a server stopped: %w", err)
		}
		run, err := startOnce(ctx, bin, cfg, filepath.Join(dbDir, fmt.Sprintf("serve-start-%t.log", with)), p)
		if err != nil {
			return nil, err
		}
		run.Snapshot = with
		fmt.Fprintf(log, "  fresh start, snapshot %t: ready %s, first /metrics %s, slowest first page %s\n",
			with, ms(run.Ready), ms(run.Metrics), ms(slices.Max(run.Pages)))
		out = append(out, run)
	}
	return out, nil
}

func startOnce(ctx context.Context, bin, cfg, logFile string, p *Portfolio) (StartRun, error) {
	srv, err := startServer(ctx, bin, cfg, logFile)
	if err != nil {
		return StartRun{}, err
	}
	defer srv.stop()
	run := StartRun{Ready: srv.ready}
	// An answer other than 200 is kept with its time; only a failed
	// connection ends the measurement.
	get := func(path string) (time.Duration, error) {
		d, _, err := srv.get(path)
		var status *statusError
		if errors.As(err, &status) {
			run.Failed = append(run.Failed, err.Error())
			return d, nil
		}
		return d, err
	}
	if run.Metrics, err = get("/metrics"); err != nil {
		return run, err
	}
	date := lastDay.Format(time.DateOnly)
	for _, fr := range figureRequests {
		d, err := get(fr.path(p, date))
		if err != nil {
			return run, err
		}
		run.Pages = append(run.Pages, d)
	}
	return run, nil
}

// startRows are the rows of goal 1: each start's time to ready, first
// scrape and p99 of the first pages, with the goals judged at atGoal.
func startRows(by map[string]*Set, atGoal *Set, goalSize string, verdict func(bool, string) string) []row {
	var out []row
	for _, with := range []bool{false, true} {
		label := "without a snapshot"
		if with {
			label = "with a snapshot"
		}
		get := func(s *Set) *StartRun {
			for i := range s.Starts {
				if s.Starts[i].Snapshot == with {
					return &s.Starts[i]
				}
			}
			return nil
		}
		each := func(f func(r *StartRun) string) map[string]string {
			m := map[string]string{}
			for size, s := range by {
				if r := get(s); r != nil {
					m[size] = f(r)
				}
			}
			return m
		}
		pagesP99 := func(r *StartRun) time.Duration { return percentile(r.Pages, 99) }
		slowest := func(r *StartRun) string {
			i := slices.Index(r.Pages, slices.Max(r.Pages))
			return ms(r.Pages[i]) + " " + figureRequests[i].name
		}
		ready := row{what: "fresh start " + label + ": to /readyz 200", values: each(func(r *StartRun) string { return ms(r.Ready) })}
		metrics := row{what: "fresh start " + label + ": first /metrics right after ready", values: each(func(r *StartRun) string { return ms(r.Metrics) })}
		pages := row{what: "fresh start " + label + ": first request of each page, p99 (median; slowest)", values: each(func(r *StartRun) string {
			return ms(pagesP99(r)) + " (" + ms(median(r.Pages)) + "; " + slowest(r) + ")"
		})}
		if with {
			ready.goal, metrics.goal, pages.goal = "≤ 1 s at 10×", "≤ 1 s at 10×", "p99 ≤ 50 ms at 10×"
			if r := (*StartRun)(nil); atGoal != nil {
				if r = get(atGoal); r != nil {
					ready.met = verdict(r.Ready <= goalStart, ms(r.Ready)+" at "+goalSize)
					metrics.met = verdict(r.Metrics <= goalStartMetrics, ms(r.Metrics)+" at "+goalSize)
					pages.met = verdict(pagesP99(r) <= goalStartPage, slowest(r)+" at "+goalSize)
					if len(r.Failed) > 0 {
						metrics.met, pages.met = verdict(false, "answers other than 200"), verdict(false, "answers other than 200")
					}
				}
			}
		}
		failed := row{what: "fresh start " + label + ": answers other than 200", values: each(func(r *StartRun) string {
			if len(r.Failed) == 0 {
				return "none"
			}
			return strings.Join(r.Failed, "; ")
		})}
		out = append(out, ready, metrics, pages, failed)
	}
	return out
}
