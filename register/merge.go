package register

import (
	"os2pulse/config"
	"os2pulse/problems"
	"os2pulse/storage"
)

// KeepOthers makes a parsed file one that adds and changes rows without
// ending any: every current record the file does not name (by
// organisation, product and since; a membership by organisation and
// since) is kept as it is. The records together must still keep the
// register's rules (no two periods of one organisation and product
// sharing a day); a file record that would overlap a kept one is a
// problem, since only a whole register may replace one.
func KeepOthers(cfg *config.Config, cur Contents, p Parsed) (Parsed, error) {
	list := problems.NewList(p.Source, 0)
	if p.Adoptions != nil {
		products := map[string]bool{}
		for _, pr := range cfg.Products {
			products[pr.ID] = true
		}
		rules := newAdoptionRules(products, newOrgNames(cur.Organizations))
		named := map[adoptionKey]map[string]bool{}
		for _, r := range p.Adoptions {
			k := adoptionKey{r.OrganizationID, r.ProductID}
			if named[k] == nil {
				named[k] = map[string]bool{}
			}
			named[k][r.Since.String()] = true
		}
		all := append([]storage.AdoptionRecord{}, p.Adoptions...)
		for _, r := range cur.Adoptions {
			if named[adoptionKey{r.OrganizationID, r.ProductID}][r.Since.String()] {
				continue
			}
			r.RecordedAt, r.RetractedAt = "", ""
			rules.add(r, 0, formRef)
			all = append(all, r)
		}
		for _, r := range p.Adoptions {
			if msg := rules.add(r, 0, formRef); msg != "" {
				list.AddField("", "%s", msg)
			}
		}
		p.Adoptions = all
	}
	if p.Members != nil {
		rules := membershipRules{}
		named := map[string]map[string]bool{}
		for _, m := range p.Members {
			if named[m.OrganizationID] == nil {
				named[m.OrganizationID] = map[string]bool{}
			}
			named[m.OrganizationID][m.Since.String()] = true
		}
		all := append([]storage.Membership{}, p.Members...)
		for _, m := range cur.Memberships {
			if named[m.OrganizationID][m.Since.String()] {
				continue
			}
			m.RecordedAt, m.RetractedAt = "", ""
			rules.add(m.OrganizationID, m.Since, m.Until, 0, formRef)
			all = append(all, m)
		}
		for _, m := range p.Members {
			if msg := rules.add(m.OrganizationID, m.Since, m.Until, 0, formRef); msg != "" {
				list.AddField("", "%s: %s", m.OrganizationID, msg)
			}
		}
		p.Members = all
	}
	if err := list.Err(); err != nil {
		return Parsed{}, err
	}
	return p, nil
}
