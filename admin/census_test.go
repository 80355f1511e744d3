package admin

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/figures"
	"os2pulse/locale"
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
