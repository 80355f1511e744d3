package admin

import (
	"bytes"
	"net/http"
	"strings"

	"os2pulse/locale"
	"os2pulse/storage"
	"os2pulse/table"
)

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
