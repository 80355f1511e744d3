package admin

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"os2pulse/civil"
	"os2pulse/config/configtest"
	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/register"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

const (
	testPassword = "correct horse battery"
	testToken    = "s3cret-token"
)

// fixture is the admin pages over a fresh store, served over HTTP.
type fixture struct {
	store *storage.Store
	admin *Admin
	srv   *httptest.Server
	now   time.Time
}

func newFixture(t testing.TB, driver string) *fixture {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	cfg := configtest.Parse(t, t.TempDir(), "[[admins]]\nname = \"anna\"\npassword_hash = \""+string(hash)+"\"\n", "os2forms", "os2faktor", "os2borgerpc")
	store := storagetest.New(t, driver)
	f := &fixture{store: store, now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return f.now }
	store.SetClock(clock)
	if err := store.SyncProducts(context.Background(), storage.ConfiguredProducts(cfg)); err != nil {
		t.Fatal(err)
	}
	f.admin = New(Options{Config: cfg, Store: store, Figures: figures.New(store.ReadOnly(), cfg), Token: testToken, Now: clock})
	f.srv = httptest.NewServer(f.admin)
	t.Cleanup(f.srv.Close)
	return f
}

// tick moves the clock, so changes get stamps of their own.
func (f *fixture) tick() { f.now = f.now.Add(time.Minute) }

// client returns a browser-like client: cookies kept, redirects not
// followed, so tests see each answer.
func (f *fixture) client(t testing.TB) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (f *fixture) login(t testing.TB, c *http.Client) {
	t.Helper()
	resp := post(t, c, f.srv.URL+"/admin/login", url.Values{"name": {"anna"}, "password": {testPassword}}, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/" {
		t.Fatalf("login: %s", resp.Status)
	}
}

type answer struct {
	*http.Response
	body string
}

func do(t testing.TB, c *http.Client, req *http.Request) answer {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp, string(b)}
}

func post(t testing.TB, c *http.Client, u string, form url.Values, header http.Header) answer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	return do(t, c, req)
}

func get(t testing.TB, c *http.Client, u string, header http.Header) answer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	return do(t, c, req)
}

// upload posts files as the upload form does.
func upload(t *testing.T, c *http.Client, u string, header http.Header, files ...register.File) answer {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for i, f := range files {
		w, _ := mw.CreateFormFile([]string{"register", "members"}[i], f.Name)
		w.Write(f.Data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, u, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, v := range header {
		req.Header[k] = v
	}
	return do(t, c, req)
}

var uploadID = regexp.MustCompile(`name="upload" value="([^"]+)"`)

// workbook is a register as a workbook: what the secretariat uploads.
func workbook(t *testing.T, adoptions ...storage.AdoptionRecord) register.File {
	t.Helper()
	ms, _ := storage.Municipalities()
	var buf bytes.Buffer
	c := register.Contents{Adoptions: adoptions, Memberships: []storage.Membership{{OrganizationID: "101", Since: civil.MustParse("2015-01-01")}, {OrganizationID: "751", Since: civil.MustParse("2016-01-01")}},
		Organizations: ms}
	if err := register.WriteXLSX(&buf, c); err != nil {
		t.Fatal(err)
	}
	return register.File{Name: "register.xlsx", Data: buf.Bytes()}
}

func rec(org, product, status, since string) storage.AdoptionRecord {
	return storage.AdoptionRecord{OrganizationID: org, ProductID: product, Status: status, Since: civil.MustParse(since)}
}

// TestLogin: a wrong password and an unknown name get the same answer
// after the same work, attempts are limited, and the session cookie is
// only for /admin/, HttpOnly and SameSite=Strict, Secure behind TLS.
func TestLogin(t *testing.T) {
	f := newFixture(t, "sqlite")
	c := f.client(t)
	wrongPassword := post(t, c, f.srv.URL+"/admin/login", url.Values{"name": {"anna"}, "password": {"nope"}}, nil)
	unknownName := post(t, c, f.srv.URL+"/admin/login", url.Values{"name": {"bent"}, "password": {"nope"}}, nil)
	if wrongPassword.StatusCode != http.StatusUnauthorized || unknownName.StatusCode != http.StatusUnauthorized ||
		strings.ReplaceAll(unknownName.body, "bent", "anna") != wrongPassword.body || len(wrongPassword.Cookies()) != 0 {
		t.Errorf("wrong password: %s; unknown name: %s; the pages differ or set a cookie", wrongPassword.Status, unknownName.Status)
	}
	if !strings.Contains(wrongPassword.body, locale.DA.T("admin.login.wrong")) {
		t.Errorf("no message on a failed login:\n%s", wrongPassword.body)
	}
	// The unknown name is checked against a hash as costly as the real one.
	want, _ := bcrypt.Cost(f.admin.hashes["anna"])
	if got, err := bcrypt.Cost(f.admin.dummy); err != nil || got < want {
		t.Errorf("dummy hash cost %d (%v), the admin's %d", got, err, want)
	}

	resp := post(t, c, f.srv.URL+"/admin/login", url.Values{"name": {"anna"}, "password": {testPassword}}, http.Header{"X-Forwarded-Proto": {"https"}})
	cookies := resp.Cookies()
	if resp.StatusCode != http.StatusSeeOther || len(cookies) != 1 {
		t.Fatalf("login: %s, cookies %v", resp.Status, cookies)
	}
	ck := cookies[0]
	if ck.Path != "/admin/" || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || !ck.Secure || ck.Value == "" {
		t.Errorf("cookie %+v", ck)
	}
	plain := post(t, f.client(t), f.srv.URL+"/admin/login", url.Values{"name": {"anna"}, "password": {testPassword}}, nil)
	if ck := plain.Cookies(); len(ck) != 1 || ck[0].Secure {
		t.Errorf("cookie over plain HTTP %+v: a Secure cookie would never come back", ck)
	}

	// Limits: TestLoginLimits.

	// Logging out ends the session in the database, not only the cookie.
	c2 := f.client(t)
	f.login(t, c2)
	u, _ := url.Parse(f.srv.URL + "/admin/")
	old := c2.Jar.Cookies(u)
	post(t, c2, f.srv.URL+"/admin/logout", nil, nil)
	replay := &http.Client{CheckRedirect: c2.CheckRedirect}
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/admin/", nil)
	req.AddCookie(old[0])
	if r := do(t, replay, req); r.StatusCode != http.StatusSeeOther {
		t.Errorf("old cookie after logout: %s", r.Status)
	}
}

// TestRefused: without a session or the token nothing is shown or
// changed; a form posted from another site is refused even with a
// session.
func TestRefused(t *testing.T) {
	f := newFixture(t, "sqlite")
	c := f.client(t)
	for _, p := range []string{"/admin/", "/admin/log", "/admin/export/register.xlsx"} {
		if r := get(t, c, f.srv.URL+p, nil); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/login" {
			t.Errorf("GET %s without a session: %s", p, r.Status)
		}
		if r := get(t, c, f.srv.URL+p, http.Header{"Authorization": {"Bearer wrong"}}); r.StatusCode != http.StatusSeeOther {
			t.Errorf("GET %s with a wrong token: %s", p, r.Status)
		}
	}
	form := url.Values{"organization": {"Vejle"}, "product": {"os2forms"}, "status": {"production"}, "since": {"2026-11-01"}, "action": {"add"}}
	if r := post(t, c, f.srv.URL+"/admin/adoption", form, nil); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("form without a session: %s", r.Status)
	}
	if r := upload(t, c, f.srv.URL+"/admin/upload", nil, workbook(t)); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("upload without a session: %s", r.Status)
	}
	f.login(t, c)
	cross := http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}}
	if r := post(t, c, f.srv.URL+"/admin/adoption", form, cross); r.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site form: %s", r.Status)
	}
	if r := post(t, f.client(t), f.srv.URL+"/admin/login", url.Values{"name": {"anna"}, "password": {testPassword}}, cross); r.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site login: %s", r.Status)
	}
	// The refusal is a page in the visitor's language, saying why.
	for lang, want := range map[string]string{"da": "kom fra en anden side", "en": "came from another site"} {
		h := http.Header{"Accept-Language": {lang}}
		for k, v := range cross {
			h[k] = v
		}
		r := post(t, c, f.srv.URL+"/admin/adoption", form, h)
		if r.StatusCode != http.StatusForbidden || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || !strings.Contains(r.body, want) || !strings.Contains(r.body, `lang="`+lang+`"`) {
			t.Errorf("cross-site form in %s: %s %s\n%.400s", lang, r.Status, r.Header.Get("Content-Type"), r.body)
		}
	}
	if v, _ := f.store.RegisterVersion(context.Background()); v != "0" {
		t.Errorf("the register changed: version %q", v)
	}
	if r := get(t, c, f.srv.URL+"/admin/", nil); r.StatusCode != http.StatusOK || r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("GET /admin/ with a session: %s, Cache-Control %q", r.Status, r.Header.Get("Cache-Control"))
	}
}

// TestUploadPreviewImport: an upload shows what it would change and
// stores nothing; Import applies it; Cancel forgets it; a preview of a
// register that changed since is refused.
func TestUploadPreviewImport(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s.Driver())
		ctx := context.Background()
		c := f.client(t)
		f.login(t, c)
		first := workbook(t, rec("101", "os2forms", "production", "2020-01-01"), rec("751", "os2forms", "production", "2021-01-01"))
		prev := upload(t, c, f.srv.URL+"/admin/upload", nil, first)
		m := uploadID.FindStringSubmatch(prev.body)
		if prev.StatusCode != http.StatusOK || m == nil || !strings.Contains(prev.body, "Indlæses register.xlsx, bliver 4 rækker tilføjet, 0 ændret og 0 afsluttet") {
			t.Fatalf("preview: %s\n%s", prev.Status, prev.body)
		}
		// Members 0 → 2; adopters of OS2forms 0 → 2.
		if !strings.Contains(prev.body, "<th scope=\"row\">Brugere af OS2forms</th><td>0</td><td>2 ●</td>") {
			t.Errorf("preview figures:\n%s", prev.body)
		}
		if v, _ := f.store.RegisterVersion(ctx); v != "0" {
			t.Fatal("the preview stored the register")
		}
		f.tick()
		done := post(t, c, f.srv.URL+"/admin/import", url.Values{"upload": {m[1]}}, nil)
		if done.StatusCode != http.StatusOK || !strings.Contains(done.body, "register.xlsx: 4 tilføjet, 0 ændret, 0 afsluttet, 0 uændret.") {
			t.Fatalf("import: %s\n%s", done.Status, done.body)
		}
		if r := post(t, c, f.srv.URL+"/admin/import", url.Values{"upload": {m[1]}}, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("the same upload imported twice: %s", r.Status)
		}

		// Cancel stores nothing.
		f.tick()
		second := workbook(t, rec("101", "os2forms", "production", "2020-01-01"))
		prev = upload(t, c, f.srv.URL+"/admin/upload", nil, second)
		m = uploadID.FindStringSubmatch(prev.body)
		before, _ := f.store.RegisterVersion(ctx)
		if r := post(t, c, f.srv.URL+"/admin/cancel", url.Values{"upload": {m[1]}}, nil); r.StatusCode != http.StatusSeeOther {
			t.Errorf("cancel: %s", r.Status)
		}
		if r := post(t, c, f.srv.URL+"/admin/import", url.Values{"upload": {m[1]}}, nil); r.StatusCode != http.StatusNotFound {
			t.Errorf("a cancelled upload imported: %s", r.Status)
		}
		if v, _ := f.store.RegisterVersion(ctx); v != before {
			t.Error("cancel changed the register")
		}

		// A preview, then someone else's change, then Import: refused.
		prev = upload(t, c, f.srv.URL+"/admin/upload", nil, second)
		m = uploadID.FindStringSubmatch(prev.body)
		f.tick()
		edit := post(t, c, f.srv.URL+"/admin/adoption", url.Values{"organization": {"Vejle Kommune"}, "product": {"os2faktor"}, "status": {"i drift"}, "since": {"01-11-2026"}, "action": {"add"}}, nil)
		if edit.StatusCode != http.StatusOK {
			t.Fatalf("form: %s\n%s", edit.Status, edit.body)
		}
		f.tick()
		stale := post(t, c, f.srv.URL+"/admin/import", url.Values{"upload": {m[1]}}, nil)
		if stale.StatusCode != http.StatusConflict || !strings.Contains(stale.body, "Registret er ændret siden forhåndsvisningen") {
			t.Errorf("stale import: %s\n%s", stale.Status, stale.body)
		}
		cur, _ := f.store.Adoptions(ctx, "")
		if len(cur) != 3 {
			t.Errorf("%d records after a refused import, want 3", len(cur))
		}

		// A file with problems lists them with their places.
		bad := register.File{Name: "bad.csv", Data: []byte("organization;product;status;since\nFrederiks;os2forms;drift;2020-01-01\n")}
		r := upload(t, c, f.srv.URL+"/admin/upload", nil, bad)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "bad.csv:2: unknown organisation &#34;Frederiks&#34;") || uploadID.MatchString(r.body) {
			t.Errorf("bad file: %s\n%s", r.Status, r.body)
		}
		// Other types are refused with what to do.
		r = upload(t, c, f.srv.URL+"/admin/upload", nil, register.File{Name: "register.xlsm", Data: first.Data})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "macro-enabled workbook (.xlsm) is refused") {
			t.Errorf("xlsm: %s", r.Status)
		}
	})
}

// TestUploadLimit: a file over 10 MB is refused before it is read.
func TestUploadLimit(t *testing.T) {
	f := newFixture(t, "sqlite")
	c := f.client(t)
	f.login(t, c)
	big := register.File{Name: "big.csv", Data: bytes.Repeat([]byte("x"), maxUpload+1)}
	if r := upload(t, c, f.srv.URL+"/admin/upload", nil, big); r.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "større end 10 MB") {
		t.Errorf("11 MB upload: %s", r.Status)
	}
	// A declared length over the limit is answered without reading.
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/admin/upload", io.LimitReader(zeros{}, 0))
	req.ContentLength = 3 * maxUpload
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	rec := httptest.NewRecorder()
	u, _ := url.Parse(f.srv.URL + "/admin/")
	for _, ck := range c.Jar.Cookies(u) {
		req.AddCookie(ck)
	}
	f.admin.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("declared 30 MB: %d", rec.Code)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestAuditLog: every kind of change is in the log with who made it, and
// each version downloads as the register stood right after it.
func TestAuditLog(t *testing.T) {
	f := newFixture(t, "sqlite")
	ctx := context.Background()
	c := f.client(t)
	f.login(t, c)

	// 1. The command line.
	first := workbook(t, rec("101", "os2forms", "production", "2020-01-01"))
	p, err := register.Parse(f.admin.cfg, nil, first)
	if err != nil {
		t.Fatal(err)
	}
	p.Audit = storage.Audit{Via: storage.ViaCommandLine}
	if _, err := f.store.ImportRegister(ctx, p.Register); err != nil {
		t.Fatal(err)
	}
	// 2. An upload by anna.
	f.tick()
	prev := upload(t, c, f.srv.URL+"/admin/upload", nil, workbook(t, rec("101", "os2forms", "production", "2020-01-01"), rec("751", "os2faktor", "pilot", "2024-01-01")))
	post(t, c, f.srv.URL+"/admin/import", url.Values{"upload": {uploadID.FindStringSubmatch(prev.body)[1]}}, nil)
	// 3. A form edit by anna.
	f.tick()
	post(t, c, f.srv.URL+"/admin/adoption", url.Values{"organization": {"København"}, "product": {"os2forms"}, "since": {"2020-01-01"}, "until": {"2026-12-31"}, "action": {"end"}}, nil)
	// 4. A script with the token, asking for JSON.
	f.tick()
	script := &http.Client{}
	tok := http.Header{"Authorization": {"Bearer " + testToken}, "Accept": {"application/json"}}
	prev = upload(t, script, f.srv.URL+"/admin/upload", tok, workbook(t))
	id := regexp.MustCompile(`"Upload":"([^"]+)"`).FindStringSubmatch(prev.body)
	if prev.StatusCode != http.StatusOK || id == nil {
		t.Fatalf("token upload: %s %s", prev.Status, prev.body)
	}
	if r := post(t, script, f.srv.URL+"/admin/import", url.Values{"upload": {id[1]}, "confirm_ended": {"2"}}, tok); r.StatusCode != http.StatusOK || !strings.Contains(r.body, `"ended":2`) {
		t.Fatalf("token import: %s %s", r.Status, r.body)
	}

	imps, _ := f.store.RegisterImports(ctx)
	var who []string
	for _, imp := range imps {
		who = append(who, whoText(locale.EN, imp)+"/"+imp.Action)
	}
	if strings.Join(who, " ") != "admin token/import anna/edit anna/import command line/import" {
		t.Errorf("audit trail %q", who)
	}
	page := get(t, c, f.srv.URL+"/admin/log?lang=en", nil)
	for _, want := range []string{"admin token", "anna", "command line", "Form edit", "adoption: 101,os2forms,production,2020-01-01,2026-12-31,", imps[3].SHA256, "register.xlsx"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("log page lacks %q", want)
		}
	}
	// Version 2 (anna's upload) as it stood: two records, none ended.
	dl := get(t, c, f.srv.URL+"/admin/log/"+imps[2].ID+"/adoption.csv", nil)
	wantCSV := "\uFEFForganization,organization_name,product,status,since,until,note\n751,Aarhus,os2faktor,pilot,2024-01-01,,\n101,København,os2forms,production,2020-01-01,,\n"
	if dl.StatusCode != http.StatusOK || dl.body != wantCSV || !strings.Contains(dl.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("download of version 2: %s %q\n%q", dl.Status, dl.Header.Get("Content-Disposition"), dl.body)
	}
	wb := get(t, c, f.srv.URL+"/admin/log/"+imps[1].ID+"/register.xlsx", nil)
	again, err := register.Parse(f.admin.cfg, nil, register.File{Name: "v3.xlsx", Data: []byte(wb.body)})
	if err != nil || len(again.Adoptions) != 2 || again.Adoptions[1].Until.String() != "2026-12-31" {
		t.Errorf("version 3 as a workbook: %v, %v", again.Adoptions, err)
	}
	if r := get(t, c, f.srv.URL+"/admin/log/nonsense/register.xlsx", nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("unknown version: %s", r.Status)
	}
}

// TestEveryLabelInCatalogue: every catalogue key the admin pages use,
// in Go or a template, has both languages.
func TestEveryLabelInCatalogue(t *testing.T) {
	key := regexp.MustCompile(`"(admin\.[a-z_.]+[a-z_])"`)
	files, _ := filepath.Glob("*.go")
	tmpls, _ := filepath.Glob("templates/*.html")
	n := 0
	for _, name := range append(files, tmpls...) {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			n++
			if !locale.Has(m[1]) {
				t.Errorf("%s: %s is not in the catalogue", name, m[1])
			}
		}
	}
	// Keys built from stored values.
	for _, k := range []string{"admin.change.added", "admin.change.changed", "admin.change.ended", "admin.action.import", "admin.action.edit",
		"admin.who.token", "admin.who.command_line", "admin.who.collector"} {
		if !locale.Has(k) {
			t.Errorf("%s is not in the catalogue", k)
		}
	}
	if n < 50 {
		t.Errorf("found only %d keys; is the pattern right?", n)
	}
}
