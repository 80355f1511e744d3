package admin

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"os2pulse/civil"
	"os2pulse/locale"
	"os2pulse/register"
	"os2pulse/storage"
)

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
