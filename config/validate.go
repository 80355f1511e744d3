package config

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2/unstable"

	"os2pulse/problems"
)

var (
	productIDRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)
	goalIDRe    = productIDRe
	ownerRe     = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$`)
	repoNameRe  = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
	forgeRe     = regexp.MustCompile(`^[a-z0-9-]+(\.[a-z0-9-]+)+$`)
	// A GitLab group or user path: letters, digits, _, - and ., not
	// beginning with - or ending in . (GitLab's own rule).
	groupPathRe = regexp.MustCompile(`^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,253}[A-Za-z0-9_-])?$`)
	domainRe    = regexp.MustCompile(`^[a-z0-9-]+(\.[a-z0-9-]+)+$`)
	emailRe     = regexp.MustCompile(`^[^@\s<>"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$`)
)

// isWebAddress reports whether s is an absolute http(s) address with a
// host and nothing a link should not hold.
func isWebAddress(s string) bool {
	u, err := url.Parse(s)
	return err == nil && IsURL(s) && u.Host != "" && !strings.ContainsAny(s, " \t\r\n<>\"")
}

// Governance levels as OS2 names them: the sandbox ("sandkasse"), then 1–3.
var GovernanceLevels = []string{"sandbox", "1", "2", "3"}

// Goal metrics, and whether each is a share (0–1) rather than a count.
var GoalMetrics = map[string]bool{
	"members":                       false,
	"members_three_plus_share":      true,
	"product_adoption_share":        true,
	"product_adopters":              false,
	"active_contributors":           false,
	"portfolio_active_contributors": false,
}

// Validate checks the rules that span fields. Every problem is reported,
// each with the file and line it comes from.
// bcryptHashRe is the form of a bcrypt hash: $2a$, $2b$ or $2y$, the cost,
// then 53 characters of salt and hash.
var bcryptHashRe = regexp.MustCompile(`^\$2[aby]\$[0-3][0-9]\$[./A-Za-z0-9]{53}$`)

func (c *Config) Validate() error {
	var probs []string
	add := func(key, format string, args ...any) {
		probs = append(probs, fmt.Sprintf("%s:%d: %s: %s", c.File, c.line(key), key, fmt.Sprintf(format, args...)))
	}

	switch c.Storage.Driver {
	case "sqlite", "postgres":
	default:
		add("storage.driver", "must be \"sqlite\" or \"postgres\", not %q", c.Storage.Driver)
	}
	if c.Storage.DSN == "" {
		add("storage.driver", "postgres needs storage.dsn, e.g. \"postgres://os2pulse@localhost/os2pulse\"")
	}
	if l := c.Server.CollectorLease.Duration; l < time.Second || l > time.Hour {
		add("server.collector_lease", "must be between 1s and 1h, not %s", c.Server.CollectorLease)
	}
	if strings.TrimSpace(c.Portfolio.DataLicense) == "" || strings.ContainsAny(c.Portfolio.DataLicense, "\r\n") {
		add("portfolio.data_license", "must be one line naming the licence, e.g. \"CC BY 4.0\"")
	}
	if u := c.Portfolio.DataLicenseURL; u != "" && !isWebAddress(u) {
		add("portfolio.data_license_url", "must be an https:// or http:// address, not %q", u)
	}
	if !IsURL(c.GitHub.APIURL) {
		add("github.api_url", "must be an http(s) URL, not %q", c.GitHub.APIURL)
	}
	if c.GitHub.Concurrency < 1 || c.GitHub.Concurrency > 8 {
		add("github.concurrency", "must be between 1 and 8, not %d", c.GitHub.Concurrency)
	}
	if c.GitHub.Interval.Duration < time.Minute {
		add("github.interval", "must be at least 1m, not %s", c.GitHub.Interval)
	}
	if c.Register.Interval.Duration < time.Minute {
		add("register.interval", "must be at least 1m, not %s", c.Register.Interval)
	}
	if c.Register.Members != "" && c.Register.Adoption == "" {
		add("register.members", "is set but register.adoption is not")
	}
	if w := c.Contributors.WindowDays; w < 1 || w > 3650 {
		add("contributors.window_days", "must be between 1 and 3650, not %d", w)
	}
	for i, b := range c.Contributors.Bots {
		if _, err := regexp.Compile(b); err != nil {
			add(fmt.Sprintf("contributors.bots[%d]", i), "not a valid regular expression: %v", err)
		}
	}
	seenAdmin := map[string]bool{}
	for i, ad := range c.Admins {
		key := fmt.Sprintf("admins[%d]", i)
		switch {
		case strings.TrimSpace(ad.Name) == "" || ad.Name != strings.TrimSpace(ad.Name):
			add(key+".name", "is empty or begins or ends with a space")
		case seenAdmin[ad.Name]:
			add(key+".name", "%q appears twice", ad.Name)
		}
		seenAdmin[ad.Name] = true
		if !bcryptHashRe.MatchString(ad.PasswordHash) {
			add(key+".password_hash", "is not a bcrypt hash; make one with \"os2pulse admin passwd %s\"", ad.Name)
		}
	}
	seenIdentity := map[string]string{}
	for i, a := range c.Contributors.Aliases {
		key := fmt.Sprintf("contributors.aliases[%d]", i)
		if strings.TrimSpace(a.Person) == "" {
			add(key+".person", "must not be empty")
		}
		if len(a.Identities) == 0 {
			add(key+".identities", "must list at least one login or e-mail address")
		}
		for j, id := range a.Identities {
			id = strings.ToLower(strings.TrimSpace(id))
			if prev, ok := seenIdentity[id]; ok && prev != a.Person {
				add(fmt.Sprintf("%s.identities[%d]", key, j), "%q is already an identity of %q", id, prev)
			}
			seenIdentity[id] = a.Person
		}
	}

	products := map[string]bool{}
	for i, p := range c.Products {
		key := fmt.Sprintf("products[%d]", i)
		switch {
		case !productIDRe.MatchString(p.ID):
			add(key+".id", "%q is not a valid product id (lower-case letters, digits, - and _)", p.ID)
		case products[p.ID]:
			add(key+".id", "duplicate product id %q", p.ID)
		}
		products[p.ID] = true
		if strings.TrimSpace(p.Name) == "" {
			add(key+".name", "must not be empty")
		}
		switch {
		case p.GovernanceLevel != "" && len(p.Levels) > 0:
			add(key+".levels", "give either governance_level (one level for all dates) or levels (its history), not both")
		case len(p.Levels) > 0:
			for j, l := range p.Levels {
				lk := fmt.Sprintf("%s.levels[%d]", key, j)
				if !contains(GovernanceLevels, l.Level) {
					add(lk+".level", "must be one of sandbox, 1, 2, 3, not %q", l.Level)
				}
				switch {
				case l.Since.IsZero():
					add(lk+".since", "date missing (YYYY-MM-DD): since when the product holds level %q", l.Level)
				case j > 0 && !l.Since.After(p.Levels[j-1].Since):
					add(lk+".since", "%s is not after the previous level's since, %s: list the levels in the order they were held", l.Since, p.Levels[j-1].Since)
				case j > 0 && l.Level == p.Levels[j-1].Level:
					add(lk+".level", "level %q is the level before it too; leave this entry out", l.Level)
				}
			}
		case p.GovernanceLevel == "":
			add(key+".governance_level", "missing: give governance_level = \"sandbox\", \"1\", \"2\" or \"3\", or levels = [{ level = \"sandbox\", since = 2021-03-01 }, …]")
		case !contains(GovernanceLevels, p.GovernanceLevel):
			add(key+".governance_level", "must be one of sandbox, 1, 2, 3, not %q", p.GovernanceLevel)
		}
		for j, r := range p.Repos {
			spec, err := ParseRepoSpec(r)
			switch {
			case err != nil:
				add(fmt.Sprintf("%s.repos[%d]", key, j), "%v", err)
			case (spec.Nested() || spec.Name == "*") && !c.collected(spec.Forge):
				// A plain forge/owner/name may be a git log export's
				// repository; groups and wildcards need the forge's API.
				add(fmt.Sprintf("%s.repos[%d]", key, j), "%q: unknown host %q: add a [[forges]] section with host = %q and kind = \"gitlab\"", r, spec.Forge, spec.Forge)
			}
		}
		if strings.ContainsAny(p.Description.DA+p.Description.EN, "\r\n") {
			add(key+".description", "must be one line")
		}
		if p.URL != "" && !isWebAddress(p.URL) {
			add(key+".url", "must be an https:// or http:// address, not %q", p.URL)
		}
		if p.Contact != "" && !isWebAddress(p.Contact) && !emailRe.MatchString(p.Contact) {
			add(key+".contact", "must be an e-mail address or an https:// or http:// address, not %q", p.Contact)
		}
		for j, s := range p.SelfEvaluations {
			if _, err := ParseSelfEvalSpec(s); err != nil {
				add(fmt.Sprintf("%s.self_evaluations[%d]", key, j), "%v", err)
			}
		}
	}

	hosts := map[string]bool{}
	for i, f := range c.Forges {
		key := fmt.Sprintf("forges[%d]", i)
		switch {
		case !forgeRe.MatchString(f.Host):
			add(key+".host", "%q is not a host name, e.g. \"git.magenta.dk\"", f.Host)
		case f.Host == "github.com":
			add(key+".host", "github.com is configured in [github]")
		case hosts[f.Host]:
			add(key+".host", "%q appears twice", f.Host)
		}
		hosts[f.Host] = true
		if f.Kind != ForgeGitLab {
			add(key+".kind", "must be \"gitlab\", not %q", f.Kind)
		}
		if !isWebAddress(f.APIURL) {
			add(key+".api_url", "must be an http(s) URL such as \"https://%s/api/v4/\", not %q", f.Host, f.APIURL)
		}
		if f.Concurrency < 1 || f.Concurrency > 8 {
			add(key+".concurrency", "must be between 1 and 8, not %d", f.Concurrency)
		}
		if f.Interval.Duration < time.Minute {
			add(key+".interval", "must be at least 1m, not %s", f.Interval)
		}
		if strings.ContainsAny(f.TokenEnv, " =\t\r\n") {
			add(key+".token_env", "%q is not the name of an environment variable", f.TokenEnv)
		}
	}
	mirrored := map[string]bool{}
	for i, m := range c.Mirrors {
		key := fmt.Sprintf("mirrors[%d]", i)
		repo, err := ParseRepoSpec(m.Repo)
		switch {
		case err != nil:
			add(key+".repo", "%v", err)
		case repo.Name == "*":
			add(key+".repo", "name one repository, not %q", m.Repo)
		case len(c.ProductsOf(repo)) == 0:
			add(key+".repo", "%q is not a repository of any product", m.Repo)
		case mirrored[strings.ToLower(repo.String())]:
			add(key+".repo", "%q is listed as a mirror twice", m.Repo)
		}
		mirrored[strings.ToLower(repo.String())] = true
		of, err := ParseRepoSpec(m.MirrorOf)
		switch {
		case err != nil:
			add(key+".mirror_of", "%v", err)
		case of.Name == "*":
			add(key+".mirror_of", "name one repository, not %q", m.MirrorOf)
		case !c.collected(of.Forge):
			add(key+".mirror_of", "%q: unknown host %q: add a [[forges]] section with host = %q and kind = \"gitlab\"", m.MirrorOf, of.Forge, of.Forge)
		case strings.EqualFold(repo.String(), of.String()):
			add(key+".mirror_of", "a repository cannot be a mirror of itself")
		}
	}

	for i, a := range c.Activity {
		key := fmt.Sprintf("activity[%d]", i)
		spec, err := ParseRepoSpec(a.Repo)
		if err != nil || spec.Name == "*" {
			add(key+".repo", "must be FORGE/OWNER/NAME or OWNER/NAME, not %q", a.Repo)
		} else if len(c.ProductsOf(spec)) == 0 {
			add(key+".repo", "%q is not a repository of any product", a.Repo)
		}
		if a.File == "" {
			add(key+".file", "must name a tab-separated git log export")
		}
	}

	for i, a := range c.Affiliations {
		key := fmt.Sprintf("affiliations[%d]", i)
		switch {
		case (a.Domain == "") == (a.Login == ""):
			add(key, "give exactly one of domain and login")
		case a.Domain != "" && !domainRe.MatchString(strings.ToLower(a.Domain)):
			add(key+".domain", "%q is not an e-mail domain", a.Domain)
		}
		if (a.Organization == "") == (a.Supplier == "") {
			add(key, "give exactly one of organization and supplier")
		}
		if !a.From.IsZero() && !a.Until.IsZero() && !a.Until.After(a.From) {
			add(key+".until", "must be after from (%s)", a.From)
		}
	}

	goals := map[string]bool{}
	for i, g := range c.Goals {
		key := fmt.Sprintf("goals[%d]", i)
		name := fmt.Sprintf("goal %q", g.ID)
		switch {
		case !goalIDRe.MatchString(g.ID):
			add(key+".id", "%q is not a valid goal id (lower-case letters, digits, - and _)", g.ID)
		case goals[g.ID]:
			add(key+".id", "duplicate goal id %q", g.ID)
		}
		goals[g.ID] = true
		if g.Title.DA == "" || g.Title.EN == "" {
			add(key+".title", "%s needs a title in Danish and English: title = { da = \"…\", en = \"…\" }", name)
		}
		share, ok := GoalMetrics[g.Metric]
		if !ok {
			add(key+".metric", "%s: unknown metric %q (one of members, members_three_plus_share, product_adoption_share, product_adopters, active_contributors, portfolio_active_contributors)", name, g.Metric)
		}
		needsProduct := g.Metric == "product_adoption_share" || g.Metric == "product_adopters"
		switch {
		case needsProduct && g.Product == "":
			add(key+".product", "%s: metric %s needs a product", name, g.Metric)
		case g.Product != "" && !products[g.Product]:
			add(key+".product", "%s: unknown product %q", name, g.Product)
		case g.Product != "" && ok && !needsProduct && g.Metric != "active_contributors":
			add(key+".product", "%s: metric %s takes no product", name, g.Metric)
		}
		if g.Metric == "product_adopters" {
			if !contains([]string{"municipalities", "members", "all"}, g.Scope) {
				add(key+".scope", "%s: scope must be municipalities, members or all, not %q", name, g.Scope)
			}
		} else if g.Scope != "" {
			add(key+".scope", "%s: only metric product_adopters takes a scope", name)
		}
		switch {
		case share && (g.Target <= 0 || g.Target > 1):
			add(key+".target", "%s: a share target must be above 0 and at most 1 (e.g. 0.3 for 30 %%), not %v", name, g.Target)
		case !share && ok && (g.Target <= 0 || g.Target != float64(int64(g.Target))):
			add(key+".target", "%s: a count target must be a positive whole number, not %v", name, g.Target)
		case g.Metric == "product_adopters" && g.Scope == "municipalities" && g.Target > 98:
			add(key+".target", "%s: there are only 98 municipalities", name)
		}
		if g.BaselineDate.IsZero() {
			add(key+".baseline_date", "%s: date missing (YYYY-MM-DD)", name)
		}
		if g.Deadline.IsZero() {
			add(key+".deadline", "%s: date missing (YYYY-MM-DD)", name)
		}
		if !g.BaselineDate.IsZero() && !g.Deadline.IsZero() && !g.Deadline.After(g.BaselineDate) {
			add(key+".deadline", "%s: deadline %s is not after baseline_date %s", name, g.Deadline, g.BaselineDate)
		}
	}

	if len(probs) > 0 {
		return &problems.Error{Problems: probs}
	}
	return nil
}

// RepoSpec is a repository named in the configuration.
type RepoSpec struct {
	Forge string // "github.com" unless given
	Owner string
	Name  string // "*" for every repository of Owner
}

// String returns FORGE/OWNER/NAME.
func (r RepoSpec) String() string { return r.Forge + "/" + r.Owner + "/" + r.Name }

// IsGitHub reports whether the repository is collected from the GitHub API.
func (r RepoSpec) IsGitHub() bool { return r.Forge == "github.com" }

// ParseRepoSpec parses "owner/name", "owner/*" or "forge/owner/name". On
// a forge other than GitHub the owner may be a path of nested groups, as
// GitLab's are ("git.magenta.dk/rammearkitektur/os2mo/os2mo"), and
// "forge/group/*" is every project of the group, its subgroups' included.
// Whether the forge is one os2pulse collects from is Validate's question.
func ParseRepoSpec(s string) (RepoSpec, error) {
	parts := strings.Split(s, "/")
	var r RepoSpec
	switch {
	case len(parts) == 2:
		r = RepoSpec{Forge: "github.com", Owner: parts[0], Name: parts[1]}
	case len(parts) >= 3:
		r = RepoSpec{Forge: strings.ToLower(parts[0]), Owner: strings.Join(parts[1:len(parts)-1], "/"), Name: parts[len(parts)-1]}
		if !forgeRe.MatchString(r.Forge) {
			return r, fmt.Errorf("invalid repository %q: %q is not a forge host name", s, parts[0])
		}
		if r.IsGitHub() && len(parts) > 3 {
			return r, fmt.Errorf("invalid repository %q: GitHub repositories are github.com/owner/name", s)
		}
	default:
		return r, fmt.Errorf("invalid repository %q: write owner/name, owner/* or forge/owner/name", s)
	}
	if r.IsGitHub() {
		if !ownerRe.MatchString(r.Owner) {
			return r, fmt.Errorf("invalid repository %q: %q is not a valid owner", s, r.Owner)
		}
	} else {
		for _, g := range strings.Split(r.Owner, "/") {
			if !groupPathRe.MatchString(g) || strings.HasSuffix(g, ".git") || strings.HasSuffix(g, ".atom") {
				return r, fmt.Errorf("invalid repository %q: %q is not a valid group or owner", s, g)
			}
		}
	}
	if r.Name != "*" && (!repoNameRe.MatchString(r.Name) || r.Name == "." || r.Name == "..") {
		return r, fmt.Errorf("invalid repository %q: %q is not a valid repository name", s, r.Name)
	}
	return r, nil
}

// Nested reports whether the spec names its owner by a path of groups.
func (r RepoSpec) Nested() bool { return strings.Contains(r.Owner, "/") }

// Covers reports whether the spec (a repository, or a wildcard) takes in
// the repository other names. Names compare case-insensitively, as both
// forges' do; a GitLab group's wildcard takes in its subgroups.
func (r RepoSpec) Covers(other RepoSpec) bool {
	if r.Forge != other.Forge {
		return false
	}
	if r.Name != "*" {
		return strings.EqualFold(r.Owner, other.Owner) && strings.EqualFold(r.Name, other.Name)
	}
	if strings.EqualFold(r.Owner, other.Owner) {
		return true
	}
	return !r.IsGitHub() && len(other.Owner) > len(r.Owner) && strings.EqualFold(other.Owner[:len(r.Owner)+1], r.Owner+"/")
}

// GitLabForges are the GitLab instances collected from: those configured
// in [[forges]], and gitlab.com with its defaults when a repository there
// is named without a section of its own.
func (c *Config) GitLabForges() []Forge {
	var out []Forge
	for _, f := range c.Forges {
		if f.Kind == ForgeGitLab {
			out = append(out, f)
		}
	}
	if _, ok := c.Forge(GitLabCom); !ok {
		for _, p := range c.Products {
			for _, s := range p.Repos {
				if spec, err := ParseRepoSpec(s); err == nil && spec.Forge == GitLabCom {
					return append(out, Forge{Host: GitLabCom, Kind: ForgeGitLab, APIURL: "https://gitlab.com/api/v4/",
						Interval: Duration{6 * time.Hour}, Concurrency: 2})
				}
			}
		}
	}
	return out
}

// Forge returns the [[forges]] section of host.
func (c *Config) Forge(host string) (Forge, bool) {
	for _, f := range c.Forges {
		if strings.EqualFold(f.Host, host) {
			return f, true
		}
	}
	return Forge{}, false
}

// collected reports whether repositories on host are read from an API:
// GitHub, gitlab.com and the configured forges.
func (c *Config) collected(host string) bool {
	_, ok := c.Forge(host)
	return ok || host == "github.com" || host == GitLabCom
}

// MirrorOf returns what the repository (FORGE/…/NAME) is a mirror of, as
// configured ("" when it is none).
func (c *Config) MirrorOf(r RepoSpec) string {
	for _, m := range c.Mirrors {
		spec, err := ParseRepoSpec(m.Repo)
		if err == nil && spec.Name != "*" && spec.Covers(r) {
			return m.MirrorOf
		}
	}
	return ""
}

// CheckTokens reports every forge whose token variable is named but not
// set in the environment (lookup is os.LookupEnv), at the line of its key.
// GitHub's is left out: without it GitHub still answers, slowly, and the
// collector says so.
func (c *Config) CheckTokens(lookup func(string) (string, bool)) error {
	var probs []string
	for i, f := range c.Forges {
		if f.TokenEnv == "" {
			continue
		}
		if v, ok := lookup(f.TokenEnv); !ok || strings.TrimSpace(v) == "" {
			key := fmt.Sprintf("forges[%d].token_env", i)
			probs = append(probs, fmt.Sprintf("%s:%d: %s: the environment variable %s holding the token for %s is not set",
				c.File, c.line(key), key, f.TokenEnv, f.Host))
		}
	}
	if len(probs) > 0 {
		return &problems.Error{Problems: probs}
	}
	return nil
}

// SelfEvalSpec is where a product's self-evaluations are published: files
// in a GitHub repository matching Path (a glob such as
// "dokumenter/*-selvevaluering-*.json"), or one local file, File.
type SelfEvalSpec struct {
	Owner, Repo, Path string
	File              string
}

// IsGitHub reports whether the spec names files on GitHub.
func (s SelfEvalSpec) IsGitHub() bool { return s.Owner != "" }

// String is the spec as written.
func (s SelfEvalSpec) String() string {
	if s.IsGitHub() {
		return s.Owner + "/" + s.Repo + ":" + s.Path
	}
	return s.File
}

// ParseSelfEvalSpec parses "OWNER/REPO:PATH-GLOB" (GitHub) or a local file
// path (any entry without a colon).
func ParseSelfEvalSpec(s string) (SelfEvalSpec, error) {
	if strings.TrimSpace(s) == "" || strings.ContainsAny(s, "\x00\r\n") {
		return SelfEvalSpec{}, fmt.Errorf("must be OWNER/REPO:PATH or a local file path, not %q", s)
	}
	repo, p, ok := strings.Cut(s, ":")
	if !ok {
		return SelfEvalSpec{File: s}, nil
	}
	owner, name, _ := strings.Cut(repo, "/")
	if !ownerRe.MatchString(owner) || !repoNameRe.MatchString(name) || name == "." || name == ".." {
		return SelfEvalSpec{}, fmt.Errorf("%q: %q is not OWNER/REPO on GitHub", s, repo)
	}
	p = strings.Trim(p, "/")
	if p == "" || strings.Contains(p, "..") {
		return SelfEvalSpec{}, fmt.Errorf("%q: give the file's path in the repository after the colon, e.g. dokumenter/*-selvevaluering-*.json", s)
	}
	if _, err := path.Match(p, ""); err != nil {
		return SelfEvalSpec{}, fmt.Errorf("%q: %q is not a valid glob: %v", s, p, err)
	}
	if strings.ContainsAny(path.Dir(p), "*?[") {
		return SelfEvalSpec{}, fmt.Errorf("%q: only the file name may hold a glob, not the directory %q", s, path.Dir(p))
	}
	return SelfEvalSpec{Owner: owner, Repo: name, Path: p}, nil
}

// ProductsOf returns the ids of the products whose repos include r, either
// by name or through a wildcard. Names compare case-insensitively, as
// GitHub's and GitLab's do.
func (c *Config) ProductsOf(r RepoSpec) []string {
	var ids []string
	for _, p := range c.Products {
		for _, s := range p.Repos {
			spec, err := ParseRepoSpec(s)
			if err != nil {
				continue
			}
			if spec.Covers(r) {
				ids = append(ids, p.ID)
				break
			}
		}
	}
	return ids
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// line returns the line of a key path such as "products[2].repos[1]",
// falling back to its parent's line, then to line 1.
func (c *Config) line(key string) int {
	for k := key; k != ""; {
		if n, ok := c.lines[k]; ok {
			return n
		}
		i := strings.LastIndexAny(k, ".[")
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return 1
}

// keyLines maps every key path in a TOML document to its line, with array
// tables and array elements indexed from 0: "products[2].repos[1]".
func keyLines(doc []byte) (map[string]int, error) {
	lines := map[string]int{}
	counts := map[string]int{}
	p := unstable.Parser{}
	p.Reset(doc)
	prefix := ""
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			name, line := keyPath(&p, e.Key())
			if e.Kind == unstable.ArrayTable {
				n := counts[name]
				counts[name] = n + 1
				name += "[" + strconv.Itoa(n) + "]"
			}
			prefix = name
			lines[name] = line
		case unstable.KeyValue:
			name, line := keyPath(&p, e.Key())
			if prefix != "" {
				name = prefix + "." + name
			}
			lines[name] = line
			valueLines(&p, name, e.Value(), lines)
		}
	}
	if err := p.Error(); err != nil {
		return nil, err
	}
	return lines, nil
}

func keyPath(p *unstable.Parser, it unstable.Iterator) (string, int) {
	var parts []string
	line := 0
	for it.Next() {
		n := it.Node()
		parts = append(parts, string(n.Data))
		if line == 0 && n.Raw.Length > 0 {
			line = p.Shape(n.Raw).Start.Line
		}
	}
	return strings.Join(parts, "."), line
}

func valueLines(p *unstable.Parser, name string, v *unstable.Node, lines map[string]int) {
	switch v.Kind {
	case unstable.Array:
		it := v.Children()
		for i := 0; it.Next(); i++ {
			n := it.Node()
			key := name + "[" + strconv.Itoa(i) + "]"
			if n.Raw.Length > 0 {
				lines[key] = p.Shape(n.Raw).Start.Line
			} else {
				lines[key] = lines[name]
			}
			valueLines(p, key, n, lines)
		}
	case unstable.InlineTable:
		it := v.Children()
		for it.Next() {
			kv := it.Node()
			k, line := keyPath(p, kv.Key())
			lines[name+"."+k] = line
			valueLines(p, name+"."+k, kv.Value(), lines)
		}
	}
}
