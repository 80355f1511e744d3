package register

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"os2pulse/civil"
	"os2pulse/problems"
)

// dateForms is what a date column accepts, for messages.
const dateForms = "YYYY-MM-DD or DD-MM-YYYY"

// parseDay parses a date field; col names it in messages. Dates are
// YYYY-MM-DD, or Danish DD-MM-YYYY and DD.MM.YYYY (the day first, always:
// never the ambiguous MM/DD of other countries, so a date with slashes is
// refused). With serials, a number is an Excel date cell's serial number.
func parseDay(col, s string, serials, date1904 bool) (civil.Date, error) {
	if s == "" {
		return 0, fmt.Errorf("%s is missing (%s)", col, dateForms)
	}
	if d, err := civil.Parse(s); err == nil {
		return d, nil
	}
	if d, ok := danishDate(s); ok {
		return d, nil
	}
	if serials {
		if d, ok := excelDate(s, date1904); ok {
			return d, nil
		}
	}
	if strings.Contains(s, "/") {
		return 0, fmt.Errorf("%s %q is ambiguous (day or month first?): write %s", col, problems.Clip(s), dateForms)
	}
	return 0, fmt.Errorf("%s %q is not a date (%s)", col, problems.Clip(s), dateForms)
}

// danishDate parses D-M-YYYY or D.M.YYYY, with one or two digits for day
// and month.
func danishDate(s string) (civil.Date, bool) {
	sep := "-"
	if strings.Contains(s, ".") {
		sep = "."
	}
	parts := strings.Split(s, sep)
	if len(parts) != 3 || len(parts[0]) < 1 || len(parts[0]) > 2 || len(parts[1]) < 1 || len(parts[1]) > 2 || len(parts[2]) != 4 {
		return 0, false
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || strings.ContainsAny(p, "+-") {
			return 0, false
		}
		n[i] = v
	}
	d, err := civil.Parse(fmt.Sprintf("%04d-%02d-%02d", n[2], n[1], n[0]))
	return d, err == nil
}

// excelDate reads a date cell's raw value: a serial day number (a
// fraction is a time of day, dropped), or an ISO 8601 date-time
// (cells of type "d").
func excelDate(s string, date1904 bool) (civil.Date, bool) {
	if len(s) > 10 && s[10] == 'T' {
		d, err := civil.Parse(s[:10])
		return d, err == nil
	}
	v, err := strconv.ParseFloat(s, 64)
	// 1 is 1900-01-01; 2958465 is 9999-12-31.
	if err != nil || v < 1 || v >= 2958466 {
		return 0, false
	}
	t, err := excelize.ExcelDateToTime(v, date1904)
	if err != nil {
		return 0, false
	}
	return civil.New(t.Year(), t.Month(), t.Day()), true
}

// period describes [since, until) for messages.
func period(since, until civil.Date) string {
	if until.IsZero() {
		return "from " + since.String() + " (no until)"
	}
	return "from " + since.String() + " until " + until.String()
}

// overlaps reports whether [s1, u1) and [s2, u2) share a day; a zero
// until is open.
func overlaps(s1, u1, s2, u2 civil.Date) bool {
	return (u2.IsZero() || s1 < u2) && (u1.IsZero() || s2 < u1)
}

// spans are the accepted periods of one organisation (and product): they
// do not overlap, so sorted by since they are sorted by until too, and a
// new period can only overlap one of its two neighbours. Checking every
// earlier period instead made a long history of one organisation and
// product quadratic (18 s for 40,000 rows).
type spans[T any] []spanEntry[T]

type spanEntry[T any] struct {
	since, until civil.Date
	line         int
	v            T
}

// conflict returns the index of an accepted period that shares a day
// with [since, until) (-1 if none; one that begins the same day first),
// and where the period goes when it is accepted.
func (s spans[T]) conflict(since, until civil.Date) (conflict, at int) {
	at = sort.Search(len(s), func(i int) bool { return s[i].since >= since })
	if at < len(s) && overlaps(since, until, s[at].since, s[at].until) {
		return at, at
	}
	if at > 0 && overlaps(since, until, s[at-1].since, s[at-1].until) {
		return at - 1, at
	}
	return -1, at
}

func (s *spans[T]) insert(at int, e spanEntry[T]) { *s = slices.Insert(*s, at, e) }
