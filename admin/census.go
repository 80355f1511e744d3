package admin

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"os2pulse/civil"
	"os2pulse/locale"
	"os2pulse/storage"
)

// The census (docs/census.md): the secretariat opens a census under
// /admin/census and sends each organisation asked its personal link; the
// organisation answers at /census/{token} (census_public.go); each answer
// waits for review (census_review.go) before anything reaches the
// register. The secretariat's pages: the list and opening a census
// (census_open.go), one census and its CSV files (census_show.go), the
// personal links (census_links.go); this file holds what they share.

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
	return c, !a.answeredError(w, r, err)
}

// answeredError reports whether err was answered: what is not there with
// 404, any other error with 500.
func (a *Admin) answeredError(w http.ResponseWriter, r *http.Request, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, storage.ErrNotFound):
		a.errorPage(w, r, http.StatusNotFound, "admin.error.notfound")
	default:
		a.fail(w, r, err)
	}
	return true
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
