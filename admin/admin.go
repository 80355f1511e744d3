// Package admin is where the OS2 secretariat keeps the register: the
// pages under /admin/ to log in, upload a workbook or CSV and see what
// it would change before importing it, add or end one record, and read
// the audit trail with every earlier version to download.
//
// It is an input path, not public presentation: it writes the register
// through the small Store interface it declares (a *storage.Store
// satisfies it), checks every file and form with the register package,
// and asks figures only for the headline figures a preview shows. Only
// these pages set a cookie, and only under /admin/.
package admin

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/metrics"
	"os2pulse/register"
	"os2pulse/storage"
)

// Store is the storage the admin pages read and write.
type Store interface {
	register.Stored
	RegisterVersion(ctx context.Context) (string, error)
	RegisterChangesUpTo(ctx context.Context, reg storage.Register, limit int) (storage.RegisterDiff, error)
	ImportRegister(ctx context.Context, reg storage.Register) (storage.ImportSummary, error)
	RegisterImports(ctx context.Context) ([]storage.RegisterImport, error)
	RecordedChanges(ctx context.Context) (map[string]storage.RegisterDiff, error)
	PutAdminSession(ctx context.Context, s storage.AdminSession, life time.Duration) error
	AdminSession(ctx context.Context, tokenHash string) (storage.AdminSession, error)
	DeleteAdminSession(ctx context.Context, tokenHash string) error
	PutAdminUpload(ctx context.Context, u storage.AdminUpload, life time.Duration, keep int) error
	AdminUpload(ctx context.Context, id string) (storage.AdminUpload, error)
	DeleteAdminUpload(ctx context.Context, id string) error
	LoginWait(ctx context.Context, name, address string) (time.Time, int, error)
	LoginFailed(ctx context.Context, name, address string, wait func(failures int) time.Duration) (time.Time, error)
	LoginSucceeded(ctx context.Context, name, address string) error
	CensusStore
}

// Options are what the admin pages are built from.
type Options struct {
	Config  *config.Config // products, register sources and [[admins]]
	Store   Store
	Figures *figures.Calculator // the preview's before → after figures
	// Token is the admin bearer token; scripts send it instead of logging
	// in. Empty: no token.
	Token string
	// AuthFailures counts refused logins and tokens for /metrics; nil
	// counts nothing.
	AuthFailures *metrics.AuthFailures
	Log          *slog.Logger
	Now          func() time.Time // the clock; time.Now when nil
}

// Enabled reports whether the admin pages exist: only when someone can
// log in, by name or with the token.
func Enabled(cfg *config.Config, token string) bool { return len(cfg.Admins) > 0 || token != "" }

// Admin serves /admin/.
type Admin struct {
	cfg          *config.Config
	store        Store
	figures      *figures.Calculator
	token        string
	log          *slog.Logger
	now          func() time.Time
	hashes       map[string][]byte // admin name → bcrypt hash
	dummy        []byte            // compared when the name is unknown, for equal timing
	parsing      *gate
	tokens       *TokenLimits
	authFailures *metrics.AuthFailures
	census       *censusLimiter // the organisations' census pages
	handler      http.Handler
}

// New builds the admin pages; mount the handler at "/admin/".
func New(o Options) *Admin {
	a := &Admin{cfg: o.Config, store: o.Store, figures: o.Figures, token: o.Token, log: o.Log, now: o.Now,
		hashes: map[string][]byte{}, parsing: newGate(maxParsing), authFailures: o.AuthFailures,
		census: &censusLimiter{}}
	if a.now == nil {
		a.now = time.Now
	}
	a.tokens = NewTokenLimits(a.store, a.now)
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	for _, ad := range o.Config.Admins {
		a.hashes[ad.Name] = []byte(ad.PasswordHash)
	}
	a.dummy = dummyHash(o.Config.Admins)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/login", a.loginPage)
	mux.HandleFunc("POST /admin/login", a.login)
	mux.HandleFunc("POST /admin/logout", a.logout)
	mux.Handle("GET /admin/{$}", a.authed(a.home))
	mux.Handle("POST /admin/upload", a.authed(a.upload))
	mux.Handle("POST /admin/import", a.authed(a.importUpload))
	mux.Handle("POST /admin/cancel", a.authed(a.cancelUpload))
	mux.Handle("POST /admin/adoption", a.authed(a.editAdoption))
	mux.Handle("POST /admin/membership", a.authed(a.editMembership))
	mux.Handle("GET /admin/log", a.authed(a.logPage))
	mux.Handle("GET /admin/log/{id}/{file}", a.authed(a.download))
	mux.Handle("GET /admin/export/{file}", a.authed(a.download))
	a.censusRoutes(mux)
	mux.HandleFunc("/admin/", func(w http.ResponseWriter, r *http.Request) {
		a.errorPage(w, r, http.StatusNotFound, "admin.error.notfound")
	})
	// Every state-changing request must come from these pages: a form
	// posted from another site is refused (the session cookie, being
	// SameSite=Strict, would not even go with it).
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.errorPage(w, r, http.StatusForbidden, "admin.error.crossorigin")
	}))
	a.handler = cop.Handler(mux)
	return a
}

// ServeHTTP serves /admin/...; no answer may be cached or framed.
func (a *Admin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	a.handler.ServeHTTP(w, r)
}

// today is the date in Denmark.
func (a *Admin) today() civil.Date { return civil.Today(a.now()) }

//go:embed templates/*.html
var templateFiles embed.FS

// pageTemplates are parsed once per process; they hold no state.
var pageTemplates = sync.OnceValues(func() (map[string]*template.Template, error) {
	entries, err := fs.ReadDir(templateFiles, "templates")
	if err != nil {
		return nil, err
	}
	base, err := template.New("").ParseFS(templateFiles, "templates/_layout.html", "templates/_effect.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "_") {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if t, err = t.ParseFS(templateFiles, "templates/"+e.Name()); err != nil {
			return nil, err
		}
		out[strings.TrimSuffix(e.Name(), ".html")] = t
	}
	return out, nil
})

// view is what every admin template gets as dot.
type view struct {
	locale.Lang
	Who      string // who is logged in, as shown; "" on the login page
	LoggedIn bool
	Data     any
}

// render writes a page with the layout, in the request's language.
func (a *Admin) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	lang, _ := locale.Choose(r)
	v := &view{Lang: lang, Data: data}
	if id, ok := identityFrom(r.Context()); ok {
		v.LoggedIn = true
		v.Who = id.shown(lang)
	}
	tmpls, err := pageTemplates()
	var buf bytes.Buffer
	if err == nil {
		t, ok := tmpls[page]
		if !ok {
			err = fmt.Errorf("admin: no page template %q", page)
		} else {
			err = t.ExecuteTemplate(&buf, "layout", v)
		}
	}
	if err != nil {
		a.log.Error("admin page failed", "page", page, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", string(lang))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorPage answers with a message from the catalogue. A message whose
// first argument is a number of something ("Prøv igen om %d sekunder")
// takes its singular for 1.
func (a *Admin) errorPage(w http.ResponseWriter, r *http.Request, status int, key string, args ...any) {
	lang, _ := locale.Choose(r)
	n := 0
	if len(args) > 0 {
		n, _ = args[0].(int)
	}
	a.answer(w, r, status, "error", struct{ Error string }{lang.Nf(key, n, args...)})
}

// fail answers an unexpected error: details only in the log.
func (a *Admin) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	a.log.Error("admin request failed", "path", r.URL.Path, "error", err)
	a.errorPage(w, r, http.StatusInternalServerError, "admin.error.internal")
}

// maxLogText bounds a typed or uploaded text in a log line: the full
// text is in the audit trail; the log needs enough to find it.
const maxLogText = 200

// logText is s cut to maxLogText bytes, as valid UTF-8.
func logText(s string) string {
	if len(s) > maxLogText {
		s = s[:maxLogText] + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// randomID returns n random bytes, base64url-encoded.
func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
