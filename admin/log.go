package admin

import (
	"bytes"
	"net/http"
	"strings"

	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/register"
	"os2pulse/storage"
)

// logRow is one change in the audit trail, as shown.
type logRow struct {
	ID, When, Who, What, Source, SHA, Detail, Summary string
	// Changes are the rows the change added, changed and ended, by
	// name (at most loggedChanges per table), Hidden those left out.
	Changes []changeRow
	Hidden  int
}

// loggedChanges bounds the rows the log lists per change and table; the
// version's download has them all.
const loggedChanges = 25

// homeData is the start page's content.
type homeData struct {
	Status   string
	Sources  string
	Products []option
	Statuses []option
	MaxMB    int
	// The forms as typed and their problems, after a form that could
	// not be saved; empty otherwise.
	Adoption, Membership formState
}

type option struct{ Value, Label string }

// formState is a form as it was sent: the typed values, kept, and the
// problems by field ("" for the form as a whole), in the page's language.
type formState struct {
	Values   map[string]string
	Problems map[string][]string
}

// home shows the register's state, the upload and the forms.
func (a *Admin) home(w http.ResponseWriter, r *http.Request) {
	d, err := a.homeData(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, http.StatusOK, "home", d)
}

func (a *Admin) homeData(r *http.Request) (homeData, error) {
	lang, _ := locale.Choose(r)
	st, err := a.figures.RegisterStatus(r.Context())
	if err != nil {
		return homeData{}, err
	}
	d := homeData{Status: registerStatusText(lang, st), MaxMB: maxUpload >> 20}
	var src []string
	for _, f := range []string{a.cfg.Register.Adoption, a.cfg.Register.Members} {
		if f != "" {
			src = append(src, f)
		}
	}
	if len(src) > 0 {
		d.Sources = lang.Tf("admin.sources", strings.Join(src, ", "))
	}
	for _, p := range a.cfg.Products {
		d.Products = append(d.Products, option{p.ID, p.Name})
	}
	for _, s := range []string{storage.StatusProduction, storage.StatusPilot, storage.StatusPlanned, storage.StatusStopped} {
		d.Statuses = append(d.Statuses, option{s, lang.T("status." + s)})
	}
	return d, nil
}

// registerStatusText says when the register last changed and what it
// holds.
func registerStatusText(l locale.Lang, st figures.RegisterStatus) string {
	if st.LastChanged.IsZero() {
		return l.T("admin.status.none")
	}
	return l.Nf("admin.status", st.Adoptions, l.Time(st.LastChanged), l.Int(st.Adoptions), l.Int(st.Memberships))
}

// logPage lists every change of the register, newest first, each with
// the register as it stood right after it to download.
func (a *Admin) logPage(w http.ResponseWriter, r *http.Request) {
	lang, _ := locale.Choose(r)
	imports, err := a.store.RegisterImports(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	changes, err := a.store.RecordedChanges(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	known, err := a.store.Organizations(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	orgs := orgNames(known)
	rows := []logRow{}
	for _, imp := range imports {
		cs, hidden := changeRows(lang, a.productName, orgs, changes[imp.ID], loggedChanges)
		for i := range cs {
			cs[i].Kind = lang.T("admin.log.change." + cs[i].kind)
		}
		rows = append(rows, logRow{
			Changes: cs, Hidden: hidden,
			ID: imp.ID, When: lang.Stamp(imp.ImportedAt), Who: whoText(lang, imp), What: lang.T("admin.action." + imp.Action),
			// Changes recorded before every field was checked may
			// hold invalid UTF-8; a page must not.
			Source: strings.ToValidUTF8(imp.Source, "\uFFFD"), SHA: imp.SHA256, Detail: strings.ToValidUTF8(imp.Detail, "\uFFFD"),
			Summary: lang.Tf("admin.log.summary", lang.Int(imp.Added), lang.Int(imp.Changed), lang.Int(imp.Ended), lang.Int(imp.Unchanged)),
		})
	}
	a.render(w, r, http.StatusOK, "log", rows)
}

// whoText names who made a change.
func whoText(l locale.Lang, imp storage.RegisterImport) string {
	switch imp.Via {
	case storage.ViaAdmin:
		return imp.Actor
	case storage.ViaToken, storage.ViaCommandLine, storage.ViaCollector:
		return l.T("admin.who." + imp.Via)
	}
	return l.T("admin.who.unknown")
}

// download sends the register as a workbook or one CSV table: as it
// stood right after change {id}, or now (/admin/export/…).
func (a *Admin) download(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	if id != "" {
		imports, err := a.store.RegisterImports(ctx)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		found := false
		for _, imp := range imports {
			found = found || imp.ID == id
		}
		if !found {
			a.errorPage(w, r, http.StatusNotFound, "admin.error.notfound")
			return
		}
	}
	file := r.PathValue("file")
	c, err := register.ReadStored(ctx, a.store, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	var ctype string
	switch file {
	case "register.xlsx":
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = register.WriteXLSX(&buf, c)
	case "adoption.csv", "members.csv":
		ctype = "text/csv; charset=utf-8"
		err = register.WriteCSV(&buf, c, strings.TrimSuffix(file, ".csv"), ',')
	default:
		a.errorPage(w, r, http.StatusNotFound, "admin.error.notfound")
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	stamp := id
	if stamp == "" {
		stamp = storage.Stamp(a.now())
	}
	// The file is named after the moment it shows: 2026-12-01T10-15-00.
	name := "os2pulse-" + strings.ReplaceAll(stamp[:min(len(stamp), 19)], ":", "-") + "-" + file
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Write(buf.Bytes())
}
