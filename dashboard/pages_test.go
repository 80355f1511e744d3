package dashboard

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"os2pulse/api"
	"os2pulse/assets"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/figures/figurestest"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// The payloads the fixture's names carry.
const (
	xssName   = figurestest.XSSName
	xssScript = figurestest.XSSScript
	xssFunc   = figurestest.XSSFunc
)

// fixtureNow is "today" in the page tests.
var fixtureNow = figurestest.Now

// pageFixture is a server over figurestest's portfolio.
type pageFixture struct {
	store   *storage.Store
	cfg     *config.Config
	calc    *figures.Calculator
	srv     *Server
	handler http.Handler
}

func newPageFixture(t testing.TB, store *storage.Store) *pageFixture {
	t.Helper()
	f := figurestest.Portfolio(t, store)
	srv := newServer(f.Config, f.Figures, func() time.Time { return fixtureNow })
	return &pageFixture{store: store, cfg: f.Config, calc: f.Figures, srv: srv, handler: srv.Handler()}
}

// newServer is a server with the API, as serve builds it, at a fixed
// time.
func newServer(cfg *config.Config, calc *figures.Calculator, now func() time.Time) *Server {
	return New(Options{Config: cfg, Figures: calc, Now: now,
		API: api.New(api.Options{Config: cfg, Figures: calc, Now: now})})
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// get requests path with optional header pairs and returns the response
// and its body.
func (f *pageFixture) get(t testing.TB, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// The escaped forms html/template writes for the payloads.
const (
	xssNameEscaped   = `&lt;img src=x onerror=alert(1)&gt;`
	xssScriptEscaped = `&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;`
)

func TestPages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		f := newPageFixture(t, store)
		tests := []struct {
			name   string
			path   string
			header []string
			status int
			lang   string
			want   []string
		}{
			{"overview da", "/", nil, 200, "da", []string{
				`<html lang="da">`, "<h1>Overblik over OS2-porteføljen</h1>",
				`<span class="key-label">Medlemmer</span>`, `<span class="key-value">8</span>`, "&#43;1 siden 23. november 2025",
				`<span class="key-label">Produkter i drift</span>`, `<span class="key-value">7</span>`, "af 13 produkter i porteføljen", "±0 siden 23. november 2025",
				`<span class="key-value">37,5 %</span>`, "3 af 8 medlemmer", "−5,4 procentpoint siden 23. november 2025",
				`<span class="key-value">4,1 %</span>`, "OS2forms: 4 af 98 kommuner", "−1,0 procentpoint siden 23. november 2025",
				`<span class="key-value">3</span>`, "personer med bidrag de seneste 90 dage", "&#43;2 siden 23. november 2025",
				`id="adoption-spec"`, `<div class="mapsvg-drawing" id="map-chart" data-svg-chart><svg `, `<title>København: 4 produkter i drift</title>`, `id="distribution-spec"`, `id="threeplus-spec"`, `id="contributors-spec"`, `id="contributor-series-spec"`,
				`href="/api/v1/adoption.csv?date=2026-11-23"`, `href="/api/v1/members.csv?date=2026-11-23"`,
				`href="/api/v1/series/members.csv?from=2023-11-23&amp;step=month&amp;to=2026-11-23"`,
				`href="/api/v1/municipalities.csv?date=2026-11-23"`,
				html.EscapeString(assets.MapAttributionDA), "Eksempeldata",
				`<script src="/static/charts.js?v=` + assets.Version() + `" data-echarts="/static/echarts.min.js?v=` + assets.Version() + `" defer></script>`,
				`<a href="/report">Årsrapport</a>`, `<a href="/goals">Mål</a>`, `id="governance-spec"`,
				`href="/api/v1/series/governance.csv?from=2023-11-23&amp;step=month&amp;to=2026-11-23"`,
				`max="2026-11-23"`,
				`<th scope="row"><a href="/organizations/101">København</a></th><td>Region Hovedstaden</td><td class="num">4</td>`,
			}},
			{"overview en by header", "/", []string{"Accept-Language", "en-GB,en;q=0.9,da;q=0.5"}, 200, "en", []string{
				`<html lang="en">`, "<h1>Overview of the OS2 portfolio</h1>", "&#43;1 since 23 November 2025",
				`<span class="key-value">37.5%</span>`, "−5.4 percentage points since 23 November 2025",
				"OS2forms: 4 of the 98 municipalities", html.EscapeString(assets.MapAttributionEN),
			}},
			{"overview en with date", "/?lang=en&date=2025-11-23", nil, 200, "en", []string{
				`<span class="key-value">7</span>`, `<span class="key-value">42.9%</span>`, "3 of 7 members",
				`<input type="date" id="date" name="date" value="2025-11-23"`, `<input type="hidden" name="lang" value="en">`,
				`href="/data?date=2025-11-23&amp;lang=en"`, `<a href="/products/os2forms?date=2025-11-23&amp;lang=en">OS2forms</a>`,
				`href="/?date=2025-11-23&amp;lang=da"`, `<a href="/?lang=en">Today</a>`,
			}},
			{"product", "/products/os2forms", nil, 200, "da", []string{
				"<h1>OS2forms</h1>", "Governance-niveau 3", "Fokusprodukt",
				`<span class="key-value">5</span>`, "4 kommuner, 4 medlemmer, 5 i alt",
				`<span class="key-value">4,1 %</span>`,
				`<span class="key-label">Koncentration</span>`, `<span class="key-value">1</span>`, "personer står for halvdelen af 5 bidrag",
				`<th scope="row"><a href="/organizations/xss">` + xssNameEscaped + `</a></th>`,
				xssScriptEscaped + " __f__alert(1)__f__ " + xssNameEscaped,
				`<a href="https://github.com/OS2Forms/os2forms">OS2Forms/os2forms</a>`,
				`<td class="num">6</td><td class="num">1</td>`, // commits (bots included), pull requests
				`id="adoption-series-spec"`, `<div class="mapsvg-drawing" id="product-map-chart" data-svg-chart>`, `id="affiliation-spec"`, `id="product-contributor-series-spec"`,
				`href="/api/v1/series/adoption.csv?from=2023-11-23&amp;product=os2forms&amp;step=month&amp;to=2026-11-23"`,
				`<td>findes ikke</td>`,
			}},
			{"product pilots", "/products/os2borgerpc?lang=en", nil, 200, "en", []string{
				"<h1>OS2borgerPC</h1>", "1 pilot, 0 planned (not counted)",
				`<caption>Pilot: OS2borgerPC</caption>`, `<a href="/organizations/461?lang=en">Odense</a>`,
				`<a href="/organizations/250?lang=en">Frederikssund</a>`,
			}},
			{"organization municipality", "/organizations/101", nil, 200, "da", []string{
				"<h1>København</h1>", "<dd>101</dd>", "<dd>Region Hovedstaden</dd>", "Medlem af OS2 pr. 23. november 2026",
				`<span class="key-value">4</span>`, `<a href="/products/os2mo">OS2mo</a>`, "1. maj 2022",
			}},
			{"organization xss", "/organizations/xss?lang=en", nil, 200, "en", []string{
				"<h1>" + xssNameEscaped + "</h1>", "<title>" + xssNameEscaped + " – os2pulse</title>", "OS2 member as of 23 November 2026",
				`<span class="key-value">3</span>`,
			}},
			{"organization former member", "/organizations/540?lang=en", nil, 200, "en", []string{
				"Not an OS2 member as of 23 November 2026", "<td>1 January 2026</td>",
			}},
			{"data", "/data", nil, 200, "da", []string{
				"<h1>Data, definitioner og kvalitet</h1>", figures.ActiveContributorsDefinitionDA[:60],
				`<a href="/api/v1/adoption?date=2026-11-23">/api/v1/adoption</a>`,
				`<a href="/api/v1/series/contributors.csv?from=2023-11-23&amp;step=month&amp;to=2026-11-23&amp;window_days=90">`,
				`<a href="/api/v1/collector">/api/v1/collector</a>`,
				`<a href="https://github.com/OS2Forms/gone">OS2Forms/gone</a>`, "<td>repositoriet findes ikke siden 23. november 2026 kl. 07.00 CET</td><td>23. november 2026</td>",
				`<th scope="row">GitHub</th>`, "<td>delvist gennemført</td><td>Elementer, der fejlede: 1; detaljer i loggen og /api/v1/collector.</td>",
				`<th scope="row">Adoptionsregister</th>`,
				`produktet &#34;os2gone&#34; findes ikke i konfigurationen`,
				`<a href="/organizations/f-org">__f__alert(1)__f__</a>`, `<a href="/organizations/860">Hjørring</a>`,
			}},
			{"overview goals", "/?lang=en", nil, 200, "en", []string{
				`<h2 id="goals-h">The board&#39;s goals</h2>`,
				`<a href="/goals?lang=en#goal-os2borgerpc-spread">OS2borgerPC in production in 15 municipalities</a> <span class="status status-behind">behind</span>`,
				`<span class="goal-value">2 of 15 by 31 December 2026.</span> <span class="goal-pace">At this pace: 2 of 15 by 31 December 2026.</span>`,
				`<span class="goal-value">37.5% of 35.0% by 31 December 2027.</span> <span class="goal-pace">The target is reached.</span>`,
				`The figures may be reused under the licence: <a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>`,
				`<a href="/products?lang=en">Products</a>`, `<a href="/organizations?lang=en">Municipalities and organisations</a>`, `<a href="/api?lang=en">Open API</a>`,
				// The three classes of the map and its legend's title.
				`<p class="legend-title">Products in production</p>`, `fill="#f0f0f0" stroke="#555555"/></svg> none</li>`,
				`fill="#4f8fc9" stroke="#555555"/></svg> 1–2</li>`, `fill="#08306b" stroke="#555555"/></svg> 3 or more</li>`,
				// A click on a bar or a product's name opens its page.
				`"OS2forms":"/products/os2forms?lang=en"`, `"triggerEvent":true`, `data-href="/organizations/101?lang=en"`,
				// The distribution has its own caption, not the three-or-more one.
				`<h2 id="distribution-h">Members by number of products in production</h2>
  <p class="def">The members on the date by how many distinct products each runs in production`,
				`href="/api/v1/adoption.csv?date=2026-11-23&amp;sep=semicolon" download>CSV for Danish Excel</a>`,
				`data-download="adoption-chart" data-filename="os2pulse-adoption-2026-11-23.png" data-title="Adoption per product"`,
				`&lt;iframe src=&#34;http://example.com/embed/adoption?lang=en&#34; title=&#34;Adoption per product&#34; width=&#34;100%&#34; height=&#34;680&#34;`,
			}},
			{"goals with their pace", "/goals", nil, 200, "da", []string{
				`<p class="pace">I dette tempo: 2 af 15 den 31. december 2026. Målet nås ikke i dette tempo. Nødvendigt pr. måned fra nu: &#43;10,4 (tempoet nu: ±0,0 pr. måned).</p>`,
				`<p class="pace">Målet er nået.</p>`,
				`<span class="key-label">Hvor linjen til målet er i dag</span>`,
				`<h3 id="goal-chart-os2forms-spread-h">Udvikling mod målet</h3>`, `<h2 id="goal-os2forms-spread-h">OS2forms i 60 kommuner`,
				`<section class="card chart-card" aria-labelledby="goal-chart-os2forms-spread-h goal-os2forms-spread-h">`,
				`<h3 id="goal-os2borgerpc-spread-next-h">Hvem kan blive de næste</h3>`,
				`<th scope="row"><a href="/organizations/461">Odense</a></th><td>har produktet som pilot</td>`,
				`href="/api/v1/series/goal.csv?date=2026-11-23&amp;goal=os2borgerpc-spread"`,
				`href="/api/v1/prospects.csv?date=2026-11-23&amp;goal=os2borgerpc-spread"`,
				`"name":"Målværdi på fristen"`, `"name":"Fremskrivning i dette tempo"`,
			}},
			{"catalogue", "/products", nil, 200, "da", []string{
				"<h1>Produkter</h1>", `<p class="count" id="catalogue-count" aria-live="polite" data-template="Viser {shown} af {total} produkter">Viser 13 af 13 produkter</p>`,
				`<a href="/products/os2forms" class="name">OS2forms</a>`,
				`<span class="desc">Digitale selvbetjeningsløsninger og formularer til borgere og virksomheder</span>`,
				`<a href="https://github.com/OS2Forms">github.com/OS2Forms</a> · <a href="https://os2.eu/produkt/os2forms">Hjemmeside</a> · <a href="mailto:os2@os2.eu">Kontakt</a>`,
				`<td>Governance-niveau 3</td>
    <td>Fokusprodukt</td>
    <td class="num">5</td>
    <td class="num">4,1 %</td>`,
				`<td class="num">3</td>`, // OS2forms's active contributors, complete
				`aria-label="Organisationer i drift: 4 i november 2023, 5 i november 2026"`,
				`<th scope="col" aria-sort="ascending"><a href="/products?sort=name" data-sort="name" data-dir="ascending">Produkt</a></th>`,
				`<script src="/static/tables.js?v=`, xssScriptEscaped,
			}},
			{"lookup", "/organizations?lang=en", nil, 200, "en", []string{
				"<h1>Municipalities and organisations</h1>", "Showing 101 of 101",
				`<th scope="row"><a href="/organizations/751?lang=en">Aarhus</a></th>
    <td class="num">751</td>
    <td>municipality</td>
    <td>Region Midtjylland</td>
    <td>yes</td>
    <td><a href="/products/os2forms?lang=en">OS2forms</a>, <a href="/products/os2display?lang=en">OS2display</a>, <a href="/products/os2iot?lang=en">OS2iot</a></td>`,
				`<a href="/organizations/xss?lang=en">` + xssNameEscaped + `</a>`,
			}},
			{"API page", "/api?lang=en", nil, 200, "en", []string{
				"<h1>Open API</h1>", `<h3 id="ep-adoption-h"><code>GET /api/v1/adoption</code></h3>`,
				`<a href="/api/v1/adoption?date=2026-11-23"><code>/api/v1/adoption?date=2026-11-23</code></a>`,
				`<a href="/api/v1/series/goal?date=2026-11-23&amp;goal=three-plus">`,
				`<tr><th scope="row"><code>window_days</code></th><td>no</td><td>The active-contributor window in days (1–3650). Default: the configuration&#39;s.</td></tr>`,
				`<a href="/api/v1/openapi.json">/api/v1/openapi.json</a>`, `<section class="card" id="license"`,
				`<code>POST /api/v1/collect</code>`, `<dt id="def-projection">Projection of a goal</dt>`,
			}},
			{"embed of a goal", "/embed/goal?goal=os2borgerpc-spread&lang=en", nil, 200, "en", []string{
				`<h1 id="goal-chart-os2borgerpc-spread-h">OS2borgerPC in production in 15 municipalities</h1>`,
				`<section class="card chart-card" aria-labelledby="goal-chart-os2borgerpc-spread-h">`,
				`The figures may be reused under the licence: <a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>`,
				`<a href="/goals?lang=en#goal-os2borgerpc-spread" target="_blank" rel="noopener">`,
			}},
			{"embed of a product's map", "/embed/product-map?product=os2borgerpc", nil, 200, "da", []string{`<h1 id="product-map-h">Kommuner med OS2borgerPC</h1>`,
				`<p class="legend-title">Status</p>`, `<title>Aarhus: ikke i brug</title>`}},
			{"embed without its product", "/embed/product-map", nil, 404, "da", []string{"Produktet &#34;&#34; findes ikke i porteføljen."}},
			{"embed of an unknown goal", "/embed/goal?goal=nope&lang=en", nil, 404, "en", []string{"There is no goal &#34;nope&#34; in the configuration."}},
			{"reports", "/report", nil, 200, "da", []string{"<h1>Årsrapporter</h1>", `<a href="/report/2026">OS2 årsrapport 2026</a> (foreløbig: året er ikke slut)`,
				`<a href="/report/2018">OS2 årsrapport 2018</a>`, `<a href="/report" aria-current="page">Årsrapport</a>`}},
			{"reports en", "/report?lang=en", nil, 200, "en", []string{`<a href="/report/2025?lang=en">OS2 annual report 2025</a>`}},
			{"embed adoption", "/embed/adoption?lang=en", nil, 200, "en", []string{
				`<body class="embed">`, `id="adoption-spec"`, "Illustrative data", "See the full overview on os2pulse",
			}},
			{"embed map", "/embed/map", nil, 200, "da", []string{`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 500 `,
				`role="img" aria-label="Danmarkskort over de 98 kommuner farvet efter antal produkter i drift;`, `data-href="/organizations/101"><title>København: 4 produkter i drift</title>`,
				`<p class="legend-title">Produkter i drift</p>`, html.EscapeString(assets.MapAttributionDA)}},
			{"embed members", "/embed/members", nil, 200, "da", []string{`id="distribution-spec"`}},
			{"unknown product", "/products/nope", nil, 404, "da", []string{"<h1>Siden findes ikke</h1>", "Produktet &#34;nope&#34; findes ikke i porteføljen."}},
			{"unknown product xss", "/products/%3Cimg%20src=x%20onerror=alert(1)%3E?lang=en", nil, 404, "en", []string{"There is no product &#34;" + xssNameEscaped + "&#34; in the portfolio."}},
			{"unknown organization", "/organizations/999?lang=en", nil, 404, "en", []string{"<h1>Page not found</h1>", "The organisation &#34;999&#34; is not known."}},
			{"unknown chart", "/embed/pie", nil, 404, "da", []string{"Diagrammet &#34;pie&#34; findes ikke. Kendte diagrammer: adoption, map, members, threeplus, contributors, contributor-series, governance, product-adoption, product-map, product-affiliation, product-contributors, goal."}},
			{"unknown path", "/nothing/here", nil, 404, "da", []string{"Adressen /nothing/here findes ikke."}},
			{"bad date", "/?date=2026-13-01", nil, 400, "da", []string{"<h1>Forkert forespørgsel</h1>", "Datoen &#34;2026-13-01&#34; kan ikke bruges"}},
			{"bad date product", "/products/os2forms?date=1900-01-01&lang=en", nil, 400, "en", []string{"<h1>Bad request</h1>"}},
			{"date after today", "/?date=2026-11-24", nil, 400, "da", []string{"<h1>Forkert forespørgsel</h1>",
				"Datoen 24. november 2026 ligger efter i dag (23. november 2026). Der findes ingen tal om fremtiden."}},
			{"date after today en", "/goals?date=2027-01-01&lang=en", nil, 400, "en", []string{"The date 1 January 2027 is after today (23 November 2026). There are no figures about the future."}},
			{"report of a year to come", "/report/2027", nil, 404, "da", []string{"<h1>Siden findes ikke</h1>",
				"Årsrapporten for 2027 kan dannes fra 1. januar 2027, som foreløbig rapport, og endelig fra 1. januar 2028."}},
			{"report before the first record", "/report/2017?lang=en", nil, 404, "en", []string{"There is no data for 2017: the first record is from 1 January 2018."}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res, body := f.get(t, tt.path, tt.header...)
				if res.StatusCode != tt.status {
					t.Fatalf("status %d, want %d\n%s", res.StatusCode, tt.status, body)
				}
				if got := res.Header.Get("Content-Language"); got != tt.lang {
					t.Errorf("Content-Language %q, want %q", got, tt.lang)
				}
				if got := res.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
					t.Errorf("Content-Type %q", got)
				}
				if got := res.Header.Get("Vary"); got != "Accept-Language, Accept-Encoding" {
					t.Errorf("Vary %q", got)
				}
				for _, w := range tt.want {
					if !strings.Contains(body, w) {
						t.Errorf("body lacks %q", w)
					}
				}
				checkEscaped(t, body)
				checkChartBlocks(t, body)
				checkUniqueIDs(t, tt.path, body)
				if tt.status == 200 {
					if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=60" {
						t.Errorf("Cache-Control %q", cc)
					}
					if res.Header.Get("ETag") == "" {
						t.Error("no ETag")
					}
				} else if cc := res.Header.Get("Cache-Control"); cc != "no-store" || res.Header.Get("ETag") != "" {
					t.Errorf("error page: Cache-Control %q, ETag %q", cc, res.Header.Get("ETag"))
				}
				if !strings.Contains(body, `<main id="main"`) || !strings.HasSuffix(strings.TrimSpace(body), "</html>") {
					t.Error("page is not a whole page")
				}
			})
		}
	})
}

// checkEscaped fails if a payload appears unescaped, i.e. as markup.
func checkEscaped(t *testing.T, body string) {
	t.Helper()
	for _, p := range []string{xssName, xssScript, "<script>alert"} {
		if strings.Contains(body, p) {
			t.Errorf("payload %q appears unescaped", p)
		}
	}
}

var idAttr = regexp.MustCompile(`\sid="([^"]+)"`)

// checkUniqueIDs fails on an element id used twice: a heading's id names
// a section, and a duplicate makes the name wrong.
func checkUniqueIDs(t *testing.T, where, body string) {
	t.Helper()
	seen := map[string]bool{}
	for _, m := range idAttr.FindAllStringSubmatch(body, -1) {
		if seen[m[1]] {
			t.Errorf("%s: id %q is used twice", where, m[1])
		}
		seen[m[1]] = true
	}
}

var specBlock = regexp.MustCompile(`(?s)<script type="application/json" id="([^"]+)">(.*?)</script>`)

// checkChartBlocks parses every chart's JSON the way charts.js does and
// checks that each has a container pointing at it.
func checkChartBlocks(t *testing.T, body string) {
	t.Helper()
	for _, m := range specBlock.FindAllStringSubmatch(body, -1) {
		var spec struct {
			Option map[string]any `json:"option"`
			Format string         `json:"format"`
			Lang   string         `json:"lang"`
		}
		if err := json.Unmarshal([]byte(m[2]), &spec); err != nil {
			t.Errorf("chart %s: JSON: %v", m[1], err)
			continue
		}
		if len(spec.Option) == 0 || spec.Format == "" || spec.Lang == "" {
			t.Errorf("chart %s: incomplete spec %s", m[1], m[2][:min(len(m[2]), 200)])
		}
		if !strings.Contains(body, `data-chart="`+m[1]+`"`) {
			t.Errorf("chart %s has no container", m[1])
		}
		if strings.Contains(m[2], "formatter") {
			t.Errorf("chart %s: option carries a formatter; charts.js adds them", m[1])
		}
	}
}

// TestChartJSONKeepsPayloadsAsData checks the adoption chart's category
// holding the product name with the payloads: escaped in the page, and
// exactly the name again once parsed.
func TestChartJSONKeepsPayloadsAsData(t *testing.T) {
	f := newPageFixture(t, storagetest.New(t, "sqlite"))
	_, body := f.get(t, "/")
	var raw string
	for _, m := range specBlock.FindAllStringSubmatch(body, -1) {
		if m[1] == "adoption-spec" {
			raw = m[2]
		}
	}
	if !strings.Contains(raw, `Skade\u003c/script\u003e\u003cscript\u003ealert(1)\u003c/script\u003e__f__alert(1)__f__`) {
		t.Fatalf("adoption spec does not hold the escaped name: %s", raw)
	}
	var spec struct {
		Option struct {
			YAxis []struct {
				Data []string `json:"data"`
			} `json:"yAxis"`
		} `json:"option"`
	}
	must(t, json.Unmarshal([]byte(raw), &spec))
	if got := spec.Option.YAxis[0].Data; !slices.Contains(got, "Skade"+xssScript+xssFunc) {
		t.Errorf("categories %q lack the product name", got)
	}
}
