package admin

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"os2pulse/civil"
	"os2pulse/locale"
	"os2pulse/register"
	"os2pulse/storage"
)

// An organisation's census page, /census/{token}: no login, the link is
// the key. It shows what the register says the organisation runs, to
// confirm, change or remove, and products to add; it saves the whole
// answer in one transaction as often as needed while the census is open.
// It sets no cookie and shows no stored contact data: whoever holds the
// link sees only the register, which is public anyway.

const (
	// maxNote bounds the free-text note.
	maxNote = 2000
	// addRows is how many empty rows the form offers for added products.
	addRows = 3
	// maxAdds bounds the added products one answer may hold.
	maxAdds = 100
	// A token may be used this many times, and an address this many, in
	// censusWindow; an address may try this many unknown tokens.
	maxPerToken   = 60
	maxPerAddr    = 120
	maxBadPerAddr = 10
	censusWindow  = 10 * time.Minute
)

// censusItem is one line of an answer: a record the register held, as
// answered (confirm, change, remove), or a product added.
type censusItem struct {
	Product  string     `json:"product"`
	Since    civil.Date `json:"since,omitzero"` // the register record's since; zero for an added product
	Answer   string     `json:"answer"`         // confirm, change, remove or add
	Status   string     `json:"status,omitempty"`
	NewSince civil.Date `json:"new_since,omitzero"`
	Until    civil.Date `json:"until,omitzero"`
}

// The answers to a record.
const (
	answerConfirm = "confirm"
	answerChange  = "change"
	answerRemove  = "remove"
	answerAdd     = "add"
)

// recordRow is a record of the register on the form, with what is typed
// and the problems of each field.
type recordRow struct {
	N                            int
	Key                          string // product/since: which record the row answers
	Product, Current             string
	Answer, Status, Since, Until string
	Errors                       map[string]string
}

// addRow is a product added on the form.
type addRow struct {
	N                             int
	Product, Status, Since, Until string
	Errors                        map[string]string
}

// fieldError is one problem in the summary above the form, linking to
// its field.
type fieldError struct{ Field, Text string }

// censusPageData is the organisation's page.
type censusPageData struct {
	Invalid      bool // the link does not open a form now (one page for every reason)
	TooMany      bool // too many requests: the link is not even looked up
	Census       string
	Organization string
	Closes       string
	Action       template.URL // where the form posts, with the language
	Other        template.URL // the page in the other language
	Saved        string       // when the latest answer was saved; "" before the first
	JustSaved    bool         // the page right after saving
	Reviewed     bool         // the latest answer has been reviewed
	Records      []recordRow
	Adds         []addRow
	Products     []option
	Statuses     []option
	ContactName  string
	ContactRole  string
	ContactEmail string
	Note         string
	NeedContact  bool // no earlier answer, so the contact is required
	Errors       map[string]string
	Summary      []fieldError
	MaxNote      int
}

// censusLink is a link that opens a form: its census, invitation and
// hash.
type censusLink struct {
	census storage.Census
	inv    storage.CensusInvitation
	hash   string
}

// censusLimiter counts requests per token and per address, and unknown
// tokens per address, in fixed windows.
type censusLimiter struct {
	mu     sync.Mutex
	start  time.Time
	counts map[string]int
}

// allow counts a request against key and reports whether it is within
// limit.
func (l *censusLimiter) allow(now time.Time, key string, limit int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.window(now)
	l.counts[key]++
	return l.counts[key] <= limit
}

// over reports whether key has used up limit, without counting.
func (l *censusLimiter) over(now time.Time, key string, limit int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.window(now)
	return l.counts[key] >= limit
}

// window starts a new window when the last has passed; call with mu held.
// A new window forgets everything, so the map stays bounded.
func (l *censusLimiter) window(now time.Time) {
	if l.counts == nil || now.Sub(l.start) >= censusWindow {
		l.start, l.counts = now, map[string]int{}
	}
}

// openLink finds the link a request names, answering the request itself
// when it does not open a form now. An unknown, revoked, not yet open,
// closed or purged link all get the same page after the same work: one
// query by the token's hash, one constant-time comparison.
func (a *Admin) openLink(w http.ResponseWriter, r *http.Request) (censusLink, bool) {
	now := a.now()
	addr := clientAddr(r)
	token := r.PathValue("token")
	hash := tokenHash(token)
	if a.census.over(now, "bad:"+addr, maxBadPerAddr) || !a.census.allow(now, "addr:"+addr, maxPerAddr) || !a.census.allow(now, "token:"+hash, maxPerToken) {
		w.Header().Set("Retry-After", strconv.Itoa(int(censusWindow/time.Second)))
		a.renderCensus(w, r, http.StatusTooManyRequests, censusPageData{Invalid: true, TooMany: true})
		return censusLink{}, false
	}
	c, inv, err := a.store.CensusInvitationByToken(r.Context(), hash)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		a.fail(w, r, err)
		return censusLink{}, false
	}
	stored := inv.TokenHash
	if stored == "" {
		stored = strings.Repeat("0", len(hash))
	}
	match := subtle.ConstantTimeCompare([]byte(stored), []byte(hash)) == 1
	if !match || inv.RevokedAt != "" || c.PurgedAt != "" || !c.OpenOn(a.today()) {
		if !match {
			a.census.allow(now, "bad:"+addr, maxBadPerAddr)
		}
		a.censusUnknown(w, r)
		return censusLink{}, false
	}
	return censusLink{census: c, inv: inv, hash: hash}, true
}

// censusUnknown is the one page for a link that does not open a form.
func (a *Admin) censusUnknown(w http.ResponseWriter, r *http.Request) {
	a.renderCensus(w, r, http.StatusNotFound, censusPageData{Invalid: true})
}

// censusForm shows the form: the latest answer when there is one, else
// the register as it stands.
func (a *Admin) censusForm(w http.ResponseWriter, r *http.Request) {
	link, ok := a.openLink(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	lang, _ := locale.Choose(r)
	d, cur, err := a.censusPage(ctx, r, lang, link)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	current := a.orgRecords(cur, link.inv.OrganizationID)
	an, err := a.store.CensusAnswer(ctx, link.census.ID, link.inv.OrganizationID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		d.NeedContact = true
		d.Records = recordRows(lang, a.productName, current, nil)
	case err != nil:
		a.fail(w, r, err)
		return
	case an.Review != storage.ReviewWaiting:
		// Reviewed: the register now holds what was accepted, and a new
		// answer starts from it.
		d.Saved, d.Reviewed = lang.Stamp(an.AnsweredAt), true
		d.Records = recordRows(lang, a.productName, current, nil)
	default:
		var items []censusItem
		if err := json.Unmarshal([]byte(an.Items), &items); err != nil {
			a.fail(w, r, fmt.Errorf("admin: reading the census answer of %s: %w", link.inv.OrganizationID, err))
			return
		}
		d.Saved = lang.Stamp(an.AnsweredAt)
		d.Note = an.Note
		d.Records = recordRows(lang, a.productName, current, items)
		for _, it := range items {
			if it.Answer == answerAdd {
				d.Adds = append(d.Adds, addRow{Product: it.Product, Status: it.Status, Since: it.NewSince.String(), Until: it.Until.String()})
			}
		}
	}
	d.Adds = padAdds(d.Adds)
	d.JustSaved = d.Saved != "" && r.URL.Query().Get("saved") == "1"
	a.renderCensus(w, r, http.StatusOK, d)
}

// censusPage fills what every state of the form shows, and returns the
// register it shows.
func (a *Admin) censusPage(ctx context.Context, r *http.Request, lang locale.Lang, link censusLink) (censusPageData, register.Contents, error) {
	org := link.inv.OrganizationID
	cur, err := register.ReadStored(ctx, a.store, "")
	if err != nil {
		return censusPageData{}, cur, err
	}
	other := locale.EN
	if lang == locale.EN {
		other = locale.DA
	}
	path := "/census/" + r.PathValue("token")
	d := censusPageData{Census: link.census.Name, Organization: locale.OrgLabel(org, orgNames(cur.Organizations)[org]),
		Closes: lang.Date(link.census.Closes), Action: template.URL(path + "?lang=" + string(lang)), Other: template.URL(path + "?lang=" + string(other)),
		Errors: map[string]string{}, MaxNote: maxNote}
	for _, p := range a.cfg.Products {
		d.Products = append(d.Products, option{p.ID, p.Name})
	}
	for _, s := range []string{storage.StatusProduction, storage.StatusPilot, storage.StatusPlanned, storage.StatusStopped} {
		d.Statuses = append(d.Statuses, option{s, lang.T("status." + s)})
	}
	return d, cur, nil
}

// recordRows are the organisation's records on the form, each with its
// answer from items when it has one.
func recordRows(lang locale.Lang, product func(string) string, current []storage.AdoptionRecord, items []censusItem) []recordRow {
	rows := make([]recordRow, len(current))
	for i, rec := range current {
		row := recordRow{N: i, Key: rec.ProductID + "/" + rec.Since.String(), Product: product(rec.ProductID),
			Current: lang.T("status."+rec.Status) + ", " + periodText(lang, rec.Since, rec.Until),
			Answer:  answerConfirm, Status: rec.Status, Since: rec.Since.String(), Until: rec.Until.String(), Errors: map[string]string{}}
		for _, it := range items {
			if it.Answer != answerAdd && it.Product == rec.ProductID && it.Since == rec.Since {
				row.Answer = it.Answer
				if it.Answer == answerChange {
					row.Status, row.Since, row.Until = it.Status, it.NewSince.String(), it.Until.String()
				}
			}
		}
		rows[i] = row
	}
	return rows
}

// padAdds numbers the added rows and adds empty ones to fill in.
func padAdds(adds []addRow) []addRow {
	for range addRows {
		adds = append(adds, addRow{})
	}
	for i := range adds {
		adds[i].N = i
		if adds[i].Errors == nil {
			adds[i].Errors = map[string]string{}
		}
	}
	return adds
}

// censusSave checks and stores an answer. Every field is checked by the
// register's rules; any problem shows the form again with each message
// next to its field, and nothing is stored.
func (a *Admin) censusSave(w http.ResponseWriter, r *http.Request) {
	link, ok := a.openLink(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	lang, _ := locale.Choose(r)
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		a.renderCensus(w, r, http.StatusBadRequest, censusPageData{Invalid: true})
		return
	}
	d, cur, err := a.censusPage(ctx, r, lang, link)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	_, err = a.store.CensusAnswer(ctx, link.census.ID, link.inv.OrganizationID)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		a.fail(w, r, err)
		return
	}
	d.NeedContact = err != nil
	items := a.checkAnswer(lang, r.PostForm, link.inv.OrganizationID, &d, cur)
	if len(d.Errors) > 0 || d.hasRowErrors() {
		d.summarise(lang)
		d.Adds = padAdds(d.Adds)
		a.renderCensus(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	blob, err := json.Marshal(items)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	_, err = a.store.SaveCensusAnswer(ctx, link.hash, a.today(), storage.CensusAnswer{Items: string(blob),
		ContactName: d.ContactName, ContactRole: d.ContactRole, ContactEmail: d.ContactEmail, Note: d.Note})
	if errors.Is(err, storage.ErrNotFound) {
		// Revoked or closed while the form was being filled in.
		a.censusUnknown(w, r)
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// Only ids in the log: no contact data.
	a.log.Info("census answered", "census", link.census.ID, "organisation", link.inv.OrganizationID)
	http.Redirect(w, r, string(d.Action)+"&saved=1", http.StatusSeeOther)
}

// checkAnswer reads an answer from the form into d, as typed, with every
// field's problems, and returns its items. Every field is checked by the
// register's rules: each on its own first, then, when all are well, the
// records the answer would leave, together (products, statuses, periods,
// no two periods of a product sharing a day).
func (a *Admin) checkAnswer(lang locale.Lang, f url.Values, org string, d *censusPageData, cur register.Contents) []censusItem {
	items, recs, owner := a.readAnswer(lang, f, org, d, a.orgRecords(cur, org))
	d.ContactName, d.ContactRole, d.ContactEmail, d.Note = strings.TrimSpace(f.Get("contact_name")), strings.TrimSpace(f.Get("contact_role")),
		strings.TrimSpace(f.Get("contact_email")), strings.TrimSpace(f.Get("note"))
	contactGiven := d.ContactName != "" || d.ContactRole != "" || d.ContactEmail != ""
	needContact := d.NeedContact || contactGiven
	if msg := checkText(lang, d.ContactName, maxText, needContact); msg != "" {
		d.Errors["contact_name"] = msg
	}
	if msg := checkText(lang, d.ContactRole, maxText, false); msg != "" {
		d.Errors["contact_role"] = msg
	}
	if msg := checkEmail(lang, d.ContactEmail, needContact); msg != "" {
		d.Errors["contact_email"] = msg
	}
	if msg := checkNote(lang, d.Note); msg != "" {
		d.Errors["note"] = msg
	}
	if len(d.Errors) == 0 && !d.hasRowErrors() {
		if _, probs := register.OrganizationAdoptions(a.cfg, cur, org, recs); len(probs) > 0 {
			for _, p := range probs {
				owner[p.Index](p.Field, lang.T("census.error.rule."+ruleKey(p.Field)))
			}
		}
	}
	return items
}

// ruleKey names a register rule's problem by the field it is about.
func ruleKey(field string) string {
	switch field {
	case "product", "status", "since", "until":
		return field
	}
	return "overlap"
}

// readAnswer reads the records' answers and the added products from the
// form into d (as typed, with each field's problems) and returns the
// answer's items, the organisation's records as the answer would leave
// them, and for each record the function that reports a problem at its
// row.
func (a *Admin) readAnswer(lang locale.Lang, f url.Values, org string, d *censusPageData, current []storage.AdoptionRecord) ([]censusItem, []storage.AdoptionRecord, []func(field, msg string)) {
	var items []censusItem
	var recs []storage.AdoptionRecord
	var owner []func(field, msg string)
	d.Records = recordRows(lang, a.productName, current, nil)
	for i := range d.Records {
		row := &d.Records[i]
		p := fmt.Sprintf("r%d.", i)
		rec := current[i]
		if f.Get(p+"key") != row.Key {
			// The register changed since the form was shown.
			row.Errors["answer"] = lang.T("census.error.stale")
			continue
		}
		row.Answer, row.Status, row.Since, row.Until = f.Get(p+"answer"), f.Get(p+"status"), strings.TrimSpace(f.Get(p+"since")), strings.TrimSpace(f.Get(p+"until"))
		it := censusItem{Product: rec.ProductID, Since: rec.Since, Answer: row.Answer}
		switch row.Answer {
		case answerConfirm:
			// Fields edited under "this is right" would be lost without a
			// word: ask which is meant.
			if typed, ok := checkPeriod(lang, row.Status, row.Since, row.Until, map[string]string{}); !ok ||
				typed.Status != rec.Status || typed.Since != rec.Since || typed.Until != rec.Until {
				row.Errors["answer"] = lang.T("census.error.confirmed")
				continue
			}
			recs = append(recs, rec)
			owner = append(owner, rowReporter(row.Errors))
		case answerRemove:
			row.Status, row.Since, row.Until = rec.Status, rec.Since.String(), rec.Until.String()
		case answerChange:
			nr, ok := checkPeriod(lang, row.Status, row.Since, row.Until, row.Errors)
			if !ok {
				continue
			}
			nr.OrganizationID, nr.ProductID, nr.Note = rec.OrganizationID, rec.ProductID, rec.Note
			it.Status, it.NewSince, it.Until = nr.Status, nr.Since, nr.Until
			recs = append(recs, nr)
			owner = append(owner, rowReporter(row.Errors))
		default:
			row.Answer = answerConfirm
			row.Errors["answer"] = lang.T("census.error.answer")
			continue
		}
		items = append(items, it)
	}
	for j := 0; j < maxAdds; j++ {
		p := fmt.Sprintf("n%d.", j)
		if _, ok := f[p+"product"]; !ok {
			break
		}
		row := addRow{Product: f.Get(p + "product"), Status: f.Get(p + "status"), Since: strings.TrimSpace(f.Get(p + "since")),
			Until: strings.TrimSpace(f.Get(p + "until")), Errors: map[string]string{}}
		if row.Product == "" && row.Since == "" && row.Until == "" {
			continue
		}
		d.Adds = append(d.Adds, row)
		row = d.Adds[len(d.Adds)-1]
		if _, known := a.cfg.Product(row.Product); !known {
			row.Errors["product"] = lang.T("census.error.product")
		}
		nr, ok := checkPeriod(lang, row.Status, row.Since, row.Until, row.Errors)
		if !ok || len(row.Errors) > 0 {
			continue
		}
		nr.OrganizationID, nr.ProductID = org, row.Product
		items = append(items, censusItem{Product: row.Product, Answer: answerAdd, Status: nr.Status, NewSince: nr.Since, Until: nr.Until})
		recs = append(recs, nr)
		owner = append(owner, rowReporter(row.Errors))
	}
	return items, recs, owner
}

// orgRecords are the organisation's current records that the census asks
// about: those of the configured products.
func (a *Admin) orgRecords(cur register.Contents, org string) []storage.AdoptionRecord {
	var mine []storage.AdoptionRecord
	for _, rec := range cur.Adoptions {
		if _, ok := a.cfg.Product(rec.ProductID); ok && rec.OrganizationID == org {
			rec.RecordedAt, rec.RetractedAt = "", ""
			mine = append(mine, rec)
		}
	}
	return mine
}
