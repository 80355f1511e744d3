package figures

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Known is a figure that may not be known: its data do not reach its
// date, or its source has not been collected. The zero value is unknown,
// and the value can only be read together with whether there is one
// (Get), so an unknown figure cannot be shown as 0 by accident, as
// sql.NullInt64 keeps NULL apart from 0. JSON carries it as the value or
// null.
type Known[T int | float64] struct {
	v  T
	ok bool
}

// Know returns v as a known figure.
func Know[T int | float64](v T) Known[T] { return Known[T]{v: v, ok: true} }

// KnownIf returns v as a known figure when ok, else an unknown one.
func KnownIf[T int | float64](v T, ok bool) Known[T] {
	if !ok {
		return Known[T]{}
	}
	return Know(v)
}

// Get returns the value and whether it is known.
func (k Known[T]) Get() (T, bool) { return k.v, k.ok }

// OK reports whether the value is known.
func (k Known[T]) OK() bool { return k.ok }

// MarshalJSON writes the value, or null when it is not known.
func (k Known[T]) MarshalJSON() ([]byte, error) {
	if !k.ok {
		return []byte("null"), nil
	}
	return json.Marshal(k.v)
}

// UnmarshalJSON reads a value, or null as unknown.
func (k *Known[T]) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*k = Known[T]{}
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("figures: reading a figure: %w", err)
	}
	*k = Know(v)
	return nil
}

// String writes the value, or "–" when it is not known: what a page shows
// if a template prints the figure as it is.
func (k Known[T]) String() string {
	if !k.ok {
		return "–"
	}
	return fmt.Sprint(k.v)
}
