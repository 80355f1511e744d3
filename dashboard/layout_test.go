package dashboard

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// testLazyCharts: a page draws the charts near the screen, not all at
// once; the others when scrolled to, and every one before printing.
func (b *testBrowser) testLazyCharts(t *testing.T) {
	if _, err := chromedp.Call(b.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 390, Height: 800, DeviceScaleFactor: 1}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.ctx, chromedp.Navigate(b.base+"/?lang=en"), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.ctx, chromedp.Sleep(500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	total := eval[int](t, b, `document.querySelectorAll('[data-chart]').length`)
	if n := eval[int](t, b, `document.querySelectorAll('[data-chart][data-rendered="true"]').length`); total < 5 || n == total {
		t.Errorf("at load, %d of %d charts drawn; want those near the screen only", n, total)
	}
	// Scrolled to, the first chart is drawn; the last is not yet.
	eval[bool](t, b, `document.querySelector('[data-chart]').scrollIntoView(), true`)
	b.waitFor(t, `document.querySelector('[data-chart]').getAttribute('data-rendered') === 'true'`)
	if eval[bool](t, b, `(function () { var all = document.querySelectorAll('[data-chart]'); return all[all.length - 1].getAttribute('data-rendered') === 'true'; })()`) {
		t.Error("the page's last chart is drawn before it was scrolled to")
	}
	eval[bool](t, b, `window.dispatchEvent(new Event('beforeprint')), true`)
	b.waitFor(t, `document.querySelectorAll('[data-chart]').length === document.querySelectorAll('[data-chart][data-rendered="true"]').length`)
	eval[bool](t, b, `window.dispatchEvent(new Event('afterprint')), true`)
	b.problems.check(t, "lazy charts")
}

// testLayout checks what a phone and a laptop show: at 390 px every
// table's first column, which names its rows, is on screen without
// scrolling, however wide the table, its names are not broken inside a
// word that would fit, and chart legends wrap instead of
// paging; at 1366 px no table on the governance page is cut off, and the
// main menu leads there.
func (b *testBrowser) testLayout(t *testing.T) {
	for _, p := range axePages {
		if strings.HasPrefix(p, "/embed/") {
			continue
		}
		b.open(t, p, 390)
		type result struct {
			Tables int
			Hidden []string
		}
		r := eval[result](t, b, `(function () {
			var out = {Tables: 0, Hidden: []};
			document.querySelectorAll('details').forEach(function (d) { d.open = true; });
			document.querySelectorAll('.table-wrap').forEach(function (w) {
				var table = w.querySelector('table');
				out.Tables++;
				// Scrolled to its far end, the table's first column is still in view.
				w.scrollLeft = w.scrollWidth;
				var view = w.getBoundingClientRect();
				table.querySelectorAll('tr > :first-child').forEach(function (c, i) {
					var r = c.getBoundingClientRect();
					if (i < 3 && (r.left < Math.max(view.left, 0) - 1 || r.right > Math.min(view.right, window.innerWidth) + 1)) {
						out.Hidden.push((table.caption ? table.caption.textContent : '') + ': ' + c.textContent.trim().slice(0, 40));
					}
				});
				w.scrollLeft = 0;
			});
			return out;
		})()`)
		if len(r.Hidden) > 0 {
			t.Errorf("%s at 390 px: row names out of view when a table is scrolled: %v", p, r.Hidden)
		}
		// A row name is whole: no word of it is broken across lines
		// while it would fit the widest the column may be (45vw; a longer
		// word has to break). Measured with the cell's own font.
		broken := eval[[]string](t, b, `(function () {
			var ctx = document.createElement('canvas').getContext('2d');
			return Array.from(document.querySelectorAll('.table-wrap tbody th')).filter(function (th) {
				var cs = getComputedStyle(th);
				ctx.font = cs.font;
				var avail = th.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
				return th.innerText.split(/\s+/).some(function (w) {
					var width = ctx.measureText(w).width;
					return width > avail + 1 && width <= 0.45 * window.innerWidth - 16;
				});
			}).map(function (th) { return th.innerText.trim().slice(0, 40) + ' (' + th.clientWidth + ' px)'; }).slice(0, 10);
		})()`)
		if len(broken) > 0 {
			t.Errorf("%s at 390 px: row names broken inside a word: %v", p, broken)
		}
		legends := eval[[]string](t, b, `Array.from(document.querySelectorAll('[data-chart][data-rendered="true"]')).flatMap(function (el) {
			var o = echarts.getInstanceByDom(el).getOption();
			return (o.legend || []).filter(function (l) { return l.show !== false && l.type === 'scroll'; }).map(function () { return el.id; });
		})`)
		if len(legends) > 0 {
			t.Errorf("%s at 390 px: legends in pages to scroll: %v", p, legends)
		}
	}
	b.open(t, "/governance?lang=en", 1366)
	clipped := eval[[]string](t, b, `Array.from(document.querySelectorAll('.table-wrap')).filter(function (w) {
		return w.scrollWidth > w.clientWidth + 1;
	}).map(function (w) { var c = w.querySelector('caption'); return (c ? c.textContent : '') + ': ' + w.scrollWidth + ' px in ' + w.clientWidth; })`)
	if len(clipped) > 0 {
		t.Errorf("/governance at 1366 px: tables cut off: %v", clipped)
	}
	if !eval[bool](t, b, `Array.from(document.querySelectorAll('header.site nav a')).some(function (a) {
		return a.getAttribute('href').split('?')[0] === '/governance' && a.getAttribute('aria-current') === 'page'; })`) {
		t.Error("the main menu does not lead to /governance")
	}
}
