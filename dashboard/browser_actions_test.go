package dashboard

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// typeInto replaces an input's text by typing, as a visitor does.
func (b *testBrowser) typeInto(t *testing.T, sel, text string) {
	t.Helper()
	eval[bool](t, b, `(function (el) { el.value = ''; el.dispatchEvent(new Event('input', {bubbles: true})); return true; })(document.querySelector(`+jsString(sel)+`))`)
	if text == "" {
		return
	}
	if err := chromedp.Do(b.ctx, chromedp.SendKeys(chromedp.CSS(sel), text)); err != nil {
		t.Fatal(err)
	}
}

// choose picks a select's option, as a visitor does.
func (b *testBrowser) choose(t *testing.T, sel, value string) {
	t.Helper()
	eval[bool](t, b, `(function (el) { el.value = `+jsString(value)+`; el.dispatchEvent(new Event('change', {bubbles: true})); return true; })(document.querySelector(`+jsString(sel)+`))`)
}

// testCatalogue searches, filters and sorts the catalogue in the browser,
// without a reload, and opens a product from it.
func (b *testBrowser) testCatalogue(t *testing.T) {
	b.open(t, "/products?lang=en", 1366)
	eval[bool](t, b, `window.notReloaded = true`)
	if rows := visibleRows(t, b, "catalogue"); len(rows) != 13 {
		t.Fatalf("%d products shown, want all 13: %q", len(rows), rows)
	}
	b.typeInto(t, "#q", "os2b")
	if rows := visibleRows(t, b, "catalogue"); strings.Join(rows, ",") != "OS2borgerPC" {
		t.Errorf("searching os2b shows %q", rows)
	}
	if got := eval[string](t, b, `document.getElementById('catalogue-count').textContent`); got != "Showing 1 of 13 products" {
		t.Errorf("count %q", got)
	}
	b.typeInto(t, "#q", "")
	b.choose(t, "#level", "3")
	// Level 3: OS2forms, OS2mo, OS2faktor, OS2rollekatalog, OS2kitos.
	if rows := visibleRows(t, b, "catalogue"); len(rows) != 5 {
		t.Errorf("level 3 shows %q", rows)
	}
	b.typeInto(t, "#q", "nothing like this")
	if shown := eval[bool](t, b, `!document.querySelector('#catalogue tr.none').hidden`); !shown {
		t.Error("no row says that nothing matches")
	}
	b.typeInto(t, "#q", "")
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(`th a[data-sort="adopters"]`))); err != nil {
		t.Fatal(err)
	}
	// By adopters, most first: OS2forms (5 organisations) leads level 3.
	rows := visibleRows(t, b, "catalogue")
	if len(rows) == 0 || rows[0] != "OS2forms" || eval[string](t, b, `document.querySelector('th[aria-sort]').textContent`) != "All in production" {
		t.Errorf("sorted by adopters: %q", rows)
	}
	if loc := eval[string](t, b, `location.search`); !strings.Contains(loc, "level=3") || !strings.Contains(loc, "sort=adopters") {
		t.Errorf("the address does not keep the filter: %s", loc)
	}
	if !eval[bool](t, b, `window.notReloaded === true`) {
		t.Error("filtering reloaded the page")
	}
	b.screenshot(t, "catalogue")
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(`#catalogue tbody tr:not([hidden]) a.name`))); err != nil {
		t.Fatal(err)
	}
	// Wait for the new page, not the old one's heading: a page served
	// from the cache arrives while the old one may still be read.
	b.waitFor(t, `location.pathname.startsWith('/products/') && document.readyState === 'complete' && document.querySelector('h1') !== null`)
	if h := eval[string](t, b, `location.pathname + ' ' + document.querySelector('h1').textContent`); h != "/products/os2forms OS2forms" {
		t.Errorf("the first row leads to %q", h)
	}
	b.problems.check(t, "catalogue")
}

// testLookup answers "does my municipality use OS2forms?" in the lookup.
func (b *testBrowser) testLookup(t *testing.T) {
	b.open(t, "/organizations", 1366)
	if n := len(visibleRows(t, b, "lookup")); n < 98 {
		t.Fatalf("%d organisations shown, want all 98 municipalities and more", n)
	}
	b.typeInto(t, "#q", "751")
	if rows := visibleRows(t, b, "lookup"); strings.Join(rows, ",") != "Aarhus" {
		t.Errorf("kommunekode 751 finds %q", rows)
	}
	products := eval[string](t, b, `document.querySelector('#lookup tbody tr:not([hidden]) td:nth-of-type(5)').textContent`)
	if !strings.Contains(products, "OS2forms") {
		t.Errorf("Aarhus runs %q", products)
	}
	b.typeInto(t, "#q", "os2borgerpc")
	// Running it: København, Frederikssund; piloting it: Odense.
	if rows := visibleRows(t, b, "lookup"); strings.Join(rows, ",") != "Frederikssund,København,Odense" {
		t.Errorf("os2borgerpc finds %q", rows)
	}
	b.choose(t, "#member", "no")
	if rows := visibleRows(t, b, "lookup"); strings.Join(rows, ",") != "Frederikssund" {
		t.Errorf("non-members with os2borgerpc: %q", rows)
	}
	b.screenshot(t, "lookup")
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(`#lookup tbody tr:not([hidden]) th a`))); err != nil {
		t.Fatal(err)
	}
	// Wait for the new page, not the old one's heading: a page served
	// from the cache arrives while the old one may still be read.
	b.waitFor(t, `location.pathname.startsWith('/organizations/') && document.readyState === 'complete' && document.querySelector('h1') !== null`)
	if h := eval[string](t, b, `location.pathname + ' ' + document.querySelector('h1').textContent`); h != "/organizations/250 Frederikssund" {
		t.Errorf("the row leads to %q", h)
	}
	b.problems.check(t, "lookup")
}

// clickChart clicks a chart at a point found by script, which returns
// [x, y] in the page's viewport, then waits for the page to change.
func (b *testBrowser) clickChart(t *testing.T, script string) string {
	t.Helper()
	pos := eval[[]float64](t, b, script)
	if len(pos) != 2 {
		t.Fatalf("no point to click: %v", pos)
	}
	before := eval[string](t, b, `location.href`)
	if err := chromedp.Do(b.ctx, chromedp.MouseClickXY(pos[0], pos[1])); err != nil {
		t.Fatal(err)
	}
	// The page changes under the script, so errors while it does are
	// expected; only the timeout is a failure.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		href, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.readyState === 'complete' ? location.href : ''`))
		if err == nil && href != "" && href != before {
			u, _ := url.Parse(href)
			return u.Path
		}
	}
	t.Fatal("the click opened nothing")
	return ""
}

func jsString(s string) string { return `'` + strings.ReplaceAll(s, `'`, `\'`) + `'` }

// testClickThrough clicks a bar, a product's name and a map area.
func (b *testBrowser) testClickThrough(t *testing.T) {
	bar := `(function () {
		var el = document.getElementById('adoption-chart');
		el.scrollIntoView({block: 'center'});
		var chart = echarts.getInstanceByDom(el);
		var i = chart.getOption().yAxis[0].data.indexOf('OS2forms');
		var p = chart.convertToPixel({xAxisIndex: 0, yAxisIndex: 0}, [0.01, i]);
		var r = el.getBoundingClientRect();
		return [r.left + p[0], r.top + p[1]];
	})()`
	name := `(function () {
		var el = document.getElementById('adoption-chart');
		el.scrollIntoView({block: 'center'});
		var chart = echarts.getInstanceByDom(el);
		var i = chart.getOption().yAxis[0].data.indexOf('OS2mo');
		var p = chart.convertToPixel({xAxisIndex: 0, yAxisIndex: 0}, [0, i]);
		var r = el.getBoundingClientRect();
		return [r.left + p[0] - 30, r.top + p[1]];
	})()`
	area := `(function () {
		// Bornholm (400), in its box apart from every other municipality.
		var el = document.querySelector('#map-chart path[data-href^="/organizations/400"]');
		el.scrollIntoView({block: 'center'});
		var r = el.getBoundingClientRect();
		return [r.left + r.width / 2, r.top + r.height / 2];
	})()`
	for _, c := range []struct{ what, script, want string }{
		{"a bar", bar, "/products/os2forms"},
		{"a product's name", name, "/products/os2mo"},
		{"a map area", area, "/organizations/400"},
	} {
		b.open(t, "/", 1366)
		if got := b.clickChart(t, c.script); got != c.want {
			t.Errorf("clicking %s opened %s, want %s", c.what, got, c.want)
		}
	}
	b.problems.check(t, "click-through")
}

// testDownload saves a chart as a PNG through its button.
func (b *testBrowser) testDownload(t *testing.T) {
	dir := t.TempDir()
	_, err := chromedp.Call(b.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
	if err != nil {
		t.Fatal(err)
	}
	b.open(t, "/products/os2forms?lang=en", 1366)
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(`[data-download="product-map-chart"]`))); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "os2pulse-product-map-2026-11-23.png")
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := os.ReadFile(file)
		if err == nil && len(b) > 8 && string(b[1:4]) == "PNG" {
			break
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(dir)
			t.Fatalf("no PNG downloaded to %s (%v)", file, entries)
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.problems.check(t, "download")
}
