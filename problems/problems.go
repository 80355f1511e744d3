// Package problems reports everything wrong with an input at once: a
// configuration, a register file, a git log export. Each problem is one
// line, "FILE:LINE: what is wrong" (or "FILE:sheet!CELL: …" for a
// spreadsheet), so a person can fix a file in one pass and an editor can
// jump to the place.
package problems

import (
	"errors"
	"fmt"
	"strings"
)

// Error is every problem found in an input; nothing from an input with
// problems is used.
type Error struct {
	Problems []string
	// Total counts every problem found, those left out of Problems
	// included.
	Total int
}

func (e *Error) Error() string { return strings.Join(e.Problems, "\n") }

// Of returns the problems carried by err, or nil when err is not an
// *Error.
func Of(err error) []string {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.Problems
	}
	return nil
}

// DefaultMax bounds the problems listed for one file: enough for every
// problem of any real file, few enough that a wholly wrong file gives a
// readable answer.
const DefaultMax = 1000

// List collects the problems of one named input.
type List struct {
	name  string
	max   int
	items []string
	extra int
}

// NewList returns a list for the input called name (a file path, a URL)
// that keeps at most max problems (DefaultMax when max <= 0) and counts the
// rest.
func NewList(name string, max int) *List {
	if max <= 0 {
		max = DefaultMax
	}
	return &List{name: name, max: max}
}

// Name is the input's name.
func (l *List) Name() string { return l.name }

// Add records a problem at a line: "NAME:LINE: text".
func (l *List) Add(line int, format string, args ...any) {
	l.AddAt(fmt.Sprint(line), format, args...)
}

// AddAt records a problem at a place that is not a line, such as a
// spreadsheet cell: "NAME:PLACE: text" ("register.xlsx:adoption!C14: …").
func (l *List) AddAt(place string, format string, args ...any) {
	if len(l.items) >= l.max {
		l.extra++
		return
	}
	l.items = append(l.items, fmt.Sprintf("%s:%s: %s", l.name, place, fmt.Sprintf(format, args...)))
}

// AddField records a problem with a named field of a structured input (a
// JSON document): "NAME: krav[3].efterlevet: text". An empty field is a
// problem with the input as a whole: "NAME: text".
func (l *List) AddField(field string, format string, args ...any) {
	if len(l.items) >= l.max {
		l.extra++
		return
	}
	msg := fmt.Sprintf(format, args...)
	if field != "" {
		msg = field + ": " + msg
	}
	l.items = append(l.items, l.name+": "+msg)
}

// Len is the number of problems recorded, counted ones included.
func (l *List) Len() int { return len(l.items) + l.extra }

// All returns the problems, with a last line counting those left out.
func (l *List) All() []string {
	out := append([]string(nil), l.items...)
	if l.extra > 0 {
		out = append(out, fmt.Sprintf("%s: and %d more problems", l.name, l.extra))
	}
	return out
}

// Err returns nil without problems, else an *Error listing them.
func (l *List) Err() error {
	if l.Len() == 0 {
		return nil
	}
	return &Error{Problems: l.All(), Total: l.Len()}
}

// Clip shortens a value quoted in a message to 80 bytes and makes it valid
// UTF-8, so a wholly wrong file gives readable, storable messages.
func Clip(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
