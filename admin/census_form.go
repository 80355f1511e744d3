package admin

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/mail"
	"strings"
	"sync"
	"unicode/utf8"

	"os2pulse/locale"
	"os2pulse/register"
	"os2pulse/storage"
)

// The organisation's census form: each field's checks, the problems
// shown next to their fields and in a summary linking to them, and the
// form's templates.

// rowReporter reports a problem at a field of one row of the form.
func rowReporter(errs map[string]string) func(field, msg string) {
	return func(field, msg string) {
		if field != "status" && field != "since" && field != "until" && field != "product" {
			field = "since"
		}
		if _, ok := errs[field]; !ok {
			errs[field] = msg
		}
	}
}

// checkPeriod checks a status and period as typed, by the register's
// rules, recording each field's problem in errs.
func checkPeriod(lang locale.Lang, status, since, until string, errs map[string]string) (storage.AdoptionRecord, bool) {
	var rec storage.AdoptionRecord
	st, ok := register.ParseStatus(status)
	if !ok {
		errs["status"] = lang.T("census.error.status")
	}
	rec.Status = st
	var err error
	if rec.Since, err = register.ParseDate("since", since); err != nil {
		if since == "" {
			errs["since"] = lang.T("census.error.required")
		} else {
			errs["since"] = lang.T("census.error.date")
		}
	}
	if until != "" {
		if rec.Until, err = register.ParseDate("until", until); err != nil {
			errs["until"] = lang.T("census.error.date")
		} else if !rec.Since.IsZero() && rec.Until <= rec.Since {
			errs["until"] = lang.T("census.error.until")
		}
	}
	return rec, len(errs) == 0
}

// checkEmail checks an e-mail address: one plain address, nothing else.
func checkEmail(lang locale.Lang, s string, required bool) string {
	if msg := checkText(lang, s, 254, required); msg != "" || s == "" {
		return msg
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return lang.T("census.error.email")
	}
	return ""
}

// checkNote checks the free-text note: lines of text, bounded.
func checkNote(lang locale.Lang, s string) string {
	switch {
	case !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r != '\n' && r != '\r' && r != '\t' && isControl(r) }):
		return lang.T("census.error.chars")
	case utf8.RuneCountInString(s) > maxNote:
		return lang.Tf("census.error.long", lang.Int(maxNote))
	}
	return ""
}

func (d *censusPageData) hasRowErrors() bool {
	for _, r := range d.Records {
		if len(r.Errors) > 0 {
			return true
		}
	}
	for _, r := range d.Adds {
		if len(r.Errors) > 0 {
			return true
		}
	}
	return false
}

// summarise lists every problem above the form, each linking to its
// field, in the order of the form.
func (d *censusPageData) summarise(lang locale.Lang) {
	fields := []string{"answer", "product", "status", "since", "until"}
	for _, r := range d.Records {
		for _, f := range fields {
			if msg, ok := r.Errors[f]; ok {
				d.Summary = append(d.Summary, fieldError{fmt.Sprintf("r%d-%s", r.N, f), r.Product + ": " + msg})
			}
		}
	}
	for i, r := range d.Adds {
		for _, f := range fields {
			if msg, ok := r.Errors[f]; ok {
				d.Summary = append(d.Summary, fieldError{fmt.Sprintf("n%d-%s", i, f), lang.Tf("census.add.n", lang.Int(i+1)) + ": " + msg})
			}
		}
	}
	for _, f := range []string{"contact_name", "contact_role", "contact_email", "note"} {
		if msg, ok := d.Errors[f]; ok {
			d.Summary = append(d.Summary, fieldError{strings.ReplaceAll(f, "_", "-"), lang.T("census.field."+f) + ": " + msg})
		}
	}
}

// censusTemplates are the organisation's pages: a layout of their own,
// without the admin pages' header.
var censusTemplates = sync.OnceValues(func() (*template.Template, error) {
	return template.New("").Funcs(censusFuncs).ParseFS(templateFiles, "templates/_census_layout.html", "templates/_census_answer.html")
})

// fieldCtx is what a field's template gets: the page's language, the
// field's row prefix, value and problems.
type fieldCtx struct {
	L           *view
	P, ID, Name string
	Value, Auto string
	Errors      map[string]string
	Blank       bool // a status that may be left empty (an added row)
	Statuses    []option
}

// fieldMessage is a problem shown next to the field with id ID.
type fieldMessage struct{ ID, Text string }

var censusFuncs = template.FuncMap{
	"answers": func() []string { return []string{answerConfirm, answerChange, answerRemove} },
	"inc":     func(i int) int { return i + 1 },
	"fieldErr": func(id, key string, errs map[string]string) *fieldMessage {
		if msg := errs[key]; msg != "" {
			return &fieldMessage{id, msg}
		}
		return nil
	},
	"statusCtx": func(v *view, p, value string, errs map[string]string, blank bool) fieldCtx {
		return fieldCtx{L: v, P: p, Value: value, Errors: errs, Blank: blank, Statuses: v.Data.(censusPageData).Statuses}
	},
	"dateCtx": func(v *view, p, value string, errs map[string]string, name string) fieldCtx {
		return fieldCtx{L: v, P: p, Value: value, Errors: errs, Name: name}
	},
	"textCtx": func(v *view, id, name, value, auto string, errs map[string]string) fieldCtx {
		return fieldCtx{L: v, ID: id, Name: name, Value: value, Auto: auto, Errors: errs}
	},
}

// renderCensus writes the organisation's page in the request's language.
func (a *Admin) renderCensus(w http.ResponseWriter, r *http.Request, status int, d censusPageData) {
	lang, _ := locale.Choose(r)
	t, err := censusTemplates()
	var buf bytes.Buffer
	if err == nil {
		err = t.ExecuteTemplate(&buf, "census-layout", &view{Lang: lang, Data: d})
	}
	if err != nil {
		a.log.Error("census page failed", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	// The link is the key: never sent on to another site.
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", string(lang))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
