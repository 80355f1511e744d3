package dashboard

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"os2pulse/api"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

func TestPageHeaders(t *testing.T) {
	f := newPageFixture(t, storagetest.New(t, "sqlite"))
	res, _ := f.get(t, "/")
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self' 'nonce-", "style-src 'self' 'nonce-", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "http:", "https:"} {
		if strings.Contains(csp, bad) {
			t.Errorf("CSP %q allows %q", csp, bad)
		}
	}
	if res.Header.Get("Set-Cookie") != "" {
		t.Error("a page sets a cookie")
	}
	// A page is rendered once per data version and served from the
	// cache: its policy's nonce is the one its body was rendered with,
	// the same for every copy, and a new rendering has a new one.
	res2, _ := f.get(t, "/")
	if csp != res2.Header.Get("Content-Security-Policy") {
		t.Error("two copies of one cached page have different policies")
	}
	res2, _ = f.get(t, "/?lang=en")
	if csp == res2.Header.Get("Content-Security-Policy") {
		t.Error("two renderings have the same CSP nonce")
	}

	res, _ = f.get(t, "/embed/adoption")
	if csp := res.Header.Get("Content-Security-Policy"); !strings.HasSuffix(csp, "frame-ancestors *") {
		t.Errorf("embed CSP %q does not allow framing", csp)
	}
	if xfo := res.Header.Get("X-Frame-Options"); xfo != "" {
		t.Errorf("embed sends X-Frame-Options %q", xfo)
	}
}

// TestPageETag checks that a client holding the page gets 304 without the
// page being computed, and that new data or another language, date or
// path changes the tag.
func TestPageETag(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		f := newPageFixture(t, store)
		res, _ := f.get(t, "/products/os2forms")
		etag := res.Header.Get("ETag")
		if !strings.HasPrefix(etag, `W/"`) {
			t.Fatalf("ETag %q is not weak", etag)
		}
		res, body := f.get(t, "/products/os2forms", "If-None-Match", etag)
		if res.StatusCode != http.StatusNotModified || body != "" {
			t.Fatalf("revalidation: %d %q", res.StatusCode, body)
		}
		// The 304 leaves the stored policy, whose nonce is the stored
		// body's, as it is: neither a new nonce nor the API's default.
		if res.Header.Get("ETag") != etag || res.Header.Get("Cache-Control") != "public, max-age=60" ||
			res.Header.Get("Content-Security-Policy") != "" || res.Header.Get("Content-Language") != "da" {
			t.Errorf("304 headers: %v", res.Header)
		}

		for _, other := range []string{"/products/os2forms?lang=en", "/products/os2forms?date=2026-01-01", "/products/os2display"} {
			res, _ := f.get(t, other, "If-None-Match", etag)
			if res.StatusCode != http.StatusOK || res.Header.Get("ETag") == etag {
				t.Errorf("%s: status %d, ETag %s", other, res.StatusCode, res.Header.Get("ETag"))
			}
		}
		res, _ = f.get(t, "/products/os2forms", "If-None-Match", etag, "Accept-Language", "en")
		if res.StatusCode != http.StatusOK {
			t.Errorf("English by header answered %d to the Danish ETag", res.StatusCode)
		}

		// New data gives a new tag, and the page shows it.
		_, err := store.AddContributions(context.Background(), []storage.Contribution{{
			RepositoryKey: storage.RepoKey("github.com", "OS2Forms", "os2forms"), Kind: storage.KindIssue, ExtID: "99",
			At: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Login: "erin",
		}})
		must(t, err)
		res, body = f.get(t, "/products/os2forms", "If-None-Match", etag)
		if res.StatusCode != http.StatusOK || res.Header.Get("ETag") == etag {
			t.Fatalf("after new data: %d, ETag %s", res.StatusCode, res.Header.Get("ETag"))
		}
		if !strings.Contains(body, `<span class="key-value">4</span>`) {
			t.Error("the new contributor is not shown")
		}
	})
}

// TestNotModifiedComputesNothing serves the same store and configuration
// through a calculator that cannot compute the contributor figures: a
// matching If-None-Match is still answered 304, because nothing is
// computed before the ETag is compared.
func TestNotModifiedComputesNothing(t *testing.T) {
	store := storagetest.New(t, "sqlite")
	f := newPageFixture(t, store)
	res, _ := f.get(t, "/")
	etag := res.Header.Get("ETag")
	// The ETag hashes the server's configuration, which stays the same;
	// only the calculator's copy has a bot pattern that does not compile.
	broken := *f.cfg
	broken.Contributors.Bots = []string{"("}
	srv := newServer(f.cfg, figures.New(store.ReadOnly(), &broken), func() time.Time { return fixtureNow })
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("If-None-Match", etag)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Fatalf("status %d, want 304", rec.Code)
	}
	rec = httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), "Noget gik galt") {
		t.Fatalf("without If-None-Match: %d (the figures should have failed)", rec.Code)
	}
}

func TestMunicipalitiesCSV(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		f := newPageFixture(t, store)
		// The address of the first release still works.
		res, _ := f.get(t, "/data/municipalities.csv?date=2026-11-23&product=os2forms")
		if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/api/v1/municipalities.csv?date=2026-11-23&product=os2forms" {
			t.Fatalf("old address: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		res, body := f.get(t, "/api/v1/municipalities.csv?date=2026-11-23")
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("%d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if !strings.HasPrefix(body, "\uFEFF") {
			t.Errorf("no byte-order mark: %.20q", body)
		}
		lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(body, "\uFEFF")), "\n")
		if len(lines) != 99 {
			t.Fatalf("%d lines, want header + 98", len(lines))
		}
		for _, want := range []string{
			"date,municipality,name,region,products_in_production",
			"2026-11-23,101,København,Region Hovedstaden,4",
			"2026-11-23,147,Frederiksberg,Region Hovedstaden,0",
			"2026-11-23,540,Sønderborg,Region Syddanmark,2",
		} {
			if !slices.Contains(lines, want) {
				t.Errorf("no line %q", want)
			}
		}
		_, body = f.get(t, "/api/v1/municipalities.csv?date=2026-11-23&product=os2borgerpc")
		lines = strings.Split(strings.TrimSpace(strings.TrimPrefix(body, "\uFEFF")), "\n")
		for _, want := range []string{
			"date,municipality,name,region,products_in_production,product,status,since",
			"2026-11-23,101,København,Region Hovedstaden,4,os2borgerpc,production,2021-01-01",
			"2026-11-23,250,Frederikssund,Region Hovedstaden,1,os2borgerpc,production,2023-01-01",
			"2026-11-23,461,Odense,Region Syddanmark,1,os2borgerpc,pilot,2026-01-01",
			"2026-11-23,751,Aarhus,Region Midtjylland,3,os2borgerpc,,",
		} {
			if !slices.Contains(lines, want) {
				t.Errorf("no line %q", want)
			}
		}
		for _, bad := range []string{"date=nope", "product=nope"} {
			if res, _ := f.get(t, "/api/v1/municipalities.csv?"+bad); res.StatusCode != 400 {
				t.Errorf("%s: %d", bad, res.StatusCode)
			}
		}
	})
}

func TestUnknownAPIPathIsJSON(t *testing.T) {
	f := newPageFixture(t, storagetest.New(t, "sqlite"))
	res, body := f.get(t, "/api/v1/nothing")
	if res.StatusCode != 404 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") ||
		!strings.Contains(body, `"error"`) {
		t.Errorf("%d %s %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
}

// TestWrongMethodThroughTheServer: the site's routes hand every method
// of an API path to the API, so the 405's Allow is the path's own, and a
// page answers a wrong method with the page's.
func TestWrongMethodThroughTheServer(t *testing.T) {
	f := newPageFixture(t, storagetest.New(t, "sqlite"))
	for _, c := range []struct{ method, path, allow string }{
		{http.MethodPost, "/api/v1/adoption", "GET, HEAD"},
		{http.MethodPut, "/api/v1/adoption.csv", "GET, HEAD"},
		{http.MethodDelete, "/api/v1/openapi.json", "GET, HEAD"},
		{http.MethodGet, api.CollectPath, "POST"},
		{http.MethodPost, "/products", "GET, HEAD"},
	} {
		rec := httptest.NewRecorder()
		f.handler.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
		if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != c.allow {
			t.Errorf("%s %s: %d, Allow %q; want 405, Allow %q", c.method, c.path, rec.Code, rec.Header().Get("Allow"), c.allow)
		}
	}
}

func TestNotIllustrative(t *testing.T) {
	store := storagetest.New(t, "sqlite")
	f := newPageFixture(t, store)
	cfg := *f.cfg
	cfg.Portfolio.Illustrative = false
	srv := newServer(&cfg, figures.New(store.ReadOnly(), &cfg), func() time.Time { return fixtureNow })
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "Illustrative data") {
		t.Errorf("%d; banner shown without illustrative data", rec.Code)
	}
}

// TestProductAddressAsTyped: a product's id in another case is the
// product, at its one address; an address nearly a product's suggests
// it; one far from all suggests nothing.
func TestProductAddressAsTyped(t *testing.T) {
	f := newPageFixture(t, storagetest.New(t, "sqlite"))
	for _, c := range []struct {
		path, location string
	}{
		{"/products/OS2forms", "/products/os2forms"},
		{"/products/OS2FORMS?lang=en&date=2025-06-30", "/products/os2forms?lang=en&date=2025-06-30"},
	} {
		res, _ := f.get(t, c.path)
		if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != c.location {
			t.Errorf("%s: %d to %q; want 301 to %q", c.path, res.StatusCode, res.Header.Get("Location"), c.location)
		}
	}
	for _, c := range []struct {
		path, want string
	}{
		{"/products/os2form", `Mente du <a href="/products/os2forms">OS2forms</a>?`},
		{"/products/os2form?lang=en", `Did you mean <a href="/products/os2forms?lang=en">OS2forms</a>?`},
		{"/products/Os2Formss", `<a href="/products/os2forms">OS2forms</a>?`},
		{"/products/bogus", ""},
	} {
		res, body := f.get(t, c.path)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", c.path, res.StatusCode)
		}
		if c.want == "" && (strings.Contains(body, "Mente du") || strings.Contains(body, "Did you mean")) {
			t.Errorf("%s suggests something", c.path)
		}
		if c.want != "" && !strings.Contains(body, c.want) {
			t.Errorf("%s: no %q in\n%s", c.path, c.want, body)
		}
	}
}

func TestNearestProduct(t *testing.T) {
	cfg := &config.Config{Products: []config.Product{{ID: "os2forms", Name: "OS2forms"}, {ID: "os2faktor", Name: "OS2faktor"},
		{ID: "os2borgerpc", Name: "OS2borgerPC"}, {ID: "os2display", Name: "OS2display"}}}
	for typed, want := range map[string]string{
		"os2form": "os2forms", "OS2Forms": "os2forms", "os2faktr": "os2faktor", "borgerpc": "os2borgerpc",
		"os2displ": "os2display", "xyz": "", "os2": "", "os2fo": "os2forms", "kitos": "",
	} {
		p, ok := nearestProduct(cfg, typed)
		if ok != (want != "") || p.ID != want {
			t.Errorf("nearestProduct(%q) = %q, %v; want %q", typed, p.ID, ok, want)
		}
	}
}
