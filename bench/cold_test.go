package main

import "testing"

// TestColdDates: every sample of every figure asks for a date of its own,
// and every figure's samples span the same dates, within a day per figure.
func TestColdDates(t *testing.T) {
	const runs = 100
	n := len(figureRequests)
	seen := map[string]bool{}
	for j := range n {
		first, last := coldDate(0, j, n), coldDate(runs-1, j, n)
		if want := coldDate(0, 0, n); first > want || first < coldDate(0, n-1, n) {
			t.Errorf("figure %d starts on %s, the first figure on %s", j, first, want)
		}
		if last < coldDate(runs-1, n-1, n) || last > coldDate(runs-1, 0, n) {
			t.Errorf("figure %d ends on %s", j, last)
		}
		for i := range runs {
			d := coldDate(i, j, n)
			if seen[d] {
				t.Fatalf("sample %d of figure %d asks for %s again", i, j, d)
			}
			seen[d] = true
		}
	}
}

func TestP99Rank(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{
		{5, "which of fewer than 100 samples is the slowest"},
		{99, "which of fewer than 100 samples is the slowest"},
		{100, "of 100 samples the slowest but 1"},
		{300, "of 300 samples the slowest but 3"},
	} {
		if got := p99Rank(tt.n); got != tt.want {
			t.Errorf("p99Rank(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
