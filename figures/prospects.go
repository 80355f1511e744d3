package figures

import (
	"context"
	"fmt"
	"sort"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/storage"
)

// Who could be next: the organisations closest to moving a goal about
// adoption, for the board and the secretariat to talk to.

// Why an organisation is a prospect.
const (
	ProspectTwoProducts = "two_products" // a member running exactly two products
	ProspectPilot       = "pilot"        // a member piloting the product
	ProspectPlanned     = "planned"      // a member planning the product
	ProspectNotRunning  = "not_running"  // a member municipality not running it
)

// Prospect is an organisation that could be next. Runs lists the products
// it runs in production and Lacks the focus products it does not, both in
// configuration order (for ProspectTwoProducts only).
type Prospect struct {
	Organization string   `json:"organization"`
	Name         string   `json:"name"`
	Kind         string   `json:"kind"`
	Reason       string   `json:"reason"`
	Runs         []string `json:"runs,omitempty"`
	Lacks        []string `json:"lacks,omitempty"`
}

// NearThreePlus lists the members on date that run exactly two products
// in production, by name, each with the focus products it lacks: one more
// product makes it count among the members running three or more.
func (c *Calculator) NearThreePlus(ctx context.Context, date civil.Date) ([]Prospect, error) {
	d, err := c.register(ctx)
	if err != nil {
		return nil, fmt.Errorf("figures: members near three products on %s: %w", date, err)
	}
	s := c.snapshot(d, date)
	out := []Prospect{}
	for org := range s.members {
		if s.productCount[org] != 2 {
			continue
		}
		p := prospect(d, org, ProspectTwoProducts)
		p.Runs, p.Lacks = []string{}, []string{}
		for _, pr := range c.cfg.Products {
			switch runs := s.byStatus[storage.StatusProduction][pr.ID][org]; {
			case runs:
				p.Runs = append(p.Runs, pr.ID)
			case pr.Focus:
				p.Lacks = append(p.Lacks, pr.ID)
			}
		}
		out = append(out, p)
	}
	sortProspects(out)
	return out, nil
}

// ProductProspects lists who could run a product next, on date: the
// members piloting it, then the members planning it, then the member
// municipalities with no record of it; each group by name. A member
// running the product is none of these.
func (c *Calculator) ProductProspects(ctx context.Context, productID string, date civil.Date) ([]Prospect, error) {
	if _, ok := c.cfg.Product(productID); !ok {
		return nil, fmt.Errorf("figures: product %q: %w", productID, storage.ErrNotFound)
	}
	d, err := c.register(ctx)
	if err != nil {
		return nil, fmt.Errorf("figures: prospects of %s on %s: %w", productID, date, err)
	}
	s := c.snapshot(d, date)
	has := func(status, org string) bool { return s.byStatus[status][productID][org] }
	out := []Prospect{}
	for org := range s.members {
		switch {
		case has(storage.StatusProduction, org):
		case has(storage.StatusPilot, org):
			out = append(out, prospect(d, org, ProspectPilot))
		case has(storage.StatusPlanned, org):
			out = append(out, prospect(d, org, ProspectPlanned))
		case d.orgs[org].Kind == storage.KindMunicipality:
			out = append(out, prospect(d, org, ProspectNotRunning))
		}
	}
	sortProspects(out)
	return out, nil
}

// GoalProspects is who could be next for a goal about adoption: the
// members near three products for the three-or-more share, a product's
// prospects for a goal about that product; none for other goals.
func (c *Calculator) GoalProspects(ctx context.Context, g config.Goal, date civil.Date) ([]Prospect, error) {
	switch g.Metric {
	case "members_three_plus_share":
		return c.NearThreePlus(ctx, date)
	case "product_adoption_share", "product_adopters":
		return c.ProductProspects(ctx, g.Product, date)
	}
	return []Prospect{}, nil
}

func prospect(d *registerData, org, reason string) Prospect {
	o := d.orgs[org]
	return Prospect{Organization: org, Name: o.Name, Kind: o.Kind, Reason: reason}
}

// prospectRank orders the reasons: the closest first.
var prospectRank = map[string]int{ProspectTwoProducts: 0, ProspectPilot: 1, ProspectPlanned: 2, ProspectNotRunning: 3}

func sortProspects(ps []Prospect) {
	sort.Slice(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.Reason != b.Reason {
			return prospectRank[a.Reason] < prospectRank[b.Reason]
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Organization < b.Organization
	})
}
