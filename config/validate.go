package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

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

// bcryptHashRe is the form of a bcrypt hash: $2a$, $2b$ or $2y$, the cost,
// then 53 characters of salt and hash.
var bcryptHashRe = regexp.MustCompile(`^\$2[aby]\$[0-3][0-9]\$[./A-Za-z0-9]{53}$`)

// addFunc records a problem at a key path such as "products[2].repos[1]".
type addFunc func(key, format string, args ...any)

// Validate checks the rules that span fields. Every problem is reported,
// each with the file and line it comes from, section by section in the
// order of the sections below.
func (c *Config) Validate() error {
	var probs []string
	add := func(key, format string, args ...any) {
		probs = append(probs, fmt.Sprintf("%s:%d: %s: %s", c.File, c.line(key), key, fmt.Sprintf(format, args...)))
	}
	c.validateSettings(add)
	c.validatePeople(add)
	products := c.validateProducts(add)
	c.validateForges(add)
	c.validateMirrors(add)
	c.validateActivity(add)
	c.validateAffiliations(add)
	c.validateGoals(add, products)
	if len(probs) > 0 {
		return &problems.Error{Problems: probs}
	}
	return nil
}

// validateSettings checks the single-valued settings: storage, server,
// portfolio, github, register, contributors and governance.
func (c *Config) validateSettings(add addFunc) {
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
	if v := c.Governance.IssueReferenceShare; v <= 0 || v > 1 {
		add("governance.issue_reference_share", "must be above 0 and at most 1 (a share: 0.5 is 50 %%), not %g", v)
	}
	if v := c.Governance.ForkAheadMax; v < 1 {
		add("governance.fork_ahead_max", "must be at least 1, not %d", v)
	}
	for i, o := range c.Governance.Organizations {
		if strings.TrimSpace(o) == "" || strings.Contains(o, "/") {
			add(fmt.Sprintf("governance.organizations[%d]", i), "must be an organisation's name such as \"OS2Forms\", not %q", o)
		}
	}
	for i, b := range c.Contributors.Bots {
		if _, err := regexp.Compile(b); err != nil {
			add(fmt.Sprintf("contributors.bots[%d]", i), "not a valid regular expression: %v", err)
		}
	}
}

// validatePeople checks the admins and the contributors' aliases.
func (c *Config) validatePeople(add addFunc) {
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
}

// checkID checks the id of a kind of thing ("product", "goal") at key:
// its form, and that seen does not hold it yet; seen then does.
func checkID(add addFunc, key, kind string, re *regexp.Regexp, id string, seen map[string]bool) {
	switch {
	case !re.MatchString(id):
		add(key, "%q is not a valid %s id (lower-case letters, digits, - and _)", id, kind)
	case seen[id]:
		add(key, "duplicate %s id %q", kind, id)
	}
	seen[id] = true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
