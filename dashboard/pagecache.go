package dashboard

import (
	"container/list"
	"net/http"
	"sync"

	"os2pulse/api"
	"os2pulse/precompressed"
)

// DefaultPageCacheBytes is the memory the rendered pages may hold when
// Options.PageCacheBytes is 0.
const DefaultPageCacheBytes = 32 << 20

// cachedPage is a rendered page as it is sent: its headers and its body
// in every coding. Its CSP nonce is the one it was rendered with, so the
// policy and the body always match.
type cachedPage struct {
	key    string
	status int
	header http.Header
	body   precompressed.Body
	size   int
}

// pageCache keeps rendered pages by their key (the page's ETag, which
// names everything a page shows: data version, build, configuration,
// path, the parameters the page reads, language, dates, site address),
// least recently used first out when they outgrow the budget. Concurrent
// requests for a page not cached share one render.
type pageCache struct {
	budget int

	mu      sync.Mutex
	used    int
	version int64 // the data version of the entries; a newer one empties the cache
	order   *list.List
	entries map[string]*list.Element
	flights map[string]*pageFlight
}

// pageFlight is one render that several requests wait for.
type pageFlight struct {
	done    chan struct{}
	waiters int // requests waiting besides the one rendering; under pageCache.mu
	page    *cachedPage
	err     error
}

func newPageCache(budget int) *pageCache {
	return &pageCache{budget: budget, order: list.New(), entries: map[string]*list.Element{}, flights: map[string]*pageFlight{}}
}

// seeVersion empties the cache when the data have a newer version: no
// entry of an older one can be asked for again.
func (c *pageCache) seeVersion(v int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v > c.version {
		c.version = v
		c.order.Init()
		clear(c.entries)
		c.used = 0
	}
}

// do returns the page with key, from the cache or from render, which runs
// once for all requests that ask for key while it runs. A page render
// returns that is fit to keep (see keep) is cached; errors are not.
func (c *pageCache) do(key string, version int64, render func() (*cachedPage, error)) (*cachedPage, error) {
	c.mu.Lock()
	if e, ok := c.entries[key]; ok {
		c.order.MoveToFront(e)
		c.mu.Unlock()
		return e.Value.(*cachedPage), nil
	}
	if f, ok := c.flights[key]; ok {
		f.waiters++
		c.mu.Unlock()
		<-f.done
		return f.page, f.err
	}
	f := &pageFlight{done: make(chan struct{})}
	c.flights[key] = f
	c.mu.Unlock()

	defer func() {
		c.mu.Lock()
		delete(c.flights, key)
		if f.err == nil && f.page != nil && keep(f.page) && version == c.version {
			c.add(f.page)
		}
		c.mu.Unlock()
		close(f.done)
	}()
	f.page, f.err = render()
	return f.page, f.err
}

// add stores p and evicts the least recently used pages beyond the
// budget; a page larger than the whole budget is not kept. Called with
// c.mu held.
func (c *pageCache) add(p *cachedPage) {
	if p.size > c.budget {
		return
	}
	if old, ok := c.entries[p.key]; ok {
		c.used -= old.Value.(*cachedPage).size
		c.order.Remove(old)
	}
	c.entries[p.key] = c.order.PushFront(p)
	c.used += p.size
	for c.used > c.budget {
		last := c.order.Back()
		lp := last.Value.(*cachedPage)
		c.order.Remove(last)
		delete(c.entries, lp.key)
		c.used -= lp.size
	}
}

// waiting is how many requests wait for the render of key.
func (c *pageCache) waiting(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f, ok := c.flights[key]; ok {
		return f.waiters
	}
	return 0
}

// len is the number of cached pages.
func (c *pageCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// keep reports whether a rendered answer may be cached: a 200 that may
// be stored and sets no cookie.
func keep(p *cachedPage) bool {
	return p.status == http.StatusOK && p.header.Get("Set-Cookie") == "" &&
		p.header.Get("Cache-Control") != "no-store"
}

// pageRecorder captures what a page handler writes, to be cached and
// then sent.
type pageRecorder struct {
	header http.Header
	status int
	body   []byte
}

func newPageRecorder() *pageRecorder { return &pageRecorder{header: http.Header{}} }

func (p *pageRecorder) Header() http.Header { return p.header }

func (p *pageRecorder) WriteHeader(status int) {
	if p.status == 0 {
		p.status = status
	}
}

func (p *pageRecorder) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	p.body = append(p.body, b...)
	return len(b), nil
}

// page turns what was recorded into a page to cache, compressed once.
func (p *pageRecorder) page(key string) *cachedPage {
	status := p.status
	if status == 0 {
		status = http.StatusOK
	}
	cp := &cachedPage{key: key, status: status, header: p.header}
	if status == http.StatusOK {
		cp.body = precompressed.New(p.body, precompressed.Fast)
	} else {
		cp.body = precompressed.Body{Identity: p.body}
	}
	cp.size = cp.body.Size() + len(key) + 512 // headers and bookkeeping, roughly
	return cp
}

// write sends a cached page: its headers over those already set, and the
// body in the coding the client accepts. A client holding the page gets
// 304, which, like the 304 before rendering, leaves the stored policy.
func (p *cachedPage) write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, vs := range p.header {
		h[k] = vs
	}
	if p.status == http.StatusOK && h.Get("ETag") != "" && api.ETagMatch(r.Header.Get("If-None-Match"), h.Get("ETag")) {
		h.Del("Content-Security-Policy")
		h.Del("Content-Type")
		h.Del("Content-Length")
		precompressed.AddVary(h, "Accept-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	p.body.Write(w, r, p.status)
}
