package dashboard

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axePages are the pages axe checks: every kind of page the site has.
var axePages = []string{"/", "/products", "/products/os2forms", "/organizations", "/organizations/101", "/goals", "/governance", "/data", "/api",
	"/report", "/report/2025", "/embed/map", "/embed/goal?goal=three-plus", "/nothing"}

// testAxe runs axe-core on every page in both languages at 1366 and
// 390 px, with every table and embed code open, and fails on any
// violation, whatever its impact.
func (b *testBrowser) testAxe(t *testing.T, axe string) {
	for _, width := range []int64{1366, 390} {
		for _, lang := range []string{"da", "en"} {
			for _, p := range axePages {
				sep := "?"
				if strings.Contains(p, "?") {
					sep = "&"
				}
				path := p + sep + "lang=" + lang
				b.open(t, path, width)
				eval[bool](t, b, `document.querySelectorAll('details').forEach(function (d) { d.open = true; }), true`)
				// What the page itself did is checked before axe runs: the
				// page's Content-Security-Policy may refuse a style axe
				// injects, which is axe's business, not the site's.
				b.problems.check(t, fmt.Sprintf("%s at %d px", path, width))
				if !eval[bool](t, b, `typeof axe !== 'undefined'`) {
					eval[bool](t, b, axe+"\n;true")
				}
				type node struct {
					Target []any `json:"target"`
					HTML   string
				}
				type violation struct {
					ID, Impact, Help string
					Nodes            []node
				}
				vs := eval[[]violation](t, b, `axe.run(document, {resultTypes: ['violations']}).then(function (r) { return r.violations; })`,
					chromedp.EvalAwaitPromise, chromedp.EvalAsValue)
				for _, v := range vs {
					var where []string
					for i, n := range v.Nodes {
						if i == 3 {
							where = append(where, fmt.Sprintf("and %d more", len(v.Nodes)-3))
							break
						}
						where = append(where, fmt.Sprintf("%v %.120s", n.Target, n.HTML))
					}
					t.Errorf("%s at %d px: %s (%s): %s\n\t%s", path, width, v.ID, v.Impact, v.Help, strings.Join(where, "\n\t"))
				}
				b.problems.forget()
			}
		}
	}
}
