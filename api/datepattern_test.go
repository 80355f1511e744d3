package api

import (
	"fmt"
	"regexp"
	"testing"

	"os2pulse/civil"
)

// TestNumRange checks every range of two-digit numbers against every
// number, and ranges of years against every four-digit year.
func TestNumRange(t *testing.T) {
	for lo := 0; lo <= 99; lo++ {
		for hi := lo; hi <= 99; hi++ {
			re := regexp.MustCompile("^(?:" + numRange(lo, hi, 2) + ")$")
			for n := 0; n <= 99; n++ {
				if got, want := re.MatchString(fmt.Sprintf("%02d", n)), lo <= n && n <= hi; got != want {
					t.Fatalf("numRange(%d, %d) = %s matches %02d: %v", lo, hi, re, n, got)
				}
			}
		}
	}
	for _, r := range [][2]int{{1990, 1990}, {1990, 1999}, {1990, 2000}, {1990, 2025}, {1999, 2100}, {1000, 9999}, {1990, 2099}, {2009, 2010}} {
		re := regexp.MustCompile("^(?:" + numRange(r[0], r[1], 4) + ")$")
		for n := 0; n <= 9999; n++ {
			if got, want := re.MatchString(fmt.Sprintf("%04d", n)), r[0] <= n && n <= r[1]; got != want {
				t.Fatalf("numRange(%d, %d) = %s matches %04d: %v", r[0], r[1], re, n, got)
			}
		}
	}
}

// TestDatesThrough checks the pattern of dates up to a last date
// against every day from 1989 to 2101 and against strings that are not
// dates.
func TestDatesThrough(t *testing.T) {
	for _, last := range []string{"1990-01-01", "1990-12-31", "2000-02-29", "2019-10-09", "2026-01-01", "2026-12-07", "2099-12-31", "2100-12-31"} {
		l := civil.MustParse(last)
		re := regexp.MustCompile(datesThrough(l))
		for d := civil.New(1989, 1, 1); d.Before(civil.New(2102, 1, 1)); d = d.AddDays(1) {
			if got, want := re.MatchString(d.String()), !d.Before(firstDate) && !d.After(l); got != want {
				t.Fatalf("datesThrough(%s) matches %s: %v", last, d, got)
			}
		}
		for _, s := range []string{"", "1995-13-01", "1995-00-10", "1995-01-00", "1995-01-32", "995-01-01", "01995-01-01", "1995-1-01", "1995-01-1", "1995/01/01", "19950101", "1995-01-01 "} {
			if re.MatchString(s) {
				t.Errorf("datesThrough(%s) matches %q", last, s)
			}
		}
	}
}
