package dashboard

import (
	"regexp"
	"strings"
	"testing"

	"os2pulse/figures"
	"os2pulse/storage/storagetest"
)

// TestMapSVG: the maps come drawn, one path per municipality with its
// name and value as its title, coloured by its class, opening its page,
// and the map embed loads no ECharts.
func TestMapSVG(t *testing.T) {
	f := newPageFixture(t, storagetest.New(t, "sqlite"))
	ms, err := figures.Municipalities()
	if err != nil {
		t.Fatal(err)
	}
	path := regexp.MustCompile(`<path d="M[-0-9 lzM]+" fill="(#[0-9a-f]{6})" data-href="/organizations/(\d+)[^"]*"><title>([^<]+)</title></path>`)
	for _, c := range []struct {
		name, path string
		want       map[string][2]string // municipality → colour, title
	}{
		{"count map", "/embed/map", map[string][2]string{
			"101": {colorNavy, "København: 4 produkter i drift"},
			"751": {colorNavy, "Aarhus: 3 produkter i drift"},
			"461": {"#4f8fc9", "Odense: 1 produkt i drift"},
			"825": {colorNone, "Læsø: 0 produkter i drift"},
		}},
		{"product map", "/embed/product-map?product=os2borgerpc&lang=en", map[string][2]string{
			"751": {colorNone, "Aarhus: not in use"},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, body := f.get(t, c.path)
			if strings.Contains(body, `data-chart="`) {
				t.Error("the map embed starts ECharts")
			}
			got := map[string][2]string{}
			for _, m := range path.FindAllStringSubmatch(body, -1) {
				got[m[2]] = [2]string{m[1], m[3]}
			}
			if len(got) != len(ms) {
				t.Errorf("%d municipalities drawn, want %d", len(got), len(ms))
			}
			for _, m := range ms {
				if _, ok := got[m.ID]; !ok {
					t.Errorf("%s (%s) not drawn", m.Name, m.ID)
				}
			}
			for id, w := range c.want {
				if got[id] != w {
					t.Errorf("%s: %q, want %q", id, got[id], w)
				}
			}
		})
	}
}

func TestRingPath(t *testing.T) {
	at := func(p [2]float64) (int, int) { return int(p[0]), int(p[1]) }
	for _, c := range []struct {
		name string
		ring [][2]float64
		want string
	}{
		{"square", [][2]float64{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, "M0 0l10 0 0 10-10 0z"},
		{"points on one unit kept once", [][2]float64{{0, 0}, {0.4, 0.2}, {5, 0}, {5, 5}, {0, 0}}, "M0 0l5 0 0 5z"},
		{"collapsed", [][2]float64{{0, 0}, {0.5, 0.5}, {0.2, 0.9}, {0, 0}}, ""},
	} {
		if got := ringPath(c.ring, at); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}
