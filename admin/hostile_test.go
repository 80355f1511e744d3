package admin

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"golang.org/x/crypto/bcrypt"

	"os2pulse/metrics"
	"os2pulse/register"
	"os2pulse/soak"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestGate: one upload read at a time per admin, maxParsing overall, the
// rest told why.
func TestGate(t *testing.T) {
	g := newGate(2)
	steps := []struct {
		who, want string
	}{
		{"anna", ""},
		{"anna", "admin.upload.busy.own"},
		{"bo", ""},
		{"carl", "admin.upload.busy"},
	}
	var releases []func()
	for _, s := range steps {
		release, refused := g.enter(s.who)
		if refused != s.want {
			t.Fatalf("%s: refused %q, want %q", s.who, refused, s.want)
		}
		if release != nil {
			releases = append(releases, release)
		}
	}
	releases[0]()
	if release, refused := g.enter("carl"); refused != "" {
		t.Fatalf("after a release: refused %q", refused)
	} else {
		release()
	}
	if _, refused := g.enter("anna"); refused != "" {
		t.Fatalf("anna after her release: refused %q", refused)
	}
}

// TestHostileUploads: the probe's workbooks are answered with the reason
// they are refused, and an upload while the places are taken is told to
// wait, in the page's language.
func TestHostileUploads(t *testing.T) {
	f := newFixture(t, "sqlite")
	c := f.client(t)
	f.login(t, c)
	wb := func(s soak.Sheet) register.File {
		var buf bytes.Buffer
		if err := soak.WriteWorkbook(&buf, s); err != nil {
			t.Fatal(err)
		}
		return register.File{Name: "angreb.xlsx", Data: buf.Bytes()}
	}
	tests := []struct {
		name string
		file register.File
		want string
	}{
		{"column ZZZ", wb(soak.FarColumn(3000)), "angreb.xlsx: refused: adoption!ZZZ1: a value beyond column Z"},
		{"bomb", wb(soak.Bomb(41)), "angreb.xlsx: refused: it unpacks to more than 40 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := upload(t, c, f.srv.URL+"/admin/upload", nil, tt.file)
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, tt.want) {
				t.Errorf("%s\n%s", r.Status, r.body)
			}
		})
	}

	// Both places taken by others: wait.
	var releases []func()
	for _, who := range []string{"admin:x", "admin:y"} {
		release, _ := f.admin.parsing.enter(who)
		releases = append(releases, release)
	}
	r := upload(t, c, f.srv.URL+"/admin/upload", http.Header{"Accept-Language": {"en"}}, workbook(t))
	if r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" || !strings.Contains(r.body, "Other files are being read right now") {
		t.Errorf("busy: %s %q\n%s", r.Status, r.Header.Get("Retry-After"), r.body)
	}
	for _, release := range releases {
		release()
	}
	if r := upload(t, c, f.srv.URL+"/admin/upload", nil, workbook(t)); r.StatusCode != http.StatusOK {
		t.Errorf("after the others: %s", r.Status)
	}
}

// loginFrom posts a login as if from addr.
func (f *fixture) loginFrom(t *testing.T, addr, name, password string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/admin/login", strings.NewReader(url.Values{"name": {name}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = addr + ":40000"
	rec := httptest.NewRecorder()
	f.admin.ServeHTTP(rec, req)
	return rec
}

// TestLoginLimits: failed logins slow the name at that address with
// growing waits, never the admin at another address; the waits hold for
// a second instance on the database (and after a restart); failures are
// logged with name and address, never the password, and counted.
func TestLoginLimits(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s.Driver())
		var logs bytes.Buffer
		reg := prometheus.NewRegistry()
		f.admin.log = slog.New(slog.NewTextHandler(&logs, nil))
		f.admin.authFailures = metrics.NewAuthFailures(reg)
		const attacker, office = "203.0.113.9", "198.51.100.7"
		steps := []struct {
			addr, password string
			code           int
			retryAfter     string
		}{
			{attacker, "guess1", http.StatusUnauthorized, ""},
			{attacker, "guess2", http.StatusUnauthorized, ""},
			{attacker, "guess3", http.StatusUnauthorized, ""},
			{attacker, "guess4", http.StatusUnauthorized, ""}, // the 4th failure: the next waits 1 s
			{attacker, testPassword, http.StatusTooManyRequests, "1"},
			{office, testPassword, http.StatusSeeOther, ""}, // the admin elsewhere is not locked out
		}
		for i, st := range steps {
			r := f.loginFrom(t, st.addr, "anna", st.password)
			if r.Code != st.code || r.Header().Get("Retry-After") != st.retryAfter {
				t.Fatalf("step %d from %s: %d, Retry-After %q; want %d, %q", i, st.addr, r.Code, r.Header().Get("Retry-After"), st.code, st.retryAfter)
			}
		}
		// Twenty failures with any names from the office slow those names
		// there, not the admin's.
		for i := range 20 {
			f.loginFrom(t, office, fmt.Sprint("bent", i), "x")
		}
		if r := f.loginFrom(t, office, "anna", testPassword); r.Code != http.StatusSeeOther {
			t.Errorf("anna at the office after 20 failures with other names: %d", r.Code)
		}
		// The waits double, up to a quarter of an hour.
		for i, want := range []string{"2", "4", "8"} {
			f.now = f.now.Add(time.Hour)
			f.loginFrom(t, attacker, "anna", "guess")
			if r := f.loginFrom(t, attacker, "anna", testPassword); r.Code != http.StatusTooManyRequests || r.Header().Get("Retry-After") != want {
				t.Errorf("after %d more failures: %d, Retry-After %q, want %s", i+1, r.Code, r.Header().Get("Retry-After"), want)
			}
		}
		if got := loginWait(40); got != maxLoginWait {
			t.Errorf("wait after 40 failures %s, want %s", got, maxLoginWait)
		}
		// Another instance on the same database (or this one restarted)
		// keeps the wait.
		other := New(Options{Config: f.admin.cfg, Store: f.store, Figures: f.admin.figures, Now: f.admin.now})
		req := httptest.NewRequest(http.MethodPost, "/admin/login", strings.NewReader("name=anna&password=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = attacker + ":1"
		rec := httptest.NewRecorder()
		other.ServeHTTP(rec, req)
		if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "Prøv igen om 8 sekunder") {
			t.Errorf("another instance: %d\n%s", rec.Code, rec.Body)
		}
		// After the wait the right password opens, and the count is
		// forgotten.
		f.now = f.now.Add(9 * time.Second)
		if r := f.loginFrom(t, attacker, "anna", testPassword); r.Code != http.StatusSeeOther {
			t.Errorf("after the wait: %d", r.Code)
		}
		if _, n, _ := f.store.LoginWait(context.Background(), "anna", attacker); n != 0 {
			t.Errorf("%d failures remembered after a login", n)
		}
		if strings.Contains(logs.String(), "guess") || !strings.Contains(logs.String(), `msg="admin login failed" name=anna address=203.0.113.9`) {
			t.Errorf("log:\n%s", logs.String())
		}
		if got := testutil.ToFloat64(f.admin.authFailures.Counter(metrics.ViaPassword)); got != 27 {
			t.Errorf("os2pulse_auth_failures_total{via=password} = %v, want 27", got)
		}
	})
}

// TestTokenLimits: wrong bearer tokens are logged (without the token),
// counted, and slowed per address; the right token from elsewhere works.
func TestTokenLimits(t *testing.T) {
	f := newFixture(t, "sqlite")
	var logs bytes.Buffer
	f.admin.log = slog.New(slog.NewTextHandler(&logs, nil))
	f.admin.authFailures = metrics.NewAuthFailures(prometheus.NewRegistry())
	get := func(addr, token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/admin/log", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.RemoteAddr = addr + ":1"
		rec := httptest.NewRecorder()
		f.admin.ServeHTTP(rec, req)
		return rec
	}
	codes := []int{}
	for range 200 {
		codes = append(codes, get("203.0.113.9", "wrong-token-0123456789").Code)
	}
	refused, slowed := 0, 0
	for _, c := range codes {
		switch c {
		case http.StatusSeeOther:
			refused++
		case http.StatusTooManyRequests:
			slowed++
		}
	}
	if refused != freeFailures+1 || slowed != 200-refused {
		t.Errorf("200 wrong tokens: %d refused, %d slowed", refused, slowed)
	}
	if r := get("198.51.100.7", testToken); r.Code != http.StatusOK {
		t.Errorf("the right token from another address: %d", r.Code)
	}
	if strings.Contains(logs.String(), "wrong-token") || strings.Count(logs.String(), `msg="admin token refused"`) != refused {
		t.Errorf("log:\n%s", logs.String())
	}
	if got := testutil.ToFloat64(f.admin.authFailures.Counter(metrics.ViaToken)); got != float64(refused) {
		t.Errorf("token failures counted %v, want %d", got, refused)
	}
}

// TestLogText: a long or broken text makes a short, valid log value.
func TestLogText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"kort", "kort"},
		{strings.Repeat("x", 64<<10), strings.Repeat("x", maxLogText) + "…"},
		{"a\xffb", "a\uFFFDb"},
		{strings.Repeat("ø", 150), strings.Repeat("ø", 100) + "…"},
	}
	for _, tt := range tests {
		if got := logText(tt.in); got != tt.want {
			t.Errorf("logText(%.20q…) = %.40q…, want %.40q…", tt.in, got, tt.want)
		}
	}
}

// TestPasswordChangeEndsSessions: a session opened with the old password
// is not valid once the admin's password_hash changes.
func TestPasswordChangeEndsSessions(t *testing.T) {
	f := newFixture(t, "sqlite")
	c := f.client(t)
	f.login(t, c)
	if r := get(t, c, f.srv.URL+"/admin/", nil); r.StatusCode != http.StatusOK {
		t.Fatalf("with a session: %s", r.Status)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte("a new password"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	f.admin.hashes["anna"] = hash
	if r := get(t, c, f.srv.URL+"/admin/", nil); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/login" {
		t.Errorf("after a password change: %s", r.Status)
	}
}

// TestVersionsKeepNames: after a members list renames an organisation,
// the preview lists the rename, and an earlier version downloads with the
// name it had.
func TestVersionsKeepNames(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s.Driver())
		ctx := context.Background()
		c := f.client(t)
		f.login(t, c)
		members := func(name string) register.File {
			return register.File{Name: "m.xlsx", Data: workbookOfSheets(t, "members", [][]string{register.MembersColumns, {"kl", name, "other", "2016-01-01", ""}})}
		}
		importFile := func(file register.File, wantPreview string) {
			t.Helper()
			f.tick()
			prev := upload(t, c, f.srv.URL+"/admin/upload?lang=en", nil, file)
			m := uploadID.FindStringSubmatch(prev.body)
			if prev.StatusCode != http.StatusOK || m == nil || !strings.Contains(prev.body, wantPreview) {
				t.Fatalf("preview: %s\n%s", prev.Status, prev.body)
			}
			if r := post(t, c, f.srv.URL+"/admin/import", url.Values{"upload": {m[1]}}, nil); r.StatusCode != http.StatusOK {
				t.Fatalf("import: %s", r.Status)
			}
		}
		importFile(members("KL"), "Importing m.xlsx adds 1 row,")
		importFile(members("Kommunernes Landsforening"), "<td>Kommunernes Landsforening, other</td><td>KL, other</td>")
		imps, _ := f.store.RegisterImports(ctx)
		if imps[0].Changed != 1 || imps[0].Unchanged != 1 {
			t.Errorf("the rename recorded as %+v", imps[0])
		}
		page := get(t, c, f.srv.URL+"/admin/log?lang=en", nil)
		for _, want := range []string{"<li>Changed: Kommunernes Landsforening (kl), Kommunernes Landsforening, other (before: KL, other)</li>",
			"<li>Added: Kommunernes Landsforening (kl), from 1 January 2016</li>"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("the log lacks %s", want)
			}
		}
		for i, want := range []string{"kl,Kommunernes Landsforening,other", "kl,KL,other"} {
			dl := get(t, c, f.srv.URL+"/admin/log/"+imps[i].ID+"/members.csv", nil)
			if !strings.Contains(dl.body, want) {
				t.Errorf("version %s: %q, want %q", imps[i].ID, dl.body, want)
			}
		}
	})
}

// workbookOfSheets is a workbook with one sheet of text rows.
func workbookOfSheets(t *testing.T, name string, rows [][]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := soak.WriteSheet(&buf, name, soak.Rows(len(rows), func(i int) []string { return rows[i] })); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestLogShowsValidText: a change recorded before fields were checked,
// with invalid UTF-8 in its detail, is shown as valid text.
func TestLogShowsValidText(t *testing.T) {
	f := newFixture(t, "sqlite")
	c := f.client(t)
	f.login(t, c)
	_, err := f.store.ImportRegister(context.Background(), storage.Register{Source: "old\xff.csv", Adoptions: []storage.AdoptionRecord{},
		Audit: storage.Audit{Action: storage.ActionEdit, Detail: "adoption: 101,os2forms,production,2020-01-01,,bad \xff\xfe note"}})
	if err != nil {
		t.Fatal(err)
	}
	r := get(t, c, f.srv.URL+"/admin/log", nil)
	if r.StatusCode != http.StatusOK || !utf8.ValidString(r.body) || !strings.Contains(r.body, "bad \uFFFD note") {
		t.Errorf("%s: valid UTF-8 %v", r.Status, utf8.ValidString(r.body))
	}
}
