package collector

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// What the fake GitHub and the fake GitLab share: a test server over a
// fake clock, a request budget that refills, injected faults, the
// requests served, weak ETags and offset pagination. Each forge's own
// headers, bodies and routes are in its file.

// fault is an injected misbehaviour for requests to one path.
type fault struct {
	path       string
	status     int
	retryAfter string
	body       string
	hang       bool // hold the answer until the client gives up
	reset      bool // close the connection without an answer
	times      int  // how many requests it affects
}

type fakeRequest struct {
	Method, Path, Query string
	Status              int
	Conditional         bool
	Authorized          bool
}

// fakeForge is embedded in each fake forge; mu guards the embedding
// fake's data as well.
type fakeForge struct {
	t     testing.TB
	clock *fakeClock
	srv   *httptest.Server

	mu        sync.Mutex
	faults    []*fault
	requests  []fakeRequest
	observe   func(fakeRequest) // called with each request served, under mu
	limit     int
	remaining int
	reset     time.Time
	window    time.Duration // how often the budget refills
	nextID    int64
}

// start serves h (the embedding fake) with a full budget of limit
// requests a window; ids handed out count up from nextID.
func (f *fakeForge) start(t testing.TB, clock *fakeClock, h http.Handler, limit int, window time.Duration, nextID int64) {
	f.t, f.clock, f.limit, f.window, f.nextID = t, clock, limit, window, nextID
	f.remaining = f.limit
	f.reset = clock.now().Add(window)
	f.srv = httptest.NewServer(h)
	t.Cleanup(f.srv.Close)
}

func (f *fakeForge) update(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn()
}

func (f *fakeForge) inject(ft fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ft.times == 0 {
		ft.times = 1
	}
	f.faults = append(f.faults, &ft)
}

// takeFault returns the first fault still due for path, counting it
// used; call with mu held.
func (f *fakeForge) takeFault(path string) *fault {
	for _, ft := range f.faults {
		if ft.times > 0 && ft.path == path {
			ft.times--
			return ft
		}
	}
	return nil
}

// refill gives the budget back once its window is over; call with mu
// held.
func (f *fakeForge) refill(now time.Time) {
	if !now.Before(f.reset) {
		f.remaining, f.reset = f.limit, now.Add(f.window)
	}
}

// record keeps a request served; call with mu held.
func (f *fakeForge) record(r fakeRequest) {
	f.requests = append(f.requests, r)
	if f.observe != nil {
		f.observe(r)
	}
}

// requestOf is how a request to path is recorded, before its answer.
func requestOf(r *http.Request, path string) fakeRequest {
	return fakeRequest{Method: r.Method, Path: path, Query: r.URL.RawQuery,
		Conditional: r.Header.Get("If-None-Match") != "", Authorized: r.Header.Get("Authorization") != ""}
}

// weakETag is the ETag both forges give a body: weak, from its content.
func weakETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `W/"` + hex.EncodeToString(sum[:16]) + `"`
}

// offsetPage cuts the page the request asks for (page, per_page; perDefault
// when not given, at most 100) out of items. link makes the Link header
// entry for another page.
func (f *fakeForge) offsetPage(r *http.Request, items []any, perDefault int) (body []byte, page, last int, link func(p int, rel string) string) {
	q := r.URL.Query()
	per, err := strconv.Atoi(q.Get("per_page"))
	if err != nil || per < 1 {
		per = perDefault
	}
	per = min(per, 100)
	page, err = strconv.Atoi(q.Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	last = max((len(items)+per-1)/per, 1)
	lo, hi := min((page-1)*per, len(items)), min(page*per, len(items))
	body = mustJSON(append([]any{}, items[lo:hi]...))
	link = func(p int, rel string) string {
		u := *r.URL
		v := u.Query()
		v.Set("page", strconv.Itoa(p))
		u.RawQuery = v.Encode()
		return fmt.Sprintf(`<%s%s>; rel="%s"`, f.srv.URL, u.RequestURI(), rel)
	}
	return body, page, last, link
}

// resetConnection drops the client's connection without an answer, as a
// crashing proxy or a network reset does.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0) // RST, not FIN
	}
	conn.Close()
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// count counts requests matching a path (exact, or prefix when it ends in
// "*") and status (0 = any).
func count(reqs []fakeRequest, path string, status int) int {
	n := 0
	for _, r := range reqs {
		match := r.Path == path
		if p, ok := strings.CutSuffix(path, "*"); ok {
			match = strings.HasPrefix(r.Path, p)
		}
		if match && (status == 0 || r.Status == status) {
			n++
		}
	}
	return n
}
