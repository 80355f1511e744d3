package assets

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

// pinnedEChartsVersion reads the exact echarts version from ../package.json.
func pinnedEChartsVersion(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../package.json")
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Dependencies    map[string]string `json:"dependencies"`
		DevDependencies map[string]string `json:"devDependencies"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	v := pkg.DevDependencies["echarts"]
	if v == "" {
		v = pkg.Dependencies["echarts"]
	}
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(v) {
		t.Fatalf("package.json: echarts must be pinned to an exact version, got %q", v)
	}
	return v
}

func TestEmbeddedEChartsMatchesPin(t *testing.T) {
	v := pinnedEChartsVersion(t)
	js, err := staticFiles.ReadFile("static/echarts.min.js")
	if err != nil {
		t.Fatal(err)
	}
	// The bundle holds its version as a string, `="6.1.0"`.
	if !bytes.Contains(js, []byte(`="`+v+`"`)) {
		t.Errorf("embedded echarts.min.js does not contain version %q pinned in package.json", v)
	}
	if _, err := staticFiles.ReadFile("static/echarts.LICENSE.txt"); err != nil {
		t.Error("ECharts licence must ship with it:", err)
	}
}

// TestEmbeddedEChartsMatchesNodeModules bundles the pinned ECharts as
// `make assets` does (the Makefile's ESBUILDFLAGS) and finds the embedded
// file the same, byte for byte.
func TestEmbeddedEChartsMatchesNodeModules(t *testing.T) {
	esbuild := "../node_modules/.bin/esbuild"
	if _, err := os.Stat(esbuild); errors.Is(err, fs.ErrNotExist) {
		if os.Getenv("CI") != "" {
			t.Fatal("node_modules/.bin/esbuild is needed under CI")
		}
		t.Skip("esbuild not installed; run `npm ci` at the repository root to compare")
	}
	mk, err := os.ReadFile("../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^ESBUILDFLAGS\s*:=\s*(.+)$`).FindSubmatch(mk)
	if m == nil {
		t.Fatal("no ESBUILDFLAGS in the Makefile")
	}
	out := filepath.Join(t.TempDir(), "echarts.min.js")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append([]string{"echarts/entry.js"}, strings.Fields(string(m[1]))...)
	cmd := exec.CommandContext(ctx, esbuild, append(args, "--outfile="+out)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("esbuild: %v\n%s", err, b)
	}
	nm, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := staticFiles.ReadFile("static/echarts.min.js")
	if !bytes.Equal(js, nm) {
		t.Error("assets/static/echarts.min.js differs from the pinned ECharts bundled as the Makefile says; run `make assets`")
	}
	b, err := os.ReadFile("../node_modules/echarts/package.json")
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct{ Version string }
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	if want := pinnedEChartsVersion(t); pkg.Version != want {
		t.Errorf("node_modules has echarts %s, package.json pins %s; run `npm ci`", pkg.Version, want)
	}
}

func TestStaticHandler(t *testing.T) {
	h := Handler()
	js, _ := staticFiles.ReadFile("static/echarts.min.js")
	jsETag := `"` + shortHash(js) + `"`
	for _, tc := range []struct {
		name, method, target, ifNoneMatch string
		status                            int
		contentType, cacheControl         string
		bodyLen                           int // -1: don't check
	}{
		{"script", "GET", "/static/echarts.min.js", "", 200, "text/javascript; charset=utf-8", "public, max-age=3600", len(js)},
		{"versioned", "GET", "/static/echarts.min.js?v=" + Version(), "", 200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", len(js)},
		{"stale version", "GET", "/static/echarts.min.js?v=0000", "", 200, "text/javascript; charset=utf-8", "public, max-age=3600", len(js)},
		{"map script", "GET", "/static/map-register.js", "", 200, "text/javascript; charset=utf-8", "public, max-age=3600", -1},
		{"licence", "GET", "/static/echarts.LICENSE.txt", "", 200, "text/plain; charset=utf-8", "public, max-age=3600", -1},
		{"head", "HEAD", "/static/echarts.min.js", "", 200, "text/javascript; charset=utf-8", "public, max-age=3600", 0},
		{"etag match", "GET", "/static/echarts.min.js", jsETag, 304, "", "public, max-age=3600", 0},
		{"etag list", "GET", "/static/echarts.min.js", `"nope", ` + jsETag, 304, "", "public, max-age=3600", 0},
		{"weak etag", "GET", "/static/echarts.min.js", "W/" + jsETag, 304, "", "public, max-age=3600", 0},
		{"etag mismatch", "GET", "/static/echarts.min.js", `"nope"`, 200, "text/javascript; charset=utf-8", "public, max-age=3600", len(js)},
		{"unknown file", "GET", "/static/nope.js", "", 404, "", "", -1},
		{"no listing", "GET", "/static/", "", 404, "", "", -1},
		{"no listing bare", "GET", "/static", "", 404, "", "", -1},
		{"escape", "GET", "/static/../assets.go", "", 404, "", "", -1},
		{"post", "POST", "/static/echarts.min.js", "", 405, "", "", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.target, nil)
			if tc.ifNoneMatch != "" {
				req.Header.Set("If-None-Match", tc.ifNoneMatch)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("status = %d, want %d", rec.Code, tc.status)
			}
			if tc.contentType != "" {
				if got := rec.Header().Get("Content-Type"); got != tc.contentType {
					t.Errorf("Content-Type = %q, want %q", got, tc.contentType)
				}
			}
			if tc.cacheControl != "" {
				if got := rec.Header().Get("Cache-Control"); got != tc.cacheControl {
					t.Errorf("Cache-Control = %q, want %q", got, tc.cacheControl)
				}
			}
			if tc.status == 200 || tc.status == 304 {
				if got := rec.Header().Get("ETag"); got == "" {
					t.Error("no ETag")
				}
			}
			if tc.bodyLen >= 0 && rec.Body.Len() != tc.bodyLen {
				t.Errorf("body is %d bytes, want %d", rec.Body.Len(), tc.bodyLen)
			}
		})
	}
}

func TestStaticContentType(t *testing.T) {
	for name, want := range map[string]string{
		"a.js":       "text/javascript; charset=utf-8",
		"a.css":      "text/css; charset=utf-8",
		"a.json":     "application/json",
		"a.svg":      "image/svg+xml",
		"a.txt":      "text/plain; charset=utf-8",
		"a.unknown":  "application/octet-stream",
		"no-ext":     "application/octet-stream",
		"dir/x.json": "application/json",
	} {
		if got := staticContentType(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

func TestAssetVersion(t *testing.T) {
	v := Version()
	if !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(v) {
		t.Errorf("Version() = %q", v)
	}
	if Version() != v {
		t.Error("assetVersion is not stable")
	}
}

// TestStaticCodings checks that static files are sent compressed to
// clients that accept it, with a length, a tag of their own per coding
// and Vary, and decode to the file itself.
func TestStaticCodings(t *testing.T) {
	h := Handler()
	orig, err := staticFiles.ReadFile("static/charts.js")
	if err != nil {
		t.Fatal(err)
	}
	etags := map[string]bool{}
	for _, tc := range []struct{ accept, coding string }{
		{"", ""},
		{"gzip", "gzip"},
		{"gzip, deflate, br", "br"},
	} {
		req := httptest.NewRequest(http.MethodGet, "/static/charts.js", nil)
		req.Header.Set("Accept-Encoding", tc.accept)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		hd := rec.Header()
		if rec.Code != http.StatusOK || hd.Get("Content-Encoding") != tc.coding || hd.Get("Vary") != "Accept-Encoding" ||
			hd.Get("Content-Length") != strconv.Itoa(rec.Body.Len()) {
			t.Fatalf("%q: %d, headers %v", tc.accept, rec.Code, hd)
		}
		var r io.Reader = rec.Body
		switch tc.coding {
		case "gzip":
			zr, err := gzip.NewReader(r)
			if err != nil {
				t.Fatal(err)
			}
			r = zr
		case "br":
			r = brotli.NewReader(r)
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, orig) {
			t.Errorf("%q: decodes to %d bytes (%v), not the file's %d", tc.accept, len(got), err, len(orig))
		}
		etag := hd.Get("ETag")
		etags[etag] = true
		req.Header.Set("If-None-Match", etag)
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotModified {
			t.Errorf("%q revalidated: %d", tc.accept, rec.Code)
		}
	}
	if len(etags) != 3 {
		t.Errorf("ETags %v: not one per coding", etags)
	}
}
