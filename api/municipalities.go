package api

import (
	"net/http"

	"os2pulse/civil"
	"os2pulse/figures"
)

// Municipalities is every municipality's figures on a date, for the maps.
type Municipalities struct {
	Date           civil.Date     `json:"date"`
	Product        string         `json:"product,omitempty"`
	Municipalities []Municipality `json:"municipalities"`
}

// Municipality is one municipality on a date.
type Municipality struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Region   string     `json:"region"`
	Products int        `json:"products_in_production"`
	Status   string     `json:"status,omitempty"` // for the product asked about
	Since    civil.Date `json:"since,omitzero"`
}

func (a *API) municipalities(r *http.Request, date civil.Date, product string) (Municipalities, error) {
	ctx := r.Context()
	counts, err := a.calc.ProductCounts(ctx, date)
	if err != nil {
		return Municipalities{}, err
	}
	var status map[string]figures.Adopter
	if product != "" {
		if status, err = a.calc.ProductStatuses(ctx, product, date); err != nil {
			return Municipalities{}, err
		}
	}
	ms, err := figures.Municipalities()
	if err != nil {
		return Municipalities{}, err
	}
	out := Municipalities{Date: date, Product: product, Municipalities: make([]Municipality, 0, len(ms))}
	for _, m := range ms {
		mu := Municipality{ID: m.ID, Name: m.Name, Region: m.Region, Products: counts[m.ID]}
		if s, ok := status[m.ID]; ok {
			mu.Status, mu.Since = s.Status, s.Since
		}
		out.Municipalities = append(out.Municipalities, mu)
	}
	return out, nil
}
