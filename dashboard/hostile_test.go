package dashboard

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"os2pulse/soak"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// hostileParams are every query parameter a page or an endpoint reads, and
// one none reads.
var hostileParams = []string{"date", "lang", "window_days", "product", "from", "to", "step", "format", "source", "x"}

// hostilePayloads are injection, traversal, oversize and malformed
// values. Those with markup must never come back as markup.
var hostilePayloads = []string{
	`' OR '1'='1`, `1; DROP TABLE contributions; --`, `") UNION SELECT * FROM sync_state --`,
	`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `javascript:alert(1)`, `{{.}}`, `${jndi:ldap://x/a}`,
	`../../../../etc/passwd`, `..%2F..%2Fetc%2Fpasswd`, `/etc/passwd%00.html`, "a\x00b", "\r\nSet-Cookie: pwned=1",
	`=HYPERLINK("http://example.com","x")`, `+cmd|' /C calc'!A0`,
	strings.Repeat("A", 100_000), strings.Repeat("ÆØÅ\u202e", 2000),
	"-1", "0", "99999999999999999999", "NaN", "1e9", "0x10", "2025-02-30", "0000-01-01", "9999-12-31", "2025-13-01", "2025-1-1",
	"", " ", "%", "%%", "\xff\xfe",
}

// markup is what a payload looks like when it comes back unescaped. (The
// header injection payload may come back as text; it must not set a
// header, which checkHostile checks.)
var markup = []string{"<script>alert(1)", "<img src=x onerror"}

// hostileTargets are every page and endpoint, path parameters included
// ("{}" is replaced by the payload there).
func hostileTargets(f *pageFixture) []string {
	targets := []string{"/", "/data", "/goals", "/products/os2forms", "/organizations/751", "/report/2025", "/embed/adoption",
		"/products/{}", "/organizations/{}", "/report/{}", "/embed/{}", "/{}", "/api/v1/{}"}
	for _, e := range f.srv.api.Endpoints() {
		targets = append(targets, e.Path, e.Path+".csv")
	}
	targets = append(targets, "/products", "/organizations", "/api", "/report")
	return targets
}

// checkHostile requests target with query and checks the answer: no 5xx,
// no payload reflected as markup, no header it set, JSON that parses.
func (f *pageFixture) checkHostile(t *testing.T, target string, query url.Values, payload string) bool {
	t.Helper()
	path := strings.ReplaceAll(target, "{}", url.PathEscape(payload))
	if len(query) > 0 {
		path += "?" + query.Encode()
	}
	res, body := f.get(t, path)
	where := fmt.Sprintf("GET %.120s", path)
	ok := true
	if res.StatusCode >= 500 {
		t.Errorf("%s: %d", where, res.StatusCode)
		ok = false
	}
	// Pages must escape; JSON is encoded with < and > escaped; CSV is a
	// download a browser must not sniff as a page.
	ct := res.Header.Get("Content-Type")
	for _, m := range markup {
		if !strings.HasPrefix(ct, "text/csv") && strings.Contains(body, m) {
			t.Errorf("%s: %q comes back unescaped (%s)", where, m, ct)
			ok = false
		}
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: no nosniff", where)
		ok = false
	}
	if res.Header.Get("Set-Cookie") != "" || res.Header.Get("Pwned") != "" {
		t.Errorf("%s: the payload set a header", where)
		ok = false
	}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") && res.StatusCode != http.StatusNotModified && !json.Valid([]byte(body)) {
		t.Errorf("%s: invalid JSON", where)
		ok = false
	}
	return ok
}

// TestReliabilityHostileParameters sends every parameter of every page
// and endpoint each hostile payload (in make test a seeded sample of
// them), then in make soak also random mixes of several at once.
func TestReliabilityHostileParameters(t *testing.T) {
	soak.SkipShort(t)
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		f := newPageFixture(t, store)
		rng := rand.New(rand.NewPCG(soak.Seed(t), 31))
		per := soak.Pick(2, len(hostilePayloads))
		requests := 0
		for _, target := range hostileTargets(f) {
			for _, param := range hostileParams {
				for _, i := range rng.Perm(len(hostilePayloads))[:per] {
					p := hostilePayloads[i]
					q := url.Values{param: {p}}
					if strings.Contains(target, "{}") {
						q = nil
					}
					requests++
					if !f.checkHostile(t, target, q, p) {
						return
					}
				}
			}
		}
		for range soak.Pick(0, 3000) {
			targets := hostileTargets(f)
			target := targets[rng.IntN(len(targets))]
			q := url.Values{}
			for range 1 + rng.IntN(4) {
				q.Add(hostileParams[rng.IntN(len(hostileParams))], hostilePayloads[rng.IntN(len(hostilePayloads))])
			}
			requests++
			if !f.checkHostile(t, target, q, hostilePayloads[rng.IntN(len(hostilePayloads))]) {
				return
			}
		}
		soak.Result(t, "hostile parameters ("+store.Driver()+"): every parameter × injection, traversal, oversize payloads", requests,
			"no 5xx, no payload back as markup, no header set, JSON valid", "all passed")
	})
}

// TestTooManyComputationsIs503: when more figures are being computed
// than the pool and its queue hold, pages and the API answer 503 with
// Retry-After, never 500, and the rest are served.
func TestTooManyComputationsIs503(t *testing.T) {
	f := newPageFixture(t, storagetest.New(t, "sqlite"))
	f.calc.LimitComputations(1, time.Nanosecond)
	counts := map[int]int{}
	for round := 0; round < 20 && counts[http.StatusServiceUnavailable] == 0; round++ {
		var wg sync.WaitGroup
		var mu sync.Mutex
		for i := range 24 {
			// Dates nobody asked for: every one computed.
			day := fmt.Sprintf("2024-%02d-%02d", 1+i%12, 1+round)
			path := "/?date=" + day
			if i%2 == 1 {
				path = "/api/v1/contributors?date=" + day
			}
			wg.Go(func() {
				res, _ := f.get(t, path)
				mu.Lock()
				defer mu.Unlock()
				counts[res.StatusCode]++
				if res.StatusCode == http.StatusServiceUnavailable && res.Header.Get("Retry-After") != "5" {
					t.Errorf("%s: 503 without Retry-After", path)
				}
			})
		}
		wg.Wait()
	}
	if len(counts) != 2 || counts[http.StatusOK] == 0 || counts[http.StatusServiceUnavailable] == 0 {
		t.Errorf("answers %v, want some 200 and some 503", counts)
	}
}
