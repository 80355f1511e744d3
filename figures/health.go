package figures

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/contribindex"
	"os2pulse/storage"
)

// Product health: what a product's collected data show (health signals,
// after CHAOSS), computed from stored data as of a date; the definitions
// are in definitions.go, the self-evaluations in selfevaluations.go.

// Windows of the health signals, in days ending on the figure's date.
const (
	HealthYearDays    = 365 // contributor concentration, diversity, releases
	FirstResponseDays = 90  // time to first response
)

// Health signals.

// Concentration is the fewest persons who made half of the contributions
// in the window.
type Concentration struct {
	WindowDays    int `json:"window_days"`
	Persons       int `json:"persons"`
	Contributions int `json:"contributions"`
}

// Diversity is how many organisations (members and suppliers, by the
// affiliation rules) contributed in the window, and the share of the
// attributed contributions made by the largest.
type Diversity struct {
	WindowDays    int     `json:"window_days"`
	Organizations int     `json:"organizations"`
	Largest       string  `json:"largest,omitempty"` // an organisation's id or a supplier's name
	LargestName   string  `json:"largest_name,omitempty"`
	LargestShare  float64 `json:"largest_share" openapi:"nullable"` // null in JSON without an organisation
	Attributed    int     `json:"attributed_contributions"`
	Unattributed  int     `json:"unattributed_contributions"`
}

// FirstResponse is the time from opening to the first response by
// someone else, over the issues and pull requests opened in the window.
type FirstResponse struct {
	WindowDays int `json:"window_days"`
	Opened     int `json:"opened"`
	Responded  int `json:"responded"`
	// Waiting have no response by the end of the date; they are not in
	// the median and 90th percentile.
	Waiting       int      `json:"waiting"`
	MedianSeconds *float64 `json:"median_seconds"` // null without a response
	P90Seconds    *float64 `json:"p90_seconds"`
}

// ReleaseCadence is the releases published in the window and the days
// since the last one.
type ReleaseCadence struct {
	WindowDays    int  `json:"window_days"`
	Releases      int  `json:"releases"`
	DaysSinceLast *int `json:"days_since_last"` // null: never released
}

// Backlog is the issues and pull requests open at the end of the date.
type Backlog struct {
	Open          int      `json:"open"`
	OpenIssues    int      `json:"open_issues"`
	OpenPulls     int      `json:"open_pull_requests"`
	MedianAgeDays *float64 `json:"median_age_days"` // null: nothing open
}

// Hygiene counts the product's repositories that have each file.
type Hygiene struct {
	Repositories  int      `json:"repositories"` // with a hygiene check by the date
	Licensed      int      `json:"licensed"`
	Licenses      []string `json:"licenses"` // SPDX ids, sorted
	Readme        int      `json:"readme"`
	Contributing  int      `json:"contributing"`
	CodeOfConduct int      `json:"code_of_conduct"`
	Security      int      `json:"security"`
	PublicCode    int      `json:"publiccode"`
}

// ProductHealth is one product's health signals on a date. A signal is
// nil (null) when it is not known: those from contributions
// (concentration, diversity) while the product's history does not reach
// the date (Complete false; CoveredUntil how far it does, zero: never
// collected), those only GitHub gives (first response, releases,
// backlog) also while none of its repositories has been read from GitHub
// (Collected false), hygiene until a repository of it was checked.
type ProductHealth struct {
	Product       string          `json:"product"`
	Name          string          `json:"name"`
	Concentration *Concentration  `json:"contributor_concentration"`
	Diversity     *Diversity      `json:"organizational_diversity"`
	FirstResponse *FirstResponse  `json:"time_to_first_response"`
	Releases      *ReleaseCadence `json:"release_cadence"`
	Backlog       *Backlog        `json:"backlog"`
	Hygiene       *Hygiene        `json:"repository_hygiene"`
	Collected     bool            `json:"collected"`
	Complete      bool            `json:"complete"`
	CoveredUntil  civil.Date      `json:"covered_until,omitzero"`
}

// NotCollected says whether a signal of h from the source named (config.SourceGitHub
// for first response, releases, backlog and hygiene; config.SourceActivity for
// concentration and diversity) is unknown because the source has never
// been collected for the product, rather than because its data stop
// before the date.
func (h ProductHealth) NotCollected(source string) bool {
	if source == config.SourceGitHub {
		return !h.Collected
	}
	return h.CoveredUntil.IsZero()
}

// Health is every product's health signals on a date.
type Health struct {
	Date     civil.Date      `json:"date"`
	Products []ProductHealth `json:"products"`
}

// healthData is what every product's signals on one date are computed
// from, read once.
type healthData struct {
	repos     map[string][]string
	checked   map[string]bool // repositories read from GitHub
	items     []storage.Item
	responses map[string][]storage.Response // repository/number → by time
	releases  []storage.Release
	hygiene   map[string]storage.Hygiene
	orgNames  map[string]string
	// The contribution index and its setup, for concentration and
	// diversity: brought up to date once for every product.
	ix    *contribindex.Index
	setup *contribSetup
}

// endOf is the first instant after date (UTC), the end of its window.
func endOf(date civil.Date) time.Time { return date.AddDays(1).Time() }

// Health computes every product's health signals on date.
func (c *Calculator) Health(ctx context.Context, date civil.Date) (Health, error) {
	return cachedIn(ctx, c, "health|"+date.String(), depAll, func() (Health, error) {
		d, err := c.loadHealth(ctx, date)
		if err != nil {
			return Health{}, err
		}
		out := Health{Date: date, Products: []ProductHealth{}}
		for _, p := range c.cfg.Products {
			ph, err := c.productHealth(d, p, date)
			if err != nil {
				return Health{}, err
			}
			out.Products = append(out.Products, ph)
		}
		return out, nil
	})
}

// ProductHealth computes one product's health signals on date.
func (c *Calculator) ProductHealth(ctx context.Context, productID string, date civil.Date) (ProductHealth, error) {
	p, ok := c.cfg.Product(productID)
	if !ok {
		return ProductHealth{}, fmt.Errorf("figures: unknown product %q", productID)
	}
	return cachedIn(ctx, c, "product-health|"+productID+"|"+date.String(), depAll, func() (ProductHealth, error) {
		d, err := c.loadHealth(ctx, date)
		if err != nil {
			return ProductHealth{}, err
		}
		return c.productHealth(d, p, date)
	})
}

// loadHealth reads what the signals on date are computed from besides
// the contribution index.
func (c *Calculator) loadHealth(ctx context.Context, date civil.Date) (*healthData, error) {
	end := endOf(date)
	d := &healthData{responses: map[string][]storage.Response{}}
	vs, err := c.store.DomainVersions(ctx)
	if err != nil {
		return nil, err
	}
	if d.ix, err = c.ix.Get(ctx, vs.Domains[storage.DomainActivity], true); err != nil {
		return nil, err
	}
	if d.setup, err = c.contributorSetup(ctx, vs); err != nil {
		return nil, err
	}
	if d.repos, err = c.store.ProductRepositories(ctx); err != nil {
		return nil, err
	}
	// Read from GitHub: a successful poll keeps a snapshot of the
	// repository (a failed one, or a git log import, does not). Any
	// snapshot counts, later than the date too: GitHub gives the history
	// of releases, issues and pull requests.
	snaps, err := c.store.LatestSnapshots(ctx, civil.New(2100, 12, 31))
	if err != nil {
		return nil, err
	}
	d.checked = map[string]bool{}
	for k := range snaps {
		d.checked[k] = true
	}
	if d.items, err = c.store.Items(ctx, date.AddDays(-(FirstResponseDays - 1)).Time(), end); err != nil {
		return nil, err
	}
	rs, err := c.store.Responses(ctx, date.AddDays(-(FirstResponseDays - 1)).Time(), end)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		k := fmt.Sprintf("%s/%d", r.RepositoryKey, r.Number)
		d.responses[k] = append(d.responses[k], r)
	}
	if d.releases, err = c.store.Releases(ctx, time.Time{}, end); err != nil {
		return nil, err
	}
	if d.hygiene, err = c.store.LatestHygiene(ctx, date); err != nil {
		return nil, err
	}
	orgs, err := c.store.Organizations(ctx)
	if err != nil {
		return nil, err
	}
	d.orgNames = make(map[string]string, len(orgs))
	for _, o := range orgs {
		d.orgNames[o.ID] = o.Name
	}
	return d, nil
}

func (c *Calculator) productHealth(d *healthData, p config.Product, date civil.Date) (ProductHealth, error) {
	repos := map[string]bool{}
	for _, k := range d.repos[p.ID] {
		repos[k] = true
	}
	ph := ProductHealth{Product: p.ID, Name: p.Name}
	for k := range repos {
		ph.Collected = ph.Collected || d.checked[k]
	}
	ph.CoveredUntil = d.setup.coverage.Product(p.ID)
	ph.Complete = Covers(ph.CoveredUntil, date)
	bots, err := c.botPatterns()
	if err != nil {
		return ph, err
	}
	if ph.Complete {
		// The contributor figures' own persons, aliases, bots and
		// affiliations, from the contribution index.
		conc, div := d.fromIndex(p.ID, date)
		div.LargestName = div.Largest
		if n := d.orgNames[div.Largest]; n != "" {
			div.LargestName = n
		}
		ph.Concentration, ph.Diversity = &conc, &div
	}
	if ph.Complete && ph.Collected {
		fr, rel, bl := firstResponse(d, repos, bots, date), releaseCadence(d.releases, repos, date), backlog(d.items, repos, date)
		ph.FirstResponse, ph.Releases, ph.Backlog = &fr, &rel, &bl
	}
	if hy := hygiene(d.hygiene, repos); hy.Repositories > 0 {
		ph.Hygiene = &hy
	}
	return ph, nil
}

func (c *Calculator) botPatterns() ([]*regexp.Regexp, error) {
	var out []*regexp.Regexp
	for _, b := range c.cfg.Contributors.Bots {
		re, err := regexp.Compile(b)
		if err != nil {
			return nil, fmt.Errorf("figures: contributors.bots: %q: %w", b, err)
		}
		out = append(out, re)
	}
	return out, nil
}

// isBot tells a bot account by GitHub's "[bot]" suffix or the configured
// patterns, as the contributor figures do.
func isBot(bots []*regexp.Regexp, values ...string) bool {
	for _, v := range values {
		if v == "" {
			continue
		}
		if strings.HasSuffix(strings.ToLower(v), "[bot]") {
			return true
		}
		for _, re := range bots {
			if re.MatchString(strings.ToLower(v)) {
				return true
			}
		}
	}
	return false
}

// fromIndex computes a product's contributor concentration and
// organisational diversity over the year up to date from the contribution
// index. Diversity attributes each contribution to an organisation (a
// member by its id, a supplier by its name) by the affiliation rules valid
// on its day, as the active contributors' split does: a login rule first,
// then the longest matching e-mail domain. Bots are left out of both.
func (d *healthData) fromIndex(productID string, date civil.Date) (Concentration, Diversity) {
	conc, out := Concentration{WindowDays: HealthYearDays}, Diversity{WindowDays: HealthYearDays}
	ix, setup := d.ix, d.setup
	from := date.AddDays(-(HealthYearDays - 1))
	ix.RLock()
	ids := ix.Repos(setup.repoKeys[productID])
	ws := ix.Window(ids, from, date)
	per := ix.Organisations(ids, from, date)
	ix.RUnlock()
	conc.Persons, conc.Contributions = concentrationOf(ws.PerPerson, ws.Total), ws.Total
	out.Unattributed = per[""]
	delete(per, "")
	for _, n := range per {
		out.Attributed += n
	}
	out.Organizations = len(per)
	names := make([]string, 0, len(per))
	for n := range per {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if per[names[i]] != per[names[j]] {
			return per[names[i]] > per[names[j]]
		}
		return names[i] < names[j]
	})
	if len(names) > 0 {
		out.Largest = names[0]
		out.LargestShare = Ratio(per[names[0]], out.Attributed)
	}
	return conc, out
}

// firstResponse measures, over the issues and pull requests opened in the
// window (not by bots), the time to the first response by someone other
// than the author and not a bot, by the end of the date.
func firstResponse(d *healthData, repos map[string]bool, bots []*regexp.Regexp, date civil.Date) FirstResponse {
	out := FirstResponse{WindowDays: FirstResponseDays}
	from, end := date.AddDays(-(FirstResponseDays - 1)).Time(), endOf(date)
	var waits []float64
	for _, it := range d.items {
		if !repos[it.RepositoryKey] || it.Opened.Before(from) || !it.Opened.Before(end) || isBot(bots, it.Login) {
			continue
		}
		out.Opened++
		first := time.Time{}
		for _, r := range d.responses[it.RepositoryKey+"/"+it.Number] {
			if r.At.Before(it.Opened) || !r.At.Before(end) || isBot(bots, r.Login) ||
				(it.Login != "" && strings.EqualFold(r.Login, it.Login)) {
				continue
			}
			if first.IsZero() || r.At.Before(first) {
				first = r.At
			}
		}
		if first.IsZero() {
			out.Waiting++
			continue
		}
		out.Responded++
		waits = append(waits, first.Sub(it.Opened).Seconds())
	}
	if len(waits) > 0 {
		sort.Float64s(waits)
		m, p := percentile(waits, 0.5), percentile(waits, 0.9)
		out.MedianSeconds, out.P90Seconds = &m, &p
	}
	return out
}

// percentile is the nearest-rank percentile of sorted values: the
// smallest value with at least share p of the values at or below it.
func percentile(sorted []float64, p float64) float64 {
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func releaseCadence(rels []storage.Release, repos map[string]bool, date civil.Date) ReleaseCadence {
	out := ReleaseCadence{WindowDays: HealthYearDays}
	from := date.AddDays(-(HealthYearDays - 1)).Time()
	var last time.Time
	for _, r := range rels {
		if !repos[r.RepositoryKey] {
			continue
		}
		if !r.PublishedAt.Before(from) {
			out.Releases++
		}
		if r.PublishedAt.After(last) {
			last = r.PublishedAt
		}
	}
	if !last.IsZero() {
		n := civil.UTCDay(last).DaysUntil(date)
		out.DaysSinceLast = &n
	}
	return out
}

func backlog(items []storage.Item, repos map[string]bool, date civil.Date) Backlog {
	out := Backlog{}
	end := endOf(date)
	var ages []float64
	for _, it := range items {
		if !repos[it.RepositoryKey] || !it.Opened.Before(end) || (!it.Closed.IsZero() && it.Closed.Before(end)) {
			continue
		}
		out.Open++
		if it.Kind == storage.KindPullRequest {
			out.OpenPulls++
		} else {
			out.OpenIssues++
		}
		ages = append(ages, float64(civil.UTCDay(it.Opened).DaysUntil(date)))
	}
	if len(ages) > 0 {
		sort.Float64s(ages)
		m := ages[len(ages)/2]
		if len(ages)%2 == 0 {
			m = (ages[len(ages)/2-1] + ages[len(ages)/2]) / 2
		}
		out.MedianAgeDays = &m
	}
	return out
}

func hygiene(hs map[string]storage.Hygiene, repos map[string]bool) Hygiene {
	out := Hygiene{Licenses: []string{}}
	lic := map[string]bool{}
	for k := range repos {
		h, ok := hs[k]
		if !ok {
			continue
		}
		out.Repositories++
		if h.License != "" && h.License != storage.LicenseNoAssertion {
			out.Licensed++
			if !lic[h.License] {
				lic[h.License] = true
				out.Licenses = append(out.Licenses, h.License)
			}
		}
		out.Readme += b2i(h.Readme)
		out.Contributing += b2i(h.Contributing)
		out.CodeOfConduct += b2i(h.CodeOfConduct)
		out.Security += b2i(h.Security)
		out.PublicCode += b2i(h.PublicCode)
	}
	sort.Strings(out.Licenses)
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// MarshalJSON writes largest_share as null when no organisation
// contributed in the window: the share is then unknown, not 0. The
// fields keep their order.
func (d Diversity) MarshalJSON() ([]byte, error) {
	var share *float64
	if d.Organizations > 0 {
		s := d.LargestShare
		share = &s
	}
	return json.Marshal(struct {
		WindowDays    int      `json:"window_days"`
		Organizations int      `json:"organizations"`
		Largest       string   `json:"largest,omitempty"`
		LargestName   string   `json:"largest_name,omitempty"`
		LargestShare  *float64 `json:"largest_share"`
		Attributed    int      `json:"attributed_contributions"`
		Unattributed  int      `json:"unattributed_contributions"`
	}{d.WindowDays, d.Organizations, d.Largest, d.LargestName, share, d.Attributed, d.Unattributed})
}
