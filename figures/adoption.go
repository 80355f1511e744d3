package figures

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"

	"os2pulse/civil"
	"os2pulse/storage"
)

// The definitions of the adoption and membership figures, for pages, the
// API documentation and reports. The functions in this file compute
// exactly these.
const (
	AdoptionDefinitionEN = "An adopter of a product on a date D is an organisation with a production record for " +
		"the product with since on or before D and until empty or after D. Pilots and planned uses are shown " +
		"separately and never counted as adoption. Adoption share of municipalities = municipal adopters / 98; " +
		"adoption share of members = member adopters / members on D."
	AdoptionDefinitionDA = "En bruger af et produkt på datoen D er en organisation med en registrering \"i drift\" af " +
		"produktet med startdato på eller før D og slutdato tom eller efter D. Piloter og planlagte ibrugtagninger " +
		"vises for sig og tælles aldrig som brug. Andel af kommunerne = kommuner, der bruger produktet / 98; andel " +
		"af medlemmerne = medlemmer, der bruger produktet / medlemmer på D."
	MembersDefinitionEN = "Members on D are the organisations with a membership period with since on or before D " +
		"and until empty or after D. Members running three or more products on D are members on D with production " +
		"records for at least three distinct products on D; their share is that count / members on D. The " +
		"distribution counts members by the number of products they run in production (0, 1, 2, 3, 4, 5 or more). " +
		"Non-member adopters are adopters of any product on D that are not members on D."
	MembersDefinitionDA = "Medlemmer på D er de organisationer, der har en medlemsperiode med startdato på eller før D " +
		"og slutdato tom eller efter D. Medlemmer med tre eller flere produkter på D er medlemmer på D med " +
		"registreringer \"i drift\" af mindst tre forskellige produkter på D; andelen er det antal / medlemmer på D. " +
		"Fordelingen tæller medlemmerne efter antallet af produkter i drift (0, 1, 2, 3, 4, 5 eller flere). " +
		"Brugere uden medlemskab er organisationer, der bruger et produkt på D uden at være medlem på D."
)

// registerData is the register as known at one time, the input of every
// figure in this file.
type registerData struct {
	adoptions []storage.AdoptionRecord
	// configured is adoptions of the configured products only: products
	// dropped from the configuration are no longer part of the portfolio
	// and count nowhere. A snapshot on each of a series' dates reads
	// them; looking each product up there was half its cost.
	configured  []storage.AdoptionRecord
	memberships []storage.Membership
	orgs        map[string]storage.Organization
}

// register loads the register as it is known now.
func (c *Calculator) register(ctx context.Context) (*registerData, error) {
	vs, err := c.store.DomainVersions(ctx)
	if err != nil {
		return nil, err
	}
	return c.registerOn(ctx, vs)
}

// registerOn is register with the data versions already read.
func (c *Calculator) registerOn(ctx context.Context, vs storage.Versions) (*registerData, error) {
	return cachedOn(ctx, c, vs, "register", depRegister, "", func() (*registerData, error) {
		ad, err := c.store.Adoptions(ctx, "")
		if err != nil {
			return nil, err
		}
		ms, err := c.store.Memberships(ctx, "")
		if err != nil {
			return nil, err
		}
		orgs, err := c.store.Organizations(ctx)
		if err != nil {
			return nil, err
		}
		byID := make(map[string]storage.Organization, len(orgs))
		for _, o := range orgs {
			byID[o.ID] = o
		}
		return c.newRegisterData(ad, ms, byID), nil
	})
}

// newRegisterData is the register of these records.
func (c *Calculator) newRegisterData(ad []storage.AdoptionRecord, ms []storage.Membership, orgs map[string]storage.Organization) *registerData {
	d := &registerData{adoptions: ad, memberships: ms, orgs: orgs}
	for _, r := range ad {
		if _, ok := c.cfg.Product(r.ProductID); ok {
			d.configured = append(d.configured, r)
		}
	}
	return d
}

// snapshot is the register on one day: who is a member and who runs,
// pilots or plans which configured product.
type snapshot struct {
	day     civil.Date
	members map[string]bool
	// status → product → organisations with a record of that status
	// current on day.
	byStatus map[string]map[string]map[string]bool
	// organisation → number of distinct products in production.
	productCount map[string]int
}

func (c *Calculator) snapshot(d *registerData, day civil.Date) *snapshot {
	s := &snapshot{day: day, members: memberSet(d.memberships, day), byStatus: map[string]map[string]map[string]bool{}, productCount: map[string]int{}}
	for _, r := range d.configured {
		if !day.Within(r.Since, r.Until) {
			continue
		}
		byProduct := s.byStatus[r.Status]
		if byProduct == nil {
			byProduct = map[string]map[string]bool{}
			s.byStatus[r.Status] = byProduct
		}
		orgs := byProduct[r.ProductID]
		if orgs == nil {
			orgs = map[string]bool{}
			byProduct[r.ProductID] = orgs
		}
		if r.Status == storage.StatusProduction && !orgs[r.OrganizationID] {
			s.productCount[r.OrganizationID]++
		}
		orgs[r.OrganizationID] = true
	}
	return s
}

// productFigures computes one product's adopter counts, shares, pilots and
// planned on the snapshot's day.
func (s *snapshot) productFigures(d *registerData, productID string) (AdopterCounts, float64, float64, int, int) {
	var n AdopterCounts
	for org := range s.byStatus[storage.StatusProduction][productID] {
		n.All++
		if d.orgs[org].Kind == storage.KindMunicipality {
			n.Municipalities++
		}
		if s.members[org] {
			n.Members++
		}
	}
	return n, Ratio(n.Municipalities, storage.MunicipalitiesTotal), Ratio(n.Members, len(s.members)),
		len(s.byStatus[storage.StatusPilot][productID]), len(s.byStatus[storage.StatusPlanned][productID])
}

// Adoption computes every configured product's adoption on date, products
// in configuration order.
func (c *Calculator) Adoption(ctx context.Context, date civil.Date) (Adoption, error) {
	day := date
	vs, err := c.store.DomainVersions(ctx)
	if err != nil {
		return Adoption{}, fmt.Errorf("figures: adoption on %s: %w", day, err)
	}
	a, err := c.adoptionOn(ctx, vs, day)
	if err != nil {
		return Adoption{}, err
	}
	// Callers may sort the products; the cached value must not change.
	a.Products = slices.Clone(a.Products)
	return a, nil
}

// adoptionOn is Adoption with the data versions already read, as cached:
// do not change it.
func (c *Calculator) adoptionOn(ctx context.Context, vs storage.Versions, day civil.Date) (Adoption, error) {
	a, err := cachedRegisterOn(ctx, c, vs, "adoption|"+day.String(), func(reg civil.Date) (Adoption, error) {
		d, err := c.registerOn(ctx, vs)
		if err != nil {
			return Adoption{}, err
		}
		s := c.snapshot(d, day)
		out := Adoption{Date: day, RegisteredOn: registeredOn(reg, day), MunicipalitiesTotal: storage.MunicipalitiesTotal,
			MembersTotal: len(s.members), Products: []ProductAdoption{}}
		for _, p := range c.cfg.Products {
			n, shareM, shareMem, pilots, planned := s.productFigures(d, p.ID)
			out.Products = append(out.Products, ProductAdoption{
				ID: p.ID, Name: p.Name, GovernanceLevel: p.LevelOn(day), Focus: p.Focus,
				Adopters: n, ShareOfMunicipalities: shareM, ShareOfMembers: shareMem, Pilots: pilots, Planned: planned,
			})
		}
		return out, nil
	})
	if err != nil {
		return Adoption{}, fmt.Errorf("figures: adoption on %s: %w", day, err)
	}
	return a, nil
}

// Members computes the membership figures on date.
func (c *Calculator) Members(ctx context.Context, date civil.Date) (Members, error) {
	day := date
	vs, err := c.store.DomainVersions(ctx)
	if err != nil {
		return Members{}, fmt.Errorf("figures: members on %s: %w", day, err)
	}
	m, err := c.membersOn(ctx, vs, day)
	if err != nil {
		return Members{}, err
	}
	m.Distribution = cloneDistribution(m.Distribution)
	m.NonMemberAdopters = slices.Clone(m.NonMemberAdopters)
	return m, nil
}

// membersOn is Members with the data versions already read, as cached:
// do not change it.
func (c *Calculator) membersOn(ctx context.Context, vs storage.Versions, day civil.Date) (Members, error) {
	m, err := cachedRegisterOn(ctx, c, vs, "members|"+day.String(), func(reg civil.Date) (Members, error) {
		d, err := c.registerOn(ctx, vs)
		if err != nil {
			return Members{}, err
		}
		s := c.snapshot(d, day)
		p := s.membersPoint()
		return Members{
			Date: day, RegisteredOn: registeredOn(reg, day), Members: p.Members, ThreePlus: p.ThreePlus, ThreePlusShare: p.ThreePlusShare,
			Distribution: p.Distribution, NonMemberAdopters: c.nonMemberAdopters(d, s),
		}, nil
	})
	if err != nil {
		return Members{}, fmt.Errorf("figures: members on %s: %w", day, err)
	}
	return m, nil
}

// membersPoint counts the members on the snapshot's day by the number of
// products they run.
func (s *snapshot) membersPoint() MembersPoint {
	p := MembersPoint{Date: s.day, Members: len(s.members), Distribution: Distribution{}}
	for _, k := range DistributionKeys {
		p.Distribution[k] = 0
	}
	for org := range s.members {
		n := s.productCount[org]
		switch {
		case n >= 5:
			p.Distribution["5+"]++
		default:
			p.Distribution[DistributionKeys[n]]++
		}
		if n >= 3 {
			p.ThreePlus++
		}
	}
	p.ThreePlusShare = Ratio(p.ThreePlus, p.Members)
	return p
}

// nonMemberAdopters lists the adopters on the snapshot's day that are not
// members then, by name, each with its products in configuration order.
func (c *Calculator) nonMemberAdopters(d *registerData, s *snapshot) []NonMemberAdopter {
	byOrg := map[string][]string{}
	for _, p := range c.cfg.Products {
		for org := range s.byStatus[storage.StatusProduction][p.ID] {
			if !s.members[org] {
				byOrg[org] = append(byOrg[org], p.ID)
			}
		}
	}
	out := []NonMemberAdopter{}
	for org, products := range byOrg {
		o := d.orgs[org]
		out = append(out, NonMemberAdopter{Organization: org, Name: o.Name, Kind: o.Kind, Products: products})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Organization < out[j].Organization
	})
	return out
}

func cloneDistribution(d Distribution) Distribution { return maps.Clone(d) }

// AdoptionSeries computes one product's adoption at each point from..to by
// step (see Points).
func (c *Calculator) AdoptionSeries(ctx context.Context, productID string, from, to civil.Date, step Step) (AdoptionSeries, error) {
	p, ok := c.cfg.Product(productID)
	if !ok {
		return AdoptionSeries{}, fmt.Errorf("figures: product %q: %w", productID, storage.ErrNotFound)
	}
	pts, err := Points(from, to, step)
	if err != nil {
		return AdoptionSeries{}, fmt.Errorf("figures: adoption series of %s: %w", productID, err)
	}
	key := fmt.Sprintf("adoption-series|%s|%s|%s|%s", productID, from, to, step)
	series, err := cachedIn(ctx, c, key, depRegister, func() (AdoptionSeries, error) {
		d, err := c.register(ctx)
		if err != nil {
			return AdoptionSeries{}, err
		}
		// Only this product's records are read at each point: a snapshot of
		// the whole register per point was most of a product page's series.
		var mine []storage.AdoptionRecord
		for _, r := range d.configured {
			if r.ProductID == p.ID {
				mine = append(mine, r)
			}
		}
		out := AdoptionSeries{Product: p.ID, Name: p.Name, Step: step, Points: []AdoptionPoint{}}
		for _, at := range pts {
			s := &snapshot{day: at, members: memberSet(d.memberships, at), byStatus: map[string]map[string]map[string]bool{}}
			for _, r := range mine {
				if !at.Within(r.Since, r.Until) {
					continue
				}
				if s.byStatus[r.Status] == nil {
					s.byStatus[r.Status] = map[string]map[string]bool{p.ID: {}}
				}
				s.byStatus[r.Status][p.ID][r.OrganizationID] = true
			}
			n, shareM, shareMem, pilots, planned := s.productFigures(d, p.ID)
			out.Points = append(out.Points, AdoptionPoint{Date: s.day, Adopters: n, ShareOfMunicipalities: shareM,
				ShareOfMembers: shareMem, Pilots: pilots, Planned: planned})
		}
		return out, nil
	})
	if err != nil {
		return AdoptionSeries{}, fmt.Errorf("figures: adoption series of %s: %w", productID, err)
	}
	series.Points = slices.Clone(series.Points)
	return series, nil
}

// AdoptionSeriesAll is AdoptionSeries of every configured product, by
// product id, computed together: the register's snapshot at each point
// is taken once for all products, which is what a catalogue of every
// product's trend needs.
func (c *Calculator) AdoptionSeriesAll(ctx context.Context, from, to civil.Date, step Step) (map[string]AdoptionSeries, error) {
	pts, err := Points(from, to, step)
	if err != nil {
		return nil, fmt.Errorf("figures: adoption series: %w", err)
	}
	key := fmt.Sprintf("adoption-series-all|%s|%s|%s", from, to, step)
	all, err := cachedIn(ctx, c, key, depRegister, func() (map[string]AdoptionSeries, error) {
		d, err := c.register(ctx)
		if err != nil {
			return nil, err
		}
		out := make(map[string]AdoptionSeries, len(c.cfg.Products))
		for _, p := range c.cfg.Products {
			out[p.ID] = AdoptionSeries{Product: p.ID, Name: p.Name, Step: step, Points: make([]AdoptionPoint, 0, len(pts))}
		}
		for _, at := range pts {
			s := c.snapshot(d, at)
			for _, p := range c.cfg.Products {
				n, shareM, shareMem, pilots, planned := s.productFigures(d, p.ID)
				series := out[p.ID]
				series.Points = append(series.Points, AdoptionPoint{Date: s.day, Adopters: n, ShareOfMunicipalities: shareM,
					ShareOfMembers: shareMem, Pilots: pilots, Planned: planned})
				out[p.ID] = series
			}
		}
		return out, nil
	})
	if err != nil {
		return nil, fmt.Errorf("figures: adoption series: %w", err)
	}
	// The cached value must not change under the caller.
	cp := make(map[string]AdoptionSeries, len(all))
	for id, s := range all {
		s.Points = slices.Clone(s.Points)
		cp[id] = s
	}
	return cp, nil
}

// MembersSeries computes the membership figures at each point from..to by
// step (see Points).
func (c *Calculator) MembersSeries(ctx context.Context, from, to civil.Date, step Step) (MembersSeries, error) {
	pts, err := Points(from, to, step)
	if err != nil {
		return MembersSeries{}, fmt.Errorf("figures: members series: %w", err)
	}
	key := fmt.Sprintf("members-series|%s|%s|%s", from, to, step)
	series, err := cachedIn(ctx, c, key, depRegister, func() (MembersSeries, error) {
		d, err := c.register(ctx)
		if err != nil {
			return MembersSeries{}, err
		}
		out := MembersSeries{Step: step, Points: []MembersPoint{}}
		for _, at := range pts {
			out.Points = append(out.Points, c.snapshot(d, at).membersPoint())
		}
		return out, nil
	})
	if err != nil {
		return MembersSeries{}, fmt.Errorf("figures: members series: %w", err)
	}
	series.Points = slices.Clone(series.Points)
	for i := range series.Points {
		series.Points[i].Distribution = cloneDistribution(series.Points[i].Distribution)
	}
	return series, nil
}

// ProductAdopters lists the organisations with a production, pilot or
// planned record of the product current on date, by status (production,
// pilot, planned) and then name.
func (c *Calculator) ProductAdopters(ctx context.Context, productID string, date civil.Date) ([]Adopter, error) {
	if _, ok := c.cfg.Product(productID); !ok {
		return nil, fmt.Errorf("figures: product %q: %w", productID, storage.ErrNotFound)
	}
	day := date
	list, err := cachedIn(ctx, c, "product-adopters|"+productID+"|"+day.String(), depRegister, func() ([]Adopter, error) {
		d, err := c.register(ctx)
		if err != nil {
			return nil, err
		}
		members := memberSet(d.memberships, day)
		out := []Adopter{}
		for _, r := range d.adoptions {
			if r.ProductID != productID || r.Status == storage.StatusStopped || !day.Within(r.Since, r.Until) {
				continue
			}
			o := d.orgs[r.OrganizationID]
			out = append(out, Adopter{Organization: o.ID, Name: o.Name, Kind: o.Kind, Member: members[o.ID],
				Status: r.Status, Since: r.Since, Until: r.Until})
		}
		sort.Slice(out, func(i, j int) bool {
			a, b := out[i], out[j]
			if a.Status != b.Status {
				return statusRank[a.Status] < statusRank[b.Status]
			}
			if a.Name != b.Name {
				return a.Name < b.Name
			}
			return a.Organization < b.Organization
		})
		return out, nil
	})
	if err != nil {
		return nil, fmt.Errorf("figures: adopters of %s on %s: %w", productID, day, err)
	}
	return slices.Clone(list), nil
}

// OrganizationDetail is an organisation's membership and products on
// date. An unknown id gives an error wrapping storage.ErrNotFound.
func (c *Calculator) OrganizationDetail(ctx context.Context, id string, date civil.Date) (OrganizationDetail, error) {
	day := date
	d, err := c.register(ctx)
	if err != nil {
		return OrganizationDetail{}, fmt.Errorf("figures: organisation %s: %w", id, err)
	}
	o, ok := d.orgs[id]
	if !ok {
		return OrganizationDetail{}, fmt.Errorf("figures: organisation %q: %w", id, storage.ErrNotFound)
	}
	reg, err := c.RegisterCoverage(ctx)
	if err != nil {
		return OrganizationDetail{}, fmt.Errorf("figures: organisation %s: %w", id, err)
	}
	out := OrganizationDetail{Date: day, RegisteredOn: registeredOn(reg, day), ID: o.ID, Name: o.Name, Kind: o.Kind, Region: o.Region,
		Memberships: []MembershipPeriod{}, Products: []OrganizationProduct{}, Stopped: []OrganizationProduct{}}
	for _, m := range d.memberships {
		if m.OrganizationID != id {
			continue
		}
		out.Memberships = append(out.Memberships, MembershipPeriod{Since: m.Since, Until: m.Until})
		if day.Within(m.Since, m.Until) {
			out.Member = true
		}
	}
	sort.Slice(out.Memberships, func(i, j int) bool { return out.Memberships[i].Since < out.Memberships[j].Since })

	order := map[string]int{}
	for i, p := range c.cfg.Products {
		order[p.ID] = i
	}
	// Per product: the record current on day, or else the latest one
	// that began by day, which then shows as stopped or ended.
	current := map[string]storage.AdoptionRecord{}
	latest := map[string]storage.AdoptionRecord{}
	for _, r := range d.adoptions {
		if r.OrganizationID != id || r.Since.After(day) {
			continue
		}
		if _, ok := order[r.ProductID]; !ok {
			continue
		}
		if day.Within(r.Since, r.Until) && r.Status != storage.StatusStopped {
			current[r.ProductID] = r
		}
		if l, ok := latest[r.ProductID]; !ok || r.Since > l.Since {
			latest[r.ProductID] = r
		}
	}
	item := func(r storage.AdoptionRecord) OrganizationProduct {
		p, _ := c.cfg.Product(r.ProductID)
		return OrganizationProduct{Product: r.ProductID, Name: p.Name, Status: r.Status, Since: r.Since, Until: r.Until}
	}
	for pid, r := range current {
		out.Products = append(out.Products, item(r))
		if r.Status == storage.StatusProduction {
			out.ProductCount++
		}
		delete(latest, pid)
	}
	for _, r := range latest {
		out.Stopped = append(out.Stopped, item(r))
	}
	sort.Slice(out.Products, func(i, j int) bool {
		a, b := out.Products[i], out.Products[j]
		if a.Status != b.Status {
			return statusRank[a.Status] < statusRank[b.Status]
		}
		return order[a.Product] < order[b.Product]
	})
	sort.Slice(out.Stopped, func(i, j int) bool { return order[out.Stopped[i].Product] < order[out.Stopped[j].Product] })
	return out, nil
}

// ProductCounts maps organisation ids to the number of distinct configured
// products they run in production on date: every municipality (0 when it
// runs none, for the map of Denmark) and every other organisation that
// runs at least one.
func (c *Calculator) ProductCounts(ctx context.Context, date civil.Date) (map[string]int, error) {
	day := date
	counts, err := cachedIn(ctx, c, "product-counts|"+day.String(), depRegister, func() (map[string]int, error) {
		d, err := c.register(ctx)
		if err != nil {
			return nil, err
		}
		out := map[string]int{}
		for id, o := range d.orgs {
			if o.Kind == storage.KindMunicipality {
				out[id] = 0
			}
		}
		for org, n := range c.snapshot(d, day).productCount {
			out[org] = n
		}
		return out, nil
	})
	if err != nil {
		return nil, fmt.Errorf("figures: product counts on %s: %w", day, err)
	}
	return maps.Clone(counts), nil
}
