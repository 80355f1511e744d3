package dashboard

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// renderCounter counts the pages a server renders rather than serves
// from its cache.
type renderCounter struct {
	mu   sync.Mutex
	keys map[string]int
}

func countRenders(srv *Server) *renderCounter {
	c := &renderCounter{keys: map[string]int{}}
	srv.onRender = func(key string) {
		c.mu.Lock()
		c.keys[key]++
		c.mu.Unlock()
	}
	return c
}

func (c *renderCounter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, k := range c.keys {
		n += k
	}
	return n
}

// TestPageCache checks hits, misses and what tells pages apart: a second
// request is served without rendering, parameters the page does not read
// and their order do not make a new page, the language does, and new
// data do.
func TestPageCache(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		f := newPageFixture(t, store)
		renders := countRenders(f.srv)
		steps := []struct {
			path    string
			header  []string
			renders int // renders so far after the request
		}{
			{"/products", nil, 1},
			{"/products", nil, 1},
			{"/products?utm_source=x&nonsense=1", nil, 1},
			{"/products?level=3&sort=name", nil, 2},
			{"/products?sort=name&level=3&junk=2", nil, 2},
			{"/products?lang=en", nil, 3},
			{"/products", []string{"Accept-Language", "en"}, 4}, // English, but links do not carry lang
			{"/products", []string{"Accept-Language", "en"}, 4},
			{"/products?lang=da", nil, 5}, // Danish, and links carry lang
			{"/products?date=2026-01-01", nil, 6},
			{"/products?date=2026-01-01&x=1", nil, 6},
		}
		var danish string
		for _, s := range steps {
			res, body := f.get(t, s.path, s.header...)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: status %d", s.path, res.StatusCode)
			}
			if got := renders.total(); got != s.renders {
				t.Errorf("%s %v: %d renders, want %d", s.path, s.header, got, s.renders)
			}
			if s.path == "/products" && s.header == nil {
				if danish == "" {
					danish = body
				} else if body != danish {
					t.Errorf("the cached copy differs from the page")
				}
			}
		}

		// New data: the page is rendered again and shows them, in the
		// place of the copy of the old data.
		before, cached := renders.total(), f.srv.pages.Len()
		_, err := store.AddContributions(context.Background(), []storage.Contribution{{
			RepositoryKey: storage.RepoKey("github.com", "OS2Forms", "os2forms"), Kind: storage.KindIssue, ExtID: "99",
			At: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Login: "erin",
		}})
		must(t, err)
		if f.srv.pages.Len() == 0 {
			t.Fatal("nothing cached before the write")
		}
		res, body := f.get(t, "/products/os2forms")
		if renders.total() != before+1 || res.StatusCode != http.StatusOK {
			t.Fatalf("after new data: %d renders, want %d", renders.total(), before+1)
		}
		if !strings.Contains(body, `<span class="key-value">4</span>`) {
			t.Error("the new contributor is not shown")
		}
		f.get(t, "/products")
		if renders.total() != before+2 {
			t.Errorf("/products after new data: %d renders, want %d", renders.total(), before+2)
		}
		if n := f.srv.pages.Len(); n != cached+1 {
			t.Errorf("%d pages cached after new data, want %d: the %d before and the new product page", n, cached+1, cached)
		}
	})
}

// TestPageCodings checks that a page is sent in the coding asked for,
// with the headers that say so, and that every coding decodes to the
// same bytes; HEAD gets the headers alone and 304 answers a held copy.
func TestPageCodings(t *testing.T) {
	f := newPageFixture(t, storagetest.New(t, "sqlite"))
	for _, path := range []string{"/", "/goals", "/embed/adoption", "/report/2025?format=csv"} {
		res, identity := f.get(t, path)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "" {
			t.Fatalf("%s: status %d, coding %q", path, res.StatusCode, res.Header.Get("Content-Encoding"))
		}
		etag := res.Header.Get("ETag")
		for _, c := range []struct{ accept, coding string }{
			{"gzip", "gzip"},
			{"gzip, deflate, br", "br"},
			{"br;q=0.5, gzip", "gzip"},
			{"br;q=0, gzip;q=0", ""},
			{"*", "br"},
			{"identity", ""},
		} {
			res, body := f.get(t, path, "Accept-Encoding", c.accept)
			h := res.Header
			if res.StatusCode != http.StatusOK || h.Get("Content-Encoding") != c.coding {
				t.Errorf("%s, Accept-Encoding %q: status %d, coding %q, want %q", path, c.accept, res.StatusCode, h.Get("Content-Encoding"), c.coding)
				continue
			}
			if !strings.Contains(h.Get("Vary"), "Accept-Encoding") || !strings.Contains(h.Get("Vary"), "Accept-Language") {
				t.Errorf("%s: Vary %q", path, h.Values("Vary"))
			}
			if h.Get("Content-Length") != strconv.Itoa(len(body)) {
				t.Errorf("%s, %s: Content-Length %q for %d bytes", path, c.coding, h.Get("Content-Length"), len(body))
			}
			if h.Get("ETag") != etag {
				t.Errorf("%s, %s: ETag %q, identity's %q", path, c.coding, h.Get("ETag"), etag)
			}
			if got := decode(t, c.coding, body); got != identity {
				t.Errorf("%s: %s decodes to %d bytes that differ from the %d sent uncoded", path, c.coding, len(got), len(identity))
			}
		}

		req := httptest.NewRequest(http.MethodHead, path, nil)
		req.Header.Set("Accept-Encoding", "br")
		rec := httptest.NewRecorder()
		f.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") == "" || rec.Header().Get("Content-Encoding") != "br" {
			t.Errorf("HEAD %s: %d, %d bytes, headers %v", path, rec.Code, rec.Body.Len(), rec.Header())
		}

		res, body := f.get(t, path, "If-None-Match", etag, "Accept-Encoding", "gzip")
		if res.StatusCode != http.StatusNotModified || body != "" || res.Header.Get("Content-Security-Policy") != "" {
			t.Errorf("%s revalidated: %d, %d bytes, CSP %q", path, res.StatusCode, len(body), res.Header.Get("Content-Security-Policy"))
		}
	}
}

// decode undoes a content coding.
func decode(t *testing.T, coding, body string) string {
	t.Helper()
	var r io.Reader = strings.NewReader(body)
	switch coding {
	case "gzip":
		zr, err := gzip.NewReader(r)
		must(t, err)
		r = zr
	case "br":
		r = brotli.NewReader(r)
	}
	var buf bytes.Buffer
	_, err := io.Copy(&buf, r)
	must(t, err)
	return buf.String()
}

// TestPageCacheLeavesErrors checks that error pages and answers that
// may not be stored are not cached: each is rendered anew.
func TestPageCacheLeavesErrors(t *testing.T) {
	f := newPageFixture(t, storagetest.New(t, "sqlite"))
	renders := countRenders(f.srv)
	for range 2 {
		res, _ := f.get(t, "/products/nosuch")
		if res.StatusCode != http.StatusNotFound || res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("ETag") != "" {
			t.Errorf("unknown product: %d, Cache-Control %q, ETag %q", res.StatusCode, res.Header.Get("Cache-Control"), res.Header.Get("ETag"))
		}
	}
	if got := renders.total(); got != 2 {
		t.Errorf("an error page was rendered %d times for 2 requests, want 2", got)
	}
	if n := f.srv.pages.Len(); n != 0 {
		t.Errorf("%d error pages cached", n)
	}
}

// TestAdminNeverCached serves /admin/ through a handler that answers
// differently each time, with a cookie: the page cache never sees it.
func TestAdminNeverCached(t *testing.T) {
	f := newPageFixture(t, storagetest.New(t, "sqlite"))
	var n atomic.Int64
	srv := New(Options{Config: f.cfg, Figures: f.calc, Now: func() time.Time { return fixtureNow },
		Admin: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.SetCookie(w, &http.Cookie{Name: "session", Value: "s", Path: "/admin/"})
			w.Header().Set("Cache-Control", "no-store")
			io.WriteString(w, "admin "+strconv.Itoa(int(n.Add(1))))
		})})
	for i := 1; i <= 2; i++ {
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/admin/", nil))
		if got := rec.Body.String(); got != "admin "+strconv.Itoa(i) || rec.Header().Get("Set-Cookie") == "" {
			t.Errorf("request %d: %q", i, got)
		}
	}
	if n := srv.pages.Len(); n != 0 {
		t.Errorf("%d pages cached after /admin/", n)
	}
}

// TestPageRenderedOnce sends sixteen requests at once for a page that
// is not cached (the cache is too small to keep it, so only sharing the
// render can spare renders): one renders it, the other fifteen wait for
// that render and send what it made.
func TestPageRenderedOnce(t *testing.T) {
	store := storagetest.New(t, "sqlite")
	f := newPageFixture(t, store)
	srv := New(Options{Config: f.cfg, Figures: f.calc, Now: func() time.Time { return fixtureNow }, PageCacheBytes: 1})
	var renders atomic.Int64
	srv.onRender = func(key string) {
		renders.Add(1)
		// Render only once all the others wait, however the scheduler
		// runs them; a second render would stop waiting at once.
		for i := 0; srv.pages.Waiting(key) < 15 && i < 10000; i++ {
			time.Sleep(time.Millisecond)
		}
	}
	var wg sync.WaitGroup
	bodies := make([]string, 16)
	for i := range 16 {
		wg.Go(func() {
			rec := httptest.NewRecorder()
			srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/goals?date=2026-06-30", nil))
			if rec.Code != http.StatusOK {
				t.Errorf("request %d: status %d", i, rec.Code)
			}
			bodies[i] = rec.Body.String()
		})
	}
	wg.Wait()
	if got := renders.Load(); got != 1 {
		t.Errorf("16 concurrent requests rendered the page %d times, want 1", got)
	}
	for i, b := range bodies {
		if b != bodies[0] || !strings.Contains(b, "</html>") {
			t.Errorf("request %d got another body", i)
		}
	}
	if n := srv.pages.Len(); n != 0 {
		t.Errorf("%d pages cached beyond the budget", n)
	}
}
