package register

import (
	"encoding/csv"
	"strings"

	"os2pulse/config"
	"os2pulse/problems"
	"os2pulse/storage"
)

// Changes of one record, from the admin pages' forms. Each is checked by
// the rules of a file import (the same field checks, the same overlap
// rule) against the current register, and gives the register to import:
// the current one with the change. It is then stored, compared and
// recorded like any import, so a form keeps the same history.

// formName names a form in problems: "form:since: …".
const formName = "form"

// AddAdoption checks a record given as the adoption columns' values, as
// typed (an organisation may be named), and returns the adoption register
// with it added.
func AddAdoption(cfg *config.Config, cur Contents, fields map[string]string) (storage.Register, error) {
	rules, others := adoptionRulesFor(cfg, cur, nil)
	p := problems.NewList(formName, 0)
	f, bad := formInput(fields, AdoptionColumns, p)
	rec, ok := rules.record(f, false, false, bad)
	if ok {
		if msg := rules.add(rec, 0, formRef); msg != "" {
			p.AddAt("organization", "%s", msg)
		}
	}
	if err := p.Err(); err != nil {
		return storage.Register{}, err
	}
	return adoptionEdit(append(others, rec), rec), nil
}

// EndAdoption sets until on the current record that fields name by
// organization, product and since (as typed), checked as if the record
// came so in a file.
func EndAdoption(cfg *config.Config, cur Contents, fields map[string]string) (storage.Register, error) {
	p := problems.NewList(formName, 0)
	f, bad := formInput(fields, []string{"organization", "product", "since", "until"}, p)
	org, msg := newOrgNames(cur.Organizations).resolve(f["organization"])
	if msg != "" {
		bad("organization", "%s", msg)
	}
	product := strings.ToLower(f["product"])
	since, err := parseDay("since", f["since"], false, false)
	if err != nil {
		bad("since", "%v", err)
	}
	until := f["until"]
	if until == "" {
		bad("until", "until is missing (%s)", dateForms)
	}
	if p.Len() > 0 {
		return storage.Register{}, p.Err()
	}
	var target *storage.AdoptionRecord
	for i, r := range cur.Adoptions {
		if r.OrganizationID == org && r.ProductID == product && r.Since == since {
			target = &cur.Adoptions[i]
		}
	}
	if target == nil {
		p.AddAt("since", "no current record of %s at %s since %s", problems.Clip(product), org, since)
		return storage.Register{}, p.Err()
	}
	rules, others := adoptionRulesFor(cfg, cur, target)
	rec, ok := rules.record(map[string]string{"organization": target.OrganizationID, "product": target.ProductID, "status": target.Status,
		"since": target.Since.String(), "until": until, "note": target.Note}, false, false, bad)
	if ok {
		if msg := rules.add(rec, 0, formRef); msg != "" {
			p.AddAt("until", "%s", msg)
		}
	}
	if err := p.Err(); err != nil {
		return storage.Register{}, err
	}
	return adoptionEdit(append(others, rec), rec), nil
}

// adoptionRulesFor returns the rules with every current record except
// skip accepted, and those records.
func adoptionRulesFor(cfg *config.Config, cur Contents, skip *storage.AdoptionRecord) (*adoptionRules, []storage.AdoptionRecord) {
	products := map[string]bool{}
	for _, p := range cfg.Products {
		products[p.ID] = true
	}
	rules := newAdoptionRules(products, newOrgNames(cur.Organizations))
	others := make([]storage.AdoptionRecord, 0, len(cur.Adoptions)+1)
	for i := range cur.Adoptions {
		if skip != nil && &cur.Adoptions[i] == skip {
			continue
		}
		r := cur.Adoptions[i]
		r.RecordedAt, r.RetractedAt = "", ""
		rules.add(r, 0, formRef)
		others = append(others, r)
	}
	return rules, others
}

func adoptionEdit(all []storage.AdoptionRecord, rec storage.AdoptionRecord) storage.Register {
	return storage.Register{Adoptions: all, Audit: storage.Audit{Action: storage.ActionEdit,
		Detail: TableAdoption + ": " + csvLine(rec.OrganizationID, rec.ProductID, rec.Status, rec.Since.String(), rec.Until.String(), rec.Note)}}
}

// AddMembership checks a membership given as organization, member_since
// and member_until, as typed, and returns the memberships with it added.
// The organisation must be a municipality or one defined already.
func AddMembership(cur Contents, fields map[string]string) (storage.Register, error) {
	m, p := membershipForm(cur, fields, false)
	if p.Len() > 0 {
		return storage.Register{}, p.Err()
	}
	return membershipEdit(cur, nil, m, p)
}

// EndMembership sets member_until on the current membership that fields
// name by organization and member_since (as typed).
func EndMembership(cur Contents, fields map[string]string) (storage.Register, error) {
	m, p := membershipForm(cur, fields, true)
	if p.Len() > 0 {
		return storage.Register{}, p.Err()
	}
	var target *storage.Membership
	for i, c := range cur.Memberships {
		if c.OrganizationID == m.OrganizationID && c.Since == m.Since {
			target = &cur.Memberships[i]
		}
	}
	if target == nil {
		p.AddAt("member_since", "no current membership of %s since %s", m.OrganizationID, m.Since)
		return storage.Register{}, p.Err()
	}
	return membershipEdit(cur, target, m, p)
}

// membershipForm reads a membership form by the members list's rules;
// member_since is required, and member_until with needUntil.
func membershipForm(cur Contents, fields map[string]string, needUntil bool) (storage.Membership, *problems.List) {
	p := problems.NewList(formName, 0)
	f, bad := formInput(fields, []string{"organization", "member_since", "member_until"}, p)
	org, msg := newOrgNames(cur.Organizations).resolve(f["organization"])
	if msg != "" {
		bad("organization", "%s", msg)
	}
	if f["member_since"] == "" {
		bad("member_since", "member_since is missing (%s)", dateForms)
	}
	if needUntil && f["member_until"] == "" {
		bad("member_until", "member_until is missing (%s)", dateForms)
	}
	if p.Len() > 0 {
		return storage.Membership{}, p
	}
	since, until, _ := membershipPeriod(f, false, false, bad)
	return storage.Membership{OrganizationID: org, Since: since, Until: until}, p
}

// membershipEdit checks m against every current membership but skip and
// returns the memberships with it.
func membershipEdit(cur Contents, skip *storage.Membership, m storage.Membership, p *problems.List) (storage.Register, error) {
	rules := membershipRules{}
	all := make([]storage.Membership, 0, len(cur.Memberships)+1)
	for i := range cur.Memberships {
		if &cur.Memberships[i] == skip {
			continue
		}
		o := cur.Memberships[i]
		o.RecordedAt, o.RetractedAt = "", ""
		rules.add(o.OrganizationID, o.Since, o.Until, 0, formRef)
		all = append(all, o)
	}
	if msg := rules.add(m.OrganizationID, m.Since, m.Until, 0, formRef); msg != "" {
		p.AddAt("member_since", "%s", msg)
		return storage.Register{}, p.Err()
	}
	return storage.Register{Members: append(all, m), Audit: storage.Audit{Action: storage.ActionEdit,
		Detail: TableMembers + ": " + csvLine(m.OrganizationID, m.Since.String(), m.Until.String())}}, nil
}

// formInput is what a form gives, read like a file's row: each field
// trimmed and its text checked by checkText (a refused one is blank). bad
// reports further problems, except for a field already refused, so each
// field has one problem at most and all of them come at once.
func formInput(fields map[string]string, columns []string, p *problems.List) (map[string]string, func(col, format string, args ...any)) {
	f := make(map[string]string, len(columns))
	refused := map[string]bool{}
	for _, c := range columns {
		v := strings.TrimSpace(fields[c])
		if msg := checkText(c, v); msg != "" {
			p.AddAt(c, "%s", msg)
			refused[c], v = true, ""
		}
		f[c] = v
	}
	return f, func(col, format string, args ...any) {
		if !refused[col] {
			p.AddAt(col, format, args...)
		}
	}
}

// formRef names the register's records in a form's problems.
func formRef(int) string { return "a record in the register" }

// csvLine writes values as one CSV line, guarded like an export.
func csvLine(values ...string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	for i := range values {
		values[i] = escapeCell(values[i])
	}
	w.Write(values)
	w.Flush()
	return strings.TrimSuffix(b.String(), "\n")
}
