package api

import (
	"fmt"
	"strings"

	"os2pulse/civil"
)

// firstDate is the earliest date a parameter may name: the figures begin
// in 1990.
var firstDate = civil.New(1990, 1, 1)

// datesThrough is a regular expression (ECMAScript and RE2 alike) that
// matches a YYYY-MM-DD date from firstDate through last and no other, so
// that the OpenAPI document states "not in the future" in a form tools
// check: a schema has no minimum or maximum for dates. It leaves the
// days a month lacks (30 February) to the "date" format.
func datesThrough(last civil.Date) string {
	y, m, d := last.Parts()
	month, day := numRange(1, 12, 2), numRange(1, 31, 2)
	var alts []string
	if y > firstDate.Year() {
		alts = append(alts, group(numRange(firstDate.Year(), y-1, 4))+"-"+group(month)+"-"+group(day))
	}
	if m > 1 {
		alts = append(alts, fmt.Sprintf("%04d-", y)+group(numRange(1, int(m)-1, 2))+"-"+group(day))
	}
	alts = append(alts, fmt.Sprintf("%04d-%02d-", y, m)+group(numRange(1, d, 2)))
	return "^(?:" + strings.Join(alts, "|") + ")$"
}

// numRange is an alternation matching the numbers lo through hi written
// with width digits (leading zeros), lo ≤ hi.
func numRange(lo, hi, width int) string {
	return strings.Join(rangeAlts(fmt.Sprintf("%0*d", width, lo), fmt.Sprintf("%0*d", width, hi)), "|")
}

// rangeAlts splits the digit strings a..b (of one length, a ≤ b) into
// alternatives: the rest of a's first digit, the whole first digits
// between, and the start of b's first digit.
func rangeAlts(a, b string) []string {
	if a == b {
		return []string{a}
	}
	if len(a) == 1 {
		return []string{digits(a[0], b[0])}
	}
	if a[0] == b[0] {
		return []string{a[:1] + group(strings.Join(rangeAlts(a[1:], b[1:]), "|"))}
	}
	n := len(a) - 1
	zeros, nines := strings.Repeat("0", n), strings.Repeat("9", n)
	var out []string
	lo, hi := a[0], b[0]
	if a[1:] != zeros {
		out = append(out, a[:1]+group(strings.Join(rangeAlts(a[1:], nines), "|")))
		lo++
	}
	top := hi
	if b[1:] != nines {
		top--
	}
	if lo <= top {
		rest := `\d`
		if n > 1 {
			rest = fmt.Sprintf(`\d{%d}`, n)
		}
		out = append(out, digits(lo, top)+rest)
	}
	if b[1:] != nines {
		out = append(out, b[:1]+group(strings.Join(rangeAlts(zeros, b[1:]), "|")))
	}
	return out
}

// digits is a character class of the digits a through b.
func digits(a, b byte) string {
	if a == b {
		return string(a)
	}
	return "[" + string(a) + "-" + string(b) + "]"
}

// group wraps an alternation so that what follows it applies to all of
// it.
func group(alt string) string {
	if !strings.Contains(alt, "|") {
		return alt
	}
	return "(?:" + alt + ")"
}
