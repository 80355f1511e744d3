package figures

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"os2pulse/civil"
	"os2pulse/storage"
)

// Keeping a finished year's figures and comparing the report with the
// first copy kept: the corrections and the register changes behind them.

// ProduceReport computes the report of year and compares it with the
// first copy kept of it, listing the figures that changed since and the
// register changes behind them. It only reads: keeping a copy is
// done by "os2pulse report -keep" or the schedule at the turn of the year
// (with FiguresToKeep), never by someone viewing a page.
func (c *Calculator) ProduceReport(ctx context.Context, year int, now time.Time) (Report, error) {
	r, err := c.Report(ctx, year, now)
	if err != nil {
		return r, err
	}
	first, err := c.store.FirstReport(ctx, year)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return r, nil
	case err != nil:
		return r, err
	}
	r.FirstProducedAt = first.ProducedAt
	var was []ReportFigure
	if err := json.Unmarshal([]byte(first.Figures), &was); err != nil {
		return r, fmt.Errorf("figures: reading the kept copy of report %d: %w", year, err)
	}
	r.Corrections, r.NotCompared = corrections(was, r.Figures())
	if r.RegisterChanges, err = c.registerChangesSince(ctx, first.ProducedAt, r.Date); err != nil {
		return r, err
	}
	return r, nil
}

// ErrYearNotFinished is returned when a copy of a year's report is asked
// for before the year has ended: its figures can still change.
var ErrYearNotFinished = errors.New("the year has not ended yet")

// CompleteFigures is the rule of what a kept copy of a report holds and
// what corrections compare: the figures whose data reach the report's
// date (31 December) for both years they show. The others (complete
// false: a contributor figure or health signal whose repositories'
// history does not reach that far) count only what was known, so a later
// collection would "correct" them without anything having been wrong;
// they are left out and marked instead. Any caller that keeps or
// compares reports decides by it.
func CompleteFigures(figs []ReportFigure) (complete, incomplete []ReportFigure) {
	for _, f := range figs {
		if f.Complete {
			complete = append(complete, f)
		} else {
			incomplete = append(incomplete, f)
		}
	}
	return complete, incomplete
}

// FiguresToKeep returns a finished year's figures as a kept copy holds
// them (JSON), for the command and the schedule that keep copies: later
// corrections to the register are listed against what was published.
// The copy holds the values of the complete figures only
// (CompleteFigures). Figures only read; storing the copy is the caller's.
func (c *Calculator) FiguresToKeep(ctx context.Context, year int, now time.Time) (string, error) {
	r, err := c.Report(ctx, year, now)
	if err != nil {
		return "", err
	}
	if r.Preliminary {
		return "", fmt.Errorf("figures: keeping report %d: %w", year, ErrYearNotFinished)
	}
	keep, incomplete := CompleteFigures(r.Figures())
	// The incomplete ones are kept by name only, marked, so that a
	// comparison can say they were left out.
	for _, f := range incomplete {
		keep = append(keep, ReportFigure{Definition: f.Definition, Subject: f.Subject, Scope: f.Scope, CoveredUntil: f.CoveredUntil})
	}
	b, err := json.Marshal(keep)
	if err != nil {
		return "", fmt.Errorf("figures: keeping report %d: %w", year, err)
	}
	return string(b), nil
}

// corrections lists the figures of now whose value, as written
// (FormatFigure), differs from the kept copy was, and the figures not
// compared because they are incomplete in either. A figure the copy does
// not have (a non-member adopter found since) is neither: the register
// changes list what brought it.
func corrections(was, now []ReportFigure) ([]Correction, []FigureRef) {
	old := map[string]ReportFigure{}
	for _, f := range was {
		old[f.Key()] = f
	}
	out, left := []Correction{}, []FigureRef{}
	for _, f := range now {
		o, ok := old[f.Key()]
		switch {
		case !ok:
		case !o.Complete || !f.Complete:
			left = append(left, FigureRef{Definition: f.Definition, Subject: f.Subject, Scope: f.Scope})
		case !o.Value.OK() || !f.Value.OK():
			left = append(left, FigureRef{Definition: f.Definition, Subject: f.Subject, Scope: f.Scope})
		case FormatKnown(o.Value) != FormatKnown(f.Value):
			was, _ := o.Value.Get()
			now, _ := f.Value.Get()
			out = append(out, Correction{Definition: f.Definition, Subject: f.Subject, Scope: f.Scope, Unit: f.Unit, Was: was, Now: now})
		}
	}
	return out, left
}

// registerChangesSince lists adoption records recorded or retracted after
// since that concern a period starting on or before date.
func (c *Calculator) registerChangesSince(ctx context.Context, since string, date civil.Date) ([]RegisterChange, error) {
	hist, err := c.store.AdoptionHistory(ctx)
	if err != nil {
		return nil, err
	}
	d, err := c.register(ctx)
	if err != nil {
		return nil, err
	}
	out := []RegisterChange{}
	for _, h := range hist {
		if h.Since.After(date) {
			continue
		}
		ch := RegisterChange{Organization: h.OrganizationID, Name: d.orgs[h.OrganizationID].Name, Product: h.ProductID,
			Status: h.Status, Since: h.Since, Until: h.Until}
		if h.RecordedAt > since {
			ch.Change, ch.RecordedAt = "recorded", h.RecordedAt
			out = append(out, ch)
		}
		if h.RetractedAt != "" && h.RetractedAt > since {
			ch.Change, ch.RecordedAt = "retracted", h.RetractedAt
			out = append(out, ch)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].RecordedAt < out[j].RecordedAt })
	return out, nil
}

// FormatKnown is FormatFigure of a figure that may not be known: an empty
// string (an empty CSV cell) when it is not.
func FormatKnown(k Known[float64]) string {
	v, ok := k.Get()
	if !ok {
		return ""
	}
	return FormatFigure(v)
}

// FormatFigure writes a figure value the way CSV and JSON carry it: whole
// numbers without decimals, shares with four.
func FormatFigure(v float64) string {
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 4, 64)
}
