// Package config loads and validates the os2pulse TOML configuration.
//
// A Config is a plain value passed to whoever needs it; there is no global
// configuration. Secrets never live in the file: the file names environment
// variables (token_env, admin_token_env) and the values are read from there.
package config

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"os2pulse/civil"
	"os2pulse/problems"
)

// DefaultFile is read when no -config flag is given and it exists.
const DefaultFile = "os2pulse.toml"

//go:embed example.toml example
var exampleFS embed.FS

// Config is the whole os2pulse configuration.
type Config struct {
	Portfolio    Portfolio     `toml:"portfolio"`
	Storage      Storage       `toml:"storage"`
	Server       Server        `toml:"server"`
	GitHub       GitHub        `toml:"github"`
	Forges       []Forge       `toml:"forges"`
	Mirrors      []Mirror      `toml:"mirrors"`
	Register     Register      `toml:"register"`
	Contributors Contributors  `toml:"contributors"`
	Governance   Governance    `toml:"governance"`
	Products     []Product     `toml:"products"`
	Activity     []Activity    `toml:"activity"`
	Affiliations []Affiliation `toml:"affiliations"`
	Goals        []Goal        `toml:"goals"`
	Admins       []Admin       `toml:"admins"`

	// File is where the configuration came from ("built-in example" for the
	// embedded default); used in messages.
	File string `toml:"-"`
	// Dir resolves relative data paths (register files, activity exports):
	// the directory of the config file, or the embedded example data.
	Dir fs.FS `toml:"-"`

	lines map[string]int
}

// Portfolio describes the portfolio as a whole.
type Portfolio struct {
	Name string `toml:"name"`
	// Illustrative marks example data: the dashboard and reports say so on
	// every page, so no one mistakes it for OS2's real figures.
	Illustrative bool `toml:"illustrative"`
	// DataLicense is the licence the published figures may be reused
	// under, shown in the footer, on embeds and with every API answer;
	// DataLicenseURL where it is written (known for the default).
	DataLicense    string `toml:"data_license"`
	DataLicenseURL string `toml:"data_license_url"`
}

// DefaultDataLicense is the licence of the figures unless the
// configuration names another.
const (
	DefaultDataLicense    = "CC BY 4.0"
	DefaultDataLicenseURL = "https://creativecommons.org/licenses/by/4.0/"
)

// Storage selects the database.
type Storage struct {
	Driver string `toml:"driver"` // "sqlite" or "postgres"
	DSN    string `toml:"dsn"`
	// IndexSnapshot is the file serve keeps the contribution index in
	// between starts: "" is beside the SQLite file (its name + ".index"),
	// or ./data/contribution.index for PostgreSQL; "off" keeps none.
	IndexSnapshot string `toml:"index_snapshot"`
}

// IndexSnapshotFile is the contribution index snapshot's path, "" for
// none (also for an in-memory SQLite database).
func (s Storage) IndexSnapshotFile() string {
	switch {
	case s.IndexSnapshot == "off":
		return ""
	case s.IndexSnapshot != "":
		return s.IndexSnapshot
	case s.Driver != "sqlite" || strings.Contains(s.DSN, ":memory:") || strings.Contains(s.DSN, "mode=memory"):
		return ""
	}
	p, _, _ := strings.Cut(strings.TrimPrefix(s.DSN, "file:"), "?")
	return p + ".index"
}

// Server configures the HTTP server.
type Server struct {
	Listen        string `toml:"listen"`
	AdminTokenEnv string `toml:"admin_token_env"`
	// CollectorLease bounds how long the instances on one database go
	// without a collector when the one collecting dies: another takes
	// over within this time.
	CollectorLease Duration `toml:"collector_lease"`
}

// GitHub configures the GitHub collector.
type GitHub struct {
	APIURL   string   `toml:"api_url"`
	TokenEnv string   `toml:"token_env"`
	Interval Duration `toml:"interval"`
	// Concurrency bounds parallel requests for one token; GitHub asks
	// clients not to make many concurrent requests.
	Concurrency int `toml:"concurrency"`
	// Disabled turns off GitHub collection (e.g. an offline demo).
	Disabled bool `toml:"disabled"`
}

// Forge kinds.
const ForgeGitLab = "gitlab"

// GitLabCom is the GitLab instance known without a [[forges]] section.
const GitLabCom = "gitlab.com"

// Forge is a forge besides GitHub whose API os2pulse collects from: a
// GitLab instance (gitlab.com or self-managed).
type Forge struct {
	// Host is how repository specs name the forge ("git.magenta.dk").
	Host string `toml:"host"`
	Kind string `toml:"kind"`
	// APIURL is the REST API v4 base (default https://HOST/api/v4/).
	APIURL   string   `toml:"api_url"`
	TokenEnv string   `toml:"token_env"`
	Interval Duration `toml:"interval"`
	// Concurrency bounds parallel requests for the token.
	Concurrency int `toml:"concurrency"`
}

// Mirror says that Repo is a copy of MirrorOf (both FORGE/…/NAME): its
// commits are counted once, under MirrorOf, and its pull requests and
// issues are taken from MirrorOf, where the product is developed.
type Mirror struct {
	Repo     string `toml:"repo"`
	MirrorOf string `toml:"mirror_of"`
}

// Register configures where the adoption register and members list come from.
type Register struct {
	Adoption string   `toml:"adoption"`
	Members  string   `toml:"members"`
	Interval Duration `toml:"interval"`
}

// Contributors configures the active-contributor figures.
type Contributors struct {
	WindowDays int      `toml:"window_days"`
	Bots       []string `toml:"bots"`
	Aliases    []Alias  `toml:"aliases"`
}

// Governance configures the evidence checked against OS2's governance
// requirements (docs/governance.md).
type Governance struct {
	// Organizations are the forge organisations designated by OS2: a
	// repository under one of them is developed visibly in OS2's place
	// (F1) and its code is under OS2's control (F6). Compared without
	// regard to case.
	Organizations []string `toml:"organizations"`
	// IssueReferenceShare is the share of merged pull requests that must
	// reference an issue for F11 (0–1, default 0.5).
	IssueReferenceShare float64 `toml:"issue_reference_share"`
	// ForkAheadMax is how many commits a recently pushed fork may be
	// ahead of the default branch before F12 sees a second version of the
	// core code (default 20).
	ForkAheadMax int `toml:"fork_ahead_max"`
}

// Alias merges several identities (GitHub logins or e-mail addresses) into
// one person.
type Alias struct {
	Person     string   `toml:"person"`
	Identities []string `toml:"identities"`
}

// Product is one OS2 product: a group of repositories across organisations.
type Product struct {
	ID   string `toml:"id"`
	Name string `toml:"name"`
	// GovernanceLevel is the level for all dates; Levels its history. A
	// product gives one of the two (Validate).
	GovernanceLevel string        `toml:"governance_level"`
	Levels          []LevelPeriod `toml:"levels"`
	Repos           []string      `toml:"repos"`
	Focus           bool          `toml:"focus"`
	// Description is one line on what the product does, for the
	// catalogue; URL its website or documentation; Contact an e-mail
	// address or a web page to ask about it. All optional.
	Description Text   `toml:"description"`
	URL         string `toml:"url"`
	Contact     string `toml:"contact"`
	// SelfEvaluations are where the product's governance
	// self-evaluations are published: "OWNER/REPO:PATH-GLOB" on GitHub,
	// or a local file path relative to the configuration file.
	SelfEvaluations []string `toml:"self_evaluations"`
}

// ContactLink is where Contact leads: a mailto: link for an e-mail
// address, else the address itself ("" without a contact).
func (p Product) ContactLink() string {
	if p.Contact != "" && !IsURL(p.Contact) {
		return "mailto:" + p.Contact
	}
	return p.Contact
}

// RepoLinks are the web addresses of the product's repositories: a
// repository's page, or an organisation's for "owner/*".
func (p Product) RepoLinks() []string {
	var out []string
	for _, r := range p.Repos {
		spec, err := ParseRepoSpec(r)
		if err != nil {
			continue
		}
		u := "https://" + spec.Forge + "/" + spec.Owner
		if spec.Name != "*" {
			u += "/" + spec.Name
		}
		out = append(out, u)
	}
	return out
}

// LevelPeriod is a governance level a product holds from Since until the
// next period's Since.
type LevelPeriod struct {
	Level string     `toml:"level"`
	Since civil.Date `toml:"since"`
}

// LevelOn returns the product's governance level on date d: the level of
// the last period that began on or before d, or "" before the first (the
// product was not yet in the governance model).
func (p Product) LevelOn(d civil.Date) string {
	if len(p.Levels) == 0 {
		return p.GovernanceLevel
	}
	level := ""
	for _, l := range p.Levels {
		if l.Since.After(d) {
			break
		}
		level = l.Level
	}
	return level
}

// LatestLevel is the level the product holds now and from now on, as far
// as the configuration says: the last period's.
func (p Product) LatestLevel() string {
	if len(p.Levels) == 0 {
		return p.GovernanceLevel
	}
	return p.Levels[len(p.Levels)-1].Level
}

// LevelHistory returns the product's periods in order; a product with
// governance_level has one, open since the start.
func (p Product) LevelHistory() []LevelPeriod {
	if len(p.Levels) == 0 {
		return []LevelPeriod{{Level: p.GovernanceLevel}}
	}
	return p.Levels
}

// Activity is a git log export imported as commit activity, for
// repositories that live outside GitHub (or for offline examples).
type Activity struct {
	Repo string `toml:"repo"` // FORGE/OWNER/NAME, e.g. github.com/OS2Forms/os2forms
	File string `toml:"file"`
	// CoveredUntil is the date up to which the export is the repository's
	// whole history (the day it was made); zero: up to its last commit.
	CoveredUntil civil.Date `toml:"covered_until"`
}

// Affiliation maps an e-mail domain or GitHub login to a member
// organisation or a supplier, optionally only within a date range.
type Affiliation struct {
	Domain       string     `toml:"domain"`
	Login        string     `toml:"login"`
	Organization string     `toml:"organization"`
	Supplier     string     `toml:"supplier"`
	From         civil.Date `toml:"from"`
	Until        civil.Date `toml:"until"`
}

// Goal is a strategic target of the board.
type Goal struct {
	ID           string     `toml:"id"`
	Title        Text       `toml:"title"`
	Metric       string     `toml:"metric"`
	Product      string     `toml:"product"`
	Scope        string     `toml:"scope"`
	Target       float64    `toml:"target"`
	BaselineDate civil.Date `toml:"baseline_date"`
	Deadline     civil.Date `toml:"deadline"`
}

// Admin may log in to the admin pages (/admin/) and change the register.
// The password is kept only as a bcrypt hash ("os2pulse admin passwd").
type Admin struct {
	Name         string `toml:"name"`
	PasswordHash string `toml:"password_hash" json:"-"`
}

// Text is a string in Danish and English.
type Text struct {
	DA string `toml:"da"`
	EN string `toml:"en"`
}

// UnmarshalText lets a plain string stand for both languages:
// title = "OS2forms i 60 kommuner".
func (t *Text) UnmarshalText(b []byte) error {
	t.DA, t.EN = string(b), string(b)
	return nil
}

// In returns the text in lang ("da" or "en"), falling back to Danish.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.DA
}

// Duration is a time.Duration written as a Go duration string ("6h").
type Duration struct{ time.Duration }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("invalid duration %q (use e.g. \"30m\" or \"6h\")", b)
	}
	d.Duration = v
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Load reads the configuration at path. An empty path means ./os2pulse.toml
// when it exists, else the built-in example portfolio.
func Load(path string) (*Config, error) {
	if path == "" {
		if _, err := os.Stat(DefaultFile); err == nil {
			path = DefaultFile
		} else {
			return Example()
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: reading %s: %w", path, err)
	}
	c, err := Parse(path, b, os.DirFS(filepath.Dir(path)))
	if err == nil && c.Storage.Driver == "sqlite" {
		c.Storage.DSN = besideConfig(filepath.Dir(path), c.Storage.DSN)
	}
	if err == nil && c.Storage.IndexSnapshot != "" && c.Storage.IndexSnapshot != "off" {
		c.Storage.IndexSnapshot = besideConfig(filepath.Dir(path), c.Storage.IndexSnapshot)
	}
	return c, err
}

// besideConfig resolves a relative SQLite file path against the
// configuration's directory, as every other path in it is, so that a
// configuration works from any working directory. A "file:" URI and an
// in-memory database are taken as they are.
func besideConfig(dir, dsn string) string {
	if strings.HasPrefix(dsn, "file:") || strings.Contains(dsn, ":memory:") || filepath.IsAbs(dsn) {
		return dsn
	}
	return filepath.Join(dir, dsn)
}

// Example returns the built-in example portfolio, whose register and
// activity files are embedded in the binary.
func Example() (*Config, error) {
	b, err := exampleFS.ReadFile("example.toml")
	if err != nil {
		return nil, err
	}
	return Parse("built-in example (config/example.toml)", b, exampleFS)
}

// Parse decodes, defaults and validates a configuration. name is used in
// messages; dir resolves relative data paths.
func Parse(name string, b []byte, dir fs.FS) (*Config, error) {
	c := &Config{File: name, Dir: dir}
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	quoted, err := quoteLocalDates(b)
	if err != nil {
		// A syntax error: the decoder reports it with its line.
		quoted = b
	}
	dec := toml.NewDecoder(bytes.NewReader(quoted))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return nil, decodeError(name, err)
	}
	lines, err := keyLines(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	c.lines = lines
	c.setDefaults()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

func decodeError(name string, err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) {
		var msgs []string
		for _, e := range strict.Errors {
			row, _ := e.Position()
			msgs = append(msgs, fmt.Sprintf("%s:%d: unknown key %q", name, row, strings.Join(e.Key(), ".")))
		}
		return &problems.Error{Problems: msgs}
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, _ := de.Position()
		key := strings.Join(de.Key(), ".")
		msg := strings.TrimPrefix(de.Error(), "toml: ")
		if key != "" {
			msg = key + ": " + msg
		}
		return &problems.Error{Problems: []string{fmt.Sprintf("%s:%d: %s", name, row, msg)}}
	}
	return fmt.Errorf("%s: %w", name, err)
}

func (c *Config) setDefaults() {
	if c.Portfolio.Name == "" {
		c.Portfolio.Name = "OS2"
	}
	if c.Portfolio.DataLicense == "" {
		c.Portfolio.DataLicense = DefaultDataLicense
	}
	if c.Portfolio.DataLicense == DefaultDataLicense && c.Portfolio.DataLicenseURL == "" {
		c.Portfolio.DataLicenseURL = DefaultDataLicenseURL
	}
	if c.Storage.Driver == "" {
		c.Storage.Driver = "sqlite"
	}
	if c.Storage.DSN == "" && c.Storage.Driver == "sqlite" {
		c.Storage.DSN = "./data/os2pulse.db"
	}
	if c.Storage.IndexSnapshot == "" && c.Storage.Driver == "postgres" {
		c.Storage.IndexSnapshot = "./data/contribution.index"
	}
	if c.Server.Listen == "" {
		c.Server.Listen = ":8080"
	}
	if c.Server.CollectorLease.Duration == 0 {
		c.Server.CollectorLease.Duration = time.Minute
	}
	if c.GitHub.APIURL == "" {
		c.GitHub.APIURL = "https://api.github.com/"
	}
	if !strings.HasSuffix(c.GitHub.APIURL, "/") {
		c.GitHub.APIURL += "/"
	}
	if c.GitHub.Interval.Duration == 0 {
		c.GitHub.Interval.Duration = 6 * time.Hour
	}
	if c.GitHub.Concurrency == 0 {
		c.GitHub.Concurrency = 4
	}
	for i := range c.Forges {
		f := &c.Forges[i]
		f.Host = strings.ToLower(f.Host)
		if f.Kind == "" {
			f.Kind = ForgeGitLab
		}
		if f.APIURL == "" && f.Host != "" {
			f.APIURL = "https://" + f.Host + "/api/v4/"
		}
		if f.APIURL != "" && !strings.HasSuffix(f.APIURL, "/") {
			f.APIURL += "/"
		}
		if f.Interval.Duration == 0 {
			f.Interval.Duration = 6 * time.Hour
		}
		if f.Concurrency == 0 {
			f.Concurrency = 2
		}
	}
	if c.Register.Interval.Duration == 0 {
		c.Register.Interval.Duration = time.Hour
	}
	if c.Contributors.WindowDays == 0 {
		c.Contributors.WindowDays = 90
	}
	if c.Governance.IssueReferenceShare == 0 {
		c.Governance.IssueReferenceShare = 0.5
	}
	if c.Governance.ForkAheadMax == 0 {
		c.Governance.ForkAheadMax = 20
	}
}

// Product returns the product with the given id.
func (c *Config) Product(id string) (Product, bool) {
	for _, p := range c.Products {
		if p.ID == id {
			return p, true
		}
	}
	return Product{}, false
}

// Open opens a data file named in the configuration (register, activity
// export), relative to the configuration's directory. URLs are not handled
// here: the collector fetches those.
func (c *Config) Open(name string) (fs.File, error) {
	if filepath.IsAbs(name) {
		return os.Open(name)
	}
	if c.Dir == nil {
		return os.Open(name)
	}
	return c.Dir.Open(filepath.ToSlash(filepath.Clean(name)))
}

// IsURL reports whether a register source is fetched over HTTP(S).
func IsURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// quoteLocalDates rewrites TOML's native local dates (baseline_date =
// 2024-01-01) as strings ("2024-01-01"), so that they decode into
// civil.Date like quoted ones: go-toml hands a native date only to its own
// date types. Lines stay where they were, so messages keep their line
// numbers.
func quoteLocalDates(doc []byte) ([]byte, error) {
	var spans []unstable.Range
	p := unstable.Parser{}
	p.Reset(doc)
	var walk func(n *unstable.Node)
	walk = func(n *unstable.Node) {
		if n == nil {
			return
		}
		if n.Kind == unstable.LocalDate && n.Raw.Length > 0 {
			spans = append(spans, n.Raw)
		}
		switch n.Kind {
		case unstable.KeyValue:
			walk(n.Value())
		case unstable.Array, unstable.InlineTable:
			it := n.Children()
			for it.Next() {
				walk(it.Node())
			}
		}
	}
	for p.NextExpression() {
		walk(p.Expression())
	}
	if err := p.Error(); err != nil {
		return nil, err
	}
	if len(spans) == 0 {
		return doc, nil
	}
	out := make([]byte, 0, len(doc)+2*len(spans))
	last := 0
	for _, r := range spans {
		out = append(out, doc[last:r.Offset]...)
		out = append(out, '"')
		out = append(out, doc[r.Offset:r.Offset+r.Length]...)
		out = append(out, '"')
		last = int(r.Offset + r.Length)
	}
	return append(out, doc[last:]...), nil
}
