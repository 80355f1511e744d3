package figures

import (
	"context"
	"fmt"

	"os2pulse/civil"
	"os2pulse/storage"
)

// Headline is what an admin sees change before importing a register: the
// members, the members running three or more products, and each
// product's adopters, on one date. Each figure is the one defined in
// definitions.go, computed by the same snapshot as everywhere else.
type Headline struct {
	Date           civil.Date        `json:"date"`
	Members        int               `json:"members"`
	ThreePlus      int               `json:"three_plus"`
	ThreePlusShare float64           `json:"three_plus_share"`
	Products       []ProductHeadline `json:"products"`
}

// ProductHeadline is one product's adopters in a Headline.
type ProductHeadline struct {
	ID       string        `json:"id"`
	Name     string        `json:"name"`
	Adopters AdopterCounts `json:"adopters"`
}

// Headline computes the headline figures on date for the register as
// stored now.
func (c *Calculator) Headline(ctx context.Context, date civil.Date) (Headline, error) {
	d, err := c.register(ctx)
	if err != nil {
		return Headline{}, fmt.Errorf("figures: headline on %s: %w", date, err)
	}
	return c.headline(d, date), nil
}

// CandidateHeadline computes the headline figures on date for the
// register as it would be after importing reg, which is held in memory
// and not stored: reg's adoption records and memberships replace the
// stored ones where reg has them (not nil), and its organisations join
// the stored ones.
func (c *Calculator) CandidateHeadline(ctx context.Context, reg storage.Register, date civil.Date) (Headline, error) {
	cur, err := c.register(ctx)
	if err != nil {
		return Headline{}, fmt.Errorf("figures: headline of %s on %s: %w", reg.Source, date, err)
	}
	ad, ms := cur.adoptions, cur.memberships
	if reg.Adoptions != nil {
		ad = reg.Adoptions
	}
	if reg.Members != nil {
		ms = reg.Members
	}
	orgs := make(map[string]storage.Organization, len(cur.orgs)+len(reg.Organizations))
	for id, o := range cur.orgs {
		orgs[id] = o
	}
	for _, o := range reg.Organizations {
		orgs[o.ID] = o
	}
	return c.headline(c.newRegisterData(ad, ms, orgs), date), nil
}

func (c *Calculator) headline(d *registerData, date civil.Date) Headline {
	s := c.snapshot(d, date)
	p := s.membersPoint()
	h := Headline{Date: date, Members: p.Members, ThreePlus: p.ThreePlus, ThreePlusShare: p.ThreePlusShare, Products: []ProductHeadline{}}
	for _, prod := range c.cfg.Products {
		n, _, _, _, _ := s.productFigures(d, prod.ID)
		h.Products = append(h.Products, ProductHeadline{ID: prod.ID, Name: prod.Name, Adopters: n})
	}
	return h
}
