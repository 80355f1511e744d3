package dashboard

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// testReport checks the annual report's print button and its running
// header, and prints it.
func (b *testBrowser) testReport(t *testing.T) {
	b.open(t, "/report/2025?lang=en", 1366)
	if !eval[bool](t, b, `!document.querySelector('button[data-print]').hidden`) {
		t.Error("the print button is hidden")
	}
	// Chromium keeps the page margin boxes only when it supports them.
	header := eval[string](t, b, `Array.from(document.styleSheets).flatMap(function (s) { return Array.from(s.cssRules); })
		.filter(function (r) { return r instanceof CSSPageRule; }).map(function (r) { return r.cssText; }).join('\n')`)
	for _, want := range []string{"@top-left", "OS2 annual report 2025", "@top-right", "counter(pages)"} {
		if !strings.Contains(header, want) {
			t.Errorf("the printed page's rules lack %q:\n%s", want, header)
		}
	}
	css := true
	res, err := chromedp.Call(b.ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &css})
	pdf := res.Data
	if err != nil || !strings.HasPrefix(string(pdf), "%PDF") || strings.Count(string(pdf), "/Type /Page\n")+strings.Count(string(pdf), "/Type /Page ") < 2 {
		t.Errorf("printing: %v, %d bytes", err, len(pdf))
	}
	os.WriteFile(filepath.Join(b.shots, "browser-report.pdf"), pdf, 0o644)
	b.checkPrintLayout(t)
	b.problems.check(t, "report")
	// Reloaded, the page is revalidated: the browser keeps its stored
	// copy on a 304, whose policy must still allow the copy's own print
	// style.
	if err := chromedp.Do(b.ctx, chromedp.Reload(), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	if !eval[bool](t, b, `Array.from(document.styleSheets).some(function (s) {
		return Array.from(s.cssRules).some(function (r) { return r instanceof CSSPageRule && r.cssText.indexOf('counter(pages)') >= 0; }); })`) {
		t.Error("after a reload, the print style is refused")
	}
	b.problems.check(t, "report reloaded")
}

// checkPrintLayout lays the report out as printed on A4 (182 mm between
// the margins, about 688 CSS pixels) in both languages: no table is
// wider than the page, numeric headers are aligned with their numbers,
// and the rules that keep headings and captions with their tables apply.
func (b *testBrowser) checkPrintLayout(t *testing.T) {
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print",
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}}); err != nil {
		t.Fatal(err)
	}
	defer chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "",
		Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}})
	for _, lang := range []string{"da", "en"} {
		b.open(t, "/report/2025?lang="+lang, 688)
		type layout struct {
			Tables, Clipped, Misaligned int
			Keep, Wrap, Caption         string
			Where                       []string
		}
		l := eval[layout](t, b, `(function () {
			var out = {Tables: 0, Clipped: 0, Misaligned: 0, Where: []};
			var page = document.querySelector('article.report').getBoundingClientRect().right;
			document.querySelectorAll('article.report .table-wrap').forEach(function (w) {
				out.Tables++;
				var table = w.querySelector('table');
				if (w.scrollWidth > w.clientWidth + 1 || table.getBoundingClientRect().right > page + 1) {
					out.Clipped++;
					out.Where.push(table.caption.textContent + ': ' + table.scrollWidth + ' px in ' + w.clientWidth);
				}
				var heads = table.tHead.rows[0].cells;
				Array.from(table.tBodies[0].rows).forEach(function (r) {
					Array.from(r.cells).forEach(function (c, i) {
						if (c.classList.contains('num') && getComputedStyle(heads[i]).textAlign !== 'right') {
							out.Misaligned++;
							out.Where.push(table.caption.textContent + ': header ' + heads[i].textContent);
						}
					});
				});
			});
			var keep = getComputedStyle(document.querySelector('article.report .keep'));
			var wrap = getComputedStyle(document.querySelector('article.report .table-wrap'));
			out.Keep = keep.breakInside + ' ' + keep.breakAfter;
			out.Wrap = wrap.breakInside + ' ' + wrap.overflowX;
			out.Caption = getComputedStyle(document.querySelector('article.report caption')).breakAfter;
			return out;
		})()`)
		if l.Tables < 5 || l.Clipped != 0 || l.Misaligned != 0 {
			t.Errorf("%s: %d tables, %d wider than the page, %d numeric columns with a header not aligned: %v", lang, l.Tables, l.Clipped, l.Misaligned, l.Where)
		}
		if l.Keep != "avoid avoid" || l.Wrap != "avoid visible" || l.Caption != "avoid" {
			t.Errorf("%s: printed, a heading block breaks %q, a table %q, a caption %q", lang, l.Keep, l.Wrap, l.Caption)
		}
	}
}
