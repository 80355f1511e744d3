package register

import (
	"fmt"
	"io"
	"strings"

	"os2pulse/problems"
	"os2pulse/storage"
)

// ParseAdoption reads an adoption register (organization, product, status,
// since, until, note). products holds the configured product ids; orgs the
// ids of organisations other than municipalities that rows may name. name
// is the file name used in messages. Either every row is valid, or a
// *problems.Error lists every problem as "FILE:LINE: what is wrong".
func ParseAdoption(name string, r io.Reader, products, orgs map[string]bool) ([]storage.AdoptionRecord, error) {
	p := problems.NewList(name, 0)
	data, err := readLimited(name, r)
	if err != nil {
		return nil, err
	}
	rows := readTable(data, AdoptionColumns, adoptionRequired, p)
	type key struct{ org, product string }
	seen := map[key]*spans[storage.AdoptionRecord]{}
	out := []storage.AdoptionRecord{}
	for _, row := range rows {
		f := row.fields
		var rec storage.AdoptionRecord
		var msgs []string
		bad := func(format string, args ...any) { msgs = append(msgs, fmt.Sprintf(format, args...)) }

		raw := f["organization"]
		code, numeric := municipalityCode(raw)
		switch {
		case raw == "":
			bad("organization is empty")
		case numeric && code == "":
			bad("unknown municipality code %q", problems.Clip(raw))
		case numeric:
			rec.OrganizationID = code
		case !orgs[strings.ToLower(raw)]:
			bad("unknown organisation %q: not a kommunekode (101–860) and not defined in the members file", problems.Clip(raw))
		default:
			rec.OrganizationID = strings.ToLower(raw)
		}

		switch prod := strings.ToLower(f["product"]); {
		case prod == "":
			bad("product is empty")
		case !products[prod]:
			bad("unknown product %q (not in the configuration)", problems.Clip(f["product"]))
		default:
			rec.ProductID = prod
		}

		if st, ok := statusNames[strings.ToLower(f["status"])]; ok {
			rec.Status = st
		} else if f["status"] == "" {
			bad("status is empty (production, pilot, planned or stopped)")
		} else {
			bad("status %q is not production, pilot, planned or stopped (or i drift, pilot, planlagt, ophørt)", problems.Clip(f["status"]))
		}

		var errS, errU error
		rec.Since, errS = parseDay("since", f["since"])
		if errS != nil {
			bad("%v", errS)
		}
		if u := f["until"]; u != "" {
			rec.Until, errU = parseDay("until", u)
			if errU != nil {
				bad("%v", errU)
			}
		}
		if errS == nil && errU == nil && !rec.Until.IsZero() && rec.Until <= rec.Since {
			if rec.Until == rec.Since {
				bad("until %s is the same day as since; a period lasts at least one day", rec.Until)
			} else {
				bad("until %s is before since %s", rec.Until, rec.Since)
			}
		}
		rec.Note = f["note"]
		if len(msgs) > 0 {
			for _, m := range msgs {
				p.Add(row.line, "%s", m)
			}
			continue
		}

		k := key{rec.OrganizationID, rec.ProductID}
		ps := seen[k]
		if ps == nil {
			ps = &spans[storage.AdoptionRecord]{}
			seen[k] = ps
		}
		i, at := ps.conflict(rec.Since, rec.Until)
		if i >= 0 {
			q := (*ps)[i]
			switch {
			case q.v == rec:
				p.Add(row.line, "duplicate of line %d", q.line)
			case q.since == rec.Since:
				p.Add(row.line, "%s has %s since %s already on line %d", rec.OrganizationID, rec.ProductID, rec.Since, q.line)
			default:
				p.Add(row.line, "%s at %s %s overlaps line %d (%s %s)", rec.ProductID, rec.OrganizationID, period(rec.Since, rec.Until), q.line, q.v.Status, period(q.since, q.until))
			}
			continue
		}
		ps.insert(at, spanEntry[storage.AdoptionRecord]{since: rec.Since, until: rec.Until, line: row.line, v: rec})
		out = append(out, rec)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
