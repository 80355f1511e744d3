package locale

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"os2pulse/civil"
)

// Number and date formats per language: Danish writes 1.234,5 and 72,4 %;
// English 1,234.5 and 72.4%.
func (l Lang) separators() (thousands, decimal string) {
	if l == EN {
		return ",", "."
	}
	return ".", ","
}

// Int writes a count with thousands separators: 1.234 / 1,234.
func (l Lang) Int(n int) string { return l.Dec(float64(n), 0) }

// Dec writes f rounded to decimals places with the language's separators.
// A value that rounds to zero is written without a minus sign.
func (l Lang) Dec(f float64, decimals int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	s := strconv.FormatFloat(math.Abs(f), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	th, dec := l.separators()
	var b strings.Builder
	if f < 0 && strings.Trim(s, "0.") != "" {
		b.WriteString("-")
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(th)
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString(dec)
		b.WriteString(frac)
	}
	return b.String()
}

// Pct writes a ratio (0.724) as a percentage with one decimal: "72,4 %" in
// Danish (Retskrivningsordbogen puts a space before %), "72.4%" in English.
func (l Lang) Pct(ratio float64) string {
	s := l.Dec(ratio*100, 1)
	if l == EN {
		return s + "%"
	}
	return s + " %"
}

// signed writes a change with an explicit sign: "+3", "−2", "±0". The
// minus is U+2212, which screen readers read as "minus".
func signed(s string, negative, zero bool) string {
	switch {
	case zero:
		return "±" + s
	case negative:
		return "−" + strings.TrimPrefix(s, "-")
	}
	return "+" + s
}

// ChangeInt writes the change of a count: +3 / −2 / ±0.
func (l Lang) ChangeInt(d int) string {
	return signed(l.Int(d), d < 0, d == 0)
}

// ChangePoints writes the change of a ratio in percentage points with one
// decimal: "+2,1 procentpoint" / "+2.1 percentage points".
func (l Lang) ChangePoints(d float64) string {
	s := l.Dec(math.Abs(d)*100, 1)
	zero := strings.Trim(s, "0.,") == ""
	return signed(s, d < 0, zero) + " " + l.T("unit.pp")
}

var monthsDA = [...]string{"januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"}

// Date writes a date: "23. november 2026" / "23 November 2026"; the zero
// Date is "".
func (l Lang) Date(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	y, m, n := d.Parts()
	if l == EN {
		return fmt.Sprintf("%d %s %d", n, m, y)
	}
	return fmt.Sprintf("%d. %s %d", n, monthsDA[m-1], y)
}

// Month writes a month: "marts 2027" / "March 2027".
func (l Lang) Month(d civil.Date) string {
	y, m, _ := d.Parts()
	if l == EN {
		return fmt.Sprintf("%s %d", m, y)
	}
	return fmt.Sprintf("%s %d", monthsDA[m-1], y)
}

var monthsShortDA = [...]string{"jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"}

// MonthShort writes a month's short name, for the labels of a chart: "mar"
// / "Mar".
func (l Lang) MonthShort(d civil.Date) string {
	if l == EN {
		return d.Month().String()[:3]
	}
	return monthsShortDA[d.Month()-1]
}

// Time writes an instant as people in Denmark read it: the date and time
// of day in Danish time, with the zone ("23. november 2026 kl. 13.04 CET",
// "23 November 2026, 13:04 CET").
func (l Lang) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(civil.Copenhagen)
	if l == EN {
		return l.Date(civil.Of(t)) + ", " + t.Format("15:04 MST")
	}
	return l.Date(civil.Of(t)) + " kl. " + t.Format("15.04 MST")
}

// Stamp writes a stored RFC 3339 timestamp like Time; "" stays "" and
// anything unreadable is shown as it is.
func (l Lang) Stamp(s string) string {
	if s == "" {
		return ""
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return l.Time(t)
}
