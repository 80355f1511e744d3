package figures

import (
	"encoding/json"
	"testing"
)

// TestKnownJSON: a known figure is its value, an unknown one null, both
// ways; a zero value is unknown, never 0.
func TestKnownJSON(t *testing.T) {
	tests := []struct {
		name string
		k    Known[int]
		json string
	}{
		{"known", Know(7), "7"},
		{"known zero", Know(0), "0"},
		{"unknown", Known[int]{}, "null"},
		{"unknown by KnownIf", KnownIf(7, false), "null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.k)
			if err != nil || string(b) != tt.json {
				t.Fatalf("Marshal = %s, %v; want %s", b, err, tt.json)
			}
			var back Known[int]
			if err := json.Unmarshal(b, &back); err != nil || back != tt.k {
				t.Fatalf("Unmarshal(%s) = %+v, %v; want %+v", b, back, err, tt.k)
			}
		})
	}
	var f Known[float64]
	if err := json.Unmarshal([]byte(`"7"`), &f); err == nil {
		t.Error("a string read as a figure")
	}
	if s := (Known[int]{}).String(); s != "–" {
		t.Errorf("unknown prints %q, want –", s)
	}
}

// count is a figure for comparing in tests: -1 when not known.
func count(k Known[int]) int {
	if n, ok := k.Get(); ok {
		return n
	}
	return -1
}

// affs is a split for comparing in tests: the zero split when not known.
func affs(a *Affiliations) Affiliations {
	if a == nil {
		return Affiliations{Member: -1, Supplier: -1, Unknown: -1}
	}
	return *a
}
