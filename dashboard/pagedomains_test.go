package dashboard

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// domainPages are a request of every page route, by its pattern (the
// embed route once per chart), and of every API endpoint (added from the
// API's own list).
var domainPages = map[string][]string{
	"GET /{$}":                {"/", "/?date=2026-06-30"},
	"GET /products":           {"/products"},
	"GET /products/{id}":      {"/products/os2forms"},
	"GET /organizations":      {"/organizations"},
	"GET /organizations/{id}": {"/organizations/101"},
	"GET /api":                {"/api"},
	"GET /data":               {"/data"},
	"GET /goals":              {"/goals"},
	"GET /governance":         {"/governance"},
	"GET /report":             {"/report"},
	"GET /report/{year}":      {"/report/2025", "/report/2026?format=csv"},
	"GET /embed/{chart}":      nil, // every chart, below
}

// domainWrites is one write in each data domain, each changing what some
// page shows.
var domainWrites = []struct {
	domain figures.Domains
	write  func(ctx context.Context, s *storage.Store) error
}{
	{figures.DomainRegister, func(ctx context.Context, s *storage.Store) error {
		_, err := s.ImportRegister(ctx, storage.Register{Source: "t2", SHA256: "t2",
			Members: []storage.Membership{
				{OrganizationID: "101", Since: civil.MustParse("2018-01-01")},
				{OrganizationID: "751", Since: civil.MustParse("2018-01-01")},
			},
			Adoptions: []storage.AdoptionRecord{
				{OrganizationID: "101", ProductID: "os2forms", Status: storage.StatusProduction, Since: civil.MustParse("2019-01-01")},
				{OrganizationID: "751", ProductID: "os2display", Status: storage.StatusPilot, Since: civil.MustParse("2026-02-01")},
			}})
		return err
	}},
	{figures.DomainRepositories, func(ctx context.Context, s *storage.Store) error {
		return s.SetRepositoryStatus(ctx, storage.RepoKey("github.com", "OS2Forms", "os2forms"), storage.RepoNotFound, "404 Not Found", "")
	}},
	{figures.DomainActivity, func(ctx context.Context, s *storage.Store) error {
		_, err := s.AddContributions(ctx, []storage.Contribution{
			{RepositoryKey: storage.RepoKey("github.com", "OS2Forms", "os2forms"), Kind: storage.KindCommit, ExtID: "new1",
				At: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), Login: "erin", Email: "erin@aarhus.dk"},
			{RepositoryKey: storage.RepoKey("github.com", "OS2Forms", "os2forms"), Kind: storage.KindCommit, ExtID: "new2",
				At: time.Date(2025, 3, 20, 10, 0, 0, 0, time.UTC), Login: "frank", Email: "frank@magenta.dk"},
		})
		return err
	}},
	{figures.DomainRuns, func(ctx context.Context, s *storage.Store) error {
		s.SetClock(func() time.Time { return fixtureNow.Add(time.Hour) })
		run, err := s.StartRun(ctx, config.SourceRegister, "test")
		if err != nil {
			return err
		}
		run.Result = storage.RunSuccess
		return s.FinishRun(ctx, run)
	}},
}

// nonces are the CSP nonces of a page, which differ in every rendering.
var nonces = regexp.MustCompile(`nonce(-|=")[^"']+`)

// TestPageDomains checks the domains each page and endpoint declares it
// reads. After a write in each domain in turn, every page and answer is
// asked for again: one that does not declare the domain must come from
// the cache (not rendered again, same ETag), and whatever is sent must be
// what a server that never cached anything sends, so a declaration that
// leaves out a domain the page reads shows as a stale page; and a client
// holding the page from before the write gets 304 only if it is still
// the same page.
func TestPageDomains(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		f := newPageFixture(t, store)
		renders := countRenders(f.srv)

		// Every page route has requests here, and every API endpoint.
		reads := map[string]figures.Domains{}
		for pattern, paths := range domainPages {
			d, ok := f.srv.pageReads[pattern]
			if !ok {
				if paths != nil {
					t.Errorf("%s is not a page route", pattern)
				}
				continue
			}
			for _, p := range paths {
				reads[p] = d
			}
		}
		for pattern, d := range f.srv.pageReads {
			if _, ok := domainPages[pattern]; !ok {
				t.Errorf("page %s has no request in domainPages: its declared domains are not checked", pattern)
			}
			if pattern == "GET /embed/{chart}" {
				for _, name := range embedNames {
					path := "/embed/" + name
					switch embedCharts[name].needs {
					case "product":
						path += "?product=os2forms"
					case "goal":
						path += "?goal=" + f.cfg.Goals[0].ID
					}
					reads[path] = d
				}
			}
		}
		for _, e := range f.srv.api.Endpoints() {
			if e.Reads == 0 {
				t.Errorf("%s declares no domains it reads", e.Path)
				continue
			}
			if e.Path == "/api/v1/collector" {
				continue // not cached: it says what runs now
			}
			q, ok := f.srv.api.Example(e, civil.Of(fixtureNow))
			if !ok {
				continue
			}
			reads[e.Path+"?"+q.Encode()] = e.Reads
			reads[e.Path+".csv?"+q.Encode()] = e.Reads
		}

		type held struct{ etag, body string }
		before := map[string]held{}
		for path := range reads {
			res, body := f.get(t, path)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: status %d", path, res.StatusCode)
			}
			before[path] = held{res.Header.Get("ETag"), nonces.ReplaceAllString(body, "nonce")}
		}
		for _, w := range domainWrites {
			must(t, w.write(ctx, store))
			fresh := newServer(f.cfg, figures.New(store.ReadOnly(), f.cfg), func() time.Time { return fixtureNow }).Handler()
			changed := 0
			for path, d := range reads {
				n := renders.total()
				res, body := f.get(t, path)
				body = nonces.ReplaceAllString(body, "nonce")
				api := strings.HasPrefix(path, "/api/v1/")
				if !api && d&w.domain == 0 && renders.total() != n {
					t.Errorf("after a write in %s: %s was rendered again though it declares it reads only %s", w.domain, path, d)
				}
				got := httpGet(fresh, path)
				want := nonces.ReplaceAllString(got.Body.String(), "nonce")
				if res.StatusCode != got.Code || body != want {
					t.Errorf("after a write in %s: %s (declared to read %s) is %d with %d bytes, a server without a cache sends %d with %d bytes:\n%s",
						w.domain, path, d, res.StatusCode, len(body), got.Code, len(want), firstDiff(body, want))
				}
				old := before[path]
				if body != old.body {
					changed++
				}
				revalidated, _ := f.get(t, path, "If-None-Match", old.etag)
				if revalidated.StatusCode == http.StatusNotModified && body != old.body {
					t.Errorf("after a write in %s: %s answers 304 to the ETag of another page", w.domain, path)
				}
				before[path] = held{res.Header.Get("ETag"), body}
			}
			if changed == 0 {
				t.Errorf("the write in %s changed no page: it checks nothing", w.domain)
			}
		}
	})
}

// httpGet asks h for path.
func httpGet(h http.Handler, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

// firstDiff shows where two texts part.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-80)
	return "cached: …" + a[from:min(len(a), i+80)] + "…\nfresh:  …" + b[from:min(len(b), i+80)] + "…"
}
