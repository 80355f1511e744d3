package config

import (
	"fmt"
)

// Goal metrics, and whether each is a share (0–1) rather than a count.
var GoalMetrics = map[string]bool{
	"members":                       false,
	"members_three_plus_share":      true,
	"product_adoption_share":        true,
	"product_adopters":              false,
	"active_contributors":           false,
	"portfolio_active_contributors": false,
}

// validateGoals checks [[goals]]; products are the configured product ids.
func (c *Config) validateGoals(add addFunc, products map[string]bool) {
	goals := map[string]bool{}
	for i, g := range c.Goals {
		key := fmt.Sprintf("goals[%d]", i)
		name := fmt.Sprintf("goal %q", g.ID)
		checkID(add, key+".id", "goal", goalIDRe, g.ID, goals)
		if g.Title.DA == "" || g.Title.EN == "" {
			add(key+".title", "%s needs a title in Danish and English: title = { da = \"…\", en = \"…\" }", name)
		}
		share, ok := GoalMetrics[g.Metric]
		if !ok {
			add(key+".metric", "%s: unknown metric %q (one of members, members_three_plus_share, product_adoption_share, product_adopters, active_contributors, portfolio_active_contributors)", name, g.Metric)
		}
		needsProduct := g.Metric == "product_adoption_share" || g.Metric == "product_adopters"
		switch {
		case needsProduct && g.Product == "":
			add(key+".product", "%s: metric %s needs a product", name, g.Metric)
		case g.Product != "" && !products[g.Product]:
			add(key+".product", "%s: unknown product %q", name, g.Product)
		case g.Product != "" && ok && !needsProduct && g.Metric != "active_contributors":
			add(key+".product", "%s: metric %s takes no product", name, g.Metric)
		}
		if g.Metric == "product_adopters" {
			if !contains([]string{"municipalities", "members", "all"}, g.Scope) {
				add(key+".scope", "%s: scope must be municipalities, members or all, not %q", name, g.Scope)
			}
		} else if g.Scope != "" {
			add(key+".scope", "%s: only metric product_adopters takes a scope", name)
		}
		switch {
		case share && (g.Target <= 0 || g.Target > 1):
			add(key+".target", "%s: a share target must be above 0 and at most 1 (e.g. 0.3 for 30 %%), not %v", name, g.Target)
		case !share && ok && (g.Target <= 0 || g.Target != float64(int64(g.Target))):
			add(key+".target", "%s: a count target must be a positive whole number, not %v", name, g.Target)
		case g.Metric == "product_adopters" && g.Scope == "municipalities" && g.Target > 98:
			add(key+".target", "%s: there are only 98 municipalities", name)
		}
		if g.BaselineDate.IsZero() {
			add(key+".baseline_date", "%s: date missing (YYYY-MM-DD)", name)
		}
		if g.Deadline.IsZero() {
			add(key+".deadline", "%s: date missing (YYYY-MM-DD)", name)
		}
		if !g.BaselineDate.IsZero() && !g.Deadline.IsZero() && !g.Deadline.After(g.BaselineDate) {
			add(key+".deadline", "%s: deadline %s is not after baseline_date %s", name, g.Deadline, g.BaselineDate)
		}
	}
}
