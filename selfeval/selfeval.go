// Package selfeval reads OS2's governance self-evaluations: the JSON files
// in which a product's steering group says, requirement by requirement,
// whether the product meets OS2's governance model (the sandbox, then
// levels 1, 2 and 3). A file with any problem is refused whole, with every
// problem named by file and field.
package selfeval

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"os2pulse/civil"
	"os2pulse/problems"
)

// Levels of OS2's governance model, lowest first. The files write the
// sandbox as "sandkasse".
var Levels = []string{"sandbox", "1", "2", "3"}

// Categories of requirements, as the files name them.
var Categories = []string{"relevans", "formkrav", "strategisk", "governance"}

// States of a requirement, as stored and shown. A requirement the form
// left unanswered, or answered "don't know", is neither met nor planned:
// it is counted apart, so that what is not known is never shown as done.
const (
	Met        = "met"        // "Ja"
	Planned    = "planned"    // "Planlagt"
	NotMet     = "not_met"    // "Nej"
	Unknown    = "unknown"    // "Ved ikke"
	Unanswered = "unanswered" // null, empty or no "efterlevet" at all
)

// States lists every state in the order pages show them.
var States = []string{Met, Planned, NotMet, Unknown, Unanswered}

// Evaluation is one self-evaluation of one product.
type Evaluation struct {
	Product      string        `json:"product"`
	FilledBy     string        `json:"filled_by"`
	Filled       civil.Date    `json:"filled_date"`
	GeneratedAt  string        `json:"generated_at,omitempty"`
	Requirements []Requirement `json:"requirements"`
	// Warnings name what was ignored, such as fields OS2's form added
	// after this reader was written; they do not refuse the file.
	Warnings []string `json:"warnings,omitempty"`
}

// Requirement is one line of an evaluation.
type Requirement struct {
	ID       string `json:"id"`       // R1–R4, F1–F7, F10–F22, S1–S5, G1–G14, and later ones of the same form
	Category string `json:"category"` // one of Categories
	// Level is the level from which the requirement applies.
	Level string `json:"level"`
	State string `json:"state"` // one of States
	// Recommendation marks a line whose text says "(anbefaling)": advice,
	// not a requirement; it never decides whether a level is met.
	Recommendation bool   `json:"recommendation"`
	Text           string `json:"text"`
	Guidelines     string `json:"guidelines,omitempty"`
	Documentation  string `json:"documentation,omitempty"`
}

// The file's own form, as OS2's self-evaluation form writes it.
type file struct {
	ProductName *string  `json:"productName"`
	FilledBy    *string  `json:"filledBy"`
	FilledDate  *string  `json:"filledDate"`
	GeneratedAt *string  `json:"generatedAt"`
	Krav        []fileKr `json:"krav"`
}

type fileKr struct {
	ID             *string `json:"id"`
	Kategori       *string `json:"kategori"`
	Krav           *string `json:"krav"`
	Produktniveau  *string `json:"produktniveau"`
	Retningslinjer *string `json:"retningslinjer"`
	Efterlevet     *string `json:"efterlevet"`
	Dokumentation  *string `json:"dokumentation"`
}

var (
	// Known fields, to name the others once as a warning.
	fileFields = []string{"productName", "filledBy", "filledDate", "generatedAt", "krav"}
	kravFields = []string{"id", "kategori", "krav", "produktniveau", "retningslinjer", "efterlevet", "dokumentation"}

	idRe             = regexp.MustCompile(`^[RFSG][0-9]{1,3}$`)
	recommendationRe = regexp.MustCompile(`(?i)\(\s*anbefaling\s*\)`)
	states           = map[string]string{"ja": Met, "nej": NotMet, "planlagt": Planned, "ved ikke": Unknown, "": Unanswered}
	levelNames       = map[string]string{"sandkasse": "sandbox", "sandbox": "sandbox", "1": "1", "2": "2", "3": "3"}
)

// MaxProblems bounds the problems listed for a refused file: a wholly
// wrong file (43 lines) still gives a readable answer.
const MaxProblems = 10

// maxSize bounds a file; real ones are about 15 kB.
const maxSize = 1 << 20

// Parse reads the self-evaluation called name (a path or OWNER/REPO:PATH,
// for messages). The problems are reported at once as "NAME: field: what
// is wrong" (field as krav[3].produktniveau), at most MaxProblems of them
// and then how many more, in a *problems.Error, and nothing is returned
// then.
func Parse(name string, data []byte) (Evaluation, error) {
	p := problems.NewList(name, MaxProblems)
	if len(data) > maxSize {
		p.AddField("", "larger than %d kB; a self-evaluation is about 15 kB", maxSize>>10)
		return Evaluation{}, p.Err()
	}
	if !utf8.Valid(data) {
		p.AddField("", "not valid UTF-8")
		return Evaluation{}, p.Err()
	}
	var f file
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&f); err != nil {
		p.AddField("", "not a self-evaluation (JSON object with productName, filledBy, filledDate and krav): %v", jsonProblem(err))
		return Evaluation{}, p.Err()
	}
	var e Evaluation
	text := func(field string, v *string, required bool) string {
		switch {
		case v == nil && required:
			p.AddField(field, "missing")
		case v == nil:
		case strings.IndexByte(*v, 0) >= 0:
			p.AddField(field, "contains a NUL byte")
		case required && strings.TrimSpace(*v) == "":
			p.AddField(field, "empty")
		default:
			return strings.TrimSpace(*v)
		}
		return ""
	}
	e.Product = text("productName", f.ProductName, true)
	e.FilledBy = text("filledBy", f.FilledBy, true)
	e.GeneratedAt = text("generatedAt", f.GeneratedAt, false)
	if d := text("filledDate", f.FilledDate, true); d != "" {
		var err error
		if e.Filled, err = civil.Parse(d); err != nil {
			p.AddField("filledDate", "%q is not a date (YYYY-MM-DD)", problems.Clip(d))
		}
	}
	if f.Krav == nil {
		p.AddField("krav", "missing: the list of requirements")
	}
	seen := map[string]int{}
	for i, k := range f.Krav {
		at := func(field string) string { return fmt.Sprintf("krav[%d].%s", i, field) }
		r := Requirement{
			ID:            text(at("id"), k.ID, true),
			Text:          text(at("krav"), k.Krav, true),
			Guidelines:    text(at("retningslinjer"), k.Retningslinjer, false),
			Documentation: text(at("dokumentation"), k.Dokumentation, false),
		}
		if r.ID != "" && !idRe.MatchString(r.ID) {
			p.AddField(at("id"), "%q is not a requirement id such as R1, F12, S3 or G14", problems.Clip(r.ID))
		}
		if j, dup := seen[r.ID]; dup && r.ID != "" {
			p.AddField(at("id"), "%s is already krav[%d]", r.ID, j)
		}
		seen[r.ID] = i
		if c := strings.ToLower(text(at("kategori"), k.Kategori, true)); c != "" {
			if !contains(Categories, c) {
				p.AddField(at("kategori"), "%q is not one of %s", problems.Clip(c), strings.Join(Categories, ", "))
			}
			r.Category = c
		}
		if l := strings.ToLower(text(at("produktniveau"), k.Produktniveau, true)); l != "" {
			if r.Level = levelNames[l]; r.Level == "" {
				p.AddField(at("produktniveau"), "%q is not a level (sandkasse, 1, 2 or 3)", problems.Clip(l))
			}
		}
		// null, "" or no field at all: not answered yet.
		st := strings.Join(strings.Fields(strings.ToLower(text(at("efterlevet"), k.Efterlevet, false))), " ")
		if r.State = states[st]; r.State == "" {
			p.AddField(at("efterlevet"), "%q is not Ja, Nej, Planlagt, Ved ikke or empty (not answered)", problems.Clip(st))
		}
		r.Recommendation = recommendationRe.MatchString(r.Text)
		e.Requirements = append(e.Requirements, r)
	}
	if err := p.Err(); err != nil {
		return Evaluation{}, err
	}
	if extra := unknownFields(data); len(extra) > 0 {
		e.Warnings = append(e.Warnings, fmt.Sprintf("%s: ignored the fields this version does not know: %s", name, strings.Join(extra, ", ")))
	}
	return e, nil
}

// unknownFields names, once each, the fields beside the known ones: at
// the top (version) and in the requirements (krav[].kommentar).
func unknownFields(data []byte) []string {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return nil
	}
	seen := map[string]bool{}
	for k := range top {
		if !contains(fileFields, k) {
			seen[problems.Clip(k)] = true
		}
	}
	var krav []map[string]json.RawMessage
	if json.Unmarshal(top["krav"], &krav) == nil {
		for _, kr := range krav {
			for k := range kr {
				if !contains(kravFields, k) {
					seen["krav[]."+problems.Clip(k)] = true
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v at byte %d", se, se.Offset)
	}
	return err.Error()
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// LevelSummary counts the lines introduced at one level.
type LevelSummary struct {
	Level string `json:"level"`
	// Required counts the requirements introduced at the level;
	// recommendations ("(anbefaling)") are not requirements.
	Required int `json:"required"`
	Met      int `json:"met"`
	Planned  int `json:"planned"`
	NotMet   int `json:"not_met"`
	// Unknown were answered "Ved ikke", Unanswered not at all: neither
	// is met, planned or not met.
	Unknown    int `json:"unknown"`
	Unanswered int `json:"unanswered"`
	// Recommendations at the level, and how many are followed.
	Recommendations    int `json:"recommendations"`
	RecommendationsMet int `json:"recommendations_met"`
}

// Summarise counts the requirements of each level, lowest first ("level
// 2: 9 of 13 requirements met, 1 planned, 2 not answered"), and returns
// the highest level whose requirements, and those of every level below
// it, are all met ("" when not even the sandbox's are). A level is met
// only when every requirement of it says Ja: unknown and unanswered ones
// keep it from being met.
func Summarise(reqs []Requirement) ([]LevelSummary, string) {
	out := make([]LevelSummary, len(Levels))
	for i, l := range Levels {
		out[i].Level = l
	}
	for _, r := range reqs {
		i := levelIndex(r.Level)
		if i < 0 {
			continue
		}
		s := &out[i]
		if r.Recommendation {
			s.Recommendations++
			if r.State == Met {
				s.RecommendationsMet++
			}
			continue
		}
		s.Required++
		switch r.State {
		case Met:
			s.Met++
		case Planned:
			s.Planned++
		case Unknown:
			s.Unknown++
		case Unanswered:
			s.Unanswered++
		default:
			s.NotMet++
		}
	}
	met := ""
	for _, s := range out {
		if s.Met != s.Required {
			break
		}
		met = s.Level
	}
	return out, met
}

func levelIndex(level string) int {
	for i, l := range Levels {
		if l == level {
			return i
		}
	}
	return -1
}
