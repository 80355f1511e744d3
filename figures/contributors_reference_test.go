package figures

import (
	"context"

	"os2pulse/civil"
	"os2pulse/contribindex"
)

// The contributor figures computed straight from storage, without the
// contribution index: the reference the index's tests compare it with.

// contributorSeriesFromStore is ContributorSeries computed from storage,
// without the index: what the index is tested against.
func (c *Calculator) contributorSeriesFromStore(ctx context.Context, productID string, pts []civil.Date, step Step, windowDays int) (ContributorSeries, error) {
	out := ContributorSeries{Product: productID, WindowDays: windowDays, Step: step, Points: []ContributorPoint{}}
	if len(pts) == 0 {
		return out, nil
	}
	// One read of the rollup serves every point.
	data, err := c.loadContributorData(ctx, contribindex.WindowStart(pts[0], windowDays), pts[len(pts)-1])
	if err != nil {
		return out, err
	}
	out.CoveredUntil = data.coverage.Portfolio
	if productID != "" {
		out.CoveredUntil = data.coverage.Product(productID)
	}
	for _, p := range pts {
		fig := data.contributors(p, windowDays)
		pt := ContributorPoint{Date: p, ActiveContributors: fig.PortfolioActiveContributors, ByAffiliation: fig.PortfolioByAffiliation,
			Complete: Covers(out.CoveredUntil, p)}
		if productID != "" {
			for _, pc := range fig.Products {
				if pc.ID == productID {
					pt.ActiveContributors, pt.ByAffiliation = pc.ActiveContributors, pc.ByAffiliation
				}
			}
		}
		out.Points = append(out.Points, pt)
	}
	return out, nil
}

// productActivityFromStore is ProductActivity computed from storage,
// without the index: what the index is tested against.
func (c *Calculator) productActivityFromStore(ctx context.Context, productID string, date civil.Date, windowDays int) (ProductActivity, error) {
	from := contribindex.WindowStart(date, windowDays)
	fromDay, toDay := from, date
	data, err := c.loadContributorData(ctx, from, date)
	if err != nil {
		return ProductActivity{}, err
	}
	repos, err := c.store.Repositories(ctx, productID)
	if err != nil {
		return ProductActivity{}, err
	}
	inWindow, err := c.store.ActivityCounts(ctx, fromDay, toDay)
	if err != nil {
		return ProductActivity{}, err
	}
	ever, err := c.store.ActivityCounts(ctx, 0, toDay)
	if err != nil {
		return ProductActivity{}, err
	}
	snaps, err := c.store.LatestSnapshots(ctx, toDay)
	if err != nil {
		return ProductActivity{}, err
	}
	rels, err := c.store.LatestReleases(ctx, toDay)
	if err != nil {
		return ProductActivity{}, err
	}
	// Read from GitHub at any time (a successful poll keeps a snapshot):
	// its pull requests, issues and reviews are known.
	read, err := c.store.LatestSnapshots(ctx, civil.New(2100, 12, 31))
	if err != nil {
		return ProductActivity{}, err
	}

	t := data.tally(data.productRepos[productID], date, windowDays)
	covered := data.coverage.Product(productID)
	out := ProductActivity{
		Date: toDay, Product: productID, WindowDays: windowDays, Complete: Covers(covered, date), CoveredUntil: covered,
		ActiveContributors: KnownIf(len(t.latest), Covers(covered, date)), ByAffiliation: knownAffiliations(t.affiliations(), Covers(covered, date)),
		Contributions: KnownIf(t.total, Covers(covered, date)), Concentration: KnownIf(t.concentration(), Covers(covered, date) && t.total > 0),
		Repositories: []RepositoryActivity{},
	}
	persons := map[string]map[string]bool{}
	for _, r := range data.inWindow(fromDay, toDay) {
		if persons[r.repo] == nil {
			persons[r.repo] = map[string]bool{}
		}
		persons[r.repo][r.person] = true
	}
	for _, r := range repos {
		ra := RepositoryActivity{
			Key: r.Key, FullName: r.FullName(), URL: "https://" + r.Forge + "/" + r.Owner + "/" + r.Name,
			Description: r.Description, Status: r.Status, Archived: r.Archived,
			Contributors: KnownIf(len(persons[r.Key]), Covers(covered, date)), LatestTag: rels[r.Key].Tag,
		}
		if snap, ok := snaps[r.Key]; ok {
			ra.Stars = Know(snap.Stars)
		}
		_, github := read[r.Key]
		ra.addCounts(inWindow, Covers(covered, date), github)
		for _, a := range ever {
			if a.RepositoryKey != r.Key || len(a.Last) < 10 {
				continue
			}
			if d, err := civil.Parse(a.Last[:10]); err == nil && d.After(ra.LastActivity) {
				ra.LastActivity = d
			}
		}
		out.Repositories = append(out.Repositories, ra)
	}
	sortRepositoryActivity(out.Repositories)
	return out, nil
}
