package dashboard

import (
	"strings"

	"os2pulse/config"
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
			d := editDistance(q, cand)
			close := d <= max(1, len([]rune(q))/4) || len([]rune(q)) >= 4 && strings.Contains(cand, q)
			if close && (bestDist < 0 || d < bestDist) {
				best, bestDist = p, d
			}
		}
	}
	return best, bestDist >= 0
}

// editDistance is the Levenshtein distance between a and b, in letters.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
