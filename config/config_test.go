package config

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"os2pulse/civil"
	"os2pulse/problems"
)

func TestExampleIsValid(t *testing.T) {
	c, err := Example()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Products) < 12 || !c.Portfolio.Illustrative {
		t.Fatalf("example: %d products, illustrative %v", len(c.Products), c.Portfolio.Illustrative)
	}
	for _, a := range c.Activity {
		f, err := c.Open(a.File)
		if err != nil {
			t.Errorf("activity file %s: %v", a.File, err)
			continue
		}
		f.Close()
	}
	if c.Contributors.WindowDays != 90 || c.GitHub.APIURL != "https://api.github.com/" || c.Storage.DSN != "./data/os2pulse.db" {
		t.Fatalf("defaults: %+v %+v %+v", c.Contributors, c.GitHub, c.Storage)
	}
}

// The example file on disk is the one embedded; loading it by path must
// work too (make run and the docs point at it).
func TestLoadExampleFromDisk(t *testing.T) {
	c, err := Load("example.toml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Open(c.Activity[0].File); err != nil {
		t.Fatal(err)
	}
}

func TestDefaults(t *testing.T) {
	c, err := Parse("min.toml", []byte(""), fstest.MapFS{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, got, want string }{
		{"driver", c.Storage.Driver, "sqlite"},
		{"dsn", c.Storage.DSN, "./data/os2pulse.db"},
		{"listen", c.Server.Listen, ":8080"},
		{"api", c.GitHub.APIURL, "https://api.github.com/"},
		{"github interval", c.GitHub.Interval.String(), "6h0m0s"},
		{"register interval", c.Register.Interval.String(), "1h0m0s"},
		{"data licence", c.Portfolio.DataLicense, "CC BY 4.0"},
		{"data licence url", c.Portfolio.DataLicenseURL, "https://creativecommons.org/licenses/by/4.0/"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestProblemsNameFileAndLine(t *testing.T) {
	const products = `
[[products]]
id = "os2forms"
name = "OS2forms"
governance_level = "3"
repos = ["OS2Forms/*"]
`
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"unknown top-level key", "colour = \"red\"\n", []string{`c.toml:1: unknown key "colour"`}},
		{"unknown nested key", "[github]\napi_url = \"https://x/\"\ntokn_env = \"T\"\n", []string{`c.toml:3: unknown key "github.tokn_env"`}},
		{"unknown key in array table", products + "colour = 1\n", []string{`c.toml:7: unknown key "products.colour"`}},
		{"bad repo spec", `
[[products]]
id = "a"
name = "A"
governance_level = "1"
repos = [
  "OS2Forms/os2forms",
  "not a repo",
]
`, []string{`c.toml:8: products[0].repos[1]: invalid repository "not a repo": write owner/name, owner/* or forge/owner/name`}},
		{"wildcard and groups on an unknown host", `
[[products]]
id = "a"
name = "A"
governance_level = "sandbox"
repos = ["gitlab.com/magenta/*", "git.magenta.dk/rammearkitektur/*", "git.example.org/a/b/c", "git.example.org/a/b"]
`, []string{
			`c.toml:6: products[0].repos[1]: "git.magenta.dk/rammearkitektur/*": unknown host "git.magenta.dk": add a [[forges]] section with host = "git.magenta.dk" and kind = "gitlab"`,
			`c.toml:6: products[0].repos[2]: "git.example.org/a/b/c": unknown host "git.example.org": add a [[forges]] section with host = "git.example.org" and kind = "gitlab"`,
		}},
		{"forges", `
[[forges]]
host = "git.magenta.dk"
token_env = "MAGENTA TOKEN"
[[forges]]
host = "git.magenta.dk"
kind = "gitea"
api_url = "ftp://x"
concurrency = 9
interval = "10s"
[[forges]]
host = "github.com"
`, []string{
			`c.toml:4: forges[0].token_env: "MAGENTA TOKEN" is not the name of an environment variable`,
			`c.toml:6: forges[1].host: "git.magenta.dk" appears twice`,
			`c.toml:7: forges[1].kind: must be "gitlab", not "gitea"`,
			`c.toml:8: forges[1].api_url: must be an http(s) URL such as "https://git.magenta.dk/api/v4/", not "ftp://x/"`,
			`c.toml:9: forges[1].concurrency: must be between 1 and 8, not 9`,
			`c.toml:10: forges[1].interval: must be at least 1m, not 10s`,
			`c.toml:12: forges[2].host: github.com is configured in [github]`,
		}},
		{"mirrors", products + `
[[mirrors]]
repo = "OS2Forms/os2forms"
mirror_of = "git.magenta.dk/os2/forms"
[[mirrors]]
repo = "other/thing"
mirror_of = "OS2Forms/os2forms"
[[mirrors]]
repo = "OS2Forms/x"
mirror_of = "github.com/OS2Forms/x"
[[mirrors]]
repo = "OS2Forms/*"
mirror_of = "gitlab.com/a/*"
`, []string{
			`c.toml:10: mirrors[0].mirror_of: "git.magenta.dk/os2/forms": unknown host "git.magenta.dk": add a [[forges]] section with host = "git.magenta.dk" and kind = "gitlab"`,
			`c.toml:12: mirrors[1].repo: "other/thing" is not a repository of any product`,
			`c.toml:16: mirrors[2].mirror_of: a repository cannot be a mirror of itself`,
			`c.toml:18: mirrors[3].repo: name one repository, not "OS2Forms/*"`,
			`c.toml:19: mirrors[3].mirror_of: name one repository, not "gitlab.com/a/*"`,
		}},
		{"bad governance level and duplicate id", products + products + "\n[[products]]\nid = \"B\"\nname = \"\"\ngovernance_level = \"4\"\n", []string{
			`c.toml:9: products[1].id: duplicate product id "os2forms"`,
			`c.toml:15: products[2].id: "B" is not a valid product id (lower-case letters, digits, - and _)`,
			`c.toml:16: products[2].name: must not be empty`,
			`c.toml:17: products[2].governance_level: must be one of sandbox, 1, 2, 3, not "4"`,
		}},
		{"bad duration", "[github]\ninterval = \"soon\"\n", []string{`c.toml:2: github.interval: invalid duration "soon" (use e.g. "30m" or "6h")`}},
		{"postgres without dsn", "[storage]\ndriver = \"postgres\"\n", []string{`c.toml:2: storage.driver: postgres needs storage.dsn, e.g. "postgres://os2pulse@localhost/os2pulse"`}},
		{"admins", "[[admins]]\nname = \"anna\"\npassword_hash = \"secret\"\n[[admins]]\nname = \"anna\"\npassword_hash = \"$2a$10$c1vj574LDybYNATbfLNTq.iFCM0eW/tMZAxcoFj.gCcyFcV.FGXnK\"\n[[admins]]\nname = \" \"\npassword_hash = \"$2a$10$c1vj574LDybYNATbfLNTq.iFCM0eW/tMZAxcoFj.gCcyFcV.FGXnK\"\n", []string{
			`c.toml:3: admins[0].password_hash: is not a bcrypt hash; make one with "os2pulse admin passwd anna"`,
			`c.toml:5: admins[1].name: "anna" appears twice`,
			`c.toml:8: admins[2].name: is empty or begins or ends with a space`,
		}},
		{"bad bot pattern", "[contributors]\nbots = [\"(\"]\n", []string{"c.toml:2: contributors.bots[0]: not a valid regular expression: error parsing regexp: missing closing ): `(`"}},
		{"activity outside products", products + "[[activity]]\nrepo = \"github.com/other/thing\"\nfile = \"x.tsv\"\n", []string{
			`c.toml:8: activity[0].repo: "github.com/other/thing" is not a repository of any product`}},
		{"affiliation needs one key", "[[affiliations]]\ndomain = \"aarhus.dk\"\nlogin = \"x\"\norganization = \"751\"\n", []string{
			`c.toml:1: affiliations[0]: give exactly one of domain and login`}},
		{"catalogue keys", products + "description = \"Formularer\\nog mere\"\nurl = \"os2.eu\"\ncontact = \"nobody\"\n" +
			"[portfolio]\ndata_license = \"Fri brug\"\ndata_license_url = \"ftp://x\"\n", []string{
			`c.toml:12: portfolio.data_license_url: must be an https:// or http:// address, not "ftp://x"`,
			`c.toml:7: products[0].description: must be one line`,
			`c.toml:8: products[0].url: must be an https:// or http:// address, not "os2.eu"`,
			`c.toml:9: products[0].contact: must be an e-mail address or an https:// or http:// address, not "nobody"`,
		}},
		{"self-evaluations", products + "self_evaluations = [\"OS2borgerPC/os2borgerpc-produktforvaltning:dokumenter/*-selvevaluering-*.json\", \"eval/os2forms.json\", \"OS2borgerPC/x:\", \"not a repo:x.json\", \"a/b:dok/*/x.json\", \"a/b:[x.json\"]\n", []string{
			`c.toml:7: products[0].self_evaluations[2]: "OS2borgerPC/x:": give the file's path in the repository after the colon, e.g. dokumenter/*-selvevaluering-*.json`,
			`c.toml:7: products[0].self_evaluations[3]: "not a repo:x.json": "not a repo" is not OWNER/REPO on GitHub`,
			`c.toml:7: products[0].self_evaluations[4]: "a/b:dok/*/x.json": only the file name may hold a glob, not the directory "dok/*"`,
			`c.toml:7: products[0].self_evaluations[5]: "a/b:[x.json": "[x.json" is not a valid glob: syntax error in pattern`,
		}},
		{"affiliation dates", "[[affiliations]]\ndomain = \"aarhus.dk\"\nsupplier = \"X\"\nfrom = \"2024-01-01\"\nuntil = \"2023-01-01\"\n", []string{
			`c.toml:5: affiliations[0].until: must be after from (2024-01-01)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("c.toml", []byte(tt.doc), fstest.MapFS{})
			var ce *problems.Error
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *problems.Error", err)
			}
			if strings.Join(ce.Problems, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(ce.Problems, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestGoalValidation(t *testing.T) {
	const base = `
[[products]]
id = "os2forms"
name = "OS2forms"
governance_level = "3"
repos = ["OS2Forms/*"]

[[goals]]
id = "g"
title = { da = "Mål", en = "Goal" }
`
	tests := []struct {
		name string
		goal string
		want string // "" = valid
	}{
		{"valid share", "metric = \"members_three_plus_share\"\ntarget = 0.3\nbaseline_date = \"2024-01-01\"\ndeadline = \"2026-12-31\"\n", ""},
		{"valid adopters", "metric = \"product_adopters\"\nproduct = \"os2forms\"\nscope = \"municipalities\"\ntarget = 60\nbaseline_date = \"2024-01-01\"\ndeadline = \"2026-12-31\"\n", ""},
		{"unknown metric", "metric = \"happiness\"\ntarget = 1\nbaseline_date = \"2024-01-01\"\ndeadline = \"2026-12-31\"\n",
			`c.toml:11: goals[0].metric: goal "g": unknown metric "happiness" (one of members, members_three_plus_share, product_adoption_share, product_adopters, active_contributors, portfolio_active_contributors)`},
		{"unknown product", "metric = \"product_adoption_share\"\nproduct = \"os2nothing\"\ntarget = 0.5\nbaseline_date = \"2024-01-01\"\ndeadline = \"2026-12-31\"\n",
			`c.toml:12: goals[0].product: goal "g": unknown product "os2nothing"`},
		{"share out of range", "metric = \"members_three_plus_share\"\ntarget = 30\nbaseline_date = \"2024-01-01\"\ndeadline = \"2026-12-31\"\n",
			`c.toml:12: goals[0].target: goal "g": a share target must be above 0 and at most 1 (e.g. 0.3 for 30 %), not 30`},
		{"more than 98 municipalities", "metric = \"product_adopters\"\nproduct = \"os2forms\"\nscope = \"municipalities\"\ntarget = 99\nbaseline_date = \"2024-01-01\"\ndeadline = \"2026-12-31\"\n",
			`c.toml:14: goals[0].target: goal "g": there are only 98 municipalities`},
		{"deadline before baseline", "metric = \"members\"\ntarget = 60\nbaseline_date = \"2026-01-01\"\ndeadline = \"2025-12-31\"\n",
			`c.toml:14: goals[0].deadline: goal "g": deadline 2025-12-31 is not after baseline_date 2026-01-01`},
		{"bad date", "metric = \"members\"\ntarget = 60\nbaseline_date = \"2026-13-01\"\ndeadline = \"2027-12-31\"\n",
			`c.toml:13: goals.baseline_date: "2026-13-01" is not a date (YYYY-MM-DD)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("c.toml", []byte(base+tt.goal), fstest.MapFS{})
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v\nwant  %s", err, tt.want)
			}
		})
	}
}

func TestParseRepoSpec(t *testing.T) {
	tests := []struct {
		in   string
		want RepoSpec
		err  bool
	}{
		{"OS2Forms/os2forms", RepoSpec{"github.com", "OS2Forms", "os2forms"}, false},
		{"os2display/*", RepoSpec{"github.com", "os2display", "*"}, false},
		{"gitlab.com/magenta/os2mo", RepoSpec{"gitlab.com", "magenta", "os2mo"}, false},
		{"git.magenta.dk/rammearkitektur/os2mo/os2mo", RepoSpec{"git.magenta.dk", "rammearkitektur/os2mo", "os2mo"}, false},
		{"git.magenta.dk/rammearkitektur/*", RepoSpec{"git.magenta.dk", "rammearkitektur", "*"}, false},
		{"git.magenta.dk/a/-b/c", RepoSpec{}, true},
		{"git.magenta.dk/a/b.git/c", RepoSpec{}, true},
		{"git.magenta.dk/a//c", RepoSpec{}, true},
		{"GitHub.com/a/b.c-d_e", RepoSpec{"github.com", "a", "b.c-d_e"}, false},
		{"a", RepoSpec{}, true},
		{"a/b/c/d", RepoSpec{}, true},
		{"github.com/a/b/c", RepoSpec{}, true},
		{"-a/b", RepoSpec{}, true},
		{"a/..", RepoSpec{}, true},
		{"nodot/a/b", RepoSpec{}, true},
	}
	for _, tt := range tests {
		got, err := ParseRepoSpec(tt.in)
		if (err != nil) != tt.err || (!tt.err && got != tt.want) {
			t.Errorf("ParseRepoSpec(%q) = %+v, %v", tt.in, got, err)
		}
	}
}

func TestProductsOf(t *testing.T) {
	c, err := Example()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		spec string
		want string
	}{
		{"github.com/os2forms/os2forms", "os2forms"},
		{"github.com/OS2Forms/anything", "os2forms"},
		{"github.com/magenta-aps/os2mo-naldo", "os2mo"},
		{"github.com/magenta-aps/other", ""},
		{"gitlab.com/OS2Forms/os2forms", ""},
	}
	for _, tt := range tests {
		s, _ := ParseRepoSpec(tt.spec)
		if got := strings.Join(c.ProductsOf(s), ","); got != tt.want {
			t.Errorf("ProductsOf(%s) = %q, want %q", tt.spec, got, tt.want)
		}
	}
}

// A GitLab group's wildcard takes in its subgroups' projects; GitHub's
// owner/* has no subgroups.
func TestProductsOfNestedGroups(t *testing.T) {
	doc := `
[[forges]]
host = "git.magenta.dk"
token_env = "MAGENTA_TOKEN"
[[products]]
id = "os2mo"
name = "OS2mo"
governance_level = "3"
repos = ["git.magenta.dk/rammearkitektur/*", "OS2mo/os2mo"]
[[products]]
id = "single"
name = "Single"
governance_level = "1"
repos = ["git.magenta.dk/rammearkitektur/os2mo/os2mo", "gitlab.com/os2/thing"]
[[mirrors]]
repo = "OS2mo/os2mo"
mirror_of = "git.magenta.dk/rammearkitektur/os2mo/os2mo"
`
	c, err := Parse("c.toml", []byte(doc), fstest.MapFS{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ spec, want string }{
		{"git.magenta.dk/rammearkitektur/os2mo/os2mo", "os2mo,single"},
		{"git.magenta.dk/Rammearkitektur/deep/er/x", "os2mo"},
		{"git.magenta.dk/rammearkitekturx/x", ""},
		{"github.com/OS2mo/os2mo", "os2mo"},
		{"gitlab.com/os2/thing", "single"},
	}
	for _, tt := range tests {
		s, err := ParseRepoSpec(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(c.ProductsOf(s), ","); got != tt.want {
			t.Errorf("ProductsOf(%s) = %q, want %q", tt.spec, got, tt.want)
		}
	}
	if got := c.MirrorOf(RepoSpec{"github.com", "os2mo", "OS2MO"}); got != "git.magenta.dk/rammearkitektur/os2mo/os2mo" {
		t.Errorf("MirrorOf = %q", got)
	}
	var hosts []string
	for _, f := range c.GitLabForges() {
		hosts = append(hosts, f.Host+" "+f.APIURL+" "+f.Interval.String())
	}
	if got := strings.Join(hosts, ", "); got != "git.magenta.dk https://git.magenta.dk/api/v4/ 6h0m0s, gitlab.com https://gitlab.com/api/v4/ 6h0m0s" {
		t.Errorf("GitLab forges = %s", got)
	}
	env := map[string]string{}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	err = c.CheckTokens(lookup)
	if ps := problems.Of(err); len(ps) != 1 || ps[0] != `c.toml:4: forges[0].token_env: the environment variable MAGENTA_TOKEN holding the token for git.magenta.dk is not set` {
		t.Errorf("CheckTokens = %v", err)
	}
	env["MAGENTA_TOKEN"] = "glpat-x"
	if err := c.CheckTokens(lookup); err != nil {
		t.Errorf("CheckTokens with the token set = %v", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("does-not-exist.toml")
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	b, _ := os.ReadFile("example.toml")
	f.Add(b)
	f.Add([]byte("[[products]]\nid = 1\n"))
	f.Add([]byte("a = [1, [2, {b = 3}]]\n[x.y]\nz = 1"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		c, err := Parse("f.toml", doc, fstest.MapFS{})
		if err == nil && c == nil {
			t.Fatal("nil config without error")
		}
	})
}

// TestNativeDatesPlainTitleAndBOM: TOML's own dates work as well as quoted
// ones, a plain title serves both languages, and a byte-order mark (as
// Windows editors write) is ignored.
func TestNativeDatesPlainTitleAndBOM(t *testing.T) {
	doc := "\uFEFF" + `[[products]]
id = "os2forms"
name = "OS2forms"
governance_level = "3"

[[goals]]
id = "forms"
title = "OS2forms i 60 kommuner"
metric = "product_adopters"
product = "os2forms"
scope = "municipalities"
target = 60
baseline_date = 2024-01-01
deadline = "2027-12-31"

[[affiliations]]
domain = "aarhus.dk"
organization = "751"
from = 2020-01-01
until = 2030-01-01
`
	c, err := Parse("c.toml", []byte(doc), fstest.MapFS{})
	if err != nil {
		t.Fatal(err)
	}
	g := c.Goals[0]
	if g.BaselineDate.String() != "2024-01-01" || g.Deadline.String() != "2027-12-31" {
		t.Errorf("goal dates %s, %s", g.BaselineDate, g.Deadline)
	}
	if g.Title.DA != "OS2forms i 60 kommuner" || g.Title.EN != g.Title.DA {
		t.Errorf("plain title = %+v", g.Title)
	}
	if a := c.Affiliations[0]; a.From.String() != "2020-01-01" || a.Until.String() != "2030-01-01" {
		t.Errorf("affiliation dates %s, %s", a.From, a.Until)
	}
	// A bad native date is reported on its line.
	_, err = Parse("c.toml", []byte(strings.Replace(doc, "baseline_date = 2024-01-01", "baseline_date = 2024-02-30", 1)), fstest.MapFS{})
	if ps := problems.Of(err); len(ps) != 1 || !strings.HasPrefix(ps[0], "c.toml:13:") {
		t.Errorf("bad native date: %v", err)
	}
}

// TestGovernanceLevels: a product's levels are dated; governance_level is
// one level for all dates; the history is checked like the register, every
// problem with its line.
func TestGovernanceLevels(t *testing.T) {
	doc := `[[products]]
id = "os2iot"
name = "OS2iot"
levels = [
  { level = "sandbox", since = 2021-03-01 },
  { level = "1", since = "2023-06-15" },
]

[[products]]
id = "os2forms"
name = "OS2forms"
governance_level = "3"

[[products]]
id = "os2mo"
name = "OS2mo"

[[products.levels]]
level = "2"
since = 2019-01-01

[[products.levels]]
level = "1"
since = 2024-09-01
`
	c, err := Parse("c.toml", []byte(doc), fstest.MapFS{})
	if err != nil {
		t.Fatal(err)
	}
	iot, forms, mo := c.Products[0], c.Products[1], c.Products[2]
	for _, tt := range []struct {
		p    Product
		date string
		want string
	}{
		{iot, "2021-02-28", ""}, // not yet in the governance model
		{iot, "2021-03-01", "sandbox"},
		{iot, "2023-06-14", "sandbox"},
		{iot, "2023-06-15", "1"},
		{iot, "2030-01-01", "1"},
		{forms, "1990-01-01", "3"},
		{forms, "2030-01-01", "3"},
		{mo, "2024-08-31", "2"},
		{mo, "2024-09-01", "1"}, // lowered after an audit
	} {
		if got := tt.p.LevelOn(civil.MustParse(tt.date)); got != tt.want {
			t.Errorf("%s on %s: %q, want %q", tt.p.ID, tt.date, got, tt.want)
		}
	}
	if iot.LatestLevel() != "1" || forms.LatestLevel() != "3" || len(forms.LevelHistory()) != 1 {
		t.Errorf("latest %q %q, history %v", iot.LatestLevel(), forms.LatestLevel(), forms.LevelHistory())
	}

	bad := `[[products]]
id = "a"
name = "A"
governance_level = "2"
levels = [{ level = "1", since = 2020-01-01 }]

[[products]]
id = "b"
name = "B"
levels = [
  { level = "1", since = 2023-01-01 },
  { level = "4", since = 2024-01-01 },
  { level = "2", since = 2022-01-01 },
  { level = "2", since = 2025-01-01 },
  { level = "3" },
]

[[products]]
id = "c"
name = "C"
`
	_, err = Parse("c.toml", []byte(bad), fstest.MapFS{})
	want := []string{
		`c.toml:5: products[0].levels: give either governance_level (one level for all dates) or levels (its history), not both`,
		`c.toml:12: products[1].levels[1].level: must be one of sandbox, 1, 2, 3, not "4"`,
		`c.toml:13: products[1].levels[2].since: 2022-01-01 is not after the previous level's since, 2024-01-01: list the levels in the order they were held`,
		`c.toml:14: products[1].levels[3].level: level "2" is the level before it too; leave this entry out`,
		`c.toml:15: products[1].levels[4].since: date missing (YYYY-MM-DD): since when the product holds level "3"`,
		`c.toml:18: products[2].governance_level: missing: give governance_level = "sandbox", "1", "2" or "3", or levels = [{ level = "sandbox", since = 2021-03-01 }, …]`,
	}
	if got := problems.Of(err); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestActivityCoveredUntil: an export says up to which date it is the
// repository's whole history, as a native or a quoted date.
func TestActivityCoveredUntil(t *testing.T) {
	doc := `[[products]]
id = "os2forms"
name = "OS2forms"
governance_level = "3"
repos = ["OS2Forms/*"]

[[activity]]
repo = "github.com/OS2Forms/os2forms"
file = "a.tsv"
covered_until = 2025-11-18

[[activity]]
repo = "github.com/OS2Forms/other"
file = "b.tsv"
`
	c, err := Parse("c.toml", []byte(doc), fstest.MapFS{})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Activity[0].CoveredUntil.String(); got != "2025-11-18" {
		t.Errorf("covered_until = %q", got)
	}
	if !c.Activity[1].CoveredUntil.IsZero() {
		t.Errorf("covered_until without a date = %s", c.Activity[1].CoveredUntil)
	}
}

func TestProductLinks(t *testing.T) {
	c, err := Parse("c.toml", []byte(`
[portfolio]
data_license = "Egen licens"
[[products]]
id = "mo"
name = "OS2mo"
governance_level = "3"
repos = ["OS2mo/*", "magenta-aps/os2mo-naldo", "gitlab.com/magenta/os2mo"]
description = { da = "Organisation og medarbejdere", en = "Organisation and staff" }
url = "https://www.os2.eu/os2mo"
contact = "sekretariat@os2.eu"
[[products]]
id = "b"
name = "B"
governance_level = "1"
contact = "https://example.org/kontakt"
`), fstest.MapFS{})
	if err != nil {
		t.Fatal(err)
	}
	mo, b := c.Products[0], c.Products[1]
	if got, want := mo.RepoLinks(), []string{"https://github.com/OS2mo", "https://github.com/magenta-aps/os2mo-naldo", "https://gitlab.com/magenta/os2mo"}; !slices.Equal(got, want) {
		t.Errorf("RepoLinks = %q, want %q", got, want)
	}
	if mo.ContactLink() != "mailto:sekretariat@os2.eu" || b.ContactLink() != "https://example.org/kontakt" || (Product{}).ContactLink() != "" {
		t.Errorf("contact links %q, %q", mo.ContactLink(), b.ContactLink())
	}
	if mo.Description.In("en") != "Organisation and staff" || b.Description.In("da") != "" {
		t.Errorf("descriptions %+v, %+v", mo.Description, b.Description)
	}
	// A licence of one's own has no address unless one is given.
	if c.Portfolio.DataLicense != "Egen licens" || c.Portfolio.DataLicenseURL != "" {
		t.Errorf("licence %q at %q", c.Portfolio.DataLicense, c.Portfolio.DataLicenseURL)
	}
}

// FuzzParseRepoSpec: a spec that parses writes back (String) as a spec
// that parses to the same repository, and nothing panics.
func FuzzParseRepoSpec(f *testing.F) {
	for _, s := range []string{"OS2Forms/os2forms", "os2display/*", "gitlab.com/magenta/os2mo",
		"git.magenta.dk/rammearkitektur/os2mo/os2mo", "git.magenta.dk/a/*", "a/b/c/d", "github.com/a/b/c", "x/../y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRepoSpec(s)
		if err != nil {
			return
		}
		again, err := ParseRepoSpec(r.String())
		if err != nil || again != r {
			t.Errorf("%q parsed as %+v, which writes as %q and parses as %+v, %v", s, r, r.String(), again, err)
		}
		if !r.Covers(r) {
			t.Errorf("%+v does not cover itself", r)
		}
	})
}
