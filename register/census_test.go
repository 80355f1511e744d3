package register

import (
	"testing"

	"os2pulse/civil"
	"os2pulse/storage"
)

// TestOrganizationAdoptions: an organisation's records replace its own
// and no other's, checked by the register's rules, each problem with the
// record and field it is about.
func TestOrganizationAdoptions(t *testing.T) {
	cfg := registerTestConfig(t, t.TempDir(), "")
	r := func(org, product, status, since, until string) storage.AdoptionRecord {
		rec := storage.AdoptionRecord{OrganizationID: org, ProductID: product, Status: status, Since: civil.MustParse(since)}
		if until != "" {
			rec.Until = civil.MustParse(until)
		}
		return rec
	}
	// os2gone is no longer configured: its record stays, whatever the
	// answer.
	cur := Contents{Adoptions: []storage.AdoptionRecord{r("101", "os2forms", "production", "2020-01-01", ""), r("751", "os2forms", "production", "2020-01-01", ""),
		r("101", "os2gone", "production", "2019-01-01", "")}}
	tests := []struct {
		name    string
		recs    []storage.AdoptionRecord
		want    int    // records in the register
		problem string // "index/field" of the first problem
	}{
		{"confirmed", []storage.AdoptionRecord{r("101", "os2forms", "production", "2020-01-01", "")}, 3, ""},
		{"ended and added", []storage.AdoptionRecord{r("101", "os2forms", "production", "2020-01-01", "2026-06-30"), r("101", "os2faktor", "pilot", "2025-01-01", "")}, 4, ""},
		{"all removed", nil, 2, ""},
		{"a second period after the first", []storage.AdoptionRecord{r("101", "os2forms", "pilot", "2019-01-01", "2020-01-01"), r("101", "os2forms", "production", "2020-01-01", "")}, 4, ""},
		{"overlap", []storage.AdoptionRecord{r("101", "os2forms", "production", "2020-01-01", ""), r("101", "os2forms", "pilot", "2024-01-01", "")}, 0, "1/organization"},
		{"unknown product", []storage.AdoptionRecord{r("101", "os2evil", "production", "2020-01-01", "")}, 0, "0/product"},
		{"unknown status", []storage.AdoptionRecord{r("101", "os2forms", "live", "2020-01-01", "")}, 0, "0/status"},
		{"until before since", []storage.AdoptionRecord{r("101", "os2forms", "production", "2020-01-01", "2019-01-01")}, 0, "0/until"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg, probs := OrganizationAdoptions(cfg, cur, "101", tt.recs)
			got := ""
			if len(probs) > 0 {
				got = string(rune('0'+probs[0].Index)) + "/" + probs[0].Field
			}
			if got != tt.problem || len(reg.Adoptions) != tt.want {
				t.Errorf("problems %+v (first %q, want %q), %d records, want %d", probs, got, tt.problem, len(reg.Adoptions), tt.want)
			}
			kept := 0
			for _, rec := range reg.Adoptions {
				if rec.ProductID == "os2gone" {
					kept++
				}
				if rec.OrganizationID == "751" && (rec.ProductID != "os2forms" || rec.Since != civil.MustParse("2020-01-01")) {
					t.Errorf("another organisation's record changed: %+v", rec)
				}
			}
			if tt.problem == "" && kept != 1 {
				t.Errorf("the record of a product no longer configured: %d kept", kept)
			}
		})
	}
}

func TestParseDateAndStatus(t *testing.T) {
	for _, tt := range []struct {
		in, want string
	}{{"2026-06-30", "2026-06-30"}, {" 30-06-2026 ", "2026-06-30"}, {"30.6.2026", "2026-06-30"}, {"06/30/2026", ""}, {"2026-02-30", ""}, {"", ""}} {
		d, err := ParseDate("since", tt.in)
		if d.String() != tt.want || (err == nil) != (tt.want != "") {
			t.Errorf("ParseDate(%q) = %s, %v; want %q", tt.in, d, err, tt.want)
		}
	}
	for _, tt := range []struct{ in, want string }{{"production", "production"}, {"I drift", "production"}, {"ophørt", "stopped"}, {"live", ""}} {
		st, ok := ParseStatus(tt.in)
		if st != tt.want || ok != (tt.want != "") {
			t.Errorf("ParseStatus(%q) = %q, %v", tt.in, st, ok)
		}
	}
}
