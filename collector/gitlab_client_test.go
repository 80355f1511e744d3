package collector

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func glResponse(t testing.TB, link, nextPage string) *http.Response {
	req, err := http.NewRequest(http.MethodGet, "https://git.magenta.dk/api/v4/projects/12/issues?per_page=100&page=2", nil)
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	if link != "" {
		h.Set("Link", link)
	}
	if nextPage != "" {
		h.Set("X-Next-Page", nextPage)
	}
	return &http.Response{StatusCode: http.StatusOK, Header: h, Request: req}
}

func TestGitLabNextPage(t *testing.T) {
	base, _ := url.Parse("https://git.magenta.dk/api/v4/")
	c := &glClient{base: base}
	tests := []struct {
		name, link, nextPage, want string
	}{
		{"offset", `<https://git.magenta.dk/api/v4/projects/12/issues?page=1&per_page=100>; rel="prev", <https://git.magenta.dk/api/v4/projects/12/issues?page=3&per_page=100>; rel="next", <https://git.magenta.dk/api/v4/projects/12/issues?page=9&per_page=100>; rel="last"`,
			"3", "https://git.magenta.dk/api/v4/projects/12/issues?page=3&per_page=100"},
		{"keyset", `<https://git.magenta.dk/api/v4/groups/7/projects?id_after=42&order_by=id&pagination=keyset&per_page=100&sort=asc>; rel="next"`,
			"", "https://git.magenta.dk/api/v4/groups/7/projects?id_after=42&order_by=id&pagination=keyset&per_page=100&sort=asc"},
		{"relative", `</api/v4/projects/12/issues?page=3>; rel="next"`, "", "https://git.magenta.dk/api/v4/projects/12/issues?page=3"},
		{"last page", `<https://git.magenta.dk/api/v4/projects/12/issues?page=1>; rel="first"`, "", ""},
		{"another host", `<https://evil.example/api/v4/projects/12/issues?page=3>; rel="next"`, "3", ""},
		{"X-Next-Page only", "", "3", "https://git.magenta.dk/api/v4/projects/12/issues?page=3&per_page=100"},
		{"X-Next-Page empty", "", "", ""},
		{"garbage", `rel="next"`, "x", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.nextPage(glResponse(t, tt.link, tt.nextPage)); got != tt.want {
				t.Errorf("next page %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzGitLabNextPage: whatever the headers say, the next page is on the
// API host or there is none, so the token never leaves it.
func FuzzGitLabNextPage(f *testing.F) {
	f.Add(`<https://git.magenta.dk/api/v4/x?page=2>; rel="next"`, "2")
	f.Add(`<//evil.example/x>; rel="next"`, "")
	f.Add(`<https://git.magenta.dk@evil.example/x>; rel="next"`, "-1")
	base, _ := url.Parse("https://git.magenta.dk/api/v4/")
	c := &glClient{base: base}
	f.Fuzz(func(t *testing.T, link, nextPage string) {
		if strings.ContainsAny(link+nextPage, "\r\n\x00") {
			return
		}
		next := c.nextPage(glResponse(t, link, nextPage))
		if next == "" {
			return
		}
		u, err := url.Parse(next)
		if err != nil || !strings.EqualFold(u.Host, "git.magenta.dk") {
			t.Errorf("next page %q leaves the API host", next)
		}
	})
}

func TestGitLabLicense(t *testing.T) {
	for key, want := range map[string]string{"mpl-2.0": "MPL-2.0", "Apache-2.0": "Apache-2.0", "eupl-1.2": "EUPL-1.2",
		"other": "", "": "", "wtfpl": "WTFPL"} {
		if got := glLicense(key); got != want {
			t.Errorf("glLicense(%q) = %q, want %q", key, got, want)
		}
	}
}
