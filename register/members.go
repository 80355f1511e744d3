package register

import (
	"io"
	"strings"

	"os2pulse/civil"
	"os2pulse/problems"
	"os2pulse/storage"
)

// MembersList is a parsed members file.
type MembersList struct {
	// Organizations are the organisations the file defines, except
	// municipalities, which are built in.
	Organizations []storage.Organization
	// Memberships are the membership periods, in file order; never nil.
	Memberships []storage.Membership
}

// IDs returns the ids of the organisations the file defines.
func (m MembersList) IDs() map[string]bool {
	out := map[string]bool{}
	for _, o := range m.Organizations {
		out[o.ID] = true
	}
	return out
}

// ParseMembers reads a members CSV (organization, name, kind,
// member_since, member_until). A row with an empty member_since defines an
// organisation that is not a member, so that adoption rows can name it.
// name is the file name used in messages. Either the whole file is valid,
// or a *problems.Error lists every problem as "FILE:LINE: what is wrong".
func ParseMembers(name string, r io.Reader) (MembersList, error) {
	data, err := readLimited(name, r)
	if err != nil {
		return MembersList{}, err
	}
	text, _ := decodeCSV(name, data)
	t := readCSV(text, MembersColumns, membersRequired, problems.NewList(name, 0))
	ml := parseMembers(t)
	if err := t.p.Err(); err != nil {
		return MembersList{}, err
	}
	return ml, nil
}

// membershipRules keep one organisation's membership periods apart: no
// two share a day. A file's rows and a form's membership go through the
// same rule.
type membershipRules map[string]*spans[struct{}]

// add accepts a period of org unless it shares a day with an accepted
// one, and then says which (ref names the other's line).
func (m membershipRules) add(org string, since, until civil.Date, line int, ref func(int) string) string {
	ps := m[org]
	if ps == nil {
		ps = &spans[struct{}]{}
		m[org] = ps
	}
	i, at := ps.conflict(since, until)
	if i >= 0 {
		q := (*ps)[i]
		if q.since == since && q.until == until {
			return "duplicate of " + ref(q.line)
		}
		return "membership " + period(since, until) + " overlaps " + ref(q.line) + " (" + period(q.since, q.until) + ")"
	}
	ps.insert(at, spanEntry[struct{}]{since: since, until: until, line: line})
	return ""
}

// membershipPeriod reads member_since and member_until, reporting what is
// wrong through bad; ok is false when anything was.
func membershipPeriod(f map[string]string, serials, date1904 bool, bad func(col, format string, args ...any)) (since, until civil.Date, ok bool) {
	ok = true
	var err error
	if v := f["member_since"]; v != "" {
		if since, err = parseDay("member_since", v, serials, date1904); err != nil {
			bad("member_since", "%v", err)
			ok = false
		}
	}
	if v := f["member_until"]; v != "" {
		if until, err = parseDay("member_until", v, serials, date1904); err != nil {
			bad("member_until", "%v", err)
			ok = false
		}
	}
	if !ok {
		return since, until, false
	}
	switch {
	case since.IsZero() && !until.IsZero():
		bad("member_until", "member_until without member_since")
		return since, until, false
	case !until.IsZero() && until <= since:
		bad("member_until", "member_until %s is not after member_since %s", until, since)
		return since, until, false
	}
	return since, until, true
}

// parseMembers checks every row of a members table, recording problems in
// t.
func parseMembers(t *table) MembersList {
	out := MembersList{Memberships: []storage.Membership{}}
	type def struct {
		line int
		org  storage.Organization
	}
	defined := map[string]def{}
	periods := membershipRules{}
	for _, r := range t.rows {
		f := t.fields(r)
		bad := func(col, format string, args ...any) { t.add(r.line, col, format, args...) }
		raw := f["organization"]
		if raw == "" {
			bad("organization", "organization is empty")
			continue
		}
		kind := strings.ToLower(f["kind"])
		org := storage.Organization{Name: f["name"], Kind: kind}
		code, municipality := resolveMunicipality(raw)
		_, numeric := municipalityCode(raw)
		switch {
		case numeric && !municipality:
			bad("organization", "unknown municipality code %q", problems.Clip(raw))
			continue
		case municipality:
			org.ID = code
			if kind != storage.KindMunicipality {
				bad("kind", "kind %q, but %s is a kommunekode (kind municipality)", problems.Clip(f["kind"]), code)
				continue
			}
		default:
			org.ID = strings.ToLower(raw)
			if !organisationIDRe.MatchString(org.ID) {
				bad("organization", "organization %q is neither a kommunekode (101–860), a municipality's name, nor an id of lower-case letters, digits, - and _ starting with a letter (e.g. region-midtjylland)", problems.Clip(raw))
				continue
			}
			switch {
			case kind == storage.KindMunicipality:
				bad("kind", "kind municipality needs a kommunekode (101–860), not %q", problems.Clip(raw))
				continue
			case !contains(kinds, kind):
				bad("kind", "kind %q is not one of municipality, region, state, other", problems.Clip(f["kind"]))
				continue
			case org.Name == "":
				bad("name", "name is empty; it is required for organisations other than municipalities")
				continue
			}
		}
		since, until, ok := membershipPeriod(f, t.serials, t.date1904, bad)
		if !ok {
			continue
		}
		// Municipalities keep their built-in names; the name column is
		// only a help for whoever edits the file.
		if !municipality {
			if d, ok := defined[org.ID]; ok && (d.org.Name != org.Name || d.org.Kind != org.Kind) {
				bad("organization", "%s is defined on %s with another name or kind", org.ID, t.ref(d.line))
				continue
			} else if !ok {
				defined[org.ID] = def{r.line, org}
				out.Organizations = append(out.Organizations, org)
			}
		}
		if since.IsZero() {
			continue
		}
		if msg := periods.add(org.ID, since, until, r.line, t.ref); msg != "" {
			bad("organization", "%s", msg)
			continue
		}
		out.Memberships = append(out.Memberships, storage.Membership{OrganizationID: org.ID, Since: since, Until: until})
	}
	return out
}
