package dashboard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"os2pulse/civil"
	"os2pulse/figures/figurestest"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestCensusBrowser opens an organisation's census page in headless
// chromium, as serve mounts it: without JavaScript it shows the
// register's records, refuses a wrong date with the message next to the
// field and in a summary linking to it, and saves a good answer. Every
// state passes axe-core with no violation in both languages at 1366 and
// 390 px; no payload in the organisation's name runs, and nothing is
// fetched from another host.
func TestCensusBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	execPath := chromiumPath(t)
	axe := axeSource(t)
	store := storagetest.New(t, "sqlite")
	ts := httptest.NewServer(adminServer(t, store, "correct horse battery"))
	defer ts.Close()
	base, _ := url.Parse(ts.URL)
	// The organisation "xss" is named with a script payload.
	const token = "CensusBrowserTestTok01"
	sum := sha256.Sum256([]byte(token))
	today := civil.Today(figurestest.Now)
	err := store.CreateCensus(context.Background(), storage.Census{ID: "c-browser", Name: "Census 2027", Opens: today.AddDays(-1), Closes: today.AddDays(30)},
		[]storage.CensusInvitation{{OrganizationID: "xss", TokenHash: hex.EncodeToString(sum[:])}})
	if err != nil {
		t.Fatal(err)
	}

	shots := os.Getenv("OS2PULSE_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	bctx := newBrowser(t, execPath, 4*time.Minute)
	b := &testBrowser{ctx: bctx, base: ts.URL, shots: shots, problems: &browserProblems{}}
	dialogs := chromedp.Events(bctx, page.JavascriptDialogOpening)
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
		for ev, err := range requests {
			if err != nil {
				return
			}
			if u, err := url.Parse(ev.Request.URL); err != nil || (u.Scheme != "data" && u.Host != base.Host) {
				b.problems.add(&b.problems.requests, ev.Request.URL)
			}
		}
	}()
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// The page has no script, and its Content-Security-Policy (no
	// script-src under default-src 'none') would refuse one: everything
	// below works without JavaScript.
	for _, width := range []int64{1366, 390} {
		for _, lang := range []string{"da", "en"} {
			path := "/census/" + token + "?lang=" + lang
			what := fmt.Sprintf("%s at %d px", path, width)
			b.open(t, path, width)
			if n := eval[int](t, b, `document.scripts.length`); n != 0 {
				t.Errorf("%s: %d scripts", what, n)
			}
			if n := eval[int](t, b, `document.querySelectorAll('input[name="r0.answer"]').length`); n != 3 {
				t.Fatalf("%s: %d answers for the first record", what, n)
			}
			if eval[bool](t, b, `document.body.scrollWidth > window.innerWidth`) {
				t.Errorf("%s: the page scrolls sideways", what)
			}
			b.axe(t, axe, what)
			b.screenshot(t, fmt.Sprintf("census-%s-%d", lang, width))

			// A wrong date: the message next to the field and in the
			// summary, which links to the field.
			run("wrong date", chromedp.Click(chromedp.CSS(`input[name="r0.answer"][value="change"]`)),
				chromedp.SetValue(chromedp.CSS("#r0-until"), "31/12/2026"),
				chromedp.Click(chromedp.CSS("#census-submit")), chromedp.WaitVisible(chromedp.CSS("#errors")))
			if n := eval[int](t, b, `document.querySelectorAll('#r0-until-error').length + document.querySelectorAll('#errors a[href="#r0-until"]').length`); n != 2 {
				t.Errorf("%s: the wrong date is not shown at its field and in the summary", what)
			}
			if !eval[bool](t, b, `document.querySelector('#r0-until').getAttribute('aria-invalid') === 'true' && document.querySelector('#r0-until').getAttribute('aria-describedby').includes('r0-until-error')`) {
				t.Errorf("%s: the field does not name its error", what)
			}
			b.axe(t, axe, what+" with errors")
			b.screenshot(t, fmt.Sprintf("census-errors-%s-%d", lang, width))

			run("good answer", chromedp.SetValue(chromedp.CSS("#r0-until"), "31-12-2026"),
				chromedp.SetValue(chromedp.CSS("#contact-name"), "Bo Hansen"), chromedp.SetValue(chromedp.CSS("#contact-email"), "bo@example.dk"),
				chromedp.Click(chromedp.CSS("#census-submit")), chromedp.WaitVisible(chromedp.CSS("#census-saved")))
			if eval[bool](t, b, `document.body.innerText.includes('bo@example.dk')`) {
				t.Errorf("%s: the saved page shows the contact", what)
			}
			b.axe(t, axe, what+" saved")
			b.problems.check(t, what)
		}
	}
	// The secretariat's census pages pass axe too, the review with the
	// answer just given.
	run("login", chromedp.Navigate(ts.URL+"/admin/login?lang=en"), chromedp.WaitVisible(chromedp.CSS("#password")),
		chromedp.SetValue(chromedp.CSS("#name"), "anna"), chromedp.SetValue(chromedp.CSS("#password"), "correct horse battery"),
		chromedp.Submit(chromedp.CSS("#password")), chromedp.WaitVisible(chromedp.CSS("#register-status")))
	for _, width := range []int64{1366, 390} {
		for _, p := range []string{"/admin/census", "/admin/census/c-browser", "/admin/census/c-browser/answer/xss"} {
			for _, lang := range []string{"da", "en"} {
				path := p + "?lang=" + lang
				what := fmt.Sprintf("%s at %d px", path, width)
				b.open(t, path, width)
				b.axe(t, axe, what)
				b.problems.check(t, what)
			}
			b.screenshot(t, fmt.Sprintf("%s-%d", strings.ReplaceAll(strings.Trim(p, "/"), "/", "-"), width))
		}
	}
	answers, err := store.CensusAnswers(context.Background(), "c-browser")
	if err != nil || len(answers) != 1 || !strings.Contains(answers[0].Items, `"until":"2026-12-31"`) {
		t.Errorf("stored %+v %v", answers, err)
	}
}

// axe runs axe-core on the page and fails on any violation.
func (b *testBrowser) axe(t *testing.T, axe, what string) {
	t.Helper()
	// Injected through the debugger protocol, which the page's
	// Content-Security-Policy does not govern.
	if !eval[bool](t, b, `typeof axe !== 'undefined'`) {
		eval[bool](t, b, axe+"\n;true")
	}
	type violation struct {
		ID, Impact, Help string
		Nodes            []struct {
			HTML string
		}
	}
	res := eval[struct {
		Violations []violation
		Passes     int
	}](t, b, `axe.run(document).then(function (r) { return {violations: r.violations, passes: r.passes.length}; })`,
		chromedp.EvalAwaitPromise, chromedp.EvalAsValue)
	if res.Passes < 10 {
		t.Errorf("%s: axe passed only %d rules; did it run?", what, res.Passes)
	}
	for _, v := range res.Violations {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprintf("%.160s", n.HTML))
		}
		t.Errorf("%s: %s (%s): %s\n\t%s", what, v.ID, v.Impact, v.Help, strings.Join(where, "\n\t"))
	}
}
