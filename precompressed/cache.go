package precompressed

import (
	"container/list"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
)

// Answer is a response as it is sent: its status, its headers and its
// body in every coding.
type Answer struct {
	key      string
	status   int
	header   http.Header
	identity []byte
	// Each coding is made when a request first asks for it, not when
	// the answer is made: the first request after a write then waits
	// for one coding at most, and a coding nobody asks for costs nothing.
	gzip, brotli func() []byte
	size         atomic.Int64 // bytes held, growing as codings are made
	// grew tells the cache keeping the answer that it holds n more
	// bytes; nil while not kept.
	grew atomic.Pointer[func(n int)]

	// slot and version are where and for which data version the cache
	// keeps the answer; set when it is kept.
	slot    string
	version int64
}

// Cache keeps answers by slot, what an answer is (for a page: its path,
// parameters, language and dates), each with the key that names the data
// it shows (its ETag, which names the versions of the data domains it
// reads). An answer asked for by its slot with another key is rendered
// again and takes the old one's place, so answers of data that changed
// go as soon as they are asked for again; the least recently used go
// first when they outgrow a budget of bytes. Concurrent requests for an
// answer not cached share one rendering. Only answers fit to keep (200,
// storable, no cookie) are kept.
type Cache struct {
	budget int

	mu      sync.Mutex
	used    int
	order   *list.List
	entries map[string]*list.Element // by slot
	flights map[string]*flight       // by key
}

// flight is one render that several requests wait for.
type flight struct {
	done    chan struct{}
	waiters int // requests waiting besides the one rendering; under Cache.mu
	answer  *Answer
	err     error
}

// NewCache returns a cache that holds at most budget bytes.
func NewCache(budget int) *Cache {
	return &Cache{budget: budget, order: list.New(), entries: map[string]*list.Element{}, flights: map[string]*flight{}}
}

// Do returns the answer in slot with key, from the cache or from render,
// which runs once for all requests that ask for key while it runs. What
// render returns is kept in slot if it is fit to keep, unless the slot
// already holds an answer of a newer data version (a render that began
// before a write and ended after a render that began after it); errors
// are not kept. version is the data version (which only grows) read with
// the versions key names.
func (c *Cache) Do(slot, key string, version int64, render func() (*Answer, error)) (*Answer, error) {
	c.mu.Lock()
	if e, ok := c.entries[slot]; ok && e.Value.(*Answer).key == key {
		c.order.MoveToFront(e)
		c.mu.Unlock()
		return e.Value.(*Answer), nil
	}
	if f, ok := c.flights[key]; ok {
		f.waiters++
		c.mu.Unlock()
		<-f.done
		return f.answer, f.err
	}
	f := &flight{done: make(chan struct{})}
	c.flights[key] = f
	c.mu.Unlock()

	defer func() {
		// A render that panicked leaves neither answer nor error: the
		// requests waiting for it get an error, not a nil answer.
		if f.answer == nil && f.err == nil {
			f.err = errors.New("precompressed: rendering " + key + " returned nothing")
		}
		c.mu.Lock()
		delete(c.flights, key)
		if f.err == nil && f.answer != nil && keep(f.answer) {
			f.answer.slot, f.answer.version = slot, version
			c.add(f.answer)
		}
		c.mu.Unlock()
		close(f.done)
	}()
	f.answer, f.err = render()
	return f.answer, f.err
}

// add stores p in its slot, in place of an answer of an older data
// version, and evicts the least recently used answers beyond the budget;
// one larger than the whole budget is not kept. Called with c.mu held.
func (c *Cache) add(p *Answer) {
	if int(p.size.Load()) > c.budget {
		return
	}
	if old, ok := c.entries[p.slot]; ok {
		op := old.Value.(*Answer)
		if op.version > p.version {
			return
		}
		c.remove(old)
	}
	c.entries[p.slot] = c.order.PushFront(p)
	c.used += int(p.size.Load())
	grew := func(n int) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if e, ok := c.entries[p.slot]; ok && e.Value.(*Answer) == p {
			c.used += n
			c.evict()
		}
	}
	p.grew.Store(&grew)
	c.evict()
}

// evict removes the least recently used answers beyond the budget.
// Called with c.mu held.
func (c *Cache) evict() {
	for c.used > c.budget {
		c.remove(c.order.Back())
	}
}

// remove takes e out of the cache. Called with c.mu held.
func (c *Cache) remove(e *list.Element) {
	p := e.Value.(*Answer)
	c.order.Remove(e)
	delete(c.entries, p.slot)
	c.used -= int(p.size.Load())
	p.grew.Store(nil)
}

// Waiting is how many requests wait for the rendering of key.
func (c *Cache) Waiting(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if f, ok := c.flights[key]; ok {
		return f.waiters
	}
	return 0
}

// Len is the number of cached answers.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// keep reports whether an answer may be cached: a 200 that may be stored
// and sets no cookie.
func keep(p *Answer) bool {
	return p.status == http.StatusOK && p.header.Get("Set-Cookie") == "" &&
		!strings.Contains(p.header.Get("Cache-Control"), "no-store") &&
		!strings.Contains(p.header.Get("Cache-Control"), "private")
}

// Recorder captures what a handler writes, to be cached and then sent.
type Recorder struct {
	header http.Header
	status int
	body   []byte
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder { return &Recorder{header: http.Header{}} }

func (p *Recorder) Header() http.Header { return p.header }

func (p *Recorder) WriteHeader(status int) {
	if p.status == 0 {
		p.status = status
	}
}

func (p *Recorder) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	p.body = append(p.body, b...)
	return len(b), nil
}

// Answer turns what was recorded into an answer to cache under key; a
// 200 is compressed in each coding when first asked for in it.
func (p *Recorder) Answer(key string) *Answer {
	status := p.status
	if status == 0 {
		status = http.StatusOK
	}
	cp := &Answer{key: key, status: status, header: p.header, identity: p.body}
	none := func() []byte { return nil }
	cp.gzip, cp.brotli = none, none
	if status == http.StatusOK {
		cp.gzip = cp.coding(gzipOf)
		cp.brotli = cp.coding(brotliOf)
	}
	cp.size.Store(int64(len(p.body) + 2*len(key) + 512)) // slot, headers and bookkeeping, roughly
	return cp
}

// coding is compress of the answer's body, made once when first asked
// for, counted in the answer's size.
func (p *Answer) coding(compress func([]byte, Level) []byte) func() []byte {
	return sync.OnceValue(func() []byte {
		b := compress(p.identity, Fast)
		p.size.Add(int64(len(b)))
		if grew := p.grew.Load(); grew != nil {
			(*grew)(len(b))
		}
		return b
	})
}

// Write sends the answer: its headers over those already set, and the
// body in the coding the client accepts. A client holding it (by its
// ETag) gets 304, which leaves the Content-Security-Policy the client
// stored with the body: the stored one matches the stored body's nonce.
func (p *Answer) Write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, vs := range p.header {
		h[k] = vs
	}
	if p.status == http.StatusOK && h.Get("ETag") != "" && ETagMatch(r.Header.Get("If-None-Match"), h.Get("ETag")) {
		h.Del("Content-Security-Policy")
		h.Del("Content-Type")
		h.Del("Content-Length")
		AddVary(h, "Accept-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	p.body(r.Header.Get("Accept-Encoding")).Write(w, r, p.status)
}

// body is the answer's body with the codings Body.Choose needs to answer
// acceptEncoding, made if not yet: Brotli if accepted, gzip if accepted
// and preferred or Brotli is no smaller.
func (p *Answer) body(acceptEncoding string) Body {
	b := Body{Identity: p.identity}
	br, gz := accepts(acceptEncoding)
	if br > 0 {
		b.Brotli = p.brotli()
	}
	if gz > 0 && (gz > br || b.Brotli == nil) {
		b.Gzip = p.gzip()
	}
	return b
}

// ETagMatch reports whether an If-None-Match header names etag; tags are
// compared weakly (RFC 9110 §13.1.2).
func ETagMatch(header, etag string) bool {
	etag = strings.TrimPrefix(etag, "W/")
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), "W/"))
		if v == etag || v == "*" {
			return true
		}
	}
	return false
}

// Bytes is the memory the cached answers hold, by the cache's count.
func (c *Cache) Bytes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.used
}
