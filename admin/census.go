package admin

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"os2pulse/civil"
	"os2pulse/locale"
	"os2pulse/register"
	"os2pulse/storage"
	"os2pulse/table"
)

// The census (docs/census.md): the secretariat opens a census under
// /admin/census and sends each organisation asked its personal link; the
// organisation answers at /census/{token} (census_public.go); each answer
// waits for review (census_review.go) before anything reaches the
// register.

// CensusStore is the storage the census pages need (a *storage.Store).
type CensusStore interface {
	CreateCensus(ctx context.Context, c storage.Census, invitations []storage.CensusInvitation) error
	Censuses(ctx context.Context) ([]storage.Census, error)
	Census(ctx context.Context, id string) (storage.Census, error)
	CensusInvitations(ctx context.Context, censusID string) ([]storage.CensusInvitation, error)
	CensusInvitationByToken(ctx context.Context, tokenHash string) (storage.Census, storage.CensusInvitation, error)
	ReissueCensusToken(ctx context.Context, censusID, org, tokenHash string) error
	RevokeCensusToken(ctx context.Context, censusID, org string) error
	SaveCensusAnswer(ctx context.Context, tokenHash string, day civil.Date, a storage.CensusAnswer) (storage.CensusAnswer, error)
	CensusAnswers(ctx context.Context, censusID string) ([]storage.CensusAnswer, error)
	CensusAnswer(ctx context.Context, censusID, org string) (storage.CensusAnswer, error)
	AcceptCensusAnswer(ctx context.Context, reg storage.Register, r storage.CensusReview) (storage.ImportSummary, error)
	RejectCensusAnswer(ctx context.Context, r storage.CensusReview) error
	PurgeCensusContacts(ctx context.Context, censusID string) error
}

const (
	// censusTokenBytes is a link's randomness: 128 bits.
	censusTokenBytes = 16
	// maxCensusName bounds a census's name; maxText any one-line field.
	maxCensusName = 100
	maxText       = 200
	// censusDays is how long a census is open by default.
	censusDays = 30
)

// censusRoutes adds the census pages, the secretariat's under /admin/ and
// the organisations' under /census/, to mux.
func (a *Admin) censusRoutes(mux *http.ServeMux) {
	mux.Handle("GET /admin/census", a.authed(a.censusList))
	mux.Handle("POST /admin/census", a.authed(a.openCensus))
	mux.Handle("GET /admin/census/{id}", a.authed(a.censusShow))
	mux.Handle("GET /admin/census/{id}/{file}", a.authed(a.censusCSV))
	mux.Handle("POST /admin/census/{id}/revoke", a.authed(a.revokeLink))
	mux.Handle("POST /admin/census/{id}/reissue", a.authed(a.reissueLink))
	mux.Handle("POST /admin/census/{id}/purge", a.authed(a.purgeCensus))
	mux.Handle("GET /admin/census/{id}/answer/{org}", a.authed(a.reviewPage))
	mux.Handle("POST /admin/census/{id}/answer/{org}", a.authed(a.review))
	mux.HandleFunc("GET /census/{token}", a.censusForm)
	mux.HandleFunc("POST /census/{token}", a.censusSave)
	mux.HandleFunc("/census/", a.censusUnknown)
}

// newCensusToken returns a link's token and the hash that is stored.
func newCensusToken() (token, hash string) {
	token = randomID(censusTokenBytes)
	return token, tokenHash(token)
}

// censusState is where a census is in its life on day.
func censusState(c storage.Census, day civil.Date) string {
	switch {
	case c.PurgedAt != "":
		return "purged"
	case day < c.Opens:
		return "planned"
	case day > c.Closes:
		return "closed"
	}
	return "open"
}

// censusProgress counts a census's answers.
type censusProgress struct {
	Asked, Answered, Accepted, Rejected, Waiting int
}

func progressOf(invs []storage.CensusInvitation, answers []storage.CensusAnswer) censusProgress {
	p := censusProgress{Asked: len(invs), Answered: len(answers)}
	for _, an := range answers {
		switch an.Review {
		case storage.ReviewAccepted, storage.ReviewPartial:
			p.Accepted++
		case storage.ReviewRejected:
			p.Rejected++
		default:
			p.Waiting++
		}
	}
	return p
}

// progressText says how far a census is: "41 of 74 organisations have
// answered; …".
func progressText(l locale.Lang, p censusProgress) string {
	return l.Nf("admin.census.progress", p.Asked, l.Int(p.Answered), l.Int(p.Asked), l.Int(p.Accepted), l.Int(p.Rejected), l.Int(p.Waiting))
}

// censusListData is the census start page's content.
type censusListData struct {
	Censuses []censusListRow
	Form     openForm
}

type censusListRow struct {
	ID, Name, Period, State, Progress string
}

// openForm is the form that opens a census, as typed, with its problems
// by field.
type openForm struct {
	Name, Opens, Closes string
	Orgs                []orgChoice
	Errors              map[string]string
}

type orgChoice struct {
	ID, Label string
	Member    bool
	Checked   bool
}

// censusList lists the censuses and offers to open one.
func (a *Admin) censusList(w http.ResponseWriter, r *http.Request) {
	lang, _ := locale.Choose(r)
	today := a.today()
	form, err := a.defaultOpenForm(r.Context(), today)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.renderCensusList(w, r, lang, http.StatusOK, form)
}

func (a *Admin) renderCensusList(w http.ResponseWriter, r *http.Request, lang locale.Lang, status int, form openForm) {
	ctx := r.Context()
	cs, err := a.store.Censuses(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := censusListData{Form: form, Censuses: []censusListRow{}}
	for _, c := range cs {
		invs, err := a.store.CensusInvitations(ctx, c.ID)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		answers, err := a.store.CensusAnswers(ctx, c.ID)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		d.Censuses = append(d.Censuses, censusListRow{ID: c.ID, Name: c.Name, Period: lang.Tf("admin.period", lang.Date(c.Opens), lang.Date(c.Closes)),
			State: lang.T("admin.census.state." + censusState(c, a.today())), Progress: progressText(lang, progressOf(invs, answers))})
	}
	a.render(w, r, status, "census_list", d)
}

// defaultOpenForm proposes a census of this year's members: every
// organisation that is a member today is ticked; other organisations
// with adoption records may be added.
func (a *Admin) defaultOpenForm(ctx context.Context, today civil.Date) (openForm, error) {
	f := openForm{Opens: today.String(), Closes: today.AddDays(censusDays).String(), Errors: map[string]string{}}
	choices, err := a.orgChoices(ctx, today)
	if err != nil {
		return f, err
	}
	for i := range choices {
		choices[i].Checked = choices[i].Member
	}
	f.Orgs = choices
	return f, nil
}

// orgChoices are the organisations a census may ask: the members on day
// first, then the others the register names, each by name.
func (a *Admin) orgChoices(ctx context.Context, day civil.Date) ([]orgChoice, error) {
	cur, err := register.ReadStored(ctx, a.store, "")
	if err != nil {
		return nil, err
	}
	names := orgNames(cur.Organizations)
	member := map[string]bool{}
	for _, m := range cur.Memberships {
		if m.Since <= day && (m.Until.IsZero() || day < m.Until) {
			member[m.OrganizationID] = true
		}
	}
	named := map[string]bool{}
	for id := range member {
		named[id] = true
	}
	for _, r := range cur.Adoptions {
		named[r.OrganizationID] = true
	}
	var out []orgChoice
	for id := range named {
		out = append(out, orgChoice{ID: id, Label: locale.OrgLabel(id, names[id]), Member: member[id]})
	}
	slices.SortFunc(out, func(x, y orgChoice) int {
		if x.Member != y.Member {
			if x.Member {
				return -1
			}
			return 1
		}
		return strings.Compare(x.Label, y.Label)
	})
	return out, nil
}

// linkRow is one organisation's personal link, shown once.
type linkRow struct {
	Organization, Name, Link string
}

// linksData is the page that shows new links: the only time they can be
// read, since only their hashes are kept.
type linksData struct {
	ID, Name string
	Links    []linkRow
	Text     string       // one line per link, to copy
	CSV      template.URL // the same as a CSV file, in the page itself
}

// openCensus opens a census from the form: every field checked, then the
// census and one link per organisation stored in one transaction.
func (a *Admin) openCensus(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := identityFrom(ctx)
	lang, _ := locale.Choose(r)
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		a.errorPage(w, r, http.StatusBadRequest, "admin.error.form")
		return
	}
	today := a.today()
	f := openForm{Name: strings.TrimSpace(r.PostForm.Get("name")), Opens: strings.TrimSpace(r.PostForm.Get("opens")),
		Closes: strings.TrimSpace(r.PostForm.Get("closes")), Errors: map[string]string{}}
	choices, err := a.orgChoices(ctx, today)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	picked := r.PostForm["org"]
	var asked []orgChoice
	for i, c := range choices {
		choices[i].Checked = slices.Contains(picked, c.ID)
		if choices[i].Checked {
			asked = append(asked, c)
		}
	}
	f.Orgs = choices
	if msg := checkText(lang, f.Name, maxCensusName, true); msg != "" {
		f.Errors["name"] = msg
	}
	// One name, one census: a form sent twice (a reload of the links
	// page) must not open a second census with other links.
	existing, err := a.store.Censuses(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	for _, c := range existing {
		if strings.EqualFold(c.Name, f.Name) {
			f.Errors["name"] = lang.T("admin.census.error.exists")
		}
	}
	opens, err := register.ParseDate("opens", f.Opens)
	if err != nil {
		f.Errors["opens"] = lang.T("census.error.date")
	}
	closes, err2 := register.ParseDate("closes", f.Closes)
	switch {
	case err2 != nil:
		f.Errors["closes"] = lang.T("census.error.date")
	case err == nil && closes < opens:
		f.Errors["closes"] = lang.T("admin.census.error.closes")
	case closes < today:
		f.Errors["closes"] = lang.T("admin.census.error.past")
	}
	if len(asked) == 0 || len(asked) != len(picked) {
		// An id not offered is as wrong as none.
		f.Errors["orgs"] = lang.T("admin.census.error.orgs")
	}
	if len(f.Errors) > 0 {
		a.renderCensusList(w, r, lang, http.StatusUnprocessableEntity, f)
		return
	}
	c := storage.Census{ID: randomID(9), Name: f.Name, Opens: opens, Closes: closes, CreatedBy: id.key()}
	invs := make([]storage.CensusInvitation, len(asked))
	links := make([]linkRow, len(asked))
	base := siteURL(r)
	for i, o := range asked {
		token, hash := newCensusToken()
		invs[i] = storage.CensusInvitation{OrganizationID: o.ID, TokenHash: hash}
		links[i] = linkRow{Organization: o.ID, Name: o.Label, Link: base + "/census/" + token}
	}
	if err := a.store.CreateCensus(ctx, c, invs); err != nil {
		a.fail(w, r, err)
		return
	}
	a.log.Info("census opened", "by", id.key(), "census", c.ID, "organisations", len(invs))
	a.renderLinks(w, r, c, links)
}

// renderLinks shows new links, to copy or to download as CSV.
func (a *Admin) renderLinks(w http.ResponseWriter, r *http.Request, c storage.Census, links []linkRow) {
	var text strings.Builder
	rows := make([][]string, len(links))
	for i, l := range links {
		text.WriteString(l.Name + "\t" + l.Link + "\n")
		rows[i] = []string{l.Organization, l.Name, l.Link}
	}
	var buf bytes.Buffer
	if err := table.WriteCSV(&buf, table.SepComma, []string{"organization", "name", "link"}, rows); err != nil {
		a.fail(w, r, err)
		return
	}
	// Built here from a fixed prefix and base64, so it is safe as a URL.
	csv := template.URL("data:text/csv;charset=utf-8;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
	a.render(w, r, http.StatusOK, "census_links", linksData{ID: c.ID, Name: c.Name, Links: links, Text: text.String(), CSV: csv})
}

// siteURL is the address the secretariat reached os2pulse at, which the
// organisations will use too.
func siteURL(r *http.Request) string {
	scheme := "http"
	if secure(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// censusRow is one organisation asked, on the census page.
type censusRow struct {
	ID, Organization              string
	Answered, Review, ReviewClass string
	Contact, Email, Link          string
	Revoked, HasAnswer            bool
}

// censusShowData is one census's page.
type censusShowData struct {
	ID, Name, Period, State, Progress string
	CanPurge, Purged, Open            bool
	Rows                              []censusRow
}

// censusShow shows a census's progress per organisation, with the
// contacts (only here), and the actions on each link.
func (a *Admin) censusShow(w http.ResponseWriter, r *http.Request) {
	lang, _ := locale.Choose(r)
	c, invs, answers, names, ok := a.loadCensus(w, r)
	if !ok {
		return
	}
	state := censusState(c, a.today())
	d := censusShowData{ID: c.ID, Name: c.Name, Period: lang.Tf("admin.period", lang.Date(c.Opens), lang.Date(c.Closes)),
		State: lang.T("admin.census.state." + state), Progress: progressText(lang, progressOf(invs, answers)),
		CanPurge: state == "closed", Purged: state == "purged", Open: state == "open" || state == "planned"}
	byOrg := map[string]storage.CensusAnswer{}
	for _, an := range answers {
		byOrg[an.OrganizationID] = an
	}
	for _, inv := range invs {
		row := censusRow{ID: inv.OrganizationID, Organization: locale.OrgLabel(inv.OrganizationID, names[inv.OrganizationID]), Revoked: inv.RevokedAt != "",
			Review: lang.T("admin.census.review.none"), ReviewClass: "none"}
		if an, ok := byOrg[inv.OrganizationID]; ok {
			row.HasAnswer = true
			row.Answered = lang.Stamp(an.AnsweredAt)
			row.Review, row.ReviewClass = lang.T("admin.census.review."+reviewKey(an.Review)), reviewKey(an.Review)
			row.Contact = strings.TrimSpace(an.ContactName + ", " + an.ContactRole)
			row.Contact = strings.Trim(row.Contact, ", ")
			row.Email = an.ContactEmail
		}
		d.Rows = append(d.Rows, row)
	}
	a.render(w, r, http.StatusOK, "census_show", d)
}

// reviewKey names a review in the catalogue.
func reviewKey(review string) string {
	if review == storage.ReviewWaiting {
		return "waiting"
	}
	return review
}

// pathCensus reads the census the path names; an unknown one is answered
// with 404.
func (a *Admin) pathCensus(w http.ResponseWriter, r *http.Request) (storage.Census, bool) {
	c, err := a.store.Census(r.Context(), r.PathValue("id"))
	if errors.Is(err, storage.ErrNotFound) {
		a.errorPage(w, r, http.StatusNotFound, "admin.error.notfound")
		return c, false
	}
	if err != nil {
		a.fail(w, r, err)
		return c, false
	}
	return c, true
}

// loadCensus reads the census the path names with its invitations,
// answers and the organisations' names; an unknown census is answered
// with 404.
func (a *Admin) loadCensus(w http.ResponseWriter, r *http.Request) (storage.Census, []storage.CensusInvitation, []storage.CensusAnswer, map[string]string, bool) {
	ctx := r.Context()
	c, ok := a.pathCensus(w, r)
	if !ok {
		return c, nil, nil, nil, false
	}
	invs, err := a.store.CensusInvitations(ctx, c.ID)
	if err != nil {
		a.fail(w, r, err)
		return c, nil, nil, nil, false
	}
	answers, err := a.store.CensusAnswers(ctx, c.ID)
	if err != nil {
		a.fail(w, r, err)
		return c, nil, nil, nil, false
	}
	orgs, err := a.store.Organizations(ctx)
	if err != nil {
		a.fail(w, r, err)
		return c, nil, nil, nil, false
	}
	return c, invs, answers, orgNames(orgs), true
}

// censusCSV sends the progress per organisation (progress.csv) or the
// organisations that have not answered (unanswered.csv), for a reminder.
// Neither holds contact data or links.
func (a *Admin) censusCSV(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	if file != "progress.csv" && file != "unanswered.csv" {
		a.errorPage(w, r, http.StatusNotFound, "admin.error.notfound")
		return
	}
	c, invs, answers, names, ok := a.loadCensus(w, r)
	if !ok {
		return
	}
	byOrg := map[string]storage.CensusAnswer{}
	for _, an := range answers {
		byOrg[an.OrganizationID] = an
	}
	header := []string{"organization", "name", "answered_at", "review", "link"}
	var rows [][]string
	for _, inv := range invs {
		an, answered := byOrg[inv.OrganizationID]
		if file == "unanswered.csv" && answered {
			continue
		}
		link := "active"
		if inv.RevokedAt != "" {
			link = "revoked"
		}
		review := "not_answered"
		if answered {
			review = reviewKey(an.Review)
		}
		rows = append(rows, []string{inv.OrganizationID, names[inv.OrganizationID], an.AnsweredAt, review, link})
	}
	sep, err := table.ParseSeparator(r.URL.Query().Get("sep"))
	if err != nil {
		sep = table.SepComma
	}
	var buf bytes.Buffer
	if err := table.WriteCSV(&buf, sep, header, rows); err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="census-`+c.ID+`-`+file+`"`)
	w.Write(buf.Bytes())
}

// invitationForm reads the organisation a link action is about and
// checks the census may still take answers.
func (a *Admin) invitationForm(w http.ResponseWriter, r *http.Request) (storage.Census, string, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		a.errorPage(w, r, http.StatusBadRequest, "admin.error.form")
		return storage.Census{}, "", false
	}
	c, ok := a.pathCensus(w, r)
	if !ok {
		return c, "", false
	}
	if st := censusState(c, a.today()); st == "closed" || st == "purged" {
		a.errorPage(w, r, http.StatusConflict, "admin.census.error.closed")
		return c, "", false
	}
	return c, r.PostForm.Get("org"), true
}

// revokeLink stops one organisation's link.
func (a *Admin) revokeLink(w http.ResponseWriter, r *http.Request) {
	id, _ := identityFrom(r.Context())
	c, org, ok := a.invitationForm(w, r)
	if !ok {
		return
	}
	err := a.store.RevokeCensusToken(r.Context(), c.ID, org)
	if errors.Is(err, storage.ErrNotFound) {
		a.errorPage(w, r, http.StatusNotFound, "admin.error.notfound")
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.log.Info("census link revoked", "by", id.key(), "census", c.ID, "organisation", org)
	http.Redirect(w, r, "/admin/census/"+c.ID, http.StatusSeeOther)
}

// reissueLink gives one organisation a new link; the old one stops
// working. The new link is shown once.
func (a *Admin) reissueLink(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := identityFrom(ctx)
	c, org, ok := a.invitationForm(w, r)
	if !ok {
		return
	}
	token, hash := newCensusToken()
	err := a.store.ReissueCensusToken(ctx, c.ID, org, hash)
	if errors.Is(err, storage.ErrNotFound) {
		a.errorPage(w, r, http.StatusNotFound, "admin.error.notfound")
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	orgs, err := a.store.Organizations(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.log.Info("census link reissued", "by", id.key(), "census", c.ID, "organisation", org)
	a.renderLinks(w, r, c, []linkRow{{Organization: org, Name: locale.OrgLabel(org, orgNames(orgs)[org]), Link: siteURL(r) + "/census/" + token}})
}

// purgeCensus erases a closed census's contact data.
func (a *Admin) purgeCensus(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := identityFrom(ctx)
	c, ok := a.pathCensus(w, r)
	if !ok {
		return
	}
	if censusState(c, a.today()) != "closed" {
		a.errorPage(w, r, http.StatusConflict, "admin.census.error.notclosed")
		return
	}
	if err := a.store.PurgeCensusContacts(ctx, c.ID); err != nil {
		a.fail(w, r, err)
		return
	}
	a.log.Info("census contacts purged", "by", id.key(), "census", c.ID)
	http.Redirect(w, r, "/admin/census/"+c.ID, http.StatusSeeOther)
}

// checkText checks a one-line field: valid UTF-8, no control characters,
// at most max characters, present when required. It returns a message or
// "".
func checkText(l locale.Lang, s string, max int, required bool) string {
	switch {
	case required && s == "":
		return l.T("census.error.required")
	case !utf8.ValidString(s) || strings.ContainsFunc(s, isControl):
		return l.T("census.error.chars")
	case utf8.RuneCountInString(s) > max:
		return l.Tf("census.error.long", l.Int(max))
	}
	return ""
}

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029'
}
