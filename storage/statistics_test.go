package storage

import "testing"

// TestStatisticsDue: the statistics are refreshed after the first
// analyzeAfter contributions and then whenever the tables have doubled,
// so an import of any size costs a handful of ANALYZEs.
func TestStatisticsDue(t *testing.T) {
	var st statistics
	steps := []struct {
		add  int
		want bool
	}{
		{analyzeAfter - 1, false},
		{1, true}, // 20,000 since the start
		{5_000, false},
		{14_999, false},
		{1, true}, // 20,000 more: doubled
		{39_999, false},
		{1, true}, // 40,000 more
		{80_000, true},
		{0, false},
	}
	for i, s := range steps {
		if got := st.grew(s.add); got != s.want {
			t.Fatalf("step %d (+%d): due %v, want %v (added %d, analyzed %d)", i, s.add, got, s.want, st.added, st.analyzed)
		}
	}
}
