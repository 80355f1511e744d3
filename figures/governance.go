package figures

import (
	"fmt"
	"sort"

	"os2pulse/civil"
	"os2pulse/config"
)

// Governance levels are dated in the configuration: a product holds a
// level from the date given with it until the next one (config.Product's
// LevelOn). Every figure about a date uses the level on that date.

// GovernanceLevels are the levels in OS2's model, lowest first.
var GovernanceLevels = config.GovernanceLevels

// GovernancePoint counts the configured products at each governance level
// on a date; a product before its first level is in none.
type GovernancePoint struct {
	Date   civil.Date     `json:"date"`
	Levels map[string]int `json:"levels"` // every level of GovernanceLevels, 0 included
}

// GovernanceSeries is products by governance level over time.
type GovernanceSeries struct {
	Step   Step              `json:"step"`
	Points []GovernancePoint `json:"points"`
}

// LevelChange is a product moving to another governance level: onboarded
// (From ""), raised or lowered.
type LevelChange struct {
	Product string     `json:"product"`
	Name    string     `json:"name"`
	Date    civil.Date `json:"date"`
	From    string     `json:"from"` // "" before the first level
	To      string     `json:"to"`
}

// GovernanceOn counts the products at each level on date.
func (c *Calculator) GovernanceOn(date civil.Date) GovernancePoint {
	p := GovernancePoint{Date: date, Levels: make(map[string]int, len(GovernanceLevels))}
	for _, l := range GovernanceLevels {
		p.Levels[l] = 0
	}
	for _, pr := range c.cfg.Products {
		if l := pr.LevelOn(date); l != "" {
			p.Levels[l]++
		}
	}
	return p
}

// ProductsAtLevel names the products at level on date, in configuration
// order.
func (c *Calculator) ProductsAtLevel(level string, date civil.Date) []string {
	names := []string{}
	for _, pr := range c.cfg.Products {
		if pr.LevelOn(date) == level {
			names = append(names, pr.Name)
		}
	}
	return names
}

// GovernanceSeries counts the products at each level at every point
// from..to by step (see Points).
func (c *Calculator) GovernanceSeries(from, to civil.Date, step Step) (GovernanceSeries, error) {
	pts, err := Points(from, to, step)
	if err != nil {
		return GovernanceSeries{}, fmt.Errorf("figures: governance series: %w", err)
	}
	out := GovernanceSeries{Step: step, Points: make([]GovernancePoint, 0, len(pts))}
	for _, p := range pts {
		out.Points = append(out.Points, c.GovernanceOn(p))
	}
	return out, nil
}

// LevelChanges lists the products that moved level from..to (both days
// included), by date and then product in configuration order.
func (c *Calculator) LevelChanges(from, to civil.Date) []LevelChange {
	out := []LevelChange{}
	for _, pr := range c.cfg.Products {
		prev := ""
		for _, l := range pr.LevelHistory() {
			if !l.Since.IsZero() && !l.Since.Before(from) && !l.Since.After(to) {
				out = append(out, LevelChange{Product: pr.ID, Name: pr.Name, Date: l.Since, From: prev, To: l.Level})
			}
			prev = l.Level
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}
