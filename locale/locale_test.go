package locale

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
)

func TestCatalogueComplete(t *testing.T) {
	for key, m := range catalogue {
		if m.da == "" || m.en == "" {
			t.Errorf("%s: da %q, en %q", key, m.da, m.en)
		}
		if strings.Count(m.da, "%") != strings.Count(m.en, "%") {
			t.Errorf("%s: the two languages take different arguments: %q / %q", key, m.da, m.en)
		}
	}
}

// TestPlurals: every singular has its label, with the same arguments,
// and Nf picks it for exactly 1.
func TestPlurals(t *testing.T) {
	for key, m := range pluralMsgs {
		base, ok := catalogue[strings.TrimSuffix(key, ".one")]
		if !strings.HasSuffix(key, ".one") || !ok {
			t.Errorf("%s is not the singular of a label", key)
			continue
		}
		verbs := regexp.MustCompile(`%[a-z]`)
		if !slices.Equal(verbs.FindAllString(m.da, -1), verbs.FindAllString(base.da, -1)) || !slices.Equal(verbs.FindAllString(m.en, -1), verbs.FindAllString(base.en, -1)) {
			t.Errorf("%s takes other arguments than its label: %q / %q", key, m.da, base.da)
		}
	}
	for _, c := range []struct {
		lang Lang
		n    int
		want string
	}{
		{DA, 0, "og 0 rækker mere"}, {DA, 1, "og 1 række mere"}, {DA, 2, "og 2 rækker mere"},
		{EN, 1, "and 1 more row"}, {EN, 12, "and 12 more rows"},
	} {
		if got := c.lang.Nf("admin.preview.hidden", c.n, c.lang.Int(c.n)); got != c.want {
			t.Errorf("%s Nf(%d) = %q, want %q", c.lang, c.n, got, c.want)
		}
	}
	if got := DA.Nf("api.param.date", 1); got != DA.T("api.param.date") {
		t.Errorf("a label without a singular: %q", got)
	}
}

// Literal keys in the templates ({{.T "key"}}, {{$l.Tf "key" …}}) and in
// Go code (v.T("key"), l.Tf("key", …)).
var (
	templateKey = regexp.MustCompile(`\.(?:Tf?|Nf) "([^"]+)"`)
	goKey       = regexp.MustCompile(`\.(?:Tf?|Nf)\("([^"]+)"`)
)

// presentation are the folders whose code and templates show labels.
var presentation = []string{"../dashboard", "../report", "../api", "../table", "../locale", "../admin"}

// TestEveryLabelTranslated checks that every key the presentation
// packages use is in the catalogue, including those built from a prefix
// and a stored value.
func TestEveryLabelTranslated(t *testing.T) {
	used := map[string]string{}
	for _, dir := range presentation {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		tmpls, _ := filepath.Glob(filepath.Join(dir, "templates", "*.html"))
		for _, f := range append(files, tmpls...) {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			re := goKey
			if strings.HasSuffix(f, ".html") {
				re = templateKey
			}
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				// A prefix such as "status." + status is checked below.
				if !strings.HasSuffix(m[1], ".") {
					used[m[1]] = f
				}
			}
		}
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys; is the pattern right?", len(used))
	}
	// Keys built from stored values.
	for _, s := range []string{"production", "pilot", "planned", "stopped", "none"} {
		used["status."+s] = "statuses"
	}
	for _, s := range []string{"production", "pilot", "planned"} {
		used["product.who."+s] = "adopter tables"
	}
	for _, k := range []string{"municipality", "region", "state", "other"} {
		used["kind."+k] = "kinds"
	}
	for _, r := range []string{"ok", "empty", "not_found", "unavailable", "moved", "unreachable", "error"} {
		used["repo."+r] = "repository statuses"
	}
	for _, r := range []string{"not_found", "unavailable", "unreachable", "error"} {
		used["failing."+r] = "failing repositories"
	}
	for _, s := range []string{"github", "activity", "register"} {
		used["source."+s] = "sources"
	}
	for _, r := range []string{"running", "success", "partial", "failure"} {
		used["run."+r] = "run results"
	}
	for _, s := range []string{"met", "on track", "at risk", "behind", "missed", "not started", "unknown"} {
		used["goal.status."+GoalStatusClass(s)] = "goal statuses"
		used["goal.status.def."+GoalStatusClass(s)] = "goal status definitions"
	}
	for _, r := range []string{"two-products", "pilot", "planned", "not-running"} {
		used["prospect."+r] = "prospect reasons"
	}
	for _, k := range []string{"date", "from", "to", "step", "window_days", "product", "product.need", "goal", "sep", "source"} {
		used["api.param."+k] = "API parameters"
	}
	for key, where := range used {
		if !Has(key) {
			t.Errorf("%s uses %q, which is not in the catalogue", where, key)
		}
	}
}

func TestNumberFormats(t *testing.T) {
	tests := []struct {
		name   string
		got    func(l Lang) string
		da, en string
	}{
		{"int", func(l Lang) string { return l.Int(1234567) }, "1.234.567", "1,234,567"},
		{"small int", func(l Lang) string { return l.Int(98) }, "98", "98"},
		{"negative int", func(l Lang) string { return l.Int(-1234) }, "-1.234", "-1,234"},
		{"float", func(l Lang) string { return l.Dec(1234.56, 1) }, "1.234,6", "1,234.6"},
		{"percent", func(l Lang) string { return l.Pct(0.724) }, "72,4 %", "72.4%"},
		{"percent of 98", func(l Lang) string { return l.Pct(4.0 / 98) }, "4,1 %", "4.1%"},
		{"percent zero", func(l Lang) string { return l.Pct(0) }, "0,0 %", "0.0%"},
		{"percent all", func(l Lang) string { return l.Pct(1) }, "100,0 %", "100.0%"},
		{"percent tiny negative", func(l Lang) string { return l.Pct(-0.0001) }, "0,0 %", "0.0%"},
		{"change up", func(l Lang) string { return l.ChangeInt(1200) }, "+1.200", "+1,200"},
		{"change down", func(l Lang) string { return l.ChangeInt(-2) }, "−2", "−2"},
		{"change none", func(l Lang) string { return l.ChangeInt(0) }, "±0", "±0"},
		{"points up", func(l Lang) string { return l.ChangePoints(0.021) }, "+2,1 procentpoint", "+2.1 percentage points"},
		{"points down", func(l Lang) string { return l.ChangePoints(0.375 - 3.0/7) }, "−5,4 procentpoint", "−5.4 percentage points"},
		{"points rounding to none", func(l Lang) string { return l.ChangePoints(-0.0004) }, "±0,0 procentpoint", "±0.0 percentage points"},
		{"date", func(l Lang) string { return l.Date(civil.New(2026, 11, 23)) }, "23. november 2026", "23 November 2026"},
		{"goal change count", func(l Lang) string { return l.GoalChange(false, 1.84) }, "+1,8", "+1.8"},
		{"goal change count down", func(l Lang) string { return l.GoalChange(false, -0.26) }, "−0,3", "−0.3"},
		{"goal change share", func(l Lang) string { return l.GoalChange(true, 0.004) }, "+0,4 procentpoint", "+0.4 percentage points"},
		{"date May", func(l Lang) string { return l.Date(civil.MustParse("2024-05-01")) }, "1. maj 2024", "1 May 2024"},
		{"no date", func(l Lang) string { return l.Date(0) }, "", ""},
		{"month", func(l Lang) string { return l.Month(civil.MustParse("2027-03-14")) }, "marts 2027", "March 2027"},
		// Danish time, with the zone: winter and summer.
		{"stamp winter", func(l Lang) string { return l.Stamp("2026-11-23T12:05:00Z") }, "23. november 2026 kl. 13.05 CET", "23 November 2026, 13:05 CET"},
		{"stamp summer", func(l Lang) string { return l.Stamp("2026-06-30T22:30:00.000000Z") }, "1. juli 2026 kl. 00.30 CEST", "1 July 2026, 00:30 CEST"},
		{"no stamp", func(l Lang) string { return l.Stamp("") }, "", ""},
		{"bad stamp", func(l Lang) string { return l.Stamp("soon") }, "soon", "soon"},
		{"time", func(l Lang) string { return l.Time(time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC)) }, "1. januar 2026 kl. 00.30 CET", "1 January 2026, 00:30 CET"},
		{"governance", func(l Lang) string { return l.Governance("sandbox") + "/" + l.Governance("2") }, "Sandkasse/Governance-niveau 2", "Sandbox/Governance level 2"},
		{"no governance level yet", func(l Lang) string { return l.Governance("") }, "Endnu ikke i governance-modellen", "Not yet in the governance model"},
		{"covered until", func(l Lang) string { return l.CoveredUntil(civil.MustParse("2025-11-18")) }, "data kun til og med 18. november 2025", "data only up to 18 November 2025"},
		{"nothing covered", func(l Lang) string { return l.CoveredUntil(0) }, "ikke alle repositorier er indsamlet endnu", "not every repository has been collected yet"},
		{"failing", func(l Lang) string { return l.Failing("unreachable", time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)) }, "GitHub kunne ikke nås siden 15. januar 2026 kl. 10.30 CET", "GitHub could not be reached since 15 January 2026, 10:30 CET"},
		{"failing 404", func(l Lang) string { return l.Failing("not_found", time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)) }, "repositoriet findes ikke siden 1. juni 2026 kl. 12.00 CEST", "repository not found since 1 June 2026, 12:00 CEST"},
		{"source", func(l Lang) string { return l.Source("activity") + "/" + l.RunResult("failure") }, "Import af git-log/fejlet", "Git log import/failed"},
		{"goal status", func(l Lang) string { return l.GoalStatus("on track") }, "på sporet", "on track"},
		{"goal value", func(l Lang) string { return l.GoalValue(true, 0.35) + " " + l.GoalValue(false, 60) }, "35,0 % 60", "35.0% 60"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got(DA); got != tt.da {
				t.Errorf("da: %q, want %q", got, tt.da)
			}
			if got := tt.got(EN); got != tt.en {
				t.Errorf("en: %q, want %q", got, tt.en)
			}
		})
	}
}

func TestChoose(t *testing.T) {
	tests := []struct {
		query, header string
		lang          Lang
		explicit      bool
	}{
		{"", "", DA, false},
		{"", "en", EN, false},
		{"", "en-US,en;q=0.9", EN, false},
		{"", "EN-gb", EN, false},
		{"", "da, en;q=0.8", DA, false},
		{"", "da-DK;q=0.5, en-GB;q=0.8", EN, false},
		{"", "de-DE,de;q=0.9,en;q=0.5", EN, false},
		{"", "en;q=0.3,da;q=0.7", DA, false},
		{"", "en;q=0.5,da;q=0.5", EN, false},
		{"", "fr", DA, false},
		{"", "en;q=0", DA, false},
		{"", "en;q=abc", DA, false},
		{"", "*", DA, false},
		{"lang=en", "da", EN, true},
		{"lang=da", "en", DA, true},
		{"lang=fr", "en", EN, false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/?"+tt.query, nil)
		if tt.header != "" {
			r.Header.Set("Accept-Language", tt.header)
		}
		lang, explicit := Choose(r)
		if lang != tt.lang || explicit != tt.explicit {
			t.Errorf("?%s Accept-Language %q: %s %v, want %s %v", tt.query, tt.header, lang, explicit, tt.lang, tt.explicit)
		}
	}
}

func TestPaceText(t *testing.T) {
	d := civil.MustParse
	base := Pace{Target: 60, AtDeadline: 41.4, PerMonth: 0.9, Needed: 1.84, Deadline: d("2027-12-31"),
		Through: d("2026-11-23"), Date: d("2026-11-23")}
	early, late, ended, share := base, base, base, base
	early.AtDeadline, early.Reaches, early.ByDeadline = 75, d("2027-03-14"), true
	late.Reaches = d("2029-09-08")
	ended.Through, ended.AtDeadline = d("2025-11-18"), -3
	share.Share, share.Target, share.AtDeadline, share.PerMonth, share.Needed = true, 0.35, 0.31, 0.004, 0.0061
	tests := []struct {
		name string
		p    Pace
		en   string
	}{
		{"not at this pace", base, "At this pace: 41 of 60 by 31 December 2027. Not reached at this pace. Needed per month from now: +1.8 (the pace now: +0.9 a month)."},
		{"reached early", early, "At this pace: 75 of 60 by 31 December 2027. Target reached around March 2027. Needed per month from now: +1.8 (the pace now: +0.9 a month)."},
		{"reached late", late, "At this pace: 41 of 60 by 31 December 2027. Target reached around September 2029, after the deadline. Needed per month from now: +1.8 (the pace now: +0.9 a month)."},
		{"data ending early, falling below zero", ended, "At this pace: 0 of 60 by 31 December 2027. Not reached at this pace. Needed per month from now: +1.8 (the pace now: +0.9 a month). The projection rests on figures up to 18 November 2025, where the data end."},
		{"a share", share, "At this pace: 31.0% of 35.0% by 31 December 2027. Not reached at this pace. Needed per month from now: +0.6 percentage points (the pace now: +0.4 percentage points a month)."},
		{"met", Pace{Met: true}, "The target is reached."},
	}
	for _, tt := range tests {
		if got := strings.Join(EN.PaceText(tt.p), " "); got != tt.en {
			t.Errorf("%s:\n%s\nwant\n%s", tt.name, got, tt.en)
		}
	}
	if got := strings.Join(DA.PaceText(early), " "); got != "I dette tempo: 75 af 60 den 31. december 2027. Målet nås omkring marts 2027. Nødvendigt pr. måned fra nu: +1,8 (tempoet nu: +0,9 pr. måned)." {
		t.Errorf("Danish: %s", got)
	}
}

// count marks where a count label's count goes among its arguments.
type count struct{}

// TestCountLabels walks the count labels with a singular and checks the
// texts for 1 and 2 in both languages, with the arguments the pages give.
func TestCountLabels(t *testing.T) {
	tested := map[string]bool{}
	for _, c := range []struct {
		key                string
		plain              bool  // the count is a %d, not a formatted %s
		args               []any // after the count, or around count{}
		da1, en1, da2, en2 string
	}{
		{"report.contributors.caption", true, nil,
			"Aktive bidragydere i den 1 dag, der slutter den 31. december", "Active contributors in the 1 day ending on 31 December",
			"Aktive bidragydere i de 2 dage, der slutter den 31. december", "Active contributors in the 2 days ending on 31 December"},
		{"admin.preview.summary", false, []any{"ibrug.csv", count{}, "0", "0", "5"},
			"Indlæses ibrug.csv, bliver 1 række tilføjet, 0 ændret og 0 afsluttet (de bevares i historikken); 5 er uændrede. Intet er gemt endnu.",
			"Importing ibrug.csv adds 1 row, changes 0 and ends 0 (they stay in the history); 5 are unchanged. Nothing has been stored yet.",
			"Indlæses ibrug.csv, bliver 2 rækker tilføjet, 0 ændret og 0 afsluttet (de bevares i historikken); 5 er uændrede. Intet er gemt endnu.",
			"Importing ibrug.csv adds 2 rows, changes 0 and ends 0 (they stay in the history); 5 are unchanged. Nothing has been stored yet."},
		{"product.series.summary", false, []any{"OS2mo", "1. januar 2024", "31. december 2025", count{}},
			"Kurver: kommuner, medlemmer og alle organisationer med OS2mo i drift fra 1. januar 2024 til 31. december 2025; nu 1 kommune.",
			"Line chart: municipalities, members and all organisations running OS2mo in production from 1. januar 2024 to 31. december 2025; now 1 municipality.",
			"Kurver: kommuner, medlemmer og alle organisationer med OS2mo i drift fra 1. januar 2024 til 31. december 2025; nu 2 kommuner.",
			"Line chart: municipalities, members and all organisations running OS2mo in production from 1. januar 2024 to 31. december 2025; now 2 municipalities."},
		{"publiccode.summary", false, []any{"0", "1", "0", "0"},
			"1 repositorium: 0 gyldige, 1 med problemer, 0 mangler, 0 ukendte.", "1 repository: 0 valid, 1 with problems, 0 missing, 0 unknown.",
			"2 repositorier: 0 gyldige, 1 med problemer, 0 mangler, 0 ukendte.", "2 repositories: 0 valid, 1 with problems, 0 missing, 0 unknown."},
		{"product.affiliation.sum", false, []any{"1", "0", "0"},
			"Søjlediagram: 1 aktiv bidragyder, heraf 1 fra medlemmer, 0 fra leverandører og 0 andre eller ukendte.",
			"Bar chart: 1 active contributor, 1 from members, 0 from suppliers and 0 other or unknown.",
			"Søjlediagram: 2 aktive bidragydere, heraf 1 fra medlemmer, 0 fra leverandører og 0 andre eller ukendte.",
			"Bar chart: 2 active contributors, 1 from members, 0 from suppliers and 0 other or unknown."},
		{"key.threeplus.of", false, []any{"1", count{}}, "1 af 1 medlem", "1 of 1 member", "1 af 2 medlemmer", "1 of 2 members"},
		{"health.backlog.age", false, nil, "medianalder 1 dag", "median age 1 day", "medianalder 2 dage", "median age 2 days"},
		{"admin.login.wait", true, nil,
			"For mange forkerte forsøg med dette navn herfra. Prøv igen om 1 sekund.", "Too many failed attempts with this name from here. Try again in 1 second.",
			"For mange forkerte forsøg med dette navn herfra. Prøv igen om 2 sekunder.", "Too many failed attempts with this name from here. Try again in 2 seconds."},
		{"admin.token.toomany", true, nil,
			"For mange forkerte tokens herfra. Prøv igen om 1 sekund.", "Too many wrong tokens from here. Try again in 1 second.",
			"For mange forkerte tokens herfra. Prøv igen om 2 sekunder.", "Too many wrong tokens from here. Try again in 2 seconds."},
		{"admin.import.confirm", true, nil,
			"Filen afslutter 1 række, mere end en tiendedel af registret. Bekræft antallet i forhåndsvisningen for at indlæse den.",
			"The file ends 1 row, more than a tenth of the register. Confirm the number in the preview to import it.",
			"Filen afslutter 2 rækker, mere end en tiendedel af registret. Bekræft antallet i forhåndsvisningen for at indlæse den.",
			"The file ends 2 rows, more than a tenth of the register. Confirm the number in the preview to import it."},
		{"publiccode.diff.usedby", false, []any{"3"},
			"usedBy nævner 1 organisation; tilslutningsregistret har 3 i drift.", "usedBy lists 1 organisation; the register has 3 in production.",
			"usedBy nævner 2 organisationer; tilslutningsregistret har 3 i drift.", "usedBy lists 2 organisations; the register has 3 in production."},
		{"evidence.find.run_by.all", false, nil,
			"i drift hos 1 organisation ifølge registret", "run in production by 1 organisation, by the register",
			"i drift hos 2 organisationer ifølge registret", "run in production by 2 organisations, by the register"},
		{"evidence.find.pull_refs_unknown.all", false, nil,
			"1 flettet pull request blev læst, før dens beskrivelse blev det", "1 merged pull request was read before its description was",
			"2 flettede pull requests blev læst, før deres beskrivelse blev det", "2 merged pull requests were read before their descriptions were"},
		{"health.releases.detail", false, []any{"for 3 dage siden"},
			"den seneste 1 dag; den seneste for 3 dage siden", "in the last 1 day; the last for 3 dage siden",
			"de seneste 2 dage; den seneste for 3 dage siden", "in the last 2 days; the last for 3 dage siden"},
		{"health.releases.ago", false, nil, "for 1 dag siden", "1 day ago", "for 2 dage siden", "2 days ago"},
		{"health.concentration.of", false, []any{"90"},
			"personer står for halvdelen af 1 bidrag de seneste 90 dage", "persons make half of the 1 contribution in the last 90 days",
			"personer står for halvdelen af 2 bidrag de seneste 90 dage", "persons make half of the 2 contributions in the last 90 days"},
		{"count.municipalities", false, nil, "1 kommune", "1 municipality", "2 kommuner", "2 municipalities"},
		{"count.members", false, nil, "1 medlem", "1 member", "2 medlemmer", "2 members"},
		{"count.pilots", false, nil, "1 pilot", "1 pilot", "2 piloter", "2 pilots"},
		{"count.planned", false, nil, "1 planlagt", "1 planned", "2 planlagte", "2 planned"},
		{"count.issues", false, nil, "1 sag", "1 issue", "2 sager", "2 issues"},
		{"count.pulls", false, nil, "1 pull request", "1 pull request", "2 pull requests", "2 pull requests"},
		{"health.response.detail", false, []any{"3 timer", "1", count{}, "90", "0"},
			"90. percentil 3 timer; 1 af 1 sag eller pull request fra de seneste 90 dage har fået svar, 0 venter",
			"90th percentile 3 timer; 1 of 1 issue or pull request from the last 90 days answered, 0 waiting",
			"90. percentil 3 timer; 1 af 2 sager og pull requests fra de seneste 90 dage har fået svar, 0 venter",
			"90th percentile 3 timer; 1 of 2 issues and pull requests from the last 90 days answered, 0 waiting"},
		{"health.response.none", false, []any{"90"},
			"intet svar endnu på den 1 sag eller pull request fra de seneste 90 dage", "no response yet to the 1 issue or pull request of the last 90 days",
			"intet svar endnu på de 2 sager og pull requests fra de seneste 90 dage", "no response yet to the 2 issues and pull requests of the last 90 days"},
		{"admin.census.progress", false, []any{"1", count{}, "1", "0", "0"},
			"1 af 1 organisation har svaret; 1 godkendt, 0 afvist, 0 venter på gennemgang.",
			"1 of 1 organisation has answered; 1 accepted, 0 rejected, 0 waiting for review.",
			"1 af 2 organisationer har svaret; 1 godkendt, 0 afvist, 0 venter på gennemgang.",
			"1 of 2 organisations have answered; 1 accepted, 0 rejected, 0 waiting for review."},
		{"catalogue.count", false, []any{"1", count{}}, "Viser 1 af 1 produkt", "Showing 1 of 1 product", "Viser 1 af 2 produkter", "Showing 1 of 2 products"},
		{"footer.activity.n", false, nil, "1 repositorium", "1 repository", "2 repositorier", "2 repositories"},
		{"window.sentence", false, nil, "Vinduet er 1 dag.", "The window is 1 day.", "Vinduet er 2 dage.", "The window is 2 days."},
		{"selfeval.versions", false, nil, "1 version gemt.", "1 version kept.", "2 versioner gemt.", "2 versions kept."},
		{"admin.preview.hidden", false, nil, "og 1 række mere", "and 1 more row", "og 2 rækker mere", "and 2 more rows"},
		{"key.products.of", false, nil, "af 1 produkt i porteføljen", "of 1 product in the portfolio", "af 2 produkter i porteføljen", "of 2 products in the portfolio"},
		{"map.summary", false, nil,
			"Danmarkskort over de 98 kommuner farvet efter antal produkter i drift; 1 kommune har mindst ét.",
			"Map of Denmark's 98 municipalities coloured by the number of products in production; 1 municipality runs at least one.",
			"Danmarkskort over de 98 kommuner farvet efter antal produkter i drift; 2 kommuner har mindst ét.",
			"Map of Denmark's 98 municipalities coloured by the number of products in production; 2 municipalities run at least one."},
		{"product.map.summary", false, []any{"OS2mo", "0", "3"},
			"Danmarkskort: 1 kommune har OS2mo i drift, 0 som pilot og 3 planlagt.",
			"Map of Denmark: 1 municipality runs OS2mo in production, 0 as a pilot and 3 planned.",
			"Danmarkskort: 2 kommuner har OS2mo i drift, 0 som pilot og 3 planlagt.",
			"Map of Denmark: 2 municipalities run OS2mo in production, 0 as a pilot and 3 planned."},
		{"key.contributors.window", false, nil, "personer med bidrag den seneste 1 dag", "persons contributing in the last 1 day", "personer med bidrag de seneste 2 dage", "persons contributing in the last 2 days"},
		{"product.concentration.of", false, nil, "personer står for halvdelen af 1 bidrag", "persons make half of the 1 contribution", "personer står for halvdelen af 2 bidrag", "persons make half of the 2 contributions"},
		{"product.repos.window", false, []any{"31. december 2025"},
			"Aktivitet i den 1 dag til og med 31. december 2025, bots medregnet.", "Activity in the 1 day up to and including 31. december 2025, bots included.",
			"Aktivitet i de 2 dage til og med 31. december 2025, bots medregnet.", "Activity in the 2 days up to and including 31. december 2025, bots included."},
		{"health.concentration.none", false, nil, "ingen bidrag den seneste 1 dag", "no contributions in the last 1 day", "ingen bidrag de seneste 2 dage", "no contributions in the last 2 days"},
		{"health.releases.never", false, nil, "den seneste 1 dag; ingen udgivelser endnu", "in the last 1 day; no releases yet", "de seneste 2 dage; ingen udgivelser endnu", "in the last 2 days; no releases yet"},
		{"publiccode.problems", false, nil, "1 problem", "1 problem", "2 problemer", "2 problems"},
		{"report.distribution.subject", false, nil, "Medlemmer med 1 produkt", "Members with 1 product", "Medlemmer med 2 produkter", "Members with 2 products"},
		{"admin.preview.confirm", false, nil, "Ja, afslut 1 række", "Yes, end 1 row", "Ja, afslut 2 rækker", "Yes, end 2 rows"},
		{"admin.census.review.confirmed", false, nil, "1 registrering er bekræftet uændret.", "1 record is confirmed unchanged.", "2 registreringer er bekræftet uændret.", "2 records are confirmed unchanged."},
		{"selfeval.summary", false, []any{"Niveau 2", "1", count{}, "0"},
			"Niveau 2: 1 af 1 krav opfyldt, 0 planlagt", "Niveau 2: 1 of 1 requirement met, 0 planned",
			"Niveau 2: 1 af 2 krav opfyldt, 0 planlagt", "Niveau 2: 1 of 2 requirements met, 0 planned"},
		{"report.evidence.text", false, []any{"0"},
			"Pr. produkt de krav, hvor produktets selvevaluering ved årets udgang og de indsamlede data er uenige: produktet siger Ja, men data finder intet, eller det siger Nej eller Planlagt, og data finder det. 1 produkt havde en selvevaluering; 0 har uenigheder.",
			"Per product, the requirements where its self-evaluation at the end of the year and the collected data disagree: the product says Ja and the data find nothing, or it says Nej or Planlagt and the data find it. 1 product had a self-evaluation; 0 has disagreements.",
			"Pr. produkt de krav, hvor produktets selvevaluering ved årets udgang og de indsamlede data er uenige: produktet siger Ja, men data finder intet, eller det siger Nej eller Planlagt, og data finder det. 2 produkter havde en selvevaluering; 0 af dem har uenigheder.",
			"Per product, the requirements where its self-evaluation at the end of the year and the collected data disagree: the product says Ja and the data find nothing, or it says Nej or Planlagt and the data find it. 2 products had a self-evaluation; 0 of them have disagreements."},
		{"map.products", false, nil, "1 produkt i drift", "1 product in production", "2 produkter i drift", "2 products in production"},
		{"duration.hours", false, nil, "1 time", "1 hour", "2 timer", "2 hours"},
		{"duration.days", false, nil, "1 dag", "1 day", "2 dage", "2 days"},
		{"distribution.summary", false, []any{"0"},
			"Søjlediagram: 1 medlem fordelt på 0, 1, 2, 3, 4 og 5 eller flere produkter i drift; 0 har tre eller flere.",
			"Bar chart: 1 member by 0, 1, 2, 3, 4 and 5 or more products in production; 0 runs three or more.",
			"Søjlediagram: 2 medlemmer fordelt på 0, 1, 2, 3, 4 og 5 eller flere produkter i drift; 0 har tre eller flere.",
			"Bar chart: 2 members by 0, 1, 2, 3, 4 and 5 or more products in production; 0 run three or more."},
		{"health.diversity.largest", false, []any{"Aarhus", "50 %", count{}},
			"den største, Aarhus, står for 50 % af bidragene den seneste 1 dag", "the largest, Aarhus, made 50 % of the contributions in the last 1 day",
			"den største, Aarhus, står for 50 % af bidragene de seneste 2 dage", "the largest, Aarhus, made 50 % of the contributions in the last 2 days"},
		{"health.diversity.none", false, nil,
			"ingen bidrag fra kendte organisationer den seneste 1 dag", "no contributions from known organisations in the last 1 day",
			"ingen bidrag fra kendte organisationer de seneste 2 dage", "no contributions from known organisations in the last 2 days"},
		{"data.register.status", false, []any{"i går", count{}, "3"},
			"Registret blev sidst ændret i går og har 1 registrering af ibrugtagning og 3 medlemsperioder.", "The register last changed i går and holds 1 adoption record and 3 membership periods.",
			"Registret blev sidst ændret i går og har 2 registreringer af ibrugtagning og 3 medlemsperioder.", "The register last changed i går and holds 2 adoption records and 3 membership periods."},
		{"admin.status", false, []any{"i går", count{}, "3"},
			"Registret blev sidst ændret i går og har 1 registrering af ibrugtagning og 3 medlemsperioder.", "The register last changed i går and holds 1 adoption record and 3 membership periods.",
			"Registret blev sidst ændret i går og har 2 registreringer af ibrugtagning og 3 medlemsperioder.", "The register last changed i går and holds 2 adoption records and 3 membership periods."},
		{"admin.preview.endsmany", false, []any{"1", count{}},
			"Advarsel: filen afslutter 1 af registrets 1 række. Er det ikke meningen, så annullér og vælg \"Tilføjelser og rettelser\".",
			"Warning: the file ends 1 of the register's 1 row. If that is not what you mean, cancel and choose \"Additions and corrections\".",
			"Advarsel: filen afslutter 1 af registrets 2 rækker. Er det ikke meningen, så annullér og vælg \"Tilføjelser og rettelser\".",
			"Warning: the file ends 1 of the register's 2 rows. If that is not what you mean, cancel and choose \"Additions and corrections\"."},
		{"publiccode.diff.problems", false, []any{"os2/x", count{}}, "os2/x: filen har 1 problem.", "os2/x: the file has 1 problem.", "os2/x: filen har 2 problemer.", "os2/x: the file has 2 problems."},
		{"evidence.find.pull_refs_all.all", false, nil,
			"i alt 1 flettet pull request de seneste 12 måneder henviser til et issue", "in all 1 merged pull request of the last 12 months references an issue",
			"i alt 2 flettede pull requests de seneste 12 måneder henviser til et issue", "in all 2 merged pull requests of the last 12 months reference an issue"},
	} {
		tested[c.key] = true
		for _, w := range []struct {
			lang Lang
			n    int
			want string
		}{{DA, 1, c.da1}, {EN, 1, c.en1}, {DA, 2, c.da2}, {EN, 2, c.en2}} {
			var n any = w.lang.Int(w.n)
			if c.plain {
				n = w.n
			}
			args := []any{n}
			if slices.Contains(c.args, any(count{})) {
				args = nil
			}
			for _, a := range c.args {
				if a == (count{}) {
					a = n
				}
				args = append(args, a)
			}
			if got := w.lang.Nf(c.key, w.n, args...); got != w.want {
				t.Errorf("%s %s n=%d:\n got %q\nwant %q", c.key, w.lang, w.n, got, w.want)
			}
		}
	}
	// Every singular in the catalogue is in the table above.
	for key := range pluralMsgs {
		base := strings.TrimSuffix(key, ".one")
		if !tested[base] {
			t.Errorf("%s has a singular the count-label test does not read", base)
		}
	}
}
