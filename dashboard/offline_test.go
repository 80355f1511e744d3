package dashboard

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"os2pulse/figures"
	"os2pulse/figures/figurestest"
	"os2pulse/storage"
)

// TestExampleOffline serves the built-in example as "make run" without
// internet does: the register and the four commit histories, which end on
// 18 November 2025, are read, and GitHub cannot be reached. No page may
// show the missing data as a 0 or as a drop, and every page says it in
// words (see TestWordsNotKeys).
func TestExampleOffline(t *testing.T) {
	ctx := context.Background()
	store, cfg := figurestest.Example(t, "sqlite")
	// What the collector records when GitHub cannot be reached.
	run, err := store.StartRun(ctx, "github", "test")
	must(t, err)
	run.Result, run.Message = storage.RunFailure, "collector: GitHub unreachable: dial tcp: lookup api.github.com: no such host"
	must(t, store.FinishRun(ctx, run))
	repos, err := store.Repositories(ctx, "")
	must(t, err)
	var keys []string
	for _, r := range repos {
		keys = append(keys, r.Key)
	}
	must(t, store.RepositoriesFailing(ctx, keys, storage.RepoUnreachable, run.Message))

	h := newServer(cfg, figures.New(store.ReadOnly(), cfg), func() time.Time { return figurestest.ExampleClock }).Handler()

	// What the data reach, from the API: the headline must show this.
	var last figures.Contributors
	must(t, json.Unmarshal([]byte(get(t, h, "/api/v1/contributors?date=2025-11-18")), &last))
	if n, ok := last.PortfolioActiveContributors.Get(); !last.PortfolioComplete || !ok || n == 0 {
		t.Fatalf("on 18 November 2025 the portfolio figure is %+v; want a complete, non-zero figure", last)
	}
	var today figures.Contributors
	must(t, json.Unmarshal([]byte(get(t, h, "/api/v1/contributors")), &today))
	if today.PortfolioComplete || today.PortfolioCoveredUntil.String() != "2025-11-18" {
		t.Fatalf("today the portfolio figure is complete %v up to %s; want incomplete up to 2025-11-18", today.PortfolioComplete, today.PortfolioCoveredUntil)
	}

	for _, tt := range []struct {
		path, label, lastDate, reach, yearBefore string
	}{
		{"/", "Aktive bidragydere i porteføljen", "18. november 2025", "data kun til og med 18. november 2025", "siden 18. november 2024"},
		{"/?lang=en", "Active contributors in the portfolio", "18 November 2025", "data only up to 18 November 2025", "since 18 November 2024"},
		{"/?date=2025-12-31&lang=en", "Active contributors in the portfolio", "18 November 2025", "data only up to 18 November 2025", "since 18 November 2024"},
	} {
		body := get(t, h, tt.path)
		key := keyFigureText(t, body, tt.label)
		value := strings.TrimSpace(strings.TrimPrefix(key, tt.label))
		value, _, _ = strings.Cut(value, " ")
		// The headline is the last complete date's figure, and says so.
		n, _ := last.PortfolioActiveContributors.Get()
		if value != strconv.Itoa(n) ||
			!strings.Contains(key, tt.lastDate) || !strings.Contains(key, tt.reach) || !strings.Contains(key, tt.yearBefore) {
			t.Errorf("%s: headline %q; want %d on %s, %q, compared with a year before it", tt.path, key, n, tt.lastDate, tt.reach)
		}
		// The series stops where the data end: no point after 18
		// November 2025 has a value, so nothing drops to 0.
		dates, values := seriesValues(t, body, "contributor-series")
		lastValue := -1.0
		for i, d := range dates {
			switch v := values[i].(type) {
			case float64:
				if d > "2025-11-18" {
					t.Errorf("%s: the series has %v on %s, after the data end", tt.path, v, d)
				}
				lastValue = v
			case string:
				if v != "-" || d <= "2025-11-18" {
					t.Errorf("%s: point %s is %q", tt.path, d, v)
				}
			}
		}
		if lastValue <= 0 {
			t.Errorf("%s: the series' last value is %v, want the last known count", tt.path, lastValue)
		}
	}

	// A product page's headline is its count on the last date the data
	// reach, with that date, never the partial count of today.
	var forms figures.Contributors
	must(t, json.Unmarshal([]byte(get(t, h, "/api/v1/contributors?date=2025-11-18&product=os2forms")), &forms))
	n, ok := forms.Products[0].ActiveContributors.Get()
	if !ok || n == 0 {
		t.Fatalf("os2forms on 18 November 2025: %+v, want a known, non-zero count", forms.Products[0])
	}
	body := get(t, h, "/products/os2forms?lang=en")
	key := keyFigureText(t, body, "Active contributors")
	if !strings.HasPrefix(key, "Active contributors "+strconv.Itoa(n)+" ") || !strings.Contains(key, "Note: data only up to 18 November 2025") ||
		!strings.Contains(key, "on 18 November 2025, the last date with complete data") {
		t.Errorf("product key figure %q, want %d on 18 November 2025", key, n)
	}
	// So is the concentration beside it: how few persons made half of the
	// contributions on that date.
	on := keyFigureText(t, get(t, h, "/products/os2forms?lang=en&date=2025-11-18"), "Concentration")
	value, _, _ := strings.Cut(strings.TrimPrefix(on, "Concentration "), " ")
	key = keyFigureText(t, body, "Concentration")
	if value == "" || value == "–" || !strings.HasPrefix(key, "Concentration "+value+" ") ||
		!strings.Contains(key, "on 18 November 2025, the last date with complete data") {
		t.Errorf("product concentration %q, want its value on 18 November 2025 (%q)", key, on)
	}
	if !strings.Contains(visibleText(body), "The line stops at 31 October 2025: data only up to 18 November 2025.") {
		t.Error("the product's series does not say where it stops")
	}

	// /data says in words which repositories fail, since when and how far
	// their data reach; the raw error stays out.
	body = get(t, h, "/data?lang=en")
	text := visibleText(body)
	for _, want := range []string{"OS2Forms/os2forms GitHub could not be reached since 15 January 2026, 10:30 CET 18 November 2025",
		"failed Failing since 15 January 2026, 10:30 CET; details in the log and /api/v1/collector."} {
		if !strings.Contains(text, want) {
			t.Errorf("/data lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(body, "no such host") {
		t.Error("/data shows the raw error")
	}

	// Five days on, without a new reading of the register, its figures
	// are as registered on 15 January.
	later := newServer(cfg, figures.New(store.ReadOnly(), cfg), func() time.Time { return figurestest.ExampleClock.AddDate(0, 0, 5) }).Handler()
	for _, p := range []string{"/", "/products/os2forms", "/organizations/751"} {
		if text := visibleText(get(t, later, p)); !strings.Contains(text, "Brug og medlemskab som registreret den 15. januar 2026: registret er ikke læst siden.") {
			t.Errorf("%s five days later does not say the register is of 15 January", p)
		}
	}
	if body := get(t, later, "/api/v1/adoption"); !strings.Contains(body, `"registered_on": "2026-01-15"`) {
		t.Errorf("/api/v1/adoption five days later: %.300s", body)
	}
	if text := visibleText(get(t, h, "/")); strings.Contains(text, "som registreret") {
		t.Error("the register note shows on the day the register was read")
	}

	// Every page in words, with the data ending early: complete,
	// incomplete and no data, failing repositories, dated levels.
	checkSiteWords(t, site{"example", cfg, figures.New(store.ReadOnly(), cfg), figurestest.ExampleClock,
		[]string{"os2forms", "os2compliance", "os2mo"}, []string{"751", "101"}, []string{"2025"}})
}

// keyFigureText returns the visible text of the key figure with label.
func keyFigureText(t *testing.T, body, label string) string {
	t.Helper()
	for _, li := range regexp.MustCompile(`(?s)<li class="key[^"]*">(.*?)</li>`).FindAllStringSubmatch(body, -1) {
		if strings.Contains(li[1], `<span class="key-label">`+label+`</span>`) {
			return visibleText(li[1])
		}
	}
	t.Fatalf("no key figure %q", label)
	return ""
}

// visibleText is what a page shows as text: tags and script and style
// blocks gone, entities read, runs of space one space. A plain scan: the
// tests read many pages, under the race detector.
func visibleText(page string) string {
	var b strings.Builder
	for len(page) > 0 {
		i := strings.IndexByte(page, '<')
		if i < 0 {
			b.WriteString(page)
			break
		}
		b.WriteString(page[:i])
		b.WriteByte(' ')
		page = page[i:]
		end := ">"
		for _, block := range []string{"script", "style"} {
			if strings.HasPrefix(page, "<"+block) {
				end = "</" + block + ">"
			}
		}
		j := strings.Index(page, end)
		if j < 0 {
			break
		}
		page = page[j+len(end):]
	}
	return strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
}

// seriesValues reads a line chart's categories and first series from its
// JSON block.
func seriesValues(t *testing.T, body, id string) (dates []string, values []any) {
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
				Series []struct {
					Data []struct {
						Value any `json:"value"`
					} `json:"data"`
				} `json:"series"`
			} `json:"option"`
		}
		must(t, json.Unmarshal([]byte(m[2]), &spec))
		for _, d := range spec.Option.Series[0].Data {
			values = append(values, d.Value)
		}
		return spec.Option.XAxis[0].Data, values
	}
	t.Fatalf("no chart %s", id)
	return nil, nil
}

func get(t *testing.T, h http.Handler, path string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	b, _ := io.ReadAll(rec.Result().Body)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, rec.Code, b)
	}
	return string(b)
}
