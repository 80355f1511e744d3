package figures

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/publiccode"
	"os2pulse/storage"
)

// What the products' publiccode.yml files say, as checked on a date, and
// the file os2pulse proposes for a product from what it knows: the
// configuration, the adoption register and the collected data.

// States of a repository's publiccode.yml.
const (
	PublicCodeValid    = "valid"    // present, and the check finds no problem
	PublicCodeProblems = "problems" // present, with problems
	PublicCodeMissing  = "missing"  // the repository's root has none
	PublicCodeUnknown  = "unknown"  // the root not checked by the date, or the file not read yet
)

// PublicCodeStates lists the states in the order pages show them.
var PublicCodeStates = []string{PublicCodeValid, PublicCodeProblems, PublicCodeMissing, PublicCodeUnknown}

// RepositoryPublicCode is one repository's publiccode.yml on a date: the
// version in force (the newest read by the end of the date) and what the
// check finds in it.
type RepositoryPublicCode struct {
	Repository string `json:"repository"` // OWNER/REPO as the forge spells it
	State      string `json:"state"`      // one of PublicCodeStates
	// Problems are "OWNER/REPO/publiccode.yml:LINE: what is wrong".
	Problems []string         `json:"problems"`
	Read     civil.Date       `json:"read,omitzero"` // when the version in force was first read
	Versions int              `json:"versions"`      // versions read by the date
	File     *publiccode.File `json:"file,omitempty"`
}

// ProductPublicCode is a product's repositories' publiccode.yml files on
// a date, with how many are in each state.
type ProductPublicCode struct {
	Product      string                 `json:"product"`
	Name         string                 `json:"name"`
	Repositories []RepositoryPublicCode `json:"repositories"`
	Valid        int                    `json:"valid"`
	Problems     int                    `json:"problems"`
	Missing      int                    `json:"missing"`
	Unknown      int                    `json:"unknown"`
}

// PublicCodes is every product's publiccode.yml files on a date.
type PublicCodes struct {
	Date     civil.Date          `json:"date"`
	Products []ProductPublicCode `json:"products"`
}

// publicCodeData is what the states are computed from, read once.
type publicCodeData struct {
	files   map[string][]storage.PublicCodeFile // by repository key, oldest first
	hygiene map[string]storage.Hygiene
}

func (c *Calculator) publicCodeData(ctx context.Context, date civil.Date) (*publicCodeData, error) {
	files, err := cachedIn(ctx, c, "publiccode-files", depActivity, func() (map[string][]storage.PublicCodeFile, error) {
		fs, err := c.store.PublicCodeFiles(ctx)
		if err != nil {
			return nil, err
		}
		out := map[string][]storage.PublicCodeFile{}
		for _, f := range fs {
			out[f.RepositoryKey] = append(out[f.RepositoryKey], f)
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	h, err := c.store.LatestHygiene(ctx, date)
	if err != nil {
		return nil, err
	}
	return &publicCodeData{files: files, hygiene: h}, nil
}

// PublicCode returns every configured product's publiccode.yml files on
// date.
func (c *Calculator) PublicCode(ctx context.Context, date civil.Date) (PublicCodes, error) {
	return cachedIn(ctx, c, "publiccode|"+date.String(), depActivity|depRepositories, func() (PublicCodes, error) {
		d, err := c.publicCodeData(ctx, date)
		if err != nil {
			return PublicCodes{}, err
		}
		repos, err := c.productRepositories(ctx)
		if err != nil {
			return PublicCodes{}, err
		}
		out := PublicCodes{Date: date, Products: []ProductPublicCode{}}
		for _, p := range c.cfg.Products {
			out.Products = append(out.Products, productPublicCode(d, p, repos[p.ID], date))
		}
		return out, nil
	})
}

// ProductPublicCode returns one product's publiccode.yml files on date.
func (c *Calculator) ProductPublicCode(ctx context.Context, productID string, date civil.Date) (ProductPublicCode, error) {
	all, err := c.PublicCode(ctx, date)
	if err != nil {
		return ProductPublicCode{}, err
	}
	for _, p := range all.Products {
		if p.Product == productID {
			return p, nil
		}
	}
	return ProductPublicCode{}, fmt.Errorf("figures: product %q: %w", productID, storage.ErrNotFound)
}

// repositoryList is every repository as storage.Repositories lists them
// and each product's repository keys (storage.ProductRepositories).
type repositoryList struct {
	all   []storage.Repository
	links map[string][]string
}

// repositories reads the repositories and their products, kept until the
// repositories domain is written: the evidence and the publiccode.yml
// states of a date read them two to four times, and reading 300 rows was
// a sixth of a cold /governance at 10x. Callers must not change them.
func (c *Calculator) repositories(ctx context.Context) (repositoryList, error) {
	return cachedIn(ctx, c, "repositories", depRepositories, func() (repositoryList, error) {
		all, err := c.store.Repositories(ctx, "")
		if err != nil {
			return repositoryList{}, err
		}
		links, err := c.store.ProductRepositories(ctx)
		if err != nil {
			return repositoryList{}, err
		}
		return repositoryList{all: all, links: links}, nil
	})
}

// productRepositories is each product's repositories as
// storage.Repositories(ctx, product) lists them (by key, moved ones too),
// read once for every product instead of once per product.
func (c *Calculator) productRepositories(ctx context.Context) (map[string][]storage.Repository, error) {
	list, err := c.repositories(ctx)
	if err != nil {
		return nil, err
	}
	all, links := list.all, list.links
	of := map[string][]string{} // repository key → its products
	for p, keys := range links {
		for _, k := range keys {
			of[k] = append(of[k], p)
		}
	}
	out := map[string][]storage.Repository{}
	// In the order storage lists them, which is the database's order of
	// keys, not necessarily Go's.
	for _, r := range all {
		for _, p := range of[r.Key] {
			out[p] = append(out[p], r)
		}
	}
	return out, nil
}

func productPublicCode(d *publicCodeData, p config.Product, repos []storage.Repository, date civil.Date) ProductPublicCode {
	out := ProductPublicCode{Product: p.ID, Name: p.Name, Repositories: []RepositoryPublicCode{}}
	for _, r := range repos {
		rp := repositoryPublicCode(d, r, date)
		switch rp.State {
		case PublicCodeValid:
			out.Valid++
		case PublicCodeProblems:
			out.Problems++
		case PublicCodeMissing:
			out.Missing++
		default:
			out.Unknown++
		}
		out.Repositories = append(out.Repositories, rp)
	}
	return out
}

// repositoryPublicCode checks the version in force on date. The root's
// hygiene on the date says whether there is a file; without a check of
// the root by then, or without a version read, the state is unknown.
func repositoryPublicCode(d *publicCodeData, r storage.Repository, date civil.Date) RepositoryPublicCode {
	out := RepositoryPublicCode{Repository: r.FullName(), State: PublicCodeUnknown, Problems: []string{}}
	var cur *storage.PublicCodeFile
	for i, f := range d.files[r.Key] {
		if civil.UTCDay(f.Fetched).After(date) {
			break
		}
		out.Versions++
		cur = &d.files[r.Key][i]
	}
	h, checked := d.hygiene[r.Key]
	switch {
	case !checked:
		return out
	case !h.PublicCode:
		out.State = PublicCodeMissing
		return out
	case cur == nil:
		return out
	}
	f, problems := publiccode.Read([]byte(cur.Content), r.FullName()+"/"+cur.Path)
	out.File, out.Read = &f, civil.UTCDay(cur.Fetched)
	out.State = PublicCodeValid
	if len(problems) > 0 {
		out.State, out.Problems = PublicCodeProblems, problems
	}
	return out
}

// PublicCodeDifference is where a product's own publiccode.yml and what
// os2pulse knows disagree: Field (as the standard names it, or "file"
// for the file as a whole), what the file says and what os2pulse knows.
type PublicCodeDifference struct {
	Field string `json:"field"`
	File  string `json:"file"`
	Known string `json:"known"`
}

// PublicCodeProposal is the publiccode.yml os2pulse proposes for a
// product on a date, for its team to check and commit.
type PublicCodeProposal struct {
	Product string     `json:"product"`
	Date    civil.Date `json:"date"`
	// Repository is where the file belongs: the product's main
	// repository (the most releases in the last 12 months).
	Repository string              `json:"repository"`
	Document   publiccode.Document `json:"document"`
	// Notes say, by field, where a value comes from or that it is a
	// guess; Placeholders are the fields os2pulse cannot know, left as
	// comments.
	Notes        map[string]string `json:"notes"`
	Placeholders []string          `json:"placeholders"`
	// Own is the main repository's own publiccode.yml on the date, and
	// Differences where it and os2pulse disagree.
	Own         *RepositoryPublicCode  `json:"own"`
	Differences []PublicCodeDifference `json:"differences"`
}

// YAML is the proposal as a file to commit.
func (p PublicCodeProposal) YAML() []byte {
	header := []string{
		fmt.Sprintf("publiccode.yml for %s, proposed by os2pulse on %s from its configuration,", p.Document.Name, p.Date),
		"OS2's adoption register and the data collected from " + p.Repository + ".",
		"Check every value before committing it: a comment says where a value comes",
		"from, or that it is a guess. The standard: https://yml.publiccode.tools/",
	}
	return publiccode.Write(p.Document, header, p.Notes, p.Placeholders)
}

// PublicCodeProposal builds the proposal for one product on date.
func (c *Calculator) PublicCodeProposal(ctx context.Context, productID string, date civil.Date) (PublicCodeProposal, error) {
	p, ok := c.cfg.Product(productID)
	if !ok {
		return PublicCodeProposal{}, fmt.Errorf("figures: product %q: %w", productID, storage.ErrNotFound)
	}
	return cachedIn(ctx, c, "publiccode-proposal|"+productID+"|"+date.String(), depAll, func() (PublicCodeProposal, error) {
		return c.publicCodeProposal(ctx, p, date)
	})
}

// PublicCodeProposals is every product's proposed document on date, for
// a catalogue to harvest.
func (c *Calculator) PublicCodeProposals(ctx context.Context, date civil.Date) ([]publiccode.Document, error) {
	out := []publiccode.Document{}
	for _, p := range c.cfg.Products {
		pr, err := c.PublicCodeProposal(ctx, p.ID, date)
		if err != nil {
			return nil, err
		}
		out = append(out, pr.Document)
	}
	return out, nil
}

// publicCodeYear is the window of "the last 12 months": releases for the
// main repository, contributions for the maintainers.
const publicCodeYear = HealthYearDays

func (c *Calculator) publicCodeProposal(ctx context.Context, p config.Product, date civil.Date) (PublicCodeProposal, error) {
	out := PublicCodeProposal{Product: p.ID, Date: date, Notes: map[string]string{}, Differences: []PublicCodeDifference{}}
	repos, err := c.store.Repositories(ctx, p.ID)
	if err != nil {
		return out, err
	}
	releases, err := c.store.Releases(ctx, time.Time{}, endOf(date))
	if err != nil {
		return out, err
	}
	d, err := c.publicCodeData(ctx, date)
	if err != nil {
		return out, err
	}
	main, latest := mainRepository(repos, releases, d.hygiene, date)
	doc := publiccode.Document{PublicCodeYmlVersion: publiccode.Version, Name: p.Name, LandingURL: p.URL,
		Legal: publiccode.Legal{RepoOwner: c.cfg.Portfolio.Name}, Description: map[string]publiccode.Description{}}
	if main != nil {
		out.Repository = main.FullName()
		doc.URL = "https://" + main.Forge + "/" + main.Owner + "/" + main.Name
		if h, ok := d.hygiene[main.Key]; ok && h.License != "" {
			doc.Legal.License = h.License
			out.Notes["legal.license"] = "as GitHub reports it"
		}
		own := repositoryPublicCode(d, *main, date)
		out.Own = &own
	}
	if doc.Legal.License == "" {
		out.Notes["legal.license"] = "os2pulse knows of no licence: write its SPDX expression, e.g. MPL-2.0"
	}
	doc.DevelopmentStatus, out.Notes["developmentStatus"] = "development", "no release yet: check it"
	if latest != nil {
		doc.SoftwareVersion, doc.ReleaseDate = latest.Tag, civil.UTCDay(latest.PublishedAt).String()
		out.Notes["softwareVersion"] = "the latest release"
		doc.DevelopmentStatus, out.Notes["developmentStatus"] = "stable", "released: check it"
	}
	doc.Platforms, out.Notes["platforms"] = []string{"web"}, "a guess: os2pulse cannot know the platforms"
	doc.SoftwareType, out.Notes["softwareType"] = "standalone/web", "a guess: check it"

	adopters, err := c.ProductAdopters(ctx, p.ID, date)
	if err != nil {
		return out, err
	}
	for _, a := range adopters {
		if a.Status == StatusProduction {
			doc.UsedBy = append(doc.UsedBy, a.Name)
		}
	}
	sort.Strings(doc.UsedBy)
	out.Notes["usedBy"] = fmt.Sprintf("in production on %s according to OS2's adoption register", date)

	suppliers, err := c.suppliersOf(ctx, p.ID, date)
	if err != nil {
		return out, err
	}
	if len(suppliers) > 0 {
		doc.Maintenance.Type = "contract"
		out.Notes["maintenance.contractors"] = "suppliers with contributions in the last 12 months"
		out.Notes["maintenance.contractors.until"] = "os2pulse cannot know when the contract ends: a year from today"
		for _, s := range suppliers {
			doc.Maintenance.Contractors = append(doc.Maintenance.Contractors, publiccode.Contractor{Name: s, Until: date.AddDate(1, 0, 0).String()})
		}
	} else {
		doc.Maintenance.Type = "internal"
		out.Notes["maintenance.type"] = "no supplier contributed in the last 12 months: add the maintainers as contacts"
	}
	doc.Localisation = publiccode.Localisation{LocalisationReady: false, AvailableLanguages: []string{"da"}}
	out.Notes["localisation.localisationReady"] = "a guess: check it"
	out.Notes["localisation.availableLanguages"] = "a guess: check it"

	level := p.LevelOn(date)
	for _, lang := range []string{"da", "en"} {
		desc := p.Description.DA
		if lang == "en" {
			desc = p.Description.EN
		}
		desc = strings.TrimSpace(desc)
		if desc == "" {
			continue
		}
		doc.Description[lang] = publiccode.Description{ShortDescription: clipRunes(desc, publiccode.MaxShortDescription),
			LongDescription: longDescription(lang, desc, p.Name, c.cfg.Portfolio.Name, level, len(doc.UsedBy), date)}
	}
	out.Notes["description.shortDescription"] = "the description in os2pulse's configuration"
	out.Notes["description.longDescription"] = "written by os2pulse: say more about what the software does"
	out.Placeholders = []string{
		"Fields os2pulse cannot know; fill them in and remove the comment signs:",
		"categories:            # from the standard's list, e.g. - it-development",
		"  - …",
		"description.<lang>.features:   # what the software lets its users do",
		"logo: …                # a path in the repository, e.g. docs/logo.svg",
		"roadmap: …             # where the roadmap is published",
		"dependsOn:             # databases and other software it needs to run",
	}
	out.Document = doc
	out.Differences = differences(out.Own, doc)
	return out, nil
}

// mainRepository is the product's repository with the most releases in
// the last 12 months (archived, gone or moved repositories and forks left
// out), with the newest of its releases by the date; ties go to one that
// has a publiccode.yml, then to the first by key.
func mainRepository(repos []storage.Repository, releases []storage.Release, hygiene map[string]storage.Hygiene, date civil.Date) (*storage.Repository, *storage.Release) {
	from := date.AddDays(-(publicCodeYear - 1)).Time()
	count := map[string]int{}
	newest := map[string]*storage.Release{}
	for i, r := range releases {
		if !r.PublishedAt.Before(from) {
			count[r.RepositoryKey]++
		}
		if n := newest[r.RepositoryKey]; n == nil || r.PublishedAt.After(n.PublishedAt) {
			newest[r.RepositoryKey] = &releases[i]
		}
	}
	var best *storage.Repository
	for i, r := range repos {
		if r.Archived || r.Fork || r.Status == storage.RepoNotFound || r.Status == storage.RepoMoved {
			continue
		}
		rank := func(r storage.Repository) [2]int {
			pc := 0
			if hygiene[r.Key].PublicCode {
				pc = 1
			}
			return [2]int{count[r.Key], pc}
		}
		a, b := rank(r), [2]int{-1, -1}
		if best != nil {
			b = rank(*best)
		}
		if a[0] > b[0] || a[0] == b[0] && (a[1] > b[1] || a[1] == b[1] && r.Key < best.Key) {
			best = &repos[i]
		}
	}
	if best == nil {
		return nil, nil
	}
	return best, newest[best.Key]
}

// suppliersOf names the suppliers (by the affiliation rules) whose people
// contributed to the product in the last 12 months, most contributions
// first.
func (c *Calculator) suppliersOf(ctx context.Context, productID string, date civil.Date) ([]string, error) {
	isSupplier := map[string]bool{}
	for _, a := range c.cfg.Affiliations {
		if a.Supplier != "" {
			isSupplier[a.Supplier] = true
		}
	}
	if len(isSupplier) == 0 {
		return nil, nil
	}
	vs, err := c.store.DomainVersions(ctx)
	if err != nil {
		return nil, err
	}
	ix, err := c.ix.Get(ctx, vs.Domains[storage.DomainActivity], true)
	if err != nil {
		return nil, err
	}
	setup, err := c.contributorSetup(ctx, vs)
	if err != nil {
		return nil, err
	}
	ix.RLock()
	per := ix.Organisations(ix.Repos(setup.repoKeys[productID]), date.AddDays(-(publicCodeYear - 1)), date)
	ix.RUnlock()
	var out []string
	for name := range per {
		if isSupplier[name] {
			out = append(out, name)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if per[out[i]] != per[out[j]] {
			return per[out[i]] > per[out[j]]
		}
		return out[i] < out[j]
	})
	return out, nil
}

// longDescription writes what os2pulse knows about the product as a
// paragraph, after the configured one-line description: enough for the
// standard's 150 characters, and for the team to rewrite.
func longDescription(lang, desc, name, org, level string, usedBy int, date civil.Date) string {
	desc = strings.TrimRight(desc, ". ") + "."
	if lang == "da" {
		s := desc + " " + name + " er et produkt i " + org + "'s fællesskab"
		if level != "" {
			s += " på governance-niveau " + levelName(lang, level)
		}
		return s + fmt.Sprintf(". Ifølge %s's tilslutningsregister er det i drift hos %d organisationer pr. %s.", org, usedBy, date)
	}
	s := desc + " " + name + " is a product of the " + org + " community"
	if level != "" {
		s += " at governance level " + levelName(lang, level)
	}
	return s + fmt.Sprintf(". According to %s's adoption register, %d organisations run it in production as of %s.", org, usedBy, date)
}

func levelName(lang, level string) string {
	if level == "sandbox" && lang == "da" {
		return "sandkasse"
	}
	return level
}

func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// differences compares the product's own file with the proposal.
func differences(own *RepositoryPublicCode, doc publiccode.Document) []PublicCodeDifference {
	out := []PublicCodeDifference{}
	if own == nil {
		return out
	}
	switch own.State {
	case PublicCodeMissing, PublicCodeUnknown:
		return append(out, PublicCodeDifference{Field: "file", File: own.State})
	case PublicCodeProblems:
		out = append(out, PublicCodeDifference{Field: "file", File: fmt.Sprint(len(own.Problems)), Known: "0"})
	}
	f := own.File
	if f == nil {
		return out
	}
	if len(f.UsedBy) != len(doc.UsedBy) {
		out = append(out, PublicCodeDifference{Field: "usedBy", File: fmt.Sprint(len(f.UsedBy)), Known: fmt.Sprint(len(doc.UsedBy))})
	}
	if doc.Legal.License != "" && !strings.EqualFold(f.License, doc.Legal.License) {
		out = append(out, PublicCodeDifference{Field: "legal.license", File: f.License, Known: doc.Legal.License})
	}
	if doc.SoftwareVersion != "" && strings.TrimPrefix(f.SoftwareVersion, "v") != strings.TrimPrefix(doc.SoftwareVersion, "v") {
		out = append(out, PublicCodeDifference{Field: "softwareVersion", File: f.SoftwareVersion, Known: doc.SoftwareVersion})
	}
	return out
}
