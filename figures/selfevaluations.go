package figures

import (
	"context"
	"fmt"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/storage"
)

// What a product's own governance self-evaluation says, as of a date: the
// evaluation in force, its counts per level, and its versions over time.
// The health signals from collected data are in health.go.
// Requirement states, as stored.
const (
	StateMet     = "met"
	StatePlanned = "planned"
	StateNotMet  = "not_met"
)

// LevelCount counts one level's lines of an evaluation.
type LevelCount struct {
	Level string `json:"level"`
	// Required counts requirements introduced at the level;
	// recommendations ("(anbefaling)") are not requirements.
	Required int `json:"required"`
	Met      int `json:"met"`
	Planned  int `json:"planned"`
	NotMet   int `json:"not_met"`
	// Recommendations at the level, and how many are followed.
	Recommendations    int `json:"recommendations"`
	RecommendationsMet int `json:"recommendations_met"`
}

// Requirement is one line of an evaluation.
type Requirement struct {
	ID             string `json:"id"`
	Category       string `json:"category"`
	Level          string `json:"level"`
	State          string `json:"state"`
	Recommendation bool   `json:"recommendation"`
	Text           string `json:"text"`
	Guidelines     string `json:"guidelines,omitempty"`
	Documentation  string `json:"documentation,omitempty"`
}

// Evaluation is a product's self-evaluation as stored.
type Evaluation struct {
	Filled       civil.Date    `json:"filled_date"`
	FilledBy     string        `json:"filled_by"`
	Source       string        `json:"source"`
	Levels       []LevelCount  `json:"levels"`
	MetLevel     string        `json:"met_level"` // "" when not even the sandbox's are all met
	Requirements []Requirement `json:"requirements,omitempty"`
}

// ProductGovernance is a product's governance on a date: the level the
// configuration gives it, and its self-evaluation in force (the newest
// filled on or before the date).
type ProductGovernance struct {
	Product         string      `json:"product"`
	Name            string      `json:"name"`
	ConfiguredLevel string      `json:"configured_level"`
	Evaluation      *Evaluation `json:"evaluation"` // null: none filled by the date
	// Versions is how many evaluations were filled by the date.
	Versions int `json:"versions"`
}

// Governance is every product's governance on a date.
type Governance struct {
	Date     civil.Date          `json:"date"`
	Products []ProductGovernance `json:"products"`
}

// GovernancePointMet is one version of a product's evaluation: how many
// requirements it says are met.
type GovernancePointMet struct {
	Filled   civil.Date `json:"filled_date"`
	Met      int        `json:"met"`
	Required int        `json:"required"`
	MetLevel string     `json:"met_level"`
}

// summarise counts an evaluation's lines per level, lowest first, and the
// highest level whose requirements, and every lower level's, are all met.
func summarise(reqs []Requirement) ([]LevelCount, string) {
	out := make([]LevelCount, len(GovernanceLevels))
	idx := map[string]int{}
	for i, l := range GovernanceLevels {
		out[i].Level = l
		idx[l] = i
	}
	for _, r := range reqs {
		i, ok := idx[r.Level]
		if !ok {
			continue
		}
		s := &out[i]
		if r.Recommendation {
			s.Recommendations++
			if r.State == StateMet {
				s.RecommendationsMet++
			}
			continue
		}
		s.Required++
		switch r.State {
		case StateMet:
			s.Met++
		case StatePlanned:
			s.Planned++
		default:
			s.NotMet++
		}
	}
	met := ""
	for _, s := range out {
		if s.Met != s.Required {
			break
		}
		met = s.Level
	}
	return out, met
}

func evaluationOf(e storage.SelfEvaluation, withLines bool) *Evaluation {
	reqs := make([]Requirement, 0, len(e.Requirements))
	for _, r := range e.Requirements {
		reqs = append(reqs, Requirement{ID: r.ID, Category: r.Category, Level: r.Level, State: r.State,
			Recommendation: r.Recommendation, Text: r.Text, Guidelines: r.Guidelines, Documentation: r.Documentation})
	}
	ev := &Evaluation{Filled: e.Filled, FilledBy: e.FilledBy, Source: e.Source}
	ev.Levels, ev.MetLevel = summarise(reqs)
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

// Governance returns every configured product's governance on date.
func (c *Calculator) Governance(ctx context.Context, date civil.Date) (Governance, error) {
	evs, err := c.selfEvaluations(ctx)
	if err != nil {
		return Governance{}, err
	}
	out := Governance{Date: date, Products: []ProductGovernance{}}
	for _, p := range c.cfg.Products {
		out.Products = append(out.Products, productGovernance(p, evs[p.ID], date, false))
	}
	return out, nil
}

// ProductGovernance returns one product's governance on date with every
// line of its evaluation in force.
func (c *Calculator) ProductGovernance(ctx context.Context, productID string, date civil.Date) (ProductGovernance, error) {
	p, ok := c.cfg.Product(productID)
	if !ok {
		return ProductGovernance{}, fmt.Errorf("figures: unknown product %q", productID)
	}
	evs, err := c.selfEvaluations(ctx)
	if err != nil {
		return ProductGovernance{}, err
	}
	return productGovernance(p, evs[productID], date, true), nil
}

func productGovernance(p config.Product, evs []storage.SelfEvaluation, date civil.Date, withLines bool) ProductGovernance {
	pg := ProductGovernance{Product: p.ID, Name: p.Name, ConfiguredLevel: p.LevelOn(date)}
	for _, e := range evs {
		if e.Filled.After(date) {
			break
		}
		pg.Versions++
		pg.Evaluation = evaluationOf(e, withLines)
	}
	return pg
}

// GovernanceHistory returns every version of a product's evaluation
// filled by date: requirements met over time.
func (c *Calculator) GovernanceHistory(ctx context.Context, productID string, date civil.Date) ([]GovernancePointMet, error) {
	evs, err := c.selfEvaluations(ctx)
	if err != nil {
		return nil, err
	}
	out := []GovernancePointMet{}
	for _, e := range evs[productID] {
		if e.Filled.After(date) {
			break
		}
		ev := evaluationOf(e, false)
		pt := GovernancePointMet{Filled: e.Filled, MetLevel: ev.MetLevel}
		for _, l := range ev.Levels {
			pt.Met += l.Met
			pt.Required += l.Required
		}
		out = append(out, pt)
	}
	return out, nil
}
