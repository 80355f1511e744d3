package register

import (
	"fmt"
	"strings"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/storage"
)

// The census (docs/census.md) checks an organisation's answer, and the
// part of it the secretariat accepts, by the register's own rules: the
// same date forms, statuses, configured products and overlap rule as a
// file or a form.

// ParseDate reads a date as the register's date columns do: YYYY-MM-DD,
// or the Danish DD-MM-YYYY and DD.MM.YYYY. col names the field in the
// error.
func ParseDate(col, s string) (civil.Date, error) {
	return parseDay(col, strings.TrimSpace(s), false, false)
}

// ParseStatus returns the stored status a value names (production,
// pilot, planned, stopped, or the Danish words), and whether it names
// one.
func ParseStatus(s string) (string, bool) {
	st, ok := statusNames[strings.ToLower(strings.TrimSpace(s))]
	return st, ok
}

// RecordProblem is what is wrong with one record of a list checked by
// OrganizationAdoptions: Index is its place in the list, Field the column
// (product, status, since, until, organization for an overlap).
type RecordProblem struct {
	Index int
	Field string
	Text  string
}

// OrganizationAdoptions returns the register's adoption records with
// those of org (of configured products) replaced by recs, every one of recs checked by the
// register's rules: a configured product, a status, a period of at least
// one day, and no day shared with another period of the same product.
// Any problem leaves the register out.
func OrganizationAdoptions(cfg *config.Config, cur Contents, org string, recs []storage.AdoptionRecord) (storage.Register, []RecordProblem) {
	products := map[string]bool{}
	for _, p := range cfg.Products {
		products[p.ID] = true
	}
	rules := newAdoptionRules(products, newOrgNames(cur.Organizations))
	all := make([]storage.AdoptionRecord, 0, len(cur.Adoptions)+len(recs))
	for _, r := range cur.Adoptions {
		// A record of a product no longer configured stays as it is, as
		// with a form's edit: the census neither shows nor checks it.
		if r.OrganizationID == org && products[r.ProductID] {
			continue
		}
		r.RecordedAt, r.RetractedAt = "", ""
		rules.add(r, 0, formRef)
		all = append(all, r)
	}
	var out []RecordProblem
	ref := func(line int) string {
		if line == 0 {
			return "a record in the register"
		}
		return "another record of this answer"
	}
	for i, r := range recs {
		fields := map[string]string{"organization": org, "product": r.ProductID, "status": r.Status,
			"since": r.Since.String(), "until": r.Until.String(), "note": r.Note}
		rec, ok := rules.record(fields, false, false, func(col, format string, args ...any) {
			out = append(out, RecordProblem{Index: i, Field: col, Text: fmt.Sprintf(format, args...)})
		})
		if !ok {
			continue
		}
		if msg := rules.add(rec, i+1, ref); msg != "" {
			out = append(out, RecordProblem{Index: i, Field: "organization", Text: msg})
			continue
		}
		all = append(all, rec)
	}
	if len(out) > 0 {
		return storage.Register{}, out
	}
	return storage.Register{Adoptions: all}, nil
}
