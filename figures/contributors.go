package figures

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"os2pulse/civil"
	"os2pulse/contribindex"
	"os2pulse/storage"
)

// The definition of active contributors, for pages, the API
// documentation and reports. Contributors and everything built on it
// compute exactly this.
const (
	ActiveContributorsDefinitionEN = "A contribution is a commit on the default branch (dated by its author date), " +
		"a pull request opened, an issue opened or a pull-request review submitted. A person is a GitHub login when " +
		"GitHub links one, otherwise the lower-cased author e-mail address; configured aliases merge identities, and " +
		"bots (logins ending in [bot], and configured patterns) are left out. The active contributors of a product on " +
		"a date are the distinct persons with at least one contribution in the window of UTC calendar days ending on " +
		"that date; the portfolio counts each person once across products. Each person counts under the affiliation " +
		"of their latest contribution in the window: a member organisation (a member on the date), a supplier, or " +
		"other/unknown."
	ActiveContributorsDefinitionDA = "Et bidrag er et commit på standardgrenen (dateret efter forfatterdatoen), en " +
		"pull request oprettet, et issue oprettet eller et review af en pull request. En person er et GitHub-login, når " +
		"GitHub knytter et til bidraget, ellers forfatterens e-mailadresse med små bogstaver; konfigurerede aliasser " +
		"samler identiteter, og bots (logins der ender på [bot] og konfigurerede mønstre) tælles ikke med. Et produkts " +
		"aktive bidragydere på en dato er de forskellige personer med mindst ét bidrag i vinduet af UTC-kalenderdage, " +
		"der slutter på datoen; porteføljen tæller hver person én gang på tværs af produkter. Hver person tælles under " +
		"tilknytningen for sit seneste bidrag i vinduet: en medlemsorganisation (medlem på datoen), en leverandør eller " +
		"anden/ukendt."
)

// Affiliation kinds of a person in a contributor figure.
const (
	AffiliationMember   = "member"
	AffiliationSupplier = "supplier"
	AffiliationUnknown  = "unknown"
)

// Contributors computes the active contributors of every configured
// product and of the portfolio on date, over the windowDays UTC calendar
// days ending on date (see ActiveContributorsDefinitionEN).
func (c *Calculator) Contributors(ctx context.Context, date civil.Date, windowDays int) (Contributors, error) {
	if windowDays < 1 {
		return Contributors{}, fmt.Errorf("figures: window of %d days; it must be at least 1", windowDays)
	}
	out, err := c.contributorsOn(ctx, date, windowDays)
	if err != nil {
		return out, err
	}
	// Beside each figure its data do not reach: the figure on the last
	// date they do (each such date computed once, and cached).
	last := func(covered civil.Date) (Contributors, bool, error) {
		if covered.IsZero() || !covered.Before(date) {
			return Contributors{}, false, nil
		}
		l, err := c.contributorsOn(ctx, covered, windowDays)
		return l, err == nil, err
	}
	if !out.PortfolioComplete {
		l, ok, err := last(out.PortfolioCoveredUntil)
		if err != nil {
			return out, err
		}
		if n, known := l.PortfolioActiveContributors.Get(); ok && known {
			out.PortfolioLastKnown = &LastContributors{Date: l.Date, ActiveContributors: n, ByAffiliation: *l.PortfolioByAffiliation}
		}
	}
	products := make([]ProductContributors, len(out.Products))
	copy(products, out.Products) // the cached value stays as computed
	for i, p := range products {
		if p.Complete {
			continue
		}
		l, ok, err := last(p.CoveredUntil)
		if err != nil {
			return out, err
		}
		if !ok {
			continue
		}
		for _, q := range l.Products {
			if n, known := q.ActiveContributors.Get(); q.ID == p.ID && known {
				products[i].LastKnown = &LastContributors{Date: l.Date, ActiveContributors: n, ByAffiliation: *q.ByAffiliation}
			}
		}
	}
	out.Products = products
	return out, nil
}

// contributorsOn is Contributors without the last known figures.
func (c *Calculator) contributorsOn(ctx context.Context, date civil.Date, windowDays int) (Contributors, error) {
	key := fmt.Sprintf("contributors|%s|%d", date, windowDays)
	return withIndex(ctx, c, key, c.allProducts(), 0, func(ix *contribindex.Index, s *contribSetup) (Contributors, error) {
		return contributorsFromIndex(ix, s, date, windowDays), nil
	}, func() (Contributors, error) {
		return c.contributorsFromStore(ctx, date, windowDays)
	})
}

// contributorsFromStore is Contributors computed from storage, without
// the index: while the index loads, and what it is tested against.
func (c *Calculator) contributorsFromStore(ctx context.Context, date civil.Date, windowDays int) (Contributors, error) {
	data, err := c.loadContributorData(ctx, contribindex.WindowStart(date, windowDays), date)
	if err != nil {
		return Contributors{}, err
	}
	return data.contributors(date, windowDays), nil
}

// ContributorSeries computes the active contributors of one product
// (productID "" for the portfolio) at each point from..to by step.
func (c *Calculator) ContributorSeries(ctx context.Context, productID string, from, to civil.Date, step Step, windowDays int) (ContributorSeries, error) {
	if windowDays < 1 {
		return ContributorSeries{}, fmt.Errorf("figures: window of %d days; it must be at least 1", windowDays)
	}
	if productID != "" {
		if _, ok := c.cfg.Product(productID); !ok {
			return ContributorSeries{}, fmt.Errorf("figures: unknown product %q", productID)
		}
	}
	pts, err := Points(from, to, step)
	if err != nil {
		return ContributorSeries{}, err
	}
	key := fmt.Sprintf("contributor-series|%s|%s|%s|%s|%d", productID, from, to, step, windowDays)
	return withIndex(ctx, c, key, []string{productID}, 0, func(ix *contribindex.Index, s *contribSetup) (ContributorSeries, error) {
		return seriesFromIndex(ix, s, productID, pts, step, windowDays), nil
	}, nil)
}

// ProductActivity is the contributor detail of one product on date: its
// repositories with their contributions in the window (every kind, bots
// included), contributors, stars and latest release, and how concentrated
// the work is.
func (c *Calculator) ProductActivity(ctx context.Context, productID string, date civil.Date, windowDays int) (ProductActivity, error) {
	if windowDays < 1 {
		return ProductActivity{}, fmt.Errorf("figures: window of %d days; it must be at least 1", windowDays)
	}
	if _, ok := c.cfg.Product(productID); !ok {
		return ProductActivity{}, fmt.Errorf("figures: unknown product %q", productID)
	}
	out, err := c.productActivityOn(ctx, productID, date, windowDays)
	if err != nil || out.Complete || out.CoveredUntil.IsZero() || !out.CoveredUntil.Before(date) {
		return out, err
	}
	// Beside figures the data do not reach: those of the last date they do.
	l, err := c.productActivityOn(ctx, productID, out.CoveredUntil, windowDays)
	if err != nil {
		return out, err
	}
	if n, ok := l.ActiveContributors.Get(); ok {
		out.LastKnown = &LastContributors{Date: l.Date, ActiveContributors: n, ByAffiliation: *l.ByAffiliation}
	}
	return out, nil
}

// productActivityOn is ProductActivity without the last known figures.
func (c *Calculator) productActivityOn(ctx context.Context, productID string, date civil.Date, windowDays int) (ProductActivity, error) {
	key := fmt.Sprintf("product-activity|%s|%s|%d", productID, date, windowDays)
	return withIndex(ctx, c, key, []string{productID}, depActivity|depRepositories, func(ix *contribindex.Index, s *contribSetup) (ProductActivity, error) {
		return c.productActivityFromIndex(ctx, ix, s, productID, date, windowDays)
	}, nil)
}

// dayRow is a rollup row resolved to a person.
type dayRow struct {
	repo, person string
	day          civil.Date
	// aff is "supplier", "unknown", or "org:ID" for an organisation rule,
	// which counts as a member only if ID is a member on the figure's date.
	aff string
	n   int
}

// contributorData is what the contributor figures are computed from.
type contributorData struct {
	products     []productRef
	productRepos map[string]map[string]bool
	allRepos     map[string]bool // repositories of any product
	memberships  []storage.Membership
	rows         []dayRow // ordered by day
	coverage     ContributorCoverage
}

type productRef struct {
	id, name string
	repos    int
}

func (c *Calculator) loadContributorData(ctx context.Context, from, to civil.Date) (*contributorData, error) {
	ppl, err := c.people()
	if err != nil {
		return nil, err
	}
	days, err := c.store.ContributorDays(ctx, from, to)
	if err != nil {
		return nil, err
	}
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
	cov, err := c.ContributorCoverage(ctx)
	if err != nil {
		return nil, err
	}
	moved := map[string]bool{}
	for _, r := range repos {
		moved[r.Key] = r.Status == storage.RepoMoved
	}
	d := &contributorData{productRepos: map[string]map[string]bool{}, allRepos: map[string]bool{}, memberships: members, coverage: cov}
	for _, p := range c.cfg.Products {
		set := map[string]bool{}
		n := 0
		for _, k := range links[p.ID] {
			set[k] = true
			d.allRepos[k] = true
			// A moved repository's history stays, but it is one
			// repository with its new key.
			if !moved[k] {
				n++
			}
		}
		d.productRepos[p.ID] = set
		d.products = append(d.products, productRef{id: p.ID, name: p.Name, repos: n})
	}
	for _, cd := range days {
		person, bot := ppl.person(cd)
		if bot {
			continue
		}
		d.rows = append(d.rows, dayRow{repo: cd.RepositoryKey, day: cd.Day, person: person, aff: ppl.affiliation(cd), n: cd.Contributions})
	}
	return d, nil
}

// inWindow returns the rows with from <= day <= to.
func (d *contributorData) inWindow(from, to civil.Date) []dayRow {
	lo := sort.Search(len(d.rows), func(i int) bool { return d.rows[i].day >= from })
	hi := sort.Search(len(d.rows), func(i int) bool { return d.rows[i].day > to })
	return d.rows[lo:hi]
}

func (d *contributorData) contributors(date civil.Date, windowDays int) Contributors {
	out := Contributors{Date: date, WindowDays: windowDays, Products: []ProductContributors{}}
	for _, p := range d.products {
		t := d.tally(d.productRepos[p.id], date, windowDays)
		covered := d.coverage.Product(p.id)
		ok := Covers(covered, date)
		out.Products = append(out.Products, ProductContributors{
			ID: p.id, Name: p.name, ActiveContributors: KnownIf(len(t.latest), ok), ByAffiliation: knownAffiliations(t.affiliations(), ok),
			Repositories: p.repos, Complete: ok, CoveredUntil: covered,
		})
	}
	t := d.tally(d.allRepos, date, windowDays)
	out.PortfolioComplete = Covers(d.coverage.Portfolio, date)
	out.PortfolioActiveContributors = KnownIf(len(t.latest), out.PortfolioComplete)
	out.PortfolioByAffiliation = knownAffiliations(t.affiliations(), out.PortfolioComplete)
	out.PortfolioCoveredUntil = d.coverage.Portfolio
	return out
}

// tally is the persons of a set of repositories in one window.
type tally struct {
	latest  map[string]latestAff // person → affiliation of the latest contribution
	perPers map[string]int       // person → contributions
	total   int
}

type latestAff struct {
	day civil.Date
	aff string
}

// affRank breaks ties between affiliations on a person's latest day: the
// more specific wins.
var affRank = map[string]int{AffiliationMember: 3, AffiliationSupplier: 2, AffiliationUnknown: 1}

func (d *contributorData) tally(repos map[string]bool, date civil.Date, windowDays int) tally {
	t := tally{latest: map[string]latestAff{}, perPers: map[string]int{}}
	day := date
	members := memberSet(d.memberships, day)
	for _, r := range d.inWindow(contribindex.WindowStart(date, windowDays), day) {
		if !repos[r.repo] {
			continue
		}
		aff := r.aff
		if org, ok := strings.CutPrefix(aff, "org:"); ok {
			aff = AffiliationUnknown
			if members[org] {
				aff = AffiliationMember
			}
		}
		t.perPers[r.person] += r.n
		t.total += r.n
		cur, seen := t.latest[r.person]
		if !seen || r.day > cur.day || (r.day == cur.day && affRank[aff] > affRank[cur.aff]) {
			t.latest[r.person] = latestAff{r.day, aff}
		}
	}
	return t
}

func (t tally) affiliations() Affiliations {
	var a Affiliations
	for _, l := range t.latest {
		switch l.aff {
		case AffiliationMember:
			a.Member++
		case AffiliationSupplier:
			a.Supplier++
		default:
			a.Unknown++
		}
	}
	return a
}

// concentration is the smallest number of persons whose contributions
// make at least half of all.
func (t tally) concentration() int {
	ns := make([]int, 0, len(t.perPers))
	for _, n := range t.perPers {
		ns = append(ns, n)
	}
	return concentrationOf(ns, t.total)
}

// concentrationOf is the smallest number of the counts ns (of total) that
// make at least half of total.
func concentrationOf(ns []int, total int) int {
	if total == 0 {
		return 0
	}
	// Ascending, the largest taken from the end: slices.Sort is several
	// times faster than sort.Sort through an interface, and a health
	// figure sorts every product's persons of a year.
	slices.Sort(ns)
	sum := 0
	for i := range ns {
		sum += ns[len(ns)-1-i]
		if 2*sum >= total {
			return i + 1
		}
	}
	return len(ns)
}

// memberSet is the organisations that are members on day: since <= day
// and (no until, or until after day).
func memberSet(ms []storage.Membership, day civil.Date) map[string]bool {
	out := map[string]bool{}
	for _, m := range ms {
		if day.Within(m.Since, m.Until) {
			out[m.OrganizationID] = true
		}
	}
	return out
}

// people resolves identities to persons and affiliations by the
// configuration.
type people struct {
	aliases map[string]string // lower-case identity → person
	bots    []*regexp.Regexp
	logins  map[string][]affRule
	domains []affRule
}

type affRule struct {
	match, org, supplier string
	from, until          civil.Date
}

func (r affRule) validOn(day civil.Date) bool {
	return (r.from.IsZero() || r.from <= day) && (r.until.IsZero() || day < r.until)
}

func (r affRule) kind() string {
	if r.supplier != "" {
		return AffiliationSupplier
	}
	return "org:" + r.org
}

func (c *Calculator) people() (*people, error) {
	p := &people{aliases: map[string]string{}, logins: map[string][]affRule{}}
	for _, a := range c.cfg.Contributors.Aliases {
		for _, id := range a.Identities {
			p.aliases[strings.ToLower(strings.TrimSpace(id))] = a.Person
		}
	}
	for _, b := range c.cfg.Contributors.Bots {
		re, err := regexp.Compile(b)
		if err != nil {
			return nil, fmt.Errorf("figures: contributors.bots: %q: %w", b, err)
		}
		p.bots = append(p.bots, re)
	}
	for _, a := range c.cfg.Affiliations {
		r := affRule{org: a.Organization, supplier: a.Supplier, from: a.From, until: a.Until}
		switch {
		case a.Login != "":
			r.match = strings.ToLower(a.Login)
			p.logins[r.match] = append(p.logins[r.match], r)
		case a.Domain != "":
			r.match = strings.ToLower(strings.TrimPrefix(a.Domain, "@"))
			p.domains = append(p.domains, r)
		}
	}
	return p, nil
}

// person returns the person behind a rollup row, and whether it is a bot.
func (p *people) person(d storage.ContributorDay) (string, bool) {
	login, email := strings.ToLower(d.Login), strings.ToLower(d.Email)
	if strings.HasSuffix(login, "[bot]") || strings.HasSuffix(strings.ToLower(d.Name), "[bot]") {
		return "", true
	}
	for _, re := range p.bots {
		for _, v := range []string{login, email, d.Name} {
			if v != "" && re.MatchString(v) {
				return "", true
			}
		}
	}
	for _, id := range []string{strings.ToLower(d.Identity), login, email} {
		if id == "" {
			continue
		}
		if person, ok := p.aliases[id]; ok {
			return "alias:" + strings.ToLower(person), false
		}
	}
	return d.Identity, false
}

// who resolves a rollup row for the contribution index.
func (p *people) who(d storage.ContributorDay) contribindex.Who {
	person, bot := p.person(d)
	if bot {
		return contribindex.Who{Bot: true}
	}
	w := contribindex.Who{Person: person}
	if r, ok := p.rule(d); ok {
		w.Org, w.Supplier = r.org, r.supplier
	}
	return w
}

// affiliation applies the rules valid on the row's day: a login rule
// first, then the most specific matching e-mail domain (exact, or a
// subdomain of the rule's).
func (p *people) affiliation(d storage.ContributorDay) string {
	r, ok := p.rule(d)
	if !ok {
		return AffiliationUnknown
	}
	return r.kind()
}

// rule is the affiliation rule that applies to d: a login rule valid on
// its day first, else the longest matching e-mail domain valid on it.
func (p *people) rule(d storage.ContributorDay) (affRule, bool) {
	if login := strings.ToLower(d.Login); login != "" {
		for _, r := range p.logins[login] {
			if r.validOn(d.Day) {
				return r, true
			}
		}
	}
	_, domain, ok := strings.Cut(strings.ToLower(d.Email), "@")
	if !ok {
		return affRule{}, false
	}
	best := -1
	for i, r := range p.domains {
		if (domain == r.match || strings.HasSuffix(domain, "."+r.match)) && r.validOn(d.Day) &&
			(best < 0 || len(r.match) > len(p.domains[best].match)) {
			best = i
		}
	}
	if best < 0 {
		return affRule{}, false
	}
	return p.domains[best], true
}

// addCounts sets the repository's counts of each kind from counts (of
// any repositories); commits are known when complete says the history
// reaches the date, and those only GitHub gives when github says it was
// asked about the repository.
func (ra *RepositoryActivity) addCounts(counts []storage.ActivityCount, complete, github bool) {
	commits, prs, issues, reviews := 0, 0, 0, 0
	for _, a := range counts {
		if a.RepositoryKey != ra.Key {
			continue
		}
		switch a.Kind {
		case storage.KindCommit:
			commits = a.Count
		case storage.KindPullRequest:
			prs = a.Count
		case storage.KindIssue:
			issues = a.Count
		case storage.KindReview:
			reviews = a.Count
		}
	}
	ra.Commits = KnownIf(commits, complete)
	ra.PullRequests, ra.Issues, ra.Reviews = KnownIf(prs, github), KnownIf(issues, github), KnownIf(reviews, github)
}

// activityTotal is a repository's known contributions in the window, for
// ordering.
func (ra RepositoryActivity) activityTotal() int {
	n := 0
	for _, k := range []Known[int]{ra.Commits, ra.PullRequests, ra.Issues, ra.Reviews} {
		v, _ := k.Get()
		n += v
	}
	return n
}
