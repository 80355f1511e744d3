package config

import (
	"fmt"
	"strings"
	"time"
)

// validateForges checks the [[forges]] sections.
func (c *Config) validateForges(add addFunc) {
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
}

// validateMirrors checks [[mirrors]].
func (c *Config) validateMirrors(add addFunc) {
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
}

// validateActivity checks the [[activity]] git log exports.
func (c *Config) validateActivity(add addFunc) {
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
}

// validateAffiliations checks [[affiliations]].
func (c *Config) validateAffiliations(add addFunc) {
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
}
