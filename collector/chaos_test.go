package collector

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"os2pulse/config"
	"os2pulse/soak"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// chaosFaults are what the fault-injecting proxy does to a request it
// disturbs, each as often as the others.
var chaosFaults = []string{"500", "502", "503", "reset", "truncated", "cut-length", "403-retry-after", "429-retry-after", "slow", "stall"}

// chaos is a proxy in front of the fake GitHub that disturbs a share of
// the requests, chosen by a seeded generator.
type chaos struct {
	next  http.Handler
	share float64 // of the requests disturbed
	stall time.Duration

	mu     sync.Mutex
	rng    *rand.Rand
	counts map[string]int
}

// pick says what to do to the next request: nothing, or the next fault
// in turn, so that a few disturbed requests already try every kind.
func (c *chaos) pick() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rng.Float64() >= c.share {
		return ""
	}
	n := 0
	for _, v := range c.counts {
		n += v
	}
	f := chaosFaults[n%len(chaosFaults)]
	c.counts[f]++
	return f
}

func (c *chaos) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fault := c.pick()
	status := func(code int, retryAfter, body string) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(code)
		w.Write([]byte(body))
	}
	switch fault {
	case "500", "502", "503":
		code, _ := strconv.Atoi(fault)
		status(code, "", `{"message":"`+http.StatusText(code)+`"}`)
	case "reset":
		resetConnection(w)
	case "403-retry-after":
		status(http.StatusForbidden, "3", `{"message":"You have exceeded a secondary rate limit.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`)
	case "429-retry-after":
		status(http.StatusTooManyRequests, "2", `{"message":"Too Many Requests"}`)
	case "slow", "stall":
		// Slow: late but in time. Stall: longer than the transport waits.
		d := c.stall / 4
		if fault == "stall" {
			d = c.stall
		}
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
		c.next.ServeHTTP(w, r)
	case "truncated", "cut-length":
		// The real answer, cut in half: ending cleanly (a 200 whose JSON
		// stops), or short of its Content-Length (the connection drops).
		rec := httptest.NewRecorder()
		c.next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		if fault == "cut-length" {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		}
		w.WriteHeader(rec.Code)
		w.Write(body[:len(body)/2])
		if fault == "cut-length" {
			resetConnection(w)
		}
	default:
		c.next.ServeHTTP(w, r)
	}
}

// chaosPortfolio is what the fault proxy stands in front of: in make soak
// the shared portfolio with its pull requests, reviews, issues and
// releases; in make test two of the histories.
func chaosPortfolio(t *testing.T, clock *fakeClock) (*fakeGitHub, *config.Config) {
	if soak.Enabled() {
		f, _ := portfolioFake(t, clock)
		return f, portfolioConfig(t, f)
	}
	f := newFakeGitHub(t, clock)
	f.addOwner("os2display", false)
	f.addRepo("os2display", &fakeRepo{name: "display-client", commits: readHistory(t, "os2display__display-client.tsv")})
	f.addOwner("OS2compliance", false)
	f.addRepo("OS2compliance", &fakeRepo{name: "OS2compliance", commits: readHistory(t, "OS2compliance__OS2compliance.tsv")})
	return f, testConfig(t, f.URL(), 4, "p=os2display/*,OS2compliance/*")
}

// TestReliabilityFaultProxy collects through a proxy that answers a share
// of the requests with 500, 502 or 503, resets the connection, cuts the
// body short, asks to wait (403 and 429 with Retry-After), or answers
// slowly or not in time. The collection goes on; at most two more polls
// repair what failed four times in a row; the data then equal a
// fault-free collection's.
func TestReliabilityFaultProxy(t *testing.T) {
	soak.SkipShort(t)
	drivers := soak.Pick([]string{"sqlite"}, storagetest.Drivers)
	rounds := soak.Pick(1, 10)
	share := soak.Pick(0.3, 0.1)
	total := map[string]int{}
	polls := 0
	for _, d := range drivers {
		for round := range rounds {
			t.Run(fmt.Sprintf("%s/%d", d, round), func(t *testing.T) {
				clock := newFakeClock()
				f, cfg := chaosPortfolio(t, clock)
				ref := storagetest.New(t, d)
				syncProducts(t, ref, cfg)
				if run := poll(t, ref, newTestSource(t, cfg, ref, clock, nil, nil), nil); run.Result != storage.RunSuccess {
					t.Fatalf("fault-free run: %+v", run)
				}

				ch := &chaos{next: f, share: share, stall: 2500 * time.Millisecond,
					rng: rand.New(rand.NewPCG(soak.Seed(t), 17)), counts: map[string]int{}}
				proxy := httptest.NewServer(ch)
				defer proxy.Close()
				store := storagetest.New(t, d)
				pcfg := *cfg
				pcfg.GitHub.APIURL = proxy.URL + "/"
				syncProducts(t, store, &pcfg)
				var results []string
				for attempt := 0; attempt < 3; attempt++ {
					src := newTestSource(t, &pcfg, store, clock, nil, nil)
					src.tr.timeout = 2 * time.Second // the stalls outlast it
					run := poll(t, store, src, nil)
					results = append(results, run.Result)
					polls++
					if run.Result == storage.RunSuccess {
						break
					}
				}
				if results[len(results)-1] != storage.RunSuccess {
					t.Fatalf("runs through the proxy: %v", results)
				}
				if got, want := fingerprint(t, store), fingerprint(t, ref); got != want {
					t.Errorf("data through the proxy (%v) differ from a fault-free run:\n%s\nwant\n%s", ch.counts, got, want)
				}
				ch.mu.Lock()
				for k, v := range ch.counts {
					total[k] += v
				}
				ch.mu.Unlock()
				t.Logf("faults %v, runs %v", ch.counts, results)
			})
		}
	}
	var parts []string
	n := 0
	for _, f := range chaosFaults {
		parts = append(parts, fmt.Sprintf("%s %d", f, total[f]))
		n += total[f]
	}
	slices.Sort(parts)
	soak.Result(t, fmt.Sprintf("fault-injecting proxy in front of GitHub (%.0f %% of requests)", 100*share), n,
		"run goes on; data equal to a fault-free collection",
		fmt.Sprintf("%s; %d collections in %d polls; data equal", strings.Join(parts, ", "), rounds*len(drivers), polls))
}
