package figures

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDiversityLargestShareJSON(t *testing.T) {
	cases := []struct {
		name string
		d    Diversity
		want string
	}{
		{"no organisation: unknown", Diversity{WindowDays: 365, Organizations: 0, Unattributed: 4}, `"largest_share":null`},
		{"one organisation: whole", Diversity{WindowDays: 365, Organizations: 1, Largest: "aarhus", LargestShare: 1, Attributed: 7}, `"largest_share":1`},
		{"two organisations", Diversity{WindowDays: 90, Organizations: 2, Largest: "kl", LargestShare: 0.75, Attributed: 8}, `"largest_share":0.75`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := json.Marshal(c.d)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), c.want) || strings.Count(string(b), "largest_share") != 1 {
				t.Errorf("%s: want %s once", b, c.want)
			}
		})
	}
}
