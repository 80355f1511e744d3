package dashboard

import (
	"math"
	"strings"

	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/selfeval"
	"os2pulse/table"
)

// selfEvalView is a product's self-evaluation as its page shows it.
type selfEvalView struct {
	Filled   string   // "Filled 10 June 2026 by the steering group"
	Levels   string   // the configured level beside the level met
	Summary  []string // "Level 2: 15 of 19 requirements met, 2 planned", per level
	Tables   []table.Table
	Source   string // where the file was read
	Versions string // "3 versions"
}

// selfEvaluation shows the evaluation in force: the summary per level,
// and per level a table grouped by category. Documentation is shown as
// text, and as a link only when it is an http(s) address.
func selfEvaluation(v *view, g figures.ProductSelfEvaluation) *selfEvalView {
	e := g.Evaluation
	if e == nil {
		return nil
	}
	sv := &selfEvalView{
		Filled:   v.Tf("selfeval.filled", v.Lang.Date(e.Filled), e.FilledBy),
		Levels:   v.Tf("selfeval.levels", levelText(v, g.ConfiguredLevel), levelText(v, e.MetLevel)),
		Source:   e.Source,
		Versions: v.Nf("selfeval.versions", g.Versions, v.Int(g.Versions)),
	}
	if g.Versions == 1 {
		sv.Versions = v.T("selfeval.version.one")
	}
	for _, l := range e.Levels {
		if l.Required+l.Recommendations == 0 {
			continue
		}
		line := v.Nf("selfeval.summary", l.Required, v.Governance(l.Level), v.Int(l.Met), v.Int(l.Required), v.Int(l.Planned)) + notKnown(v, l)
		if l.Recommendations > 0 {
			line += "; " + v.Tf("selfeval.summary.rec", v.Int(l.RecommendationsMet), v.Int(l.Recommendations))
		}
		sv.Summary = append(sv.Summary, line)
		t := table.Table{
			Caption: v.Governance(l.Level),
			Head:    []string{v.T("th.selfeval.id"), v.T("th.selfeval.category"), v.T("th.selfeval.text"), v.T("th.selfeval.state"), v.T("th.selfeval.doc")},
		}
		for _, cat := range selfEvalCategories {
			for _, r := range e.Requirements {
				if r.Level != l.Level || r.Category != cat {
					continue
				}
				t.Rows = append(t.Rows, []table.Cell{table.Text(r.ID), table.Text(v.T("selfeval.cat." + cat)), table.Text(r.Text),
					table.Text(v.T("selfeval.state." + r.State)), documentationCell(r.Documentation)})
			}
		}
		sv.Tables = append(sv.Tables, t)
	}
	return sv
}

// notKnown says in words how many requirements of a level are answered
// "don't know" or not at all (", 3 don't know, 14 not answered"); "" when
// every one is answered. Neither counts as met or planned.
func notKnown(v *view, l selfeval.LevelSummary) string {
	s := ""
	if l.Unknown > 0 {
		s += ", " + v.Tf("selfeval.count.unknown", v.Int(l.Unknown))
	}
	if l.Unanswered > 0 {
		s += ", " + v.Tf("selfeval.count.unanswered", v.Int(l.Unanswered))
	}
	return s
}

// selfEvalCategories are the categories in the order OS2's files list them.
var selfEvalCategories = []string{"relevans", "formkrav", "strategisk", "governance"}

// documentationCell links an http(s) address and shows anything else as
// text: the files are written by hand and may hold any text.
func documentationCell(doc string) table.Cell {
	doc = strings.TrimSpace(doc)
	if config.IsURL(doc) && !strings.ContainsAny(doc, " \t\r\n<>\"") {
		return table.Link(doc, doc)
	}
	return table.Text(doc)
}

// levelText names a level, or says that none is met.
func levelText(v *view, level string) string {
	if level == "" {
		return v.T("selfeval.level.none")
	}
	return v.Governance(level)
}

// durationText writes seconds as minutes, hours or days, whichever reads.
func durationText(l locale.Lang, seconds float64) string {
	switch {
	case seconds < 3600:
		return l.Tf("duration.minutes", l.Int(int(math.Round(seconds/60))))
	case seconds < 48*3600:
		return decimalCount(l, "duration.hours", seconds/3600)
	default:
		return decimalCount(l, "duration.days", seconds/86400)
	}
}

// decimalCount writes x with one decimal and the plural noun of key,
// or "1" and its singular when x rounds to exactly one ("1 time", not
// "1,0 timer").
func decimalCount(l locale.Lang, key string, x float64) string {
	if math.Round(x*10) == 10 {
		return l.Nf(key, 1, l.Int(1))
	}
	return l.Tf(key, l.Dec(x, 1))
}

// healthKeys are a product's health signals, each with its definition.
// A signal that is not known says why: its source was never collected
// ("not collected"), or its data stop before the date; then it shows its
// value on the last date they reach (last, the signals on that date; nil
// when they reach none), with that date, or "–".
func healthKeys(v *view, h figures.ProductHealth, last *figures.ProductHealth) []keyFigure {
	conc := healthSignal(v, keyFigure{Label: v.T("health.concentration"), Definition: v.Def("contributor_concentration")["Short"]}, h, last,
		config.SourceActivity, func(h figures.ProductHealth) *figures.Concentration { return h.Concentration },
		func(c *figures.Concentration, k *keyFigure) {
			if c.Contributions == 0 {
				k.Value, k.Detail = "–", v.Nf("health.concentration.none", c.WindowDays, v.Int(c.WindowDays))
				return
			}
			k.Value, k.Detail = v.Int(c.Persons), v.Nf("health.concentration.of", c.Contributions, v.Int(c.Contributions), v.Int(c.WindowDays))
		})

	div := healthSignal(v, keyFigure{Label: v.T("health.diversity"), Definition: v.Def("organizational_diversity")["Short"]}, h, last,
		config.SourceActivity, func(h figures.ProductHealth) *figures.Diversity { return h.Diversity },
		func(d *figures.Diversity, k *keyFigure) {
			k.Value, k.Detail = v.Int(d.Organizations), v.Nf("health.diversity.none", d.WindowDays, v.Int(d.WindowDays))
			if d.Organizations > 0 {
				k.Detail = v.Nf("health.diversity.largest", d.WindowDays, d.LargestName, v.Pct(d.LargestShare), v.Int(d.WindowDays))
			}
		})

	ttfr := healthSignal(v, keyFigure{Label: v.T("health.response"), Definition: v.Def("time_to_first_response")["Short"]}, h, last,
		config.SourceGitHub, func(h figures.ProductHealth) *figures.FirstResponse { return h.FirstResponse },
		func(f *figures.FirstResponse, k *keyFigure) {
			k.Value, k.Detail = "–", v.Nf("health.response.none", f.Opened, v.Int(f.Opened), v.Int(f.WindowDays))
			if f.MedianSeconds != nil {
				k.Value = durationText(v.Lang, *f.MedianSeconds)
				k.Detail = v.Nf("health.response.detail", f.Opened, durationText(v.Lang, *f.P90Seconds), v.Int(f.Responded), v.Int(f.Opened), v.Int(f.WindowDays), v.Int(f.Waiting))
			}
		})

	rel := healthSignal(v, keyFigure{Label: v.T("health.releases"), Definition: v.Def("release_cadence")["Short"]}, h, last,
		config.SourceGitHub, func(h figures.ProductHealth) *figures.ReleaseCadence { return h.Releases },
		func(r *figures.ReleaseCadence, k *keyFigure) {
			k.Value, k.Detail = v.Int(r.Releases), v.Nf("health.releases.never", r.WindowDays, v.Int(r.WindowDays))
			if r.DaysSinceLast != nil {
				k.Detail = v.Nf("health.releases.detail", r.WindowDays, v.Int(r.WindowDays), v.Nf("health.releases.ago", *r.DaysSinceLast, v.Int(*r.DaysSinceLast)))
			}
		})

	bl := healthSignal(v, keyFigure{Label: v.T("health.backlog"), Definition: v.Def("backlog")["Short"]}, h, last,
		config.SourceGitHub, func(h figures.ProductHealth) *figures.Backlog { return h.Backlog },
		func(b *figures.Backlog, k *keyFigure) {
			k.Value, k.Detail = v.Int(b.Open), v.Tf("health.backlog.detail", v.Nf("count.issues", b.OpenIssues, v.Int(b.OpenIssues)), v.Nf("count.pulls", b.OpenPulls, v.Int(b.OpenPulls)))
			if b.MedianAgeDays != nil {
				k.Detail += "; " + v.Nf("health.backlog.age", int(math.Round(*b.MedianAgeDays)), v.Lang.Dec(*b.MedianAgeDays, 0))
			}
		})

	hy := keyFigure{Label: v.T("health.hygiene"), Value: "–", Definition: v.Def("repository_hygiene")["Short"], Detail: v.T("health.hygiene.none")}
	if y := h.Hygiene; y == nil {
		if h.NotCollected(config.SourceGitHub) {
			hy.Detail = v.T("health.notcollected")
		}
	} else {
		hy.Value = v.Tf("health.hygiene.value", v.Int(y.Licensed), v.Int(y.Repositories))
		hy.Detail = v.Tf("health.hygiene.detail", v.Int(y.Readme), v.Int(y.Contributing), v.Int(y.CodeOfConduct), v.Int(y.Security), v.Int(y.PublicCode), v.Int(y.Repositories))
		if len(y.Licenses) > 0 {
			hy.Detail += "; " + v.Tf("health.hygiene.licenses", strings.Join(y.Licenses, ", "))
		}
	}
	return []keyFigure{conc, div, ttfr, rel, bl, hy}
}

// healthSignal is one signal's key figure: shown by show when pick finds
// it in h; else "not collected" when its source never was, its value on
// the last date the data reach (in last) with that date, or "–" with how
// far the data reach.
func healthSignal[T any](v *view, k keyFigure, h figures.ProductHealth, last *figures.ProductHealth, source string,
	pick func(figures.ProductHealth) *T, show func(*T, *keyFigure)) keyFigure {
	if s := pick(h); s != nil {
		show(s, &k)
		return k
	}
	k.Value = "–"
	if h.NotCollected(source) {
		k.Detail = v.T("health.notcollected")
		return k
	}
	if last != nil {
		if s := pick(*last); s != nil {
			show(s, &k)
			k.Detail += ", " + v.Tf("coverage.lastknown", v.Lang.Date(h.CoveredUntil))
			k.Mark, k.Incomplete = v.T("coverage.note"), v.CoveredUntil(h.CoveredUntil)
			return k
		}
	}
	return v.incomplete(k, h.CoveredUntil)
}
