package config

import (
	"fmt"
	"path"
	"strings"
	"time"

	"os2pulse/problems"
)

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
