package figures

import (
	"context"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/storage"
)

// What the figures' inputs reach. A figure about a date its inputs do not
// reach is incomplete: its value is what is known, not what happened, and
// pages, the API, /metrics and the report say so instead of showing it as
// a real value.

// ContributorCoverage says how far the contributor figures' inputs are
// known to be complete. A repository's history is complete up to the
// Danish date its last successful collection from GitHub began, or up to
// the covered_until of a git log import (else its last commit), whichever
// reaches further. A product's coverage is the earliest of its
// repositories' (moved ones left out: their history continues under the
// new name); the portfolio's the earliest of all. Zero: not known, for a
// product without a collected repository or with one never collected.
type ContributorCoverage struct {
	Portfolio civil.Date
	Products  map[string]civil.Date
}

// Product returns a product's coverage (zero: not known).
func (cv ContributorCoverage) Product(id string) civil.Date { return cv.Products[id] }

// Covers reports whether coverage until reaches date: a figure about date
// is complete only then.
func Covers(until, date civil.Date) bool { return !until.IsZero() && !until.Before(date) }

// LastComplete is the latest date not after date whose figures coverage
// until reaches: date itself when it is covered, else until; zero when
// nothing is covered.
func LastComplete(until, date civil.Date) civil.Date {
	if until.IsZero() {
		return 0
	}
	return min(until, date)
}

// ContributorCoverage computes the coverage of every configured product
// and of the portfolio.
func (c *Calculator) ContributorCoverage(ctx context.Context) (ContributorCoverage, error) {
	vs, err := c.store.DomainVersions(ctx)
	if err != nil {
		return ContributorCoverage{}, err
	}
	return cachedOn(ctx, c, vs, "contributor-coverage", depRepositories, "", func() (ContributorCoverage, error) {
		repos, err := c.store.Repositories(ctx, "")
		if err != nil {
			return ContributorCoverage{}, err
		}
		links, err := c.store.ProductRepositories(ctx)
		if err != nil {
			return ContributorCoverage{}, err
		}
		return coverageOf(c.productIDs(), repos, links), nil
	})
}

// coverageOf computes coverage from the repositories and their products.
func coverageOf(products []string, repos []storage.Repository, links map[string][]string) ContributorCoverage {
	byKey := make(map[string]storage.Repository, len(repos))
	for _, r := range repos {
		byKey[r.Key] = r
	}
	out := ContributorCoverage{Products: map[string]civil.Date{}}
	// earliest folds repositories' coverage: zero as soon as one is not
	// known. seen tells a first value from "not known".
	type fold struct {
		until civil.Date
		seen  bool
	}
	add := func(f *fold, d civil.Date) {
		if !f.seen || d < f.until {
			f.until = d
		}
		f.seen = true
	}
	var all fold
	for _, id := range products {
		var p fold
		for _, k := range links[id] {
			r, ok := byKey[k]
			if !ok || r.Status == storage.RepoMoved {
				continue
			}
			add(&p, r.CoveredUntil)
			add(&all, r.CoveredUntil)
		}
		out.Products[id] = p.until
	}
	out.Portfolio = all.until
	return out
}

// productIDs lists the configured products' ids in configuration order.
func (c *Calculator) productIDs() []string {
	ids := make([]string, 0, len(c.cfg.Products))
	for _, p := range c.cfg.Products {
		ids = append(ids, p.ID)
	}
	return ids
}

// RegisterCoverage is how far the register is known: the Danish date of
// its last successful import or of the last collection that found it
// unchanged, whichever is later. Adoption and membership figures about a
// later date are as registered on that date. Zero: never imported.
func (c *Calculator) RegisterCoverage(ctx context.Context) (civil.Date, error) {
	vs, err := c.store.DomainVersions(ctx)
	if err != nil {
		return 0, err
	}
	return c.registerCoverageOn(ctx, vs)
}

// registerCoverageOn is RegisterCoverage with the data versions already
// read: figures that need both read them once.
func (c *Calculator) registerCoverageOn(ctx context.Context, vs storage.Versions) (civil.Date, error) {
	last, err := c.lastSuccessOn(ctx, vs)
	if err != nil {
		return 0, err
	}
	var out civil.Date
	if t, ok := last[config.SourceRegister]; ok {
		out = civil.Today(t)
	}
	imports, err := c.registerImportsOn(ctx, vs)
	if err != nil {
		return 0, err
	}
	if len(imports) > 0 {
		if t := imports[0].ImportedAt; !t.IsZero() {
			out = max(out, civil.Today(t))
		}
	}
	return out, nil
}

// registeredOn is what an adoption or membership figure about date says
// about the register: the date of the register it shows when date is after
// it, else zero (the register reaches date, or was never imported).
func registeredOn(coverage, date civil.Date) civil.Date {
	if !coverage.IsZero() && coverage.Before(date) {
		return coverage
	}
	return 0
}
