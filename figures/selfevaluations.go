package figures

import (
	"context"
	"fmt"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/selfeval"
	"os2pulse/storage"
)

// What a product's own governance self-evaluation says, as of a date: the
// evaluation in force, its counts per level, and its versions over time.
// The model (requirements, states, the summary per level) is selfeval's;
// the level the configuration gives a product is in governance.go, the
// health signals from collected data in health.go.

// Evaluation is a product's self-evaluation as stored.
type Evaluation struct {
	Filled   civil.Date              `json:"filled_date"`
	FilledBy string                  `json:"filled_by"`
	Source   string                  `json:"source"`
	Levels   []selfeval.LevelSummary `json:"levels"`
	MetLevel string                  `json:"met_level"` // "" when not even the sandbox's are all met
	// Requirements are every line, on a product's own page.
	Requirements []selfeval.Requirement `json:"requirements,omitempty"`
}

// ProductSelfEvaluation is a product's self-evaluation in force on a date
// (the newest filled on or before it), beside the level the
// configuration gives the product.
type ProductSelfEvaluation struct {
	Product         string      `json:"product"`
	Name            string      `json:"name"`
	ConfiguredLevel string      `json:"configured_level"`
	Evaluation      *Evaluation `json:"evaluation"` // null: none filled by the date
	// Versions is how many evaluations were filled by the date.
	Versions int `json:"versions"`
}

// SelfEvaluations is every product's self-evaluation in force on a date.
type SelfEvaluations struct {
	Date     civil.Date              `json:"date"`
	Products []ProductSelfEvaluation `json:"products"`
}

// SelfEvaluationPoint is one version of a product's evaluation: how many
// requirements it says are met.
type SelfEvaluationPoint struct {
	Filled   civil.Date `json:"filled_date"`
	Met      int        `json:"met"`
	Required int        `json:"required"`
	MetLevel string     `json:"met_level"`
}

func evaluationOf(e storage.SelfEvaluation, withLines bool) *Evaluation {
	reqs := make([]selfeval.Requirement, 0, len(e.Requirements))
	for _, r := range e.Requirements {
		reqs = append(reqs, selfeval.Requirement{ID: r.ID, Category: r.Category, Level: r.Level, State: r.State,
			Recommendation: r.Recommendation, Text: r.Text, Guidelines: r.Guidelines, Documentation: r.Documentation})
	}
	ev := &Evaluation{Filled: e.Filled, FilledBy: e.FilledBy, Source: e.Source}
	ev.Levels, ev.MetLevel = selfeval.Summarise(reqs)
	if withLines {
		ev.Requirements = reqs
	}
	return ev
}

func (c *Calculator) selfEvaluations(ctx context.Context) (map[string][]storage.SelfEvaluation, error) {
	return cachedIn(ctx, c, "self-evaluations", depAll, func() (map[string][]storage.SelfEvaluation, error) {
		evs, err := c.store.SelfEvaluations(ctx)
		if err != nil {
			return nil, err
		}
		out := map[string][]storage.SelfEvaluation{}
		for _, e := range evs {
			out[e.ProductID] = append(out[e.ProductID], e) // by filled date
		}
		return out, nil
	})
}

// SelfEvaluations returns every configured product's self-evaluation in
// force on date.
func (c *Calculator) SelfEvaluations(ctx context.Context, date civil.Date) (SelfEvaluations, error) {
	evs, err := c.selfEvaluations(ctx)
	if err != nil {
		return SelfEvaluations{}, err
	}
	out := SelfEvaluations{Date: date, Products: []ProductSelfEvaluation{}}
	for _, p := range c.cfg.Products {
		out.Products = append(out.Products, productSelfEvaluation(p, evs[p.ID], date, false))
	}
	return out, nil
}

// ProductSelfEvaluation returns one product's self-evaluation in force on
// date with every line.
func (c *Calculator) ProductSelfEvaluation(ctx context.Context, productID string, date civil.Date) (ProductSelfEvaluation, error) {
	p, ok := c.cfg.Product(productID)
	if !ok {
		return ProductSelfEvaluation{}, fmt.Errorf("figures: unknown product %q", productID)
	}
	evs, err := c.selfEvaluations(ctx)
	if err != nil {
		return ProductSelfEvaluation{}, err
	}
	return productSelfEvaluation(p, evs[productID], date, true), nil
}

func productSelfEvaluation(p config.Product, evs []storage.SelfEvaluation, date civil.Date, withLines bool) ProductSelfEvaluation {
	pg := ProductSelfEvaluation{Product: p.ID, Name: p.Name, ConfiguredLevel: p.LevelOn(date)}
	for _, e := range evs {
		if e.Filled.After(date) {
			break
		}
		pg.Versions++
		pg.Evaluation = evaluationOf(e, withLines)
	}
	return pg
}

// SelfEvaluationHistory returns every version of a product's evaluation
// filled by date: requirements met over time.
func (c *Calculator) SelfEvaluationHistory(ctx context.Context, productID string, date civil.Date) ([]SelfEvaluationPoint, error) {
	evs, err := c.selfEvaluations(ctx)
	if err != nil {
		return nil, err
	}
	out := []SelfEvaluationPoint{}
	for _, e := range evs[productID] {
		if e.Filled.After(date) {
			break
		}
		ev := evaluationOf(e, false)
		pt := SelfEvaluationPoint{Filled: e.Filled, MetLevel: ev.MetLevel}
		for _, l := range ev.Levels {
			pt.Met += l.Met
			pt.Required += l.Required
		}
		out = append(out, pt)
	}
	return out, nil
}
