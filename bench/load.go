package main

// Uncached pages under load (goal 6 of issue 24): many clients at once,
// each asking for pages on past dates nobody asked for before (a class,
// a journalist's script, a crawler), and then hundreds of hostile ones.

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Load is what the load measurement found.
type Load struct {
	Clients   int
	Requests  int
	Answered  int
	Busy      int // answered 503
	NoRetry   int // of those, without Retry-After
	Failed    int // anything else: errors, other statuses
	P99       time.Duration
	Median    time.Duration
	PerSecond float64 // answers per second of the whole run
	// AloneMedian is the median of the same kind of request asked by one
	// client alone, for where the time under load goes.
	AloneMedian time.Duration
	PeakRSS     int64

	Hostile         int // clients
	HostileAnswered int
	HostileBusy     int
	HostileFailed   int
	HostilePeakRSS  int64
}

const (
	loadClients    = 16
	loadRequests   = 1000
	loadAlone      = 30
	hostileClients = 500
	hostileEach    = 4 // requests per hostile client
	goalLoadP99    = time.Second
	goalLoadRate   = 150.0 // answers per second on 2 cores
)

// loadPaths are the requests asked under load: every measured figure
// but the year's report, whose few years would soon be cached.
func loadPaths(p *Portfolio) []func(string) string {
	var out []func(string) string
	for _, fr := range figureRequests {
		if fr.name == "/report/{year}" {
			continue
		}
		out = append(out, func(d string) string { return fr.path(p, d) })
	}
	return out
}

// loadDates returns n distinct past days in random order, none of the
// days the cold samples use (the last weeks before lastDay).
func loadDates(rng *rand.Rand, n int) []string {
	first := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	last := lastDay.AddDate(0, -6, 0)
	days := int(last.Sub(first).Hours() / 24)
	out := make([]string, 0, n)
	for _, i := range rng.Perm(days)[:min(n, days)] {
		out = append(out, first.AddDate(0, 0, i).Format(time.DateOnly))
	}
	return out
}

// measureLoad runs the load measurement against a running server.
func measureLoad(ctx context.Context, srv *server, p *Portfolio, log io.Writer) (*Load, error) {
	pid := srv.cmd.Process.Pid
	rng := rand.New(rand.NewPCG(7, 24))
	paths := loadPaths(p)
	dates := loadDates(rng, loadAlone+loadRequests+hostileClients*hostileEach)
	next := 0
	request := func() string {
		d := dates[next]
		next++
		return paths[rng.IntN(len(paths))](d)
	}
	// A client of its own: the server's is bounded to 128 connections.
	client := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{
		MaxIdleConnsPerHost: hostileClients, MaxConnsPerHost: 0}}
	defer client.CloseIdleConnections()
	type answer struct {
		took  time.Duration
		code  int
		retry bool
		err   error
	}
	ask := func(path string) answer {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.base+path, nil)
		if err != nil {
			return answer{err: err}
		}
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return answer{err: err}
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return answer{took: time.Since(t0), code: resp.StatusCode, retry: resp.Header.Get("Retry-After") != "", err: err}
	}
	l := &Load{Clients: loadClients, Requests: loadRequests, Hostile: hostileClients}

	var alone []time.Duration
	for range loadAlone {
		if a := ask(request()); a.err == nil && a.code == http.StatusOK {
			alone = append(alone, a.took)
		}
	}
	l.AloneMedian = median(alone)

	// Each run's peak from its start: "5" resets VmHWM (Linux).
	resetPeak := func() { os.WriteFile("/proc/"+strconv.Itoa(pid)+"/clear_refs", []byte("5"), 0) }
	run := func(clients int, paths []string) []answer {
		answers := make([]answer, len(paths))
		var i atomic.Int64
		var wg sync.WaitGroup
		for range clients {
			wg.Go(func() {
				for {
					k := int(i.Add(1)) - 1
					if k >= len(paths) {
						return
					}
					answers[k] = ask(paths[k])
				}
			})
		}
		wg.Wait()
		return answers
	}
	batch := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = request()
		}
		return out
	}

	resetPeak()
	t0 := time.Now()
	answers := run(loadClients, batch(loadRequests))
	took := time.Since(t0)
	l.PeakRSS = rss(pid, "VmHWM")
	var times []time.Duration
	for _, a := range answers {
		switch {
		case a.err == nil && a.code == http.StatusOK:
			l.Answered++
			times = append(times, a.took)
		case a.err == nil && a.code == http.StatusServiceUnavailable:
			l.Busy++
			if !a.retry {
				l.NoRetry++
			}
		default:
			l.Failed++
			if l.Failed == 1 {
				fmt.Fprintf(log, "  under load: %d %v\n", a.code, a.err)
			}
		}
	}
	l.P99, l.Median = percentile(times, 99), median(times)
	l.PerSecond = float64(l.Answered) / took.Seconds()
	fmt.Fprintf(log, "  %d clients: %d of %d answered, %d 503, %d failed, p99 %s, %.0f answers/s, peak %s\n",
		loadClients, l.Answered, loadRequests, l.Busy, l.Failed, ms(l.P99), l.PerSecond, mb(l.PeakRSS))

	resetPeak()
	for _, a := range run(hostileClients, batch(hostileClients*hostileEach)) {
		switch {
		case a.err == nil && a.code == http.StatusOK:
			l.HostileAnswered++
		case a.err == nil && a.code == http.StatusServiceUnavailable:
			l.HostileBusy++
		default:
			l.HostileFailed++
		}
	}
	l.HostilePeakRSS = rss(pid, "VmHWM")
	fmt.Fprintf(log, "  %d hostile clients: %d answered, %d 503, %d failed, peak %s\n",
		hostileClients, l.HostileAnswered, l.HostileBusy, l.HostileFailed, mb(l.HostilePeakRSS))
	return l, nil
}

// loadMarkdown is the section of goal 6; its goals are about 10×.
func (r *Results) loadMarkdown() string {
	var b strings.Builder
	for _, s := range r.Sets {
		l := s.Load
		if l == nil {
			continue
		}
		if b.Len() == 0 {
			fmt.Fprintf(&b, "## Uncached pages under load (goal 6)\n\n")
			fmt.Fprintf(&b, "%d clients at once ask %s requests for pages and answers on past dates nobody asked before (every measured figure but the year's report, each on a random day of its own, 2016 to half a year before the last day); then %d clients at once ask %d such requests each. Peak memory is the server's VmHWM, reset before each. The goals are about 10× on 2 cores.\n\n",
				loadClients, thousands(loadRequests), hostileClients, hostileEach)
			b.WriteString("| portfolio | measured | value | goal | met |\n|---|---|---:|---|---|\n")
		}
		at := s.Size + " " + s.Driver
		fmt.Fprintf(&b, "| %s | %d clients: answered of %d (503, of them without Retry-After; other failures) | %d (%d, %d; %d) | all answered | %s |\n",
			at, l.Clients, l.Requests, l.Answered, l.Busy, l.NoRetry, l.Failed,
			verdict(l.Answered == l.Requests, fmt.Sprintf("%d of %d", l.Answered, l.Requests)))
		fmt.Fprintf(&b, "| %s | p99 (median; one client alone: median) | %s (%s; %s) | ≤ %s | %s |\n",
			at, ms(l.P99), ms(l.Median), ms(l.AloneMedian), ms(goalLoadP99), verdict(l.P99 <= goalLoadP99, ms(l.P99)))
		fmt.Fprintf(&b, "| %s | answers/s | %.0f | ≥ %.0f on 2 cores | %s |\n",
			at, l.PerSecond, goalLoadRate, verdict(l.PerSecond >= goalLoadRate, fmt.Sprintf("%.0f/s", l.PerSecond)))
		fmt.Fprintf(&b, "| %s | peak RSS under the %d clients | %s | ≤ 300 MiB | %s |\n",
			at, l.Clients, mb(l.PeakRSS), verdict(l.PeakRSS <= goalPeakRSS, mb(l.PeakRSS)))
		fmt.Fprintf(&b, "| %s | %d hostile clients: answered, 503, failed; peak RSS | %d, %d, %d; %s | ≤ 300 MiB, no failure | %s |\n",
			at, l.Hostile, l.HostileAnswered, l.HostileBusy, l.HostileFailed, mb(l.HostilePeakRSS),
			verdict(l.HostilePeakRSS <= goalPeakRSS && l.HostileFailed == 0, mb(l.HostilePeakRSS)))
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	return b.String()
}

// verdict is the "met" column: yes, or no and by how much.
func verdict(ok bool, by string) string {
	if ok {
		return "yes"
	}
	return "no, " + by
}
