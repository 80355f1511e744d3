package figures

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/storage"
)

// Report is the annual report of one year: the figures as of 31 December
// next to the previous year's. Every number comes from the same functions
// as the dashboard's, on dated records, so data collected later about later
// dates cannot change it.
type Report struct {
	Year         int        `json:"year"`
	Date         civil.Date `json:"date"`
	PreviousDate civil.Date `json:"previous_date"`
	Portfolio    string     `json:"portfolio"`
	Illustrative bool       `json:"illustrative"`
	// Preliminary is set for a year that has not ended yet: its figures
	// can still change and no copy is kept.
	Preliminary bool   `json:"preliminary"`
	ProducedAt  string `json:"produced_at"`
	WindowDays  int    `json:"window_days"`

	Members               ReportMembers         `json:"members"`
	Governance            []GovernanceCount     `json:"governance_levels"`
	GovernanceSeries      GovernanceSeries      `json:"governance_series"` // monthly through the year
	LevelChanges          []LevelChange         `json:"level_changes"`     // during the year
	Adoption              []ReportAdoption      `json:"adoption"`
	Distribution          ReportDistribution    `json:"distribution"`
	NonMemberAdopters     []NonMemberAdopter    `json:"non_member_adopters"`
	Contributors          []ReportContributors  `json:"contributors"`
	PortfolioContributors ReportPortfolioActive `json:"portfolio_contributors"`
	Goals                 []GoalStatus          `json:"goals"`
	Health                []ReportHealth        `json:"health"`
	Evidence              []ReportEvidence      `json:"evidence"`
	Sources               []ReportSource        `json:"sources"`

	// FirstProducedAt is when this year's report was first kept, if it
	// was; Corrections and RegisterChanges say what has changed since.
	// NotCompared are the figures left out of that comparison: not
	// complete through the report's date when the copy was kept, or not
	// now (CompleteFigures).
	FirstProducedAt string           `json:"first_produced_at,omitempty"`
	Corrections     []Correction     `json:"corrections"`
	NotCompared     []FigureRef      `json:"not_compared"`
	RegisterChanges []RegisterChange `json:"register_changes"`
}

// FigureRef names one figure of a report.
type FigureRef struct {
	Definition string `json:"definition"`
	Subject    string `json:"subject"`
	Scope      string `json:"scope,omitempty"`
}

// OrgRef names an organisation.
type OrgRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// ReportMembers is membership at the end of the year and the year before,
// with who joined and who left in between.
type ReportMembers struct {
	Current  int      `json:"current"`
	Previous int      `json:"previous"`
	Joined   []OrgRef `json:"joined"`
	Left     []OrgRef `json:"left"`
}

// GovernanceCount is the products at one governance level at the end of
// the year and of the year before, each by the level it held then.
type GovernanceCount struct {
	Level    string   `json:"level"`
	Products []string `json:"products"`
	Previous []string `json:"previous"`
}

// ReportAdoption is one product's adoption at the end of the year and the
// year before.
type ReportAdoption struct {
	Current  ProductAdoption `json:"current"`
	Previous ProductAdoption `json:"previous"`
}

// ReportDistribution is members by number of products, both years.
type ReportDistribution struct {
	Current  MembersPoint `json:"current"`
	Previous MembersPoint `json:"previous"`
}

// ReportContributors is one product's active contributors, both years.
type ReportContributors struct {
	Current  ProductContributors `json:"current"`
	Previous ProductContributors `json:"previous"`
}

// ReportPortfolioActive is the portfolio's active contributors, both
// years, each complete or not as in Contributors.
type ReportPortfolioActive struct {
	Current          Known[int]    `json:"current"`
	Previous         Known[int]    `json:"previous"`
	ByAffiliation    *Affiliations `json:"by_affiliation"`
	PrevAffiliations *Affiliations `json:"previous_by_affiliation"`
	Complete         bool          `json:"complete"`
	PreviousComplete bool          `json:"previous_complete"`
	CoveredUntil     civil.Date    `json:"covered_until,omitzero"`
	// LastKnown and PreviousLastKnown are the figures on the last date
	// the data reach, when Current or Previous is not known (nil: none).
	LastKnown         *LastContributors `json:"last_known,omitempty"`
	PreviousLastKnown *LastContributors `json:"previous_last_known,omitempty"`
}

// ReportHealth is one product's self-evaluation in force and health
// signals at the end of the year and of the year before.
type ReportHealth struct {
	Current                ProductHealth         `json:"current"`
	Previous               ProductHealth         `json:"previous"`
	SelfEvaluation         ProductSelfEvaluation `json:"governance"`
	PreviousSelfEvaluation ProductSelfEvaluation `json:"previous_governance"`
}

// RequirementsMet sums the requirements an evaluation says are met, and
// those it counts as required; zero without one.
func RequirementsMet(g ProductSelfEvaluation) (met, required int) {
	if g.Evaluation == nil {
		return 0, 0
	}
	for _, l := range g.Evaluation.Levels {
		met += l.Met
		required += l.Required
	}
	return met, required
}

// ReportSource is a data source and when it was last collected: Source is
// one of config's Source constants, Result a run result.
type ReportSource struct {
	Source    string `json:"source"`
	Detail    string `json:"detail,omitempty"`
	Collected string `json:"collected,omitempty"`
	Result    string `json:"result,omitempty"`
}

// Correction is a figure whose value differs from the one in the first
// kept copy of the year's report, as shown (FormatFigure): a difference
// below the fourth decimal is no correction. Unit says how to write Was
// and Now.
type Correction struct {
	Definition string  `json:"definition"`
	Subject    string  `json:"subject"`
	Scope      string  `json:"scope,omitempty"`
	Unit       string  `json:"unit"`
	Was        float64 `json:"was"`
	Now        float64 `json:"now"`
}

// Units of a report figure's value.
const (
	UnitCount   = "count"   // a number of things (a projection's pace may be fractional)
	UnitShare   = "share"   // a fraction 0–1, written as a percentage
	UnitSeconds = "seconds" // a duration
)

// RegisterChange is a change to the register, recorded after the report
// was first produced, that concerns a date up to the report's date.
type RegisterChange struct {
	RecordedAt   string     `json:"recorded_at"`
	Change       string     `json:"change"` // "recorded" or "retracted"
	Organization string     `json:"organization"`
	Name         string     `json:"name"`
	Product      string     `json:"product"`
	Status       string     `json:"status"`
	Since        civil.Date `json:"since"`
	Until        civil.Date `json:"until,omitzero"`
}

// ReportFigure is one figure of the report as a flat row, named by the id
// of its definition, for CSV and JSON and for comparing reports. Complete
// is false when the value or the previous one is about a date the data do
// not reach (CoveredUntil): that one is then not known (null).
type ReportFigure struct {
	Definition   string         `json:"definition"`
	Subject      string         `json:"subject"`
	Scope        string         `json:"scope,omitempty"`
	Value        Known[float64] `json:"value"`
	Previous     Known[float64] `json:"previous"`
	HasPrevious  bool           `json:"has_previous"`
	Status       string         `json:"status,omitempty"` // goals only
	Complete     bool           `json:"complete"`
	CoveredUntil civil.Date     `json:"covered_until,omitzero"`
	// LastKnown is an unknown Value's value on the last date its data
	// reach, where there is one (active contributors).
	LastKnown *LastFigure `json:"last_known,omitempty"`
	// Unit is how the value is written (UnitCount, UnitShare,
	// UnitSeconds); it follows from the figure, so it is not stored.
	Unit string `json:"-"`
}

// LastFigure is a figure's value on the last date its data reach.
type LastFigure struct {
	Value float64    `json:"value"`
	Date  civil.Date `json:"date"`
}

// Key identifies a figure across reports.
func (f ReportFigure) Key() string { return f.Definition + "|" + f.Subject + "|" + f.Scope }

// ErrYearNotBegun is returned for the report of a year after the current
// one: it can be produced (preliminary) from 1 January of that year.
var ErrYearNotBegun = errors.New("the year has not begun")

// ErrNoDataForYear is returned for the report of a year that ends before
// the first dated record: there is nothing to report.
var ErrNoDataForYear = errors.New("no data for the year")

// FirstRecord is the date of the first dated record (a membership or
// adoption start, a contribution); zero when there is none.
func (c *Calculator) FirstRecord(ctx context.Context) (civil.Date, error) {
	return cachedIn(ctx, c, "first-record", depRegister|depActivity, func() (civil.Date, error) { return c.store.FirstRecord(ctx) })
}

// ReportYears lists the years a report can be produced for as of now,
// newest first: from the current year (preliminary) back to the year of
// the first record; none without records.
func (c *Calculator) ReportYears(ctx context.Context, now time.Time) ([]int, error) {
	first, err := c.FirstRecord(ctx)
	if err != nil || first.IsZero() {
		return nil, err
	}
	var out []int
	for y := civil.Today(now).Year(); y >= max(first.Year(), 1990); y-- {
		out = append(out, y)
	}
	return out, nil
}

// checkReportYear tells whether year's report can be produced as of now.
func (c *Calculator) checkReportYear(ctx context.Context, year int, now time.Time) error {
	if year < 1990 || year > 2100 {
		return fmt.Errorf("year %d is outside 1990–2100", year)
	}
	if cur := civil.Today(now).Year(); year > cur {
		return fmt.Errorf("figures: report %d: %w (it can be produced from 1 January %d)", year, ErrYearNotBegun, year)
	}
	first, err := c.FirstRecord(ctx)
	if err != nil {
		return err
	}
	if first.IsZero() || year < first.Year() {
		return fmt.Errorf("figures: report %d: %w (first record: %s)", year, ErrNoDataForYear, first)
	}
	return nil
}

// Report computes the annual report of year as of now (its date in
// Denmark decides whether the year has ended). A year after the current
// one gives ErrYearNotBegun, one before the first record ErrNoDataForYear.
func (c *Calculator) Report(ctx context.Context, year int, now time.Time) (Report, error) {
	if err := c.checkReportYear(ctx, year, now); err != nil {
		return Report{}, err
	}
	date := civil.New(year, 12, 31)
	prev := civil.New(year-1, 12, 31)
	w := c.cfg.Contributors.WindowDays
	r := Report{
		Year: year, Date: date, PreviousDate: prev,
		Portfolio: c.cfg.Portfolio.Name, Illustrative: c.cfg.Portfolio.Illustrative,
		Preliminary: !civil.Today(now).After(date), ProducedAt: storage.Stamp(now), WindowDays: w,
		Corrections: []Correction{}, NotCompared: []FigureRef{}, RegisterChanges: []RegisterChange{},
	}

	mem, err := c.Members(ctx, date)
	if err != nil {
		return r, err
	}
	pmem, err := c.Members(ctx, prev)
	if err != nil {
		return r, err
	}
	joined, left, err := c.memberChanges(ctx, prev, date)
	if err != nil {
		return r, err
	}
	r.Members = ReportMembers{Current: mem.Members, Previous: pmem.Members, Joined: joined, Left: left}
	r.Distribution = ReportDistribution{
		Current:  MembersPoint{Date: mem.Date, Members: mem.Members, ThreePlus: mem.ThreePlus, ThreePlusShare: mem.ThreePlusShare, Distribution: mem.Distribution},
		Previous: MembersPoint{Date: pmem.Date, Members: pmem.Members, ThreePlus: pmem.ThreePlus, ThreePlusShare: pmem.ThreePlusShare, Distribution: pmem.Distribution},
	}
	r.NonMemberAdopters = mem.NonMemberAdopters

	for _, level := range GovernanceLevels {
		r.Governance = append(r.Governance, GovernanceCount{Level: level,
			Products: c.ProductsAtLevel(level, date), Previous: c.ProductsAtLevel(level, prev)})
	}
	if r.GovernanceSeries, err = c.GovernanceSeries(civil.New(year, 1, 1), date, Month); err != nil {
		return r, err
	}
	r.LevelChanges = c.LevelChanges(civil.New(year, 1, 1), date)

	ad, err := c.Adoption(ctx, date)
	if err != nil {
		return r, err
	}
	pad, err := c.Adoption(ctx, prev)
	if err != nil {
		return r, err
	}
	for i, p := range ad.Products {
		r.Adoption = append(r.Adoption, ReportAdoption{Current: p, Previous: pad.Products[i]})
	}

	ac, err := c.Contributors(ctx, date, w)
	if err != nil {
		return r, err
	}
	pac, err := c.Contributors(ctx, prev, w)
	if err != nil {
		return r, err
	}
	for i, p := range ac.Products {
		r.Contributors = append(r.Contributors, ReportContributors{Current: p, Previous: pac.Products[i]})
	}
	r.PortfolioContributors = ReportPortfolioActive{
		Current: ac.PortfolioActiveContributors, Previous: pac.PortfolioActiveContributors,
		ByAffiliation: ac.PortfolioByAffiliation, PrevAffiliations: pac.PortfolioByAffiliation,
		Complete: ac.PortfolioComplete, PreviousComplete: pac.PortfolioComplete, CoveredUntil: ac.PortfolioCoveredUntil,
		LastKnown: ac.PortfolioLastKnown, PreviousLastKnown: pac.PortfolioLastKnown,
	}

	if r.Goals, err = c.Goals(ctx, date); err != nil {
		return r, err
	}
	if r.Goals == nil {
		r.Goals = []GoalStatus{}
	}
	if r.Health, err = c.reportHealth(ctx, date, prev); err != nil {
		return r, err
	}
	if r.Evidence, err = c.reportEvidence(ctx, date); err != nil {
		return r, err
	}
	if r.Sources, err = c.reportSources(ctx); err != nil {
		return r, err
	}
	return r, nil
}

// reportHealth is every product's governance and health on date and on
// prev.
func (c *Calculator) reportHealth(ctx context.Context, date, prev civil.Date) ([]ReportHealth, error) {
	h, err := c.Health(ctx, date)
	if err != nil {
		return nil, err
	}
	ph, err := c.Health(ctx, prev)
	if err != nil {
		return nil, err
	}
	g, err := c.SelfEvaluations(ctx, date)
	if err != nil {
		return nil, err
	}
	pg, err := c.SelfEvaluations(ctx, prev)
	if err != nil {
		return nil, err
	}
	out := []ReportHealth{}
	for i := range h.Products {
		out = append(out, ReportHealth{Current: h.Products[i], Previous: ph.Products[i], SelfEvaluation: g.Products[i], PreviousSelfEvaluation: pg.Products[i]})
	}
	return out, nil
}

// memberChanges returns the organisations that are members on to but were
// not on from (joined) and the reverse (left).
func (c *Calculator) memberChanges(ctx context.Context, from, to civil.Date) (joined, left []OrgRef, err error) {
	d, err := c.register(ctx)
	if err != nil {
		return nil, nil, err
	}
	before, after := memberSet(d.memberships, from), memberSet(d.memberships, to)
	ref := func(id string) OrgRef {
		o := d.orgs[id]
		return OrgRef{ID: id, Name: o.Name, Kind: o.Kind}
	}
	joined, left = []OrgRef{}, []OrgRef{}
	for id := range after {
		if !before[id] {
			joined = append(joined, ref(id))
		}
	}
	for id := range before {
		if !after[id] {
			left = append(left, ref(id))
		}
	}
	sortOrgRefs(joined)
	sortOrgRefs(left)
	return joined, left, nil
}

// reportSources lists the sources with their last collection. The
// register's detail is what its last import read; a register imported
// only by hand ("os2pulse register import") shows that import.
func (c *Calculator) reportSources(ctx context.Context) ([]ReportSource, error) {
	runs, err := c.store.LastRuns(ctx)
	if err != nil {
		return nil, err
	}
	imports, err := c.store.RegisterImports(ctx)
	if err != nil {
		return nil, err
	}
	out := []ReportSource{}
	register := false
	for _, run := range runs {
		src := ReportSource{Source: run.Source, Collected: run.EndedAt, Result: run.Result}
		if run.Source == config.SourceRegister && len(imports) > 0 {
			src.Detail, register = RegisterFileNames(imports[0].Source), true
		}
		out = append(out, src)
	}
	if !register && len(imports) > 0 {
		out = append(out, ReportSource{Source: config.SourceRegister, Detail: RegisterFileNames(imports[0].Source), Collected: imports[0].ImportedAt, Result: RunSuccess})
	}
	return out, nil
}

// Figures flattens the report into rows, one per figure, each named by its
// definition id.
func (r Report) Figures() []ReportFigure {
	var out []ReportFigure
	// addK adds a figure with its value and the previous year's, each
	// known or not; it is complete only when both are known.
	addK := func(def, subject, scope string, v, p Known[float64]) {
		out = append(out, ReportFigure{Definition: def, Subject: subject, Scope: scope, Value: v, Previous: p, HasPrevious: true,
			Complete: v.OK() && p.OK(), Unit: UnitCount})
	}
	add := func(def, subject, scope string, v, p float64) { addK(def, subject, scope, Know(v), Know(p)) }
	addNow := func(def, subject, scope string, v float64) {
		out = append(out, ReportFigure{Definition: def, Subject: subject, Scope: scope, Value: Know(v), Complete: true, Unit: UnitCount})
	}
	// unit sets the unit of the row added last; covered its coverage
	// when it is incomplete.
	unit := func(u string) { out[len(out)-1].Unit = u }
	covered := func(d civil.Date) {
		if f := &out[len(out)-1]; !f.Complete {
			f.CoveredUntil = d
		}
	}
	count := func(k Known[int]) Known[float64] {
		n, ok := k.Get()
		return KnownIf(float64(n), ok)
	}
	aff := func(a *Affiliations, pick func(Affiliations) int) Known[float64] {
		if a == nil {
			return Known[float64]{}
		}
		return Know(float64(pick(*a)))
	}
	member := func(a Affiliations) int { return a.Member }
	supplier := func(a Affiliations) int { return a.Supplier }
	other := func(a Affiliations) int { return a.Unknown }
	// signal is a health signal's value, not known when the signal is not.
	signal := func(known bool, v float64) Known[float64] { return KnownIf(v, known) }

	add("members", "portfolio", "", float64(r.Members.Current), float64(r.Members.Previous))
	addNow("members_change", "portfolio", "joined", float64(len(r.Members.Joined)))
	addNow("members_change", "portfolio", "left", float64(len(r.Members.Left)))
	for _, g := range r.Governance {
		add("governance_level", g.Level, "", float64(len(g.Products)), float64(len(g.Previous)))
	}
	for _, a := range r.Adoption {
		id := a.Current.ID
		add("adopter", id, "municipalities", float64(a.Current.Adopters.Municipalities), float64(a.Previous.Adopters.Municipalities))
		add("adopter", id, "members", float64(a.Current.Adopters.Members), float64(a.Previous.Adopters.Members))
		add("adopter", id, "all", float64(a.Current.Adopters.All), float64(a.Previous.Adopters.All))
		add("adoption_share_municipalities", id, "", a.Current.ShareOfMunicipalities, a.Previous.ShareOfMunicipalities)
		unit(UnitShare)
		add("adoption_share_members", id, "", a.Current.ShareOfMembers, a.Previous.ShareOfMembers)
		unit(UnitShare)
		add("pilots_planned", id, "pilot", float64(a.Current.Pilots), float64(a.Previous.Pilots))
		add("pilots_planned", id, "planned", float64(a.Current.Planned), float64(a.Previous.Planned))
	}
	for _, k := range DistributionKeys {
		add("product_counts", k, "", float64(r.Distribution.Current.Distribution[k]), float64(r.Distribution.Previous.Distribution[k]))
	}
	add("three_plus", "portfolio", "count", float64(r.Distribution.Current.ThreePlus), float64(r.Distribution.Previous.ThreePlus))
	add("three_plus", "portfolio", "share", r.Distribution.Current.ThreePlusShare, r.Distribution.Previous.ThreePlusShare)
	unit(UnitShare)
	addNow("non_member_adopters", "portfolio", "", float64(len(r.NonMemberAdopters)))
	for _, n := range r.NonMemberAdopters {
		addNow("non_member_adopters", n.Organization, "products", float64(len(n.Products)))
	}
	// last gives the row added last, when its value is not known, the
	// value on the last date its data reach.
	last := func(l *LastContributors, pick func(Affiliations) int) {
		if f := &out[len(out)-1]; !f.Value.OK() && l != nil {
			v := l.ActiveContributors
			if pick != nil {
				v = pick(l.ByAffiliation)
			}
			f.LastKnown = &LastFigure{Value: float64(v), Date: l.Date}
		}
	}
	for _, ct := range r.Contributors {
		id, cur, prev := ct.Current.ID, ct.Current, ct.Previous
		addK("active_contributors", id, "all", count(cur.ActiveContributors), count(prev.ActiveContributors))
		covered(cur.CoveredUntil)
		last(cur.LastKnown, nil)
		addK("active_contributors", id, "member", aff(cur.ByAffiliation, member), aff(prev.ByAffiliation, member))
		covered(cur.CoveredUntil)
		last(cur.LastKnown, member)
		addK("active_contributors", id, "supplier", aff(cur.ByAffiliation, supplier), aff(prev.ByAffiliation, supplier))
		covered(cur.CoveredUntil)
		last(cur.LastKnown, supplier)
		addK("active_contributors", id, "unknown", aff(cur.ByAffiliation, other), aff(prev.ByAffiliation, other))
		covered(cur.CoveredUntil)
		last(cur.LastKnown, other)
	}
	pc := r.PortfolioContributors
	addK("active_contributors", "portfolio", "all", count(pc.Current), count(pc.Previous))
	covered(pc.CoveredUntil)
	last(pc.LastKnown, nil)
	addK("active_contributors", "portfolio", "member", aff(pc.ByAffiliation, member), aff(pc.PrevAffiliations, member))
	covered(pc.CoveredUntil)
	last(pc.LastKnown, member)
	addK("active_contributors", "portfolio", "supplier", aff(pc.ByAffiliation, supplier), aff(pc.PrevAffiliations, supplier))
	covered(pc.CoveredUntil)
	last(pc.LastKnown, supplier)
	addK("active_contributors", "portfolio", "unknown", aff(pc.ByAffiliation, other), aff(pc.PrevAffiliations, other))
	covered(pc.CoveredUntil)
	last(pc.LastKnown, other)
	for _, h := range r.Health {
		id, cur, prev := h.Current.Product, h.Current, h.Previous
		if h.SelfEvaluation.Evaluation != nil {
			met, req := RequirementsMet(h.SelfEvaluation)
			pmet, preq := RequirementsMet(h.PreviousSelfEvaluation)
			add("self_evaluation", id, "met", float64(met), float64(pmet))
			add("self_evaluation", id, "required", float64(req), float64(preq))
		}
		var cc, pcc Concentration
		if cur.Concentration != nil {
			cc = *cur.Concentration
		}
		if prev.Concentration != nil {
			pcc = *prev.Concentration
		}
		addK("contributor_concentration", id, "", signal(cur.Concentration != nil, float64(cc.Persons)), signal(prev.Concentration != nil, float64(pcc.Persons)))
		covered(cur.CoveredUntil)
		var cd, pd Diversity
		if cur.Diversity != nil {
			cd = *cur.Diversity
		}
		if prev.Diversity != nil {
			pd = *prev.Diversity
		}
		addK("organizational_diversity", id, "organizations", signal(cur.Diversity != nil, float64(cd.Organizations)), signal(prev.Diversity != nil, float64(pd.Organizations)))
		covered(cur.CoveredUntil)
		addK("organizational_diversity", id, "largest_share", signal(cur.Diversity != nil && cd.Organizations > 0, cd.LargestShare),
			signal(prev.Diversity != nil && pd.Organizations > 0, pd.LargestShare))
		unit(UnitShare)
		covered(cur.CoveredUntil)
		if fr := cur.FirstResponse; fr != nil && fr.MedianSeconds != nil {
			f := ReportFigure{Definition: "time_to_first_response", Subject: id, Scope: "median_seconds", Value: Know(*fr.MedianSeconds), Complete: true, Unit: UnitSeconds}
			if pf := prev.FirstResponse; pf != nil && pf.MedianSeconds != nil {
				f.Previous, f.HasPrevious = Know(*pf.MedianSeconds), true
			}
			out = append(out, f)
		}
		var cr, pr ReleaseCadence
		if cur.Releases != nil {
			cr = *cur.Releases
		}
		if prev.Releases != nil {
			pr = *prev.Releases
		}
		addK("release_cadence", id, "releases", signal(cur.Releases != nil, float64(cr.Releases)), signal(prev.Releases != nil, float64(pr.Releases)))
		covered(cur.CoveredUntil)
		var cb, pb Backlog
		if cur.Backlog != nil {
			cb = *cur.Backlog
		}
		if prev.Backlog != nil {
			pb = *prev.Backlog
		}
		addK("backlog", id, "open", signal(cur.Backlog != nil, float64(cb.Open)), signal(prev.Backlog != nil, float64(pb.Open)))
		covered(cur.CoveredUntil)
		var ch, ph Hygiene
		if cur.Hygiene != nil {
			ch = *cur.Hygiene
		}
		if prev.Hygiene != nil {
			ph = *prev.Hygiene
		}
		addK("repository_hygiene", id, "licensed", signal(cur.Hygiene != nil, float64(ch.Licensed)), signal(prev.Hygiene != nil, float64(ph.Licensed)))
	}
	for _, g := range r.Goals {
		gu := UnitCount
		if g.Share {
			gu = UnitShare
		}
		addGoal := func(def, scope string, v Known[float64]) {
			out = append(out, ReportFigure{Definition: def, Subject: g.ID, Scope: scope, Value: v, Complete: v.OK(), Unit: gu})
			covered(g.CoveredUntil)
		}
		out = append(out, ReportFigure{Definition: "goal", Subject: g.ID, Scope: "value", Value: g.Value, Status: g.Status,
			Complete: g.Complete, CoveredUntil: g.CoveredUntil, Unit: gu})
		if g.ValueOnDeadline != nil {
			addGoal("goal", "value_on_deadline", *g.ValueOnDeadline)
		}
		addGoal("goal", "target", Know(g.Target))
		addGoal("goal", "baseline", g.Baseline)
		if p := g.Projection; p != nil {
			addGoal("projection", "at_deadline", Know(p.AtDeadline))
			addGoal("projection", "per_month", Know(p.PerMonth))
			addGoal("projection", "needed_per_month", Know(p.NeededPerMonth))
		}
	}
	return out
}

// ProduceReport computes the report of year and compares it with the
// first copy kept of it, listing the figures that changed since and the
// register changes behind them. It only reads: keeping a copy is
// done by "os2pulse report -keep" or the schedule at the turn of the year
// (with FiguresToKeep), never by someone viewing a page.
func (c *Calculator) ProduceReport(ctx context.Context, year int, now time.Time) (Report, error) {
	r, err := c.Report(ctx, year, now)
	if err != nil {
		return r, err
	}
	first, err := c.store.FirstReport(ctx, year)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return r, nil
	case err != nil:
		return r, err
	}
	r.FirstProducedAt = first.ProducedAt
	var was []ReportFigure
	if err := json.Unmarshal([]byte(first.Figures), &was); err != nil {
		return r, fmt.Errorf("figures: reading the kept copy of report %d: %w", year, err)
	}
	r.Corrections, r.NotCompared = corrections(was, r.Figures())
	if r.RegisterChanges, err = c.registerChangesSince(ctx, first.ProducedAt, r.Date); err != nil {
		return r, err
	}
	return r, nil
}

// ErrYearNotFinished is returned when a copy of a year's report is asked
// for before the year has ended: its figures can still change.
var ErrYearNotFinished = errors.New("the year has not ended yet")

// CompleteFigures is the rule of what a kept copy of a report holds and
// what corrections compare: the figures whose data reach the report's
// date (31 December) for both years they show. The others (complete
// false: a contributor figure or health signal whose repositories'
// history does not reach that far) count only what was known, so a later
// collection would "correct" them without anything having been wrong;
// they are left out and marked instead. Any caller that keeps or
// compares reports decides by it.
func CompleteFigures(figs []ReportFigure) (complete, incomplete []ReportFigure) {
	for _, f := range figs {
		if f.Complete {
			complete = append(complete, f)
		} else {
			incomplete = append(incomplete, f)
		}
	}
	return complete, incomplete
}

// FiguresToKeep returns a finished year's figures as a kept copy holds
// them (JSON), for the command and the schedule that keep copies: later
// corrections to the register are listed against what was published.
// The copy holds the values of the complete figures only
// (CompleteFigures). Figures only read; storing the copy is the caller's.
func (c *Calculator) FiguresToKeep(ctx context.Context, year int, now time.Time) (string, error) {
	r, err := c.Report(ctx, year, now)
	if err != nil {
		return "", err
	}
	if r.Preliminary {
		return "", fmt.Errorf("figures: keeping report %d: %w", year, ErrYearNotFinished)
	}
	keep, incomplete := CompleteFigures(r.Figures())
	// The incomplete ones are kept by name only, marked, so that a
	// comparison can say they were left out.
	for _, f := range incomplete {
		keep = append(keep, ReportFigure{Definition: f.Definition, Subject: f.Subject, Scope: f.Scope, CoveredUntil: f.CoveredUntil})
	}
	b, err := json.Marshal(keep)
	if err != nil {
		return "", fmt.Errorf("figures: keeping report %d: %w", year, err)
	}
	return string(b), nil
}

// corrections lists the figures of now whose value, as written
// (FormatFigure), differs from the kept copy was, and the figures not
// compared because they are incomplete in either. A figure the copy does
// not have (a non-member adopter found since) is neither: the register
// changes list what brought it.
func corrections(was, now []ReportFigure) ([]Correction, []FigureRef) {
	old := map[string]ReportFigure{}
	for _, f := range was {
		old[f.Key()] = f
	}
	out, left := []Correction{}, []FigureRef{}
	for _, f := range now {
		o, ok := old[f.Key()]
		switch {
		case !ok:
		case !o.Complete || !f.Complete:
			left = append(left, FigureRef{Definition: f.Definition, Subject: f.Subject, Scope: f.Scope})
		case !o.Value.OK() || !f.Value.OK():
			left = append(left, FigureRef{Definition: f.Definition, Subject: f.Subject, Scope: f.Scope})
		case FormatKnown(o.Value) != FormatKnown(f.Value):
			was, _ := o.Value.Get()
			now, _ := f.Value.Get()
			out = append(out, Correction{Definition: f.Definition, Subject: f.Subject, Scope: f.Scope, Unit: f.Unit, Was: was, Now: now})
		}
	}
	return out, left
}

// registerChangesSince lists adoption records recorded or retracted after
// since that concern a period starting on or before date.
func (c *Calculator) registerChangesSince(ctx context.Context, since string, date civil.Date) ([]RegisterChange, error) {
	hist, err := c.store.AdoptionHistory(ctx)
	if err != nil {
		return nil, err
	}
	d, err := c.register(ctx)
	if err != nil {
		return nil, err
	}
	out := []RegisterChange{}
	for _, h := range hist {
		if h.Since.After(date) {
			continue
		}
		ch := RegisterChange{Organization: h.OrganizationID, Name: d.orgs[h.OrganizationID].Name, Product: h.ProductID,
			Status: h.Status, Since: h.Since, Until: h.Until}
		if h.RecordedAt > since {
			ch.Change, ch.RecordedAt = "recorded", h.RecordedAt
			out = append(out, ch)
		}
		if h.RetractedAt != "" && h.RetractedAt > since {
			ch.Change, ch.RecordedAt = "retracted", h.RetractedAt
			out = append(out, ch)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].RecordedAt < out[j].RecordedAt })
	return out, nil
}

// FormatKnown is FormatFigure of a figure that may not be known: an empty
// string (an empty CSV cell) when it is not.
func FormatKnown(k Known[float64]) string {
	v, ok := k.Get()
	if !ok {
		return ""
	}
	return FormatFigure(v)
}

// FormatFigure writes a figure value the way CSV and JSON carry it: whole
// numbers without decimals, shares with four.
func FormatFigure(v float64) string {
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', 4, 64)
}
