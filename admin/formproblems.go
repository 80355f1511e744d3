package admin

import (
	"regexp"
	"strings"

	"os2pulse/locale"
)

// A form's problems come from the register's rules as "form:FIELD: what
// is wrong", in English like every problem of a file. The forms show each
// next to its field, in the page's language: Danish by the patterns
// below, which cover every problem a form can have (TestFormProblemsInDanish);
// one no pattern knows is shown as it is rather than hidden.

// splitFormProblem reads "form:FIELD: text".
func splitFormProblem(p string) (field, text string) {
	rest, ok := strings.CutPrefix(p, formPrefix)
	if !ok {
		return "", p
	}
	field, text, ok = strings.Cut(rest, ": ")
	if !ok {
		return "", rest
	}
	return field, text
}

// formPrefix is how the register names a form in its problems.
const formPrefix = "form:"

type danishPattern struct {
	re *regexp.Regexp
	da string // with $1… for the groups
}

var danishProblems = func() []danishPattern {
	var out []danishPattern
	for _, p := range [][2]string{
		{`not valid UTF-8 \(save the file as UTF-8\)`, "teksten er ikke gyldig UTF-8"},
		{`contains a NUL byte`, "teksten indeholder et NUL-tegn"},
		{`\w+ contains a tab`, "teksten må ikke indeholde tabulatortegn"},
		{`\w+ contains the control character (U\+[0-9A-F]+)`, "teksten indeholder kontroltegnet $1"},
		{`\w+ contains the text direction control (U\+[0-9A-F]+)`, "teksten indeholder tegnet $1, der vender tekstens retning"},
		{`\w+ contains (U\+[0-9A-F]+), which is not a character`, "teksten indeholder $1, som ikke er et tegn"},
		{`\w+ is (\d+) characters long; at most (\d+)`, "teksten er $1 tegn lang; højst $2"},
		{`organization is empty`, "organisationen mangler"},
		{`unknown municipality code (".*")`, "ukendt kommunekode $1"},
		{`the name (".*") is ambiguous: use the kommunekode or the id from the members list`, "navnet $1 er tvetydigt: brug kommunekoden eller id'et fra medlemslisten"},
		{`unknown organisation (".*"): not a kommunekode \(101–860\) and not defined in the members file; did you mean (.*)\?`, "ukendt organisation $1: hverken en kommunekode (101–860) eller defineret i medlemslisten; mente du $2?"},
		{`unknown organisation (".*"): not a kommunekode \(101–860\) and not defined in the members file`, "ukendt organisation $1: hverken en kommunekode (101–860) eller defineret i medlemslisten"},
		{`product is empty`, "produktet mangler"},
		{`unknown product (".*") \(not in the configuration\)`, "ukendt produkt $1 (ikke i konfigurationen)"},
		{`status is empty .*`, "status mangler (i drift, pilot, planlagt eller ophørt)"},
		{`status (".*") is not production, pilot, planned or stopped .*`, "status $1 er hverken i drift, pilot, planlagt eller ophørt"},
		{`\w+ is missing \(YYYY-MM-DD or DD-MM-YYYY\)`, "datoen mangler (ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ)"},
		{`\w+ (".*") is ambiguous \(day or month first\?\): write YYYY-MM-DD or DD-MM-YYYY`, "$1 er tvetydig (dag eller måned først?): skriv ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ"},
		{`\w+ (".*") is not a date \(YYYY-MM-DD or DD-MM-YYYY\)`, "$1 er ikke en dato (ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ)"},
		{`until (\S+) is the same day as since; a period lasts at least one day`, "slutdatoen $1 er samme dag som startdatoen; en periode varer mindst en dag"},
		{`until (\S+) is before since (\S+)`, "slutdatoen $1 er før startdatoen $2"},
		{`(\S+) at (\S+) (from .*) overlaps a record in the register \((\S+) (from .*)\)`, "$1 hos $2 $3 overlapper en registrering i registret ($4 $5)"},
		{`duplicate of a record in the register`, "findes allerede i registret"},
		{`(\S+) has (\S+) since (\S+) already on a record in the register`, "$1 har allerede $2 fra $3 i registret"},
		{`no current record of (\S+) at (\S+) since (\S+)`, "ingen gældende registrering af $1 hos $2 fra $3"},
		{`no current membership of (\S+) since (\S+)`, "intet gældende medlemskab for $1 fra $2"},
		{`membership (from .*) overlaps a record in the register \((from .*)\)`, "medlemskabet $1 overlapper en registrering i registret ($2)"},
		{`member_until (\S+) is not after member_since (\S+)`, "slutdatoen $1 er ikke efter startdatoen $2"},
		{`member_until without member_since`, "en slutdato kræver en startdato"},
	} {
		out = append(out, danishPattern{regexp.MustCompile(`^` + p[0] + `$`), p[1]})
	}
	return out
}()

// periodsDanish writes the register's periods ("from 2020-01-01 until
// 2021-01-01", "(no until)") and lists ("A, B or C") in Danish.
var periodsDanish = strings.NewReplacer("from ", "fra ", " until ", " til ", "(no until)", "(uden slutdato)",
	"production", "i drift", "planned", "planlagt", "stopped", "ophørt", " or ", " eller ")

// problemText is a form problem's text in the page's language.
func problemText(l locale.Lang, text string) string {
	if l != locale.DA {
		return text
	}
	for _, p := range danishProblems {
		if m := p.re.FindStringSubmatchIndex(text); m != nil {
			var out []byte
			out = p.re.ExpandString(out, p.da, text, m)
			s := string(out)
			// Periods, statuses and lists inside are the register's
			// words too; quoted values are what was typed and stay.
			return translateOutsideQuotes(s)
		}
	}
	return text
}

// translateOutsideQuotes applies periodsDanish to s except within "…".
func translateOutsideQuotes(s string) string {
	parts := strings.Split(s, `"`)
	for i := 0; i < len(parts); i += 2 {
		parts[i] = periodsDanish.Replace(parts[i])
	}
	return strings.Join(parts, `"`)
}
