package dashboard

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"os2pulse/config"
	"os2pulse/storage"
)

// Pages are html/template files embedded in the binary. Files whose name
// starts with "_" are shared by every page (the layouts and partials such
// as "chart" and "table"); every other file is one page, named by its base
// name without ".html", and defines the templates "title" and "content".
//
//go:embed templates/*.html
var templateFiles embed.FS

// pageTemplates parses the templates once: each page is the shared
// templates plus its own file.
var pageTemplates = sync.OnceValues(func() (map[string]*template.Template, error) {
	entries, err := fs.ReadDir(templateFiles, "templates")
	if err != nil {
		return nil, err
	}
	base := template.New("").Funcs(templateFuncs)
	var pages []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "_") {
			if base, err = base.ParseFS(templateFiles, "templates/"+e.Name()); err != nil {
				return nil, err
			}
		} else {
			pages = append(pages, e.Name())
		}
	}
	out := map[string]*template.Template{}
	for _, name := range pages {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if t, err = t.ParseFS(templateFiles, "templates/"+name); err != nil {
			return nil, err
		}
		out[strings.TrimSuffix(name, ".html")] = t
	}
	return out, nil
})

// templateFuncs are the few helpers that need no language; everything
// that does is a method of view.
var templateFuncs = template.FuncMap{
	// odd lets tables stripe rows without CSS :nth-child in print.
	"odd": func(i int) bool { return i%2 == 1 },
	// add and sub lay out the report's SVG charts.
	"add": func(a ...int) int {
		n := 0
		for _, x := range a {
			n += x
		}
		return n
	},
	"sub": func(a, b int) int { return a - b },
}

// buildID changes whenever templates or static assets change, so ETags of
// pages rendered by an older build never match.
var buildID = sync.OnceValue(func() string {
	h := sha256.New()
	_ = fs.WalkDir(templateFiles, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := templateFiles.ReadFile(p)
		h.Write([]byte(p + "\x00"))
		h.Write(b)
		return nil
	})
	h.Write([]byte(assetVersion()))
	return hex.EncodeToString(h.Sum(nil))[:16]
})

// configHashes caches a fingerprint of each configuration, which pages
// also depend on (names, products, goals).
var configHashes sync.Map // *config.Config → string

func configHash(c *config.Config) string {
	if v, ok := configHashes.Load(c); ok {
		return v.(string)
	}
	b, _ := json.Marshal(c)
	sum := sha256.Sum256(b)
	h := hex.EncodeToString(sum[:8])
	configHashes.Store(c, h)
	return h
}

// view is what every page template receives as dot: the request's
// language, date and links, the layout's data, and the page's own data in
// Data. Its methods translate and format (see i18n.go) so templates write
// {{.T "key"}}, {{.Int 3}}, {{.Pct 0.724}}, {{.Link "/data"}}.
type view struct {
	Lang         string
	LangExplicit bool      // ?lang= was given; links keep it
	Date         time.Time // figures are as of this date
	DateSet      bool      // ?date= was given; links keep it
	Today        time.Time
	Path         string
	Nonce        string // per-response CSP nonce, for any inline element a page may need
	Embed        bool   // chart without page chrome, may be framed
	Standalone   bool   // a file on its own (the report): styles inline, no links to the server's assets
	Illustrative bool
	Portfolio    string
	AssetVersion string
	Status       int

	// HasCharts and HasMap decide which scripts the layout loads; chart
	// constructors set them.
	HasCharts bool
	HasMap    bool

	Data any

	cfg    *config.Config
	footer footer
}

type viewKey struct{}

// viewFrom returns the view the page wrapper stored in the context.
func viewFrom(ctx context.Context) *view {
	v, _ := ctx.Value(viewKey{}).(*view)
	return v
}

// InlineCSS is the site's style sheet for a standalone page; it is
// os2pulse's own file, never data.
func (v *view) InlineCSS() template.CSS {
	b, _ := staticFiles.ReadFile("static/style.css")
	return template.CSS(b)
}

// T translates a label.
func (v *view) T(key string) string { return translate(v.Lang, key) }

// Tf translates a label with %s verbs and fills them in.
func (v *view) Tf(key string, args ...any) string {
	return fmt.Sprintf(translate(v.Lang, key), args...)
}

// Int formats a count: 1.234 / 1,234.
func (v *view) Int(n int) string { return formatInt(v.Lang, n) }

// Pct formats a ratio as a percentage: 72,4 % / 72.4%.
func (v *view) Pct(r float64) string { return formatPercent(v.Lang, r) }

// Dec formats a number with the given decimals.
func (v *view) Dec(f float64, decimals int) string { return formatFloat(v.Lang, f, decimals) }

// ChangeInt formats the change of a count: +3 / −2 / ±0.
func (v *view) ChangeInt(d int) string { return formatChangeInt(v.Lang, d) }

// ChangePoints formats the change of a ratio in percentage points.
func (v *view) ChangePoints(d float64) string { return formatChangePoints(v.Lang, d) }

// Day formats a stored YYYY-MM-DD date.
func (v *view) Day(s string) string { return formatDay(v.Lang, s) }

// Stamp formats a stored RFC 3339 timestamp.
func (v *view) Stamp(s string) string { return formatStamp(v.Lang, s) }

// DateText formats the page's date.
func (v *view) DateText() string { return formatDate(v.Lang, v.Date) }

// DateISO is the page's date as YYYY-MM-DD.
func (v *view) DateISO() string { return storage.Day(v.Date) }

// YearAgo is the date one year before the page's date, which "change over
// the last year" compares with.
func (v *view) YearAgo() time.Time { return v.Date.AddDate(-1, 0, 0) }

// Def returns the definition with the given id in the page language:
// .Title, .Short and .Full.
func (v *view) Def(id string) map[string]string {
	d := definition(id)
	return map[string]string{"Title": d.Title.In(v.Lang), "Short": d.Short.In(v.Lang), "Full": d.Full.In(v.Lang)}
}

// Link returns p with the page's lang and date parameters when they were
// given, plus extra key/value pairs, so navigating keeps both.
func (v *view) Link(p string, kv ...string) string {
	q := url.Values{}
	if v.LangExplicit {
		q.Set("lang", v.Lang)
	}
	if v.DateSet {
		q.Set("date", v.DateISO())
	}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	if len(q) == 0 {
		return p
	}
	return p + "?" + q.Encode()
}

// DataLink returns an export link (/api/v1/…) for the page's date; unlike
// Link it always names the date, so a downloaded file says what it is, and
// never the language, which the API does not use.
func (v *view) DataLink(p string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	if q.Get("date") == "" && q.Get("to") == "" {
		q.Set("date", v.DateISO())
	}
	return p + "?" + q.Encode()
}

// OtherLang is the language the switch offers.
func (v *view) OtherLang() string {
	if v.Lang == langEN {
		return langDA
	}
	return langEN
}

// LangSwitch links the current page in the other language.
func (v *view) LangSwitch() string {
	q := url.Values{"lang": {v.OtherLang()}}
	if v.DateSet {
		q.Set("date", v.DateISO())
	}
	return v.Path + "?" + q.Encode()
}

// TodayLink links the current page without a date.
func (v *view) TodayLink() string {
	if v.LangExplicit {
		return v.Path + "?lang=" + v.Lang
	}
	return v.Path
}

// navItem is one entry of the main menu.
type navItem struct {
	Href    string
	Label   string
	Current bool
}

// Nav is the main menu. Goals and the annual report are pages of their
// own; the report links last year's, the newest complete one.
func (v *view) Nav() []navItem {
	items := []navItem{
		{v.Link("/"), v.T("nav.overview"), v.Path == "/" || strings.HasPrefix(v.Path, "/products/") || strings.HasPrefix(v.Path, "/organizations/")},
		{v.Link("/goals"), v.T("nav.goals"), strings.HasPrefix(v.Path, "/goals")},
		{v.Link("/report/" + strconv.Itoa(v.Today.Year()-1)), v.T("nav.report"), strings.HasPrefix(v.Path, "/report/")},
		{v.Link("/data"), v.T("nav.data"), strings.HasPrefix(v.Path, "/data")},
	}
	return items
}

// footer is what the layout's footer says about the data sources.
type footer struct {
	Sources []footerSource
}

type footerSource struct {
	Label     string
	Detail    string
	Collected string // formatted time of the last successful run, or ""
}

// Footer returns the footer's data.
func (v *view) Footer() footer { return v.footer }

// loadFooter reads when each source was last collected (cached per data
// version by the figures calculator).
func (s *Server) loadFooter(ctx context.Context, v *view) error {
	last, err := s.figures.LastSuccess(ctx)
	if err != nil {
		return err
	}
	collected := func(src string) string {
		if t, ok := last[src]; ok {
			return formatTime(v.Lang, t)
		}
		return ""
	}
	var f footer
	if s.cfg.Register.Adoption != "" || s.cfg.Register.Members != "" {
		f.Sources = append(f.Sources, footerSource{v.T("footer.register"), registerSourceText(s.cfg), collected("register")})
	}
	if !s.cfg.GitHub.Disabled {
		f.Sources = append(f.Sources, footerSource{v.T("footer.github"), strings.TrimSuffix(s.cfg.GitHub.APIURL, "/"), collected("github")})
	}
	if len(s.cfg.Activity) > 0 {
		f.Sources = append(f.Sources, footerSource{v.T("footer.activity"), v.Tf("footer.activity.n", v.Int(len(s.cfg.Activity))), collected("activity")})
	}
	v.footer = f
	return nil
}

// registerSourceText names the register files: only their base names for
// local files (server paths are nobody's business), whole URLs otherwise.
func registerSourceText(c *config.Config) string {
	var names []string
	for _, src := range []string{c.Register.Adoption, c.Register.Members} {
		switch {
		case src == "":
		case config.IsURL(src):
			names = append(names, src)
		default:
			names = append(names, path.Base(src))
		}
	}
	return strings.Join(names, ", ")
}

// newNonce returns a fresh random CSP nonce.
func newNonce() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawStdEncoding.EncodeToString(b)
}

// pageCSP is the Content-Security-Policy of a page: only os2pulse's own
// scripts, styles and data, nothing inline without the nonce, and framing
// only for embeds. ECharts sets element styles through the DOM, which CSP
// does not restrict, and charts.js builds tooltips as DOM nodes, so no
// 'unsafe-inline' is needed.
func pageCSP(nonce string, embed bool) string {
	frame := "'none'"
	if embed {
		frame = "*"
	}
	return "default-src 'self'; script-src 'self' 'nonce-" + nonce + "'; style-src 'self' 'nonce-" + nonce + "'; " +
		"img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " +
		"form-action 'self'; frame-ancestors " + frame
}

// setPageHeaders sets the headers every page response carries, 304s
// included: a 304 refreshes the cached response's headers, so it must not
// carry the API's stricter default CSP.
func setPageHeaders(w http.ResponseWriter, v *view) {
	h := w.Header()
	h.Set("Content-Security-Policy", pageCSP(v.Nonce, v.Embed))
	h.Set("Content-Language", v.Lang)
	h.Set("Vary", "Accept-Language")
	if !v.Embed {
		h.Set("X-Frame-Options", "DENY")
	}
}

// pageETag identifies what a page shows without rendering it: the stored
// data's version, the build, the configuration, the URL and the resolved
// language and dates. It is weak because the CSP nonce makes each body
// unique while the page is the same.
func (s *Server) pageETag(ctx context.Context, r *http.Request, v *view) (string, error) {
	ver, err := s.store.DataVersion(ctx)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%d\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s",
		ver, buildID(), configHash(s.cfg), r.URL.Path, canonicalQuery(r.URL.Query()), v.Lang,
		storage.Day(v.Date), storage.Day(v.Today))
	return `W/"` + hex.EncodeToString(h.Sum(nil))[:24] + `"`, nil
}

// canonicalQuery encodes the query with sorted keys and values, so the
// order of parameters does not change the ETag.
func canonicalQuery(q url.Values) string {
	for _, vs := range q {
		sort.Strings(vs)
	}
	return q.Encode()
}

// render writes the page template page with the layout around it, the
// page's data as .Data. It is what page handlers end with:
//
//	return s.render(w, r, "goals", goalsData{...})
func (s *Server) render(w http.ResponseWriter, r *http.Request, page string, data any) error {
	v := viewFrom(r.Context())
	if v == nil {
		return fmt.Errorf("dashboard: render %s outside a page handler", page)
	}
	v.Data = data
	if v.Status == 0 {
		v.Status = http.StatusOK
	}
	return s.write(w, r, v, page)
}

// write executes the page into a buffer first, so a template error still
// gives a clean error page, then sends it.
func (s *Server) write(w http.ResponseWriter, r *http.Request, v *view, page string) error {
	if err := s.loadFooter(r.Context(), v); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := executePage(&buf, page, v); err != nil {
		return err
	}
	setPageHeaders(w, v)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if v.Status == http.StatusOK {
		h.Set("Cache-Control", "public, max-age=60")
	} else {
		h.Set("Cache-Control", "no-store")
		h.Del("ETag")
	}
	w.WriteHeader(v.Status)
	w.Write(buf.Bytes())
	return nil
}

// executePage runs a page template inside its layout.
func executePage(w io.Writer, page string, v *view) error {
	tmpls, err := pageTemplates()
	if err != nil {
		return err
	}
	t, ok := tmpls[page]
	if !ok {
		return fmt.Errorf("dashboard: no page template %q", page)
	}
	layout := "layout"
	switch {
	case v.Embed:
		layout = "embed-layout"
	case v.Standalone:
		layout = "standalone-layout"
	}
	if err := t.ExecuteTemplate(w, layout, v); err != nil {
		return fmt.Errorf("dashboard: rendering %s: %w", page, err)
	}
	return nil
}

// specJSON marshals a chart's spec for a <script type="application/json">
// block. encoding/json escapes <, > and & as \u003c etc., so no string from
// the data can close the element, and the browser only ever JSON.parses
// it: a name like "__f__alert(1)__f__" stays a string.
func specJSON(spec chartSpec) (json.RawMessage, error) {
	b, err := json.Marshal(spec)
	if err != nil {
		return nil, fmt.Errorf("dashboard: chart option: %w", err)
	}
	return json.RawMessage(b), nil
}
