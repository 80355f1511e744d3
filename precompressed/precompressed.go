// Package precompressed holds response bodies compressed once, when they
// are made, and serves each request the coding it accepts (Brotli, gzip or
// none), so that a page or file served many times is compressed once, not
// once per request.
package precompressed

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"

	"github.com/andybalholm/brotli"
)

// minSize is the smallest body worth compressing: below it the codings'
// headers cost about what they save.
const minSize = 512

// Body is one response body in every coding worth having. Gzip and
// Brotli are nil when compressing did not make the body smaller.
type Body struct {
	Identity []byte
	Gzip     []byte
	Brotli   []byte
}

// Level is how hard New compresses: Fast for bodies made while a visitor
// waits (pages), Best for bodies made once per process (static files).
type Level int

const (
	Fast Level = iota
	Best
)

// New compresses b with gzip and Brotli at level l.
func New(b []byte, l Level) Body {
	return Body{Identity: b, Gzip: gzipOf(b, l), Brotli: brotliOf(b, l)}
}

// gzipOf is b compressed with gzip at level l; nil when that is not
// smaller, or b too small to be worth it.
func gzipOf(b []byte, l Level) []byte {
	if len(b) < minSize {
		return nil
	}
	level := 5
	if l == Best {
		level = gzip.BestCompression
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, level) // the level is valid
	zw.Write(b)
	zw.Close()
	if buf.Len() >= len(b) {
		return nil
	}
	return bytes.Clone(buf.Bytes())
}

// brotliOf is b compressed with Brotli at level l; nil when that is not
// smaller, or b too small to be worth it.
func brotliOf(b []byte, l Level) []byte {
	if len(b) < minSize {
		return nil
	}
	// Brotli's quality 4 costs about what gzip's level 5 does and
	// compresses as well; quality 6 and up cost three times as much.
	quality := 4
	if l == Best {
		quality = 6
	}
	var buf bytes.Buffer
	bw := brotli.NewWriterLevel(&buf, quality)
	bw.Write(b)
	bw.Close()
	if buf.Len() >= len(b) {
		return nil
	}
	return bytes.Clone(buf.Bytes())
}

// Size is the memory the body holds, in bytes.
func (b Body) Size() int { return len(b.Identity) + len(b.Gzip) + len(b.Brotli) }

// Choose returns the coding to send for the request's Accept-Encoding
// ("br", "gzip" or "" for none) and the bytes in that coding. Brotli is
// preferred, being the smaller, unless the client ranks gzip higher.
func (b Body) Choose(acceptEncoding string) (string, []byte) {
	br, gz := accepts(acceptEncoding)
	switch {
	case b.Brotli != nil && br > 0 && br >= gz:
		return "br", b.Brotli
	case b.Gzip != nil && gz > 0:
		return "gzip", b.Gzip
	case b.Brotli != nil && br > 0:
		return "br", b.Brotli
	}
	return "", b.Identity
}

// accepts returns the weights (0–1000) Accept-Encoding gives br and gzip
// (RFC 9110 §12.5.3): a coding named explicitly has its own weight, else
// "*"'s, else 0.
func accepts(h string) (br, gz int) {
	br, gz = -1, -1
	star := 0
	for part := range strings.SplitSeq(h, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		q := weight(params)
		switch name {
		case "br":
			br = q
		case "gzip", "x-gzip":
			gz = q
		case "*":
			star = q
		}
	}
	if br < 0 {
		br = star
	}
	if gz < 0 {
		gz = star
	}
	return br, gz
}

// weight reads ";q=0.5" as 500; no q is 1000, a malformed one 0.
func weight(params string) int {
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || f < 0 || f > 1 {
			return 0
		}
		return int(f * 1000)
	}
	return 1000
}

// Write sends the body with status in the coding r accepts, with
// Content-Encoding, Content-Length and "Vary: Accept-Encoding"; the
// other headers are the caller's. A HEAD gets the headers alone.
func (b Body) Write(w http.ResponseWriter, r *http.Request, status int) {
	h := w.Header()
	AddVary(h, "Accept-Encoding")
	coding, data := b.Choose(r.Header.Get("Accept-Encoding"))
	if coding != "" {
		h.Set("Content-Encoding", coding)
	} else {
		h.Del("Content-Encoding")
	}
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}

// AddVary adds field to the Vary header, in one line, unless it is
// already named.
func AddVary(h http.Header, field string) {
	var fields []string
	for _, v := range h.Values("Vary") {
		for f := range strings.SplitSeq(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				if strings.EqualFold(f, field) {
					return
				}
				fields = append(fields, f)
			}
		}
	}
	h.Set("Vary", strings.Join(append(fields, field), ", "))
}
