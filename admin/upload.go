package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"os2pulse/civil"
	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/problems"
	"os2pulse/register"
	"os2pulse/storage"
)

const (
	// maxUpload bounds one uploaded file; a real register is far below.
	maxUpload = 10 << 20
	// formOverhead is what a multipart form adds around two files.
	formOverhead = 64 << 10
	// uploadLife is how long a preview can be confirmed, and
	// uploadsKept how many an admin may have waiting: older ones are
	// dropped, so unconfirmed previews cannot fill the database.
	uploadLife  = 24 * time.Hour
	uploadsKept = 3
	// shownChanges bounds the rows a preview lists per table; the
	// summary counts them all.
	shownChanges = 500
	// maxParsing bounds the uploads read at once: a workbook within the
	// limits still costs tens of megabytes and seconds of a core, and the
	// public pages share both.
	maxParsing = 2
)

// gate lets uploads be read one at a time per admin and maxParsing at a
// time overall; the others are told to wait rather than queued, so a
// burst of uploads holds neither memory nor connections.
type gate struct {
	mu    sync.Mutex
	slots chan struct{}
	busy  map[string]bool
}

func newGate(n int) *gate { return &gate{slots: make(chan struct{}, n), busy: map[string]bool{}} }

// enter takes a place for who; it answers the catalogue key of the
// refusal when there is none, and release otherwise.
func (g *gate) enter(who string) (release func(), refused string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.busy[who] {
		return nil, "admin.upload.busy.own"
	}
	select {
	case g.slots <- struct{}{}:
	default:
		return nil, "admin.upload.busy"
	}
	g.busy[who] = true
	return func() {
		g.mu.Lock()
		delete(g.busy, who)
		g.mu.Unlock()
		<-g.slots
	}, ""
}

// Upload modes: what happens to the current rows a file does not name.
const (
	modeReplace = "replace" // the file is the whole register: they end
	modeAdd     = "add"     // the file adds and changes rows: they stay
)

// parse reads files as the register, in a place of the gate, in mode;
// ok is false when it answered already (busy).
func (a *Admin) parse(w http.ResponseWriter, r *http.Request, known []storage.Organization, files []register.File, mode string) (register.Parsed, bool, error) {
	ctx := r.Context()
	id, _ := identityFrom(ctx)
	release, refused := a.parsing.enter(id.key())
	if refused != "" {
		w.Header().Set("Retry-After", "5")
		a.errorPage(w, r, http.StatusServiceUnavailable, refused)
		return register.Parsed{}, false, nil
	}
	defer release()
	parsed, err := register.Parse(a.cfg, known, files...)
	if err != nil || mode != modeAdd {
		return parsed, true, err
	}
	cur, err := register.ReadStored(ctx, a.store, "")
	if err != nil {
		return parsed, true, err
	}
	parsed, err = register.KeepOthers(a.cfg, cur, parsed)
	return parsed, true, err
}

// endsMany reports whether a change ends more than a tenth of the rows
// of the tables it touches, so that it needs the number confirmed: a
// file meant to add a row that would end the register is a mistake
// easily made and hard to see in a summary.
func endsMany(diff storage.RegisterDiff) bool {
	s := diff.Summary
	current := s.Unchanged + s.Changed - len(diff.Organizations) + s.Ended
	return s.Ended > 0 && s.Ended*10 > current
}

// keptUpload is what is kept between preview and import: the files and
// the mode.
type keptUpload struct {
	Mode  string         `json:"mode"`
	Files []uploadedFile `json:"files"`
}

// uploadedFile is a file kept between preview and import.
type uploadedFile struct {
	Name string `json:"name"`
	Data []byte `json:"data"`
}

// upload reads the uploaded register (a workbook or an adoption CSV, and
// optionally a members file), checks it and shows the preview. The
// declared size is checked before anything is read.
func (a *Admin) upload(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > 2*maxUpload+formOverhead {
		a.errorPage(w, r, http.StatusRequestEntityTooLarge, "admin.upload.toolarge", maxUpload>>20)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 2*maxUpload+formOverhead)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			a.errorPage(w, r, http.StatusRequestEntityTooLarge, "admin.upload.toolarge", maxUpload>>20)
			return
		}
		a.errorPage(w, r, http.StatusBadRequest, "admin.upload.none")
		return
	}
	defer r.MultipartForm.RemoveAll()
	var files []register.File
	for i, field := range []string{"register", "members"} {
		fhs := r.MultipartForm.File[field]
		if len(fhs) == 0 || fhs[0].Filename == "" {
			if i == 0 {
				a.errorPage(w, r, http.StatusBadRequest, "admin.upload.none")
				return
			}
			continue
		}
		fh := fhs[0]
		if fh.Size > maxUpload {
			a.errorPage(w, r, http.StatusRequestEntityTooLarge, "admin.upload.toolarge", maxUpload>>20)
			return
		}
		f, err := fh.Open()
		if err != nil {
			a.fail(w, r, err)
			return
		}
		data, err := io.ReadAll(io.LimitReader(f, maxUpload+1))
		f.Close()
		if err != nil {
			a.fail(w, r, err)
			return
		}
		files = append(files, register.File{Name: path.Base(strings.ReplaceAll(fh.Filename, `\`, "/")), Data: data})
	}
	mode := modeReplace
	if v := r.MultipartForm.Value["mode"]; len(v) > 0 && v[0] == modeAdd {
		mode = modeAdd
	}
	a.preview(w, r, files, mode)
}

// previewData is the preview page's content.
type previewData struct {
	Mode string // modeReplace or modeAdd
	// ConfirmEnded, when not 0, is the number of rows the import ends,
	// more than a tenth of the register's Rows: the import needs it
	// confirmed.
	ConfirmEnded, Rows int
	Files              string
	Notes              []string
	Problems           []string
	Upload             string // the id the import and cancel buttons send
	Summary            storage.ImportSummary
	registerEffect
}

// changeRow is one row the import would add, change or end.
type changeRow struct {
	Kind, Table, Organization, Record, Before string
	kind                                      string // storage.ChangeAdded, …
}

// figureRow is one headline figure before and after the import.
type figureRow struct {
	Label, Before, After string
	Changed              bool
}

func (a *Admin) preview(w http.ResponseWriter, r *http.Request, files []register.File, mode string) {
	ctx := r.Context()
	id, _ := identityFrom(ctx)
	lang, _ := locale.Choose(r)
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	d := previewData{Files: strings.Join(names, ", "), Mode: mode, registerEffect: registerEffect{Date: lang.Date(a.today())}}
	known, err := a.store.Organizations(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// The version is read first: if the register changes while the
	// preview is computed, the import is refused rather than applied to
	// a register nobody saw.
	version, err := a.store.RegisterVersion(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	parsed, ok, err := a.parse(w, r, known, files, mode)
	if !ok {
		return
	}
	if ps := problems.Of(err); ps != nil {
		d.Problems = ps
		a.answer(w, r, http.StatusUnprocessableEntity, "preview", d)
		return
	} else if err != nil {
		a.fail(w, r, err)
		return
	}
	d.Notes = parsed.Notes
	diff, err := a.effect(ctx, lang, &d.registerEffect, parsed.Register, orgNames(known, parsed.Organizations))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	kept := keptUpload{Mode: mode, Files: make([]uploadedFile, len(files))}
	for i, f := range files {
		kept.Files[i] = uploadedFile{f.Name, f.Data}
	}
	blob, err := json.Marshal(kept)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d.Upload = randomID(18)
	err = a.store.PutAdminUpload(ctx, storage.AdminUpload{ID: d.Upload, Admin: id.key(), BaseVersion: version, Files: string(blob)}, uploadLife, uploadsKept)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d.Summary = diff.Summary
	if endsMany(diff) {
		d.ConfirmEnded = diff.Summary.Ended
		d.Rows = diff.Summary.Unchanged + diff.Summary.Changed - len(diff.Organizations) + diff.Summary.Ended
	}
	d.Hidden = diff.Summary.Added + diff.Summary.Changed + diff.Summary.Ended - len(d.Changes)
	a.answer(w, r, http.StatusOK, "preview", d)
}

// importUpload applies exactly the previewed files, in one transaction,
// unless the register changed since the preview.
func (a *Admin) importUpload(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := identityFrom(ctx)
	u, ok := a.ownUpload(w, r)
	if !ok {
		return
	}
	var kept keptUpload
	if err := json.Unmarshal([]byte(u.Files), &kept); err != nil {
		// Kept before uploads had a mode: the files alone.
		kept.Mode = modeReplace
		if err2 := json.Unmarshal([]byte(u.Files), &kept.Files); err2 != nil {
			a.fail(w, r, fmt.Errorf("admin: reading upload %s: %w", u.ID, err))
			return
		}
	}
	files := make([]register.File, len(kept.Files))
	for i, f := range kept.Files {
		files[i] = register.File{Name: f.Name, Data: f.Data}
	}
	// A register changed since the preview is refused before anything
	// else: what was confirmed was another change.
	if v, err := a.store.RegisterVersion(ctx); err != nil {
		a.fail(w, r, err)
		return
	} else if v != u.BaseVersion {
		a.dropUpload(ctx, u.ID)
		a.errorPage(w, r, http.StatusConflict, "admin.import.stale")
		return
	}
	known, err := a.store.Organizations(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	parsed, ok, err := a.parse(w, r, known, files, kept.Mode)
	if !ok {
		return
	}
	if err != nil {
		// Only a register changed since the preview can make the same
		// bytes read differently; the version check says so below too.
		a.dropUpload(ctx, u.ID)
		a.errorPage(w, r, http.StatusConflict, "admin.import.stale")
		return
	}
	diff, err := a.store.RegisterChangesUpTo(ctx, parsed.Register, 0)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// The number confirmed must be the number the import ends: a
	// confirmation of another preview does not count.
	if endsMany(diff) && r.PostForm.Get("confirm_ended") != strconv.Itoa(diff.Summary.Ended) {
		a.errorPage(w, r, http.StatusUnprocessableEntity, "admin.import.confirm", diff.Summary.Ended)
		return
	}
	parsed.IfVersion = &u.BaseVersion
	parsed.Audit = id.audit(storage.ActionImport, "")
	sum, err := a.store.ImportRegister(ctx, parsed.Register)
	if errors.Is(err, storage.ErrRegisterChanged) {
		a.dropUpload(ctx, u.ID)
		a.errorPage(w, r, http.StatusConflict, "admin.import.stale")
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.dropUpload(ctx, u.ID)
	a.log.Info("register imported", "by", id.key(), "source", logText(parsed.Source), "summary", register.Summary(sum))
	a.answer(w, r, http.StatusOK, "done", doneData{Summary: sum, What: parsed.Source})
}

// cancelUpload forgets a preview; the register is not touched.
func (a *Admin) cancelUpload(w http.ResponseWriter, r *http.Request) {
	u, ok := a.ownUpload(w, r)
	if !ok {
		return
	}
	a.dropUpload(r.Context(), u.ID)
	http.Redirect(w, r, "/admin/", http.StatusSeeOther)
}

// ownUpload reads the upload the form names; another admin's is as
// unknown as an expired one.
func (a *Admin) ownUpload(w http.ResponseWriter, r *http.Request) (storage.AdminUpload, bool) {
	id, _ := identityFrom(r.Context())
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		a.errorPage(w, r, http.StatusBadRequest, "admin.error.form")
		return storage.AdminUpload{}, false
	}
	u, err := a.store.AdminUpload(r.Context(), r.PostForm.Get("upload"))
	switch {
	case errors.Is(err, storage.ErrNotFound) || err == nil && u.Admin != id.key():
		a.errorPage(w, r, http.StatusNotFound, "admin.import.expired")
		return u, false
	case err != nil:
		a.fail(w, r, err)
		return u, false
	}
	return u, true
}

// dropUpload forgets an upload; one left behind expires anyway.
func (a *Admin) dropUpload(ctx context.Context, id string) {
	if err := a.store.DeleteAdminUpload(ctx, id); err != nil {
		a.log.Warn("dropping an upload failed", "error", err)
	}
}

// doneData is the page after a change.
type doneData struct {
	What    string
	Summary storage.ImportSummary
}

// answer renders a page, or JSON for a script that asks for it.
func (a *Admin) answer(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	if strings.Contains(r.Header.Get("Accept"), "application/json") {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(data)
		return
	}
	a.render(w, r, status, page, data)
}

// productName is a product's configured name, else its id.
func (a *Admin) productName(id string) string {
	if p, ok := a.cfg.Product(id); ok {
		return p.Name
	}
	return id
}

// orgNames maps organisation ids to names, the stored ones and those a
// register defines.
func orgNames(lists ...[]storage.Organization) map[string]string {
	out := map[string]string{}
	for _, l := range lists {
		for _, o := range l {
			out[o.ID] = o.Name
		}
	}
	return out
}

// changeRows describes a diff's rows for people, at most limit per
// table, and how many are left out.
func changeRows(l locale.Lang, product func(string) string, orgs map[string]string, diff storage.RegisterDiff, limit int) ([]changeRow, int) {
	var out []changeRow
	hidden := 0
	org := func(id string) string { return locale.OrgLabel(id, orgs[id]) }
	for i, c := range diff.Adoptions {
		if i >= limit {
			hidden++
			continue
		}
		cur, old := c.New, c.Old
		if c.Kind == storage.ChangeEnded {
			cur = c.Old
		}
		row := changeRow{Kind: l.T("admin.change." + c.Kind), Table: l.T("admin.table.adoption"), Organization: org(cur.OrganizationID),
			Record: adoptionText(l, product, cur), kind: c.Kind}
		if c.Kind == storage.ChangeChanged {
			row.Before = adoptionText(l, product, old)
		}
		out = append(out, row)
	}
	for _, c := range diff.Organizations {
		out = append(out, changeRow{Kind: l.T("admin.change." + c.Kind), Table: l.T("admin.table.members"), Organization: org(c.Old.ID),
			Record: c.New.Name + ", " + l.T("admin.kind."+c.New.Kind), Before: c.Old.Name + ", " + l.T("admin.kind."+c.Old.Kind), kind: c.Kind})
	}
	for i, c := range diff.Memberships {
		if i >= limit {
			hidden++
			continue
		}
		cur := c.New
		if c.Kind == storage.ChangeEnded {
			cur = c.Old
		}
		row := changeRow{Kind: l.T("admin.change." + c.Kind), Table: l.T("admin.table.members"), Organization: org(cur.OrganizationID),
			Record: periodText(l, cur.Since, cur.Until), kind: c.Kind}
		if c.Kind == storage.ChangeChanged {
			row.Before = periodText(l, c.Old.Since, c.Old.Until)
		}
		out = append(out, row)
	}
	return out, hidden
}

func adoptionText(l locale.Lang, product func(string) string, r storage.AdoptionRecord) string {
	s := product(r.ProductID) + ", " + l.T("status."+r.Status) + ", " + periodText(l, r.Since, r.Until)
	if r.Note != "" {
		s += " (" + r.Note + ")"
	}
	return s
}

func periodText(l locale.Lang, since, until civil.Date) string {
	if until.IsZero() {
		return l.Tf("admin.period.open", l.Date(since))
	}
	return l.Tf("admin.period", l.Date(since), l.Date(until))
}

// figureRows sets the headline figures before and after side by side.
func figureRows(l locale.Lang, before, after figures.Headline) []figureRow {
	row := func(label, b, a string) figureRow { return figureRow{label, b, a, b != a} }
	out := []figureRow{
		row(l.T("admin.fig.members"), l.Int(before.Members), l.Int(after.Members)),
		row(l.T("admin.fig.threeplus"), l.Pct(before.ThreePlusShare)+" ("+l.Int(before.ThreePlus)+")", l.Pct(after.ThreePlusShare)+" ("+l.Int(after.ThreePlus)+")"),
	}
	for i, p := range before.Products {
		out = append(out, row(l.Tf("admin.fig.adopters", p.Name), l.Int(p.Adopters.All), l.Int(after.Products[i].Adopters.All)))
	}
	return out
}
