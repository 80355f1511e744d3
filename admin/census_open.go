package admin

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"os2pulse/civil"
	"os2pulse/locale"
	"os2pulse/register"
	"os2pulse/storage"
)

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
