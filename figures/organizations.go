package figures

import (
	"context"
	"fmt"
	"sort"

	"os2pulse/civil"
	"os2pulse/storage"
)

// OrganizationSummary is one organisation in the lookup: whether it is a
// member on a date and which products it runs, pilots and plans then
// (product ids in configuration order).
type OrganizationSummary struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Kind     string   `json:"kind"`
	Region   string   `json:"region,omitempty"`
	Member   bool     `json:"member"`
	Products []string `json:"products"`
	Pilots   []string `json:"pilots"`
	Planned  []string `json:"planned"`
}

// Organizations is every known organisation on a date; RegisteredOn as
// for Adoption.
type Organizations struct {
	Date          civil.Date            `json:"date"`
	RegisteredOn  civil.Date            `json:"registered_on,omitzero"`
	Organizations []OrganizationSummary `json:"organizations"`
}

// Organizations lists every organisation os2pulse knows on date, by name:
// all 98 municipalities, members or not, and every other organisation in
// the register.
func (c *Calculator) Organizations(ctx context.Context, date civil.Date) (Organizations, error) {
	out, err := cachedRegister(ctx, c, "organizations|"+date.String(), func(reg civil.Date) (Organizations, error) {
		d, err := c.register(ctx)
		if err != nil {
			return Organizations{}, err
		}
		s := c.snapshot(d, date)
		out := Organizations{Date: date, RegisteredOn: registeredOn(reg, date), Organizations: make([]OrganizationSummary, 0, len(d.orgs))}
		for id, o := range d.orgs {
			sum := OrganizationSummary{ID: id, Name: o.Name, Kind: o.Kind, Region: o.Region, Member: s.members[id],
				Products: []string{}, Pilots: []string{}, Planned: []string{}}
			for _, p := range c.cfg.Products {
				switch {
				case s.byStatus[storage.StatusProduction][p.ID][id]:
					sum.Products = append(sum.Products, p.ID)
				case s.byStatus[storage.StatusPilot][p.ID][id]:
					sum.Pilots = append(sum.Pilots, p.ID)
				case s.byStatus[storage.StatusPlanned][p.ID][id]:
					sum.Planned = append(sum.Planned, p.ID)
				}
			}
			out.Organizations = append(out.Organizations, sum)
		}
		sort.Slice(out.Organizations, func(i, j int) bool {
			a, b := out.Organizations[i], out.Organizations[j]
			return a.Name < b.Name || a.Name == b.Name && a.ID < b.ID
		})
		return out, nil
	})
	if err != nil {
		return Organizations{}, fmt.Errorf("figures: organisations on %s: %w", date, err)
	}
	// Callers may filter; the cached list must not change.
	out.Organizations = append([]OrganizationSummary(nil), out.Organizations...)
	return out, nil
}
