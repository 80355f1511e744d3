package admin

import (
	"errors"
	"net/http"
	"strings"

	"os2pulse/locale"

	"os2pulse/problems"
	"os2pulse/register"
	"os2pulse/storage"
)

// editAdoption adds an adoption record, or ends one (action=end), from
// the form.
func (a *Admin) editAdoption(w http.ResponseWriter, r *http.Request) {
	fields, action, ok := a.formFields(w, r, register.AdoptionColumns)
	if !ok {
		return
	}
	a.edit(w, r, "adoption", fields, func(cur register.Contents) (storage.Register, error) {
		if action == "end" {
			return register.EndAdoption(a.cfg, cur, fields)
		}
		return register.AddAdoption(a.cfg, cur, fields)
	})
}

// editMembership adds a membership, or ends one (action=end), from the
// form.
func (a *Admin) editMembership(w http.ResponseWriter, r *http.Request) {
	fields, action, ok := a.formFields(w, r, []string{"organization", "member_since", "member_until"})
	if !ok {
		return
	}
	a.edit(w, r, "membership", fields, func(cur register.Contents) (storage.Register, error) {
		if action == "end" {
			return register.EndMembership(cur, fields)
		}
		return register.AddMembership(cur, fields)
	})
}

// formFields reads the named fields and the action of a form.
func (a *Admin) formFields(w http.ResponseWriter, r *http.Request, names []string) (map[string]string, string, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		a.errorPage(w, r, http.StatusBadRequest, "admin.error.form")
		return nil, "", false
	}
	f := map[string]string{}
	for _, n := range names {
		f[n] = r.PostForm.Get(n)
	}
	return f, r.PostForm.Get("action"), true
}

// editData is the page after a form: its problems, or what was saved.
type editData struct {
	Problems []string
	Done     *doneData
}

// edit applies one change to the register as it is now: change gives
// the whole register with the change, checked by the register's rules,
// which is imported like a file, so history and audit trail are the same.
// A change made meanwhile by someone else refuses it rather than being
// undone.
//
// A change with problems shows the start page again with the form as
// typed and every problem next to its field, in the page's language
// (scripts asking for JSON get the problems as the register states them).
func (a *Admin) edit(w http.ResponseWriter, r *http.Request, form string, fields map[string]string, change func(register.Contents) (storage.Register, error)) {
	ctx := r.Context()
	id, _ := identityFrom(ctx)
	version, err := a.store.RegisterVersion(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	cur, err := register.ReadStored(ctx, a.store, "")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	reg, err := change(cur)
	if ps := problems.Of(err); ps != nil {
		if strings.Contains(r.Header.Get("Accept"), "application/json") {
			a.answer(w, r, http.StatusUnprocessableEntity, "edited", editData{Problems: ps})
			return
		}
		d, err := a.homeData(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		lang, _ := locale.Choose(r)
		st := formState{Values: fields, Problems: map[string][]string{}}
		for _, p := range ps {
			field, text := splitFormProblem(p)
			if _, known := fields[field]; !known {
				field = ""
			}
			st.Problems[field] = append(st.Problems[field], problemText(lang, text))
		}
		if form == "adoption" {
			d.Adoption = st
		} else {
			d.Membership = st
		}
		a.render(w, r, http.StatusUnprocessableEntity, "home", d)
		return
	} else if err != nil {
		a.fail(w, r, err)
		return
	}
	reg.IfVersion = &version
	reg.Audit = id.audit(storage.ActionEdit, reg.Audit.Detail)
	sum, err := a.store.ImportRegister(ctx, reg)
	if errors.Is(err, storage.ErrRegisterChanged) {
		a.errorPage(w, r, http.StatusConflict, "admin.edit.stale")
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.log.Info("register edited", "by", id.key(), "change", logText(reg.Audit.Detail))
	a.answer(w, r, http.StatusOK, "edited", editData{Done: &doneData{What: reg.Audit.Detail, Summary: sum}})
}
