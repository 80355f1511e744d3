package publiccode

import (
	"reflect"
	"strings"
	"testing"
)

// valid04 is a complete file in version 0.4 of the standard; each test
// case below changes one thing in it. Line numbers in the expectations
// count from its first line.
const valid04 = `publiccodeYmlVersion: "0.4"
name: OS2kitos
url: "https://github.com/os2kitos/kitos"
softwareVersion: "14.2.0"
releaseDate: "2026-03-02"
organisation:
  uri: "https://os2.eu"
platforms:
  - web
developmentStatus: stable
softwareType: "standalone/web"
usedBy:
  - Aarhus Kommune
  - Københavns Kommune
legal:
  license: MPL-2.0
  repoOwner: OS2
maintenance:
  type: contract
  contractors:
    - name: Strongminds
      until: "2027-12-31"
localisation:
  localisationReady: false
  availableLanguages:
    - da
description:
  da:
    shortDescription: "Overblik over kommunens it-systemer, kontrakter og databehandlere."
    longDescription: >
      Kitos giver kommunen et samlet overblik over it-systemer, kontrakter,
      databehandleraftaler og projekter, så it-porteføljen kan styres og
      dokumenteres efter databeskyttelsesforordningen og kommunens egne regler.
`

// valid02 is a file in version 0.2, which still requires releaseDate and
// names the owner in legal.repoOwner; platforms is one value.
const valid02 = `publiccodeYmlVersion: 0.2
name: OS2borgerPC
url: https://github.com/OS2borgerPC/admin-site
releaseDate: 2025-11-20
platforms: linux
developmentStatus: stable
softwareType: standalone/desktop
legal:
  license: GPL-3.0-or-later WITH Classpath-exception-2.0
  repoOwner: OS2 – Offentligt digitaliseringsfællesskab
maintenance:
  type: community
  contacts:
    - name: Carsten Agger
      affiliation: Magenta ApS
localisation:
  localisationReady: true
  availableLanguages: [da, en, sv]
description:
  en:
    shortDescription: Secure public computers for libraries and citizen service centres.
    longDescription: |
      OS2borgerPC turns ordinary computers into secure public machines for
      libraries and citizen service centres: a fixed Ubuntu image, central
      administration of every machine, and scripts run remotely on groups.
`

func TestValidFiles(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       File
	}{
		{"0.4", valid04, File{Version: "0.4", Name: "OS2kitos", URL: "https://github.com/os2kitos/kitos", SoftwareVersion: "14.2.0",
			ReleaseDate: "2026-03-02", License: "MPL-2.0", UsedBy: []string{"Aarhus Kommune", "Københavns Kommune"},
			MaintenanceType: "contract", Languages: []string{"da"}}},
		{"0.2", valid02, File{Version: "0.2", Name: "OS2borgerPC", URL: "https://github.com/OS2borgerPC/admin-site",
			ReleaseDate: "2025-11-20", License: "GPL-3.0-or-later WITH Classpath-exception-2.0", MaintenanceType: "community",
			Languages: []string{"da", "en", "sv"}}},
		{"later 0.x", strings.Replace(valid04, `"0.4"`, `"0.5.1"`, 1), File{Version: "0.5.1", Name: "OS2kitos",
			URL: "https://github.com/os2kitos/kitos", SoftwareVersion: "14.2.0", ReleaseDate: "2026-03-02", License: "MPL-2.0",
			UsedBy: []string{"Aarhus Kommune", "Københavns Kommune"}, MaintenanceType: "contract", Languages: []string{"da"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, p := Read([]byte(tc.text), "x/publiccode.yml")
			if len(p) != 0 {
				t.Fatalf("problems in a valid file:\n%s", strings.Join(p, "\n"))
			}
			if !reflect.DeepEqual(f, tc.want) {
				t.Errorf("read\n%+v\nwant\n%+v", f, tc.want)
			}
			if p := Check([]byte(tc.text), "x/publiccode.yml"); p != nil {
				t.Errorf("Check = %q", p)
			}
		})
	}
}

// edit replaces old (which must be in the file) by new.
func edit(t *testing.T, base, old, new string) string {
	t.Helper()
	if !strings.Contains(base, old) {
		t.Fatalf("%q is not in the file", old)
	}
	return strings.Replace(base, old, new, 1)
}

func TestEveryProblemWithItsLine(t *testing.T) {
	const name = "os2/kitos/publiccode.yml"
	for _, tc := range []struct {
		name, base, old, new string
		want                 []string
	}{
		{"version missing", valid04, "publiccodeYmlVersion: \"0.4\"\n", "",
			[]string{name + ":1: publiccodeYmlVersion is missing"}},
		{"version unknown", valid04, `"0.4"`, `"1.0"`,
			[]string{name + `:1: publiccodeYmlVersion "1.0" is not a version of the standard this check knows (0.2 to 0.4, or a later 0.x)`}},
		{"version too old", valid04, `"0.4"`, `"0.1"`,
			[]string{name + `:1: publiccodeYmlVersion "0.1" is older than 0.2, which catalogues no longer read`}},
		{"name empty", valid04, "name: OS2kitos", "name: \"\"",
			[]string{name + ":2: name is empty"}},
		{"url not absolute", valid04, `"https://github.com/os2kitos/kitos"`, `"github.com/os2kitos/kitos"`,
			[]string{name + `:3: url "github.com/os2kitos/kitos" is not an absolute URL of the source code repository`}},
		{"url a list", valid04, `url: "https://github.com/os2kitos/kitos"`, "url: [a, b]",
			[]string{name + ":3: url must be a single value, not a list or mapping"}},
		{"release date", valid04, `"2026-03-02"`, `"02-03-2026"`,
			[]string{name + `:5: releaseDate "02-03-2026" is not a date (YYYY-MM-DD)`}},
		{"0.2 needs a release date", valid02, "releaseDate: 2025-11-20\n", "",
			[]string{name + ":1: releaseDate is missing"}},
		{"platforms missing", valid04, "platforms:\n  - web\n", "",
			[]string{name + ":1: platforms is missing (web, windows, mac, linux, ios, android or another)"}},
		{"platforms empty", valid04, "platforms:\n  - web\n", "platforms: []\n",
			[]string{name + ":8: platforms is an empty list"}},
		{"development status", valid04, "developmentStatus: stable", "developmentStatus: alpha",
			[]string{name + `:10: developmentStatus "alpha" is not one of concept, development, beta, stable, obsolete`}},
		{"software type", valid04, `softwareType: "standalone/web"`, "softwareType: webapp",
			[]string{name + `:11: softwareType "webapp" is not one of standalone/mobile, standalone/iot, standalone/desktop, standalone/web, standalone/backend, standalone/other, addon, library, configurationFiles`}},
		{"usedBy not a list", valid04, "usedBy:\n  - Aarhus Kommune\n  - Københavns Kommune", "usedBy: Aarhus Kommune",
			[]string{name + ":12: usedBy must be a list"}},
		{"usedBy empty name", valid04, "  - Københavns Kommune", "  - \"\"",
			[]string{name + ":14: usedBy[1] is empty"}},
		{"licence not SPDX", valid04, "license: MPL-2.0", "license: Mozilla Public License",
			[]string{name + `:16: legal.license "Mozilla Public License" is not a valid SPDX expression (Mozilla Public License)`}},
		{"licence missing", valid04, "  license: MPL-2.0\n", "",
			[]string{name + ":15: legal.license is missing"}},
		{"legal missing", valid04, "legal:\n  license: MPL-2.0\n  repoOwner: OS2\n", "",
			[]string{name + ":1: legal is missing"}},
		{"maintenance type", valid04, "type: contract", "type: vendor",
			[]string{name + `:19: maintenance.type "vendor" is not one of internal, contract, community, none`}},
		{"contract without contractors", valid04, "  contractors:\n    - name: Strongminds\n      until: \"2027-12-31\"\n", "",
			[]string{name + ":19: maintenance.contractors is missing: maintenance of type contract names them"}},
		{"contractor without until", valid04, "      until: \"2027-12-31\"\n", "",
			[]string{name + ":21: maintenance.contractors[0].until is missing"}},
		{"contractor until not a date", valid04, `until: "2027-12-31"`, "until: next year",
			[]string{name + `:22: maintenance.contractors[0].until "next year" is not a date (YYYY-MM-DD)`}},
		{"community without contacts", valid02, "  contacts:\n    - name: Carsten Agger\n      affiliation: Magenta ApS\n", "",
			[]string{name + ":12: maintenance.contacts is missing: maintenance of type community names them"}},
		{"contact without name", valid02, "    - name: Carsten Agger\n      affiliation", "    - affiliation",
			[]string{name + ":14: maintenance.contacts[0].name is missing"}},
		{"localisationReady", valid04, "localisationReady: false", "localisationReady: nej",
			[]string{name + ":24: localisation.localisationReady must be true or false"}},
		{"languages missing", valid04, "  availableLanguages:\n    - da\n", "",
			[]string{name + ":23: localisation.availableLanguages is missing: the languages the software is available in"}},
		{"language tag", valid04, "    - da\ndescription", "    - dansk!\ndescription",
			[]string{name + `:26: localisation.availableLanguages[0] "dansk!" is not a language tag (BCP 47, e.g. da or en)`}},
		{"short description too long", valid04, `"Overblik over kommunens it-systemer, kontrakter og databehandlere."`, strings.Repeat("x", 151),
			[]string{name + ":29: description.da.shortDescription has 151 characters; at most 150 are allowed"}},
		{"short description missing", valid04, "    shortDescription: \"Overblik over kommunens it-systemer, kontrakter og databehandlere.\"\n", "",
			[]string{name + ":28: description.da.shortDescription is missing"}},
		{"long description short", valid04, "    longDescription: >\n      Kitos giver", "    longDescription: Kort.\n    x: >\n      Kitos giver",
			[]string{name + ":30: description.da.longDescription has 5 characters; it must have 150 to 10000"}},
		{"no long description", valid04, "    longDescription: >\n      Kitos giver", "    other: >\n      Kitos giver",
			[]string{name + ":27: description: no language has a longDescription; at least one must"}},
		{"description language", valid04, "  da:\n    short", "  dansk sprog:\n    short",
			[]string{name + `:28: description.dansk sprog: "dansk sprog" is not a language tag (BCP 47, e.g. da or en)`,
				name + ":27: description: no language has a longDescription; at least one must"}},
		{"duplicate key", valid04, "name: OS2kitos\n", "name: OS2kitos\nname: Kitos\n",
			[]string{name + ":3: name is given twice (first on line 2)"}},
		{"not YAML", valid04, "platforms:\n  - web", "platforms:\n  - web\n - linux",
			[]string{name + ":10: not valid YAML: did not find expected key"}},
		{"not a mapping", "- a\n- b\n", "- b", "- c",
			[]string{name + ":1: the file must be a mapping of keys to values"}},
		{"empty", "# nothing\n", "nothing", "nothing at all",
			[]string{name + ":1: empty: a publiccode.yml is a mapping with publiccodeYmlVersion, name, url and the rest"}},
		{"section not a mapping", valid04, "maintenance:\n  type: contract\n  contractors:\n    - name: Strongminds\n      until: \"2027-12-31\"\n", "maintenance: contract\n",
			[]string{name + ":18: maintenance must be a mapping of keys to values"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Check([]byte(edit(t, tc.base, tc.old, tc.new)), name)
			if tc.name == "not YAML" {
				// The library's own words may change; the place and the
				// prefix are ours.
				if len(got) != 1 || !strings.HasPrefix(got[0], name+":10: not valid YAML: ") {
					t.Fatalf("got %q", got)
				}
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestOwner(t *testing.T) {
	noOwner := edit(t, edit(t, valid04, "organisation:\n  uri: \"https://os2.eu\"\n", ""), "  repoOwner: OS2\n", "")
	if got, want := Check([]byte(noOwner), "p.yml"), []string{"p.yml:13: neither legal.repoOwner nor organisation says who owns the software"}; !reflect.DeepEqual(got, want) {
		t.Errorf("no owner: got %q, want %q", got, want)
	}
	// Either one is enough; so is the newest standard's organizationUri.
	for _, text := range []string{
		edit(t, valid04, "organisation:\n  uri: \"https://os2.eu\"\n", ""),
		edit(t, valid04, "  repoOwner: OS2\n", ""),
		edit(t, edit(t, valid04, "organisation:\n  uri: \"https://os2.eu\"\n", "organizationUri: \"https://os2.eu\"\n"), "  repoOwner: OS2\n", ""),
	} {
		if got := Check([]byte(text), "p.yml"); got != nil {
			t.Errorf("one owner given: %q", got)
		}
	}
	empty := edit(t, valid04, "  uri: \"https://os2.eu\"\n", "  note: x\n")
	if got, want := Check([]byte(empty), "p.yml"), []string{"p.yml:6: organisation names neither uri nor name"}; !reflect.DeepEqual(got, want) {
		t.Errorf("empty organisation: got %q, want %q", got, want)
	}
}

func TestBadBytes(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"not UTF-8", []byte("name: \xff\xfe"), "f:1: not valid UTF-8, which the standard requires"},
		{"too large", []byte(strings.Repeat("#", maxSize+1)), "f:1: larger than 1024 kB; a publiccode.yml is a few kB"},
	} {
		if got := Check(tc.data, "f"); len(got) != 1 || got[0] != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

// FuzzCheck: whatever the bytes, Check returns, and every problem is
// "NAME:LINE: text" with a line of the file.
func FuzzCheck(f *testing.F) {
	f.Add([]byte(valid04))
	f.Add([]byte(valid02))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("description:\n  da: *nope\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, p := range Check(data, "f") {
			rest, ok := strings.CutPrefix(p, "f:")
			if !ok || !strings.Contains(rest, ": ") {
				t.Fatalf("problem %q is not f:LINE: text", p)
			}
		}
	})
}
