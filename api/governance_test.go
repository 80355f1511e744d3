package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestAPIGovernanceLevels: /api/v1/adoption gives each product's level on
// the asked date, and /api/v1/series/governance counts the products by
// level over time; "today" is the date in Denmark.
func TestAPIGovernanceLevels(t *testing.T) {
	store := storagetest.New(t, "sqlite")
	cfg, err := config.Parse("levels.toml", []byte(`
[[products]]
id = "os2iot"
name = "OS2iot"
levels = [{ level = "sandbox", since = 2021-03-01 }, { level = "1", since = 2023-06-15 }]
[[products]]
id = "os2forms"
name = "OS2forms"
governance_level = "3"
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SyncProducts(context.Background(), storage.ConfiguredProducts(cfg)); err != nil {
		t.Fatal(err)
	}
	// A register read, with no one in it: adoption is known to be none.
	if _, err := store.ImportRegister(context.Background(), storage.Register{Source: "t", SHA256: "t"}); err != nil {
		t.Fatal(err)
	}
	// 22:30 UTC on 30 June is 1 July in Denmark: 1 July is today, not the
	// future.
	srv := New(Options{Config: cfg, Figures: figures.New(store.ReadOnly(), cfg),
		Now: func() time.Time { return time.Date(2024, 6, 30, 22, 30, 0, 0, time.UTC) }})

	for date, want := range map[string]string{"2021-02-28": "", "2021-03-01": "sandbox", "2023-06-14": "sandbox", "2024-07-01": "1"} {
		w := apiGet(t, srv, "/api/v1/adoption?date="+date)
		var a figures.Adoption
		if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil || w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", date, w.Code, w.Body)
		}
		if a.Products[0].GovernanceLevel != want || a.Products[1].GovernanceLevel != "3" {
			t.Errorf("on %s: levels %q, %q; want %q, 3", date, a.Products[0].GovernanceLevel, a.Products[1].GovernanceLevel, want)
		}
	}
	if w := apiGet(t, srv, "/api/v1/adoption?date=2024-07-02"); w.Code != http.StatusBadRequest {
		t.Errorf("2 July, tomorrow in Denmark: %d, want 400", w.Code)
	}

	w := apiGet(t, srv, "/api/v1/series/governance.csv?from=2023-04-01&to=2023-07-31")
	want := bom + "date,level_sandbox,level_1,level_2,level_3\n" +
		"2023-04-30,1,0,0,1\n2023-05-31,1,0,0,1\n2023-06-30,0,1,0,1\n2023-07-31,0,1,0,1\n"
	if w.Code != http.StatusOK || w.Body.String() != want {
		t.Errorf("governance series: %d\n%s\nwant\n%s", w.Code, w.Body, want)
	}
	if !strings.Contains(w.Header().Get("Content-Disposition"), "governance-series.csv") {
		t.Errorf("Content-Disposition %q", w.Header().Get("Content-Disposition"))
	}
}
