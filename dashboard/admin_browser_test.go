package dashboard

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"

	"os2pulse/admin"
	"os2pulse/api"
	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/figures/figurestest"
	"os2pulse/register"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// adminServer is the whole site with the admin pages mounted, as serve
// builds it, for one admin "anna".
func adminServer(t *testing.T, store *storage.Store, password string) http.Handler {
	t.Helper()
	f := figurestest.Portfolio(t, store)
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	cfg := *f.Config
	cfg.Admins = []config.Admin{{Name: "anna", PasswordHash: string(hash)}}
	now := func() time.Time { return fixtureNow }
	return New(Options{Config: &cfg, Figures: f.Figures, Now: now,
		API:   api.New(api.Options{Config: &cfg, Figures: f.Figures, Now: now}),
		Admin: admin.New(admin.Options{Config: &cfg, Store: store, Figures: f.Figures, Now: now}),
	}).Handler()
}

// TestAdminOnlyWhenConfigured: without admins and token there is no
// /admin/; with them, only /admin/ ever sets a cookie.
func TestAdminOnlyWhenConfigured(t *testing.T) {
	f := newPageFixture(t, storagetest.New(t, "sqlite"))
	for _, p := range []string{"/admin/", "/admin/login", "/admin"} {
		if res, _ := f.get(t, p); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s without admins: %d, want 404", p, res.StatusCode)
		}
	}
	h := adminServer(t, storagetest.New(t, "sqlite"), "correct horse battery")
	for _, p := range []string{"/", "/data", "/products/os2forms", "/api/v1/adoption", "/admin/login"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		if rec.Code != http.StatusOK || rec.Header().Get("Set-Cookie") != "" {
			t.Errorf("%s: %d, Set-Cookie %q", p, rec.Code, rec.Header().Get("Set-Cookie"))
		}
	}
}

// TestAdminBrowser walks the admin pages in headless chromium: refused
// without a login, a wrong password, login, upload, preview, import, the
// log, logout; and a form posted from another site is refused with the
// session cookie in the browser. Nothing may open a dialog, no payload
// from the register may become markup, and the session cookie is out of
// reach of scripts.
func TestAdminBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	execPath := chromiumPath(t)
	store := storagetest.New(t, "sqlite")
	// Pages answer in English: the browser asks for it.
	const password = "correct horse battery"
	ts := httptest.NewServer(adminServer(t, store, password))
	// Changes made here come after the fixture's import.
	store.SetClock(time.Now)
	defer ts.Close()
	// Another site: localhost is another site than 127.0.0.1.
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<!DOCTYPE html><form method="post" action="` + ts.URL + `/admin/adoption">
<input name="organization" value="Vejle"><input name="product" value="os2forms"><input name="status" value="production">
<input name="since" value="2026-01-01"><input name="action" value="add"></form><script>document.forms[0].submit()</script>`))
	}))
	defer evil.Close()
	evilURL := strings.Replace(evil.URL, "127.0.0.1", "localhost", 1)

	shots := os.Getenv("OS2PULSE_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	ctx := newBrowser(t, execPath, 3*time.Minute)
	shot := func(name string) {
		t.Helper()
		b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("%s: screenshot: %v", name, err)
		}
		os.WriteFile(filepath.Join(shots, "admin-"+name+".png"), b, 0o644)
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	location := func() string {
		t.Helper()
		u, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimPrefix(u, ts.URL)
	}
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// Without a login every page leads to the login.
	run("log without login", chromedp.Navigate(ts.URL+"/admin/log"), chromedp.WaitVisible(chromedp.CSS("#password")))
	if l := location(); l != "/admin/login" {
		t.Errorf("without a login /admin/log leads to %s", l)
	}
	run("wrong password", chromedp.SendKeys(chromedp.CSS("#name"), "anna"), chromedp.SendKeys(chromedp.CSS("#password"), "wrong password"),
		chromedp.Submit(chromedp.CSS("#password")), chromedp.WaitVisible(chromedp.CSS("#login-error")))
	if s := text("#login-error"); s != "Wrong name or password." {
		t.Errorf("wrong password says %q", s)
	}
	shot("login-failed")
	run("login", chromedp.SetValue(chromedp.CSS("#name"), "anna"), chromedp.SetValue(chromedp.CSS("#password"), password),
		chromedp.Submit(chromedp.CSS("#password")), chromedp.WaitVisible(chromedp.CSS("#register-status")))
	if !strings.Contains(text("#register-status"), "adoption records") {
		t.Errorf("status %q", text("#register-status"))
	}
	if c, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.cookie`)); c != "" {
		t.Errorf("scripts see the cookie %q", c)
	}
	shot("home")

	// Upload a workbook: Vejle runs OS2forms; everything else ends.
	ms, _ := storage.Municipalities()
	var wb bytes.Buffer
	register.WriteXLSX(&wb, register.Contents{Organizations: ms,
		Adoptions:   []storage.AdoptionRecord{{OrganizationID: "630", ProductID: "os2forms", Status: "production", Since: civil.MustParse("2026-01-01")}},
		Memberships: []storage.Membership{{OrganizationID: "630", Since: civil.MustParse("2020-01-01")}}})
	file := filepath.Join(t.TempDir(), "register.xlsx")
	if err := os.WriteFile(file, wb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	run("upload", chromedp.SetUploadFiles(chromedp.CSS("#register"), []string{file}), chromedp.Submit(chromedp.CSS("#register")), chromedp.WaitVisible(chromedp.CSS("#preview-summary")))
	if s := text("#preview-summary"); !strings.Contains(s, "adds 2 rows") {
		t.Errorf("preview says %q", s)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('main img, main script').length`)); n != 0 {
		t.Errorf("%d img or script elements in the preview: a name from the register became markup", n)
	}
	shot("preview")
	before, _ := store.RegisterVersion(context.Background())
	// It ends more than a tenth of the register: the import asks for the
	// number to be confirmed, and the browser will not send it without.
	if s := text("#preview-ends-many"); !strings.Contains(s, "Warning: the file ends") {
		t.Errorf("no warning that the file ends most of the register: %q", s)
	}
	run("import unconfirmed", chromedp.Click(chromedp.CSS("#import")), chromedp.Sleep(500*time.Millisecond))
	if v, _ := store.RegisterVersion(context.Background()); v != before {
		t.Error("imported without the confirmation")
	}
	run("import", chromedp.Click(chromedp.CSS(`input[name="confirm_ended"]`)), chromedp.Click(chromedp.CSS("#import")), chromedp.WaitVisible(chromedp.CSS("#done-summary")))
	if s := text("#done-summary"); !strings.HasPrefix(s, "register.xlsx: 2 added") {
		t.Errorf("import says %q", s)
	}
	shot("imported")
	run("log", chromedp.Navigate(ts.URL+"/admin/log"), chromedp.WaitVisible(chromedp.CSS("#log")))
	if s := text("#log tbody tr:first-child"); !strings.Contains(s, "anna") || !strings.Contains(s, "register.xlsx") {
		t.Errorf("newest log entry %q", s)
	}
	shot("log")
	after, _ := store.RegisterVersion(context.Background())
	if after == before {
		t.Fatal("the import stored nothing")
	}

	// Another site posts a form to the admin pages: refused, although
	// the browser holds a session.
	run("cross-site form", chromedp.Navigate(evilURL), chromedp.Sleep(time.Second), chromedp.WaitReady(chromedp.CSS("body")))
	if l, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasPrefix(l, ts.URL+"/admin/adoption") {
		t.Errorf("the cross-site form went to %s", l)
	}
	if v, _ := store.RegisterVersion(context.Background()); v != after {
		t.Error("a form posted from another site changed the register")
	}

	run("logout", chromedp.Navigate(ts.URL+"/admin/"), chromedp.WaitVisible(chromedp.CSS("#register-status")),
		chromedp.Click(chromedp.CSS(".logout button")), chromedp.WaitVisible(chromedp.CSS("#password")))
	run("after logout", chromedp.Navigate(ts.URL+"/admin/"), chromedp.WaitVisible(chromedp.CSS("#password")))
	if l := location(); l != "/admin/login" {
		t.Errorf("after logout /admin/ leads to %s", l)
	}
}
