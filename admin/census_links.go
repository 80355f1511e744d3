package admin

import (
	"bytes"
	"context"
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"

	"os2pulse/locale"
	"os2pulse/storage"
	"os2pulse/table"
)

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

// changeInvitation reads the organisation a link action is about, checks
// the census may still take answers and makes the change to its
// invitation; an organisation without one is answered with 404.
func (a *Admin) changeInvitation(w http.ResponseWriter, r *http.Request, change func(ctx context.Context, censusID, org string) error) (storage.Census, string, bool) {
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
	org := r.PostForm.Get("org")
	err := change(r.Context(), c.ID, org)
	return c, org, !a.answeredError(w, r, err)
}

// revokeLink stops one organisation's link.
func (a *Admin) revokeLink(w http.ResponseWriter, r *http.Request) {
	id, _ := identityFrom(r.Context())
	c, org, ok := a.changeInvitation(w, r, a.store.RevokeCensusToken)
	if !ok {
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
	token, hash := newCensusToken()
	c, org, ok := a.changeInvitation(w, r, func(ctx context.Context, censusID, org string) error {
		return a.store.ReissueCensusToken(ctx, censusID, org, hash)
	})
	if !ok {
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
