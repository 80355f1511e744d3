package api

import (
	"encoding/csv"
	"strings"
	"testing"

	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// bom starts every CSV answer, so that Excel reads it as UTF-8.
const bom = "\uFEFF"

// TestCSVForSpreadsheets: every CSV answer starts with the byte-order
// mark, ?sep=semicolon separates by ";" with decimal commas for Danish
// Excel, a separator
// that does not exist is a 400 naming sep, and every answer names the
// data licence.
func TestCSVForSpreadsheets(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		srv := adoptionAPIServer(t, store)
		comma := apiGet(t, srv, "/api/v1/adoption.csv?date=2024-06-30")
		semi := apiGet(t, srv, "/api/v1/adoption.csv?date=2024-06-30&sep=semicolon")
		for _, w := range []string{comma.Body.String(), semi.Body.String()} {
			if !strings.HasPrefix(w, bom+"date") {
				t.Errorf("no byte-order mark: %.40q", w)
			}
		}
		read := func(body string, sep rune) [][]string {
			r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, bom)))
			r.Comma = sep
			rows, err := r.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
		// The same table; for Danish Excel with decimal commas.
		a, b := read(comma.Body.String(), ','), read(semi.Body.String(), ';')
		if len(a) != 3 || strings.Join(a[0], "|") != strings.Join(b[0], "|") ||
			strings.ReplaceAll(strings.Join(a[1], "|"), ".", ",") != strings.Join(b[1], "|") || b[1][9] != "0,0204" {
			t.Errorf("the two separators give different tables:\n%q\n%q", a, b)
		}
		if !strings.Contains(semi.Body.String(), "date;product;name;") {
			t.Errorf("sep=semicolon: %.80q", semi.Body.String())
		}
		for _, path := range []string{"/api/v1/adoption.csv?sep=tab", "/api/v1/members.csv?sep=%3B"} {
			w := apiGet(t, srv, path)
			if w.Code != 400 || !strings.Contains(w.Body.String(), `"parameter":"sep"`) {
				t.Errorf("%s: %d %s", path, w.Code, w.Body)
			}
		}
		for _, w := range []string{comma.Header().Get("Link"), apiGet(t, srv, "/api/v1/adoption").Header().Get("Link"), apiGet(t, srv, "/api/v1/nope").Header().Get("Link")} {
			if w != `<https://creativecommons.org/licenses/by/4.0/>; rel="license"; title*=UTF-8''CC%20BY%204.0` {
				t.Errorf("Link %q", w)
			}
		}
	})
}

func TestLicenseLink(t *testing.T) {
	if got, want := LicenseLink("Fri brug – OS2", ""), `</api#license>; rel="license"; title*=UTF-8''Fri%20brug%20%E2%80%93%20OS2`; got != want {
		t.Errorf("LicenseLink = %s, want %s", got, want)
	}
}
