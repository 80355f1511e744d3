package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"os2pulse/config"
	"os2pulse/soak"
	"os2pulse/storage"
)

// TestReliabilitySlowloris holds many connections open, each sending its
// headers a byte at a time: the server keeps answering others at once,
// and closes the slow ones when their headers are overdue.
func TestReliabilitySlowloris(t *testing.T) {
	soak.SkipShort(t)
	srv := newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }), newLogger(io.Discard))
	if srv.ReadHeaderTimeout <= 0 || srv.ReadHeaderTimeout > 10*time.Second || srv.ReadTimeout <= 0 {
		t.Fatalf("server time limits %s/%s: a slow client could hold a connection for ever", srv.ReadHeaderTimeout, srv.ReadTimeout)
	}
	// In make test the limit is shortened, to see it act without waiting.
	srv.ReadHeaderTimeout = soak.Pick(time.Second, srv.ReadHeaderTimeout)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	conns := soak.Pick(100, 500)
	closed := make(chan time.Duration, conns)
	start := time.Now()
	for range conns {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		go func() {
			gone := make(chan struct{})
			go func() {
				// Whatever the server answers ends with it closing.
				io.Copy(io.Discard, c)
				close(gone)
			}()
			header := "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("a", 10_000)
			for i := range len(header) {
				c.Write([]byte{header[i]})
				select {
				case <-gone:
					closed <- time.Since(start)
					return
				case <-time.After(200 * time.Millisecond):
				}
			}
		}()
	}
	var times []time.Duration
	for time.Since(start) < srv.ReadHeaderTimeout/2 {
		t0 := time.Now()
		res, err := httpClient.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			t.Fatalf("a normal request during the attack: %v", err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		times = append(times, time.Since(t0))
		time.Sleep(20 * time.Millisecond)
	}
	var last time.Duration
	for range conns {
		select {
		case d := <-closed:
			last = max(last, d)
		case <-time.After(srv.ReadHeaderTimeout + 20*time.Second):
			t.Fatalf("slow connections still open %s after the header limit", 20*time.Second)
		}
	}
	soak.Result(t, "slowloris: connections sending headers a byte every 200 ms", conns,
		"normal requests answered meanwhile; slow connections closed at the header time limit",
		fmt.Sprintf("%d normal requests, p99 %s; all %d slow connections closed after at most %s (limit %s)",
			len(times), p99(times).Round(100*time.Microsecond), conns, last.Round(100*time.Millisecond), srv.ReadHeaderTimeout))
}

// TestReliabilityCanarySecrets serves with canary values as the GitHub
// and admin tokens, against a GitHub that quotes the request's
// Authorization header in every answer: neither canary may appear in
// the log, the metrics, the pages, the API or the stored runs.
func TestReliabilityCanarySecrets(t *testing.T) {
	soak.SkipShort(t)
	const ghCanary, adminCanary = "ghp_CANARYgithub0123456789abcdefABCDEF", "CANARYadmin-9f8e7d6c5b4a3f2e1d0c9b8a7f6e"
	t.Setenv("GITHUB_TOKEN", "  "+ghCanary+"\n")
	t.Setenv("OS2PULSE_ADMIN_TOKEN", adminCanary+"\n")
	var hits int
	var hmu sync.Mutex
	gh := http.NewServeMux()
	gh.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		hmu.Lock()
		hits++
		n := hits
		hmu.Unlock()
		auth := r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-RateLimit-Remaining", "4000")
		switch {
		case strings.HasSuffix(r.URL.Path, "/repos"):
			json.NewEncoder(w).Encode([]map[string]any{{"name": "leak", "full_name": "OS2Forms/leak", "owner": map[string]string{"login": "OS2Forms"},
				"description": "seen with " + auth, "default_branch": "main"}})
		case n%3 == 0:
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, `{"message":"upstream refused %s"}`, auth)
		case strings.Count(r.URL.Path, "/") == 3:
			json.NewEncoder(w).Encode(map[string]any{"name": "leak", "full_name": "OS2Forms/leak", "owner": map[string]string{"login": "OS2Forms"},
				"description": "seen with " + auth, "default_branch": "main"})
		default:
			w.WriteHeader(http.StatusUnprocessableEntity)
			fmt.Fprintf(w, `{"message":"Bad credentials: %s"}`, auth)
		}
	})
	ghSrv := httptest.NewServer(gh)
	defer ghSrv.Close()
	dir := t.TempDir()
	cfgPath := writeE2EConfig(t, dir, ghSrv.URL)
	base, stop := serveInProcess(t, cfgPath)
	waitFor(t, 60*time.Second, "the collection", func() bool {
		_, runs, err := collectorRuns(base)
		return err == nil && runs["github"] != "" && runs["github"] != storage.RunRunning
	})
	// Admin requests, with the token and with a wrong one.
	for _, auth := range []string{"Bearer " + adminCanary, "Bearer wrong-" + adminCanary[:8], "Basic " + adminCanary} {
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/collect?source=register", nil)
		req.Header.Set("Authorization", auth)
		if res, err := httpClient.Do(req); err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	}
	var seen strings.Builder
	paths := []string{"/", "/?lang=en", "/data", "/data?lang=en", "/products/os2forms", "/api/v1/collector", "/api/v1/collector.csv", "/metrics"}
	for _, p := range paths {
		seen.WriteString(httpGet(t, base+p))
	}
	logw := stop()
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	store, err := storage.Open(context.Background(), cfg.Storage.Driver, cfg.Storage.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	runs, err := store.Runs(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := json.Marshal(runs)
	repos, _ := store.Repositories(context.Background(), "")
	storedRepos, _ := json.Marshal(repos)
	places := map[string]string{"log": logw.String(), "pages, API and metrics": seen.String(), "stored runs": string(stored), "stored repositories": string(storedRepos)}
	for where, text := range places {
		for _, canary := range []string{ghCanary, adminCanary} {
			if strings.Contains(text, canary) {
				t.Errorf("a secret (%s…) is in the %s", canary[:10], where)
			}
		}
	}
	if !strings.Contains(string(storedRepos), "[redacted]") {
		t.Errorf("the hostile GitHub's echo never reached storage; the test checks nothing:\n%s", storedRepos)
	}
	hmu.Lock()
	defer hmu.Unlock()
	soak.Result(t, "canary tokens, GitHub echoing the Authorization header", hits,
		"log, pages, API, metrics, stored runs and repositories", "no canary anywhere; echoes stored as [redacted]")
}
