package dashboard

import (
	"strings"
	"testing"

	"os2pulse/civil"
	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/table"
)

// Only http(s) addresses become links; anything else a file says is text.
func TestDocumentationCell(t *testing.T) {
	for _, tt := range []struct {
		doc  string
		want table.Cell
	}{
		{"https://github.com/OS2borgerPC/x", table.Link("https://github.com/OS2borgerPC/x", "https://github.com/OS2borgerPC/x")},
		{"http://os2.eu", table.Link("http://os2.eu", "http://os2.eu")},
		{"javascript:alert(1)", table.Text("javascript:alert(1)")},
		{"https://x.org/a b", table.Text("https://x.org/a b")},
		{"Se styregruppens referater", table.Text("Se styregruppens referater")},
		{"", table.Text("")},
	} {
		if got := documentationCell(tt.doc); got != tt.want {
			t.Errorf("documentationCell(%q) = %+v, want %+v", tt.doc, got, tt.want)
		}
	}
}

func TestDurationText(t *testing.T) {
	for _, tt := range []struct {
		secs   float64
		da, en string
	}{
		{90, "2 min.", "2 min"},
		{5 * 3600, "5,0 timer", "5.0 hours"},
		{3600 + 120, "1 time", "1 hour"},
		{3600 + 240, "1,1 timer", "1.1 hours"},
		{3 * 86400, "3,0 dage", "3.0 days"},
	} {
		if got := durationText(locale.DA, tt.secs); got != tt.da {
			t.Errorf("da %v = %q, want %q", tt.secs, got, tt.da)
		}
		if got := durationText(locale.EN, tt.secs); got != tt.en {
			t.Errorf("en %v = %q, want %q", tt.secs, got, tt.en)
		}
	}
}

// A health signal that is not known says why, and shows its value on
// the last date the data reach where there is one.
func TestHealthKeysUnknown(t *testing.T) {
	covered := civil.New(2025, 11, 18)
	last := figures.ProductHealth{Concentration: &figures.Concentration{WindowDays: 90, Persons: 2, Contributions: 40},
		Diversity: &figures.Diversity{WindowDays: 90, Organizations: 3, LargestName: "Aarhus", LargestShare: 0.5},
		Collected: true, Complete: true, CoveredUntil: covered}
	for _, tt := range []struct {
		name        string
		h           figures.ProductHealth
		last        *figures.ProductHealth
		lang        locale.Lang
		value, text string // the concentration's value, and its detail or note
	}{
		{"never collected", figures.ProductHealth{}, nil, locale.DA, "–", "ikke indsamlet"},
		{"never collected en", figures.ProductHealth{}, nil, locale.EN, "–", "not collected"},
		{"data end early", figures.ProductHealth{Collected: true, CoveredUntil: covered}, &last, locale.DA, "2",
			"personer står for halvdelen af 40 bidrag de seneste 90 dage, pr. 18. november 2025, den seneste dato med komplette data"},
		{"data end early en", figures.ProductHealth{Collected: true, CoveredUntil: covered}, &last, locale.EN, "2",
			"persons make half of the 40 contributions in the last 90 days, on 18 November 2025, the last date with complete data"},
		{"nothing complete on the last date", figures.ProductHealth{Collected: true, CoveredUntil: covered}, &figures.ProductHealth{}, locale.DA, "–",
			"data kun til og med 18. november 2025"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := &view{Lang: tt.lang}
			keys := healthKeys(v, tt.h, tt.last)
			k := keys[0]
			if k.Value != tt.value || !strings.Contains(k.Detail+" "+k.Incomplete, tt.text) {
				t.Errorf("concentration %q, %q / %q; want %q with %q", k.Value, k.Detail, k.Incomplete, tt.value, tt.text)
			}
			if tt.last != nil && tt.last.Diversity != nil && keys[1].Value != "3" {
				t.Errorf("diversity %q, want the last known 3", keys[1].Value)
			}
			for _, k := range keys[2:] { // GitHub's: collected, but not in h nor last
				if k.Value != "–" {
					t.Errorf("%s: %q, want –", k.Label, k.Value)
				}
			}
		})
	}
}
