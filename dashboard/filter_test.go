package dashboard

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"os2pulse/storage/storagetest"
)

var filterRow = regexp.MustCompile(`(?s)<tr data-search="[^"]*"[^>]*?( hidden)?>\s*<th scope="row">\s*<a href="/(?:products|organizations)/([^"?]+)`)

// shownRows are the ids of the rows a filterable page shows, in order.
func shownRows(body string) []string {
	var out []string
	for _, m := range filterRow.FindAllStringSubmatch(body, -1) {
		if m[1] == "" {
			out = append(out, m[2])
		}
	}
	return out
}

// TestFiltersWithoutJavaScript: the catalogue and the lookup filter and
// sort on the server, from the query the form and the headings send, so
// that both work without JavaScript, and a shared link shows the same.
func TestFiltersWithoutJavaScript(t *testing.T) {
	f := newPageFixture(t, storagetest.New(t, "sqlite"))
	tests := []struct {
		path  string
		want  []string // the first rows shown, in order
		all   bool     // want is every row shown
		count string
	}{
		{"/products?q=os2b", []string{"os2borgerpc"}, true, "Viser 1 af 13 produkter"},
		{"/products?q=SELVBETJENING", []string{"os2forms"}, true, "Viser 1 af 13 produkter"},
		// Level 3 by organisations in production, most first, then by name.
		{"/products?level=3&sort=adopters", []string{"os2forms", "os2mo", "os2faktor", "os2kitos", "os2rollekatalog"}, true, "Viser 5 af 13 produkter"},
		{"/products?q=nothing-like-this", nil, true, "Viser 0 af 13 produkter"},
		{"/products?sort=nope", []string{"os2autoproces", "os2borgerpc"}, false, "Viser 13 af 13 produkter"},
		{"/organizations?q=751", []string{"751"}, true, "Viser 1 af 101"},
		{"/organizations?q=os2borgerpc&member=no", []string{"250"}, true, "Viser 1 af 101"},
		{"/organizations?kind=region", []string{"region-h"}, true, "Viser 1 af 101"},
		{"/organizations?sort=code", []string{"101", "147", "151"}, false, "Viser 101 af 101"},
		{"/organizations?sort=products", []string{"101", "xss", "751"}, false, "Viser 101 af 101"},
	}
	for _, tt := range tests {
		res, body := f.get(t, tt.path)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", tt.path, res.StatusCode)
		}
		got := shownRows(body)
		if !tt.all && len(got) > len(tt.want) {
			got = got[:len(tt.want)]
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s shows %q, want %q", tt.path, got, tt.want)
		}
		if !strings.Contains(visibleText(body), tt.count) {
			t.Errorf("%s does not say %q", tt.path, tt.count)
		}
		if (len(got) == 0) == strings.Contains(body, `<tr class="none" hidden>`) {
			t.Errorf("%s: the row that says nothing matches is wrong", tt.path)
		}
	}
	// The headings' links keep the filter.
	_, body := f.get(t, "/products?q=os2&level=3&lang=en")
	if !strings.Contains(body, `href="/products?lang=en&amp;level=3&amp;q=os2&amp;sort=share"`) {
		t.Error("the sort links drop the filter")
	}
}
