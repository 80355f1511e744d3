package civil

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestParseAndString(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"2025-01-01", "2025-01-01", false},
		{"1970-01-01", "1970-01-01", false},
		{"0001-01-01", "0001-01-01", false},
		{"2024-02-29", "2024-02-29", false},
		{"2025-02-29", "", true},
		{"2025-1-01", "", true},
		{"01-01-2025", "", true},
		{"2025-01-01T00:00:00Z", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := Parse(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Parse(%q) error %v, want error %v", tt.in, err, tt.wantErr)
			}
			if err != nil {
				if !errors.Is(err, ErrSyntax) {
					t.Errorf("error %v does not wrap ErrSyntax", err)
				}
				return
			}
			if got := d.String(); got != tt.want {
				t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestArithmeticAndOrder(t *testing.T) {
	a, b := MustParse("2024-12-31"), MustParse("2025-03-01")
	if got := a.DaysUntil(b); got != 60 {
		t.Errorf("days from %s to %s = %d, want 60", a, b, got)
	}
	if !a.Before(b) || b.Before(a) || a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Error("ordering wrong")
	}
	if got := a.AddDays(1).String(); got != "2025-01-01" {
		t.Errorf("AddDays = %s", got)
	}
	if got := MustParse("2025-03-31").AddDate(0, 1, 0).String(); got != "2025-05-01" {
		t.Errorf("AddDate = %s", got)
	}
	if got := MustParse("2024-02-10").EndOfMonth().String(); got != "2024-02-29" {
		t.Errorf("EndOfMonth = %s", got)
	}
	y, m, d := MustParse("1969-12-31").Parts()
	if y != 1969 || m != time.December || d != 31 {
		t.Errorf("Parts before the Unix epoch = %d-%d-%d", y, m, d)
	}
	if Date(0).String() != "" || !Date(0).IsZero() {
		t.Error("zero Date must be empty")
	}
	if Date(0) >= MustParse("0001-01-01") {
		t.Error("zero Date must sort first")
	}
}

func TestWithin(t *testing.T) {
	since, until := MustParse("2025-01-01"), MustParse("2025-02-01")
	tests := []struct {
		day   string
		until Date
		want  bool
	}{
		{"2024-12-31", until, false},
		{"2025-01-01", until, true},
		{"2025-01-31", until, true},
		{"2025-02-01", until, false},
		{"2099-01-01", 0, true},
	}
	for _, tt := range tests {
		if got := MustParse(tt.day).Within(since, tt.until); got != tt.want {
			t.Errorf("%s within [%s, %s) = %v, want %v", tt.day, since, tt.until, got, tt.want)
		}
	}
}

func TestTodayIsDanish(t *testing.T) {
	tests := []struct {
		now  time.Time
		want string
	}{
		// 23:30 UTC on 31 December is 00:30 on 1 January in Copenhagen.
		{time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC), "2026-01-01"},
		// Summer time: 22:30 UTC is 00:30 the next day.
		{time.Date(2025, 6, 30, 22, 30, 0, 0, time.UTC), "2025-07-01"},
		{time.Date(2025, 6, 30, 21, 59, 0, 0, time.UTC), "2025-06-30"},
	}
	for _, tt := range tests {
		if got := Today(tt.now).String(); got != tt.want {
			t.Errorf("Today(%s) = %s, want %s", tt.now, got, tt.want)
		}
	}
	if got := UTCDay(time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC)).String(); got != "2025-12-31" {
		t.Errorf("UTCDay = %s", got)
	}
}

func TestTextJSONAndSQL(t *testing.T) {
	type rec struct {
		Since Date `json:"since"`
		Until Date `json:"until,omitzero"`
	}
	b, err := json.Marshal(rec{Since: MustParse("2025-05-01")})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"since":"2025-05-01"}` {
		t.Errorf("JSON = %s", b)
	}
	var r rec
	if err := json.Unmarshal([]byte(`{"since":"2025-05-01","until":""}`), &r); err != nil {
		t.Fatal(err)
	}
	if r.Since != MustParse("2025-05-01") || r.Until != 0 {
		t.Errorf("decoded %+v", r)
	}
	if err := json.Unmarshal([]byte(`{"since":"1. maj"}`), &r); err == nil {
		t.Error("bad date decoded without error")
	}
	var d Date
	for _, src := range []any{"2025-05-01", []byte("2025-05-01"), time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)} {
		if err := d.Scan(src); err != nil || d.String() != "2025-05-01" {
			t.Errorf("Scan(%T) = %s, %v", src, d, err)
		}
	}
	if err := d.Scan(""); err != nil || d != 0 {
		t.Errorf("Scan empty = %v, %v", d, err)
	}
	if err := d.Scan(42); err == nil {
		t.Error("Scan(int) succeeded")
	}
	if v, _ := Date(0).Value(); v != "" {
		t.Errorf("zero Value = %v", v)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"2025-01-01", "0000-00-00", "9999-12-31", "2025-02-29", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			return
		}
		if d.String() != s {
			t.Fatalf("Parse(%q).String() = %q", s, d.String())
		}
		if back, err := Parse(d.String()); err != nil || back != d {
			t.Fatalf("round trip of %q: %v, %v", s, back, err)
		}
	})
}
