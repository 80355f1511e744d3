// Package civil is the calendar date every os2pulse figure is about: a day
// in the Gregorian calendar without a time or a zone. Config, the
// register, storage and figures all use Date, parse it with Parse and
// store it as YYYY-MM-DD text, so there is one way to read, compare and
// write a date.
package civil

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"time"
	_ "time/tzdata" // Europe/Copenhagen on machines without a zone database
)

// Date is a calendar day, counted as days since 31 December of year 0 of
// the proleptic Gregorian calendar, so dates compare and subtract as
// integers. The zero Date is "no date": an open end of a period, or a
// date not given.
type Date int32

// unixEpoch is 1970-01-01 as a Date.
const unixEpoch Date = 719163

// Of returns the date of t in t's location.
func Of(t time.Time) Date {
	y, m, d := t.Date()
	return New(y, m, d)
}

// New returns the date y-m-d; out-of-range months and days are normalised
// as time.Date does (New(2025, 2, 30) is 2 March).
func New(y int, m time.Month, d int) Date {
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()
	return unixEpoch + Date(floorDiv(u, 86400))
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// Copenhagen is the zone the register's dates are in: OS2 is Danish, so
// "today" is the date in Denmark.
var Copenhagen = mustZone("Europe/Copenhagen")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("civil: time zone %s: %v", name, err))
	}
	return loc
}

// Today is the date in Denmark at the instant now.
func Today(now time.Time) Date { return Of(now.In(Copenhagen)) }

// UTCDay is the UTC date of the instant t: contributions are counted by
// UTC calendar day.
func UTCDay(t time.Time) Date { return Of(t.UTC()) }

// ErrSyntax is wrapped by Parse's errors.
var ErrSyntax = errors.New("not a date (YYYY-MM-DD)")

// Parse reads YYYY-MM-DD, the ISO 8601 calendar date. The empty string is
// an error: use ParseOptional where a date may be left out.
func Parse(s string) (Date, error) {
	if s == "" {
		return 0, fmt.Errorf("date missing: %w", ErrSyntax)
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || len(s) != 10 || t.Year() < 1 {
		return 0, fmt.Errorf("%q is %w", clip(s), ErrSyntax)
	}
	return Of(t), nil
}

// ParseOptional is Parse, but the empty string is the zero Date.
func ParseOptional(s string) (Date, error) {
	if s == "" {
		return 0, nil
	}
	return Parse(s)
}

// MustParse is Parse for constants in code and tests; it panics on an
// invalid date.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// IsZero reports whether d is "no date".
func (d Date) IsZero() bool { return d == 0 }

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time {
	return time.Unix(int64(d-unixEpoch)*86400, 0).UTC()
}

// Parts returns the year, month and day.
func (d Date) Parts() (int, time.Month, int) { return d.Time().Date() }

// Year returns d's year.
func (d Date) Year() int { y, _, _ := d.Parts(); return y }

// Month returns d's month.
func (d Date) Month() time.Month { _, m, _ := d.Parts(); return m }

// Day returns d's day of the month.
func (d Date) Day() int { _, _, n := d.Parts(); return n }

// String returns YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d == 0 {
		return ""
	}
	return d.Time().Format(time.DateOnly)
}

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return d + Date(n) }

// AddDate returns d moved by years, months and days, normalised as
// time.AddDate does (31 March + 1 month is 1 May).
func (d Date) AddDate(years, months, days int) Date {
	return Of(d.Time().AddDate(years, months, days))
}

// DaysUntil returns the number of days from d to e (negative when e is
// earlier).
func (d Date) DaysUntil(e Date) int { return int(e - d) }

// Before, After and Compare order dates; the zero Date is earliest.
func (d Date) Before(e Date) bool { return d < e }

// After reports whether d is later than e.
func (d Date) After(e Date) bool { return d > e }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d < e:
		return -1
	case d > e:
		return 1
	}
	return 0
}

// EndOfMonth is the last day of d's month.
func (d Date) EndOfMonth() Date {
	y, m, _ := d.Parts()
	return New(y, m+1, 0)
}

// Within reports whether d lies in the period [since, until): since on or
// before d, and until open (zero) or after d. This is the rule of every
// dated record in os2pulse: memberships, adoption records, affiliations,
// governance levels.
func (d Date) Within(since, until Date) bool {
	return since <= d && (until == 0 || d < until)
}

// MarshalText implements encoding.TextMarshaler (JSON, TOML): YYYY-MM-DD,
// or empty for the zero Date.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; empty text is the
// zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseOptional(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value implements driver.Valuer: dates are stored as YYYY-MM-DD text and
// the zero Date as ” (an open end), which sorts and compares the same way
// in SQLite and PostgreSQL.
func (d Date) Value() (driver.Value, error) { return d.String(), nil }

// Scan implements sql.Scanner for the stored text form.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = 0
		return nil
	case string:
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	case time.Time:
		*d = Of(v)
		return nil
	}
	return fmt.Errorf("civil: cannot scan %T into a Date", src)
}
