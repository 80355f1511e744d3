package dashboard

import (
	"os2pulse/civil"
	"os2pulse/figures"
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

// countCell is a count in a table: "–" when it is not known.
func (v *view) countCell(k figures.Known[int]) table.Cell {
	return table.Num(v.Known(k))
}

// affiliationCells are a split by affiliation in a table (member,
// supplier, other): "–" each when it is not known.
func (v *view) affiliationCells(a *figures.Affiliations) []table.Cell {
	if a == nil {
		return []table.Cell{table.Num("–"), table.Num("–"), table.Num("–")}
	}
	return []table.Cell{table.Int(v.Lang, a.Member), table.Int(v.Lang, a.Supplier), table.Int(v.Lang, a.Unknown)}
}

// Known writes a count, or "–" when it is not known; templates call it
// too.
func (v *view) Known(k figures.Known[int]) string {
	n, ok := k.Get()
	if !ok {
		return "–"
	}
	return v.Int(n)
}

// lastKnown is what an unknown contributor figure shows as its headline:
// the value on the last date its data reach, with that date; ok is false
// when there is none.
func (v *view) lastKnown(l *figures.LastContributors) (value, detail string, ok bool) {
	if l == nil {
		return "", "", false
	}
	return v.Int(l.ActiveContributors), v.Tf("coverage.lastknown", v.Lang.Date(l.Date)), true
}

// RegisterInt writes a count of the register: "–" while the register has
// never been read.
func (v *view) RegisterInt(n int) string {
	if v.registerUnread {
		return "–"
	}
	return v.Int(n)
}

// RegisterPct writes a share of the register: "–" while the register has
// never been read.
func (v *view) RegisterPct(x float64) string {
	if v.registerUnread {
		return "–"
	}
	return v.Pct(x)
}

// registerUnreadDetail is the detail of a register key figure while the
// register has never been read, else "".
func (v *view) registerUnreadDetail() string {
	if v.registerUnread {
		return v.T("register.unread.short")
	}
	return ""
}

// registerChart leaves out a chart of register figures while the register
// has never been read: its note says so, and it shows no bars, map or
// table of zeros.
func (v *view) registerChart(c chart) chart {
	if v.registerUnread {
		c.Unknown, c.Note = true, v.T("register.unread")
	}
	return c
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
	if v.registerUnread {
		return v.T("register.unread")
	}
	if registeredOn.IsZero() {
		return ""
	}
	return v.Tf("register.asof", v.Lang.Date(registeredOn))
}
