package figures

import (
	"cmp"
	"context"
	"errors"
	"fmt"
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

// ErrRegisterUnread is returned for a report while the adoption register
// has never been read: half of the report would be zeros that mean
// nothing.
var ErrRegisterUnread = errors.New("the adoption register has not been read yet (os2pulse collect -source register, or upload it in /admin/)")

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
	if reg, err := c.RegisterCoverage(ctx); err != nil || reg.IsZero() {
		return Report{}, cmp.Or(err, fmt.Errorf("figures: report %d: %w", year, ErrRegisterUnread))
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
