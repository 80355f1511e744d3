package admin

import (
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"os2pulse/register"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestUploadModes: a file that would end more than a tenth of the
// register is imported only with the number confirmed; the mode that
// adds and changes ends nothing.
func TestUploadModes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s.Driver())
		ctx := context.Background()
		c := f.client(t)
		f.login(t, c)
		ms, _ := storage.Municipalities()
		var recs []storage.AdoptionRecord
		for _, m := range ms[:20] {
			recs = append(recs, rec(m.ID, "os2forms", "production", "2020-01-01"))
		}
		if _, err := f.store.ImportRegister(ctx, storage.Register{Source: "start", Adoptions: recs}); err != nil {
			t.Fatal(err)
		}
		oneRow := register.File{Name: "en.csv", Data: []byte("organization,product,status,since,until,note\n" + ms[0].ID + ",os2forms,production,2020-01-01,,\n630,os2forms,pilot,2026-01-01,,\n")}
		uploadIn := func(mode string) answer {
			t.Helper()
			f.tick()
			return uploadWithMode(t, c, f.srv.URL+"/admin/upload", mode, oneRow)
		}
		count := func() int {
			cur, err := f.store.Adoptions(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			return len(cur)
		}

		// The whole register: 19 of 20 rows would end.
		prev := uploadIn(modeReplace)
		m := uploadID.FindStringSubmatch(prev.body)
		if prev.StatusCode != http.StatusOK || m == nil || !strings.Contains(prev.body, "filen afslutter 19 af registrets 20 rækker") ||
			!strings.Contains(prev.body, `name="confirm_ended" value="19" required`) {
			t.Fatalf("preview: %s\n%s", prev.Status, prev.body)
		}
		for _, confirm := range []string{"", "18", "ja"} {
			r := post(t, c, f.srv.URL+"/admin/import", url.Values{"upload": {m[1]}, "confirm_ended": {confirm}}, nil)
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Filen afslutter 19 rækker") || count() != 20 {
				t.Errorf("import confirming %q: %s, %d records", confirm, r.Status, count())
			}
		}
		if r := post(t, c, f.srv.URL+"/admin/import", url.Values{"upload": {m[1]}, "confirm_ended": {"19"}}, nil); r.StatusCode != http.StatusOK || count() != 2 {
			t.Errorf("import confirming 19: %s, %d records", r.Status, count())
		}

		// Additions and corrections: the same file ends nothing.
		f.tick()
		if _, err := f.store.ImportRegister(ctx, storage.Register{Source: "start again", Adoptions: recs}); err != nil {
			t.Fatal(err)
		}
		prev = uploadIn(modeAdd)
		m = uploadID.FindStringSubmatch(prev.body)
		if prev.StatusCode != http.StatusOK || m == nil || !strings.Contains(prev.body, "bliver 1 række tilføjet, 0 ændret og 0 afsluttet") ||
			strings.Contains(prev.body, "confirm_ended") || !strings.Contains(prev.body, `id="preview-mode"`) {
			t.Fatalf("preview in mode add: %s\n%s", prev.Status, prev.body)
		}
		if r := post(t, c, f.srv.URL+"/admin/import", url.Values{"upload": {m[1]}}, nil); r.StatusCode != http.StatusOK || count() != 21 {
			t.Errorf("import in mode add: %s, %d records", r.Status, count())
		}
	})
}

// uploadWithMode posts a file with the form's mode.
func uploadWithMode(t *testing.T, c *http.Client, u, mode string, file register.File) answer {
	t.Helper()
	var body strings.Builder
	mw := newMultipart(&body)
	mw.WriteField("mode", mode)
	w, _ := mw.CreateFormFile("register", file.Name)
	w.Write(file.Data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body.String()))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return do(t, c, req)
}

func newMultipart(w io.Writer) *multipart.Writer { return multipart.NewWriter(w) }
