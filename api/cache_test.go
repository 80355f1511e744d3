package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"

	"os2pulse/civil"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestAnswerCache checks that answers are kept per the versions of the
// domains an endpoint reads and the parameters it reads, sent in the coding asked for (each
// decoding to the plain answer), answered 304 from the cache, and
// recomputed after new data.
func TestAnswerCache(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		srv := adoptionAPIServer(t, store)
		get := func(path string, header ...string) *httptest.ResponseRecorder {
			t.Helper()
			req := httptest.NewRequest(http.MethodGet, path, nil)
			for i := 0; i+1 < len(header); i += 2 {
				req.Header.Set(header[i], header[i+1])
			}
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, req)
			return w
		}
		plain := get("/api/v1/adoption?date=2024-06-30")
		if plain.Code != http.StatusOK {
			t.Fatalf("status %d", plain.Code)
		}
		for _, path := range []string{"/api/v1/adoption?date=2024-06-30", "/api/v1/adoption?junk=1&date=2024-06-30&utm=x"} {
			if w := get(path); w.Body.String() != plain.Body.String() {
				t.Errorf("%s: another answer", path)
			}
		}
		if n := srv.answers.Len(); n != 1 {
			t.Errorf("%d answers cached for one, asked with parameters it ignores", n)
		}
		for _, coding := range []string{"gzip", "br"} {
			w := get("/api/v1/adoption?date=2024-06-30", "Accept-Encoding", coding)
			if w.Header().Get("Content-Encoding") != coding || !strings.Contains(w.Header().Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s: headers %v", coding, w.Header())
			}
			var r io.Reader = w.Body
			if coding == "gzip" {
				zr, err := gzip.NewReader(r)
				must(t, err)
				r = zr
			} else {
				r = brotli.NewReader(r)
			}
			got, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(got, plain.Body.Bytes()) {
				t.Errorf("%s decodes to another answer (%v)", coding, err)
			}
		}
		w := get("/api/v1/adoption?date=2024-06-30", "If-None-Match", plain.Header().Get("ETag"))
		if w.Code != http.StatusNotModified || w.Body.Len() != 0 {
			t.Errorf("revalidation: %d, %d bytes", w.Code, w.Body.Len())
		}
		// A bad parameter is a 400, not kept.
		if w := get("/api/v1/adoption?date=yesterday"); w.Code != http.StatusBadRequest || srv.answers.Len() != 1 {
			t.Errorf("bad date: %d, %d answers cached", w.Code, srv.answers.Len())
		}

		// A commit is no news to the register: its answer is kept.
		computed := 0
		srv.onCompute = func(string) { computed++ }
		must(t, store.UpsertRepository(context.Background(), storage.Repository{Forge: "github.com", Owner: "OS2Forms", Name: "os2forms"}, []string{"os2forms"}))
		_, err := store.AddContributions(context.Background(), []storage.Contribution{{RepositoryKey: storage.RepoKey("github.com", "OS2Forms", "os2forms"),
			Kind: storage.KindCommit, ExtID: "c1", At: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), Login: "erin"}})
		must(t, err)
		if w := get("/api/v1/adoption?date=2024-06-30", "If-None-Match", plain.Header().Get("ETag")); w.Code != http.StatusNotModified || computed != 0 {
			t.Errorf("after a commit: %d, computed %d times, want 304 from the kept answer", w.Code, computed)
		}

		_, err = store.ImportRegister(context.Background(), storage.Register{Source: "t2", SHA256: "t2",
			Members: []storage.Membership{{OrganizationID: "101", Since: civil.MustParse("2020-01-01")}},
			Adoptions: []storage.AdoptionRecord{
				{OrganizationID: "101", ProductID: "os2forms", Status: "production", Since: civil.MustParse("2020-01-01")},
			}})
		must(t, err)
		after := get("/api/v1/adoption?date=2024-06-30", "If-None-Match", plain.Header().Get("ETag"))
		if after.Code != http.StatusOK || after.Body.String() == plain.Body.String() || computed != 1 {
			t.Errorf("after a register import: %d, same answer %v, computed %d times", after.Code, after.Body.String() == plain.Body.String(), computed)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
