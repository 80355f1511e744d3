package register

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"os2pulse/problems"
	"os2pulse/spelling"
	"os2pulse/storage"
)

// Organisations may be named instead of coded: "Aarhus Kommune", "Århus",
// "Københavns Kommune", a member's name from the members list. A name
// matches when it is equal after normalisation (normName) or is one of
// the old or other spellings below, never because it is close: a
// register must not guess. An unknown name gets the closest names as
// suggestions.

// nameAliases maps normalised other spellings of municipalities to the
// normalised built-in names: old spellings (before 2011 "Århus"), former
// names of merged municipalities, genitive forms ("Københavns Kommune")
// and the English name of the capital.
var nameAliases = map[string]string{
	"århus":                    "aarhus",
	"ålborg":                   "aalborg",
	"åbenrå":                   "aabenraa",
	"fåborg midtfyn":           "faaborg midtfyn",
	"lyngby tårbæk":            "lyngby taarbæk",
	"københavns":               "københavn",
	"copenhagen":               "københavn",
	"frederiksbergs":           "frederiksberg",
	"bornholms":                "bornholm",
	"bornholms regionskommune": "bornholm",
	"nordfyn":                  "nordfyns",
	"vesthimmerland":           "vesthimmerlands",
	"frederiksværk hundested":  "halsnæs",
	"brønderslev dronninglund": "brønderslev",
}

// normName is how names are compared: lower case, hyphens as spaces,
// single spaces, without a trailing "Kommune" or "Kommunes".
func normName(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.Map(func(r rune) rune {
		if r == '-' || r == '–' || r == '_' || unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	for _, suffix := range []string{" kommunes", " kommune"} {
		if t, ok := strings.CutSuffix(s, suffix); ok && t != "" {
			s = t
			break
		}
	}
	if a, ok := nameAliases[s]; ok {
		return a
	}
	return s
}

// orgName is one organisation a register row may name.
type orgName struct {
	id, name, norm string
	municipality   bool
}

// builtIn are the 98 municipalities, by kommunekode and with their
// normalised names.
type builtIn struct {
	codes map[string]bool
	names []orgName
}

var municipalities = sync.OnceValues(func() (builtIn, error) {
	ms, err := storage.Municipalities()
	if err != nil {
		return builtIn{}, err
	}
	b := builtIn{codes: make(map[string]bool, len(ms)), names: make([]orgName, 0, len(ms))}
	for _, m := range ms {
		b.codes[m.ID] = true
		b.names = append(b.names, orgName{id: m.ID, name: m.Name, norm: normName(m.Name), municipality: true})
	}
	return b, nil
})

// orgNames resolves what an organization field says to an organisation
// id: a kommunekode, the id or the name of an organisation the members
// list defines, or a municipality's name.
type orgNames struct {
	ids    map[string]bool   // ids of organisations other than municipalities
	byNorm map[string]string // normalised name → id; "" when two share it
	all    []orgName         // for suggestions
}

// newOrgNames returns the resolver for the municipalities and the given
// other organisations (kinds other than municipality; municipalities in
// orgs are ignored, they are built in).
func newOrgNames(orgs []storage.Organization) *orgNames {
	n := &orgNames{ids: map[string]bool{}, byNorm: map[string]string{}}
	ms, _ := municipalities()
	for _, m := range ms.names {
		n.addName(m)
	}
	for _, o := range orgs {
		if o.Kind == storage.KindMunicipality {
			continue
		}
		n.ids[o.ID] = true
		if o.Name != "" {
			n.addName(orgName{id: o.ID, name: o.Name, norm: normName(o.Name)})
		}
	}
	return n
}

func (n *orgNames) addName(o orgName) {
	n.all = append(n.all, o)
	if prev, ok := n.byNorm[o.norm]; ok && prev != o.id {
		n.byNorm[o.norm] = ""
		return
	}
	n.byNorm[o.norm] = o.id
}

// resolve returns the id raw names, or what is wrong with it.
func (n *orgNames) resolve(raw string) (string, string) {
	code, numeric := municipalityCode(raw)
	switch {
	case raw == "":
		return "", "organization is empty"
	case numeric && code == "":
		return "", "unknown municipality code " + quote(raw)
	case numeric:
		return code, ""
	case n.ids[strings.ToLower(raw)]:
		return strings.ToLower(raw), ""
	}
	norm := normName(raw)
	if id, ok := n.byNorm[norm]; ok {
		if id == "" {
			return "", "the name " + quote(raw) + " is ambiguous: use the kommunekode or the id from the members list"
		}
		return id, ""
	}
	msg := "unknown organisation " + quote(raw) + ": not a kommunekode (101–860) and not defined in the members file"
	if s := n.suggest(norm); len(s) > 0 {
		msg += "; did you mean " + orList(s) + "?"
	}
	return "", msg
}

// resolveMunicipality is resolve for the members list's municipalities:
// a kommunekode or a municipality's name. ok is false when raw names no
// municipality (it may then be another organisation's id).
func resolveMunicipality(raw string) (code string, ok bool) {
	if c, numeric := municipalityCode(raw); numeric {
		return c, c != ""
	}
	ms, _ := municipalities()
	norm := normName(raw)
	for _, m := range ms.names {
		if m.norm == norm {
			return m.id, true
		}
	}
	return "", false
}

// suggest returns up to five names close to norm: those that begin with
// it (all the "Frederiks…" municipalities for "Frederiks"), else the
// three nearest by edit distance, if any is near.
func (n *orgNames) suggest(norm string) []string {
	if norm == "" {
		return nil
	}
	seen := map[string]bool{}
	var prefix []string
	for _, o := range n.all {
		if strings.HasPrefix(o.norm, norm) && !seen[o.name] {
			seen[o.name] = true
			prefix = append(prefix, o.name)
		}
	}
	if len(prefix) > 0 {
		sort.Strings(prefix)
		return prefix[:min(len(prefix), 5)]
	}
	type near struct {
		name string
		d    int
	}
	var cands []near
	limit := max(2, len([]rune(norm))/4)
	for _, o := range n.all {
		if d := spelling.Distance(norm, o.norm); d <= limit && !seen[o.name] {
			seen[o.name] = true
			cands = append(cands, near{o.name, d})
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		return cands[i].d < cands[j].d || cands[i].d == cands[j].d && cands[i].name < cands[j].name
	})
	var out []string
	for _, c := range cands[:min(len(cands), 3)] {
		out = append(out, c.name)
	}
	return out
}

// orList writes "a", "a or b", "a, b or c".
func orList(s []string) string {
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

func quote(s string) string { return strconv.Quote(problems.Clip(s)) }
