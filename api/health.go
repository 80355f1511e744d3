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
	figure(a, Endpoint{Path: "/api/v1/governance", Label: "export.governance", Params: []Param{paramDate}, Reads: figures.AllDomains}, func(r *http.Request) (figures.SelfEvaluations, error) {
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
	figure(a, Endpoint{Path: "/api/v1/health", Label: "export.health", Params: []Param{paramDate}, Reads: figures.AllDomains}, func(r *http.Request) (figures.Health, error) {
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
			"complete", "covered_until", "collected"}}
		for _, p := range h.Products {
			// A signal that is not known leaves its cells empty.
			row := []string{h.Date.String(), p.Product}
			if c := p.Concentration; c != nil {
				row = append(row, strconv.Itoa(c.Persons), strconv.Itoa(c.WindowDays), "true")
			} else {
				row = append(row, "", strconv.Itoa(figures.HealthYearDays), "false")
			}
			if d := p.Diversity; d != nil {
				share := ""
				if d.Organizations > 0 {
					share = figures.FormatFigure(d.LargestShare)
				}
				row = append(row, strconv.Itoa(d.Organizations), d.Largest, share, strconv.Itoa(d.WindowDays))
			} else {
				row = append(row, "", "", "", strconv.Itoa(figures.HealthYearDays))
			}
			if f := p.FirstResponse; f != nil {
				row = append(row, strconv.Itoa(f.Opened), strconv.Itoa(f.Responded), strconv.Itoa(f.Waiting),
					optFigure(f.MedianSeconds), optFigure(f.P90Seconds), strconv.Itoa(f.WindowDays))
			} else {
				row = append(row, "", "", "", "", "", strconv.Itoa(figures.FirstResponseDays))
			}
			if r := p.Releases; r != nil {
				days := ""
				if r.DaysSinceLast != nil {
					days = strconv.Itoa(*r.DaysSinceLast)
				}
				row = append(row, strconv.Itoa(r.Releases), days, strconv.Itoa(r.WindowDays))
			} else {
				row = append(row, "", "", strconv.Itoa(figures.HealthYearDays))
			}
			if b := p.Backlog; b != nil {
				row = append(row, strconv.Itoa(b.Open), strconv.Itoa(b.OpenIssues), strconv.Itoa(b.OpenPulls), optFigure(b.MedianAgeDays))
			} else {
				row = append(row, "", "", "", "")
			}
			if hy := p.Hygiene; hy != nil {
				row = append(row, strconv.Itoa(hy.Repositories), strconv.Itoa(hy.Licensed), strings.Join(hy.Licenses, " "), strconv.Itoa(hy.Readme),
					strconv.Itoa(hy.Contributing), strconv.Itoa(hy.CodeOfConduct), strconv.Itoa(hy.Security), strconv.Itoa(hy.PublicCode))
			} else {
				row = append(row, "", "", "", "", "", "", "", "")
			}
			t.rows = append(t.rows, append(row, strconv.FormatBool(p.Complete), p.CoveredUntil.String(), strconv.FormatBool(p.Collected)))
		}
		return t
	})
}
