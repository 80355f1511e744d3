package dashboard

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"os2pulse/storage"
)

func TestCatalogueComplete(t *testing.T) {
	for key, m := range catalogue {
		if m.da == "" || m.en == "" {
			t.Errorf("%s: da %q, en %q", key, m.da, m.en)
		}
		if strings.Count(m.da, "%") != strings.Count(m.en, "%") {
			t.Errorf("%s: the two languages take different arguments: %q / %q", key, m.da, m.en)
		}
	}
	for _, d := range Definitions {
		for _, s := range []string{d.Title.DA, d.Title.EN, d.Short.DA, d.Short.EN, d.Full.DA, d.Full.EN} {
			if s == "" {
				t.Errorf("definition %s lacks a text", d.ID)
			}
		}
	}
}

// Literal keys in the templates ({{.T "key"}}, {{$.Tf "key" …}}) and in Go
// code (v.T("key"), v.Tf("key", …), translate(lang, "key")).
var (
	templateKey = regexp.MustCompile(`\.Tf? "([^"]+)"`)
	goKey       = regexp.MustCompile(`(?:\.Tf?\(|translate\([a-zA-Z.]+, )"([^"]+)"`)
)

// TestEveryLabelTranslated checks that every key used is in the catalogue,
// including those built from a prefix and a stored value.
func TestEveryLabelTranslated(t *testing.T) {
	used := map[string]string{}
	files, _ := filepath.Glob("templates/*.html")
	goFiles, _ := filepath.Glob("*.go")
	for _, f := range append(files, goFiles...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		re := goKey
		if strings.HasSuffix(f, ".html") {
			re = templateKey
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			// A prefix such as "status." + status is checked below.
			if !strings.HasSuffix(m[1], ".") {
				used[m[1]] = f
			}
		}
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys; is the pattern right?", len(used))
	}
	// Keys built from stored values.
	for _, s := range []string{storage.StatusProduction, storage.StatusPilot, storage.StatusPlanned, storage.StatusStopped, "none"} {
		used["status."+s] = "statuses"
	}
	for _, s := range []string{storage.StatusProduction, storage.StatusPilot, storage.StatusPlanned} {
		used["product.who."+s] = "adopter tables"
	}
	for _, k := range []string{storage.KindMunicipality, storage.KindRegion, storage.KindState, storage.KindOther} {
		used["kind."+k] = "kinds"
	}
	for _, r := range []string{storage.RepoOK, storage.RepoEmpty, storage.RepoNotFound, storage.RepoUnavailable, storage.RepoMoved, storage.RepoError} {
		used["repo."+r] = "repository statuses"
	}
	for _, r := range []string{storage.RunRunning, storage.RunSuccess, storage.RunPartial, storage.RunFailure} {
		used["run."+r] = "run results"
	}
	for key, where := range used {
		if _, ok := catalogue[key]; !ok {
			t.Errorf("%s uses %q, which is not in the catalogue", where, key)
		}
	}
}

func TestNumberFormats(t *testing.T) {
	tests := []struct {
		name   string
		got    func(lang string) string
		da, en string
	}{
		{"int", func(l string) string { return formatInt(l, 1234567) }, "1.234.567", "1,234,567"},
		{"small int", func(l string) string { return formatInt(l, 98) }, "98", "98"},
		{"negative int", func(l string) string { return formatInt(l, -1234) }, "-1.234", "-1,234"},
		{"float", func(l string) string { return formatFloat(l, 1234.56, 1) }, "1.234,6", "1,234.6"},
		{"percent", func(l string) string { return formatPercent(l, 0.724) }, "72,4 %", "72.4%"},
		{"percent of 98", func(l string) string { return formatPercent(l, 4.0/98) }, "4,1 %", "4.1%"},
		{"percent zero", func(l string) string { return formatPercent(l, 0) }, "0,0 %", "0.0%"},
		{"percent all", func(l string) string { return formatPercent(l, 1) }, "100,0 %", "100.0%"},
		{"percent tiny negative", func(l string) string { return formatPercent(l, -0.0001) }, "0,0 %", "0.0%"},
		{"change up", func(l string) string { return formatChangeInt(l, 1200) }, "+1.200", "+1,200"},
		{"change down", func(l string) string { return formatChangeInt(l, -2) }, "−2", "−2"},
		{"change none", func(l string) string { return formatChangeInt(l, 0) }, "±0", "±0"},
		{"points up", func(l string) string { return formatChangePoints(l, 0.021) }, "+2,1 procentpoint", "+2.1 percentage points"},
		{"points down", func(l string) string { return formatChangePoints(l, 0.375-3.0/7) }, "−5,4 procentpoint", "−5.4 percentage points"},
		{"points rounding to none", func(l string) string { return formatChangePoints(l, -0.0004) }, "±0,0 procentpoint", "±0.0 percentage points"},
		{"date", func(l string) string { return formatDate(l, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)) }, "23. november 2026", "23 November 2026"},
		{"date May", func(l string) string { return formatDay(l, "2024-05-01") }, "1. maj 2024", "1 May 2024"},
		{"day of stamp", func(l string) string { return formatDay(l, "2024-05-01T10:00:00Z") }, "1. maj 2024", "1 May 2024"},
		{"no day", func(l string) string { return formatDay(l, "") }, "", ""},
		{"bad day", func(l string) string { return formatDay(l, "soon") }, "soon", "soon"},
		{"stamp", func(l string) string { return formatStamp(l, "2026-11-23T12:05:00Z") }, "23. november 2026 kl. 12.05 UTC", "23 November 2026, 12:05 UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got(langDA); got != tt.da {
				t.Errorf("da: %q, want %q", got, tt.da)
			}
			if got := tt.got(langEN); got != tt.en {
				t.Errorf("en: %q, want %q", got, tt.en)
			}
		})
	}
}

func TestChooseLang(t *testing.T) {
	tests := []struct {
		query, header string
		lang          string
		explicit      bool
	}{
		{"", "", "da", false},
		{"", "en", "en", false},
		{"", "en-US,en;q=0.9", "en", false},
		{"", "EN-gb", "en", false},
		{"", "da, en;q=0.8", "da", false},
		{"", "da-DK;q=0.5, en-GB;q=0.8", "en", false},
		{"", "de-DE,de;q=0.9,en;q=0.5", "en", false},
		{"", "en;q=0.3,da;q=0.7", "da", false},
		{"", "en;q=0.5,da;q=0.5", "en", false},
		{"", "fr", "da", false},
		{"", "en;q=0", "da", false},
		{"", "en;q=abc", "da", false},
		{"", "*", "da", false},
		{"lang=en", "da", "en", true},
		{"lang=da", "en", "da", true},
		{"lang=fr", "en", "en", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/?"+tt.query, nil)
		if tt.header != "" {
			r.Header.Set("Accept-Language", tt.header)
		}
		lang, explicit := chooseLang(r)
		if lang != tt.lang || explicit != tt.explicit {
			t.Errorf("?%s Accept-Language %q: %s %v, want %s %v", tt.query, tt.header, lang, explicit, tt.lang, tt.explicit)
		}
	}
}

func TestLinksKeepLangAndDate(t *testing.T) {
	day := time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		v                        view
		link, data, other, today string
	}{
		{view{Lang: "da", Date: day, Path: "/data"}, "/products/a", "/api/v1/x?date=2025-01-31", "/data?lang=en", "/data"},
		{view{Lang: "en", LangExplicit: true, Date: day, DateSet: true, Path: "/"}, "/products/a?date=2025-01-31&lang=en",
			"/api/v1/x?date=2025-01-31", "/?date=2025-01-31&lang=da", "/?lang=en"},
	}
	for _, tt := range tests {
		if got := tt.v.Link("/products/a"); got != tt.link {
			t.Errorf("Link: %q, want %q", got, tt.link)
		}
		if got := tt.v.DataLink("/api/v1/x"); got != tt.data {
			t.Errorf("DataLink: %q, want %q", got, tt.data)
		}
		if got := tt.v.LangSwitch(); got != tt.other {
			t.Errorf("LangSwitch: %q, want %q", got, tt.other)
		}
		if got := tt.v.TodayLink(); got != tt.today {
			t.Errorf("TodayLink: %q, want %q", got, tt.today)
		}
	}
}
