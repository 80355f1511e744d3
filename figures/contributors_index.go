package figures

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"log/slog"
	"sort"
	"time"

	"os2pulse/civil"
	"os2pulse/contribindex"
	"os2pulse/storage"
)

// The contributor figures computed from the contribution index (index.go):
// what contributors.go computes from storage, with the same results.

// contribSetup is what contributor figures need besides the rollup: the
// products and their repositories, memberships and coverage. It changes
// with the register and the repositories only.
type contribSetup struct {
	products    []productRef
	repoKeys    map[string][]string // product id → its repositories
	all         []string            // repositories of any product
	memberships []storage.Membership
	coverage    ContributorCoverage
	// keysHash is a hash of each product's repositories ("" for all):
	// part of what a cached figure of the product is valid for.
	keysHash map[string]uint64
	// register is the register's version the memberships are of.
	register int64
}

// scope is what the index keeps the counts of product id under ("" for
// the portfolio).
func (s *contribSetup) scope(id string) contribindex.Scope {
	return contribindex.Scope{Name: id, Keys: s.keysHash[id], Register: s.register}
}

// members says which organisations of ix are members on a date, by the
// setup's memberships. Call with ix's read lock held.
func (s *contribSetup) members(ix *contribindex.Index) func(civil.Date) contribindex.MemberOn {
	return ix.Members(func(day civil.Date) map[string]bool { return memberSet(s.memberships, day) })
}

func (c *Calculator) contributorSetup(ctx context.Context, vs storage.Versions) (*contribSetup, error) {
	return cachedOn(ctx, c, vs, "contributor-setup", depRegister|depRepositories, "", func() (*contribSetup, error) {
		links, err := c.store.ProductRepositories(ctx)
		if err != nil {
			return nil, err
		}
		repos, err := c.store.Repositories(ctx, "")
		if err != nil {
			return nil, err
		}
		members, err := c.store.Memberships(ctx, "")
		if err != nil {
			return nil, err
		}
		s := &contribSetup{repoKeys: map[string][]string{}, memberships: members, keysHash: map[string]uint64{},
			register: vs.Domains[storage.DomainRegister],
			coverage: coverageOf(c.productIDs(), repos, links)}
		moved := map[string]bool{}
		for _, r := range repos {
			moved[r.Key] = r.Status == storage.RepoMoved
		}
		seen := map[string]bool{}
		all := fnv.New64a()
		for _, p := range c.cfg.Products {
			h := fnv.New64a()
			n := 0
			for _, k := range links[p.ID] {
				s.repoKeys[p.ID] = append(s.repoKeys[p.ID], k)
				fmt.Fprintf(h, "%s\x00%t\x00", k, moved[k])
				fmt.Fprintf(all, "%s\x00%s\x00%t\x00", p.ID, k, moved[k])
				if !seen[k] {
					seen[k] = true
					s.all = append(s.all, k)
				}
				if !moved[k] {
					n++
				}
			}
			s.keysHash[p.ID] = h.Sum64()
			s.products = append(s.products, productRef{id: p.ID, name: p.Name, repos: n})
		}
		s.keysHash[""] = all.Sum64()
		return s, nil
	})
}

// LoadIndex loads the contribution index, which contributor figures are
// computed from, unless it is loaded. Without it, the first contributor
// figure asked for loads it.
func (c *Calculator) LoadIndex(ctx context.Context) error {
	return c.LoadIndexInBackground(ctx)()
}

// LoadIndexInBackground starts loading the contribution index and returns
// a function that waits for the load to end. Until then the contributors
// on one date are computed from storage, and series and product activity
// wait for the load: a server calls it at start, so that it is ready at
// once (a large portfolio takes seconds to read) and every other page
// answers meanwhile.
func (c *Calculator) LoadIndexInBackground(ctx context.Context) (wait func() error) {
	return c.ix.LoadInBackground(ctx, func(ix *contribindex.Index) { c.warm(ctx, ix) })
}

// resolutionRules is the version of how people resolves rollup rows
// (people.who): raise it when that changes, so that a contribution index
// snapshot resolved the old way is read again.
const resolutionRules = 1

// KeepIndexSnapshot keeps the contribution index in the file at path
// between starts (see contribindex.Keeper.KeepSnapshot); "" keeps none.
// Call it before LoadIndexInBackground.
func (c *Calculator) KeepIndexSnapshot(path string, log *slog.Logger) {
	// What the index's rows were resolved by: the rules and the
	// configuration they read.
	h := sha256.New()
	fmt.Fprintf(h, "%d\x00%#v\x00%#v\x00%#v", resolutionRules, c.cfg.Contributors.Aliases, c.cfg.Contributors.Bots, c.cfg.Affiliations)
	c.ix.KeepSnapshot(contribindex.Snapshot{Path: path, Resolution: hex.EncodeToString(h.Sum(nil)), Log: log})
}

// IndexStarted is closed once the contribution index is restored from its
// snapshot at start, or known to need a full load (which goes on).
func (c *Calculator) IndexStarted() <-chan struct{} { return c.ix.Started() }

// SaveIndexSnapshot writes the contribution index's snapshot if it moved
// on since the last: at shutdown.
func (c *Calculator) SaveIndexSnapshot(ctx context.Context) error { return c.ix.SaveSnapshot(ctx) }

// resolver is how the contribution index resolves rollup rows: persons,
// bots and affiliations by the configuration (people).
func (c *Calculator) resolver() (contribindex.Resolver, error) {
	ppl, err := c.people()
	if err != nil {
		return nil, err
	}
	return ppl.who, nil
}

// warm computes the portfolio's active contributors at every month's end
// of its history with the configured window: the points every monthly,
// quarterly or yearly series of the portfolio shares, and its most costly
// ones to compute (a series then computes its last point only).
func (c *Calculator) warm(ctx context.Context, ix *contribindex.Index) {
	first := ix.FirstDay()
	today := civil.Today(time.Now())
	if first.IsZero() || !first.Before(today) || c.cfg.Contributors.WindowDays < 1 {
		return
	}
	first = max(first, today.AddDate(-(MaxPoints/12-1), 0, 0))
	// An error is the next request's to meet.
	_, _ = c.ContributorSeries(ctx, "", first, today, Month, c.cfg.Contributors.WindowDays)
}

// withIndex computes a contributor figure of the products ids ("" for the
// portfolio) from the index, cached while the register, the products'
// repositories, their rows and coverage stay as they are (and the domains
// d). While the index is being loaded, fromStore (if not nil) computes the
// figure from storage: for a figure of one window, reading it costs less
// than waiting for the load; a series waits.
func withIndex[T any](ctx context.Context, c *Calculator, key string, ids []string, d deps,
	fromIndex func(ix *contribindex.Index, s *contribSetup) (T, error), fromStore func() (T, error)) (T, error) {
	var zero T
	vs, err := c.store.DomainVersions(ctx)
	if err != nil {
		return zero, err
	}
	ix, err := c.ix.Get(ctx, vs.Domains[storage.DomainActivity], fromStore == nil)
	if err != nil {
		return zero, err
	}
	if ix == nil {
		return cachedOn(ctx, c, vs, key+"|store", depAll, "", fromStore)
	}
	setup, err := c.contributorSetup(ctx, vs)
	if err != nil {
		return zero, err
	}
	// What the figure is computed from besides the register: its
	// repositories, their rows, their coverage.
	extra := ""
	ix.RLock()
	for _, id := range ids {
		keys := setup.all
		cov := setup.coverage.Portfolio
		if id != "" {
			keys, cov = setup.repoKeys[id], setup.coverage.Product(id)
		}
		extra += fmt.Sprintf("%s:%x:%d:%s;", id, setup.keysHash[id], ix.Stamp(ix.Repos(keys)), cov)
	}
	ix.RUnlock()
	return cachedOn(ctx, c, vs, key, d|depRegister, extra, func() (T, error) {
		ix.RLock()
		defer ix.RUnlock()
		return fromIndex(ix, setup)
	})
}

// allProducts is every configured product and the portfolio, for withIndex.
func (c *Calculator) allProducts() []string {
	return append(c.productIDs(), "")
}

// affiliations is the split of a count of the index.
func affiliations(pc contribindex.Count) Affiliations {
	return Affiliations{Member: pc.Member, Supplier: pc.Supplier, Unknown: pc.Unknown}
}

// contributorsFromIndex is Contributors from the index. Call with ix's
// read lock held.
func contributorsFromIndex(ix *contribindex.Index, s *contribSetup, date civil.Date, windowDays int) Contributors {
	out := Contributors{Date: date, WindowDays: windowDays, Products: []ProductContributors{}}
	members := s.members(ix)
	pts := []civil.Date{date}
	for _, p := range s.products {
		pc := ix.Counts(s.scope(p.id), ix.Repos(s.repoKeys[p.id]), pts, windowDays, members)[0]
		covered := s.coverage.Product(p.id)
		ok := Covers(covered, date)
		out.Products = append(out.Products, ProductContributors{
			ID: p.id, Name: p.name, ActiveContributors: KnownIf(pc.Active, ok), ByAffiliation: knownAffiliations(affiliations(pc), ok), Repositories: p.repos,
			Complete: ok, CoveredUntil: covered,
		})
	}
	pc := ix.Counts(s.scope(""), ix.Repos(s.all), pts, windowDays, members)[0]
	out.PortfolioComplete = Covers(s.coverage.Portfolio, date)
	out.PortfolioActiveContributors = KnownIf(pc.Active, out.PortfolioComplete)
	out.PortfolioByAffiliation = knownAffiliations(affiliations(pc), out.PortfolioComplete)
	out.PortfolioCoveredUntil = s.coverage.Portfolio
	return out
}

// seriesFromIndex is ContributorSeries from the index. Call with ix's
// read lock held.
func seriesFromIndex(ix *contribindex.Index, s *contribSetup, productID string, pts []civil.Date, step Step, windowDays int) ContributorSeries {
	out := ContributorSeries{Product: productID, WindowDays: windowDays, Step: step, Points: []ContributorPoint{}}
	keys := s.all
	out.CoveredUntil = s.coverage.Portfolio
	if productID != "" {
		keys = s.repoKeys[productID]
		out.CoveredUntil = s.coverage.Product(productID)
	}
	for i, pc := range ix.Counts(s.scope(productID), ix.Repos(keys), pts, windowDays, s.members(ix)) {
		ok := Covers(out.CoveredUntil, pts[i])
		out.Points = append(out.Points, ContributorPoint{Date: pts[i], ActiveContributors: KnownIf(pc.Active, ok),
			ByAffiliation: knownAffiliations(affiliations(pc), ok), Complete: ok})
	}
	return out
}

// productActivity is ProductActivity from the index, with what storage
// adds: the repositories, their contributions of each kind in the window,
// stars and releases.
func (c *Calculator) productActivityFromIndex(ctx context.Context, ix *contribindex.Index, s *contribSetup, productID string, date civil.Date, windowDays int) (ProductActivity, error) {
	from := contribindex.WindowStart(date, windowDays)
	repos, err := c.store.Repositories(ctx, productID)
	if err != nil {
		return ProductActivity{}, err
	}
	keys := make([]string, 0, len(repos))
	for _, r := range repos {
		keys = append(keys, r.Key)
	}
	inWindow, err := c.store.ActivityCountsOf(ctx, keys, from, date)
	if err != nil {
		return ProductActivity{}, err
	}
	snaps, err := c.store.LatestSnapshots(ctx, date)
	if err != nil {
		return ProductActivity{}, err
	}
	rels, err := c.store.LatestReleases(ctx, date)
	if err != nil {
		return ProductActivity{}, err
	}
	// Read from GitHub at any time (a successful poll keeps a snapshot):
	// its pull requests, issues and reviews are known.
	ever, err := c.store.LatestSnapshots(ctx, civil.New(2100, 12, 31))
	if err != nil {
		return ProductActivity{}, err
	}
	ids := ix.Repos(s.repoKeys[productID])
	pc := ix.Counts(s.scope(productID), ids, []civil.Date{date}, windowDays, s.members(ix))[0]
	ws := ix.Window(ids, from, date)
	// Every repository of the product, linked or not, counts on the
	// repository list (as Repositories returns them).
	for _, r := range ix.Repos(keys) {
		if k := ix.Key(r); !hasKey(ws.Persons, k) {
			one := ix.Window([]int32{r}, from, date)
			ws.Persons[k], ws.Last[k] = one.Persons[k], one.Last[k]
		}
	}
	covered := s.coverage.Product(productID)
	ok := Covers(covered, date)
	out := ProductActivity{
		Date: date, Product: productID, WindowDays: windowDays, Complete: ok, CoveredUntil: covered,
		ActiveContributors: KnownIf(pc.Active, ok), ByAffiliation: knownAffiliations(affiliations(pc), ok),
		Contributions: KnownIf(ws.Total, ok), Concentration: KnownIf(concentrationOf(ws.PerPerson, ws.Total), ok && ws.Total > 0),
		Repositories: []RepositoryActivity{},
	}
	for _, r := range repos {
		ra := RepositoryActivity{
			Key: r.Key, FullName: r.FullName(), URL: "https://" + r.Forge + "/" + r.Owner + "/" + r.Name,
			Description: r.Description, Status: r.Status, Archived: r.Archived,
			Contributors: KnownIf(ws.Persons[r.Key], ok), LatestTag: rels[r.Key].Tag,
			LastActivity: ws.Last[r.Key],
		}
		if snap, ok := snaps[r.Key]; ok {
			ra.Stars = Know(snap.Stars)
		}
		_, read := ever[r.Key]
		ra.addCounts(inWindow, ok, read)
		out.Repositories = append(out.Repositories, ra)
	}
	sortRepositoryActivity(out.Repositories)
	return out, nil
}

func hasKey[V any](m map[string]V, k string) bool {
	_, ok := m[k]
	return ok
}

// sortRepositoryActivity orders a product's repositories by their
// contributions in the window, most first.
func sortRepositoryActivity(rs []RepositoryActivity) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		na, nb := a.activityTotal(), b.activityTotal()
		if na != nb {
			return na > nb
		}
		return a.Key < b.Key
	})
}
