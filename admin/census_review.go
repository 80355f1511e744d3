package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"os2pulse/civil"
	"os2pulse/locale"
	"os2pulse/register"
	"os2pulse/storage"
)

// The secretariat's review of one answer (/admin/census/{id}/answer/{org}):
// the answer as the same before → after preview as an upload, to accept
// whole, accept in part (the changes ticked) or reject with a note. What
// is accepted goes into the register through the register's import, with
// the audit trail naming the census, the organisation, when it answered
// and who accepted; the review is recorded in the same transaction.

// proposal is one change an answer asks for.
type proposal struct {
	Item     int // the answer's item
	Kind     string
	Old, New storage.AdoptionRecord
	Stale    bool // the record answered about is no longer in the register
}

// proposals are the changes an answer asks of the register as it stands:
// confirmed records and changes that change nothing ask for none.
func proposals(org string, items []censusItem, current []storage.AdoptionRecord) []proposal {
	find := func(product string, since civil.Date) (storage.AdoptionRecord, bool) {
		for _, r := range current {
			if r.ProductID == product && r.Since == since {
				return r, true
			}
		}
		return storage.AdoptionRecord{}, false
	}
	var out []proposal
	for i, it := range items {
		switch it.Answer {
		case answerAdd:
			nr := storage.AdoptionRecord{OrganizationID: org, ProductID: it.Product, Status: it.Status, Since: it.NewSince, Until: it.Until}
			if old, ok := find(it.Product, it.NewSince); ok && old.Status == nr.Status && old.Until == nr.Until {
				continue // in the register already (accepted earlier)
			}
			out = append(out, proposal{Item: i, Kind: storage.ChangeAdded, New: nr})
		case answerChange, answerRemove:
			old, ok := find(it.Product, it.Since)
			if !ok {
				out = append(out, proposal{Item: i, Kind: it.Answer, Stale: true,
					Old: storage.AdoptionRecord{OrganizationID: org, ProductID: it.Product, Since: it.Since}})
				continue
			}
			if it.Answer == answerRemove {
				out = append(out, proposal{Item: i, Kind: storage.ChangeEnded, Old: old})
				continue
			}
			nr := old
			nr.RecordedAt, nr.RetractedAt = "", ""
			nr.Status, nr.Since, nr.Until = it.Status, it.NewSince, it.Until
			if nr.Status != old.Status || nr.Since != old.Since || nr.Until != old.Until {
				out = append(out, proposal{Item: i, Kind: storage.ChangeChanged, Old: old, New: nr})
			}
		}
	}
	return out
}

// applyProposals returns the organisation's records with the chosen
// proposals applied.
func applyProposals(current []storage.AdoptionRecord, ps []proposal, chosen map[int]bool) []storage.AdoptionRecord {
	recs := slices.Clone(current)
	for _, p := range ps {
		if !chosen[p.Item] || p.Stale {
			continue
		}
		switch p.Kind {
		case storage.ChangeAdded:
			recs = append(recs, p.New)
		case storage.ChangeChanged, storage.ChangeEnded:
			i := slices.IndexFunc(recs, func(r storage.AdoptionRecord) bool { return r.ProductID == p.Old.ProductID && r.Since == p.Old.Since })
			if i < 0 {
				continue
			}
			if p.Kind == storage.ChangeEnded {
				recs = slices.Delete(recs, i, i+1)
			} else {
				recs[i] = p.New
			}
		}
	}
	return recs
}

// reviewRow is one proposal on the review page.
type reviewRow struct {
	Item                 int
	Kind, Record, Before string
	Checked, Stale       bool
}

// reviewData is the review page's content.
type reviewData struct {
	Census, CensusID, Org, OrgID string
	Answered, AnsweredAt         string
	Contact, Role, Email, Note   string
	Review, ReviewNote           string
	Version                      string
	Confirmed                    int
	Rows                         []reviewRow
	Problems                     []string
	Error                        string
	registerEffect
}

// reviewPage shows an answer with every change ticked and the register's
// figures before and after accepting them all.
func (a *Admin) reviewPage(w http.ResponseWriter, r *http.Request) {
	a.showReview(w, r, nil, http.StatusOK, "")
}

// pathAnswer reads the census and the answer the path names; an unknown
// one is answered with 404.
func (a *Admin) pathAnswer(w http.ResponseWriter, r *http.Request) (storage.Census, storage.CensusAnswer, bool) {
	c, ok := a.pathCensus(w, r)
	if !ok {
		return c, storage.CensusAnswer{}, false
	}
	an, err := a.store.CensusAnswer(r.Context(), c.ID, r.PathValue("org"))
	return c, an, !a.answeredError(w, r, err)
}

// reviewed is an answer held against the register as it stands: the
// changes it asks for, those chosen, and the register with them applied
// (or the problems that keeps it from being imported).
type reviewed struct {
	cur       register.Contents
	items     []censusItem
	proposals []proposal
	chosen    map[int]bool
	reg       storage.Register
	problems  []register.RecordProblem
}

// reviewAnswer reads the register and applies the chosen changes of an answer
// to it; chosen nil is every change whose record is still there.
func (a *Admin) reviewAnswer(ctx context.Context, an storage.CensusAnswer, chosen map[int]bool) (reviewed, error) {
	cur, err := register.ReadStored(ctx, a.store, "")
	if err != nil {
		return reviewed{}, err
	}
	var items []censusItem
	if err := json.Unmarshal([]byte(an.Items), &items); err != nil {
		return reviewed{}, fmt.Errorf("admin: reading the census answer of %s: %w", an.OrganizationID, err)
	}
	mine := a.orgRecords(cur, an.OrganizationID)
	ps := proposals(an.OrganizationID, items, mine)
	if chosen == nil {
		chosen = map[int]bool{}
		for _, p := range ps {
			chosen[p.Item] = !p.Stale
		}
	}
	reg, probs := register.OrganizationAdoptions(a.cfg, cur, an.OrganizationID, applyProposals(mine, ps, chosen))
	return reviewed{cur: cur, items: items, proposals: ps, chosen: chosen, reg: reg, problems: probs}, nil
}

// showReview renders the review with the chosen changes (nil: all) and
// the before → after of accepting them.
func (a *Admin) showReview(w http.ResponseWriter, r *http.Request, chosen map[int]bool, status int, errKey string) {
	ctx := r.Context()
	lang, _ := locale.Choose(r)
	c, an, ok := a.pathAnswer(w, r)
	if !ok {
		return
	}
	// The version first: accepting is refused if the register changes
	// after this preview.
	version, err := a.store.RegisterVersion(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rv, err := a.reviewAnswer(ctx, an, chosen)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	org := r.PathValue("org")
	names := orgNames(rv.cur.Organizations)
	d := reviewData{Census: c.Name, CensusID: c.ID, Org: locale.OrgLabel(org, names[org]), OrgID: org,
		Answered: lang.Stamp(an.AnsweredAt), AnsweredAt: an.AnsweredAt, Contact: an.ContactName, Role: an.ContactRole, Email: an.ContactEmail,
		Note: an.Note, Review: lang.T("admin.census.review." + reviewKey(an.Review)), ReviewNote: an.ReviewNote,
		Version: version, registerEffect: registerEffect{Date: lang.Date(a.today())}}
	if errKey != "" {
		d.Error = lang.T(errKey)
	}
	for _, it := range rv.items {
		if it.Answer == answerConfirm {
			d.Confirmed++
		}
	}
	for _, p := range rv.proposals {
		row := reviewRow{Item: p.Item, Kind: lang.T("admin.census.kind." + p.Kind), Checked: rv.chosen[p.Item], Stale: p.Stale}
		switch {
		case p.Stale:
			row.Record = a.productName(p.Old.ProductID) + ", " + lang.Date(p.Old.Since) + " – " + lang.T("admin.census.stale")
		case p.Kind == storage.ChangeEnded:
			row.Record = adoptionText(lang, a.productName, p.Old)
		default:
			row.Record = adoptionText(lang, a.productName, p.New)
			if p.Kind == storage.ChangeChanged {
				row.Before = adoptionText(lang, a.productName, p.Old)
			}
		}
		d.Rows = append(d.Rows, row)
	}
	if len(rv.problems) > 0 {
		for _, p := range rv.problems {
			d.Problems = append(d.Problems, p.Text)
		}
		a.render(w, r, http.StatusUnprocessableEntity, "census_review", d)
		return
	}
	if _, err := a.effect(ctx, lang, &d.registerEffect, rv.reg, names); err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, status, "census_review", d)
}

// review previews the ticked changes, accepts them, or rejects the
// answer.
func (a *Admin) review(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := identityFrom(ctx)
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		a.errorPage(w, r, http.StatusBadRequest, "admin.error.form")
		return
	}
	f := r.PostForm
	chosen := map[int]bool{}
	for _, v := range f["change"] {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			a.errorPage(w, r, http.StatusBadRequest, "admin.error.form")
			return
		}
		chosen[n] = true
	}
	action := f.Get("action")
	if action == "preview" {
		a.showReview(w, r, chosen, http.StatusOK, "")
		return
	}
	c, an, ok := a.pathAnswer(w, r)
	if !ok {
		return
	}
	org := r.PathValue("org")
	rv := storage.CensusReview{CensusID: c.ID, OrganizationID: org, AnsweredAt: f.Get("answered_at"), By: id.key(), Note: strings.TrimSpace(f.Get("note"))}
	lang, _ := locale.Choose(r)
	if msg := checkNote(lang, rv.Note); msg != "" {
		a.showReview(w, r, chosen, http.StatusUnprocessableEntity, "admin.census.error.note")
		return
	}
	switch action {
	case "reject":
		err := a.store.RejectCensusAnswer(ctx, rv)
		if errors.Is(err, storage.ErrCensusAnswerChanged) {
			a.showReview(w, r, nil, http.StatusConflict, "admin.census.error.answered")
			return
		}
		if err != nil {
			a.fail(w, r, err)
			return
		}
		a.log.Info("census answer rejected", "by", id.key(), "census", c.ID, "organisation", org)
		http.Redirect(w, r, "/admin/census/"+c.ID, http.StatusSeeOther)
	case "accept":
		a.accept(w, r, c, an, rv, chosen, f.Get("version"))
	default:
		a.errorPage(w, r, http.StatusBadRequest, "admin.error.form")
	}
}

// accept imports the chosen changes and records the review, in one
// transaction, unless the register or the answer changed since the
// preview.
func (a *Admin) accept(w http.ResponseWriter, r *http.Request, c storage.Census, an storage.CensusAnswer, rv storage.CensusReview, chosen map[int]bool, version string) {
	ctx := r.Context()
	id, _ := identityFrom(ctx)
	rvd, err := a.reviewAnswer(ctx, an, chosen)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ps := rvd.proposals
	taken := 0
	for _, p := range ps {
		if chosen[p.Item] && !p.Stale {
			taken++
		}
	}
	if len(ps) > 0 && taken == 0 {
		a.showReview(w, r, chosen, http.StatusUnprocessableEntity, "admin.census.error.none")
		return
	}
	rv.Review = storage.ReviewAccepted
	if taken < len(ps) {
		rv.Review = storage.ReviewPartial
	}
	if len(rvd.problems) > 0 {
		a.showReview(w, r, chosen, http.StatusUnprocessableEntity, "")
		return
	}
	reg := rvd.reg
	reg.Source = c.Name
	reg.IfVersion = &version
	reg.Audit = id.audit(storage.ActionCensus, fmt.Sprintf("%s: %s, answered %s; %d of %d changes accepted",
		c.Name, an.OrganizationID, an.AnsweredAt, taken, len(ps)))
	sum, err := a.store.AcceptCensusAnswer(ctx, reg, rv)
	switch {
	case errors.Is(err, storage.ErrRegisterChanged):
		a.showReview(w, r, chosen, http.StatusConflict, "admin.census.error.register")
		return
	case errors.Is(err, storage.ErrCensusAnswerChanged):
		a.showReview(w, r, nil, http.StatusConflict, "admin.census.error.answered")
		return
	case err != nil:
		a.fail(w, r, err)
		return
	}
	a.log.Info("census answer accepted", "by", id.key(), "census", c.ID, "organisation", an.OrganizationID, "summary", register.Summary(sum))
	a.answer(w, r, http.StatusOK, "done", doneData{Summary: sum, What: reg.Audit.Detail})
}
