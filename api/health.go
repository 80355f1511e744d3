package api

import (
	"net/http"
	"strconv"
	"strings"

	"os2pulse/figures"
)

func (a *API) healthRoutes() {
	// Per product: the configured level, the self-evaluation in force on
	// the date (its filled date, author, the level whose requirements are
	// all met) and per level the counts met, planned, not met, unknown
	// ("Ved ikke"), unanswered and required; one CSV row per product and
	// level.
	figure(a, Endpoint{Path: "/api/v1/governance", Label: "export.governance", Params: []Param{paramDate}}, func(r *http.Request) (figures.SelfEvaluations, error) {
		date, err := DateParam(r, "date", a.today())
		if err != nil {
			return figures.SelfEvaluations{}, err
		}
		return a.calc.SelfEvaluations(r.Context(), date)
	}, func(g figures.SelfEvaluations) csvTable {
		t := csvTable{name: "os2pulse-governance-" + g.Date.String(), header: []string{"date", "product", "configured_level",
			"filled_date", "filled_by", "met_level", "level", "required", "met", "planned", "not_met", "unknown", "unanswered", "recommendations", "recommendations_met"}}
		for _, p := range g.Products {
			if p.Evaluation == nil {
				t.rows = append(t.rows, []string{g.Date.String(), p.Product, p.ConfiguredLevel, "", "", "", "", "", "", "", "", "", "", "", ""})
				continue
			}
			e := p.Evaluation
			for _, l := range e.Levels {
				t.rows = append(t.rows, []string{g.Date.String(), p.Product, p.ConfiguredLevel, e.Filled.String(), e.FilledBy, e.MetLevel,
					l.Level, strconv.Itoa(l.Required), strconv.Itoa(l.Met), strconv.Itoa(l.Planned), strconv.Itoa(l.NotMet),
					strconv.Itoa(l.Unknown), strconv.Itoa(l.Unanswered), strconv.Itoa(l.Recommendations), strconv.Itoa(l.RecommendationsMet)})
			}
		}
		return t
	})

	// Per product, each health signal under its own key with the window
	// it used; one CSV row per product.
	figure(a, Endpoint{Path: "/api/v1/health", Label: "export.health", Params: []Param{paramDate}}, func(r *http.Request) (figures.Health, error) {
		date, err := DateParam(r, "date", a.today())
		if err != nil {
			return figures.Health{}, err
		}
		return a.calc.Health(r.Context(), date)
	}, func(h figures.Health) csvTable {
		t := csvTable{name: "os2pulse-health-" + h.Date.String(), header: []string{"date", "product",
			"concentration_persons", "concentration_window_days", "concentration_complete",
			"organizations", "largest_organization", "largest_organization_share", "diversity_window_days",
			"first_response_opened", "first_response_responded", "first_response_waiting", "first_response_median_seconds",
			"first_response_p90_seconds", "first_response_window_days",
			"releases", "days_since_last_release", "releases_window_days",
			"backlog_open", "backlog_open_issues", "backlog_open_pull_requests", "backlog_median_age_days",
			"hygiene_repositories", "licensed", "licenses", "readme", "contributing", "code_of_conduct", "security", "publiccode",
			"complete", "covered_until"}}
		for _, p := range h.Products {
			days := ""
			if p.Releases.DaysSinceLast != nil {
				days = strconv.Itoa(*p.Releases.DaysSinceLast)
			}
			hy := p.Hygiene
			t.rows = append(t.rows, []string{h.Date.String(), p.Product,
				strconv.Itoa(p.Concentration.Persons), strconv.Itoa(p.Concentration.WindowDays), strconv.FormatBool(p.Concentration.Complete),
				strconv.Itoa(p.Diversity.Organizations), p.Diversity.Largest, figures.FormatFigure(p.Diversity.LargestShare), strconv.Itoa(p.Diversity.WindowDays),
				strconv.Itoa(p.FirstResponse.Opened), strconv.Itoa(p.FirstResponse.Responded), strconv.Itoa(p.FirstResponse.Waiting),
				optFigure(p.FirstResponse.MedianSeconds), optFigure(p.FirstResponse.P90Seconds), strconv.Itoa(p.FirstResponse.WindowDays),
				strconv.Itoa(p.Releases.Releases), days, strconv.Itoa(p.Releases.WindowDays),
				strconv.Itoa(p.Backlog.Open), strconv.Itoa(p.Backlog.OpenIssues), strconv.Itoa(p.Backlog.OpenPulls), optFigure(p.Backlog.MedianAgeDays),
				strconv.Itoa(hy.Repositories), strconv.Itoa(hy.Licensed), strings.Join(hy.Licenses, " "), strconv.Itoa(hy.Readme),
				strconv.Itoa(hy.Contributing), strconv.Itoa(hy.CodeOfConduct), strconv.Itoa(hy.Security), strconv.Itoa(hy.PublicCode),
				strconv.FormatBool(p.Complete), p.CoveredUntil.String()})
		}
		return t
	})
}
