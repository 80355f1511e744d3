package selfeval

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
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
	got, met := Summarise(e.Requirements)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Summarise =\n%+v\nwant\n%+v", got, want)
	}
	if met != "1" {
		t.Errorf("met level = %q, want 1", met)
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
		{"don't know is not met", [][5]string{{"R1", "relevans", "sandkasse", "Ja", "x"}, {"F6", "formkrav", "1", "Ved ikke", "x"}}, "sandbox"},
		{"unanswered is not met", [][5]string{{"R1", "relevans", "sandkasse", "Ja", "x"}, {"F6", "formkrav", "1", "", "x"}}, "sandbox"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse("x.json", evaluation(tt.reqs...))
			if err != nil {
				t.Fatal(err)
			}
			if _, got := Summarise(e.Requirements); got != tt.want {
				t.Errorf("met level = %q, want %q", got, tt.want)
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
			`e.json: krav[0].efterlevet: "måske" is not Ja, Nej, Planlagt, Ved ikke or empty (not answered)`,
			`e.json: krav[1].krav: empty`,
			`e.json: krav[2].id: R1 is already krav[1]`,
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
		levels, _ := Summarise(e.Requirements)
		for _, s := range levels {
			if s.Met+s.Planned+s.NotMet+s.Unknown+s.Unanswered != s.Required || s.RecommendationsMet > s.Recommendations {
				t.Fatalf("summary does not add up: %+v", s)
			}
			total += s.Required + s.Recommendations
		}
		if total != len(e.Requirements) {
			t.Fatalf("summary counts %d of %d requirements", total, len(e.Requirements))
		}
	})
}

// The example portfolio's evaluations are in the exact form OS2's form
// writes: one line, the real 43 ids, null for not answered, "Ved ikke"
// for don't know, generatedAt with milliseconds.
func TestExampleEvaluations(t *testing.T) {
	for _, tc := range []struct {
		file   string
		filled string
		want   []LevelSummary
		met    string
	}{
		{"os2kitos-selvevaluering-20250915T081412Z.json", "2025-09-15", []LevelSummary{
			{Level: "sandbox", Required: 6, Met: 5, Unknown: 1},
			{Level: "1", Required: 10, Met: 8, NotMet: 1, Unanswered: 1},
			{Level: "2", Required: 13, Met: 4, Planned: 1, Unknown: 1, Unanswered: 7, Recommendations: 6},
			{Level: "3", Required: 8, Unanswered: 8},
		}, ""},
		{"os2kitos-selvevaluering-20260512T134210Z.json", "2026-05-12", []LevelSummary{
			{Level: "sandbox", Required: 6, Met: 6},
			{Level: "1", Required: 10, Met: 10},
			{Level: "2", Required: 13, Met: 9, Planned: 1, NotMet: 1, Unknown: 1, Unanswered: 1, Recommendations: 6, RecommendationsMet: 2},
			{Level: "3", Required: 8, NotMet: 2, Unknown: 1, Unanswered: 5},
		}, "1"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "config", "example", "selvevalueringer", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Count(bytes.TrimSpace(data), []byte("\n")) != 0 || !bytes.Contains(data, []byte(`"efterlevet":null`)) ||
				!bytes.Contains(data, []byte(`"efterlevet":"Ved ikke"`)) {
				t.Fatal("the example is not in the form's shape (one line, null and Ved ikke)")
			}
			e, err := Parse(tc.file, data)
			if err != nil {
				t.Fatal(err)
			}
			if len(e.Requirements) != 43 || e.Filled.String() != tc.filled || e.Product != "OS2kitos" || len(e.Warnings) != 0 {
				t.Fatalf("read %d requirements of %s filled %s, warnings %q", len(e.Requirements), e.Product, e.Filled, e.Warnings)
			}
			levels, met := Summarise(e.Requirements)
			if !reflect.DeepEqual(levels, tc.want) || met != tc.met {
				t.Errorf("Summarise =\n%+v %q\nwant\n%+v %q", levels, met, tc.want, tc.met)
			}
		})
	}
}

// line is one requirement in the form's own JSON, efterlevet as given
// (raw JSON: null, "Ja", or "" to leave the field out).
func formFile(head string, lines ...string) []byte {
	if head == "" {
		head = `"productName":"OS2kitos","filledBy":"Styregruppen","filledDate":"2026-05-12","generatedAt":"2026-05-12T13:42:10.031Z"`
	}
	return []byte("{" + head + `,"krav":[` + strings.Join(lines, ",") + "]}")
}

func line(id, level, efterlevet string) string {
	s := `{"id":"` + id + `","kategori":"formkrav","krav":"Krav ` + id + `","produktniveau":"` + level + `","retningslinjer":"","dokumentation":""`
	if efterlevet != "" {
		s += `,"efterlevet":` + efterlevet
	}
	return s + "}"
}

func TestStates(t *testing.T) {
	for _, tc := range []struct {
		efterlevet string
		want       string
	}{
		{`"Ja"`, Met},
		{`"Nej"`, NotMet},
		{`"Planlagt"`, Planned},
		{`"Ved ikke"`, Unknown},
		{`"ved  IKKE"`, Unknown},
		{`null`, Unanswered},
		{`""`, Unanswered},
		{``, Unanswered}, // no efterlevet at all
	} {
		t.Run(tc.efterlevet, func(t *testing.T) {
			e, err := Parse("e.json", formFile("", line("F6", "1", tc.efterlevet)))
			if err != nil {
				t.Fatal(err)
			}
			if got := e.Requirements[0].State; got != tc.want {
				t.Errorf("state = %q, want %q", got, tc.want)
			}
			levels, _ := Summarise(e.Requirements)
			l := levels[1]
			counts := map[string]int{Met: l.Met, NotMet: l.NotMet, Planned: l.Planned, Unknown: l.Unknown, Unanswered: l.Unanswered}
			for _, s := range States {
				want := 0
				if s == tc.want {
					want = 1
				}
				if counts[s] != want {
					t.Errorf("level 1 counts %d %s, want %d", counts[s], s, want)
				}
			}
		})
	}
}

// realIDs is the id set of OS2's form: R1–R4, F1–F7, F10–F22, S1–S5,
// G1–G14.
func realIDs() []string {
	var ids []string
	add := func(p string, from, to int) {
		for i := from; i <= to; i++ {
			ids = append(ids, fmt.Sprintf("%s%d", p, i))
		}
	}
	add("R", 1, 4)
	add("F", 1, 7)
	add("F", 10, 22)
	add("S", 1, 5)
	add("G", 1, 14)
	return ids
}

func TestCountsAndIDs(t *testing.T) {
	lines := func(ids []string) []string {
		var out []string
		for _, id := range ids {
			out = append(out, line(id, "2", `null`))
		}
		return out
	}
	ids := realIDs()
	if len(ids) != 43 {
		t.Fatalf("%d ids", len(ids))
	}
	for _, tc := range []struct {
		name string
		ids  []string
		want []string // problems
	}{
		{"the real 43", ids, nil},
		{"one later id", append(append([]string(nil), ids...), "F23"), nil},
		{"one fewer", ids[:42], nil},
		{"F8 and F9 of the same form", append(append([]string(nil), ids...), "F8", "F9"), nil},
		{"duplicate", append(append([]string(nil), ids...), "G3"), []string{"e.json: krav[43].id: G3 is already krav[31]"}},
		{"another form", append(append([]string(nil), ids...), "K1"), []string{`e.json: krav[43].id: "K1" is not a requirement id such as R1, F12, S3 or G14`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Parse("e.json", formFile("", lines(tc.ids)...))
			if got := problems.Of(err); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("problems %q, want %q", got, tc.want)
			}
			if err == nil && len(e.Requirements) != len(tc.ids) {
				t.Errorf("%d requirements, want %d", len(e.Requirements), len(tc.ids))
			}
		})
	}
}

func TestHead(t *testing.T) {
	ok := line("R1", "sandkasse", `"Ja"`)
	for _, tc := range []struct {
		name, head string
		want       []string
		warnings   []string
	}{
		{"milliseconds", `"productName":"P","filledBy":"x","filledDate":"2026-05-01","generatedAt":"2026-05-01T20:26:06.858Z"`, nil, nil},
		{"no productName", `"filledBy":"x","filledDate":"2026-05-01"`, []string{"e.json: productName: missing"}, nil},
		{"filledDate with time", `"productName":"P","filledBy":"x","filledDate":"2026-05-01T20:26:06Z"`,
			[]string{`e.json: filledDate: "2026-05-01T20:26:06Z" is not a date (YYYY-MM-DD)`}, nil},
		{"extra fields", `"productName":"P","filledBy":"x","filledDate":"2026-05-01","formVersion":"2","kommune":"Aarhus"`, nil,
			[]string{"e.json: ignored the fields this version does not know: formVersion, kommune"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Parse("e.json", formFile(tc.head, ok))
			if got := problems.Of(err); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("problems %q, want %q", got, tc.want)
			}
			if !reflect.DeepEqual(e.Warnings, tc.warnings) {
				t.Errorf("warnings %q, want %q", e.Warnings, tc.warnings)
			}
		})
	}
	// Extra fields in the requirements are named once, not once a line.
	var lines []string
	for _, id := range realIDs() {
		lines = append(lines, strings.Replace(line(id, "1", `"Ja"`), `"id"`, `"kommentar":"","id"`, 1))
	}
	e, err := Parse("e.json", formFile("", lines...))
	if err != nil || !reflect.DeepEqual(e.Warnings, []string{"e.json: ignored the fields this version does not know: krav[].kommentar"}) {
		t.Errorf("warnings %q, error %v", e.Warnings, err)
	}
	// An unknown produktniveau refuses the file.
	_, err = Parse("e.json", formFile("", line("R1", "4", `"Ja"`)))
	if got := problems.Of(err); !reflect.DeepEqual(got, []string{`e.json: krav[0].produktniveau: "4" is not a level (sandkasse, 1, 2 or 3)`}) {
		t.Errorf("unknown level: %q", got)
	}
}

// A wholly wrong file lists ten problems and counts the rest.
func TestAtMostTenProblems(t *testing.T) {
	var lines []string
	for _, id := range realIDs() {
		lines = append(lines, line(id, "niveau", `"Ja"`))
	}
	_, err := Parse("e.json", formFile("", lines...))
	got := problems.Of(err)
	if len(got) != 11 || got[10] != "e.json: and 33 more problems" ||
		got[0] != `e.json: krav[0].produktniveau: "niveau" is not a level (sandkasse, 1, 2 or 3)` {
		t.Errorf("problems:\n%s", strings.Join(got, "\n"))
	}
}
