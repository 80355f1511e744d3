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

// States of a requirement.
const (
	Met     = "met"     // "Ja"
	Planned = "planned" // "Planlagt"
	NotMet  = "not_met" // "Nej"
)

// Evaluation is one self-evaluation of one product.
type Evaluation struct {
	Product      string        `json:"product"`
	FilledBy     string        `json:"filled_by"`
	Filled       civil.Date    `json:"filled_date"`
	GeneratedAt  string        `json:"generated_at,omitempty"`
	Requirements []Requirement `json:"requirements"`
}

// Requirement is one line of the evaluation.
type Requirement struct {
	ID       string `json:"id"`       // R1–R4, F1–F22, S1–S5, G1–G14
	Category string `json:"category"` // one of Categories
	Text     string `json:"text"`
	// Level is the level from which the requirement applies.
	Level         string `json:"level"`
	Guidelines    string `json:"guidelines,omitempty"`
	State         string `json:"state"` // Met, Planned or NotMet
	Documentation string `json:"documentation,omitempty"`
	// Recommendation marks a line whose text says "(anbefaling)": advice,
	// not a requirement; it never decides whether a level is met.
	Recommendation bool `json:"recommendation"`
}

// The file's own form.
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
	idRe             = regexp.MustCompile(`^[RFSG][0-9]{1,2}$`)
	recommendationRe = regexp.MustCompile(`(?i)\(\s*anbefaling\s*\)`)
	states           = map[string]string{"ja": Met, "nej": NotMet, "planlagt": Planned}
	levelNames       = map[string]string{"sandkasse": "sandbox", "sandbox": "sandbox", "1": "1", "2": "2", "3": "3"}
)

// maxSize bounds a file; real ones are about 15 kB.
const maxSize = 1 << 20

// Parse reads the self-evaluation called name (a path or OWNER/REPO:PATH,
// for messages). Every problem is reported at once as "NAME: field: what
// is wrong" (field as krav[3].efterlevet) in a *problems.Error, and
// nothing is returned then.
func Parse(name string, data []byte) (Evaluation, error) {
	p := problems.NewList(name, 0)
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
		if s := strings.ToLower(text(at("efterlevet"), k.Efterlevet, true)); s != "" {
			if r.State = states[s]; r.State == "" {
				p.AddField(at("efterlevet"), "%q is not Ja, Nej or Planlagt", problems.Clip(s))
			}
		}
		r.Recommendation = recommendationRe.MatchString(r.Text)
		e.Requirements = append(e.Requirements, r)
	}
	if err := p.Err(); err != nil {
		return Evaluation{}, err
	}
	return e, nil
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
	Level    string `json:"level"`
	Required int    `json:"required"` // requirements (recommendations not counted)
	Met      int    `json:"met"`
	Planned  int    `json:"planned"`
	NotMet   int    `json:"not_met"`
	// Recommendations at the level and how many are followed.
	Recommendations    int `json:"recommendations"`
	RecommendationsMet int `json:"recommendations_met"`
}

// Summary counts the requirements of each level, lowest first: "level 2:
// 9 of 13 requirements met, 0 planned".
func (e Evaluation) Summary() []LevelSummary {
	out := make([]LevelSummary, len(Levels))
	for i, l := range Levels {
		out[i].Level = l
	}
	for _, r := range e.Requirements {
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
		default:
			s.NotMet++
		}
	}
	return out
}

// MetLevel is the highest level whose requirements, and those of every
// level below it, are all met; "" when not even the sandbox's are.
func (e Evaluation) MetLevel() string {
	met := ""
	for _, s := range e.Summary() {
		if s.Met != s.Required {
			break
		}
		met = s.Level
	}
	return met
}

func levelIndex(level string) int {
	for i, l := range Levels {
		if l == level {
			return i
		}
	}
	return -1
}
