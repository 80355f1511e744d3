package dashboard

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/report"
	"os2pulse/storage/storagetest"
)

// TestWordsNotKeys renders every page, the annual report (on the site, as
// Markdown and as the standalone file) and the error pages in both
// languages over the hand-made portfolio, and fails on any internal key or
// id a reader would see: a snake_case or dotted key, a definition id, a
// source or result as stored, and on a Danish page an English word.
// TestExampleOffline does the same over the example, whose data end early.
func TestWordsNotKeys(t *testing.T) {
	f := newPageFixture(t, storagetest.New(t, "sqlite"))
	var all []string
	for _, p := range f.cfg.Products {
		all = append(all, p.ID)
	}
	checkSiteWords(t, site{"fixture", f.cfg, f.calc, fixtureNow, all, []string{"101", "xss", "540", "f-org"}, []string{"2025", "2026"}})
}

// site is what checkSiteWords renders: a portfolio as of now, with the
// product and organisation pages and the report years to look at.
type site struct {
	name     string
	cfg      *config.Config
	calc     *figures.Calculator
	now      time.Time
	products []string
	orgs     []string
	years    []string
}

func checkSiteWords(t *testing.T, s site) {
	t.Helper()
	h := newServer(s.cfg, s.calc, func() time.Time { return s.now }).Handler()
	paths := []string{"/", "/goals", "/data", "/report", "/nothing/here", "/products/nope", "/?date=2099-01-01", "/report/2099", "/report/1995",
		"/products", "/products?q=os2&level=3&sort=share", "/products?q=nothing-like-this", "/organizations", "/organizations?member=yes&sort=products", "/api"}
	for _, p := range s.products {
		paths = append(paths, "/products/"+p)
	}
	for _, o := range s.orgs {
		paths = append(paths, "/organizations/"+o)
	}
	for _, c := range embedNames {
		switch embedCharts[c].needs {
		case "product":
			paths = append(paths, "/embed/"+c+"?product="+s.products[0])
		case "goal":
			for _, g := range s.cfg.Goals {
				paths = append(paths, "/embed/"+c+"?goal="+g.ID)
			}
		default:
			paths = append(paths, "/embed/"+c)
		}
	}
	for _, y := range s.years {
		paths = append(paths, "/report/"+y, "/report/"+y+"?format=md")
	}
	for _, lang := range []locale.Lang{locale.DA, locale.EN} {
		for _, p := range paths {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			body, ctype := fetch(t, h, p+sep+"lang="+string(lang))
			text := body
			if strings.HasPrefix(ctype, "text/html") {
				text = readableText(body)
				checkUniqueIDs(t, p, body)
			} else {
				text = strings.ReplaceAll(body, `\`, "") // Markdown escapes
			}
			checkWords(t, s.name+" "+string(lang)+" "+p, lang, text)
		}
		// The standalone report, as "os2pulse report" writes it.
		rep, err := s.calc.ProduceReport(context.Background(), 2025, s.now)
		must(t, err)
		var buf bytes.Buffer
		must(t, report.Write(&buf, s.cfg, rep, "html", lang))
		checkWords(t, s.name+" "+string(lang)+" report file", lang, readableText(buf.String()))
	}
}

func fetch(t *testing.T, h http.Handler, path string) (body, contentType string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	b, _ := io.ReadAll(rec.Result().Body)
	if rec.Code >= 500 {
		t.Fatalf("GET %s: %d", path, rec.Code)
	}
	return string(b), rec.Header().Get("Content-Type")
}

var ariaLabel = regexp.MustCompile(`aria-label="([^"]*)"`)

// codeElement is text shown as code: parameter and column names on the
// API page, which are keys on purpose.
var codeElement = regexp.MustCompile(`(?s)<code>.*?</code>`)

// readableText is what a reader gets of a page: its text and the labels a
// screen reader reads out; code elements aside.
func readableText(page string) string {
	page = codeElement.ReplaceAllString(page, " ")
	var labels []string
	for _, m := range ariaLabel.FindAllStringSubmatch(page, -1) {
		labels = append(labels, m[1])
	}
	return visibleText(page) + " " + visibleText(strings.Join(labels, " \n "))
}

var (
	snakeKey  = regexp.MustCompile(`^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$`)
	dottedKey = regexp.MustCompile(`^[a-z]{2,}(?:\.[a-z0-9_]+)+$`)
	// Files and hosts are written with dots too.
	fileOrHost = regexp.MustCompile(`\.(?:csv|json|md|html|tsv|toml|yml|yaml|db|dk|com|eu|org|net|io)$`)
	// English words a Danish page never needs.
	englishWords = regexp.MustCompile(`\b(?:Illustrative|[Ii]ncomplete|succeeded|failed|success|failure|partial|running|production|planned|stopped|` +
		`municipality|municipalities|[Mm]embers?|suppliers?|unknown|[Ss]andbox|level|since|until|only|not found|unreachable|error|moved|` +
		`empty|on track|behind|missed|Show|Download|Overview|Goals|[Aa]nnual report|Products|the|and|of)\b`)
	// Values that figures and storage carry as keys.
	storedKeys = map[string]bool{"github": true, "success": true, "failure": true, "partial": true}
)

// checkWords fails on the keys in text, and on a Danish page on English
// words. The fixture's script payloads are data, shown as text on purpose.
func checkWords(t *testing.T, where string, lang locale.Lang, text string) {
	t.Helper()
	for _, p := range []string{xssName, xssScript, xssFunc} {
		text = strings.ReplaceAll(text, p, " ")
	}
	for _, d := range figures.Definitions {
		if strings.Contains(text, "("+d.ID+")") {
			t.Errorf("%s: shows the definition id (%s)", where, d.ID)
		}
	}
	var prose []string // the words, without addresses and file names
	for _, f := range strings.Fields(text) {
		w := strings.Trim(f, `.,;:()"'!?*|`)
		if strings.ContainsAny(w, "/@") || fileOrHost.MatchString(w) {
			continue // addresses, paths, files, e-mail
		}
		prose = append(prose, f)
		switch {
		case snakeKey.MatchString(w), dottedKey.MatchString(w), storedKeys[w]:
			t.Errorf("%s: shows the key %q", where, w)
		}
	}
	if lang == locale.DA {
		text := strings.Join(prose, " ")
		for _, m := range englishWords.FindAllStringIndex(text, -1) {
			t.Errorf("%s: English %q in %q", where, text[m[0]:m[1]], excerpt(text, m[0]))
		}
	}
}

func excerpt(s string, i int) string {
	lo, hi := max(0, i-60), min(len(s), i+60)
	return fmt.Sprintf("…%s…", s[lo:hi])
}
