package figures

import (
	"context"
	"math"
	"time"

	"os2pulse/storage"
)

// LastCensus is the newest adoption census behind the register: the
// census whose answer the secretariat accepted last, and when. Zero
// before any answer was accepted.
type LastCensus struct {
	Name       string    `json:"name"`
	AcceptedAt time.Time `json:"accepted_at"`
}

// LastCensus finds the newest accepted census answer in the register's
// changes (each names its census as its source).
func (c *Calculator) LastCensus(ctx context.Context) (LastCensus, error) {
	all, err := c.RegisterImports(ctx, math.MaxInt)
	if err != nil {
		return LastCensus{}, err
	}
	for _, imp := range all { // newest first
		if imp.Action == storage.ActionCensus {
			return LastCensus{Name: imp.Source, AcceptedAt: imp.ImportedAt}, nil
		}
	}
	return LastCensus{}, nil
}
