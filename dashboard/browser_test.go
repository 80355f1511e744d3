package dashboard

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"os2pulse/storage/storagetest"
)

// newBrowser starts headless chromium with a tab, for 90 seconds at most;
// it is closed when the test ends.
func newBrowser(t *testing.T, execPath string) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	// Start the browser and its tab.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatal(err)
	}
	return bctx
}

// chromiumPath finds Debian's chromium; without it the browser test skips,
// unless CI is set, where a missing browser is a failure.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "chromium"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is required when CI is set (apt-get install chromium)")
	}
	t.Skip("chromium not installed; skipping the browser test (apt-get install chromium)")
	return ""
}

// browserProblems collects what the page must never do.
type browserProblems struct {
	mu       sync.Mutex
	dialogs  []string
	console  []string
	requests []string // to a host other than the test server
}

func (p *browserProblems) add(list *[]string, s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	*list = append(*list, s)
}

func (p *browserProblems) check(t *testing.T, what string) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, d := range p.dialogs {
		t.Errorf("%s: a dialog opened: %s", what, d)
	}
	for _, c := range p.console {
		t.Errorf("%s: console: %s", what, c)
	}
	for _, r := range p.requests {
		t.Errorf("%s: request to another host: %s", what, r)
	}
	p.dialogs, p.console, p.requests = nil, nil, nil
}

// TestBrowser loads the overview and a product page in headless chromium
// from a test server holding the XSS fixtures, and checks that every chart
// draws a canvas, that nothing is logged as an error (CSP violations
// included), that no request leaves the test server, that no payload opens
// a dialog, and that tooltips show names as text. Screenshots go to
// OS2PULSE_SCREENSHOTS when set, else to the test's temporary directory.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	execPath := chromiumPath(t)
	f := newPageFixture(t, storagetest.New(t, "sqlite"))
	ts := httptest.NewServer(f.handler)
	defer ts.Close()
	base, _ := url.Parse(ts.URL)

	shots := os.Getenv("OS2PULSE_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}

	bctx := newBrowser(t, execPath)

	// Reduced motion turns chart animation off (charts.js), so the
	// screenshots show finished charts.
	_, err := chromedp.Call(bctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	problems := &browserProblems{}
	dialogs := chromedp.Events(bctx, page.JavascriptDialogOpening)
	console := chromedp.Console(bctx)
	requests := chromedp.Events(bctx, network.RequestWillBeSent)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			problems.add(&problems.dialogs, string(ev.Type)+": "+ev.Message)
			chromedp.Call(bctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	go func() {
		// Errors and warnings of scripts, uncaught exceptions and the
		// browser log, where CSP violations and failed loads appear.
		for m, err := range console {
			if err != nil {
				return
			}
			switch m.Type {
			case chromedp.ConsoleError, chromedp.ConsoleWarning, chromedp.ConsoleException:
				problems.add(&problems.console, fmt.Sprintf("%s (%s) %s %s", m.Type, m.Source, m.Text, m.URL))
			}
		}
	}()
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			// data: URLs (the date input's own icon) are no request to
			// any host.
			if u, err := url.Parse(ev.Request.URL); err != nil || (u.Scheme != "data" && u.Host != base.Host) {
				problems.add(&problems.requests, ev.Request.URL)
			}
		}
	}()

	pages := []struct {
		name   string
		path   string
		charts int
		// tooltip hovers the adoption chart's category with the script
		// payload in its name and expects the tooltip to read it as text.
		tooltip bool
	}{
		{"overview", "/?lang=da", 7, true},
		{"overview-en", "/?lang=en", 7, false},
		{"product", "/products/os2forms", 4, false},
		{"organization-xss", "/organizations/xss", 0, false},
		{"data", "/data", 0, false},
		{"embed-map", "/embed/map", 1, false},
	}
	for _, p := range pages {
		err := chromedp.Do(bctx,
			chromedp.Navigate(ts.URL+p.path),
			chromedp.WaitReady(chromedp.CSS("footer, body.embed")),
		)
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		// Maps draw once the GeoJSON is in, so wait for every container.
		_, err = chromedp.Run(bctx, chromedp.Poll[bool](`document.querySelectorAll('[data-chart]').length === document.querySelectorAll('[data-chart][data-rendered="true"] canvas').length`,
			chromedp.WithPollingTimeout(20*time.Second)))
		if err != nil {
			t.Fatalf("%s: charts not drawn: %v", p.name, err)
		}
		counts, err := chromedp.Run(bctx, chromedp.Evaluate[[]int](`[
			document.querySelectorAll('[data-chart]').length,
			document.querySelectorAll('[data-chart][data-rendered="true"]').length,
			document.querySelectorAll('[data-chart] canvas').length,
			document.querySelectorAll('main img, main script:not([type="application/json"])').length]`))
		if err != nil {
			t.Fatal(err)
		}
		if counts[0] != p.charts || counts[1] != p.charts || counts[2] < p.charts {
			t.Errorf("%s: %d chart containers, %d rendered, %d canvases; want %d", p.name, counts[0], counts[1], counts[2], p.charts)
		}
		if counts[3] != 0 {
			t.Errorf("%s: %d img or script elements in <main>; a payload became markup", p.name, counts[3])
		}
		// Let ECharts finish its first frame before the screenshot.
		if err := chromedp.Do(bctx, chromedp.Sleep(300*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("%s: screenshot: %v", p.name, err)
		}
		file := filepath.Join(shots, "browser-"+p.name+".png")
		if err := os.WriteFile(file, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s", file)
		if p.tooltip {
			checkTooltip(t, bctx, shots)
		}
		problems.check(t, p.name)
	}
}

// checkTooltip hovers the adoption chart over the product whose name holds
// the payloads and checks the tooltip shows that name as text.
func checkTooltip(t *testing.T, ctx context.Context, shots string) {
	t.Helper()
	pos, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(function () {
		var el = document.getElementById('adoption-chart');
		el.scrollIntoView({block: 'center'});
		var chart = echarts.getInstanceByDom(el);
		var names = chart.getOption().yAxis[0].data;
		var i = names.findIndex(function (n) { return n.indexOf('Skade') === 0; });
		var y = chart.convertToPixel({yAxisIndex: 0}, i);
		var x = chart.convertToPixel({xAxisIndex: 0}, 0) + 20;
		var r = el.getBoundingClientRect();
		return [r.left + x, r.top + y];
	})()`))
	if err != nil || len(pos) != 2 {
		t.Fatalf("locating the bar: %v %v", err, pos)
	}
	if err := chromedp.Do(ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, pos[0], pos[1])); err != nil {
		t.Fatal(err)
	}
	head, err := chromedp.Run(ctx, chromedp.Poll[string](`(function () {
		var h = document.querySelector('#adoption-chart .tt-head');
		return h && h.offsetParent !== null ? h.textContent : false;
	})()`, chromedp.WithPollingTimeout(5*time.Second)))
	if err != nil {
		t.Fatalf("no tooltip: %v", err)
	}
	if want := "Skade" + xssScript + xssFunc; head != want {
		t.Errorf("tooltip heading %q, want %q", head, want)
	}
	if shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		os.WriteFile(filepath.Join(shots, "browser-tooltip.png"), shot, 0o644)
	}
}
