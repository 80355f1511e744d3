package register

import (
	"fmt"
	"io"
	"strings"

	"os2pulse/problems"
	"os2pulse/storage"
)

// ParseAdoption reads an adoption register CSV (organization, product,
// status, since, until, note). products holds the configured product ids;
// orgs the ids of organisations other than municipalities that rows may
// name. name is the file name used in messages. Either every row is
// valid, or a *problems.Error lists every problem as "FILE:LINE: what is
// wrong".
func ParseAdoption(name string, r io.Reader, products, orgs map[string]bool) ([]storage.AdoptionRecord, error) {
	data, err := readLimited(name, r)
	if err != nil {
		return nil, err
	}
	var known []storage.Organization
	for id := range orgs {
		known = append(known, storage.Organization{ID: id, Kind: storage.KindOther})
	}
	text, _ := decodeCSV(name, data)
	t := readCSV(text, adoptionRead, adoptionRequired, problems.NewList(name, 0))
	recs := newAdoptionRules(products, newOrgNames(known)).table(t)
	if err := t.p.Err(); err != nil {
		return nil, err
	}
	return recs, nil
}

// adoptionRules are the rules of the adoption register: every field
// checked, and no two periods of one organisation and product sharing a
// day. A file's rows and a form's record go through the same rules.
type adoptionRules struct {
	products map[string]bool
	orgs     *orgNames
	seen     map[adoptionKey]*spans[storage.AdoptionRecord]
}

type adoptionKey struct{ org, product string }

func newAdoptionRules(products map[string]bool, orgs *orgNames) *adoptionRules {
	return &adoptionRules{products: products, orgs: orgs, seen: map[adoptionKey]*spans[storage.AdoptionRecord]{}}
}

// table checks every row of t, recording problems in t, and returns the
// accepted records in file order.
func (a *adoptionRules) table(t *table) []storage.AdoptionRecord {
	out := make([]storage.AdoptionRecord, 0, len(t.rows))
	for i, r := range t.rows {
		// A row read is no longer needed: freed as the records grow, the
		// two are not both whole in memory.
		t.rows[i].values = nil
		rec, ok := a.record(t.fields(r), t.serials, t.date1904, func(col, format string, args ...any) {
			t.add(r.line, col, format, args...)
		})
		if !ok {
			continue
		}
		if msg := a.add(rec, r.line, t.ref); msg != "" {
			t.add(r.line, "organization", "%s", msg)
			continue
		}
		out = append(out, rec)
	}
	return out
}

// record checks one row's fields, reporting each problem with its column
// through bad; ok is false when there was any.
func (a *adoptionRules) record(f map[string]string, serials, date1904 bool, bad func(col, format string, args ...any)) (rec storage.AdoptionRecord, ok bool) {
	ok = true
	fail := func(col, format string, args ...any) {
		ok = false
		bad(col, format, args...)
	}
	if id, msg := a.orgs.resolve(f["organization"]); msg != "" {
		fail("organization", "%s", msg)
	} else {
		rec.OrganizationID = id
	}

	switch prod := strings.ToLower(f["product"]); {
	case prod == "":
		fail("product", "product is empty")
	case !a.products[prod]:
		fail("product", "unknown product %q (not in the configuration)", problems.Clip(f["product"]))
	default:
		rec.ProductID = prod
	}

	if st, found := statusNames[strings.ToLower(f["status"])]; found {
		rec.Status = st
	} else if f["status"] == "" {
		fail("status", "status is empty (production, pilot, planned or stopped)")
	} else {
		fail("status", "status %q is not production, pilot, planned or stopped (or i drift, pilot, planlagt, ophørt)", problems.Clip(f["status"]))
	}

	var errS, errU error
	rec.Since, errS = parseDay("since", f["since"], serials, date1904)
	if errS != nil {
		fail("since", "%v", errS)
	}
	if u := f["until"]; u != "" {
		rec.Until, errU = parseDay("until", u, serials, date1904)
		if errU != nil {
			fail("until", "%v", errU)
		}
	}
	if errS == nil && errU == nil && !rec.Until.IsZero() && rec.Until <= rec.Since {
		if rec.Until == rec.Since {
			fail("until", "until %s is the same day as since; a period lasts at least one day", rec.Until)
		} else {
			fail("until", "until %s is before since %s", rec.Until, rec.Since)
		}
	}
	rec.Note = f["note"]
	return rec, ok
}

// add accepts rec unless its period shares a day with an accepted one of
// the same organisation and product; it then says which (ref names the
// other's line).
func (a *adoptionRules) add(rec storage.AdoptionRecord, line int, ref func(int) string) string {
	k := adoptionKey{rec.OrganizationID, rec.ProductID}
	ps := a.seen[k]
	if ps == nil {
		ps = &spans[storage.AdoptionRecord]{}
		a.seen[k] = ps
	}
	i, at := ps.conflict(rec.Since, rec.Until)
	if i >= 0 {
		q := (*ps)[i]
		switch {
		case q.v == rec:
			return "duplicate of " + ref(q.line)
		case q.since == rec.Since:
			return fmt.Sprintf("%s has %s since %s already on %s", rec.OrganizationID, rec.ProductID, rec.Since, ref(q.line))
		default:
			return fmt.Sprintf("%s at %s %s overlaps %s (%s %s)", rec.ProductID, rec.OrganizationID, period(rec.Since, rec.Until), ref(q.line), q.v.Status, period(q.since, q.until))
		}
	}
	ps.insert(at, spanEntry[storage.AdoptionRecord]{since: rec.Since, until: rec.Until, line: line, v: rec})
	return ""
}
