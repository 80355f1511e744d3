package precompressed

import (
	"errors"
	"net/http"
	"strings"
	"testing"
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
// used answers go, the budget is kept, a newer data version empties it,
// and answers not fit to keep are never kept.
func TestCacheBudget(t *testing.T) {
	body := strings.Repeat("x", 1000) // compresses to little; counts about 1.6 kB
	size := answer("k0", 200, body).size
	c := NewCache(3*size + size/2)
	renders := 0
	get := func(key string, version int64, a *Answer) {
		t.Helper()
		_, err := c.Do(key, version, func() (*Answer, error) { renders++; return a, nil })
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
	if _, err := c.Do("f", 1, func() (*Answer, error) { return nil, errors.New("failed") }); err == nil {
		t.Error("an error was lost")
	}

	c.SeeVersion(2)
	if c.Len() != 0 || c.used != 0 {
		t.Errorf("after a new data version: %d kept, %d bytes", c.Len(), c.used)
	}
	get("old", 1, answer("old", 200, body)) // rendered for an older version
	if c.Len() != 0 {
		t.Error("an answer of an older data version was kept")
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
