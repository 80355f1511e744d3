package selfeval

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"os2pulse/problems"
)

// evaluation writes a self-evaluation in the files' form, with the
// requirements given as id, category, level, state and text.
func evaluation(reqs ...[5]string) []byte {
	type kr struct {
		ID             string `json:"id"`
		Kategori       string `json:"kategori"`
		Krav           string `json:"krav"`
		Produktniveau  string `json:"produktniveau"`
		Retningslinjer string `json:"retningslinjer"`
		Efterlevet     string `json:"efterlevet"`
		Dokumentation  string `json:"dokumentation"`
	}
	var ks []kr
	for _, r := range reqs {
		ks = append(ks, kr{ID: r[0], Kategori: r[1], Produktniveau: r[2], Efterlevet: r[3], Krav: r[4],
			Retningslinjer: "Beskriv " + r[0], Dokumentation: "https://example.org/" + r[0]})
	}
	b, _ := json.MarshalIndent(map[string]any{
		"productName": "OS2Test", "filledBy": "styregruppe", "filledDate": "2026-06-24",
		"generatedAt": "2026-08-06T11:45:39.340Z", "krav": ks,
	}, "", "  ")
	return b
}

// realistic mirrors the shape of a published evaluation: 6 sandbox lines,
// 10 at level 1, 19 at level 2 (6 of them recommendations) and 8 at
// level 3.
func realistic() []byte {
	var reqs [][5]string
	add := func(id, cat, level, state, text string) { reqs = append(reqs, [5]string{id, cat, level, state, text}) }
	add("R1", "relevans", "sandkasse", "Ja", "Løsningen skaber lokal værdi")
	for i := 1; i <= 5; i++ {
		add(fmt.Sprintf("F%d", i), "formkrav", "sandkasse", "Ja", "Formkrav")
	}
	for _, id := range []string{"F6", "F7", "F10", "F11"} {
		add(id, "formkrav", "1", "Ja", "Formkrav")
	}
	add("S1", "strategisk", "1", "Ja", "Strategi")
	add("S2", "strategisk", "1", "Ja", "Strategi")
	for i := 1; i <= 4; i++ {
		add(fmt.Sprintf("G%d", i), "governance", "1", "Ja", "Governance")
	}
	add("R2", "relevans", "2", "Ja", "Accept")
	add("R3", "relevans", "2", "Ja", "Potentiale")
	for i, s := range []string{"Ja", "Ja", "Nej", "Ja", "Planlagt", "Ja", "Nej"} {
		add(fmt.Sprintf("F%d", 12+i), "formkrav", "2", s, "Formkrav")
	}
	add("F19", "formkrav", "2", "Ja", "Løsningen er leveret i et containerformat (anbefaling)")
	add("F20", "formkrav", "2", "Nej", "Uddannelsesmateriale er udarbejdet (Anbefaling)")
	add("S3", "strategisk", "2", "Ja", "Mission")
	add("S4", "strategisk", "2", "Nej", "Vision")
	add("G5", "governance", "2", "Ja", "Godkendt")
	add("G6", "governance", "2", "Ja", "Styregruppe")
	for i, s := range []string{"Ja", "Nej", "Ja", "Ja"} {
		add(fmt.Sprintf("G%d", 7+i), "governance", "2", s, "Anbefalet praksis (anbefaling)")
	}
	for _, id := range []string{"R4", "F21", "F22", "S5", "G11", "G12", "G13", "G14"} {
		add(id, "governance", "3", "Nej", "Niveau 3")
	}
	return evaluation(reqs...)
}

func TestParseEveryField(t *testing.T) {
	e, err := Parse("os2test-selvevaluering.json", realistic())
	if err != nil {
		t.Fatal(err)
	}
	if e.Product != "OS2Test" || e.FilledBy != "styregruppe" || e.Filled.String() != "2026-06-24" || e.GeneratedAt != "2026-08-06T11:45:39.340Z" {
		t.Errorf("head = %+v", e)
	}
	if len(e.Requirements) != 43 {
		t.Fatalf("%d requirements, want 43", len(e.Requirements))
	}
	want := Requirement{ID: "F19", Category: "formkrav", Text: "Løsningen er leveret i et containerformat (anbefaling)", Level: "2",
		Guidelines: "Beskriv F19", State: Met, Documentation: "https://example.org/F19", Recommendation: true}
	var got Requirement
	for _, r := range e.Requirements {
		if r.ID == "F19" {
			got = r
		}
	}
	if got != want {
		t.Errorf("F19 = %+v\nwant %+v", got, want)
	}
	if e.Requirements[0].Level != "sandbox" || e.Requirements[0].State != Met || e.Requirements[0].Recommendation {
		t.Errorf("R1 = %+v", e.Requirements[0])
	}
}

func TestSummaryAndMetLevel(t *testing.T) {
	e, err := Parse("x.json", realistic())
	if err != nil {
		t.Fatal(err)
	}
	want := []LevelSummary{
		{Level: "sandbox", Required: 6, Met: 6},
		{Level: "1", Required: 10, Met: 10},
		// 19 lines at level 2: 13 requirements (9 met, 1 planned, 3 not)
		// and 6 recommendations (4 followed).
		{Level: "2", Required: 13, Met: 9, Planned: 1, NotMet: 3, Recommendations: 6, RecommendationsMet: 4},
		{Level: "3", Required: 8, NotMet: 8},
	}
	if got := e.Summary(); !reflect.DeepEqual(got, want) {
		t.Errorf("Summary =\n%+v\nwant\n%+v", got, want)
	}
	if got := e.MetLevel(); got != "1" {
		t.Errorf("MetLevel = %q, want 1", got)
	}
	// A recommendation never decides the level; a planned requirement
	// does not count as met.
	tests := []struct {
		name string
		reqs [][5]string
		want string
	}{
		{"nothing met", [][5]string{{"R1", "relevans", "sandkasse", "Nej", "x"}}, ""},
		{"sandbox only", [][5]string{{"R1", "relevans", "sandkasse", "Ja", "x"}, {"F6", "formkrav", "1", "Planlagt", "x"}}, "sandbox"},
		{"recommendation not followed", [][5]string{{"R1", "relevans", "sandkasse", "Ja", "x"}, {"G7", "governance", "1", "Nej", "x (anbefaling)"}}, "3"},
		{"gap below", [][5]string{{"R1", "relevans", "sandkasse", "Nej", "x"}, {"R4", "relevans", "3", "Ja", "x"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse("x.json", evaluation(tt.reqs...))
			if err != nil {
				t.Fatal(err)
			}
			if got := e.MetLevel(); got != tt.want {
				t.Errorf("MetLevel = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"not json", `{"productName": `, []string{`e.json: not a self-evaluation (JSON object with productName, filledBy, filledDate and krav): unexpected EOF`}},
		{"not an object", `[1,2]`, []string{`e.json: not a self-evaluation (JSON object with productName, filledBy, filledDate and krav): json: cannot unmarshal array into Go value of type selfeval.file`}},
		{"missing head", `{"krav": []}`, []string{"e.json: productName: missing", "e.json: filledBy: missing", "e.json: filledDate: missing"}},
		{"bad fields", `{"productName": "P", "filledBy": "x", "filledDate": "24-06-2026", "krav": [
			{"id": "X1", "kategori": "andet", "krav": "k", "produktniveau": "4", "efterlevet": "Måske"},
			{"id": "R1", "kategori": "relevans", "krav": "", "produktniveau": "1", "efterlevet": "Ja"},
			{"id": "R1", "kategori": "relevans", "krav": "k", "produktniveau": "1"}]}`, []string{
			`e.json: filledDate: "24-06-2026" is not a date (YYYY-MM-DD)`,
			`e.json: krav[0].id: "X1" is not a requirement id such as R1, F12, S3 or G14`,
			`e.json: krav[0].kategori: "andet" is not one of relevans, formkrav, strategisk, governance`,
			`e.json: krav[0].produktniveau: "4" is not a level (sandkasse, 1, 2 or 3)`,
			`e.json: krav[0].efterlevet: "måske" is not Ja, Nej or Planlagt`,
			`e.json: krav[1].krav: empty`,
			`e.json: krav[2].id: R1 is already krav[1]`,
			`e.json: krav[2].efterlevet: missing`,
		}},
		{"no list", `{"productName": "P", "filledBy": "x", "filledDate": "2026-01-01"}`, []string{"e.json: krav: missing: the list of requirements"}},
		{"not utf-8", "{\"productName\": \"\xff\"}", []string{"e.json: not valid UTF-8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("e.json", []byte(tt.doc))
			if got := problems.Of(err); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(realistic())
	f.Add([]byte(`{"productName":"P","filledBy":"x","filledDate":"2026-01-01","krav":[{"id":"R1","kategori":"relevans","krav":"k","produktniveau":"sandkasse","efterlevet":"Ja"}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := Parse("f.json", data)
		if err != nil {
			ps := problems.Of(err)
			if len(ps) == 0 {
				t.Fatalf("error %v lists no problems", err)
			}
			for _, p := range ps {
				if !strings.HasPrefix(p, "f.json: ") {
					t.Fatalf("problem %q does not name the file", p)
				}
			}
			return
		}
		if e.Product == "" || e.Filled.IsZero() {
			t.Fatalf("accepted without product or date: %+v", e)
		}
		total := 0
		for _, s := range e.Summary() {
			if s.Met+s.Planned+s.NotMet != s.Required || s.RecommendationsMet > s.Recommendations {
				t.Fatalf("summary does not add up: %+v", s)
			}
			total += s.Required + s.Recommendations
		}
		if total != len(e.Requirements) {
			t.Fatalf("summary counts %d of %d requirements", total, len(e.Requirements))
		}
	})
}
