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

// ParseMembers reads a members file (organization, name, kind,
// member_since, member_until). A row with an empty member_since defines an
// organisation that is not a member, so that adoption rows can name it.
// name is the file name used in messages. Either the whole file is valid,
// or a *problems.Error lists every problem as "FILE:LINE: what is wrong".
func ParseMembers(name string, r io.Reader) (MembersList, error) {
	p := problems.NewList(name, 0)
	data, err := readLimited(name, r)
	if err != nil {
		return MembersList{}, err
	}
	rows := readTable(data, MembersColumns, membersRequired, p)
	out := MembersList{Memberships: []storage.Membership{}}
	type def struct {
		line int
		org  storage.Organization
	}
	defined := map[string]def{}
	periods := map[string]*spans[struct{}]{}
	for _, row := range rows {
		f := row.fields
		raw := f["organization"]
		if raw == "" {
			p.Add(row.line, "organization is empty")
			continue
		}
		kind := strings.ToLower(f["kind"])
		org := storage.Organization{Name: f["name"], Kind: kind}
		code, numeric := municipalityCode(raw)
		switch {
		case numeric && code == "":
			p.Add(row.line, "unknown municipality code %q", problems.Clip(raw))
			continue
		case numeric:
			org.ID = code
			if kind != storage.KindMunicipality {
				p.Add(row.line, "kind %q, but %s is a kommunekode (kind municipality)", problems.Clip(f["kind"]), code)
				continue
			}
		default:
			org.ID = strings.ToLower(raw)
			if !organisationIDRe.MatchString(org.ID) {
				p.Add(row.line, "organization %q is neither a kommunekode (101–860) nor an id of lower-case letters, digits, - and _ starting with a letter (e.g. region-midtjylland)", problems.Clip(raw))
				continue
			}
			switch {
			case kind == storage.KindMunicipality:
				p.Add(row.line, "kind municipality needs a kommunekode (101–860), not %q", problems.Clip(raw))
				continue
			case !contains(kinds, kind):
				p.Add(row.line, "kind %q is not one of municipality, region, state, other", problems.Clip(f["kind"]))
				continue
			case org.Name == "":
				p.Add(row.line, "name is empty; it is required for organisations other than municipalities")
				continue
			}
		}
		var since, until civil.Date
		var bad bool
		if v := f["member_since"]; v != "" {
			if since, err = parseDay("member_since", v); err != nil {
				p.Add(row.line, "%v", err)
				bad = true
			}
		}
		if v := f["member_until"]; v != "" {
			if until, err = parseDay("member_until", v); err != nil {
				p.Add(row.line, "%v", err)
				bad = true
			}
		}
		if bad {
			continue
		}
		switch {
		case since.IsZero() && !until.IsZero():
			p.Add(row.line, "member_until without member_since")
			continue
		case !until.IsZero() && until <= since:
			p.Add(row.line, "member_until %s is not after member_since %s", until, since)
			continue
		}
		// Municipalities keep their built-in names; the name column is
		// only a help for whoever edits the file.
		if !numeric {
			if d, ok := defined[org.ID]; ok && (d.org.Name != org.Name || d.org.Kind != org.Kind) {
				p.Add(row.line, "%s is defined on line %d with another name or kind", org.ID, d.line)
				continue
			} else if !ok {
				defined[org.ID] = def{row.line, org}
				out.Organizations = append(out.Organizations, org)
			}
		}
		if since.IsZero() {
			continue
		}
		ps := periods[org.ID]
		if ps == nil {
			ps = &spans[struct{}]{}
			periods[org.ID] = ps
		}
		i, at := ps.conflict(since, until)
		if i >= 0 {
			q := (*ps)[i]
			if q.since == since && q.until == until {
				p.Add(row.line, "duplicate of line %d", q.line)
			} else {
				p.Add(row.line, "membership %s overlaps line %d (%s)", period(since, until), q.line, period(q.since, q.until))
			}
			continue
		}
		ps.insert(at, spanEntry[struct{}]{since: since, until: until, line: row.line})
		out.Memberships = append(out.Memberships, storage.Membership{OrganizationID: org.ID, Since: since, Until: until})
	}
	if err := p.Err(); err != nil {
		return MembersList{}, err
	}
	return out, nil
}
