package admin

import (
	"context"

	"os2pulse/locale"
	"os2pulse/storage"
)

// registerEffect is what a change would do to the register, as the
// upload preview and the census review both show it (the template
// "register-effect"): the rows it adds, changes and ends, and the
// headline figures before and after.
type registerEffect struct {
	Changes []changeRow
	Hidden  int // changes not listed; only the upload preview counts them
	Figures []figureRow
	Date    string // the day the figures are for, as shown
}

// effect fills in e's changes and figures for importing reg, the rows
// naming organisations by orgs, and returns the change as storage
// computed it (its summary counts every row, listed or not).
func (a *Admin) effect(ctx context.Context, lang locale.Lang, e *registerEffect, reg storage.Register, orgs map[string]string) (storage.RegisterDiff, error) {
	diff, err := a.store.RegisterChangesUpTo(ctx, reg, shownChanges)
	if err != nil {
		return diff, err
	}
	before, err := a.figures.Headline(ctx, a.today())
	if err != nil {
		return diff, err
	}
	after, err := a.figures.CandidateHeadline(ctx, reg, a.today())
	if err != nil {
		return diff, err
	}
	e.Changes, _ = changeRows(lang, a.productName, orgs, diff, shownChanges)
	e.Figures = figureRows(lang, before, after)
	return diff, nil
}
