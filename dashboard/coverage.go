package dashboard

import (
	"os2pulse/civil"
	"os2pulse/table"
)

// How pages show a figure its data do not reach: never a bare value or a
// change, but the value with a clear mark and "data only up to …".

// incomplete marks a key figure as counting only what is known up to
// covered (zero: nothing known) and drops its change, which would compare
// a known value with a partly known one.
func (v *view) incomplete(k keyFigure, covered civil.Date) keyFigure {
	k.Mark, k.Incomplete, k.Change = v.T("coverage.mark"), v.CoveredUntil(covered), ""
	return k
}

// countCell is a count in a table, marked when it is incomplete.
func (v *view) countCell(n int, complete bool) table.Cell {
	if complete {
		return table.Int(v.Lang, n)
	}
	return table.Num(v.Tf("coverage.cell", v.Int(n)))
}

// coverageNote is the note of a table with incomplete figures in it.
func (v *view) coverageNote(covered civil.Date) string {
	if covered.IsZero() {
		return v.T("coverage.table.none")
	}
	return v.Tf("coverage.table", v.Lang.Date(covered))
}

// RegisterNote says that the adoption and membership figures are as the
// register stood on registeredOn, when that is before the page's date;
// templates call it too.
func (v *view) RegisterNote(registeredOn civil.Date) string {
	if registeredOn.IsZero() {
		return ""
	}
	return v.Tf("register.asof", v.Lang.Date(registeredOn))
}
