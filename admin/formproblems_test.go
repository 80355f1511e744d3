package admin

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"os2pulse/civil"
	"os2pulse/locale"
	"os2pulse/problems"
	"os2pulse/register"
	"os2pulse/storage"
)

// TestFormProblemsInDanish: every problem the forms can have has Danish
// words: each known kind of mistake, typed into each form, is matched by
// a pattern.
func TestFormProblemsInDanish(t *testing.T) {
	f := newFixture(t, "sqlite")
	ms, _ := storage.Municipalities()
	cur := register.Contents{
		Adoptions:   []storage.AdoptionRecord{rec("101", "os2forms", "production", "2020-01-01")},
		Memberships: []storage.Membership{{OrganizationID: "101", Since: civil.MustParse("2015-01-01")}},
		Organizations: append(ms, storage.Organization{ID: "f1", Name: "Fælles", Kind: storage.KindOther},
			storage.Organization{ID: "f2", Name: "Fælles", Kind: storage.KindOther}),
	}
	a := func(org, product, status, since, until, note string) map[string]string {
		return map[string]string{"organization": org, "product": product, "status": status, "since": since, "until": until, "note": note}
	}
	m := func(org, since, until string) map[string]string {
		return map[string]string{"organization": org, "member_since": since, "member_until": until}
	}
	cases := []struct {
		name string
		err  func() error
	}{
		{"empty", func() error { _, err := register.AddAdoption(f.admin.cfg, cur, a("", "", "", "", "", "")); return err }},
		{"unknown", func() error {
			_, err := register.AddAdoption(f.admin.cfg, cur, a("Frederiks", "os2foo", "drift", "02/03/2020", "x", ""))
			return err
		}},
		{"unknown without suggestion", func() error {
			_, err := register.AddAdoption(f.admin.cfg, cur, a("Qqqqqq", "os2forms", "pilot", "2020-01-01", "2019-01-01", ""))
			return err
		}},
		{"code and ambiguous", func() error {
			_, err := register.AddAdoption(f.admin.cfg, cur, a("999", "os2forms", "pilot", "2020-01-01", "2020-01-01", ""))
			return err
		}},
		{"ambiguous name", func() error {
			_, err := register.AddAdoption(f.admin.cfg, cur, a("Fælles", "os2forms", "pilot", "2020-01-01", "", ""))
			return err
		}},
		{"text", func() error {
			_, err := register.AddAdoption(f.admin.cfg, cur, a("Vejle\xff", "os2forms\x00", "pilot\u202e", "2020-01-01\x01", "\uffff", strings.Repeat("x", 2000)+"\tx"))
			return err
		}},
		{"tab and length", func() error {
			_, err := register.AddAdoption(f.admin.cfg, cur, a("Vejle", "os2forms", "pilot", "2020-01-01", "", "a\tb"))
			return err
		}},
		{"long", func() error {
			_, err := register.AddAdoption(f.admin.cfg, cur, a("Vejle", "os2forms", "pilot", "2020-01-01", "", strings.Repeat("x", 2000)))
			return err
		}},
		{"overlap", func() error {
			_, err := register.AddAdoption(f.admin.cfg, cur, a("101", "os2forms", "pilot", "2021-01-01", "", ""))
			return err
		}},
		{"same since", func() error {
			_, err := register.AddAdoption(f.admin.cfg, cur, a("101", "os2forms", "pilot", "2020-01-01", "", ""))
			return err
		}},
		{"duplicate", func() error {
			_, err := register.AddAdoption(f.admin.cfg, cur, a("101", "os2forms", "production", "2020-01-01", "", ""))
			return err
		}},
		{"end missing", func() error {
			_, err := register.EndAdoption(f.admin.cfg, cur, a("101", "os2forms", "", "2020-01-02", "", ""))
			return err
		}},
		{"end nothing", func() error {
			_, err := register.EndAdoption(f.admin.cfg, cur, a("101", "os2forms", "", "2020-01-02", "2021-01-01", ""))
			return err
		}},
		{"membership", func() error { _, err := register.AddMembership(cur, m("101", "2010-01-01", "")); return err }},
		{"membership missing", func() error { _, err := register.EndMembership(cur, m("", "", "")); return err }},
		{"membership nothing", func() error { _, err := register.EndMembership(cur, m("101", "2016-01-01", "2017-01-01")); return err }},
		{"membership order", func() error { _, err := register.AddMembership(cur, m("751", "2016-01-01", "2015-01-01")); return err }},
	}
	for _, c := range cases {
		ps := problems.Of(c.err())
		if len(ps) == 0 {
			t.Errorf("%s: no problems", c.name)
		}
		for _, p := range ps {
			_, text := splitFormProblem(p)
			if da := problemText(locale.DA, text); da == text {
				t.Errorf("%s: no Danish for %q", c.name, text)
			}
		}
	}
}

// TestFormProblemsShown: a form with mistakes comes back with what was
// typed and every problem next to its field, in the page's language.
func TestFormProblemsShown(t *testing.T) {
	f := newFixture(t, "sqlite")
	c := f.client(t)
	f.login(t, c)
	form := url.Values{"organization": {"Frederiks"}, "product": {"os2faktor"}, "status": {"pilot"}, "since": {"02/03/2020"}, "note": {`<b>"mit" notat</b>`}, "action": {"add"}}
	r := post(t, c, f.srv.URL+"/admin/adoption", form, nil)
	for _, want := range []string{
		`value="Frederiks" aria-invalid="true">`,
		`<li>ukendt organisation &#34;Frederiks&#34;: hverken en kommunekode (101–860) eller defineret i medlemslisten; mente du Frederiksberg, Frederikshavn eller Frederikssund?</li>`,
		`value="02/03/2020" aria-invalid="true">`,
		`<li>&#34;02/03/2020&#34; er tvetydig (dag eller måned først?): skriv ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ</li>`,
		`<option value="os2faktor" selected>`,
		`<option value="pilot" selected>`,
		`value="&lt;b&gt;&#34;mit&#34; notat&lt;/b&gt;"`,
	} {
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, want) {
			t.Errorf("%s: the page lacks %s", r.Status, want)
		}
	}
	en := post(t, c, f.srv.URL+"/admin/adoption?lang=en", form, nil)
	if !strings.Contains(en.body, `<li>since &#34;02/03/2020&#34; is ambiguous (day or month first?): write YYYY-MM-DD or DD-MM-YYYY</li>`) {
		t.Errorf("English page:\n%s", en.body)
	}
	if v, _ := f.store.RegisterVersion(t.Context()); v != "0" {
		t.Errorf("a form with problems changed the register (version %s)", v)
	}
}
