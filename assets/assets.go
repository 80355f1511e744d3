// Package assets holds what browsers get besides pages: the style sheet,
// the chart scripts with the pinned ECharts, and the map of Denmark's
// municipalities. Everything is embedded, so the site works offline and
// under a strict Content-Security-Policy: no CDN, no third-party request.
package assets

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"maps"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"os2pulse/precompressed"
)

// static/echarts.min.js is a copy of node_modules/echarts/dist/echarts.min.js,
// pinned in ../package.json and package-lock.json. `make assets`
// (npm ci && cp node_modules/echarts/dist/echarts.min.js assets/static/)
// refreshes it; assets_test.go checks that the copy matches the pin.
//
//go:embed static
var staticFiles embed.FS

// staticAsset is one file prepared for serving: its ETag is computed
// once, and it is compressed once, when first asked for.
type staticAsset struct {
	body        []byte
	etag        string
	contentType string
	compressed  func() precompressed.Body
}

func newStaticAsset(body []byte, contentType string) staticAsset {
	return staticAsset{body: body, etag: `"` + shortHash(body) + `"`, contentType: contentType,
		compressed: sync.OnceValue(func() precompressed.Body { return precompressed.New(body, precompressed.Best) })}
}

// staticAssets maps "/static/<name>" to the prepared embedded files.
var staticAssets = sync.OnceValue(func() map[string]staticAsset {
	m := map[string]staticAsset{}
	// Walking an embed.FS cannot fail; the error is only passed through.
	_ = fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		m["/"+p] = newStaticAsset(b, staticContentType(p))
		return nil
	})
	return m
})

// Handler serves /static/... from the embedded files, and the map at
// /static/geo/dk_municipalities.json. Mount it at "/static/". Directories
// are never listed: only known files are served.
func Handler() http.Handler {
	assets := staticAssets()
	geo := geoHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean(r.URL.Path)
		if p == GeoPath {
			geo.ServeHTTP(w, r)
			return
		}
		a, ok := assets[p]
		if !ok {
			http.NotFound(w, r)
			return
		}
		serveStaticAsset(w, r, a)
	})
}

// Version is a short hash over all static files and the generated map, for
// cache-busting URLs such as /static/echarts.min.js?v=<Version>.
func Version() string { return assetVersionOnce() }

// StyleSheet is the site's style sheet, for documents that carry it inline
// (the annual report written to a file).
func StyleSheet() []byte { return staticAssets()["/static/style.css"].body }

// PrintScript is the print button's script, for documents that carry it
// inline (the annual report written to a file).
func PrintScript() []byte { return staticAssets()["/static/print.js"].body }

var assetVersionOnce = sync.OnceValue(func() string {
	h := sha256.New()
	assets := staticAssets()
	// Sorted, so the version does not depend on map order.
	for _, name := range slices.Sorted(maps.Keys(assets)) {
		h.Write([]byte(name + "\x00" + assets[name].etag + "\x00"))
	}
	if geo, err := municipalityGeoJSON(); err == nil {
		h.Write(geo)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
})

// serveStaticAsset writes a with caching headers. A URL carrying the current
// ?v= version never changes content, so it may be cached for a year; any
// other URL is revalidated hourly via the ETag.
func serveStaticAsset(w http.ResponseWriter, r *http.Request, a staticAsset) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	if v := r.URL.Query().Get("v"); v != "" && v == Version() {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=3600")
	}
	h.Set("Content-Type", a.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	// Each coding is its own representation with its own tag (RFC 9110
	// §8.8.3), so a cache never takes one for the other.
	precompressed.AddVary(h, "Accept-Encoding")
	coding, body := a.compressed().Choose(r.Header.Get("Accept-Encoding"))
	etag := a.etag
	switch coding {
	case "br":
		etag = strings.TrimSuffix(a.etag, `"`) + `-br"`
	case "gzip":
		etag = strings.TrimSuffix(a.etag, `"`) + `-gz"`
	}
	if coding != "" {
		h.Set("Content-Encoding", coding)
		// ServeContent leaves the length out of a coded answer that is
		// not a range, as if it were compressed on the fly; it is not.
		if r.Header.Get("Range") == "" {
			h.Set("Content-Length", strconv.Itoa(len(body)))
		}
	}
	h.Set("ETag", etag)
	// ServeContent answers If-None-Match with 304 and handles HEAD and Range.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// staticContentType is fixed here rather than taken from the system MIME
// tables, which differ between machines.
func staticContentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json", ".geojson":
		return "application/json"
	case ".svg":
		return "image/svg+xml"
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".png":
		return "image/png"
	case ".woff2":
		return "font/woff2"
	}
	return "application/octet-stream"
}

func shortHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
