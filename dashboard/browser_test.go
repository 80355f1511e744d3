package dashboard

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// newBrowser starts headless chromium with a tab, for timeout at most;
// it is closed when the test ends.
func newBrowser(t *testing.T, execPath string, timeout time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
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
		chromedp.WindowSize(1366, 1000),
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

// axeSource is axe-core, pinned in package-lock.json and installed by
// `npm ci`. The test injects it into the pages it checks; the server never
// serves it.
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../node_modules/axe-core/axe.min.js")
	switch {
	case errors.Is(err, fs.ErrNotExist) && os.Getenv("CI") != "":
		t.Fatal("axe-core is required when CI is set: run `npm ci` at the repository root")
	case errors.Is(err, fs.ErrNotExist):
		t.Skip("node_modules/axe-core not installed; run `npm ci` at the repository root to check accessibility")
	case err != nil:
		t.Fatal(err)
	}
	return string(b)
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

// forget drops what was collected without checking it.
func (p *browserProblems) forget() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dialogs, p.console, p.requests = nil, nil, nil
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

// testBrowser is one headless chromium shared by the subtests of
// TestBrowser, on a test server holding the hand-made portfolio with its
// script payloads.
type testBrowser struct {
	ctx      context.Context
	base     string
	shots    string
	problems *browserProblems
}

// TestBrowser runs the site in headless chromium: every page draws its
// charts without an error in the console (CSP violations included), a
// request to another host or a dialog opened by a payload; every page
// passes axe-core with no violation of any impact in both languages at
// 1366 and 390 px with its tables open; the catalogue and the lookup
// filter, sort and lead on; bars, names and map areas open their pages;
// a chart downloads as a PNG; the annual report prints with its running
// header. Screenshots go to OS2PULSE_SCREENSHOTS when set, else to the
// test's temporary directory.
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

	// axe on every page in two widths and two languages takes a while.
	bctx := newBrowser(t, execPath, 6*time.Minute)

	// Reduced motion turns chart animation off (charts.js), so the
	// screenshots show finished charts.
	_, err := chromedp.Call(bctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	b := &testBrowser{ctx: bctx, base: ts.URL, shots: shots, problems: &browserProblems{}}
	dialogs := chromedp.Events(bctx, page.JavascriptDialogOpening)
	console := chromedp.Console(bctx)
	requests := chromedp.Events(bctx, network.RequestWillBeSent)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.problems.add(&b.problems.dialogs, string(ev.Type)+": "+ev.Message)
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
				// The error pages' own 404 and 400 are expected.
				if strings.Contains(m.Text, "the server responded with a status of 40") && strings.Contains(m.URL, "/nothing") {
					continue
				}
				b.problems.add(&b.problems.console, fmt.Sprintf("%s (%s) %s %s", m.Type, m.Source, m.Text, m.URL))
			}
		}
	}()
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			// data: and blob: URLs (the date input's icon, a chart saved
			// as an image) are no request to any host.
			if u, err := url.Parse(ev.Request.URL); err != nil || (u.Scheme != "data" && u.Scheme != "blob" && u.Host != base.Host) {
				b.problems.add(&b.problems.requests, ev.Request.URL)
			}
		}
	}()

	t.Run("charts", b.testCharts)
	t.Run("catalogue", b.testCatalogue)
	t.Run("lookup", b.testLookup)
	t.Run("click-through", b.testClickThrough)
	t.Run("download", b.testDownload)
	t.Run("report", b.testReport)
	t.Run("layout", b.testLayout)
	t.Run("lazy-charts", b.testLazyCharts)
	t.Run("axe", func(t *testing.T) { b.testAxe(t, axeSource(t)) })
}

// open loads path at the given width and waits until every chart is
// drawn.
func (b *testBrowser) open(t *testing.T, path string, width int64) {
	t.Helper()
	_, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: width, Height: 1000, DeviceScaleFactor: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.ctx, chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	// Charts are drawn as they come into view: scroll past each, as a
	// reader would, and back to the top.
	_, err = chromedp.Run(b.ctx, chromedp.Evaluate[bool](`(async function () {
		for (const el of document.querySelectorAll('[data-chart]')) {
			el.scrollIntoView();
			await new Promise(function (r) { setTimeout(r, 60); });
		}
		window.scrollTo(0, 0);
		return true;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: scrolling: %v", path, err)
	}
	// A chart passed while the machine is busy may not have been seen:
	// like a reader, go back to the first one not drawn, until all are.
	_, err = chromedp.Run(b.ctx, chromedp.Poll[bool](`(function () {
		var undrawn = Array.prototype.filter.call(document.querySelectorAll('[data-chart]'), function (el) {
			return !(el.getAttribute('data-rendered') === 'true' && el.querySelector('canvas'));
		});
		if (undrawn.length > 0) {
			undrawn[0].scrollIntoView();
			return false;
		}
		window.scrollTo(0, 0);
		return true;
	})()`, chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		t.Fatalf("%s: charts not drawn: %v", path, err)
	}
}

// eval evaluates a script in the page.
func eval[T any](t *testing.T, b *testBrowser, script string, opts ...chromedp.EvaluateOption) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](script, opts...))
	if err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	return v
}

// waitFor evaluates script until it is true, for up to 20 seconds,
// across navigations (which make an evaluation fail while the new
// document is being set up).
func (b *testBrowser) waitFor(t *testing.T, script string) {
	t.Helper()
	var err error
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		var ok bool
		if ok, err = chromedp.Run(b.ctx, chromedp.Evaluate[bool](script)); err == nil && ok {
			return
		}
	}
	t.Fatalf("%s: not true after 20 s (%v)", script, err)
}

// screenshot saves the whole page as name.png.
func (b *testBrowser) screenshot(t *testing.T, name string) {
	t.Helper()
	// Let ECharts finish its first frame.
	if err := chromedp.Do(b.ctx, chromedp.Sleep(200*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("%s: screenshot: %v", name, err)
	}
	file := filepath.Join(b.shots, "browser-"+name+".png")
	if err := os.WriteFile(file, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", file)
}

// testCharts loads pages with charts and payloads and checks that every
// chart draws a canvas, that no payload became markup and that tooltips
// show names as text.
func (b *testBrowser) testCharts(t *testing.T) {
	pages := []struct {
		name   string
		path   string
		charts int // drawn by ECharts
		maps   int // drawn on the server as SVG
		// tooltip hovers the adoption chart's category with the script
		// payload in its name and expects the tooltip to read it as text.
		tooltip bool
	}{
		{"overview", "/?lang=da", 6, 1, true},
		{"overview-en", "/?lang=en", 6, 1, false},
		{"product", "/products/os2forms", 3, 1, false},
		{"goals", "/goals?lang=en", 4, 0, false},
		{"organization-xss", "/organizations/xss", 0, 0, false},
		{"data", "/data", 0, 0, false},
		{"embed-map", "/embed/map", 0, 1, false},
		{"embed-goal", "/embed/goal?goal=os2forms-spread", 1, 0, false},
	}
	for _, p := range pages {
		b.open(t, p.path, 1366)
		counts := eval[[]int](t, b, `[
			document.querySelectorAll('[data-chart]').length,
			document.querySelectorAll('[data-chart][data-rendered="true"]').length,
			document.querySelectorAll('[data-chart] canvas').length,
			document.querySelectorAll('main img, main script:not([type="application/json"])').length,
			document.querySelectorAll('[data-download]:not([hidden])').length,
			Array.from(document.querySelectorAll('[data-svg-chart] svg')).filter(function (s) { return s.querySelectorAll('path[data-href] > title').length === 98; }).length,
			typeof window.echarts === 'undefined' ? 0 : 1]`)
		if counts[0] != p.charts || counts[1] != p.charts || counts[2] < p.charts || counts[4] != p.charts+p.maps || counts[5] != p.maps {
			t.Errorf("%s: %d chart containers, %d rendered, %d canvases, %d maps of 98 municipalities, %d image buttons; want %d charts and %d maps",
				p.name, counts[0], counts[1], counts[2], counts[5], counts[4], p.charts, p.maps)
		}
		if p.charts == 0 && counts[6] != 0 {
			t.Errorf("%s: ECharts loaded on a page without an ECharts chart", p.name)
		}
		if counts[3] != 0 {
			t.Errorf("%s: %d img or script elements in <main>; a payload became markup", p.name, counts[3])
		}
		b.screenshot(t, p.name)
		if p.tooltip {
			checkTooltip(t, b.ctx, b.shots)
		}
		b.problems.check(t, p.name)
	}
	// At 390 px the axis labels do not overlap: ECharts hides those that
	// would, and value axes have fewer.
	b.open(t, "/?lang=en", 390)
	b.screenshot(t, "overview-390")
	if n := eval[int](t, b, `echarts.getInstanceByDom(document.getElementById('adoption-chart')).getOption().xAxis[0].splitNumber`); n != 3 {
		t.Errorf("at 390 px the adoption chart's value axis has splitNumber %d, want 3", n)
	}
	b.problems.check(t, "overview at 390 px")
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

// visibleRows lists the first cells of a table's rows that show.
func visibleRows(t *testing.T, b *testBrowser, table string) []string {
	t.Helper()
	return eval[[]string](t, b, `Array.from(document.querySelectorAll('#`+table+` tbody tr:not([hidden]):not(.none) th')).map(function (c) {
		return c.querySelector('a').textContent.trim(); })`)
}
