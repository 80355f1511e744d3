package figures

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sync/errgroup"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/selfeval"
	"os2pulse/storage"
)

// Governance evidence: per product and requirement of OS2's governance
// model, what the product's own self-evaluation says beside what the
// collected data show (the checks are in evidence_checks.go, the table of
// requirements they speak to in evidence_table.go). Computed from stored
// data only, as of any date.

// RequirementEvidence is one requirement of one product: its own answer,
// the verdict of the data and the evidence.
type RequirementEvidence struct {
	ID             string `json:"id"`
	Level          string `json:"level"`
	Category       string `json:"category"`
	Recommendation bool   `json:"recommendation"`
	Text           string `json:"text"`
	// Answer is the state the product's self-evaluation in force gives
	// the requirement; "" when it has none or the requirement is not in it.
	Answer string `json:"answer"`
	// Check is what the data are checked for; "" when no check speaks to
	// the requirement (the verdict is then cannot tell).
	Check    string    `json:"check,omitempty"`
	Verdict  string    `json:"verdict"`
	Findings []Finding `json:"findings"`
	// Disagrees when the product says the requirement is met and the data
	// find no evidence, or says it is not (or only planned) and they find it.
	Disagrees bool `json:"disagrees"`
}

// EvidenceChange is a requirement whose answer or verdict moved since the
// previous half-year.
type EvidenceChange struct {
	ID            string `json:"id"`
	AnswerBefore  string `json:"answer_before"`
	Answer        string `json:"answer"`
	VerdictBefore string `json:"verdict_before"`
	Verdict       string `json:"verdict"`
}

// ProductEvidence is one product's requirements on a date, disagreements
// first, then in OS2's order (level, category, number).
type ProductEvidence struct {
	Product         string `json:"product"`
	Name            string `json:"name"`
	ConfiguredLevel string `json:"configured_level"` // "" before its first level
	// Evaluated is the filled date of the self-evaluation in force; zero
	// (omitted) when the product has none by the date.
	Evaluated     civil.Date            `json:"evaluated,omitzero"`
	Requirements  []RequirementEvidence `json:"requirements"`
	Disagreements int                   `json:"disagreements"`
	Found         int                   `json:"found"`
	NotFound      int                   `json:"not_found"`
	CannotTell    int                   `json:"cannot_tell"`
	// NextLevel is the level above the configured one ("" at level 3), and
	// NextLevelNeeds its requirements not met: not answered met, or
	// answered met with no evidence found.
	NextLevel      string                `json:"next_level,omitempty"`
	NextLevelNeeds []RequirementEvidence `json:"next_level_needs"`
	// Since is the date half a year before; EvaluatedBefore the filled
	// date of the self-evaluation in force then (zero: none); Changes the
	// requirements whose verdict moved from then, or whose answer did
	// when there was an evaluation then to compare with.
	Since           civil.Date       `json:"since"`
	EvaluatedBefore civil.Date       `json:"evaluated_before,omitzero"`
	Changes         []EvidenceChange `json:"changes"`
}

// Evidence is every product's governance evidence on a date.
type Evidence struct {
	Date     civil.Date        `json:"date"`
	Products []ProductEvidence `json:"products"`
}

// Evidence computes every configured product's governance evidence on date.
func (c *Calculator) Evidence(ctx context.Context, date civil.Date) (Evidence, error) {
	return cachedIn(ctx, c, "evidence|"+date.String(), depAll, func() (Evidence, error) {
		// The two dates are independent reads: side by side they cost the
		// page the time of one. Both keep ctx itself, the context the
		// computation holds its slot of the pool under (a derived one
		// would queue for a second slot).
		var now, before []ProductEvidence
		var g errgroup.Group
		g.Go(func() (err error) { now, err = c.evidenceAt(ctx, date, c.cfg.Products); return err })
		g.Go(func() (err error) {
			before, err = c.evidenceAt(ctx, date.AddDate(0, -6, 0), c.cfg.Products)
			return err
		})
		if err := g.Wait(); err != nil {
			return Evidence{}, err
		}
		for i := range now {
			now[i].Since, now[i].EvaluatedBefore = date.AddDate(0, -6, 0), before[i].Evaluated
			now[i].Changes = changes(before[i], now[i])
		}
		return Evidence{Date: date, Products: now}, nil
	})
}

// ProductEvidence returns one product's governance evidence on date,
// what Evidence says of it. It is computed for the product alone: the
// product page needs one product's, and every product's on two dates
// was most of that page's time (the newest commit of all repositories
// among it).
func (c *Calculator) ProductEvidence(ctx context.Context, productID string, date civil.Date) (ProductEvidence, error) {
	p, ok := c.cfg.Product(productID)
	if !ok {
		return ProductEvidence{}, fmt.Errorf("figures: product %q: %w", productID, storage.ErrNotFound)
	}
	return cachedIn(ctx, c, "product-evidence|"+productID+"|"+date.String(), depAll, func() (ProductEvidence, error) {
		one := []config.Product{p}
		var now, before []ProductEvidence
		var g errgroup.Group
		g.Go(func() (err error) { now, err = c.evidenceAt(ctx, date, one); return err })
		g.Go(func() (err error) { before, err = c.evidenceAt(ctx, date.AddDate(0, -6, 0), one); return err })
		if err := g.Wait(); err != nil {
			return ProductEvidence{}, err
		}
		pe := now[0]
		pe.Since, pe.EvaluatedBefore = date.AddDate(0, -6, 0), before[0].Evaluated
		pe.Changes = changes(before[0], pe)
		return pe, nil
	})
}

// evidenceAt is the evidence of products on date, without changes.
func (c *Calculator) evidenceAt(ctx context.Context, date civil.Date, products []config.Product) ([]ProductEvidence, error) {
	d, err := c.loadEvidence(ctx, date, products)
	if err != nil {
		return nil, fmt.Errorf("figures: governance evidence on %s: %w", date, err)
	}
	evs, err := c.selfEvaluations(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ProductEvidence, 0, len(products))
	for _, p := range products {
		out = append(out, productEvidence(d, p, productSelfEvaluation(p, evs[p.ID], date, true)))
	}
	return out, nil
}

// loadEvidence reads what the checks of products on date read. The
// newest commits are read for the repositories the checks of products
// read them of; the rest is read whole (the publiccode.yml states too,
// which are kept by owner and name over every product).
func (c *Calculator) loadEvidence(ctx context.Context, date civil.Date, products []config.Product) (*evidenceData, error) {
	d := &evidenceData{date: date, gov: c.cfg.Governance, repos: map[string][]storage.Repository{}, running: map[string][]Adopter{}}
	list, err := c.repositories(ctx)
	if err != nil {
		return nil, err
	}
	byKey := make(map[string]storage.Repository, len(list.all))
	for _, r := range list.all {
		byKey[r.Key] = r
	}
	for p, keys := range list.links {
		for _, k := range keys {
			// A moved repository is checked under its new key.
			if r, ok := byKey[k]; ok && r.Status != storage.RepoMoved {
				d.repos[p] = append(d.repos[p], r)
			}
		}
		sort.Slice(d.repos[p], func(i, j int) bool { return d.repos[p][i].Key < d.repos[p][j].Key })
	}
	if d.hygiene, err = c.store.LatestHygiene(ctx, date); err != nil {
		return nil, err
	}
	// The newest commit is read only where checkVisible reads it: the
	// repositories of products under a listed organisation and not
	// archived (none when no organisation is listed). Each costs a search
	// of the contributions' index, a tenth of a cold /governance at 10x
	// for every repository.
	var keys []string
	for _, p := range products {
		for _, r := range d.repos[p.ID] {
			if d.listed(r.Owner) && !r.Archived {
				keys = append(keys, r.Key)
			}
		}
	}
	if 2*len(keys) > len(list.all) {
		d.lastCommit, err = c.store.LastCommitDays(ctx, date)
	} else {
		d.lastCommit, err = c.store.LastCommitDaysOf(ctx, date, keys)
	}
	if err != nil {
		return nil, err
	}
	if d.forks, err = c.store.ForkListings(ctx, date); err != nil {
		return nil, err
	}
	merged, err := c.store.MergedPullRequests(ctx, date.AddDays(-(EvidenceWindowDays - 1)).Time(), endOf(date))
	if err != nil {
		return nil, err
	}
	d.merged = map[string][]storage.MergedPullRequest{}
	for _, m := range merged {
		d.merged[m.RepositoryKey] = append(d.merged[m.RepositoryKey], m)
	}
	pc, err := c.PublicCode(ctx, date)
	if err != nil {
		return nil, err
	}
	d.publicCode = map[string]string{}
	for _, p := range pc.Products {
		for _, r := range p.Repositories {
			d.publicCode[r.Repository] = r.State
		}
	}
	covered, err := c.RegisterCoverage(ctx)
	if err != nil {
		return nil, err
	}
	d.registered = !covered.IsZero()
	// Who runs each product, in one pass over the register rather than
	// asking ProductAdopters for each product (a query for the data
	// versions each, and a pass over the whole register each). The checks
	// read the names, once per organisation.
	reg, err := c.register(ctx)
	if err != nil {
		return nil, err
	}
	members := memberSet(reg.memberships, date)
	seen := map[[2]string]bool{}
	for _, r := range reg.configured {
		if r.Status != storage.StatusProduction || !date.Within(r.Since, r.Until) {
			continue
		}
		o := reg.orgs[r.OrganizationID]
		if seen[[2]string{r.ProductID, o.ID}] {
			continue
		}
		seen[[2]string{r.ProductID, o.ID}] = true
		d.running[r.ProductID] = append(d.running[r.ProductID], Adopter{Organization: o.ID, Name: o.Name, Kind: o.Kind,
			Member: members[o.ID], Status: r.Status, Since: r.Since, Until: r.Until})
	}
	return d, nil
}

// productEvidence joins the product's own lines with the checks: every
// line of its evaluation in force, and every requirement of OS2's model
// it lacks.
func productEvidence(d *evidenceData, p config.Product, pg ProductSelfEvaluation) ProductEvidence {
	pe := ProductEvidence{Product: p.ID, Name: p.Name, ConfiguredLevel: pg.ConfiguredLevel,
		Requirements: []RequirementEvidence{}, NextLevelNeeds: []RequirementEvidence{}, Changes: []EvidenceChange{}}
	seen := map[string]bool{}
	if pg.Evaluation != nil {
		pe.Evaluated = pg.Evaluation.Filled
		for _, r := range pg.Evaluation.Requirements {
			seen[r.ID] = true
			pe.Requirements = append(pe.Requirements, RequirementEvidence{ID: r.ID, Level: r.Level, Category: r.Category,
				Recommendation: r.Recommendation, Text: r.Text, Answer: r.State})
		}
	}
	for _, t := range Requirements {
		if !seen[t.ID] {
			pe.Requirements = append(pe.Requirements, RequirementEvidence{ID: t.ID, Level: t.Level, Category: t.Category,
				Recommendation: t.Recommendation, Text: t.Text})
		}
	}
	for i := range pe.Requirements {
		r := &pe.Requirements[i]
		if t, ok := requirement(r.ID); ok && t.Check != "" {
			r.Check = t.Check
			r.Verdict, r.Findings = checks[r.ID](d, p.ID)
		} else {
			r.Verdict, r.Findings = VerdictCannotTell, []Finding{}
		}
		r.Disagrees = r.Answer == selfeval.Met && r.Verdict == VerdictNotFound ||
			(r.Answer == selfeval.NotMet || r.Answer == selfeval.Planned) && r.Verdict == VerdictFound
		switch r.Verdict {
		case VerdictFound:
			pe.Found++
		case VerdictNotFound:
			pe.NotFound++
		default:
			pe.CannotTell++
		}
		if r.Disagrees {
			pe.Disagreements++
		}
	}
	sort.SliceStable(pe.Requirements, func(i, j int) bool {
		a, b := pe.Requirements[i], pe.Requirements[j]
		if a.Disagrees != b.Disagrees {
			return a.Disagrees
		}
		return requirementLess(a, b)
	})
	pe.NextLevel = nextLevel(pe.ConfiguredLevel)
	for _, r := range pe.Requirements {
		if pe.NextLevel != "" && r.Level == pe.NextLevel && !r.Recommendation &&
			(r.Answer != selfeval.Met || r.Verdict == VerdictNotFound) {
			pe.NextLevelNeeds = append(pe.NextLevelNeeds, r)
		}
	}
	sort.SliceStable(pe.NextLevelNeeds, func(i, j int) bool { return requirementLess(pe.NextLevelNeeds[i], pe.NextLevelNeeds[j]) })
	return pe
}

// requirementLess orders requirements as OS2 does: by level, then R, F,
// S, G, then number.
func requirementLess(a, b RequirementEvidence) bool {
	if la, lb := levelRank(a.Level), levelRank(b.Level); la != lb {
		return la < lb
	}
	ka, na := requirementKey(a.ID)
	kb, nb := requirementKey(b.ID)
	if ka != kb {
		return ka < kb
	}
	return na < nb
}

func levelRank(l string) int {
	for i, v := range GovernanceLevels {
		if v == l {
			return i
		}
	}
	return len(GovernanceLevels)
}

func requirementKey(id string) (int, int) {
	n := 0
	if len(id) > 1 {
		// The usual id is a letter and digits: read without fmt, which
		// was a tenth of the evidence's cost in sorting.
		if v, err := strconv.Atoi(id[1:]); err == nil && id[1] >= '0' && id[1] <= '9' {
			n = v
		} else {
			fmt.Sscanf(id[1:], "%d", &n)
		}
	}
	if len(id) == 0 {
		return 9, n
	}
	return strings.IndexByte("RFSG", id[0]), n
}

// nextLevel is the level above l: the sandbox before the first level, ""
// above the highest.
func nextLevel(l string) string {
	if l == "" {
		return GovernanceLevels[0]
	}
	for i, v := range GovernanceLevels {
		if v == l && i+1 < len(GovernanceLevels) {
			return GovernanceLevels[i+1]
		}
	}
	return ""
}

// changes lists the requirements whose verdict differs between two
// dates' evidence of one product, or whose answer does when the product
// had an evaluation on the earlier date (a first evaluation is not a
// change of every answer). A requirement the earlier date did not list
// had no evidence then: cannot tell.
func changes(before, now ProductEvidence) []EvidenceChange {
	old := map[string]RequirementEvidence{}
	for _, r := range before.Requirements {
		old[r.ID] = r
	}
	out := []EvidenceChange{}
	for _, r := range now.Requirements {
		o, ok := old[r.ID]
		if !ok {
			o.Verdict = VerdictCannotTell
		}
		answered := !before.Evaluated.IsZero() && o.Answer != r.Answer
		if answered || o.Verdict != r.Verdict {
			out = append(out, EvidenceChange{ID: r.ID, AnswerBefore: o.Answer, Answer: r.Answer, VerdictBefore: o.Verdict, Verdict: r.Verdict})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := RequirementEvidence{ID: out[i].ID}, RequirementEvidence{ID: out[j].ID}
		return requirementLess(a, b)
	})
	return out
}
