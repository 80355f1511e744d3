package dashboard

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/selfeval"
	"os2pulse/table"
)

// templateSamples gives each page template data to render with, built from
// hand-made figures (no database). A page added later registers its sample
// from its own test file:
//
//	func init() { templateSamples["goals"] = func(v *view) any { return goalsData{…} } }
var templateSamples = map[string]func(v *view) any{
	"overview": func(v *view) any {
		a := sampleAdoption()
		m := sampleMembers()
		c := sampleContributors()
		mapChart, err := countMapChart(v, map[string]int{"101": 4, "751": 3, "461": 1})
		if err != nil {
			panic(err)
		}
		return overviewData{
			Keys:              append(overviewKeys(v, a, a, m, m), contributorKey(v, c, c)),
			RegisterNote:      v.RegisterNote(civil.MustParse("2026-11-20")),
			Adoption:          adoptionChart(v, a),
			Distribution:      distributionChart(v, m),
			ThreePlus:         threePlusChart(v, figures.MembersSeries{Step: figures.Month, Points: []figures.MembersPoint{{Date: civil.MustParse("2026-10-31"), Members: 8, ThreePlus: 3, ThreePlusShare: 0.375}}}, "2023-11-23"),
			Contributors:      contributorsChart(v, c),
			ContributorSeries: contributorSeriesChart(v, figures.ContributorSeries{WindowDays: 90, Step: figures.Month, Points: []figures.ContributorPoint{{Date: civil.MustParse("2026-10-31"), ActiveContributors: figures.Know(2), ByAffiliation: &figures.Affiliations{Unknown: 2}, Complete: true}}}, "2023-11-23", "series"),
			Governance:        governanceChart(v, figures.GovernanceSeries{Step: figures.Month, Points: []figures.GovernancePoint{{Date: civil.MustParse("2026-10-31"), Levels: map[string]int{"sandbox": 1, "1": 2, "2": 3, "3": 4}}}}, "2023-11-23"),
			Map:               mapChart,
		}
	},
	"reports": func(v *view) any {
		return reportsData{Years: []reportYear{{Year: 2026, Href: "/report/2026", Preliminary: true}, {Year: 2025, Href: "/report/2025"}}}
	},
	"product": func(v *view) any {
		adopters := []figures.Adopter{
			{Organization: "101", Name: "København", Kind: "municipality", Member: true, Status: "production", Since: civil.MustParse("2019-01-01")},
			{Organization: "x", Name: xssName, Kind: "other", Status: "pilot", Since: civil.MustParse("2026-01-01")},
		}
		act := figures.ProductActivity{Date: civil.MustParse("2026-11-23"), Product: "os2forms", WindowDays: 90, ActiveContributors: figures.Know(3),
			ByAffiliation: &figures.Affiliations{Member: 1, Supplier: 1, Unknown: 1}, Contributions: figures.Know(5), Concentration: figures.Know(1), Complete: true,
			Repositories: []figures.RepositoryActivity{{Key: "github.com/a/b", FullName: "a/b", URL: "https://github.com/a/b", Description: xssScript, Status: "ok", Commits: figures.Know(3)}}}
		m, err := productMapChart(v, "os2forms", "OS2forms", map[string]figures.Adopter{"101": adopters[0]})
		if err != nil {
			panic(err)
		}
		return productData{
			ID: "os2forms", Name: "OS2forms", Governance: v.Governance("3"), Focus: true,
			Keys:              []keyFigure{{Label: "L", Value: "1"}},
			Series:            adoptionSeriesChart(v, figures.AdoptionSeries{Product: "os2forms", Name: "OS2forms", Step: figures.Month, Points: []figures.AdoptionPoint{{Date: civil.MustParse("2026-10-31")}}}, "2023-11-23"),
			Map:               m,
			Adopters:          adopterTables(v, "OS2forms", adopters),
			Affiliation:       affiliationChart(v, act),
			ContributorSeries: contributorSeriesChart(v, figures.ContributorSeries{Product: "os2forms", WindowDays: 90}, "2023-11-23", "series"),
			Repositories:      repositoryTable(v, act),
			ActivityNote:      "note",
			SelfEval:          selfEvaluation(v, sampleSelfEvaluation()),
			HealthKeys:        healthKeys(v, sampleHealth(), nil),
			Evidence:          evidenceOf(v, sampleEvidence().Products[0]),
			PublicCode:        publicCodeSection(v, samplePublicCode(), samplePublicCodeProposal()),
		}
	},
	"governance": func(v *view) any {
		g := figures.SelfEvaluations{Date: civil.MustParse("2026-11-23"), Products: []figures.ProductSelfEvaluation{sampleSelfEvaluation(),
			{Product: "x", Name: xssName, ConfiguredLevel: "sandbox"}}}
		return governancePageData{Table: governanceTable(v, g), Chart: requirementsChart(v, g, map[string][]figures.SelfEvaluationPoint{
			"os2forms": {{Filled: civil.MustParse("2025-06-01"), Met: 1, Required: 2}, {Filled: civil.MustParse("2026-06-10"), Met: 2, Required: 2}}}),
			PublicCode: publicCodeTable(v, figures.PublicCodes{Date: civil.MustParse("2026-11-23"), Products: []figures.ProductPublicCode{samplePublicCode(),
				{Product: "x", Name: xssName}}}),
			Evidence: evidenceTable(v, sampleEvidence()), Disagreements: disagreementRows(v, sampleEvidence())}
	},
	"organization": func(v *view) any {
		d := figures.OrganizationDetail{ID: "x", Name: xssName, Kind: "other", Member: true,
			Memberships: []figures.MembershipPeriod{{Since: civil.MustParse("2024-01-01")}},
			Products:    []figures.OrganizationProduct{{Product: "os2forms", Name: "OS2forms", Status: "production", Since: civil.MustParse("2024-02-01")}},
			Stopped:     []figures.OrganizationProduct{{Product: "gone", Status: "stopped", Since: civil.MustParse("2020-01-01"), Until: civil.MustParse("2021-01-01")}}}
		return organizationData{Detail: d, Kind: "other", Membership: "member",
			Memberships: table.Table{Caption: "m", Head: []string{"a"}, Rows: [][]table.Cell{{table.Text("x")}}},
			Products:    productsTable(v, "p", d.Products), Stopped: productsTable(v, "s", d.Stopped)}
	},
	"data": func(v *view) any {
		t := table.Table{Caption: "c", Head: []string{"a", "b"}, Rows: [][]table.Cell{{table.Text(xssName), table.Link("l", "/x")}}}
		return dataPageData{Definitions: []definitionText{{"adopter", "Adopter", "text"}}, Runs: t, Imports: t, Exports: t,
			ExportsIntro: "intro", RepoProblems: t, Orphans: t, Idle: t}
	},
	"embed": func(v *view) any {
		return embedData{Chart: distributionChart(v, sampleMembers()), Full: "/"}
	},
	"products": func(v *view) any {
		row := catalogueRow{ID: "x", Name: xssName, Href: "/products/x", Description: xssScript, Level: v.Governance("3"), LevelKey: "3",
			Focus: true, Adopters: "5", Share: "4,1 %", Spark: sparkline{Points: "0,26 120,2", Label: "l"}, Active: "3", Search: "x",
			SortValues: map[string]string{"name": "x"}, Links: []pageLink{{"github.com/x", "https://github.com/x"}}}
		form := v.filterForm("catalogue", "/products", "f", "s", filterQuery{Text: xssName, Sort: "name"},
			[]filterSelect{{"level", "l", options("3", option{"", "alle", false}, option{"3", "3", false})}}, v.countText("catalogue.count", 1, 1))
		return catalogueData{Rows: []catalogueRow{row}, Form: form,
			Heads: []sortHead{{Label: "Produkt", Key: "name", Href: "/products?sort=name", Dir: "ascending", Sorted: "ascending"}, {Label: "Fokus"}}}
	},
	"organizations": func(v *view) any {
		row := lookupRow{ID: "x", Name: xssName, Href: "/organizations/x", Code: "x", Kind: "anden", KindKey: "other", Member: "ja",
			MemberKey: "yes", Products: []pageLink{{xssScript, "/products/x"}}, Others: []string{xssFunc}, Search: "x", ProductCount: "1"}
		return lookupData{Rows: []lookupRow{row}, Form: v.filterForm("lookup", "/organizations", "f", "s", filterQuery{}, nil, v.countText("lookup.count", 0, 1))}
	},
	"api": func(v *view) any {
		return apiPageData{Endpoints: []apiEndpoint{{ID: "ep-x", Path: "/api/v1/x", Label: xssName, Params: []apiParam{{Name: "date", Text: "t", Required: true}},
			Columns: "a, b", JSON: "/api/v1/x?date=2026-11-23", CSV: "/api/v1/x.csv?date=2026-11-23"}}, Collect: "/api/v1/collect",
			OpenAPI: "/api/v1/openapi.json", Definitions: definitionTexts(v), License: v.License()}
	},
	"error": func(v *view) any {
		return errorData{Title: "Not found", Text: "text", Detail: xssName}
	},
}

func sampleAdoption() figures.Adoption {
	return figures.Adoption{Date: civil.MustParse("2026-11-23"), MunicipalitiesTotal: 98, MembersTotal: 8, Products: []figures.ProductAdoption{
		{ID: "os2forms", Name: "OS2forms", GovernanceLevel: "3", Adopters: figures.AdopterCounts{Municipalities: 4, Members: 4, All: 5}, ShareOfMunicipalities: 4.0 / 98, ShareOfMembers: 0.5},
		{ID: "x", Name: xssScript + xssFunc, GovernanceLevel: "1"},
	}}
}

func sampleMembers() figures.Members {
	return figures.Members{Date: civil.MustParse("2026-11-23"), Members: 8, ThreePlus: 3, ThreePlusShare: 0.375,
		Distribution: figures.Distribution{"0": 3, "1": 2, "2": 0, "3": 2, "4": 1, "5+": 0}}
}

// sampleEvidence has a disagreement, a need of the next level, a change
// and a finding with a script payload for a repository name.
func sampleEvidence() figures.Evidence {
	f2 := figures.RequirementEvidence{ID: "F2", Level: "sandbox", Category: "formkrav", Text: xssName, Answer: selfeval.Met,
		Check: "licence", Verdict: figures.VerdictNotFound, Disagrees: true, Findings: []figures.Finding{
			{Code: figures.FindNoLicense, Repository: "os2forms/" + xssScript, URL: "https://github.com/os2forms/x", Detail: "d"}}}
	r3 := figures.RequirementEvidence{ID: "R3", Level: "2", Category: "relevans", Text: "Krav", Check: "register",
		Verdict: figures.VerdictFound, Findings: []figures.Finding{{Code: figures.FindRunBy, Value: "4", Detail: "d"}}}
	g1 := figures.RequirementEvidence{ID: "G1", Level: "2", Category: "governance", Text: "Krav", Answer: selfeval.Planned,
		Verdict: figures.VerdictCannotTell, Findings: []figures.Finding{}}
	return figures.Evidence{Date: civil.MustParse("2026-11-23"), Products: []figures.ProductEvidence{{
		Product: "os2forms", Name: "OS2forms", ConfiguredLevel: "1", Requirements: []figures.RequirementEvidence{f2, r3, g1},
		Disagreements: 1, Found: 1, NotFound: 1, CannotTell: 1, NextLevel: "2", NextLevelNeeds: []figures.RequirementEvidence{g1},
		Since: civil.MustParse("2026-05-23"), Changes: []figures.EvidenceChange{{ID: "F2", Answer: selfeval.Met,
			VerdictBefore: figures.VerdictFound, Verdict: figures.VerdictNotFound}}}}}
}

func sampleContributors() figures.Contributors {
	return figures.Contributors{Date: civil.MustParse("2026-11-23"), WindowDays: 90, PortfolioActiveContributors: figures.Know(3),
		PortfolioByAffiliation: &figures.Affiliations{Member: 1, Supplier: 1, Unknown: 1}, PortfolioComplete: true,
		Products: []figures.ProductContributors{{ID: "os2forms", Name: "OS2forms", ActiveContributors: figures.Know(3), ByAffiliation: &figures.Affiliations{Member: 1, Supplier: 1, Unknown: 1}, Repositories: 2, Complete: true}}}
}

// TestEveryTemplateRenders renders every page template, in both languages,
// with and without the page chrome, and with and without the illustrative
// banner.
func TestEveryTemplateRenders(t *testing.T) {
	tmpls, err := pageTemplates()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	pages := slices.Sorted(maps.Keys(tmpls))
	if len(pages) < 6 {
		t.Fatalf("only %d page templates: %v", len(pages), pages)
	}
	for _, page := range pages {
		sample, ok := templateSamples[page]
		if !ok {
			t.Errorf("template %s has no sample in templateSamples", page)
			continue
		}
		for _, lang := range []locale.Lang{locale.DA, locale.EN} {
			for _, embed := range []bool{false, true} {
				for _, illustrative := range []bool{false, true} {
					day := civil.New(2026, 11, 23)
					v := &view{Lang: lang, Date: day, Today: day, Path: "/x", Nonce: "n", Embed: embed,
						Illustrative: illustrative, AssetVersion: "v", Status: 200, cfg: cfg,
						footer: footer{Sources: []footerSource{{Label: "GitHub", Detail: "api", Collected: "now"}}}}
					v.Data = sample(v)
					var buf bytes.Buffer
					if err := executePage(&buf, page, v); err != nil {
						t.Errorf("%s %s embed=%v: %v", page, lang, embed, err)
						continue
					}
					out := buf.String()
					for _, want := range []string{"<!DOCTYPE html>", `<html lang="` + string(lang) + `">`, "<title>", `<main id="main"`, "</html>"} {
						if !strings.Contains(out, want) {
							t.Errorf("%s %s embed=%v: no %q", page, lang, embed, want)
						}
					}
					if got := strings.Contains(out, `class="illustrative"`); got != illustrative {
						t.Errorf("%s %s embed=%v: illustrative banner shown %v, want %v", page, lang, embed, got, illustrative)
					}
					if got := strings.Contains(out, "<nav"); got == embed {
						t.Errorf("%s %s embed=%v: navigation shown %v", page, lang, embed, got)
					}
					checkEscaped(t, out)
					checkChartBlocks(t, out)
					checkUniqueIDs(t, page, out)
				}
			}
		}
	}
}

// samplePublicCode has a repository in every state; the problems quote
// text from the file, which may try to break out of the page, and one
// file has more problems than a page lists.
func samplePublicCode() figures.ProductPublicCode {
	many := []string{}
	for i := range 12 {
		many = append(many, fmt.Sprintf("a/c/publiccode.yml:%d: name %s is empty", i+1, xssScript))
	}
	return figures.ProductPublicCode{Product: "os2forms", Name: "OS2forms", Valid: 1, Problems: 1, Missing: 1, Unknown: 1,
		Repositories: []figures.RepositoryPublicCode{
			{Repository: "a/b", State: figures.PublicCodeValid, Problems: []string{}, Read: civil.MustParse("2026-06-01"), Versions: 1},
			{Repository: "a/c", State: figures.PublicCodeProblems, Problems: many, Read: civil.MustParse("2026-06-01"), Versions: 2},
			{Repository: "a/d", State: figures.PublicCodeMissing, Problems: []string{}},
			{Repository: xssName, State: figures.PublicCodeUnknown, Problems: []string{}},
		}}
}

func samplePublicCodeProposal() figures.PublicCodeProposal {
	return figures.PublicCodeProposal{Product: "os2forms", Repository: "a/c", Differences: []figures.PublicCodeDifference{
		{Field: "file", File: "12", Known: "0"}, {Field: "usedBy", File: "4", Known: "31"},
		{Field: "legal.license", File: xssScript, Known: "MPL-2.0"}, {Field: "softwareVersion", File: "1.0", Known: "v2.0"}}}
}

// sampleSelfEvaluation is an evaluation whose texts try to break out of the
// page: a script in a requirement and a javascript: "link".
func sampleSelfEvaluation() figures.ProductSelfEvaluation {
	reqs := []selfeval.Requirement{
		{ID: "R1", Category: "relevans", Level: "sandbox", State: "met", Text: xssScript, Documentation: "javascript:alert(1)"},
		{ID: "F12", Category: "formkrav", Level: "2", State: "planned", Text: "Tests", Documentation: "https://example.org/F12"},
		{ID: "F19", Category: "formkrav", Level: "2", State: "met", Recommendation: true, Text: "Container (anbefaling)"},
		{ID: "R4", Category: "relevans", Level: "3", State: "unknown", Text: "Strategier"},
		{ID: "G11", Category: "governance", Level: "3", State: "unanswered", Text: "Styregruppe"},
	}
	return figures.ProductSelfEvaluation{Product: "os2forms", Name: "OS2forms", ConfiguredLevel: "2", Versions: 2,
		Evaluation: &figures.Evaluation{Filled: civil.MustParse("2026-06-10"), FilledBy: xssName, Source: "a/b:x.json", MetLevel: "sandbox",
			Levels: []selfeval.LevelSummary{{Level: "sandbox", Required: 1, Met: 1}, {Level: "1"}, {Level: "2", Required: 1, Planned: 1, Recommendations: 1, RecommendationsMet: 1},
				{Level: "3", Required: 2, Unknown: 1, Unanswered: 1}},
			Requirements: reqs}}
}

func sampleHealth() figures.ProductHealth {
	m, p, age, days := 5*3600.0, 3*86400.0, 12.0, 30
	return figures.ProductHealth{Product: "os2forms", Name: "OS2forms",
		Complete: true, Collected: true,
		Concentration: &figures.Concentration{WindowDays: 365, Persons: 2, Contributions: 40},
		Diversity:     &figures.Diversity{WindowDays: 365, Organizations: 3, Largest: "x", LargestName: xssName, LargestShare: 0.5, Attributed: 20},
		FirstResponse: &figures.FirstResponse{WindowDays: 90, Opened: 10, Responded: 8, Waiting: 2, MedianSeconds: &m, P90Seconds: &p},
		Releases:      &figures.ReleaseCadence{WindowDays: 365, Releases: 4, DaysSinceLast: &days},
		Backlog:       &figures.Backlog{Open: 7, OpenIssues: 5, OpenPulls: 2, MedianAgeDays: &age},
		Hygiene:       &figures.Hygiene{Repositories: 3, Licensed: 3, Licenses: []string{"MPL-2.0"}, Readme: 3, Security: 1}}
}
