package dashboard

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/publiccode"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestPublicCodePages: the product page shows each repository's
// publiccode.yml in words, its problems and the differences; the
// governance page counts them per product; /products/{id}/publiccode.yml
// is the proposed file, which the checker reads, and asking for it
// writes nothing.
func TestPublicCodePages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		f := newPageFixture(t, store)
		ctx := context.Background()
		key := storage.RepoKey("github.com", "OS2Forms", "os2forms")
		must(t, store.PutHygiene(ctx, storage.Hygiene{RepositoryKey: key, Day: civil.MustParse("2026-11-01"), License: "EUPL-1.2", PublicCode: true}))
		store.SetClock(func() time.Time { return time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC) })
		_, err := store.PutPublicCode(ctx, storage.PublicCodeFile{RepositoryKey: key, BlobSHA: "1", Path: "publiccode.yml",
			Content: "publiccodeYmlVersion: \"0.4\"\nname: OS2forms\nlegal:\n  license: MIT\n"})
		must(t, err)

		_, page := f.get(t, "/products/os2forms?lang=en")
		for _, want := range []string{
			`<h2 id="publiccode-h">publiccode.yml</h2>`,
			"2 repositories: 0 valid, 1 with problems, 0 missing, 1 unknown.",
			`<th scope="row">OS2Forms/os2forms</th><td>8 problems</td><td>1 November 2026</td>`, `<th scope="row">OS2Forms/gone</th><td>Unknown</td>`,
			"usedBy lists 0 organisations; the register has 5 in production.",
			"<h3>Problems in OS2Forms/os2forms</h3>",
			"<code>OS2Forms/os2forms/publiccode.yml:1: url is missing</code>",
			"The licence differs: the file says &#34;MIT&#34;, GitHub reports &#34;EUPL-1.2&#34;.",
			`href="/products/os2forms/publiccode.yml?lang=en"`,
		} {
			if !strings.Contains(page, want) {
				i := strings.Index(page, "publiccode-h")
				t.Errorf("product page lacks %q:\n%s", want, page[i:min(len(page), i+3000)])
			}
		}
		_, gov := f.get(t, "/governance")
		if !strings.Contains(gov, `<h2 id="publiccode-h">publiccode.yml</h2>`) || !strings.Contains(gov, `href="/api/v1/publiccode.csv?date=2026-11-23"`) {
			t.Error("governance page lacks the publiccode.yml table")
		}

		before, err := store.DataVersion(ctx)
		must(t, err)
		res, body := f.get(t, "/products/os2forms/publiccode.yml")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/yaml; charset=utf-8" ||
			!strings.HasPrefix(body, "# publiccode.yml for OS2forms, proposed by os2pulse on 2026-11-23") {
			t.Fatalf("%d %s\n%s", res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		f2, problems := publiccode.Read([]byte(body), "p.yml")
		if f2.Name != "OS2forms" || f2.License != "EUPL-1.2" || f2.URL != "https://github.com/OS2Forms/os2forms" {
			t.Errorf("proposal read back %+v (problems %q)", f2, problems)
		}
		if after, err := store.DataVersion(ctx); err != nil || after != before {
			t.Errorf("a GET of the proposal changed the data version %d → %d (%v)", before, after, err)
		}
		for path, status := range map[string]int{"/products/nope/publiccode.yml": 404, "/products/os2forms/publiccode.yml?date=2026-13-01": 400} {
			if res, _ := f.get(t, path); res.StatusCode != status {
				t.Errorf("GET %s: %d, want %d", path, res.StatusCode, status)
			}
		}
	})
}
