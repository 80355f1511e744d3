package figures

import (
	"context"

	"os2pulse/civil"
)

// ReportEvidence is one product's disagreements between its
// self-evaluation in force at the end of the year and the evidence then.
type ReportEvidence struct {
	Product       string                `json:"product"`
	Name          string                `json:"name"`
	Evaluated     civil.Date            `json:"evaluated"`
	Disagreements []RequirementEvidence `json:"disagreements"`
}

// reportEvidence lists, for every product with a self-evaluation on date,
// the requirements where its answer and the evidence disagree.
func (c *Calculator) reportEvidence(ctx context.Context, date civil.Date) ([]ReportEvidence, error) {
	ev, err := c.Evidence(ctx, date)
	if err != nil {
		return nil, err
	}
	out := []ReportEvidence{}
	for _, p := range ev.Products {
		if p.Evaluated.IsZero() {
			continue
		}
		re := ReportEvidence{Product: p.Product, Name: p.Name, Evaluated: p.Evaluated, Disagreements: []RequirementEvidence{}}
		for _, r := range p.Requirements {
			if r.Disagrees {
				re.Disagreements = append(re.Disagreements, r)
			}
		}
		out = append(out, re)
	}
	return out, nil
}
