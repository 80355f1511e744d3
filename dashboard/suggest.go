package dashboard

import (
	"strings"

	"os2pulse/config"
	"os2pulse/spelling"
)

// A product's address is its id, but people type names: "/products/OS2forms"
// is the product os2forms (a redirect to its one address), and an address
// that is nearly an id or a name ("os2form") is a 404 that suggests it.

// productByFold is the product whose id is id in another case.
func productByFold(cfg *config.Config, id string) (config.Product, bool) {
	for _, p := range cfg.Products {
		if strings.EqualFold(p.ID, id) {
			return p, true
		}
	}
	return config.Product{}, false
}

// nearestProduct is the product whose id or name is closest to what was
// typed, if one is close: a letter or so off (one in four), or holding
// what was typed (four letters or more).
func nearestProduct(cfg *config.Config, typed string) (config.Product, bool) {
	q := strings.ToLower(typed)
	best, bestDist := config.Product{}, -1
	for _, p := range cfg.Products {
		for _, cand := range []string{strings.ToLower(p.ID), strings.ToLower(p.Name)} {
			d := spelling.Distance(q, cand)
			close := d <= max(1, len([]rune(q))/4) || len([]rune(q)) >= 4 && strings.Contains(cand, q)
			if close && (bestDist < 0 || d < bestDist) {
				best, bestDist = p, d
			}
		}
	}
	return best, bestDist >= 0
}
