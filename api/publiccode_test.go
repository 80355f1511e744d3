package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/publiccode"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestAPIPublicCode: /api/v1/publiccode gives each repository's file on
// the date with its problems; /api/v1/publiccode.json the proposed file
// of every product as one array, in the standard's names; both with a
// CSV twin.
func TestAPIPublicCode(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		cfg, err := config.Parse("h.toml", []byte(`[[products]]
id = "os2display"
name = "OS2display"
governance_level = "2"
repos = ["os2display/*"]
description = { da = "Infoskærme til biblioteker, skoler og rådhuse", en = "Digital signage for libraries, schools and town halls" }
`), nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.SyncProducts(ctx, storage.ConfiguredProducts(cfg)); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"display-client", "display-admin"} {
			if err := store.UpsertRepository(ctx, storage.Repository{Key: storage.RepoKey("github.com", "os2display", name), Forge: "github.com",
				Owner: "os2display", Name: name, Status: "ok"}, []string{"os2display"}); err != nil {
				t.Fatal(err)
			}
		}
		client := storage.RepoKey("github.com", "os2display", "display-client")
		for _, h := range []storage.Hygiene{{RepositoryKey: client, Day: civil.MustParse("2026-03-01"), License: "MPL-2.0", PublicCode: true},
			{RepositoryKey: storage.RepoKey("github.com", "os2display", "display-admin"), Day: civil.MustParse("2026-03-01")}} {
			if err := store.PutHygiene(ctx, h); err != nil {
				t.Fatal(err)
			}
		}
		store.SetClock(func() time.Time { return time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC) })
		if _, err := store.PutPublicCode(ctx, storage.PublicCodeFile{RepositoryKey: client, BlobSHA: "1", Path: "publiccode.yml",
			Content: "publiccodeYmlVersion: \"0.4\"\nname: OS2display\n"}); err != nil {
			t.Fatal(err)
		}
		srv := New(Options{Config: cfg, Figures: figures.New(store.ReadOnly(), cfg),
			Now: func() time.Time { return time.Date(2026, 6, 30, 10, 0, 0, 0, time.UTC) }})

		w := apiGet(t, srv, "/api/v1/publiccode?date=2026-06-30")
		var p figures.PublicCodes
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || w.Code != http.StatusOK {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		rs := p.Products[0].Repositories
		if len(rs) != 2 || rs[0].Repository != "os2display/display-admin" || rs[0].State != figures.PublicCodeMissing ||
			rs[1].State != figures.PublicCodeProblems || !strings.HasPrefix(rs[1].Problems[0], "os2display/display-client/publiccode.yml:") {
			t.Errorf("publiccode = %s", w.Body)
		}
		w = apiGet(t, srv, "/api/v1/publiccode?date=2026-02-28")
		if !strings.Contains(w.Body.String(), `"state": "unknown"`) || strings.Contains(w.Body.String(), `"state": "missing"`) {
			t.Errorf("before the root was checked, unknown: %s", w.Body)
		}
		w = apiGet(t, srv, "/api/v1/publiccode.csv?date=2026-06-30")
		if !strings.Contains(w.Body.String(), "2026-06-30,os2display,os2display/display-admin,missing,0,,,0,,,\n") ||
			!strings.Contains(w.Body.String(), "2026-06-30,os2display,os2display/display-client,problems,") {
			t.Errorf("publiccode CSV:\n%s", w.Body)
		}

		w = apiGet(t, srv, "/api/v1/publiccode.json?date=2026-06-30")
		var docs []map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &docs); err != nil || w.Code != http.StatusOK || len(docs) != 1 {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		if docs[0]["publiccodeYmlVersion"] != publiccode.Version || docs[0]["name"] != "OS2display" ||
			docs[0]["url"] != "https://github.com/os2display/display-client" || docs[0]["legal"].(map[string]any)["repoOwner"] == nil {
			t.Errorf("proposals = %s", w.Body)
		}
		w = apiGet(t, srv, "/api/v1/publiccode.json.csv?date=2026-06-30")
		if !strings.HasPrefix(strings.TrimPrefix(w.Body.String(), "\ufeff"), "name,url,landing_url,") || !strings.Contains(w.Body.String(), "OS2display,https://github.com/os2display/display-client,") {
			t.Errorf("proposals CSV:\n%s", w.Body)
		}
	})
}
