package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/prometheus/promql/parser"

	"os2pulse/grafana"
)

// TestPrometheusEndToEnd serves the example portfolio, lets a real
// Prometheus (Debian's package) scrape it, and runs every Grafana panel's
// query through Prometheus' HTTP API: each must return data, except the
// contributor counts, which the example's data (ending 18 November 2025) do
// not make complete and which must therefore be missing, and the adoption
// and three-or-more figures must equal the API's.
func TestPrometheusEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("starts os2pulse and Prometheus: make test runs it, not -short")
	}
	prom, err := exec.LookPath("prometheus")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("prometheus is required when CI is set (apt-get install prometheus)")
		}
		t.Skip("prometheus not installed (apt-get install prometheus); skipping the end-to-end metrics test")
	}
	dir := t.TempDir()

	// A GitHub that knows none of the portfolio's organisations: the
	// collector's requests, status codes and rate-limit budget still show
	// in the metrics, without the internet.
	gh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Limit", "5000")
		w.Header().Set("X-RateLimit-Remaining", "4321")
		w.Header().Set("X-RateLimit-Reset", fmt.Sprint(time.Now().Add(time.Hour).Unix()))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`)
	}))
	defer gh.Close()

	cfgPath := writeE2EConfig(t, dir, gh.URL)
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var serveLog bytes.Buffer

	logw := &lockedWriter{w: &serveLog}
	go func() { done <- run(ctx, []string{"serve", "-config", cfgPath, "-listen", addr}, io.Discard, logw) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		if t.Failed() {
			logw.mu.Lock()
			t.Logf("os2pulse log:\n%s", serveLog.String())
			logw.mu.Unlock()
		}
	}()
	base := "http://" + addr
	waitFor(t, 60*time.Second, "the example collection to finish", func() bool {
		var st struct {
			Runs []struct {
				Source  string `json:"source"`
				EndedAt string `json:"ended_at"`
			} `json:"runs"`
		}
		if getJSON(base+"/api/v1/collector", &st) != nil {
			return false
		}
		ended := 0
		for _, r := range st.Runs {
			if r.EndedAt != "" {
				ended++
			}
		}
		return ended == 3
	})

	// promtool lints a scrape: it must print nothing.
	if promtool, err := exec.LookPath("promtool"); err == nil {
		body := httpGet(t, base+"/metrics")
		cmd := exec.Command(promtool, "check", "metrics")
		cmd.Stdin = strings.NewReader(body)
		out, err := cmd.CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Errorf("promtool check metrics: %v\n%s", err, out)
		}
	} else if os.Getenv("CI") != "" {
		t.Error("promtool is required when CI is set")
	}

	promAddr := freeAddr(t)
	promCfg := filepath.Join(dir, "prometheus.yml")
	os.WriteFile(promCfg, []byte(fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: os2pulse
    metrics_path: /metrics
    static_configs:
      - targets: ['%s']
`, addr)), 0o644)
	var promLog bytes.Buffer
	cmd := exec.Command(prom, "--config.file="+promCfg, "--storage.tsdb.path="+filepath.Join(dir, "tsdb"),
		"--web.listen-address="+promAddr, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = &promLog, &promLog
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		if t.Failed() {
			t.Logf("prometheus log:\n%s", promLog.String())
		}
	}()
	promURL := "http://" + promAddr
	// Enough scrapes for rate() and increase() to have two samples.
	waitFor(t, 60*time.Second, "Prometheus to scrape os2pulse a few times", func() bool {
		v, ok := queryScalar(promURL, `count_over_time(up{job="os2pulse"}[1m])`)
		up, ok2 := queryScalar(promURL, `up{job="os2pulse"}`)
		return ok && ok2 && v >= 4 && up == 1
	})

	// The example's commit histories end on 18 November 2025 and the fake
	// GitHub knows none of the repositories: no contributor window ending
	// today is complete, so no contributor count may be exported, only how
	// far the data reach. The API says the same.
	var contrib struct {
		Complete     bool   `json:"portfolio_complete"`
		CoveredUntil string `json:"portfolio_covered_until"`
	}
	if err := getJSON(base+"/api/v1/contributors", &contrib); err != nil {
		t.Fatal(err)
	}
	if contrib.Complete || contrib.CoveredUntil != "2025-11-18" {
		t.Fatalf("API: portfolio complete %v, covered until %q; want incomplete, 2025-11-18", contrib.Complete, contrib.CoveredUntil)
	}
	covered := float64(time.Date(2025, 11, 18, 0, 0, 0, 0, time.UTC).Unix())
	checkEqual(t, promURL, "os2pulse_portfolio_contributors_covered_until_timestamp_seconds", covered)
	checkEqual(t, promURL, `os2pulse_contributors_covered_until_timestamp_seconds{product="os2forms"}`, covered)
	incomplete := map[string]bool{"os2pulse_portfolio_active_contributors": true, "os2pulse_product_active_contributors": true,
		"os2pulse_product_contributor_concentration_persons": true,
		// Signals from collected activity, for the same reason.
		"os2pulse_product_contributing_organizations": true, "os2pulse_product_largest_organization_ratio": true,
		"os2pulse_product_awaiting_first_response": true, "os2pulse_product_releases": true, "os2pulse_product_open_items": true,
		// Nothing to measure in the example: the fake GitHub has no
		// issues, pull requests or releases, and a median of nothing is
		// no series, not 0.
		"os2pulse_product_first_response_median_seconds": true, "os2pulse_product_first_response_p90_seconds": true,
		"os2pulse_product_last_release_age_seconds": true, "os2pulse_product_open_items_median_age_seconds": true,
		// No repository of the example is found by the fake GitHub, so
		// none has been checked: no hygiene series, not 0 checked.
		"os2pulse_product_hygiene_repositories": true}

	files, err := grafana.Dashboards()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for name, b := range files {
		qs, err := grafana.Queries(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, q := range qs {
			n++
			res, err := promQuery(promURL, q.Expr)
			if err != nil {
				t.Errorf("%s panel %q (%s): %v", name, q.PanelTitle, q.Expr, err)
				continue
			}
			switch selects := selectedMetrics(t, q.Expr); {
			case anyOf(selects, incomplete) && len(res) != 0:
				t.Errorf("%s panel %q: %s returned %v for an incomplete window; want no data", name, q.PanelTitle, q.Expr, res)
			case !anyOf(selects, incomplete) && len(res) == 0:
				t.Errorf("%s panel %q: %s returned no data", name, q.PanelTitle, q.Expr)
			}
		}
	}
	if n < 10 {
		t.Fatalf("only %d dashboard queries checked", n)
	}

	// The figures Prometheus holds are the API's.
	var adoption struct {
		Products []struct {
			ID       string `json:"id"`
			Adopters struct {
				Municipalities, Members, All int
			} `json:"adopters"`
			Share float64 `json:"share_of_municipalities"`
		} `json:"products"`
	}
	if err := getJSON(base+"/api/v1/adoption", &adoption); err != nil {
		t.Fatal(err)
	}
	for _, p := range adoption.Products {
		checkEqual(t, promURL, fmt.Sprintf(`os2pulse_product_adoption_ratio{product=%q}`, p.ID), p.Share)
		checkEqual(t, promURL, fmt.Sprintf(`os2pulse_product_adopters{product=%q,scope="municipalities"}`, p.ID), float64(p.Adopters.Municipalities))
		checkEqual(t, promURL, fmt.Sprintf(`os2pulse_product_adopters{product=%q,scope="members"}`, p.ID), float64(p.Adopters.Members))
	}
	var members struct {
		Members        int     `json:"members"`
		ThreePlus      int     `json:"three_plus"`
		ThreePlusShare float64 `json:"three_plus_share"`
	}
	if err := getJSON(base+"/api/v1/members", &members); err != nil {
		t.Fatal(err)
	}
	if members.Members == 0 || members.ThreePlus == 0 {
		t.Fatalf("example members figures are empty: %+v", members)
	}
	checkEqual(t, promURL, "os2pulse_members", float64(members.Members))
	checkEqual(t, promURL, "os2pulse_members_three_plus_products", float64(members.ThreePlus))
	checkEqual(t, promURL, "os2pulse_members_three_plus_products_ratio", members.ThreePlusShare)
	checkEqual(t, promURL, "os2pulse_github_rate_limit_remaining", 4321)
}

// selectedMetrics names the metrics a PromQL expression selects.
func selectedMetrics(t *testing.T, expr string) []string {
	t.Helper()
	e, err := parser.NewParser(parser.Options{}).ParseExpr(expr)
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	var out []string
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			out = append(out, vs.Name)
		}
		return nil
	})
	return out
}

func anyOf(names []string, set map[string]bool) bool {
	for _, n := range names {
		if set[n] {
			return true
		}
	}
	return false
}

// writeE2EConfig writes the example configuration with its data files by
// absolute path, a database in dir and GitHub at apiURL.
func writeE2EConfig(t *testing.T, dir, apiURL string) string {
	t.Helper()
	b, err := os.ReadFile("config/example.toml")
	if err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs("config")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, r := range [][2]string{
		// The fake GitHub finds no repository. One named explicitly is
		// then never collected, and the portfolio's coverage would be
		// unknown; without it, the coverage is the example histories'.
		{`repos = ["OS2mo/*", "magenta-aps/os2mo-naldo"]`, `repos = ["OS2mo/*"]`},
		{`dsn = "./data/os2pulse.db"`, fmt.Sprintf("dsn = %q", filepath.Join(dir, "os2pulse.db"))},
		{`api_url = "https://api.github.com/"`, fmt.Sprintf("api_url = %q", apiURL+"/")},
		{`"example/`, `"` + abs + `/example/`},
	} {
		if !strings.Contains(s, r[0]) {
			t.Fatalf("example.toml has no %s", r[0])
		}
		s = strings.ReplaceAll(s, r[0], r[1])
	}
	p := filepath.Join(dir, "os2pulse.toml")
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitFor(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

var httpClient = &http.Client{Timeout: 10 * time.Second}

func httpGet(t *testing.T, u string) string {
	t.Helper()
	res, err := httpClient.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %s", u, res.Status)
	}
	return string(b)
}

func getJSON(u string, v any) error {
	res, err := httpClient.Get(u)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return fmt.Errorf("GET %s: %s", u, res.Status)
	}
	return json.NewDecoder(res.Body).Decode(v)
}

// promQuery runs an instant query and returns its samples' values.
func promQuery(promURL, expr string) ([]float64, error) {
	var body struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string          `json:"resultType"`
			Result     json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if err := getJSON(promURL+"/api/v1/query?query="+url.QueryEscape(expr), &body); err != nil {
		return nil, err
	}
	if body.Status != "success" {
		return nil, fmt.Errorf("query failed: %s", body.Error)
	}
	parse := func(pair []any) float64 {
		s, _ := pair[1].(string)
		var f float64
		fmt.Sscan(s, &f)
		if s == "NaN" {
			f = math.NaN()
		}
		return f
	}
	switch body.Data.ResultType {
	case "vector":
		var vs []struct {
			Value []any `json:"value"`
		}
		if err := json.Unmarshal(body.Data.Result, &vs); err != nil {
			return nil, err
		}
		var out []float64
		for _, v := range vs {
			out = append(out, parse(v.Value))
		}
		return out, nil
	case "scalar":
		var v []any
		if err := json.Unmarshal(body.Data.Result, &v); err != nil {
			return nil, err
		}
		return []float64{parse(v)}, nil
	}
	return nil, fmt.Errorf("unexpected result type %q", body.Data.ResultType)
}

func queryScalar(promURL, expr string) (float64, bool) {
	vs, err := promQuery(promURL, expr)
	if err != nil || len(vs) != 1 {
		return 0, false
	}
	return vs[0], true
}

func checkEqual(t *testing.T, promURL, expr string, want float64) {
	t.Helper()
	got, ok := queryScalar(promURL, expr)
	if !ok || math.Abs(got-want) > 1e-9 {
		t.Errorf("Prometheus %s = %v (found %v), API says %v", expr, got, ok, want)
	}
}

// lockedWriter lets the server log from several goroutines into a buffer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
