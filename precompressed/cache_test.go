package precompressed

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

// answer records a 200 (or status) with body.
func answer(key string, status int, body string, header ...string) *Answer {
	rec := NewRecorder()
	for i := 0; i+1 < len(header); i += 2 {
		rec.Header().Set(header[i], header[i+1])
	}
	rec.WriteHeader(status)
	rec.Write([]byte(body))
	return rec.Answer(key)
}

// TestCacheBudget fills a cache beyond its budget: the least recently
// used answers go, the budget is kept, and answers not fit to keep are
// never kept.
func TestCacheBudget(t *testing.T) {
	body := strings.Repeat("x", 1000) // compresses to little; counts about 1.6 kB
	size := int(answer("k0", 200, body).size.Load())
	c := NewCache(3*size + size/2)
	renders := 0
	get := func(key string, version int64, a *Answer) {
		t.Helper()
		_, err := c.Do(key, key, version, func() (*Answer, error) { renders++; return a, nil })
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"a", "b", "c"} {
		get(k, 1, answer(k, 200, body))
	}
	get("a", 1, nil) // a is now the most recently used
	get("d", 1, answer("d", 200, body))
	if renders != 4 || c.Len() != 3 {
		t.Fatalf("%d renders, %d kept; want 4, 3", renders, c.Len())
	}
	get("b", 1, answer("b", 200, body)) // b was evicted, the least recently used
	if renders != 5 {
		t.Errorf("b was not evicted")
	}
	get("a", 1, nil)
	if renders != 5 {
		t.Errorf("a was evicted though used recently")
	}
	if c.used > c.budget {
		t.Errorf("%d bytes used, budget %d", c.used, c.budget)
	}

	for _, a := range []*Answer{
		answer("e404", http.StatusNotFound, body),
		answer("enostore", 200, body, "Cache-Control", "no-store"),
		answer("eprivate", 200, body, "Cache-Control", "private, max-age=60"),
		answer("ecookie", 200, body, "Set-Cookie", "s=1"),
		answer("ehuge", 200, strings.Repeat("y", 10*size)+randomish(10*size)),
	} {
		get(a.key, 1, a)
		get(a.key, 1, a)
	}
	if renders != 15 {
		t.Errorf("answers not fit to keep were kept: %d renders, want 15", renders)
	}
	if _, err := c.Do("f", "f", 1, func() (*Answer, error) { return nil, errors.New("failed") }); err == nil {
		t.Error("an error was lost")
	}
}

// TestCacheSlots asks for one slot with the keys of successive data: a
// new key is rendered and takes the old one's place (so an answer of old
// data never outlives the next request for it), asking again with the
// same key is served from the cache, other slots stay, and a render of
// older data that ends last does not replace a newer answer.
func TestCacheSlots(t *testing.T) {
	c := NewCache(1 << 20)
	body := strings.Repeat("x", 1000)
	renders := 0
	get := func(slot, key string, version int64) *Answer {
		t.Helper()
		a, err := c.Do(slot, key, version, func() (*Answer, error) { renders++; return answer(key, 200, body), nil })
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	steps := []struct {
		slot, key string
		version   int64
		renders   int
		kept      int
	}{
		{"page", "page@1", 1, 1, 1},
		{"page", "page@1", 2, 1, 1}, // a write elsewhere: the same key
		{"other", "other@1", 2, 2, 2},
		{"page", "page@3", 3, 3, 2}, // a write the page reads
		{"page", "page@3", 3, 3, 2},
		{"other", "other@1", 3, 3, 2},
	}
	for i, s := range steps {
		if a := get(s.slot, s.key, s.version); a.key != s.key {
			t.Errorf("step %d: answer %q, want %q", i, a.key, s.key)
		}
		if renders != s.renders || c.Len() != s.kept {
			t.Errorf("step %d (%s %s): %d renders, %d kept; want %d, %d", i, s.slot, s.key, renders, c.Len(), s.renders, s.kept)
		}
	}
	oneAnswer := int(answer("page@1", 200, body).size.Load())
	if used := c.Bytes(); used > 2*oneAnswer+100 {
		t.Errorf("%d bytes used for two answers of about %d", used, oneAnswer)
	}
	// A render that began before the write of version 3 ends now.
	get("page", "page@2", 2)
	if a := get("page", "page@3", 3); renders != 4 || a.key != "page@3" {
		t.Errorf("a render of older data replaced the newer answer: %d renders, answer %q", renders, a.key)
	}
}

// randomish is text that does not compress much.
func randomish(n int) string {
	var b strings.Builder
	x := uint32(1)
	for range n {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b.WriteByte(byte('a' + x%26))
	}
	return b.String()
}

// TestCodingsWhenAsked checks that an answer is compressed in a coding
// only when a request first asks for it, that the cache counts the
// bytes each coding adds and keeps its budget as they come, and that
// every coding decodes to the body.
func TestCodingsWhenAsked(t *testing.T) {
	body := randomish(4000) + strings.Repeat("x", 4000)
	c := NewCache(1 << 20)
	a, err := c.Do("s", "k", 1, func() (*Answer, error) { return answer("k", 200, body), nil })
	if err != nil {
		t.Fatal(err)
	}
	base := c.Bytes()
	steps := []struct {
		accept, coding string
		grows          bool
	}{
		{"", "", false},
		{"gzip", "gzip", true},
		{"gzip", "gzip", false},
		{"br, gzip", "br", true},
		{"gzip;q=1, br;q=0.5", "gzip", false},
	}
	for _, s := range steps {
		before := c.Bytes()
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("Accept-Encoding", s.accept)
		rec := httptest.NewRecorder()
		a.Write(rec, req)
		if got := rec.Header().Get("Content-Encoding"); got != s.coding {
			t.Errorf("Accept-Encoding %q: coding %q, want %q", s.accept, got, s.coding)
		}
		if grew := c.Bytes() > before; grew != s.grows {
			t.Errorf("Accept-Encoding %q: the cache counts %d bytes, %d before", s.accept, c.Bytes(), before)
		}
		if got := decode(t, s.coding, rec.Body.Bytes()); got != body {
			t.Errorf("Accept-Encoding %q: decodes to another body", s.accept)
		}
	}
	if c.Bytes() <= base+len(body)/4 {
		t.Errorf("two codings of %d bytes counted as %d more", len(body), c.Bytes()-base)
	}

	// A cache that has room for the body but not for its codings too
	// lets it go when they come.
	small := NewCache(base + 100)
	a, err = small.Do("s", "k", 1, func() (*Answer, error) { return answer("k", 200, body), nil })
	if err != nil || small.Len() != 1 {
		t.Fatalf("%v, %d kept", err, small.Len())
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Accept-Encoding", "br")
	a.Write(httptest.NewRecorder(), req)
	if small.Len() != 0 || small.Bytes() != 0 {
		t.Errorf("over budget: %d kept, %d bytes of %d", small.Len(), small.Bytes(), small.budget)
	}
}

// decode undoes a content coding.
func decode(t *testing.T, coding string, b []byte) string {
	t.Helper()
	var r io.Reader = bytes.NewReader(b)
	switch coding {
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(r)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
