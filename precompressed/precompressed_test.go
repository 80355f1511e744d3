package precompressed

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func TestChoose(t *testing.T) {
	b := New([]byte(strings.Repeat("os2pulse figures ", 200)), Fast)
	if b.Gzip == nil || b.Brotli == nil {
		t.Fatal("a compressible body was not compressed")
	}
	for _, tt := range []struct{ accept, want string }{
		{"", ""},
		{"gzip", "gzip"},
		{"GZIP", "gzip"},
		{"x-gzip", "gzip"},
		{"br", "br"},
		{"gzip, deflate, br, zstd", "br"},
		{"br;q=0.5, gzip", "gzip"},
		{"br;q=1.0, gzip;q=0.9", "br"},
		{"br;q=0, gzip;q=0", ""},
		{"br;q=0, *", "gzip"},
		{"*", "br"},
		{"*;q=0", ""},
		{"identity", ""},
		{"deflate", ""},
		{"gzip;q=bad", ""},
	} {
		got, data := b.Choose(tt.accept)
		if got != tt.want {
			t.Errorf("Accept-Encoding %q: %q, want %q", tt.accept, got, tt.want)
		}
		want := map[string][]byte{"": b.Identity, "gzip": b.Gzip, "br": b.Brotli}[tt.want]
		if !bytes.Equal(data, want) {
			t.Errorf("Accept-Encoding %q: bytes of another coding", tt.accept)
		}
	}
	small := New([]byte("ok\n"), Best)
	if small.Gzip != nil || small.Brotli != nil {
		t.Error("a tiny body was compressed")
	}
	if c, _ := small.Choose("br, gzip"); c != "" {
		t.Errorf("tiny body sent as %q", c)
	}
}

func TestWriteRoundTrip(t *testing.T) {
	orig := []byte(strings.Repeat("<p>Aktive bidragydere: 42</p>\n", 300))
	for _, l := range []Level{Fast, Best} {
		b := New(orig, l)
		for _, accept := range []string{"", "gzip", "br"} {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.Header.Set("Accept-Encoding", accept)
			rec := httptest.NewRecorder()
			rec.Header().Set("Vary", "Accept-Language")
			b.Write(rec, req, http.StatusOK)
			h := rec.Header()
			if h.Get("Content-Encoding") != accept || h.Get("Vary") != "Accept-Language, Accept-Encoding" ||
				h.Get("Content-Length") != strconv.Itoa(rec.Body.Len()) {
				t.Errorf("level %d, %q: headers %v", l, accept, h)
			}
			if got := decode(t, accept, rec.Body.Bytes()); got != string(orig) {
				t.Errorf("level %d, %q: decoded %d bytes, want the %d sent", l, accept, len(got), len(orig))
			}
		}
	}
	req := httptest.NewRequest(http.MethodHead, "/", nil)
	rec := httptest.NewRecorder()
	New(orig, Fast).Write(rec, req, http.StatusOK)
	if rec.Body.Len() != 0 || rec.Header().Get("Content-Length") != strconv.Itoa(len(orig)) {
		t.Errorf("HEAD: %d bytes, Content-Length %q", rec.Body.Len(), rec.Header().Get("Content-Length"))
	}
}
