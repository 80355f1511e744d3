// Package publiccode reads and checks publiccode.yml, the metadata file
// that public-code catalogues across Europe (Developers Italia, the EU's
// OSS catalogue) read from a repository's root. Check names every problem
// with the fields those catalogues rely on, each as "NAME:LINE: what is
// wrong", per the publiccode.yml standard, versions 0.2 to 0.4 and later
// 0.x.
package publiccode

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/github/go-spdx/v2/spdxexp"
	"go.yaml.in/yaml/v4"
	"golang.org/x/text/language"

	"os2pulse/civil"
	"os2pulse/problems"
)

// File is what os2pulse reads from a publiccode.yml: the fields it shows
// and compares with what it knows itself.
type File struct {
	Version         string   `json:"publiccode_yml_version"`
	Name            string   `json:"name"`
	URL             string   `json:"url"`
	SoftwareVersion string   `json:"software_version,omitempty"`
	ReleaseDate     string   `json:"release_date,omitempty"`
	License         string   `json:"license"`
	UsedBy          []string `json:"used_by"`
	MaintenanceType string   `json:"maintenance_type"`
	Languages       []string `json:"available_languages"`
}

// The standard's closed lists.
var (
	DevelopmentStatuses = []string{"concept", "development", "beta", "stable", "obsolete"}
	SoftwareTypes       = []string{"standalone/mobile", "standalone/iot", "standalone/desktop", "standalone/web",
		"standalone/backend", "standalone/other", "addon", "library", "configurationFiles"}
	MaintenanceTypes = []string{"internal", "contract", "community", "none"}
)

// Lengths the standard sets for descriptions, in characters.
const (
	MaxShortDescription = 150
	MinLongDescription  = 150
	MaxLongDescription  = 10000
)

// maxSize bounds a file; real ones are a few kilobytes.
const maxSize = 1 << 20

var (
	versionRe = regexp.MustCompile(`^0\.([0-9]+)(\.[0-9]+)?$`)
	lineRe    = regexp.MustCompile(`line ([0-9]+)`)
)

// Check reads the publiccode.yml called name (for messages, e.g.
// OWNER/REPO/publiccode.yml) and returns every problem as
// "NAME:LINE: what is wrong"; none when the file is valid.
func Check(data []byte, name string) []string {
	_, p := Read(data, name)
	return p
}

// Read parses a publiccode.yml and checks it. It returns what it could
// read even when there are problems, so a page can show a file's name and
// licence beside what is wrong with it.
func Read(data []byte, name string) (File, []string) {
	c := checker{p: problems.NewList(name, 0)}
	c.read(data)
	return c.f, c.p.All()
}

type checker struct {
	p *problems.List
	f File
}

func (c *checker) read(data []byte) {
	if len(data) > maxSize {
		c.p.Add(1, "larger than %d kB; a publiccode.yml is a few kB", maxSize>>10)
		return
	}
	if !utf8.Valid(data) {
		c.p.Add(1, "not valid UTF-8, which the standard requires")
		return
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line := 1
		if m := lineRe.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
		}
		c.p.Add(line, "not valid YAML: %s", problems.Clip(strings.TrimPrefix(err.Error(), "yaml: ")))
		return
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		c.p.Add(1, "empty: a publiccode.yml is a mapping with publiccodeYmlVersion, name, url and the rest")
		return
	}
	root := c.mapping("", doc.Content[0], 1)
	if root == nil {
		return
	}
	c.version(root)
	c.f.Name = c.text(root, "name", true)
	if u := c.text(root, "url", true); u != "" {
		c.f.URL = u
		if pu, err := url.Parse(u); err != nil || pu.Scheme == "" || pu.Host == "" {
			c.p.Add(root.line("url"), "url %q is not an absolute URL of the source code repository", problems.Clip(u))
		}
	}
	c.f.SoftwareVersion = c.text(root, "softwareVersion", false)
	c.f.ReleaseDate = c.date(root, "releaseDate", strings.HasPrefix(c.f.Version, "0.2"))
	c.platforms(root)
	c.enum(root, "developmentStatus", DevelopmentStatuses)
	c.enum(root, "softwareType", SoftwareTypes)
	c.legal(root)
	c.maintenance(root)
	c.localisation(root)
	c.description(root)
	if n := root.get("usedBy"); n != nil {
		c.f.UsedBy = c.list("usedBy", n, false)
	}
}

// mapping is a YAML mapping with where each key is.
type mapping struct {
	path   string // "legal", "" for the root
	at     int    // the line of the key that holds it (1 for the root)
	values map[string]*yaml.Node
	lines  map[string]int
	order  []string
}

func (m *mapping) get(key string) *yaml.Node { return m.values[key] }

// line is the line of key, or of the mapping itself when key is absent.
func (m *mapping) line(key string) int {
	if l, ok := m.lines[key]; ok {
		return l
	}
	return m.at
}

// field names a key for messages: legal.license.
func (m *mapping) field(key string) string {
	if m.path == "" {
		return key
	}
	return m.path + "." + key
}

func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	return n
}

// mapping reads n as a mapping called path held at line at; nil (with a
// problem) when it is something else. A key given twice is a problem:
// which of the two a catalogue reads is not defined.
func (c *checker) mapping(path string, n *yaml.Node, at int) *mapping {
	n = resolve(n)
	what := path
	if what == "" {
		what = "the file"
	}
	if n == nil || n.Kind != yaml.MappingNode {
		line := at
		if n != nil && n.Line > 0 {
			line = n.Line
		}
		c.p.Add(line, "%s must be a mapping of keys to values", what)
		return nil
	}
	m := &mapping{path: path, at: at, values: map[string]*yaml.Node{}, lines: map[string]int{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolve(n.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode {
			continue
		}
		if l, dup := m.lines[k.Value]; dup {
			c.p.Add(k.Line, "%s is given twice (first on line %d)", m.field(k.Value), l)
			continue
		}
		m.values[k.Value], m.lines[k.Value] = n.Content[i+1], k.Line
		m.order = append(m.order, k.Value)
	}
	return m
}

// scalar returns a scalar's text, with a problem when n is not one.
func (c *checker) scalar(field string, n *yaml.Node) (string, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		line := 0
		if n != nil {
			line = n.Line
		}
		c.p.Add(line, "%s must be a single value, not a list or mapping", field)
		return "", false
	}
	if n.ShortTag() == "!!null" {
		return "", true
	}
	return strings.TrimSpace(n.Value), true
}

// text reads a key's text; a required key that is missing or empty is a
// problem.
func (c *checker) text(m *mapping, key string, required bool) string {
	n := m.get(key)
	if n == nil {
		if required {
			c.p.Add(m.line(key), "%s is missing", m.field(key))
		}
		return ""
	}
	s, ok := c.scalar(m.field(key), n)
	if ok && s == "" && required {
		c.p.Add(m.line(key), "%s is empty", m.field(key))
	}
	return s
}

func (c *checker) date(m *mapping, key string, required bool) string {
	s := c.text(m, key, required)
	if s == "" {
		return ""
	}
	if _, err := civil.Parse(s); err != nil {
		c.p.Add(m.line(key), "%s %q is not a date (YYYY-MM-DD)", m.field(key), problems.Clip(s))
		return ""
	}
	return s
}

func (c *checker) enum(m *mapping, key string, allowed []string) string {
	s := c.text(m, key, true)
	if s == "" {
		return ""
	}
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	c.p.Add(m.line(key), "%s %q is not one of %s", m.field(key), problems.Clip(s), strings.Join(allowed, ", "))
	return ""
}

// list reads a list of texts; nonEmpty requires at least one.
func (c *checker) list(field string, n *yaml.Node, nonEmpty bool) []string {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		c.p.Add(n.Line, "%s must be a list", field)
		return nil
	}
	if nonEmpty && len(n.Content) == 0 {
		c.p.Add(n.Line, "%s is an empty list", field)
	}
	out := []string{}
	for i, e := range n.Content {
		s, ok := c.scalar(fmt.Sprintf("%s[%d]", field, i), e)
		switch {
		case !ok:
		case s == "":
			c.p.Add(e.Line, "%s[%d] is empty", field, i)
		default:
			out = append(out, s)
		}
	}
	return out
}

func (c *checker) version(root *mapping) {
	v := c.text(root, "publiccodeYmlVersion", true)
	if v == "" {
		return
	}
	c.f.Version = v
	m := versionRe.FindStringSubmatch(v)
	if m == nil {
		c.p.Add(root.line("publiccodeYmlVersion"), "publiccodeYmlVersion %q is not a version of the standard this check knows (0.2 to 0.4, or a later 0.x)", problems.Clip(v))
		return
	}
	if minor, _ := strconv.Atoi(m[1]); minor < 2 {
		c.p.Add(root.line("publiccodeYmlVersion"), "publiccodeYmlVersion %q is older than 0.2, which catalogues no longer read", v)
	}
}

// platforms may be one value or a list; human-readable values beyond the
// standard's own are allowed.
func (c *checker) platforms(root *mapping) {
	n := root.get("platforms")
	if n == nil {
		c.p.Add(1, "platforms is missing (web, windows, mac, linux, ios, android or another)")
		return
	}
	if r := resolve(n); r.Kind == yaml.ScalarNode {
		c.text(root, "platforms", true)
		return
	}
	c.list("platforms", n, true)
}

func (c *checker) section(root *mapping, key string) *mapping {
	n := root.get(key)
	if n == nil {
		c.p.Add(1, "%s is missing", key)
		return nil
	}
	return c.mapping(key, n, root.line(key))
}

func (c *checker) legal(root *mapping) {
	owner := root.get("organisation") != nil || root.get("organizationUri") != nil
	if o := root.get("organisation"); o != nil {
		if m := c.mapping("organisation", o, root.line("organisation")); m != nil && c.text(m, "uri", false) == "" && c.text(m, "name", false) == "" {
			c.p.Add(m.at, "organisation names neither uri nor name")
		}
	}
	legal := c.section(root, "legal")
	if legal == nil {
		return
	}
	if lic := c.text(legal, "license", true); lic != "" {
		if ok, bad := spdxexp.ValidateLicenses([]string{lic}); !ok {
			c.p.Add(legal.line("license"), "legal.license %q is not a valid SPDX expression (%s)", problems.Clip(lic), problems.Clip(strings.Join(bad, ", ")))
		} else {
			c.f.License = lic
		}
	}
	if legal.get("repoOwner") != nil {
		owner = c.text(legal, "repoOwner", true) != "" || owner
	}
	if !owner {
		c.p.Add(legal.at, "neither legal.repoOwner nor organisation says who owns the software")
	}
}

func (c *checker) maintenance(root *mapping) {
	m := c.section(root, "maintenance")
	if m == nil {
		return
	}
	typ := c.enum(m, "type", MaintenanceTypes)
	c.f.MaintenanceType = typ
	people := func(key string, needed bool, check func(*mapping)) {
		n := m.get(key)
		if n == nil {
			if needed {
				c.p.Add(m.line("type"), "maintenance.%s is missing: maintenance of type %s names them", key, typ)
			}
			return
		}
		list := resolve(n)
		if list.Kind != yaml.SequenceNode {
			c.p.Add(list.Line, "maintenance.%s must be a list", key)
			return
		}
		if needed && len(list.Content) == 0 {
			c.p.Add(m.line(key), "maintenance.%s is empty: maintenance of type %s names them", key, typ)
		}
		for i, e := range list.Content {
			if em := c.mapping(fmt.Sprintf("maintenance.%s[%d]", key, i), e, resolve(e).Line); em != nil {
				check(em)
			}
		}
	}
	people("contractors", typ == "contract", func(e *mapping) {
		c.text(e, "name", true)
		c.date(e, "until", true)
	})
	people("contacts", typ == "internal" || typ == "community", func(e *mapping) {
		c.text(e, "name", true)
	})
}

func (c *checker) localisation(root *mapping) {
	m := c.section(root, "localisation")
	if m == nil {
		return
	}
	if n := m.get("localisationReady"); n == nil {
		c.p.Add(m.at, "localisation.localisationReady is missing (true or false)")
	} else if r := resolve(n); r.Kind != yaml.ScalarNode || r.ShortTag() != "!!bool" {
		c.p.Add(m.line("localisationReady"), "localisation.localisationReady must be true or false")
	}
	n := m.get("availableLanguages")
	if n == nil {
		c.p.Add(m.at, "localisation.availableLanguages is missing: the languages the software is available in")
		return
	}
	langs := c.list("localisation.availableLanguages", n, true)
	for i, l := range langs {
		if _, err := language.Parse(l); err != nil {
			c.p.Add(resolve(n).Content[i].Line, "localisation.availableLanguages[%d] %q is not a language tag (BCP 47, e.g. da or en)", i, problems.Clip(l))
		}
	}
	c.f.Languages = langs
}

func (c *checker) description(root *mapping) {
	m := c.section(root, "description")
	if m == nil {
		return
	}
	if len(m.order) == 0 {
		c.p.Add(m.at, "description has no language: give at least one, e.g. da or en")
		return
	}
	long := false
	langs := append([]string(nil), m.order...)
	sort.Strings(langs)
	for _, lang := range langs {
		if _, err := language.Parse(lang); err != nil {
			c.p.Add(m.line(lang), "description.%s: %q is not a language tag (BCP 47, e.g. da or en)", problems.Clip(lang), problems.Clip(lang))
			continue
		}
		d := c.mapping("description."+lang, m.get(lang), m.line(lang))
		if d == nil {
			continue
		}
		if s := c.text(d, "shortDescription", true); utf8.RuneCountInString(s) > MaxShortDescription {
			c.p.Add(d.line("shortDescription"), "description.%s.shortDescription has %d characters; at most %d are allowed",
				lang, utf8.RuneCountInString(s), MaxShortDescription)
		}
		if d.get("longDescription") == nil {
			continue
		}
		long = true
		s := c.text(d, "longDescription", true)
		if n := utf8.RuneCountInString(s); s != "" && (n < MinLongDescription || n > MaxLongDescription) {
			c.p.Add(d.line("longDescription"), "description.%s.longDescription has %d characters; it must have %d to %d",
				lang, n, MinLongDescription, MaxLongDescription)
		}
	}
	if !long {
		c.p.Add(m.at, "description: no language has a longDescription; at least one must")
	}
}
