package dashboard

import (
	"context"
	"net/url"
	"strings"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/locale"
)

// view is what every page template receives as dot: the request's
// language, date and links, the layout's data, and the page's own data in
// Data. The language's methods (T, Tf, Int, Pct, …) are promoted, so
// templates write {{.T "key"}}, {{.Int 3}}, {{.Pct 0.724}},
// {{.Link "/data"}}.
type view struct {
	locale.Lang
	LangExplicit bool       // ?lang= was given; links keep it
	Date         civil.Date // figures are as of this date
	DateSet      bool       // ?date= was given; links keep it
	Today        civil.Date
	Path         string
	Nonce        string // CSP nonce of this rendering, kept with the cached page, for any inline element a page may need
	Embed        bool   // chart without page chrome, may be framed
	Illustrative bool
	Portfolio    string
	AssetVersion string
	Release      string // os2pulse's version, for the footer
	Status       int
	// Origin is the site's address as the visitor reached it
	// ("https://pulse.os2.eu"), for the code that embeds a chart on
	// another site.
	Origin string

	// HasCharts decides whether the layout loads the chart script;
	// chart constructors set it. HasTables loads the script that sorts and
	// filters tables, HasPrint the print button's.
	HasCharts bool
	HasTables bool
	HasPrint  bool

	// registerUnread: the page reads the register, which has never been
	// read, so nothing is known of who runs what (set before rendering).
	registerUnread bool

	Data any

	cfg    *config.Config
	footer footer
}

type viewKey struct{}

// viewFrom returns the view the page wrapper stored in the context.
func viewFrom(ctx context.Context) *view {
	v, _ := ctx.Value(viewKey{}).(*view)
	return v
}

// DateText formats the page's date.
func (v *view) DateText() string { return v.Lang.Date(v.Date) }

// DateISO is the page's date as YYYY-MM-DD.
func (v *view) DateISO() string { return v.Date.String() }

// YearAgo is the date one year before the page's date, which "change over
// the last year" compares with.
func (v *view) YearAgo() civil.Date { return v.Date.AddDate(-1, 0, 0) }

// Def returns the definition with the given id in the page language:
// .Title, .Short and .Full.
func (v *view) Def(id string) map[string]string {
	d := figures.DefinitionOf(id)
	l := string(v.Lang)
	return map[string]string{"Title": d.Title.In(l), "Short": d.Short.In(l), "Full": d.Full.In(l)}
}

// Link returns p with the page's lang and date parameters when they were
// given, plus extra key/value pairs, so navigating keeps both.
func (v *view) Link(p string, kv ...string) string {
	q := url.Values{}
	if v.LangExplicit {
		q.Set("lang", string(v.Lang))
	}
	if v.DateSet {
		q.Set("date", v.DateISO())
	}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	if len(q) == 0 {
		return p
	}
	return p + "?" + q.Encode()
}

// DataLink returns an export link (/api/v1/…) for the page's date; unlike
// Link it always names the date, so a downloaded file says what it is, and
// never the language, which the API does not use.
func (v *view) DataLink(p string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	if q.Get("date") == "" && q.Get("to") == "" {
		q.Set("date", v.DateISO())
	}
	return p + "?" + q.Encode()
}

// OtherLang is the language the switch offers.
func (v *view) OtherLang() locale.Lang { return v.Lang.Other() }

// LangSwitch links the current page in the other language.
func (v *view) LangSwitch() string { return v.LangLink(v.OtherLang()) }

// LangLink links the current page in language l.
func (v *view) LangLink(l locale.Lang) string {
	q := url.Values{"lang": {string(l)}}
	if v.DateSet {
		q.Set("date", v.DateISO())
	}
	return v.Path + "?" + q.Encode()
}

// TodayLink links the current page without a date.
func (v *view) TodayLink() string {
	if v.LangExplicit {
		return v.Path + "?lang=" + string(v.Lang)
	}
	return v.Path
}

// navItem is one entry of the main menu.
type navItem struct {
	Href    string
	Label   string
	Current bool
}

// Nav is the main menu: the overview, the catalogue of products (and
// each product's page), the organisations (and each one's page), goals,
// governance, the annual reports and the data.
func (v *view) Nav() []navItem {
	under := func(p string) bool { return v.Path == p || strings.HasPrefix(v.Path, p+"/") }
	return []navItem{
		{v.Link("/"), v.T("nav.overview"), v.Path == "/"},
		{v.Link("/products"), v.T("nav.products"), under("/products")},
		{v.Link("/organizations"), v.T("nav.organizations"), under("/organizations")},
		{v.Link("/goals"), v.T("nav.goals"), under("/goals")},
		{v.Link("/governance"), v.T("nav.governance"), under("/governance")},
		{v.Link("/report"), v.T("nav.report"), under("/report")},
		{v.Link("/data"), v.T("nav.data"), under("/data")},
	}
}

// embedLink is the address of the embeddable chart name, in the page's
// language, with extra key/value pairs; never with the page's date, so
// that an embedded chart stays current.
func (v *view) embedLink(name string, kv ...string) string {
	q := url.Values{"lang": {string(v.Lang)}}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return "/embed/" + name + "?" + q.Encode()
}

// License is the data licence as the footer and embeds show it.
type License struct {
	Name string
	URL  string // "" when the licence has no address
}

// License returns the data licence of the published figures.
func (v *view) License() License {
	return License{Name: v.cfg.Portfolio.DataLicense, URL: v.cfg.Portfolio.DataLicenseURL}
}

// TodayISO is today as YYYY-MM-DD, the latest date the date picker
// offers: there are no figures about the future.
func (v *view) TodayISO() string { return v.Today.String() }

// footer is what the layout's footer says about the data sources.
type footer struct {
	Sources []footerSource
}

type footerSource struct {
	Label     string
	Detail    string
	Collected string // formatted time of the last successful run, or ""
}

// Footer returns the footer's data.
func (v *view) Footer() footer { return v.footer }

// loadFooter reads when each source was last collected (cached per data
// version by the figures calculator).
func (s *Server) loadFooter(ctx context.Context, v *view) error {
	last, err := s.figures.LastSuccess(ctx)
	if err != nil {
		return err
	}
	collected := func(src string) string {
		if t, ok := last[src]; ok {
			return v.Time(t)
		}
		return ""
	}
	var f footer
	if s.cfg.Register.Adoption != "" || s.cfg.Register.Members != "" {
		f.Sources = append(f.Sources, footerSource{v.T("footer.register"), registerSourceText(s.cfg), collected(config.SourceRegister)})
	}
	if !s.cfg.GitHub.Disabled {
		f.Sources = append(f.Sources, footerSource{v.T("footer.github"), strings.TrimSuffix(s.cfg.GitHub.APIURL, "/"), collected(config.SourceGitHub)})
	}
	if len(s.cfg.Activity) > 0 {
		f.Sources = append(f.Sources, footerSource{v.T("footer.activity"), v.Nf("footer.activity.n", len(s.cfg.Activity), v.Int(len(s.cfg.Activity))), collected(config.SourceActivity)})
	}
	v.footer = f
	return nil
}

// registerSourceText names the register files as figures.RegisterFileNames
// does.
func registerSourceText(c *config.Config) string {
	return figures.RegisterFileNames(c.Register.Adoption + ", " + c.Register.Members)
}
