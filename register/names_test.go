package register

import (
	"reflect"
	"testing"

	"os2pulse/storage"
)

func TestResolveNames(t *testing.T) {
	n := newOrgNames([]storage.Organization{
		{ID: "kl", Name: "KL", Kind: storage.KindOther},
		{ID: "region-midtjylland", Name: "Region Midtjylland", Kind: storage.KindRegion},
		{ID: "751", Name: "ignored: municipalities are built in", Kind: storage.KindMunicipality},
	})
	tests := []struct {
		raw, id string
	}{
		{"751", "751"},
		{"0751", "751"},
		{"Aarhus", "751"},
		{"Aarhus Kommune", "751"},
		{"aarhus kommunes", "751"},
		{"  AARHUS   KOMMUNE ", "751"},
		{"København", "101"},
		{"Københavns Kommune", "101"},
		{"Lyngby-Taarbæk", "173"},
		{"Lyngby Taarbæk Kommune", "173"},
		{"Høje Taastrup", "169"},
		{"Frederiksberg Kommune", "147"},
		{"Frederikshavn", "813"},
		{"Frederikssund", "250"},
		{"Nordfyns Kommune", "480"},
		{"Vesthimmerlands Kommune", "820"},
		{"KL", "kl"},
		{"kl", "kl"},
		{"Region Midtjylland", "region-midtjylland"},
		{"REGION-MIDTJYLLAND", "region-midtjylland"},
	}
	// Every alias names the municipality it stands for.
	aliases := map[string]string{
		"århus": "751", "ålborg": "851", "åbenrå": "580", "fåborg midtfyn": "430", "lyngby tårbæk": "173",
		"københavns": "101", "copenhagen": "101", "frederiksbergs": "147", "bornholms": "400",
		"bornholms regionskommune": "400", "nordfyn": "480", "vesthimmerland": "820",
		"frederiksværk hundested": "260", "brønderslev dronninglund": "810",
	}
	if len(aliases) != len(nameAliases) {
		t.Fatalf("%d aliases tested, %d in the table", len(aliases), len(nameAliases))
	}
	for alias, id := range aliases {
		tests = append(tests, struct{ raw, id string }{alias, id})
	}
	for _, tt := range tests {
		id, msg := n.resolve(tt.raw)
		if id != tt.id || msg != "" {
			t.Errorf("resolve(%q) = %q, %q; want %q", tt.raw, id, msg, tt.id)
		}
	}
}

// TestResolveNeverGuesses: a name that is only close is an error with
// the closest names, never a match.
func TestResolveNeverGuesses(t *testing.T) {
	n := newOrgNames([]storage.Organization{{ID: "kl", Name: "KL", Kind: storage.KindOther}})
	tests := []struct{ raw, msg string }{
		{"Frederiks", `unknown organisation "Frederiks": not a kommunekode (101–860) and not defined in the members file; did you mean Frederiksberg, Frederikshavn or Frederikssund?`},
		{"Frederiks Kommune", `unknown organisation "Frederiks Kommune": not a kommunekode (101–860) and not defined in the members file; did you mean Frederiksberg, Frederikshavn or Frederikssund?`},
		{"Aarhuus", `unknown organisation "Aarhuus": not a kommunekode (101–860) and not defined in the members file; did you mean Aarhus?`},
		{"Kobenhavn", `unknown organisation "Kobenhavn": not a kommunekode (101–860) and not defined in the members file; did you mean København?`},
		{"region-x", `unknown organisation "region-x": not a kommunekode (101–860) and not defined in the members file`},
		{"102", `unknown municipality code "102"`},
		{"", `organization is empty`},
	}
	for _, tt := range tests {
		if id, msg := n.resolve(tt.raw); id != "" || msg != tt.msg {
			t.Errorf("resolve(%q) = %q, %q\nwant message %q", tt.raw, id, msg, tt.msg)
		}
	}
	// Two organisations with one name: neither is chosen.
	amb := newOrgNames([]storage.Organization{{ID: "a", Name: "Fælles IT", Kind: storage.KindOther}, {ID: "b", Name: "Fælles-IT", Kind: storage.KindOther}})
	if id, msg := amb.resolve("fælles it"); id != "" || msg == "" {
		t.Errorf("ambiguous name resolved to %q", id)
	}
}

func TestNormName(t *testing.T) {
	got := []string{normName(" Lyngby–Taarbæk  Kommune"), normName("Kommune"), normName("Århus Kommune"), normName("Ringkøbing-Skjern")}
	want := []string{"lyngby taarbæk", "kommune", "aarhus", "ringkøbing skjern"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("normName: %q, want %q", got, want)
	}
}

func TestDates(t *testing.T) {
	ok := map[string]string{
		"2020-01-31": "2020-01-31", "31-01-2020": "2020-01-31", "31.01.2020": "2020-01-31", "1.2.2020": "2020-02-01",
		"01-02-2020": "2020-02-01",
	}
	for in, want := range ok {
		d, err := parseDay("since", in, false, false)
		if err != nil || d.String() != want {
			t.Errorf("parseDay(%q) = %s, %v; want %s", in, d, err, want)
		}
	}
	// Excel serial numbers (1900 and 1904 systems) and ISO date cells,
	// only from a workbook.
	serials := []struct {
		in       string
		date1904 bool
		want     string
	}{{"43831", false, "2020-01-01"}, {"43831.75", false, "2020-01-01"}, {"42369", true, "2020-01-01"}, {"2020-01-01T00:00:00Z", false, "2020-01-01"}}
	for _, s := range serials {
		d, err := parseDay("since", s.in, true, s.date1904)
		if err != nil || d.String() != s.want {
			t.Errorf("parseDay(%q, 1904=%v) = %s, %v; want %s", s.in, s.date1904, d, err, s.want)
		}
	}
	for _, bad := range []string{"43831", "01/02/2020", "2/1/2020", "31-02-2020", "1-1-20", "2020-1-1", "+1-01-2020", "yesterday"} {
		if d, err := parseDay("since", bad, false, false); err == nil {
			t.Errorf("parseDay(%q) = %s, want an error", bad, d)
		}
	}
	if _, err := parseDay("since", "0", true, false); err == nil {
		t.Error("serial 0 accepted")
	}
}
