package config

import (
	"fmt"
	"strings"
)

// Governance levels as OS2 names them: the sandbox ("sandkasse"), then 1–3.
var GovernanceLevels = []string{"sandbox", "1", "2", "3"}

// validateProducts checks [[products]] and returns the product ids seen.
func (c *Config) validateProducts(add addFunc) map[string]bool {
	products := map[string]bool{}
	for i, p := range c.Products {
		key := fmt.Sprintf("products[%d]", i)
		checkID(add, key+".id", "product", productIDRe, p.ID, products)
		if strings.TrimSpace(p.Name) == "" {
			add(key+".name", "must not be empty")
		}
		switch {
		case p.GovernanceLevel != "" && len(p.Levels) > 0:
			add(key+".levels", "give either governance_level (one level for all dates) or levels (its history), not both")
		case len(p.Levels) > 0:
			for j, l := range p.Levels {
				lk := fmt.Sprintf("%s.levels[%d]", key, j)
				if !contains(GovernanceLevels, l.Level) {
					add(lk+".level", "must be one of sandbox, 1, 2, 3, not %q", l.Level)
				}
				switch {
				case l.Since.IsZero():
					add(lk+".since", "date missing (YYYY-MM-DD): since when the product holds level %q", l.Level)
				case j > 0 && !l.Since.After(p.Levels[j-1].Since):
					add(lk+".since", "%s is not after the previous level's since, %s: list the levels in the order they were held", l.Since, p.Levels[j-1].Since)
				case j > 0 && l.Level == p.Levels[j-1].Level:
					add(lk+".level", "level %q is the level before it too; leave this entry out", l.Level)
				}
			}
		case p.GovernanceLevel == "":
			add(key+".governance_level", "missing: give governance_level = \"sandbox\", \"1\", \"2\" or \"3\", or levels = [{ level = \"sandbox\", since = 2021-03-01 }, …]")
		case !contains(GovernanceLevels, p.GovernanceLevel):
			add(key+".governance_level", "must be one of sandbox, 1, 2, 3, not %q", p.GovernanceLevel)
		}
		for j, r := range p.Repos {
			spec, err := ParseRepoSpec(r)
			switch {
			case err != nil:
				add(fmt.Sprintf("%s.repos[%d]", key, j), "%v", err)
			case (spec.Nested() || spec.Name == "*") && !c.collected(spec.Forge):
				// A plain forge/owner/name may be a git log export's
				// repository; groups and wildcards need the forge's API.
				add(fmt.Sprintf("%s.repos[%d]", key, j), "%q: unknown host %q: add a [[forges]] section with host = %q and kind = \"gitlab\"", r, spec.Forge, spec.Forge)
			}
		}
		if strings.ContainsAny(p.Description.DA+p.Description.EN, "\r\n") {
			add(key+".description", "must be one line")
		}
		if p.URL != "" && !isWebAddress(p.URL) {
			add(key+".url", "must be an https:// or http:// address, not %q", p.URL)
		}
		if p.Contact != "" && !isWebAddress(p.Contact) && !emailRe.MatchString(p.Contact) {
			add(key+".contact", "must be an e-mail address or an https:// or http:// address, not %q", p.Contact)
		}
		for j, s := range p.SelfEvaluations {
			if _, err := ParseSelfEvalSpec(s); err != nil {
				add(fmt.Sprintf("%s.self_evaluations[%d]", key, j), "%v", err)
			}
		}
	}
	return products
}
