package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"os2pulse/figures"
	"os2pulse/figures/figurestest"
	"os2pulse/storage/storagetest"
)

// TestAPIEvidence: /api/v1/governance/evidence answers every product's
// requirements, or one product's with ?product=; its CSV twin has a row
// per product and requirement; the draft is OS2's format.
func TestAPIEvidence(t *testing.T) {
	store := storagetest.New(t, "sqlite")
	f := figurestest.Portfolio(t, store)
	srv := New(Options{Config: f.Config, Figures: f.Figures, Now: func() time.Time { return figurestest.Now }})

	w := apiGet(t, srv, "/api/v1/governance/evidence?date=2026-11-23")
	var ev figures.Evidence
	if err := json.Unmarshal(w.Body.Bytes(), &ev); err != nil || w.Code != http.StatusOK {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if len(ev.Products) != len(f.Config.Products) || ev.Date.String() != "2026-11-23" {
		t.Fatalf("%d products on %s", len(ev.Products), ev.Date)
	}
	w = apiGet(t, srv, "/api/v1/governance/evidence?date=2026-11-23&product=os2forms")
	if err := json.Unmarshal(w.Body.Bytes(), &ev); err != nil || len(ev.Products) != 1 || ev.Products[0].Product != "os2forms" {
		t.Fatalf("?product=os2forms: %d %.300s", w.Code, w.Body)
	}
	verdicts := map[string]string{}
	for _, r := range ev.Products[0].Requirements {
		verdicts[r.ID] = r.Verdict
	}
	// Commits under OS2Forms in the year, four organisations run it; no
	// repository file checked.
	if verdicts["F1"] != figures.VerdictFound || verdicts["R3"] != figures.VerdictFound || verdicts["F2"] != figures.VerdictCannotTell {
		t.Errorf("os2forms verdicts %v", verdicts)
	}

	w = apiGet(t, srv, "/api/v1/governance/evidence.csv?date=2026-11-23&product=os2forms")
	lines := strings.Split(strings.TrimSuffix(w.Body.String(), "\n"), "\n")
	if w.Code != http.StatusOK || lines[0] != bom+"date,product,configured_level,evaluated,requirement,level,category,recommendation,answer,verdict,disagrees,evidence,links" ||
		len(lines) != 1+len(ev.Products[0].Requirements) {
		t.Fatalf("csv %d:\n%s", w.Code, w.Body)
	}
	if !strings.Contains(w.Body.String(), "2026-11-23,os2forms,") || !strings.Contains(w.Header().Get("Content-Disposition"), "os2pulse-governance-evidence-os2forms-2026-11-23.csv") {
		t.Errorf("csv rows or name: %q\n%s", w.Header().Get("Content-Disposition"), w.Body)
	}

	w = apiGet(t, srv, "/api/v1/governance/draft?date=2026-11-23&product=os2forms")
	var d figures.Draft
	if err := json.Unmarshal(w.Body.Bytes(), &d); err != nil || d.FilledBy != figures.DraftFilledBy || d.FilledDate != "2026-11-23" || len(d.Krav) == 0 {
		t.Fatalf("draft %d %.300s", w.Code, w.Body)
	}
	for _, bad := range []string{"/api/v1/governance/evidence?product=nope", "/api/v1/governance/draft", "/api/v1/governance/draft?product=nope"} {
		if w := apiGet(t, srv, bad); w.Code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, w.Code)
		}
	}
}
