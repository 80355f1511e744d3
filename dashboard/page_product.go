package dashboard

import (
	"net/http"
	"net/url"

	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/table"
)

// productData is the product page's content.
type productData struct {
	ID, Name     string
	Governance   string // the level on the page's date
	Levels       string // the level history, when the level is dated
	Focus        bool
	RegisterNote string
	Keys         []keyFigure

	Series, Map                    chart
	Adopters                       []table.Table // in production, pilot, planned
	Affiliation, ContributorSeries chart
	Repositories                   table.Table
	ActivityNote                   string

	// The product's own governance self-evaluation (nil: none by the
	// date) and its health signals.
	SelfEval     *selfEvalView
	HealthKeys   []keyFigure
	SelfEvalNone string
	// Evidence: the product's answers beside what the data show.
	Evidence *evidenceView
	// Its repositories' publiccode.yml files, and the proposed one.
	PublicCode *publicCodeView
}

// productPage shows one product: who runs it (list and map), its adopters
// over time, pilots and planned uses, its repositories and who works on
// them.
func (s *Server) productPage(w http.ResponseWriter, r *http.Request, v *view) error {
	id := r.PathValue("id")
	p, ok := s.cfg.Product(id)
	if !ok {
		if p, ok := productByFold(s.cfg, id); ok {
			return &redirect{to: "/products/" + url.PathEscape(p.ID), query: r.URL.RawQuery}
		}
		err := &pageError{Status: http.StatusNotFound, Msg: v.Tf("error.product", id)}
		if p, ok := nearestProduct(s.cfg, id); ok {
			err.SuggestPath, err.SuggestName = "/products/"+url.PathEscape(p.ID), p.Name
		}
		return err
	}
	ctx := r.Context()
	win := s.cfg.Contributors.WindowDays
	from := seriesStart(v.Date)
	fromDay := from.String()

	a, err := s.figures.Adoption(ctx, v.Date)
	if err != nil {
		return err
	}
	var pa figures.ProductAdoption
	for _, q := range a.Products {
		if q.ID == id {
			pa = q
		}
	}
	series, err := s.figures.AdoptionSeries(ctx, id, from, v.Date, figures.Month)
	if err != nil {
		return err
	}
	adopters, err := s.figures.ProductAdopters(ctx, id, v.Date)
	if err != nil {
		return err
	}
	act, err := s.figures.ProductActivity(ctx, id, v.Date, win)
	if err != nil {
		return err
	}
	// Figures whose data stop before the date show their value on the
	// last date the data reach, as the active contributors do.
	var lastAct *figures.ProductActivity
	if !act.Complete && !act.CoveredUntil.IsZero() {
		la, err := s.figures.ProductActivity(ctx, id, act.CoveredUntil, win)
		if err != nil {
			return err
		}
		lastAct = &la
	}
	cs, err := s.figures.ContributorSeries(ctx, id, from, v.Date, figures.Month, win)
	if err != nil {
		return err
	}
	statuses, err := s.figures.ProductStatuses(ctx, id, v.Date)
	if err != nil {
		return err
	}
	mapChart, err := productMapChart(v, p.ID, p.Name, statuses)
	if err != nil {
		return err
	}
	gov, err := s.figures.ProductSelfEvaluation(ctx, id, v.Date)
	if err != nil {
		return err
	}
	health, err := s.figures.ProductHealth(ctx, id, v.Date)
	if err != nil {
		return err
	}
	// Signals whose data stop before the date show their value on the
	// last date the data reach.
	var lastHealth *figures.ProductHealth
	if !health.Complete && !health.CoveredUntil.IsZero() {
		h, err := s.figures.ProductHealth(ctx, id, health.CoveredUntil)
		if err != nil {
			return err
		}
		lastHealth = &h
	}
	evidence, err := s.figures.ProductEvidence(ctx, id, v.Date)
	if err != nil {
		return err
	}
	pc, err := s.figures.ProductPublicCode(ctx, id, v.Date)
	if err != nil {
		return err
	}
	proposal, err := s.figures.PublicCodeProposal(ctx, id, v.Date)
	if err != nil {
		return err
	}

	d := productData{
		ID: p.ID, Name: p.Name, Governance: v.Governance(p.LevelOn(v.Date)), Levels: levelHistory(v, p.Levels), Focus: p.Focus,
		RegisterNote: v.RegisterNote(a.RegisteredOn),
		Keys: []keyFigure{
			{
				Label: v.T("product.adopters"), Value: v.RegisterInt(pa.Adopters.All),
				Detail: v.Tf("product.adopters.detail", v.Nf("count.municipalities", pa.Adopters.Municipalities, v.Int(pa.Adopters.Municipalities)),
					v.Nf("count.members", pa.Adopters.Members, v.Int(pa.Adopters.Members)), v.Int(pa.Adopters.All)),
				Definition: v.Def("adopter")["Short"],
			},
			{
				Label: v.T("product.share"), Value: v.RegisterPct(pa.ShareOfMunicipalities),
				Detail:     v.Tf("key.top.of", p.Name, v.Int(pa.Adopters.Municipalities)),
				Definition: v.Def("adoption_share_municipalities")["Short"],
			},
			{
				Label: v.T("product.pilots"), Value: v.RegisterInt(pa.Pilots + pa.Planned),
				Detail: v.Tf("product.pilots.detail", v.Nf("count.pilots", pa.Pilots, v.Int(pa.Pilots)), v.Nf("count.planned", pa.Planned, v.Int(pa.Planned))),
			},
			activeKey(v, act),
			concentrationKey(v, act, lastAct),
		},
		Series:            v.registerChart(adoptionSeriesChart(v, series, fromDay)),
		Map:               v.registerChart(mapChart),
		Adopters:          adopterTables(v, p.Name, adopters),
		Affiliation:       affiliationChart(v, act),
		ContributorSeries: contributorSeriesChart(v, cs, fromDay, v.T("contributors.series.prod")),
		Repositories:      repositoryTable(v, act),
		ActivityNote:      v.Nf("product.repos.window", act.WindowDays, v.Int(act.WindowDays), v.DateText()),
		SelfEval:          selfEvaluation(v, gov),
		SelfEvalNone:      v.Tf("selfeval.none", levelText(v, gov.ConfiguredLevel)),
		HealthKeys:        healthKeys(v, health, lastHealth),
		Evidence:          evidenceOf(v, evidence),
		PublicCode:        publicCodeSection(v, pc, proposal),
	}
	if v.registerUnread {
		// The register's three: no counts in their details either.
		for i := range 3 {
			d.Keys[i].Detail = v.T("register.unread.short")
		}
	}
	if !act.Complete {
		d.ActivityNote += " " + v.coverageNote(act.CoveredUntil)
	}
	return s.render(w, r, "product", d)
}

// levelHistory writes a dated level history ("Sandbox from 1 March 2021,
// Governance level 1 from 15 June 2023"); "" for a level for all dates.
func levelHistory(v *view, levels []config.LevelPeriod) string {
	if len(levels) == 0 {
		return ""
	}
	var parts []string
	for _, l := range levels {
		parts = append(parts, v.Tf("governance.since", v.Governance(l.Level), v.Lang.Date(l.Since)))
	}
	return v.Tf("governance.history", locale.List(parts))
}

// activeKey is the product's active contributors. When its data do not
// reach the date the headline is the count on the last date they reach,
// with that date, else "–".
func activeKey(v *view, act figures.ProductActivity) keyFigure {
	k := keyFigure{
		Label: v.T("product.active"), Value: v.Known(act.ActiveContributors),
		Detail:     v.Nf("key.contributors.window", act.WindowDays, v.Int(act.WindowDays)),
		Definition: v.Def("active_contributors")["Short"],
	}
	if act.Complete {
		return k
	}
	if value, date, ok := v.lastKnown(act.LastKnown); ok {
		k.Value, k.Detail = value, k.Detail+", "+date
		k.Mark, k.Incomplete = v.T("coverage.note"), v.CoveredUntil(act.CoveredUntil)
		return k
	}
	if act.CoveredUntil.IsZero() {
		k.Detail = v.T("health.notcollected")
		return k
	}
	return v.incomplete(k, act.CoveredUntil)
}

// concentrationKey says how many persons make half of the contributions;
// with no contributions in the window there is nothing to say. When the
// data stop before the date it is the value on the last date they reach
// (last), with that date, as the active contributors beside it.
func concentrationKey(v *view, act figures.ProductActivity, last *figures.ProductActivity) keyFigure {
	k := keyFigure{Label: v.T("product.concentration"), Definition: v.Def("concentration")["Short"], Value: "–"}
	n, known := act.Contributions.Get()
	switch {
	case !known && act.CoveredUntil.IsZero():
		k.Detail = v.T("health.notcollected")
	case !known && last != nil && last.Complete:
		k = concentrationKey(v, *last, nil)
		k.Detail += ", " + v.Tf("coverage.lastknown", v.Lang.Date(last.Date))
		k.Mark, k.Incomplete = v.T("coverage.note"), v.CoveredUntil(act.CoveredUntil)
	case !known:
		return v.incomplete(k, act.CoveredUntil)
	case n == 0:
		k.Detail = v.T("product.concentration.none")
	default:
		k.Value, k.Detail = v.Known(act.Concentration), v.Nf("product.concentration.of", n, v.Int(n))
	}
	return k
}

// adopterTables lists the organisations running, piloting and planning the
// product, one table each.
func adopterTables(v *view, name string, adopters []figures.Adopter) []table.Table {
	var out []table.Table
	for _, status := range []string{figures.StatusProduction, figures.StatusPilot, figures.StatusPlanned} {
		t := table.Table{
			Caption: v.T("product.who."+status) + ": " + name,
			Head:    []string{v.T("th.organization"), v.T("th.kind"), v.T("th.member"), v.T("th.since")},
		}
		for _, a := range adopters {
			if a.Status != status {
				continue
			}
			member := v.T("no")
			if a.Member {
				member = v.T("yes")
			}
			t.Rows = append(t.Rows, []table.Cell{table.Link(a.Name, v.Link("/organizations/"+a.Organization)),
				table.Text(v.T("kind." + a.Kind)), table.Text(member), table.Date(v.Lang, a.Since)})
		}
		switch {
		case v.registerUnread:
			t.Note = v.T("register.unread.short")
		case len(t.Rows) == 0:
			t.Note = v.T("product.none")
		}
		out = append(out, t)
	}
	return out
}

// repositoryTable lists the product's repositories with their activity in
// the window. Descriptions come from GitHub and are shown as text.
func repositoryTable(v *view, act figures.ProductActivity) table.Table {
	t := table.Table{
		Caption: v.T("product.repos"),
		Head: []string{v.T("th.repo"), v.T("th.description"), v.T("th.status"), v.T("th.commits"), v.T("th.prs"),
			v.T("th.issues"), v.T("th.reviews"), v.T("th.contributors"), v.T("th.last"), v.T("th.stars"), v.T("th.release")},
	}
	for _, r := range act.Repositories {
		status := v.T("repo." + r.Status)
		if r.Archived {
			status += ", " + v.T("repo.archived")
		}
		t.Rows = append(t.Rows, []table.Cell{
			table.Link(r.FullName, r.URL), table.Text(r.Description), table.Text(status),
			v.countCell(r.Commits), v.countCell(r.PullRequests), v.countCell(r.Issues), v.countCell(r.Reviews),
			v.countCell(r.Contributors), table.Date(v.Lang, r.LastActivity), v.countCell(r.Stars), table.Text(r.LatestTag),
		})
	}
	if len(t.Rows) == 0 {
		t.Note = v.T("product.repos.none")
	}
	return t
}
