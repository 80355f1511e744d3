package register

import (
	"fmt"
	"slices"
	"sort"

	"os2pulse/civil"
	"os2pulse/problems"
)

// parseDay parses a YYYY-MM-DD field; col names it in messages.
func parseDay(col, s string) (civil.Date, error) {
	if s == "" {
		return 0, fmt.Errorf("%s is missing (YYYY-MM-DD)", col)
	}
	d, err := civil.Parse(s)
	if err != nil {
		return 0, fmt.Errorf("%s %q is not a date (YYYY-MM-DD)", col, problems.Clip(s))
	}
	return d, nil
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
