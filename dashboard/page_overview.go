package dashboard

import (
	"context"
	"net/http"

	"os2pulse/civil"
	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/report"
)

// keyFigure is one headline number with its context. An incomplete figure
// (its data do not reach its date) carries Mark and Incomplete instead of
// a change.
type keyFigure struct {
	Label      string
	Value      string
	Detail     string // what the value is out of
	Change     string // the change since a year earlier
	Definition string
	Mark       string // "Incomplete"
	Incomplete string // "data only up to …"
}

// overviewData is the overview page's content.
type overviewData struct {
	Goals                                []goalLine
	Keys                                 []keyFigure
	RegisterNote                         string
	Adoption, Distribution, ThreePlus    chart
	Contributors, ContributorSeries, Map chart
	Governance                           chart
}

// goalLine is one board goal as the overview opens with it.
type goalLine struct {
	Title, Href   string
	Status, Class string
	Value         string // "37.5% of 35.0% by 31 December 2027"
	Pace          string // where it is heading, in a sentence
}

// overviewPage opens with the board's goals, then shows the portfolio's
// key figures on the date, each with its change since the same date a
// year earlier, and the charts behind them. Contributor figures are those
// of the last date their data reach, which the page names.
func (s *Server) overviewPage(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	ago := v.YearAgo()
	from := seriesStart(v.Date)

	goals, err := s.figures.Goals(ctx, v.Date)
	if err != nil {
		return err
	}

	a, err := s.figures.Adoption(ctx, v.Date)
	if err != nil {
		return err
	}
	aAgo, err := s.figures.Adoption(ctx, ago)
	if err != nil {
		return err
	}
	m, err := s.figures.Members(ctx, v.Date)
	if err != nil {
		return err
	}
	mAgo, err := s.figures.Members(ctx, ago)
	if err != nil {
		return err
	}
	c, cAgo, err := s.lastCompleteContributors(ctx, v.Date)
	if err != nil {
		return err
	}
	ms, err := s.figures.MembersSeries(ctx, from, v.Date, figures.Month)
	if err != nil {
		return err
	}
	cs, err := s.figures.ContributorSeries(ctx, "", from, v.Date, figures.Month, s.cfg.Contributors.WindowDays)
	if err != nil {
		return err
	}
	gs, err := s.figures.GovernanceSeries(from, v.Date, figures.Month)
	if err != nil {
		return err
	}
	counts, err := s.figures.ProductCounts(ctx, v.Date)
	if err != nil {
		return err
	}
	mapChart, err := countMapChart(v, counts)
	if err != nil {
		return err
	}
	fromDay := from.String()
	return s.render(w, r, "overview", overviewData{
		Goals:             goalLines(v, goals),
		Keys:              append(overviewKeys(v, a, aAgo, m, mAgo), contributorKey(v, c, cAgo)),
		RegisterNote:      v.RegisterNote(a.RegisteredOn),
		Adoption:          v.registerChart(adoptionChart(v, a)),
		Distribution:      v.registerChart(distributionChart(v, m)),
		ThreePlus:         v.registerChart(threePlusChart(v, ms, fromDay)),
		Contributors:      contributorsChart(v, c),
		ContributorSeries: contributorSeriesChart(v, cs, fromDay, v.T("contributors.series")),
		Governance:        governanceChart(v, gs, fromDay),
		Map:               v.registerChart(mapChart),
	})
}

// lastCompleteContributors computes the contributor figures on the last
// date up to date that the portfolio's data reach, and a year before it.
// When they reach no date at all, the figures on date are returned (and
// are marked incomplete).
func (s *Server) lastCompleteContributors(ctx context.Context, date civil.Date) (c, ago figures.Contributors, err error) {
	win := s.cfg.Contributors.WindowDays
	if c, err = s.figures.Contributors(ctx, date, win); err != nil || c.PortfolioComplete {
		if err == nil {
			ago, err = s.figures.Contributors(ctx, date.AddDate(-1, 0, 0), win)
		}
		return c, ago, err
	}
	if last := figures.LastComplete(c.PortfolioCoveredUntil, date); !last.IsZero() {
		if c, err = s.figures.Contributors(ctx, last, win); err != nil {
			return c, ago, err
		}
	}
	ago, err = s.figures.Contributors(ctx, c.Date.AddDate(-1, 0, 0), win)
	return c, ago, err
}

// inProduction counts the products at least one organisation runs.
func inProduction(a figures.Adoption) int {
	n := 0
	for _, p := range a.Products {
		if p.Adopters.All > 0 {
			n++
		}
	}
	return n
}

// overviewKeys are the register's headline figures: members, products in
// production, the three-or-more share and the most adopted product's
// share of the municipalities, each against the same figure a year
// earlier.
func overviewKeys(v *view, a, aAgo figures.Adoption, m, mAgo figures.Members) []keyFigure {
	since := func(change string) string {
		return v.Tf("change.lastyear", change, v.Lang.Date(v.YearAgo()))
	}
	if v.registerUnread {
		// Nothing is known: no value, no count of members, no change.
		var keys []keyFigure
		for _, k := range []struct{ label, def string }{{"key.members", "members"}, {"key.products", "adopter"},
			{"key.threeplus", "three_plus"}, {"key.top", "adoption_share_municipalities"}} {
			keys = append(keys, keyFigure{Label: v.T(k.label), Value: "–", Detail: v.T("register.unread.short"), Definition: v.Def(k.def)["Short"]})
		}
		return keys
	}
	keys := []keyFigure{
		{
			Label: v.T("key.members"), Value: v.Int(m.Members),
			Change:     since(v.ChangeInt(m.Members - mAgo.Members)),
			Definition: v.Def("members")["Short"],
		},
		{
			Label: v.T("key.products"), Value: v.Int(inProduction(a)),
			Detail:     v.Nf("key.products.of", len(a.Products), v.Int(len(a.Products))),
			Change:     since(v.ChangeInt(inProduction(a) - inProduction(aAgo))),
			Definition: v.Def("adopter")["Short"],
		},
		{
			Label: v.T("key.threeplus"), Value: v.Pct(m.ThreePlusShare),
			Detail:     v.Nf("key.threeplus.of", m.Members, v.Int(m.ThreePlus), v.Int(m.Members)),
			Change:     since(v.ChangePoints(m.ThreePlusShare - mAgo.ThreePlusShare)),
			Definition: v.Def("three_plus")["Short"],
		},
	}
	top := keyFigure{Label: v.T("key.top"), Value: "–", Definition: v.Def("adoption_share_municipalities")["Short"]}
	if ps := byShare(a.Products); len(ps) > 0 && ps[0].Adopters.Municipalities > 0 {
		p := ps[0]
		top.Value = v.Pct(p.ShareOfMunicipalities)
		top.Detail = v.Tf("key.top.of", p.Name, v.Int(p.Adopters.Municipalities))
		for _, q := range aAgo.Products {
			if q.ID == p.ID {
				top.Change = since(v.ChangePoints(p.ShareOfMunicipalities - q.ShareOfMunicipalities))
			}
		}
	}
	return append(keys, top)
}

// contributorKey is the portfolio's active contributors: on the page's
// date when its data reach it, else on the last date they reach, named in
// the figure; marked incomplete when they reach no date. The change is
// shown only between two complete figures.
func contributorKey(v *view, c, ago figures.Contributors) keyFigure {
	k := keyFigure{
		Label: v.T("key.contributors"), Value: v.Known(c.PortfolioActiveContributors),
		Detail:     v.Nf("key.contributors.window", c.WindowDays, v.Int(c.WindowDays)),
		Definition: v.Def("active_contributors")["Short"],
	}
	if c.Date != v.Date {
		k.Detail += ", " + v.Tf("coverage.lastdate", v.Lang.Date(c.Date))
	}
	switch {
	case !c.PortfolioComplete:
		return v.incomplete(k, c.PortfolioCoveredUntil)
	case c.Date != v.Date:
		// Complete, but not about the page's date: say why.
		k.Mark, k.Incomplete = v.T("coverage.note"), v.CoveredUntil(c.PortfolioCoveredUntil)
	}
	now, ok1 := c.PortfolioActiveContributors.Get()
	then, ok2 := ago.PortfolioActiveContributors.Get()
	if ok1 && ok2 {
		k.Change = v.Tf("change.lastyear", v.ChangeInt(now-then), v.Lang.Date(ago.Date))
	}
	return k
}

// goalLines are the goals, one line each: status, value, target and
// deadline, the value marked when its data do not reach the date, and
// where it is heading.
func goalLines(v *view, goals []figures.GoalStatus) []goalLine {
	var out []goalLine
	for _, g := range goals {
		val := func(f float64) string { return v.GoalValue(g.Share, f) }
		// After the deadline the goal is judged by, and shown with, its
		// value on the deadline.
		value, line := report.GoalValue(v.Lang, g.Share, g.Judged()), "goals.line"
		if g.ValueOnDeadline != nil {
			line = "goals.line.deadline"
		} else if l := g.LastKnown; l != nil {
			value = v.Tf("coverage.lastcell", val(l.Value), v.Lang.Date(l.Date))
		}
		l := goalLine{Title: g.Title(string(v.Lang)), Href: v.Link("/goals") + "#goal-" + g.ID, Status: v.GoalStatus(g.Status),
			Class: locale.GoalStatusClass(g.Status), Value: v.Tf(line, value, val(g.Target), v.Lang.Date(g.Deadline))}
		if pace := goalPace(v, g); len(pace) > 0 {
			l.Pace = pace[0]
		}
		out = append(out, l)
	}
	return out
}
