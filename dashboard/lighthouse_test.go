package dashboard

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"os2pulse/storage/storagetest"
)

// lighthousePages are the pages Lighthouse checks: each kind of page
// once (axe checks both languages and widths). The 404 page is left out:
// Lighthouse's SEO audit fails any page answered with an error status,
// which is that page's purpose.
var lighthousePages = slices.DeleteFunc(slices.Clone(axePages), func(p string) bool { return p == "/nothing" })

// performanceGoal is the mobile performance score every page must reach.
const performanceGoal = 0.9

// lighthouseResult is one line of testdata/lighthouse.mjs.
type lighthouseResult struct {
	URL     string
	Status  string
	Scores  map[string]float64
	Metrics map[string]string
	Failing []string
	// BenchmarkIndex is Lighthouse's measure of the machine's CPU.
	BenchmarkIndex float64
}

// slowHost is the benchmark index under which Lighthouse warns that the
// machine is too slow for its mobile emulation to be right
// (core/gather/driver/environment.js).
const slowHost = 1000

// runLighthouse runs Lighthouse on mobile over urls in one Chromium.
func runLighthouse(t *testing.T, chromium string, urls []string) []lighthouseResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(len(urls))*90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{"lighthouse.mjs", chromium}, urls...)...)
	cmd.Dir = "testdata"
	home := t.TempDir()
	// No update check, no telemetry: the test makes no request but to
	// its own server.
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "CI=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("lighthouse: %v\n%s\n%s", err, out, stderr.String())
	}
	var results []lighthouseResult
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r lighthouseResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("lighthouse said %q: %v", sc.Text(), err)
		}
		results = append(results, r)
	}
	if len(results) != len(urls) {
		t.Fatalf("lighthouse: %d results for %d pages\n%s", len(results), len(urls), stderr.String())
	}
	return results
}

// TestLighthouse runs Lighthouse 12 (pinned in package.json) with its
// mobile settings on every kind of page: performance at least 90, and
// accessibility, best practices and SEO 100, every page alike. A page below its goal is measured
// twice more and judged by its best run: other work on the machine only
// ever slows a run down, so the best is the nearest to what the page
// itself costs. Where Lighthouse itself says the machine is too
// slow for its mobile emulation (a benchmark index under 1000 in every
// run, as on a machine shared by many jobs), performance is reported and
// not judged, unless CI is set: CI judges it always.
func TestLighthouse(t *testing.T) {
	if testing.Short() {
		t.Skip("Lighthouse skipped in -short mode")
	}
	chromium := chromiumPath(t)
	if _, err := os.Stat(filepath.Join("..", "node_modules", "lighthouse", "package.json")); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		if os.Getenv("CI") != "" {
			t.Fatal("lighthouse is required when CI is set: run `npm ci` at the repository root")
		}
		t.Skip("node_modules/lighthouse not installed; run `npm ci` at the repository root to run Lighthouse")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node not installed")
	}
	f := newPageFixture(t, storagetest.New(t, "sqlite"))
	ts := httptest.NewServer(f.handler)
	defer ts.Close()

	var urls []string
	for _, p := range lighthousePages {
		urls = append(urls, ts.URL+p)
	}
	results := runLighthouse(t, chromium, urls)
	var again []string
	for _, r := range results {
		if r.Scores["performance"] < performanceGoal {
			again = append(again, r.URL, r.URL)
		}
	}
	perf := map[string][]float64{}
	fastest := map[string]float64{} // the highest benchmark index of a page's runs
	for _, r := range results {
		perf[r.URL] = append(perf[r.URL], r.Scores["performance"])
		fastest[r.URL] = r.BenchmarkIndex
	}
	if len(again) > 0 {
		for _, r := range runLighthouse(t, chromium, again) {
			perf[r.URL] = append(perf[r.URL], r.Scores["performance"])
			fastest[r.URL] = max(fastest[r.URL], r.BenchmarkIndex)
		}
	}
	for _, r := range results {
		page := strings.TrimPrefix(r.URL, ts.URL)
		if r.Status != "" {
			t.Errorf("%s: %s", page, r.Status)
			continue
		}
		scores := perf[r.URL]
		best := slices.Max(scores)
		t.Logf("%s: performance %.0f (runs %v), accessibility %.0f, best practices %.0f, SEO %.0f; %v", page, 100*best, scores,
			100*r.Scores["accessibility"], 100*r.Scores["best-practices"], 100*r.Scores["seo"], r.Metrics)
		goal := performanceGoal
		switch {
		case best >= goal:
		case fastest[r.URL] < slowHost && os.Getenv("CI") == "":
			t.Logf("%s: mobile performance %.0f (best of %v) not judged: Lighthouse finds this machine too slow for its mobile emulation (benchmark index %.0f, under %d)",
				page, 100*best, scores, fastest[r.URL], slowHost)
		default:
			t.Errorf("%s: mobile performance %.0f (best of %v, benchmark index %.0f), want at least %.0f; short of full marks: %v", page, 100*best, scores, fastest[r.URL], 100*goal, r.Failing)
		}
		for _, c := range []string{"accessibility", "best-practices", "seo"} {
			if r.Scores[c] != 1 {
				t.Errorf("%s: %s %.0f, want 100; short of full marks: %v", page, c, 100*r.Scores[c], r.Failing)
			}
		}
	}
}
