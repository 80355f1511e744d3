package dashboard

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"os2pulse/api"
	"os2pulse/figures/figurestest"
	"os2pulse/locale"
	"os2pulse/metrics"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// What a product's collected data say (contributions and GitHub), in
// JSON, in CSV and in /metrics: for a product never collected, each must
// be null, an empty cell or no sample; the register's figures (adopters)
// are known and may be 0.
var (
	collectedKeys = map[string]bool{"active_contributors": true, "by_affiliation": true, "contributions": true, "concentration": true,
		"contributor_concentration": true, "organizational_diversity": true, "time_to_first_response": true, "release_cadence": true,
		"backlog": true, "repository_hygiene": true}
	collectedColumns = map[string]bool{"active_contributors": true, "member": true, "supplier": true, "unknown": true,
		"concentration_persons": true, "organizations": true, "largest_organization_share": true,
		"first_response_opened": true, "first_response_responded": true, "first_response_waiting": true,
		"first_response_median_seconds": true, "first_response_p90_seconds": true, "releases": true, "days_since_last_release": true,
		"backlog_open": true, "backlog_open_issues": true, "backlog_open_pull_requests": true, "backlog_median_age_days": true,
		"hygiene_repositories": true, "licensed": true, "readme": true, "contributing": true, "code_of_conduct": true,
		"security": true, "publiccode": true}
	collectedMetrics = []string{"os2pulse_product_active_contributors", "os2pulse_product_contributor_concentration_persons",
		"os2pulse_product_contributing_organizations", "os2pulse_product_largest_organization_ratio",
		"os2pulse_product_first_response", "os2pulse_product_awaiting_first_response", "os2pulse_product_releases",
		"os2pulse_product_last_release_age_seconds", "os2pulse_product_open_items", "os2pulse_product_hygiene_repositories"}
	collectedDefinitions = map[string]bool{"active_contributors": true, "contributor_concentration": true, "organizational_diversity": true,
		"time_to_first_response": true, "release_cadence": true, "backlog": true, "repository_hygiene": true}
)

// TestUnknownIsNeverZero walks every page, API endpoint (JSON and CSV),
// /metrics and every report format of the fixture, whose products other
// than OS2forms have never been collected, and finds no 0 for what is
// not known of them: null, an empty cell, no sample, "–" or "not
// collected" instead.
func TestUnknownIsNeverZero(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		f := figurestest.Portfolio(t, store)
		now := func() time.Time { return figurestest.Now }
		apiHandler := api.New(api.Options{Config: f.Config, Figures: f.Figures, Now: now})
		reg := prometheus.NewPedanticRegistry()
		reg.MustRegister(metrics.NewCollector(f.Figures, slog.New(slog.DiscardHandler)))
		h := New(Options{Config: f.Config, Figures: f.Figures, Now: now, API: apiHandler,
			Metrics: promhttp.HandlerFor(reg, promhttp.HandlerOpts{})}).Handler()

		cov, err := f.Figures.ContributorCoverage(ctx)
		must(t, err)
		uncollected := map[string]string{} // id → name
		for _, p := range f.Config.Products {
			if cov.Product(p.ID).IsZero() {
				uncollected[p.ID] = p.Name
			}
		}
		if len(uncollected) != len(f.Config.Products)-1 || uncollected["os2forms"] != "" {
			t.Fatalf("uncollected %v: want every product but os2forms", uncollected)
		}
		some := []string{"os2display", "os2borgerpc"} // asked for by name where an endpoint takes one

		// The API, JSON and CSV, every endpoint.
		for _, e := range apiHandler.Endpoints() {
			queries := []url.Values{{}}
			for _, p := range e.Params {
				switch {
				case p.Name == "product":
					queries = nil
					for _, id := range some {
						queries = append(queries, url.Values{"product": {id}})
					}
					if !p.Required {
						queries = append(queries, url.Values{})
					}
				case p.Name == "goal" && p.Required:
					queries = nil
					for _, g := range f.Config.Goals {
						queries = append(queries, url.Values{"goal": {g.ID}})
					}
				}
			}
			for _, q := range queries {
				path := e.Path + "?" + q.Encode()
				var doc any
				must(t, json.Unmarshal([]byte(get(t, h, path)), &doc))
				checkJSONUnknown(t, path, doc, uncollected, "")
				checkCSVUnknown(t, e.Path+".csv?"+q.Encode(), get(t, h, e.Path+".csv?"+q.Encode()), uncollected, "product")
			}
		}

		// /metrics: no sample.
		for _, line := range strings.Split(get(t, h, "/metrics"), "\n") {
			for _, name := range collectedMetrics {
				if !strings.HasPrefix(line, name) {
					continue
				}
				for id := range uncollected {
					if strings.Contains(line, `product="`+id+`"`) {
						t.Errorf("/metrics: %s", line)
					}
				}
			}
		}

		// The pages, in both languages.
		for _, lang := range []locale.Lang{locale.DA, locale.EN} {
			q := "?lang=" + string(lang)
			labels := []string{lang.T("product.active"), lang.T("product.concentration"), lang.T("health.concentration"),
				lang.T("health.diversity"), lang.T("health.response"), lang.T("health.releases"), lang.T("health.backlog"),
				lang.T("health.hygiene")}
			for _, id := range some {
				body := get(t, h, "/products/"+id+q)
				for _, label := range labels {
					key := keyFigureText(t, body, label)
					if value := strings.Fields(strings.TrimPrefix(key, label))[0]; value != "–" {
						t.Errorf("/products/%s%s: %q shows %q, want –", id, q, label, key)
					}
				}
				for _, chart := range []string{"affiliation", "product-contributor-series"} {
					checkNoBars(t, "/products/"+id+q, body, chart, nil)
				}
				for _, embed := range []string{"product-affiliation", "product-contributors"} {
					path := "/embed/" + embed + q + "&product=" + id
					b := get(t, h, path)
					for _, m := range specBlock.FindAllStringSubmatch(b, -1) {
						checkNoBars(t, path, b, strings.TrimSuffix(m[1], "-spec"), nil)
					}
				}
			}
			// The catalogue's contributor column.
			body := get(t, h, "/products"+q)
			for id, name := range uncollected {
				row := regexp.MustCompile(`(?s)<tr[^>]*>\s*<th[^>]*>.*?href="/products/` + regexp.QuoteMeta(id) + `[?"].*?</tr>`).FindString(body)
				cells := regexp.MustCompile(`<td class="num[^"]*">([^<]*)</td>`).FindAllStringSubmatch(row, -1)
				if len(cells) == 0 || strings.TrimSpace(cells[len(cells)-1][1]) != "–" {
					t.Errorf("/products%s: %s (%s) row %q, want – for its contributors", q, id, name, visibleText(row))
				}
			}
			// The overview's contributor chart: no bar.
			body = get(t, h, "/"+q)
			checkNoBars(t, "/"+q, body, "contributors", uncollected)
			// The goals page: every goal is about the register here, so it
			// says nothing of contributors; it must still render.
			get(t, h, "/goals"+q)

			// The report, every format.
			for _, year := range []string{"2025", "2026"} {
				path := "/report/" + year + q
				md := get(t, h, path+"&format=md")
				for _, section := range strings.Split(md, "\n## ")[1:] {
					title, _, _ := strings.Cut(section, "\n")
					if title != lang.T("report.contributors") && title != lang.T("report.health") {
						continue
					}
					for _, line := range strings.Split(section, "\n") {
						cells := strings.Split(line, "|")
						if len(cells) < 3 {
							continue
						}
						for _, name := range uncollected {
							if strings.TrimSpace(cells[1]) != name {
								continue
							}
							for _, c := range cells[2:] {
								if c := strings.TrimSpace(c); c == "0" || strings.HasPrefix(c, "0 ") {
									t.Errorf("%s&format=md, %s: %q", path, title, line)
								}
							}
						}
					}
				}
				checkReportCSV(t, path+"&format=csv", get(t, h, path+"&format=csv"), uncollected)
				var doc any
				must(t, json.Unmarshal([]byte(get(t, h, path+"&format=json")), &doc))
				checkJSONUnknown(t, path+"&format=json", doc, uncollected, "")
				html := visibleText(get(t, h, path+"&format=html"))
				if !strings.Contains(html, lang.T("health.notcollected")) {
					t.Errorf("%s&format=html does not say %q", path, lang.T("health.notcollected"))
				}
			}
		}
	})
}

// checkJSONUnknown walks a JSON answer: inside an object about a product
// never collected (its "id" or "product"), every key of collected data
// must be null.
func checkJSONUnknown(t *testing.T, what string, v any, uncollected map[string]string, product string) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		for _, k := range []string{"id", "product"} {
			if s, ok := x[k].(string); ok && uncollected[s] != "" {
				product = s
			}
		}
		for k, val := range x {
			if product != "" && collectedKeys[k] && val != nil {
				t.Errorf("%s: %s of %s is %v, want null", what, k, product, val)
			}
			checkJSONUnknown(t, what, val, uncollected, product)
		}
	case []any:
		for _, val := range x {
			checkJSONUnknown(t, what, val, uncollected, product)
		}
	}
}

// checkCSVUnknown reads a CSV answer: in a row about a product never
// collected (its column product), every column of collected data is
// empty.
func checkCSVUnknown(t *testing.T, what, body string, uncollected map[string]string, productColumn string) {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("%s: %v", what, err)
	}
	col := -1
	for i, h := range rows[0] {
		if h == productColumn {
			col = i
		}
	}
	if col < 0 {
		return
	}
	for _, row := range rows[1:] {
		if uncollected[row[col]] == "" {
			continue
		}
		for i, h := range rows[0] {
			if collectedColumns[h] && row[i] != "" {
				t.Errorf("%s: %s of %s is %q, want an empty cell", what, h, row[col], row[i])
			}
		}
	}
}

// checkReportCSV: the report's rows of collected data about a product
// never collected have empty value, previous and change.
func checkReportCSV(t *testing.T, what, body string, uncollected map[string]string) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader([]byte(strings.TrimPrefix(body, "\ufeff")))).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("%s: %v", what, err)
	}
	idx := map[string]int{}
	for i, h := range rows[0] {
		idx[h] = i
	}
	n := 0
	for _, row := range rows[1:] {
		if !collectedDefinitions[row[idx["definition"]]] || uncollected[row[idx["subject"]]] == "" {
			continue
		}
		n++
		for _, c := range []string{"value", "previous", "change"} {
			if row[idx[c]] != "" {
				t.Errorf("%s: %s of %s (%s) is %q, want an empty cell", what, c, row[idx["subject"]], row[idx["definition"]], row[idx[c]])
			}
		}
	}
	if n == 0 {
		t.Errorf("%s: no row about a product never collected", what)
	}
}

// checkNoBars reads a chart's spec: every value of every series is no
// value ("-"); with names, only the categories named (a bar chart of
// products, categories on the y axis).
func checkNoBars(t *testing.T, what, body, id string, names map[string]string) {
	t.Helper()
	for _, m := range specBlock.FindAllStringSubmatch(body, -1) {
		if m[1] != id+"-spec" {
			continue
		}
		var spec struct {
			Option struct {
				XAxis []struct {
					Data []string `json:"data"`
				} `json:"xAxis"`
				YAxis []struct {
					Data []string `json:"data"`
				} `json:"yAxis"`
				Series []struct {
					Data []struct {
						Value any `json:"value"`
					} `json:"data"`
				} `json:"series"`
			} `json:"option"`
		}
		must(t, json.Unmarshal([]byte(m[2]), &spec))
		var cats []string
		for _, a := range append(spec.Option.XAxis, spec.Option.YAxis...) {
			if len(a.Data) > 0 {
				cats = a.Data
			}
		}
		wanted := map[string]bool{}
		for _, n := range names {
			wanted[n] = true
		}
		seen := 0
		for _, s := range spec.Option.Series {
			for i, d := range s.Data {
				if names != nil && (i >= len(cats) || !wanted[cats[i]]) {
					continue
				}
				seen++
				if d.Value != "-" { // ECharts' empty value: no bar
					t.Errorf("%s: chart %s has %v for %v, want no bar", what, id, d.Value, cats[min(i, len(cats)-1)])
				}
			}
		}
		if seen == 0 {
			t.Errorf("%s: chart %s has nothing about the products never collected", what, id)
		}
		return
	}
	t.Errorf("%s: no chart %s", what, id)
}
