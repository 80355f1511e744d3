package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"os2pulse/locale"
	"os2pulse/publiccode"
)

// TestOwnPublicCodeYML: os2pulse's own publiccode.yml passes the
// project's checker, and what it says about os2pulse agrees with the
// project: the release and its date are CHANGELOG.md's latest, the licence
// is LICENSE's, the languages are those the pages speak, and the
// repository address is the one the image labels and the changelog give.
func TestOwnPublicCodeYML(t *testing.T) {
	raw, err := os.ReadFile("publiccode.yml")
	if err != nil {
		t.Fatal(err)
	}
	if ps := publiccode.Check(raw, "publiccode.yml"); len(ps) > 0 {
		t.Errorf("publiccode.yml is not valid:\n%s", strings.Join(ps, "\n"))
	}
	f, _ := publiccode.Read(raw, "publiccode.yml")
	if f.Name != "os2pulse" {
		t.Errorf("the checker reads the name %q", f.Name)
	}
	var pc struct {
		Version          string `yaml:"publiccodeYmlVersion"`
		Name             string
		URL              string
		SoftwareVersion  string `yaml:"softwareVersion"`
		ReleaseDate      string `yaml:"releaseDate"`
		Platforms        []string
		Categories       []string
		DevelopmentState string `yaml:"developmentStatus"`
		SoftwareType     string `yaml:"softwareType"`
		Description      map[string]struct {
			ShortDescription string `yaml:"shortDescription"`
			LongDescription  string `yaml:"longDescription"`
			Features         []string
		}
		Legal       struct{ License string }
		Maintenance struct {
			Type     string
			Contacts []struct{ Name, Email string }
		}
		Localisation struct {
			LocalisationReady  bool     `yaml:"localisationReady"`
			AvailableLanguages []string `yaml:"availableLanguages"`
		}
	}
	readYAML(t, "publiccode.yml", &pc)
	if pc.Version != "0.4" || pc.Name != "os2pulse" || !strings.HasPrefix(pc.URL, "https://") {
		t.Errorf("publiccodeYmlVersion %q, name %q, url %q", pc.Version, pc.Name, pc.URL)
	}
	changelog, _ := os.ReadFile("CHANGELOG.md")
	m := regexp.MustCompile(`(?m)^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})`).FindSubmatch(changelog)
	if m == nil || pc.SoftwareVersion != string(m[1]) || pc.ReleaseDate != string(m[2]) {
		t.Errorf("softwareVersion %s of %s; CHANGELOG.md's latest release is %s", pc.SoftwareVersion, pc.ReleaseDate, m)
	}
	if v := changelogVersion(string(changelog), "", false); v != "v"+pc.SoftwareVersion+"+unknown" {
		t.Errorf("a build without tags calls itself %s, not release %s", v, pc.SoftwareVersion)
	}
	license, _ := os.ReadFile("LICENSE")
	if pc.Legal.License != "MPL-2.0" || !strings.HasPrefix(string(license), "Mozilla Public License Version 2.0") {
		t.Errorf("legal.license %q, LICENSE starts %.40q", pc.Legal.License, license)
	}
	containerfile, _ := os.ReadFile("Containerfile")
	for _, want := range []string{`org.opencontainers.image.source="` + pc.URL + `"`, `org.opencontainers.image.licenses="` + pc.Legal.License + `"`} {
		if !strings.Contains(string(containerfile), want) {
			t.Errorf("the Containerfile lacks %s", want)
		}
	}
	if !strings.Contains(string(changelog), pc.URL+"/compare/") {
		t.Errorf("CHANGELOG.md's links are not to %s", pc.URL)
	}
	var langs []string
	for _, l := range pc.Localisation.AvailableLanguages {
		if _, ok := locale.Parse(l); !ok {
			t.Errorf("availableLanguages lists %s, which the pages do not speak", l)
		}
		langs = append(langs, l)
		if _, ok := pc.Description[l]; !ok {
			t.Errorf("no description in %s", l)
		}
	}
	if len(langs) != 2 || !pc.Localisation.LocalisationReady {
		t.Errorf("localisation %+v, want da and en", pc.Localisation)
	}
	for l, d := range pc.Description {
		if n := utf8.RuneCountInString(strings.TrimSpace(d.ShortDescription)); n == 0 || n > 150 {
			t.Errorf("description.%s.shortDescription is %d characters, want 1 to 150", l, n)
		}
		if n := utf8.RuneCountInString(d.LongDescription); n < 150 || n > 10000 {
			t.Errorf("description.%s.longDescription is %d characters, want 150 to 10000", l, n)
		}
		if len(d.Features) == 0 {
			t.Errorf("description.%s has no features", l)
		}
		for _, f := range d.Features {
			if utf8.RuneCountInString(f) > 100 {
				t.Errorf("description.%s feature %q is over 100 characters", l, f)
			}
		}
	}
	if pc.DevelopmentState == "" || pc.SoftwareType != "standalone/web" || len(pc.Platforms) == 0 || len(pc.Categories) == 0 ||
		pc.Maintenance.Type == "" || len(pc.Maintenance.Contacts) == 0 {
		t.Errorf("required keys missing: %+v", pc)
	}
}
