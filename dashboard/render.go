package dashboard

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"

	"os2pulse/assets"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/table"
)

// Pages are html/template files embedded in the binary. Files whose name
// starts with "_" are shared by every page (the layouts and partials such
// as "chart"); every other file is one page, named by its base name
// without ".html", and defines the templates "title" and "content".
//
//go:embed templates/*.html
var templateFiles embed.FS

// pageTemplates parses the templates once: each page is the shared
// templates plus its own file.
var pageTemplates = sync.OnceValues(func() (map[string]*template.Template, error) {
	entries, err := fs.ReadDir(templateFiles, "templates")
	if err != nil {
		return nil, err
	}
	base, err := table.Templates(template.New(""))
	if err != nil {
		return nil, err
	}
	var pages []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "_") {
			if base, err = base.ParseFS(templateFiles, "templates/"+e.Name()); err != nil {
				return nil, err
			}
		} else {
			pages = append(pages, e.Name())
		}
	}
	out := map[string]*template.Template{}
	for _, name := range pages {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if t, err = t.ParseFS(templateFiles, "templates/"+name); err != nil {
			return nil, err
		}
		out[strings.TrimSuffix(name, ".html")] = t
	}
	return out, nil
})

// buildID changes whenever templates or assets change, so ETags of pages
// rendered by an older build never match.
var buildID = sync.OnceValue(func() string {
	h := sha256.New()
	_ = fs.WalkDir(templateFiles, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := templateFiles.ReadFile(p)
		h.Write([]byte(p + "\x00"))
		h.Write(b)
		return nil
	})
	h.Write([]byte(assets.Version()))
	return hex.EncodeToString(h.Sum(nil))[:16]
})

// configHash fingerprints the configuration, which pages also depend on
// (names, products, goals).
func configHash(c *config.Config) string {
	b, _ := json.Marshal(c)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// newNonce returns a fresh random CSP nonce.
func newNonce() string {
	b := make([]byte, 16)
	rand.Read(b)
	return base64.RawStdEncoding.EncodeToString(b)
}

// pageCSP is the Content-Security-Policy of a page: only os2pulse's own
// scripts, styles and data, nothing inline without the nonce, and framing
// only for embeds. ECharts sets element styles through the DOM, which CSP
// does not restrict, and charts.js builds tooltips as DOM nodes, so no
// 'unsafe-inline' is needed.
func pageCSP(nonce string, embed bool) string {
	frame := "'none'"
	if embed {
		frame = "*"
	}
	return "default-src 'self'; script-src 'self' 'nonce-" + nonce + "'; style-src 'self' 'nonce-" + nonce + "'; " +
		"img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " +
		"form-action 'self'; frame-ancestors " + frame
}

// setPageHeaders sets the headers every page response carries. A 304
// carries them too, but for the Content-Security-Policy: it refreshes the
// cached response's headers, so it must carry neither the API's stricter
// default policy nor a new nonce.
func setPageHeaders(w http.ResponseWriter, v *view) {
	h := w.Header()
	h.Set("Content-Security-Policy", pageCSP(v.Nonce, v.Embed))
	h.Set("Content-Language", string(v.Lang))
	// Pages are sent in the coding asked for (precompressed).
	h.Set("Vary", "Accept-Language, Accept-Encoding")
	if !v.Embed {
		h.Set("X-Frame-Options", "DENY")
	}
}

// pageETag identifies what a page shows without rendering it: the
// versions of the data domains it reads, the build, the configuration,
// the path, the parameters the page reads, the language and date as
// resolved (and whether the URL named them, which links keep), today,
// and the site's address (in embed codes). It is weak because the same
// page is sent in several codings. It is returned with the page's slot
// in the cache (the same without the versions) and the data version
// read with them.
func (s *Server) pageETag(ctx context.Context, r *http.Request, v *view, reads figures.Domains, params []string) (slot, etag string, version int64, err error) {
	vs, err := s.version.get(ctx)
	if err != nil {
		return "", "", 0, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%t\x00%s\x00%t\x00%s\x00%s\x00%t",
		buildID(), s.configHash, r.URL.Path, canonicalQuery(r.URL.Query(), params),
		v.Lang, v.LangExplicit, v.Date, v.DateSet, v.Today, v.Origin, v.Embed)
	slot = hex.EncodeToString(h.Sum(nil))[:24]
	h.Write([]byte("\x00" + vs.Stamp(reads)))
	return slot, `W/"` + hex.EncodeToString(h.Sum(nil))[:24] + `"`, vs.Data, nil
}

// canonicalQuery encodes the parameters of q named in params with sorted
// keys and values, so neither their order nor parameters the page does
// not read change the ETag.
func canonicalQuery(q url.Values, params []string) string {
	kept := url.Values{}
	for _, p := range params {
		if vs, ok := q[p]; ok {
			vs = slices.Clone(vs)
			sort.Strings(vs)
			kept[p] = vs
		}
	}
	return kept.Encode()
}

// render writes the page template page with the layout around it, the
// page's data as .Data. It is what page handlers end with:
//
//	return s.render(w, r, "goals", goalsData{...})
func (s *Server) render(w http.ResponseWriter, r *http.Request, page string, data any) error {
	v := viewFrom(r.Context())
	if v == nil {
		return fmt.Errorf("dashboard: render %s outside a page handler", page)
	}
	v.Data = data
	if v.Status == 0 {
		v.Status = http.StatusOK
	}
	return s.write(w, r, v, page)
}

// write executes the page into a buffer first, so a template error still
// gives a clean error page, then sends it.
func (s *Server) write(w http.ResponseWriter, r *http.Request, v *view, page string) error {
	if err := s.loadFooter(r.Context(), v); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := executePage(&buf, page, v); err != nil {
		return err
	}
	setPageHeaders(w, v)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	if v.Status == http.StatusOK {
		h.Set("Cache-Control", "public, max-age=60")
	} else {
		h.Set("Cache-Control", "no-store")
		h.Del("ETag")
	}
	w.WriteHeader(v.Status)
	w.Write(buf.Bytes())
	return nil
}

// executePage runs a page template inside its layout.
func executePage(w io.Writer, page string, v *view) error {
	tmpls, err := pageTemplates()
	if err != nil {
		return err
	}
	t, ok := tmpls[page]
	if !ok {
		return fmt.Errorf("dashboard: no page template %q", page)
	}
	layout := "layout"
	if v.Embed {
		layout = "embed-layout"
	}
	if err := t.ExecuteTemplate(w, layout, v); err != nil {
		return fmt.Errorf("dashboard: rendering %s: %w", page, err)
	}
	return nil
}
