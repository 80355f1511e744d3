package collector

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// smallFake serves one organisation with one repository of 3 commits and
// nothing else: a poll is 6 requests (listing, repository, commits,
// pulls, issues, releases).
func smallFake(t *testing.T) (*fakeGitHub, *fakeClock) {
	clock := newFakeClock()
	f := newFakeGitHub(t, clock)
	f.addOwner("OS2display", false)
	f.addRepo("OS2display", &fakeRepo{name: "display-client", commits: readHistory(t, "os2display__display-client.tsv")[:3],
		files: map[string][]byte{"README.md": []byte("# display-client")}, license: "MPL-2.0"})
	return f, clock
}

const commitsPath = "/repos/OS2display/display-client/commits"

func TestTransportFaults(t *testing.T) {
	secondary := `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`
	tests := []struct {
		name   string
		faults []fault
		// what the commits path sees, in order
		wantStatuses []int
		wantSleeps   func(t *testing.T, sleeps []time.Duration)
		wantResult   string
		wantStatus   string // repository status
		wantErr      string
	}{
		{
			name:         "5xx then ok: retried with backoff",
			faults:       []fault{{path: commitsPath, status: 502, times: 2}},
			wantStatuses: []int{502, 502, 200},
			wantSleeps: func(t *testing.T, s []time.Duration) {
				// Jittered over the upper half of 1s, then 2s.
				if len(s) != 2 || s[0] < 500*time.Millisecond || s[0] > time.Second || s[1] < time.Second || s[1] > 2*time.Second {
					t.Errorf("backoff sleeps = %v, want one in [0.5s,1s] then one in [1s,2s]", s)
				}
			},
			wantResult: storage.RunSuccess, wantStatus: storage.RepoOK,
		},
		{
			name:         "5xx every time: 4 attempts, then the repository fails",
			faults:       []fault{{path: commitsPath, status: 503, times: 100}},
			wantStatuses: []int{503, 503, 503, 503},
			wantSleeps: func(t *testing.T, s []time.Duration) {
				if len(s) != 3 || s[2] < 2*time.Second || s[2] > 4*time.Second {
					t.Errorf("sleeps = %v, want 3 growing backoffs", s)
				}
			},
			wantResult: storage.RunPartial, wantStatus: storage.RepoError, wantErr: "503",
		},
		{
			name:         "secondary limit: 403 with Retry-After is waited out",
			faults:       []fault{{path: commitsPath, status: 403, retryAfter: "7", body: secondary}},
			wantStatuses: []int{403, 200},
			wantSleeps:   exactSleeps(7 * time.Second),
			wantResult:   storage.RunSuccess, wantStatus: storage.RepoOK,
		},
		{
			name:         "429 with Retry-After is waited out",
			faults:       []fault{{path: commitsPath, status: 429, retryAfter: "3", body: `{"message":"Too Many Requests"}`}},
			wantStatuses: []int{429, 200},
			wantSleeps:   exactSleeps(3 * time.Second),
			wantResult:   storage.RunSuccess, wantStatus: storage.RepoOK,
		},
		{
			name:         "secondary limit without Retry-After: a minute",
			faults:       []fault{{path: commitsPath, status: 403, body: secondary}},
			wantStatuses: []int{403, 200},
			wantSleeps:   exactSleeps(time.Minute),
			wantResult:   storage.RunSuccess, wantStatus: storage.RepoOK,
		},
		{
			name:         "plain 403 is no rate limit: not retried",
			faults:       []fault{{path: commitsPath, status: 403, body: `{"message":"Resource not accessible by integration"}`}},
			wantStatuses: []int{403},
			wantSleeps:   exactSleeps(),
			wantResult:   storage.RunPartial, wantStatus: storage.RepoUnavailable, wantErr: "403 Resource not accessible",
		},
		{
			name:         "connection reset then ok: retried",
			faults:       []fault{{path: commitsPath, reset: true}},
			wantStatuses: []int{0, 200},
			wantSleeps: func(t *testing.T, s []time.Duration) {
				// On a reused connection net/http retries a GET itself,
				// at once; on a new one the transport backs off.
				if len(s) > 1 || len(s) == 1 && (s[0] < 500*time.Millisecond || s[0] > time.Second) {
					t.Errorf("sleeps = %v, want at most one backoff", s)
				}
			},
			wantResult: storage.RunSuccess, wantStatus: storage.RepoOK,
		},
		{
			name:         "200 with a body cut short, then ok: retried like a 5xx",
			faults:       []fault{{path: commitsPath, status: 200, body: `[{"sha": "6b47bc2e03`}},
			wantStatuses: []int{200, 200},
			wantSleeps: func(t *testing.T, s []time.Duration) {
				if len(s) != 1 || s[0] < 500*time.Millisecond || s[0] > time.Second {
					t.Errorf("sleeps = %v, want one backoff", s)
				}
			},
			wantResult: storage.RunSuccess, wantStatus: storage.RepoOK,
		},
		{
			name:         "200 that is not JSON every time: 4 attempts, then the repository fails",
			faults:       []fault{{path: commitsPath, status: 200, body: `<html>proxy error</html>`, times: 100}},
			wantStatuses: []int{200, 200, 200, 200},
			wantSleeps: func(t *testing.T, s []time.Duration) {
				if len(s) != 3 {
					t.Errorf("sleeps = %v, want 3 backoffs", s)
				}
			},
			wantResult: storage.RunPartial, wantStatus: storage.RepoError, wantErr: "malformed JSON",
		},
		{
			name:         "Retry-After of an hour is waited out",
			faults:       []fault{{path: commitsPath, status: 429, retryAfter: "3600", body: `{"message":"Too Many Requests"}`}},
			wantStatuses: []int{429, 200},
			wantSleeps:   exactSleeps(time.Hour),
			wantResult:   storage.RunSuccess, wantStatus: storage.RepoOK,
		},
		{
			name:         "Retry-After beyond the cap: suspicious, not waited for",
			faults:       []fault{{path: commitsPath, status: 403, retryAfter: "90000", body: secondary}},
			wantStatuses: []int{403},
			wantSleeps:   exactSleeps(),
			wantResult:   storage.RunPartial, wantStatus: storage.RepoError, wantErr: "asked to wait 25h0m0s",
		},
		{
			name:         "timeout then ok",
			faults:       []fault{{path: commitsPath, hang: true}},
			wantStatuses: []int{0, 200},
			wantSleeps: func(t *testing.T, s []time.Duration) {
				if len(s) != 1 || s[0] < 500*time.Millisecond || s[0] > time.Second {
					t.Errorf("sleeps = %v, want one backoff", s)
				}
			},
			wantResult: storage.RunSuccess, wantStatus: storage.RepoOK,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			store := storagetest.New(t, "sqlite")
			f, clock := smallFake(t)
			for _, ft := range tt.faults {
				f.inject(ft)
			}
			cfg := testConfig(t, f.URL(), 1, "os2display=OS2display/*")
			syncProducts(t, store, cfg)
			src := newTestSource(t, cfg, store, clock, nil, nil)
			for _, ft := range tt.faults {
				if ft.hang {
					// Short, to keep the test fast; only the hanging
					// request should ever reach it.
					src.tr.timeout = 300 * time.Millisecond
				}
			}
			run := poll(t, store, src, nil)
			var got []int
			for _, r := range f.takeRequests() {
				if r.Path == commitsPath {
					got = append(got, r.Status)
				}
			}
			if !equalInts(got, tt.wantStatuses) {
				t.Errorf("commits requests answered %v, want %v", got, tt.wantStatuses)
			}
			tt.wantSleeps(t, clock.sleeps())
			if run.Result != tt.wantResult {
				t.Errorf("run = %s %v, want %s", run.Result, run.Errors, tt.wantResult)
			}
			if tt.wantErr != "" && (len(run.Errors) != 1 || !strings.Contains(run.Errors[0].Error, tt.wantErr)) {
				t.Errorf("errors = %v, want one mentioning %q", run.Errors, tt.wantErr)
			}
			rs, _ := store.Repositories(ctx, "os2display")
			if len(rs) != 1 || rs[0].Status != tt.wantStatus {
				t.Errorf("repositories = %+v, want status %s", rs, tt.wantStatus)
			}
		})
	}
}

func exactSleeps(want ...time.Duration) func(t *testing.T, s []time.Duration) {
	return func(t *testing.T, s []time.Duration) {
		t.Helper()
		if len(s) != len(want) {
			t.Errorf("sleeps = %v, want %v", s, want)
			return
		}
		for i := range s {
			if s[i] != want[i] {
				t.Errorf("sleeps = %v, want %v", s, want)
			}
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestPrimaryRateLimit: an exhausted budget (403, remaining 0) is waited
// out until its reset; a budget running low pauses before it is spent,
// so GitHub never refuses.
func TestPrimaryRateLimit(t *testing.T) {
	t.Run("exhausted then reset", func(t *testing.T) {
		store := storagetest.New(t, "sqlite")
		f, clock := smallFake(t)
		f.setBudget(60, 0, clock.now().Add(10*time.Minute))
		cfg := testConfig(t, f.URL(), 1, "os2display=OS2display/*")
		syncProducts(t, store, cfg)
		progress := &syncBuffer{}
		run := poll(t, store, newTestSource(t, cfg, store, clock, nil, nil), progress)
		reqs := f.takeRequests()
		if run.Result != storage.RunSuccess {
			t.Fatalf("run %s %v", run.Result, run.Errors)
		}
		if count(reqs, "*", 403) != 1 || count(reqs, "*", 200) != 11 || len(reqs) != 12 {
			t.Errorf("requests %+v: want one 403, then the 11 of a first poll", reqs)
		}
		exactSleeps(10*time.Minute+time.Second)(t, clock.sleeps())
		if run.RateLimitRemaining != 49 {
			t.Errorf("remaining = %d, want 49", run.RateLimitRemaining)
		}
		if !strings.Contains(progress.String(), "rate limit exhausted: waiting 10m1s") {
			t.Errorf("progress does not say it waits:\n%s", progress)
		}
	})
	t.Run("low budget pauses until reset", func(t *testing.T) {
		store := storagetest.New(t, "sqlite")
		f, clock := smallFake(t)
		f.setBudget(8, 8, clock.now().Add(30*time.Minute))
		cfg := testConfig(t, f.URL(), 1, "os2display=OS2display/*")
		syncProducts(t, store, cfg)
		progress := &syncBuffer{}
		run := poll(t, store, newTestSource(t, cfg, store, clock, nil, nil), progress)
		reqs := f.takeRequests()
		if run.Result != storage.RunSuccess {
			t.Fatalf("run %s %v", run.Result, run.Errors)
		}
		if count(reqs, "*", 200) != 11 || len(reqs) != 11 {
			t.Errorf("requests %+v: want the 11 of a first poll, none refused", reqs)
		}
		// With one slot the reserve is 1: after seven requests (8→1 left)
		// it waits for the reset, then spends four of the new budget.
		exactSleeps(30*time.Minute+time.Second)(t, clock.sleeps())
		if run.RateLimitRemaining != 4 {
			t.Errorf("remaining = %d, want 4", run.RateLimitRemaining)
		}
		if !strings.Contains(progress.String(), "rate limit low (1 requests left): waiting 30m1s") {
			t.Errorf("progress does not say it waits:\n%s", progress)
		}
	})
}

// TestTokenAndMetrics: without a token the collector says so and sends no
// Authorization; with one it sends it. Requests are counted by status.
func TestTokenAndMetrics(t *testing.T) {
	for _, token := range []string{"", "ghp_test"} {
		t.Run("token="+token, func(t *testing.T) {
			t.Setenv("OS2PULSE_TEST_GITHUB_TOKEN", token)
			store := storagetest.New(t, "sqlite")
			f, clock := smallFake(t)
			cfg := testConfig(t, f.URL(), 2, "os2display=OS2display/*")
			syncProducts(t, store, cfg)
			reg := prometheus.NewRegistry()
			m := NewGitHubMetrics(reg)
			if again := NewGitHubMetrics(reg); again.Requests != m.Requests {
				t.Error("registering twice did not reuse the instruments")
			}
			// Before GitHub was ever asked there is no budget to tell:
			// no sample, not a 0 that would fire an alert.
			if n := testutil.CollectAndCount(m.RateLimitRemaining); n != 0 {
				t.Errorf("%d rate-limit samples before the first request, want none", n)
			}
			log := &syncBuffer{}
			src := newTestSource(t, cfg, store, clock, m, log)
			poll(t, store, src, nil)
			poll(t, store, src, nil)
			reqs := f.takeRequests()
			for _, r := range reqs {
				if r.Authorized != (token != "") {
					t.Errorf("%s authorized=%v with token %q", r.Path, r.Authorized, token)
				}
			}
			said := strings.Contains(log.String(), "no GitHub token: 60 requests per hour")
			if said != (token == "") {
				t.Errorf("log %q: said no-token = %v", log, said)
			}
			// A first poll: 6 requests, 2 comment listings, 2 for
			// hygiene and 1 for forks; the second: the 8 listings again,
			// all 304, and hygiene and forks not again the same day.
			if got := testutil.ToFloat64(m.Requests.WithLabelValues("200")); got != 11 {
				t.Errorf("requests{code=200} = %v, want 11", got)
			}
			if got := testutil.ToFloat64(m.Requests.WithLabelValues("304")); got != 8 {
				t.Errorf("requests{code=304} = %v, want 8", got)
			}
			if got := testutil.ToFloat64(m.RateLimitRemaining.WithLabelValues()); got != 4989 {
				t.Errorf("rate limit remaining = %v, want 4989", got)
			}
		})
	}
}

// TestTransportConditionalByURL: validators are kept per full URL (query
// included), sent back as If-None-Match/If-Modified-Since, replaced by a
// new 200's, untouched by a 304, and held back while a sink collects them.
func TestTransportConditionalByURL(t *testing.T) {
	ctx := context.Background()
	store := storagetest.New(t, "sqlite")
	var version atomic.Int64
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		etag := `W/"v` + string(rune('0'+version.Load())) + `-` + r.URL.RawQuery + `"`
		mu.Lock()
		seen = append(seen, r.URL.RawQuery+" inm="+r.Header.Get("If-None-Match")+" ims="+r.Header.Get("If-Modified-Since"))
		mu.Unlock()
		w.Header().Set("X-RateLimit-Remaining", "100")
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", "Tue, 10 Oct 2017 16:00:00 GMT")
		w.Write([]byte("[]"))
	}))
	defer srv.Close()
	tr := newTransport(nil, store, "", "", 2, nil, nil)
	client := &http.Client{Transport: tr}
	get := func(ctx context.Context, query string) int {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/repos/a/b/commits?"+query, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if c := get(ctx, "per_page=100"); c != 200 {
		t.Fatalf("first = %d", c)
	}
	if c := get(ctx, "page=2&per_page=100"); c != 200 {
		t.Fatalf("other page = %d, want 200 (its own validator)", c)
	}
	if c := get(ctx, "per_page=100"); c != 304 {
		t.Fatalf("again = %d, want 304", c)
	}
	version.Store(1)
	if c := get(ctx, "per_page=100"); c != 200 {
		t.Fatalf("after a change = %d, want 200", c)
	}
	st, _ := store.SyncState(ctx, srv.URL+"/repos/a/b/commits?per_page=100")
	if st.ETag != `W/"v1-per_page=100"` || st.LastModified != "Tue, 10 Oct 2017 16:00:00 GMT" {
		t.Errorf("stored = %+v, want the newest validators", st)
	}
	// With a sink the validator waits for commit.
	sink := newValidators()
	version.Store(2)
	if c := get(withRequestOpts(ctx, requestOpts{sink: sink}), "per_page=100"); c != 200 {
		t.Fatal(c)
	}
	if st, _ := store.SyncState(ctx, srv.URL+"/repos/a/b/commits?per_page=100"); st.ETag != `W/"v1-per_page=100"` {
		t.Errorf("stored before commit = %q, want the old one", st.ETag)
	}
	if err := sink.commit(ctx, store); err != nil {
		t.Fatal(err)
	}
	if st, _ := store.SyncState(ctx, srv.URL+"/repos/a/b/commits?per_page=100"); st.ETag != `W/"v2-per_page=100"` {
		t.Errorf("stored after commit = %q", st.ETag)
	}
	// Unconditional requests neither send nor keep validators.
	get(withRequestOpts(ctx, requestOpts{unconditional: true}), "per_page=100")
	want := []string{
		"per_page=100 inm= ims=",
		"page=2&per_page=100 inm= ims=",
		`per_page=100 inm=W/"v0-per_page=100" ims=Tue, 10 Oct 2017 16:00:00 GMT`,
		`per_page=100 inm=W/"v0-per_page=100" ims=Tue, 10 Oct 2017 16:00:00 GMT`,
		`per_page=100 inm=W/"v1-per_page=100" ims=Tue, 10 Oct 2017 16:00:00 GMT`,
		"per_page=100 inm= ims=",
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
}

// TestConcurrencyIsBounded: however many workers ask, no more requests
// than the configured concurrency are in flight at once.
func TestConcurrencyIsBounded(t *testing.T) {
	store := storagetest.New(t, "sqlite")
	var inflight, peak atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inflight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
		inflight.Add(-1)
		w.Write([]byte("{}"))
	}))
	defer srv.Close()
	tr := newTransport(nil, store, "", "", 3, nil, nil)
	client := &http.Client{Transport: tr}
	done := make(chan struct{})
	for i := 0; i < 20; i++ {
		go func() {
			defer func() { done <- struct{}{} }()
			resp, err := client.Get(srv.URL + "/x")
			if err == nil {
				resp.Body.Close()
			}
		}()
	}
	for i := 0; i < 20; i++ {
		<-done
	}
	if p := peak.Load(); p > 3 || p < 1 {
		t.Errorf("peak in flight = %d, want at most 3", p)
	}
}

// TestRetryAfterIsCapped: a wait GitHub asks for is logged with the date
// and time it ends; one longer than an hour is logged as suspicious and
// not waited for: that repository fails, the others are collected, and
// the client does not hold later requests back.
func TestRetryAfterIsCapped(t *testing.T) {
	ctx := context.Background()
	store := storagetest.New(t, "sqlite")
	clock := newFakeClock()
	f := newFakeGitHub(t, clock)
	f.addOwner("OS2display", false)
	hist := readHistory(t, "os2display__display-client.tsv")
	f.addRepo("OS2display", &fakeRepo{name: "a", commits: hist[:3]})
	f.addRepo("OS2display", &fakeRepo{name: "b", commits: hist[3:8]})
	secondary := `{"message":"You have exceeded a secondary rate limit.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`
	f.inject(fault{path: "/repos/OS2display/a/commits", status: 403, retryAfter: "86400", body: secondary})
	f.inject(fault{path: "/repos/OS2display/b/commits", status: 429, retryAfter: "120", body: `{"message":"Too Many Requests"}`})
	cfg := testConfig(t, f.URL(), 1, "os2display=OS2display/*")
	syncProducts(t, store, cfg)
	log := &syncBuffer{}
	run := poll(t, store, newTestSource(t, cfg, store, clock, nil, log), nil)

	if run.Result != storage.RunPartial || len(run.Errors) != 1 || run.Errors[0].Item != "github.com/os2display/a" ||
		!strings.Contains(run.Errors[0].Error, "suspicious") {
		t.Fatalf("run = %s %+v, want a partial run failing only a", run.Result, run.Errors)
	}
	if n, _ := store.CountContributions(ctx, "github.com/os2display/b", storage.KindCommit); n != 5 {
		t.Errorf("b: %d commits, want 5: the run went on", n)
	}
	if got := clock.sleeps(); len(got) != 1 || got[0] != 2*time.Minute {
		t.Errorf("sleeps = %v, want only b's 2m", got)
	}
	for _, want := range []string{
		`msg="github: suspicious secondary rate limit: not waiting" url=\S+ asked=24h0m0s until=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`,
		`msg="github: secondary rate limit, waiting" for=2m0s until=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`,
	} {
		if !regexp.MustCompile(want).MatchString(log.String()) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
}
