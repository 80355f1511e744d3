package main

import (
	"fmt"
	"io"
	"time"
)

// Cold figures (goal 3 of the second performance step): every page and
// endpoint on dates no cache has seen, sampled often enough that p99 is
// not just the slowest request.
//
// Sample i of figure j asks for the day 1 + i·F + j before lastDay (F
// figures): each request has a date of its own, so that no figure finds
// what another computed for its date in a cache, and every figure is
// sampled over the same span of dates, so that none gets only the recent
// (or only the old) ones. With the default 100 samples and 26 figures the
// dates span about seven years.

// coldDate is the date of sample i of figure j of figures.
func coldDate(i, j, figures int) string {
	return lastDay.AddDate(0, 0, -(1 + i*figures + j)).Format(time.DateOnly)
}

// coldSamples asks srv for each figure runs times, each on a date of its
// own, and returns the durations by figure. A year's report exists for
// nine years only: it is sampled once per year, since asking for a year
// again would be warm.
func coldSamples(srv *server, p *Portfolio, runs int, log io.Writer) (map[string][]time.Duration, error) {
	out := map[string][]time.Duration{}
	asked := map[string]bool{}
	for i := range runs {
		for j, fr := range figureRequests {
			path := fr.path(p, coldDate(i, j, len(figureRequests)))
			if asked[path] {
				continue
			}
			asked[path] = true
			d, _, err := srv.get(path)
			if err != nil {
				return nil, err
			}
			out[fr.name] = append(out[fr.name], d)
		}
		if (i+1)%25 == 0 {
			fmt.Fprintf(log, "  cold samples: %d of %d\n", i+1, runs)
		}
	}
	return out, nil
}
