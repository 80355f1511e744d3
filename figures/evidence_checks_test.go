package figures

import (
	"fmt"
	"reflect"
	"testing"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/storage"
)

var evDate = civil.MustParse("2026-06-30")

func evRepo(owner, name string) storage.Repository {
	return storage.Repository{Key: storage.RepoKey("github.com", owner, name), Forge: "github.com", Owner: owner, Name: name,
		Status: storage.RepoOK, CoveredUntil: evDate}
}

func archived(r storage.Repository) storage.Repository { r.Archived = true; return r }

func covered(r storage.Repository, d string) storage.Repository {
	r.CoveredUntil = civil.Date(0)
	if d != "" {
		r.CoveredUntil = civil.MustParse(d)
	}
	return r
}

// hyg is a file check of r, n days before the evidence date.
func hyg(r storage.Repository, n int, license string, readme, security bool) storage.Hygiene {
	return storage.Hygiene{RepositoryKey: r.Key, Day: evDate.AddDays(-n), License: license, Readme: readme, Security: security}
}

func evData(repos []storage.Repository, hs ...storage.Hygiene) *evidenceData {
	d := &evidenceData{date: evDate, gov: config.Governance{Organizations: []string{"OS2display", "os2forms"}},
		repos:   map[string][]storage.Repository{"p": repos},
		hygiene: map[string]storage.Hygiene{}, lastCommit: map[string]civil.Date{}, running: map[string][]Adopter{}, registered: true}
	for _, h := range hs {
		d.hygiene[h.RepositoryKey] = h
	}
	return d
}

func codes(fs []Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func TestCheckLicenses(t *testing.T) {
	a, b := evRepo("os2display", "display-api"), evRepo("os2display", "display-client")
	cases := []struct {
		name    string
		hs      []storage.Hygiene
		verdict string
		codes   []string
		values  []string
	}{
		{"both OSI-approved", []storage.Hygiene{hyg(a, 0, "MIT", true, false), hyg(b, 3, "mpl-2.0", true, false)},
			VerdictFound, []string{FindLicense, FindLicense}, []string{"MIT", "MPL-2.0"}},
		{"a deprecated id GitHub still writes", []storage.Hygiene{hyg(a, 0, "GPL-2.0", true, false), hyg(b, 0, "AGPL-3.0", true, false)},
			VerdictFound, []string{FindLicense, FindLicense}, []string{"GPL-2.0", "AGPL-3.0"}},
		{"one without a licence", []storage.Hygiene{hyg(a, 0, "MIT", true, false), hyg(b, 0, "", true, false)},
			VerdictNotFound, []string{FindLicense, FindNoLicense}, []string{"MIT", ""}},
		{"NOASSERTION: a licence file GitHub cannot name", []storage.Hygiene{hyg(a, 0, "MIT", true, false), hyg(b, 0, "NOASSERTION", true, false)},
			VerdictCannotTell, []string{FindLicense, FindLicenseUnknown}, []string{"MIT", "NOASSERTION"}},
		{"an SPDX licence the OSI has not approved", []storage.Hygiene{hyg(a, 0, "CC-BY-4.0", true, false), hyg(b, 0, "MIT", true, false)},
			VerdictNotFound, []string{FindLicenseNotOSI, FindLicense}, []string{"CC-BY-4.0", "MIT"}},
		{"not found outweighs cannot tell", []storage.Hygiene{hyg(a, 0, "NOASSERTION", true, false), hyg(b, 0, "", true, false)},
			VerdictNotFound, []string{FindLicenseUnknown, FindNoLicense}, []string{"NOASSERTION", ""}},
		{"never checked", []storage.Hygiene{hyg(a, 0, "MIT", true, false)},
			VerdictCannotTell, []string{FindLicense, FindNotChecked}, []string{"MIT", ""}},
		{"checked exactly 30 days before still counts", []storage.Hygiene{hyg(a, 30, "MIT", true, false), hyg(b, 30, "MIT", true, false)},
			VerdictFound, []string{FindLicense, FindLicense}, []string{"MIT", "MIT"}},
		{"checked 31 days before: too old", []storage.Hygiene{hyg(a, 0, "MIT", true, false), hyg(b, 31, "MIT", true, false)},
			VerdictCannotTell, []string{FindLicense, FindCheckTooOld}, []string{"MIT", "2026-05-30"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, fs := checkLicenses(evData([]storage.Repository{a, b}, c.hs...), "p")
			var values []string
			for _, f := range fs {
				values = append(values, f.Value)
			}
			if v != c.verdict || !reflect.DeepEqual(codes(fs), c.codes) || !reflect.DeepEqual(values, c.values) {
				t.Errorf("got %s %v %v, want %s %v %v", v, codes(fs), values, c.verdict, c.codes, c.values)
			}
			if fs[0].URL != "https://github.com/os2display/display-api" {
				t.Errorf("link %q", fs[0].URL)
			}
		})
	}
	if v, fs := checkLicenses(evData(nil), "p"); v != VerdictCannotTell || fs[0].Code != FindNoRepositories {
		t.Errorf("without repositories: %s %v", v, codes(fs))
	}
}

func TestCheckFiles(t *testing.T) {
	a, b := evRepo("os2display", "a"), evRepo("os2display", "b")
	cases := []struct {
		name             string
		repos            []storage.Repository
		hs               []storage.Hygiene
		security, readme string
	}{
		{"one repository has both", []storage.Repository{a, b}, []storage.Hygiene{hyg(a, 0, "", true, true), hyg(b, 0, "", false, false)},
			VerdictFound, VerdictFound},
		{"none has them", []storage.Repository{a, b}, []storage.Hygiene{hyg(a, 0, "", false, false), hyg(b, 0, "", false, false)},
			VerdictNotFound, VerdictNotFound},
		{"only the archived one has them", []storage.Repository{archived(a), b}, []storage.Hygiene{hyg(a, 0, "", true, true), hyg(b, 0, "", false, false)},
			VerdictNotFound, VerdictNotFound},
		{"every repository archived", []storage.Repository{archived(a), archived(b)}, []storage.Hygiene{hyg(a, 0, "", true, true), hyg(b, 0, "", true, true)},
			VerdictNotFound, VerdictNotFound},
		{"none yet, one check too old", []storage.Repository{a, b}, []storage.Hygiene{hyg(a, 0, "", false, false), hyg(b, 40, "", true, true)},
			VerdictCannotTell, VerdictCannotTell},
		{"found where another is too old", []storage.Repository{a, b}, []storage.Hygiene{hyg(a, 0, "", true, true), hyg(b, 40, "", false, false)},
			VerdictFound, VerdictFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := evData(c.repos, c.hs...)
			if v, fs := checkSecurity(d, "p"); v != c.security {
				t.Errorf("F4: %s %v, want %s", v, codes(fs), c.security)
			}
			if v, fs := checkPurpose(d, "p"); v != c.readme {
				t.Errorf("F5: %s %v, want %s", v, codes(fs), c.readme)
			}
		})
	}
}

func TestCheckOwnersAndVisible(t *testing.T) {
	in, in2, out := evRepo("OS2Display", "a"), evRepo("os2forms", "b"), evRepo("magenta-aps", "c")
	yearStart := evDate.AddDays(-(EvidenceWindowDays - 1))
	cases := []struct {
		name          string
		orgs          []string
		repos         []storage.Repository
		commits       map[string]civil.Date
		owners, vis   string
		visibleValues []string
	}{
		{"listed, a commit on the first day of the year", nil, []storage.Repository{in, in2},
			map[string]civil.Date{in.Key: yearStart}, VerdictFound, VerdictFound, []string{yearStart.String(), ""}},
		{"the last commit the day before the year", nil, []storage.Repository{in, in2},
			map[string]civil.Date{in.Key: yearStart.AddDays(-1)}, VerdictFound, VerdictNotFound, []string{"2025-06-30", ""}},
		{"one repository outside: visible by the other", nil, []storage.Repository{in, out},
			map[string]civil.Date{in.Key: evDate, out.Key: evDate}, VerdictNotFound, VerdictFound, []string{evDate.String()}},
		{"commits only outside the organisations", nil, []storage.Repository{out},
			map[string]civil.Date{out.Key: evDate}, VerdictNotFound, VerdictNotFound, []string{""}},
		{"archived with recent commits", nil, []storage.Repository{archived(in)},
			map[string]civil.Date{in.Key: evDate}, VerdictFound, VerdictNotFound, []string{"", ""}},
		{"history collected only until before the date", nil, []storage.Repository{covered(in, "2026-06-29")},
			map[string]civil.Date{in.Key: civil.MustParse("2024-01-01")}, VerdictFound, VerdictCannotTell, []string{"2026-06-29"}},
		{"history never collected", nil, []storage.Repository{covered(in, "")},
			nil, VerdictFound, VerdictCannotTell, []string{""}},
		{"no organisation configured", []string{}, []storage.Repository{in},
			map[string]civil.Date{in.Key: evDate}, VerdictCannotTell, VerdictCannotTell, []string{""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := evData(c.repos)
			if c.orgs != nil {
				d.gov.Organizations = c.orgs
			}
			for k, v := range c.commits {
				d.lastCommit[k] = v
			}
			if v, fs := checkOwners(d, "p"); v != c.owners {
				t.Errorf("F6: %s %v, want %s", v, codes(fs), c.owners)
			}
			v, fs := checkVisible(d, "p")
			var values []string
			for _, f := range fs {
				values = append(values, f.Value)
			}
			if v != c.vis || !reflect.DeepEqual(values, c.visibleValues) {
				t.Errorf("F1: %s %v %q, want %s %q", v, codes(fs), values, c.vis, c.visibleValues)
			}
		})
	}
}

func TestCheckRunBy(t *testing.T) {
	cases := []struct {
		name       string
		registered bool
		running    []Adopter
		verdict    string
		detail     string
	}{
		{"two organisations", true, []Adopter{{Organization: "751", Name: "Aarhus"}, {Organization: "101", Name: "København"}},
			VerdictFound, "run in production by 2 organisations: Aarhus, København"},
		{"one organisation", true, []Adopter{{Organization: "751", Name: "Aarhus"}}, VerdictNotFound, "run in production by 1 organisations: Aarhus"},
		{"none", true, nil, VerdictNotFound, "run in production by 0 organisations"},
		{"register never imported", false, nil, VerdictCannotTell, "the adoption register has not been imported"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := evData(nil)
			d.registered, d.running["p"] = c.registered, c.running
			v, fs := checkRunBy(d, "p")
			if v != c.verdict || len(fs) != 1 || fs[0].Detail != c.detail {
				t.Errorf("got %s %+v, want %s %q", v, fs, c.verdict, c.detail)
			}
		})
	}
}

func TestCheckContainer(t *testing.T) {
	a, b := evRepo("os2display", "a"), evRepo("os2display", "b")
	with := func(r storage.Repository, n int, container string) storage.Hygiene {
		h := hyg(r, n, "MIT", true, false)
		h.Container = container
		return h
	}
	cases := []struct {
		name    string
		repos   []storage.Repository
		hs      []storage.Hygiene
		verdict string
		codes   []string
	}{
		{"a Dockerfile in one", []storage.Repository{a, b}, []storage.Hygiene{with(a, 0, storage.ContainerNone), with(b, 0, storage.ContainerFile)},
			VerdictFound, []string{FindContainerFile}},
		{"none anywhere", []storage.Repository{a, b}, []storage.Hygiene{with(a, 0, storage.ContainerNone), with(b, 0, storage.ContainerNone)},
			VerdictNotFound, []string{FindNoContainer}},
		{"a docker directory may hold one", []storage.Repository{a, b}, []storage.Hygiene{with(a, 0, storage.ContainerNone), with(b, 0, storage.ContainerDir)},
			VerdictCannotTell, []string{FindContainerDir}},
		{"checked before container files were looked for", []storage.Repository{a}, []storage.Hygiene{with(a, 0, "")},
			VerdictCannotTell, []string{FindNotChecked}},
		{"only the archived one has one", []storage.Repository{archived(a), b}, []storage.Hygiene{with(a, 0, storage.ContainerFile), with(b, 0, storage.ContainerNone)},
			VerdictNotFound, []string{FindNoContainer}},
		{"check too old", []storage.Repository{a}, []storage.Hygiene{with(a, 31, storage.ContainerFile)},
			VerdictCannotTell, []string{FindCheckTooOld}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, fs := checkContainer(evData(c.repos, c.hs...), "p")
			if v != c.verdict || !reflect.DeepEqual(codes(fs), c.codes) {
				t.Errorf("got %s %v, want %s %v", v, codes(fs), c.verdict, c.codes)
			}
		})
	}
}

// TestHygieneNoAssertionNotLicensed: the health signals do not count a
// licence GitHub cannot name as a licence.
func TestHygieneNoAssertionNotLicensed(t *testing.T) {
	a, b := evRepo("x", "a"), evRepo("x", "b")
	got := hygiene(map[string]storage.Hygiene{a.Key: hyg(a, 0, storage.LicenseNoAssertion, true, false), b.Key: hyg(b, 0, "MIT", false, false)},
		map[string]bool{a.Key: true, b.Key: true})
	if got.Repositories != 2 || got.Licensed != 1 || !reflect.DeepEqual(got.Licenses, []string{"MIT"}) {
		t.Errorf("hygiene %+v, want 2 checked, 1 licensed (MIT)", got)
	}
}

func TestCheckPullRefs(t *testing.T) {
	a, b := evRepo("os2display", "a"), evRepo("os2display", "b")
	pulls := func(r storage.Repository, refs, none, unknown int) []storage.MergedPullRequest {
		var out []storage.MergedPullRequest
		for i := 0; i < refs+none+unknown; i++ {
			out = append(out, storage.MergedPullRequest{RepositoryKey: r.Key, Number: fmt.Sprint(i + 1), Known: i < refs+none, RefsIssue: i < refs})
		}
		return out
	}
	cases := []struct {
		name    string
		repos   []storage.Repository
		merged  map[string][]storage.MergedPullRequest
		verdict string
		share   string
	}{
		{"three of five", []storage.Repository{a, b}, map[string][]storage.MergedPullRequest{a.Key: pulls(a, 2, 1, 0), b.Key: pulls(b, 1, 1, 0)},
			VerdictFound, "3/5"},
		{"exactly half", []storage.Repository{a}, map[string][]storage.MergedPullRequest{a.Key: pulls(a, 2, 2, 0)}, VerdictFound, "2/4"},
		{"one of four", []storage.Repository{a}, map[string][]storage.MergedPullRequest{a.Key: pulls(a, 1, 3, 0)}, VerdictNotFound, "1/4"},
		{"unread ones could tip it", []storage.Repository{a}, map[string][]storage.MergedPullRequest{a.Key: pulls(a, 1, 1, 2)}, VerdictCannotTell, "1/4"},
		{"unread ones cannot tip it up", []storage.Repository{a}, map[string][]storage.MergedPullRequest{a.Key: pulls(a, 0, 4, 1)}, VerdictNotFound, "0/5"},
		{"unread ones cannot tip it down", []storage.Repository{a}, map[string][]storage.MergedPullRequest{a.Key: pulls(a, 3, 0, 2)}, VerdictFound, "3/5"},
		{"history short of the date", []storage.Repository{covered(a, "2026-06-01")}, map[string][]storage.MergedPullRequest{a.Key: pulls(a, 4, 0, 0)},
			VerdictCannotTell, "4/4"},
		{"nothing merged", []storage.Repository{a}, nil, VerdictCannotTell, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := evData(c.repos)
			d.gov.IssueReferenceShare = 0.5
			d.merged = c.merged
			v, fs := checkPullRefs(d, "p")
			share := ""
			for _, f := range fs {
				if f.Code == FindPullRefsShare {
					share = f.Value
				}
			}
			if v != c.verdict || share != c.share {
				t.Errorf("got %s %q %v, want %s %q", v, share, codes(fs), c.verdict, c.share)
			}
		})
	}
}

// TestCheckPurposePublicCode: a publiccode.yml that passes its check is
// evidence of a description; one with problems is only a file.
func TestCheckPurposePublicCode(t *testing.T) {
	a, b := evRepo("os2display", "a"), evRepo("os2display", "b")
	ha, hb := hyg(a, 0, "", true, false), hyg(b, 0, "", false, false)
	ha.PublicCode, hb.PublicCode = true, true
	d := evData([]storage.Repository{a, b}, ha, hb)
	d.publicCode = map[string]string{a.FullName(): PublicCodeValid, b.FullName(): PublicCodeProblems}
	v, fs := checkPurpose(d, "p")
	if want := []string{FindReadme, FindPublicCodeValid, FindPublicCode}; v != VerdictFound || !reflect.DeepEqual(codes(fs), want) {
		t.Errorf("got %s %v, want found %v", v, codes(fs), want)
	}
}
