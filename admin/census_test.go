package admin

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/register"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// censusLink finds the links a page shows.
var censusLinkRE = regexp.MustCompile(`/census/([A-Za-z0-9_-]{22})\b`)

// seedRegister stores the register the census tests start from: 101 and
// 751 members, 101 running OS2forms, 751 piloting OS2faktor.
func (f *fixture) seedRegister(t testing.TB) {
	t.Helper()
	reg := storage.Register{Source: "seed.xlsx",
		Adoptions: []storage.AdoptionRecord{rec("101", "os2forms", "production", "2020-01-01"), rec("751", "os2faktor", "pilot", "2021-01-01")},
		Members:   []storage.Membership{{OrganizationID: "101", Since: civil.MustParse("2015-01-01")}, {OrganizationID: "751", Since: civil.MustParse("2016-01-01")}},
		Audit:     storage.Audit{Via: storage.ViaCommandLine}}
	if _, err := f.store.ImportRegister(context.Background(), reg); err != nil {
		t.Fatal(err)
	}
	f.tick()
}

// openCensus opens "Census 2027" for both members and returns the links
// by organisation id.
func (f *fixture) openCensus(t testing.TB, c *http.Client) (string, map[string]string) {
	t.Helper()
	form := url.Values{"name": {"Census 2027"}, "opens": {"2026-12-01"}, "closes": {"2026-12-31"}, "org": {"101", "751"}}
	resp := post(t, c, f.srv.URL+"/admin/census", form, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("open: %s\n%s", resp.Status, resp.body)
	}
	// The same links as a CSV file, inside the page.
	csvURL := regexp.MustCompile(`href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)"`).FindStringSubmatch(resp.body)
	if csvURL == nil {
		t.Fatalf("no CSV of the links:\n%s", resp.body)
	}
	csvData, err := base64.StdEncoding.DecodeString(csvURL[1])
	if err != nil || !strings.HasPrefix(string(csvData), "\uFEFForganization,name,link\n") || strings.Count(string(csvData), "/census/") != len(form["org"]) {
		t.Errorf("links CSV %q %v", csvData, err)
	}
	links := map[string]string{}
	for _, row := range regexp.MustCompile(`<tr><td>[^<]*\((\d+)\)</td><td><code class="sha">[^<]*/census/([A-Za-z0-9_-]+)</code>`).FindAllStringSubmatch(resp.body, -1) {
		links[row[1]] = row[2]
	}
	cs, err := f.store.Censuses(context.Background())
	if err != nil || len(cs) == 0 || len(links) != 2 {
		t.Fatalf("censuses %v %v, links %v\n%s", cs, err, links, resp.body)
	}
	return cs[0].ID, links
}

// TestCensusFromOpeningToAcceptance: a census from opening to an
// accepted answer on both databases; the register and its figures change
// only when the secretariat accepts, and only with what it ticked.
func TestCensusFromOpeningToAcceptance(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s.Driver())
		ctx := context.Background()
		f.seedRegister(t)
		c := f.client(t)
		f.login(t, c)

		list := get(t, c, f.srv.URL+"/admin/census", nil)
		if list.StatusCode != http.StatusOK || !strings.Contains(list.body, `value="101" checked`) || !strings.Contains(list.body, `value="751" checked`) {
			t.Fatalf("census page: %s\n%s", list.Status, list.body)
		}
		id, links := f.openCensus(t, c)

		// Tokens: 128 random bits, only their SHA-256 stored.
		invs, _ := f.store.CensusInvitations(ctx, id)
		for _, inv := range invs {
			token := links[inv.OrganizationID]
			raw, err := base64.RawURLEncoding.DecodeString(token)
			sum := sha256.Sum256([]byte(token))
			if err != nil || len(raw) != 16 || inv.TokenHash != hex.EncodeToString(sum[:]) || strings.Contains(inv.TokenHash, token) {
				t.Errorf("%s: token %q (%d bytes), stored %q", inv.OrganizationID, token, len(raw), inv.TokenHash)
			}
		}

		pub := f.client(t)
		page := get(t, pub, f.srv.URL+"/census/"+links["101"], nil)
		if page.StatusCode != http.StatusOK || len(page.Cookies()) != 0 || !strings.Contains(page.body, "Census 2027: København (101)") ||
			!strings.Contains(page.body, `name="r0.key" value="os2forms/2020-01-01"`) || strings.Contains(page.body, "<script") {
			t.Fatalf("organisation's page: %s %v\n%s", page.Status, page.Cookies(), page.body)
		}
		if page.Header.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(page.Header.Get("Content-Security-Policy"), "default-src 'none'") {
			t.Errorf("headers %v", page.Header)
		}

		answer := url.Values{"r0.key": {"os2forms/2020-01-01"}, "r0.answer": {"change"}, "r0.status": {"production"}, "r0.since": {"2020-01-01"}, "r0.until": {"30-06-2026"},
			"n0.product": {"os2borgerpc"}, "n0.status": {"production"}, "n0.since": {"2025-01-01"}, "n0.until": {""},
			"n1.product": {""}, "n1.status": {""}, "n1.since": {""}, "n1.until": {""},
			"contact_name": {"Bo Hansen"}, "contact_role": {"IT-chef"}, "contact_email": {"bo@kk.dk"}, "note": {"Vi stoppede OS2forms i sommer."}}
		saved := post(t, pub, f.srv.URL+"/census/"+links["101"]+"?lang=en", answer, nil)
		if saved.StatusCode != http.StatusSeeOther || saved.Header.Get("Location") != "/census/"+links["101"]+"?lang=en&saved=1" {
			t.Fatalf("save: %s %s\n%s", saved.Status, saved.Header.Get("Location"), saved.body)
		}
		again := get(t, pub, f.srv.URL+saved.Header.Get("Location"), nil)
		if !strings.Contains(again.body, `id="census-saved"`) || !strings.Contains(again.body, `value="change" checked`) ||
			!strings.Contains(again.body, `value="2026-06-30"`) || !strings.Contains(again.body, `<option value="os2borgerpc" selected>`) {
			t.Errorf("page after saving:\n%s", again.body)
		}
		// The contact is never shown on the public page again.
		if strings.Contains(again.body, "Bo Hansen") || strings.Contains(again.body, "bo@kk.dk") {
			t.Error("the public page shows the stored contact")
		}

		// Nothing reaches the register or the figures before review.
		if recs, _ := f.store.Adoptions(ctx, ""); len(recs) != 2 || !recs[0].Until.IsZero() {
			t.Errorf("register before review %+v", recs)
		}
		before, _ := f.admin.figures.Headline(ctx, f.admin.today())

		show := get(t, c, f.srv.URL+"/admin/census/"+id, nil)
		if !strings.Contains(show.body, "1 af 2 organisationer har svaret; 0 godkendt, 0 afvist, 1 venter på gennemgang.") || !strings.Contains(show.body, "bo@kk.dk") {
			t.Errorf("census page:\n%s", show.body)
		}
		rev := get(t, c, f.srv.URL+"/admin/census/"+id+"/answer/101", nil)
		if rev.StatusCode != http.StatusOK || strings.Count(rev.body, `name="change"`) != 2 || !strings.Contains(rev.body, "Bo Hansen") ||
			!strings.Contains(rev.body, "Vi stoppede OS2forms i sommer.") {
			t.Fatalf("review: %s\n%s", rev.Status, rev.body)
		}
		answeredAt := regexp.MustCompile(`name="answered_at" value="([^"]+)"`).FindStringSubmatch(rev.body)[1]
		version := regexp.MustCompile(`name="version" value="([^"]+)"`).FindStringSubmatch(rev.body)[1]
		// Item 0 is the change of OS2forms, item 1 the added OS2borgerPC.
		preview := post(t, c, f.srv.URL+"/admin/census/"+id+"/answer/101", url.Values{"action": {"preview"}, "change": {"1"}, "answered_at": {answeredAt}, "version": {version}}, nil)
		if preview.StatusCode != http.StatusOK || !strings.Contains(preview.body, `value="1" id="change-1" checked`) || strings.Contains(preview.body, `value="0" id="change-0" checked`) {
			t.Errorf("preview of a selection:\n%s", preview.body)
		}
		if v, _ := f.store.RegisterVersion(ctx); v != version {
			t.Error("a preview changed the register")
		}
		f.tick()
		done := post(t, c, f.srv.URL+"/admin/census/"+id+"/answer/101", url.Values{"action": {"accept"}, "change": {"1"}, "answered_at": {answeredAt}, "version": {version}}, nil)
		if done.StatusCode != http.StatusOK || !strings.Contains(done.body, "1 tilføjet, 0 ændret, 0 afsluttet, 2 uændret") {
			t.Fatalf("accept: %s\n%s", done.Status, done.body)
		}
		recs, _ := f.store.Adoptions(ctx, "")
		want := map[string]string{"os2borgerpc/101": "production/2025-01-01/", "os2faktor/751": "pilot/2021-01-01/", "os2forms/101": "production/2020-01-01/"}
		got := map[string]string{}
		for _, r := range recs {
			got[r.ProductID+"/"+r.OrganizationID] = r.Status + "/" + r.Since.String() + "/" + r.Until.String()
		}
		if len(got) != len(want) {
			t.Errorf("register after a partial accept %v", got)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("register after a partial accept: %s = %q, want %q", k, got[k], v)
			}
		}
		after, _ := f.admin.figures.Headline(ctx, f.admin.today())
		// The figures follow what was accepted, and only that: OS2forms
		// (its end not accepted) keeps its adopter.
		if adopters(before, "os2borgerpc") != 0 || adopters(after, "os2borgerpc") != 1 || adopters(before, "os2forms") != 1 || adopters(after, "os2forms") != 1 {
			t.Errorf("figures before %+v after %+v", before, after)
		}
		imports, _ := f.store.RegisterImports(ctx)
		if imports[0].Action != storage.ActionCensus || imports[0].Actor != "anna" || imports[0].Source != "Census 2027" ||
			!strings.Contains(imports[0].Detail, "101, answered "+answeredAt+"; 1 of 2 changes accepted") || strings.Contains(imports[0].Detail, "Bo") {
			t.Errorf("audit trail %+v", imports[0])
		}
		if a, _ := f.store.CensusAnswer(ctx, id, "101"); a.Review != storage.ReviewPartial || a.ImportID != imports[0].ID {
			t.Errorf("review %+v", a)
		}
		logPage := get(t, c, f.srv.URL+"/admin/log", nil)
		if !strings.Contains(logPage.body, "Optælling") || !strings.Contains(logPage.body, "anna") {
			t.Errorf("log page:\n%s", logPage.body)
		}

		// The organisation's page now starts from the register, which
		// holds what was accepted.
		reviewed := get(t, pub, f.srv.URL+"/census/"+links["101"], nil)
		if !strings.Contains(reviewed.body, `name="r0.key" value="os2borgerpc/2025-01-01"`) || strings.Contains(reviewed.body, `<option value="os2borgerpc" selected>`) ||
			!strings.Contains(reviewed.body, "Sekretariatet har gennemgået jeres svar") {
			t.Errorf("page after the review:\n%s", reviewed.body)
		}

		// The same preview cannot be accepted twice: the register moved on.
		if r := post(t, c, f.srv.URL+"/admin/census/"+id+"/answer/101", url.Values{"action": {"accept"}, "change": {"0"}, "answered_at": {answeredAt}, "version": {version}}, nil); r.StatusCode != http.StatusConflict {
			t.Errorf("stale accept: %s", r.Status)
		}

		// Progress and the reminder list.
		unanswered := get(t, c, f.srv.URL+"/admin/census/"+id+"/unanswered.csv", nil)
		if unanswered.body != "\uFEFForganization,name,answered_at,review,link\n751,Aarhus,,not_answered,active\n" {
			t.Errorf("unanswered.csv %q", unanswered.body)
		}
		progress := get(t, c, f.srv.URL+"/admin/census/"+id+"/progress.csv", nil)
		if !strings.Contains(progress.body, "101,København,"+answeredAt+",partial,active\n") || strings.Contains(progress.body, "bo@kk.dk") {
			t.Errorf("progress.csv %q", progress.body)
		}
	})
}

// adopters is a product's adopters in headline figures.
func adopters(h figures.Headline, product string) int {
	for _, p := range h.Products {
		if p.ID == product {
			return p.Adopters.All
		}
	}
	return -1
}

// TestCensusLinks: unknown, revoked, replaced, not yet open and closed
// links all get one plain page; a reissued link works; after closing
// nothing is taken and the contacts can be purged.
func TestCensusLinks(t *testing.T) {
	f := newFixture(t, "sqlite")
	ctx := context.Background()
	f.seedRegister(t)
	c := f.client(t)
	f.login(t, c)
	id, links := f.openCensus(t, c)
	pub := f.client(t)
	invalid := get(t, pub, f.srv.URL+"/census/AAAAAAAAAAAAAAAAAAAAAA", nil)
	if invalid.StatusCode != http.StatusNotFound || !strings.Contains(invalid.body, `id="census-invalid"`) {
		t.Fatalf("unknown link: %s\n%s", invalid.Status, invalid.body)
	}
	same := func(name, path string) {
		t.Helper()
		r := get(t, pub, f.srv.URL+path, nil)
		if r.StatusCode != invalid.StatusCode || r.body != invalid.body {
			t.Errorf("%s: %s, a page of its own:\n%s", name, r.Status, r.body)
		}
	}
	// The secretariat's pages need a login, whatever the link.
	for _, p := range []string{"/admin/census", "/admin/census/" + id, "/admin/census/" + id + "/unanswered.csv", "/admin/census/" + id + "/answer/101"} {
		if r := get(t, pub, f.srv.URL+p, nil); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/admin/login" {
			t.Errorf("GET %s without a login: %s", p, r.Status)
		}
	}
	for _, p := range []string{"/admin/census", "/admin/census/" + id + "/revoke", "/admin/census/" + id + "/reissue", "/admin/census/" + id + "/purge", "/admin/census/" + id + "/answer/101"} {
		if r := post(t, pub, f.srv.URL+p, url.Values{"org": {"101"}, "action": {"accept"}}, nil); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("POST %s without a login: %s", p, r.Status)
		}
	}
	same("malformed", "/census/%3Cscript%3E")
	same("no token", "/census/")

	if r := post(t, c, f.srv.URL+"/admin/census/"+id+"/revoke", url.Values{"org": {"751"}}, nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revoke: %s", r.Status)
	}
	same("revoked", "/census/"+links["751"])
	form := url.Values{"contact_name": {"X"}, "contact_email": {"x@y.dk"}, "r0.key": {"os2faktor/2021-01-01"}, "r0.answer": {"confirm"}, "r0.status": {"pilot"}, "r0.since": {"2021-01-01"}}
	if r := post(t, pub, f.srv.URL+"/census/"+links["751"], form, nil); r.StatusCode != invalid.StatusCode || r.body != invalid.body {
		t.Errorf("answer through a revoked link: %s", r.Status)
	}
	reissued := post(t, c, f.srv.URL+"/admin/census/"+id+"/reissue", url.Values{"org": {"751"}}, nil)
	m := censusLinkRE.FindStringSubmatch(reissued.body)
	if reissued.StatusCode != http.StatusOK || m == nil || m[1] == links["751"] {
		t.Fatalf("reissue: %s\n%s", reissued.Status, reissued.body)
	}
	same("replaced", "/census/"+links["751"])
	if r := get(t, pub, f.srv.URL+"/census/"+m[1], nil); r.StatusCode != http.StatusOK {
		t.Errorf("reissued link: %s", r.Status)
	}
	if r := post(t, pub, f.srv.URL+"/census/"+m[1], form, nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("answer through the reissued link: %s\n%s", r.Status, r.body)
	}
	// A form posted from another site is refused, as in /admin/.
	cross := http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}}
	if r := post(t, pub, f.srv.URL+"/census/"+links["101"], form, cross); r.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site answer: %s", r.Status)
	}

	// Purging is refused while open; after closing the links are dead and
	// the contacts can be erased.
	if r := post(t, c, f.srv.URL+"/admin/census/"+id+"/purge", nil, nil); r.StatusCode != http.StatusConflict {
		t.Errorf("purge while open: %s", r.Status)
	}
	f.now = time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)
	f.login(t, c) // the session has expired meanwhile
	same("closed", "/census/"+links["101"])
	if r := post(t, c, f.srv.URL+"/admin/census/"+id+"/reissue", url.Values{"org": {"101"}}, nil); r.StatusCode != http.StatusConflict {
		t.Errorf("reissue after closing: %s", r.Status)
	}
	if r := post(t, c, f.srv.URL+"/admin/census/"+id+"/purge", nil, nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("purge: %s", r.Status)
	}
	answers, _ := f.store.CensusAnswers(ctx, id)
	if len(answers) != 1 || answers[0].ContactName != "" || answers[0].ContactEmail != "" {
		t.Errorf("after purge %+v", answers)
	}
	if r := get(t, c, f.srv.URL+"/admin/census/"+id, nil); strings.Contains(r.body, "x@y.dk") || !strings.Contains(r.body, locale.DA.T("admin.census.purged")) {
		t.Errorf("census page after purge:\n%s", r.body)
	}

	// The same form sent again (a reload of the links page) opens no
	// second census.
	if r := post(t, c, f.srv.URL+"/admin/census", url.Values{"name": {"census 2027"}, "opens": {"2027-02-01"}, "closes": {"2027-02-28"}, "org": {"101"}}, nil); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="c-name-error"`) {
		t.Errorf("a second census of the same name: %s", r.Status)
	}

	// A census not open yet: its links wait.
	opened := post(t, c, f.srv.URL+"/admin/census", url.Values{"name": {"Later"}, "opens": {"2027-02-01"}, "closes": {"2027-02-28"}, "org": {"101"}}, nil)
	m = censusLinkRE.FindStringSubmatch(opened.body)
	if m == nil {
		t.Fatalf("open a later census:\n%s", opened.body)
	}
	same("not yet open", "/census/"+m[1])
	later := get(t, c, f.srv.URL+"/admin/census", nil)
	if !strings.Contains(later.body, locale.DA.T("admin.census.state.planned")) || !strings.Contains(later.body, locale.DA.T("admin.census.state.purged")) {
		t.Errorf("census list:\n%s", later.body)
	}
}

// TestCensusHostileInput: every field of the organisation's page is
// checked by the register's rules; a problem is shown next to its field,
// escaped, and nothing is stored.
func TestCensusHostileInput(t *testing.T) {
	f := newFixture(t, "sqlite")
	ctx := context.Background()
	f.seedRegister(t)
	c := f.client(t)
	f.login(t, c)
	id, links := f.openCensus(t, c)
	valid := func() url.Values {
		return url.Values{"r0.key": {"os2forms/2020-01-01"}, "r0.answer": {"confirm"}, "r0.status": {"production"}, "r0.since": {"2020-01-01"}, "r0.until": {""},
			"n0.product": {""}, "n0.status": {""}, "n0.since": {""}, "n0.until": {""},
			"contact_name": {"Bo"}, "contact_role": {"IT"}, "contact_email": {"bo@kk.dk"}, "note": {""}}
	}
	tests := []struct {
		name  string
		set   map[string]string
		field string // the id whose error is shown
	}{
		{"unknown answer", map[string]string{"r0.answer": "delete-all"}, "r0-answer"},
		{"fields changed under confirm", map[string]string{"r0.until": "2026-06-30"}, "r0-answer"},
		{"script as status", map[string]string{"r0.answer": "change", "r0.status": "<script>alert(1)</script>"}, "r0-status"},
		{"American date", map[string]string{"r0.answer": "change", "r0.since": "01/31/2020"}, "r0-since"},
		{"impossible date", map[string]string{"r0.answer": "change", "r0.since": "2020-02-30"}, "r0-since"},
		{"until before since", map[string]string{"r0.answer": "change", "r0.until": "2019-12-31"}, "r0-until"},
		{"until on since", map[string]string{"r0.answer": "change", "r0.until": "2020-01-01"}, "r0-until"},
		{"record not in the register", map[string]string{"r0.key": "os2forms/1999-01-01"}, "r0-answer"},
		{"unknown product", map[string]string{"n0.product": "os2evil", "n0.status": "production", "n0.since": "2025-01-01"}, "n0-product"},
		{"product id with SQL", map[string]string{"n0.product": "os2forms'; DROP TABLE adoptions; --", "n0.status": "production", "n0.since": "2025-01-01"}, "n0-product"},
		{"added without since", map[string]string{"n0.product": "os2faktor", "n0.status": "production"}, "n0-since"},
		{"added without status", map[string]string{"n0.product": "os2faktor", "n0.since": "2025-01-01"}, "n0-status"},
		{"added overlapping a confirmed record", map[string]string{"n0.product": "os2forms", "n0.status": "pilot", "n0.since": "2024-01-01"}, "n0-since"},
		{"no contact on the first answer", map[string]string{"contact_name": "", "contact_role": "", "contact_email": ""}, "contact-name"},
		{"two addresses", map[string]string{"contact_email": "bo@kk.dk, eve@evil.example"}, "contact-email"},
		{"address with a name", map[string]string{"contact_email": "Bo <bo@kk.dk>"}, "contact-email"},
		{"address without a domain", map[string]string{"contact_email": "bo@localhost"}, "contact-email"},
		{"header injection", map[string]string{"contact_email": "bo@kk.dk\r\nBcc: eve@evil.example"}, "contact-email"},
		{"NUL in a name", map[string]string{"contact_name": "Bo\x00"}, "contact-name"},
		{"newline in a role", map[string]string{"contact_role": "IT\nchef"}, "contact-role"},
		{"long name", map[string]string{"contact_name": strings.Repeat("å", maxText+1)}, "contact-name"},
		{"long note", map[string]string{"note": strings.Repeat("x", maxNote+1)}, "note"},
		{"invalid UTF-8", map[string]string{"note": "\xff\xfe"}, "note"},
	}
	pub := f.client(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := valid()
			for k, v := range tt.set {
				form.Set(k, v)
			}
			r := post(t, pub, f.srv.URL+"/census/"+links["101"], form, nil)
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="`+tt.field+`-error"`) ||
				!strings.Contains(r.body, `href="#`+tt.field+`"`) || strings.Contains(r.body, "<script>alert") {
				t.Errorf("%s: no error at %s:\n%s", r.Status, tt.field, r.body)
			}
			if answers, _ := f.store.CensusAnswers(ctx, id); len(answers) != 0 {
				t.Errorf("stored %+v", answers)
			}
		})
	}
	// The valid form is stored: the cases above failed for their reason.
	if r := post(t, pub, f.srv.URL+"/census/"+links["101"], valid(), nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("valid answer: %s\n%s", r.Status, r.body)
	}
	// A later answer may leave the contact out, but not give half of it.
	later := valid()
	later.Set("contact_name", "")
	later.Set("contact_email", "")
	later.Set("contact_role", "")
	if r := post(t, pub, f.srv.URL+"/census/"+links["101"], later, nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("answer keeping the contact: %s", r.Status)
	}
	later.Set("contact_role", "IT")
	if r := post(t, pub, f.srv.URL+"/census/"+links["101"], later, nil); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="contact-email-error"`) {
		t.Errorf("half a contact: %s", r.Status)
	}
	if a, _ := f.store.CensusAnswer(ctx, id, "101"); a.ContactName != "Bo" || a.ContactEmail != "bo@kk.dk" {
		t.Errorf("contact after later answers %+v", a)
	}
}

// TestCensusRateLimits: an address that tries unknown links is stopped,
// even with a good link; one link is limited however many addresses use
// it.
func TestCensusRateLimits(t *testing.T) {
	f := newFixture(t, "sqlite")
	f.seedRegister(t)
	c := f.client(t)
	f.login(t, c)
	_, links := f.openCensus(t, c)
	pub := f.client(t)
	for i := range maxBadPerAddr {
		if r := get(t, pub, f.srv.URL+"/census/guess"+strings.Repeat("x", i), nil); r.StatusCode != http.StatusNotFound {
			t.Fatalf("guess %d: %s", i, r.Status)
		}
	}
	r := get(t, pub, f.srv.URL+"/census/"+links["101"], nil)
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(r.body, `id="census-toomany"`) {
		t.Errorf("after %d guesses: %s", maxBadPerAddr, r.Status)
	}
	f.now = f.now.Add(censusWindow)
	if r := get(t, pub, f.srv.URL+"/census/"+links["101"], nil); r.StatusCode != http.StatusOK {
		t.Errorf("after the window: %s", r.Status)
	}
	// One link, many addresses (X-Forwarded-For is not trusted, so the
	// limit per link is what holds).
	for range maxPerToken {
		get(t, pub, f.srv.URL+"/census/"+links["751"], nil)
	}
	if r := get(t, pub, f.srv.URL+"/census/"+links["751"], nil); r.StatusCode != http.StatusTooManyRequests {
		t.Errorf("request %d of one link: %s", maxPerToken+1, r.Status)
	}
	if r := get(t, pub, f.srv.URL+"/census/"+links["101"], nil); r.StatusCode != http.StatusOK {
		t.Errorf("another link meanwhile: %s", r.Status)
	}
}

// FuzzCensusAnswer: whatever an organisation's form holds, checking it
// never fails, an answer found good can be accepted whole by the review
// on the same register, and the form shown again never holds markup from
// the input.
func FuzzCensusAnswer(f *testing.F) {
	f.Add("change", "production", "2020-01-01", "2026-06-30", "os2borgerpc", "pilot", "01-02-2025", "Bo", "bo@kk.dk", "note")
	f.Add("remove", "", "", "", "", "", "", "", "", "")
	f.Add("confirm", "<b>", "x", "y", "os2forms", "ophørt", "2020-01-01", "<script>", "a@b", "\x00")
	f.Add("change", "I drift", "1.1.2021", "31.12.2020", "OS2FAKTOR", "planlagt", "2030-01-01", "Å", "å@ø.dk", strings.Repeat("x", 3000))
	f.Add("confirm", "production", "2020-01-01", "", "os2forms", "pilot", "2019-01-01", "Bo", "bo@kk.dk", "")
	cfg := newFixture(f, "sqlite").admin.cfg
	a := New(Options{Config: cfg})
	ms, _ := storage.Municipalities()
	cur := register.Contents{Organizations: ms, Adoptions: []storage.AdoptionRecord{rec("101", "os2forms", "production", "2020-01-01"), rec("751", "os2forms", "pilot", "2021-01-01")}}
	f.Fuzz(func(t *testing.T, answer, status, since, until, product, addStatus, addSince, name, email, note string) {
		form := url.Values{"r0.key": {"os2forms/2020-01-01"}, "r0.answer": {answer}, "r0.status": {status}, "r0.since": {since}, "r0.until": {until},
			"n0.product": {product}, "n0.status": {addStatus}, "n0.since": {addSince}, "n0.until": {""},
			"contact_name": {name}, "contact_role": {""}, "contact_email": {email}, "note": {note}}
		d := censusPageData{Errors: map[string]string{}, NeedContact: true}
		items := a.checkAnswer(locale.DA, form, "101", &d, cur)
		if len(d.Errors) == 0 && !d.hasRowErrors() {
			ps := proposals("101", items, a.orgRecords(cur, "101"))
			all := map[int]bool{}
			for _, p := range ps {
				all[p.Item] = true
			}
			if _, probs := register.OrganizationAdoptions(cfg, cur, "101", applyProposals(a.orgRecords(cur, "101"), ps, all)); len(probs) > 0 {
				t.Errorf("a good answer %+v cannot be accepted: %+v", items, probs)
			}
			return
		}
		d.summarise(locale.DA)
		d.Adds = padAdds(d.Adds)
		w := httptest.NewRecorder()
		a.renderCensus(w, httptest.NewRequest(http.MethodPost, "/census/x", nil), http.StatusUnprocessableEntity, d)
		body := w.Body.String()
		if w.Code != http.StatusUnprocessableEntity || len(d.Summary) == 0 {
			t.Errorf("%d, summary %v", w.Code, d.Summary)
		}
		for _, v := range []string{answer, status, since, until, product, addStatus, addSince, name, email, note} {
			if strings.ContainsAny(v, "<>") && strings.Contains(body, v) {
				t.Errorf("%q shown unescaped", v)
			}
		}
	})
}

// TestOpenCensusErrors: every field of the opening form is checked, each
// problem shown at its field, and nothing is stored.
func TestOpenCensusErrors(t *testing.T) {
	f := newFixture(t, "sqlite")
	f.seedRegister(t)
	c := f.client(t)
	f.login(t, c)
	tests := []struct {
		name  string
		set   url.Values
		field string
	}{
		{"no name", url.Values{"name": {""}}, "c-name"},
		{"name with a control character", url.Values{"name": {"Census\x1b[2027"}}, "c-name"},
		{"long name", url.Values{"name": {strings.Repeat("x", maxCensusName+1)}}, "c-name"},
		{"bad opening", url.Values{"opens": {"1 December"}}, "c-opens"},
		{"closes before it opens", url.Values{"closes": {"2026-11-30"}}, "c-closes"},
		{"closed already", url.Values{"opens": {"2026-11-01"}, "closes": {"2026-11-30"}}, "c-closes"},
		{"nobody asked", url.Values{"org": nil}, "c-orgs"},
		{"an organisation not offered", url.Values{"org": {"101", "999"}}, "c-orgs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"name": {"Census 2027"}, "opens": {"2026-12-01"}, "closes": {"2026-12-31"}, "org": {"101", "751"}}
			for k, v := range tt.set {
				form[k] = v
			}
			r := post(t, c, f.srv.URL+"/admin/census", form, nil)
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, `id="`+tt.field+`-error"`) || strings.Contains(r.body, "/census/") && censusLinkRE.MatchString(r.body) {
				t.Errorf("%s:\n%s", r.Status, r.body)
			}
			if cs, _ := f.store.Censuses(context.Background()); len(cs) != 0 {
				t.Errorf("stored %+v", cs)
			}
		})
	}
}

// TestCensusLabelsBuiltFromValues: every catalogue key the census builds
// from a value has both languages.
func TestCensusLabelsBuiltFromValues(t *testing.T) {
	keys := []string{"admin.action." + storage.ActionCensus}
	for _, s := range []string{"planned", "open", "closed", "purged"} {
		keys = append(keys, "admin.census.state."+s)
	}
	for _, r := range []string{storage.ReviewWaiting, storage.ReviewAccepted, storage.ReviewPartial, storage.ReviewRejected} {
		keys = append(keys, "admin.census.review."+reviewKey(r))
	}
	for _, k := range []string{storage.ChangeAdded, storage.ChangeChanged, storage.ChangeEnded, answerChange, answerRemove} {
		keys = append(keys, "admin.census.kind."+k)
	}
	for _, f := range []string{"product", "status", "since", "until", "organization"} {
		keys = append(keys, "census.error.rule."+ruleKey(f))
	}
	for _, a := range []string{answerConfirm, answerChange, answerRemove} {
		keys = append(keys, "census.answer."+a)
	}
	for _, f := range []string{"product", "status", "since", "until", "contact_name", "contact_role", "contact_email", "note"} {
		keys = append(keys, "census.field."+f)
	}
	for _, k := range keys {
		if !locale.Has(k) {
			t.Errorf("%s is not in the catalogue", k)
		}
	}
}

// TestProposals: what an answer asks of the register as it stands, and
// the organisation's records with a chosen part of it applied.
func TestProposals(t *testing.T) {
	d := civil.MustParse
	current := []storage.AdoptionRecord{rec("101", "os2forms", "production", "2020-01-01"), rec("101", "os2faktor", "pilot", "2021-01-01"),
		rec("101", "os2borgerpc", "production", "2022-01-01")}
	items := []censusItem{
		{Product: "os2forms", Since: d("2020-01-01"), Answer: answerConfirm},
		{Product: "os2faktor", Since: d("2021-01-01"), Answer: answerChange, Status: "production", NewSince: d("2021-01-01")},
		{Product: "os2borgerpc", Since: d("2022-01-01"), Answer: answerChange, Status: "production", NewSince: d("2022-01-01")}, // the same: no change
		{Product: "os2forms", Since: d("2019-01-01"), Answer: answerRemove},                                                     // not in the register
		{Product: "os2kitos", Answer: answerAdd, Status: "planned", NewSince: d("2027-01-01")},
		{Product: "os2borgerpc", Answer: answerAdd, Status: "production", NewSince: d("2022-01-01")}, // there already
	}
	ps := proposals("101", items, current)
	var got []string
	for _, p := range ps {
		got = append(got, fmt.Sprintf("%d:%s:%v", p.Item, p.Kind, p.Stale))
	}
	if want := "1:changed:false 3:remove:true 4:added:false"; strings.Join(got, " ") != want {
		t.Fatalf("proposals %v, want %s", got, want)
	}
	tests := []struct {
		name   string
		chosen map[int]bool
		want   string
	}{
		{"none", map[int]bool{}, "os2forms:production os2faktor:pilot os2borgerpc:production"},
		{"all", map[int]bool{1: true, 3: true, 4: true}, "os2forms:production os2faktor:production os2borgerpc:production os2kitos:planned"},
		{"the addition only", map[int]bool{4: true}, "os2forms:production os2faktor:pilot os2borgerpc:production os2kitos:planned"},
		{"a stale one ticked", map[int]bool{3: true}, "os2forms:production os2faktor:pilot os2borgerpc:production"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, r := range applyProposals(current, ps, tt.chosen) {
				got = append(got, r.ProductID+":"+r.Status)
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("got %v, want %s", got, tt.want)
			}
		})
	}
	// Removing applies too.
	rm := proposals("101", []censusItem{{Product: "os2faktor", Since: d("2021-01-01"), Answer: answerRemove}}, current)
	if recs := applyProposals(current, rm, map[int]bool{0: true}); len(recs) != 2 || recs[1].ProductID != "os2borgerpc" {
		t.Errorf("after removing %+v", recs)
	}
	if len(current) != 3 || current[1].Status != "pilot" {
		t.Errorf("the current records were changed in place: %+v", current)
	}
}
