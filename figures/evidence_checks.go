package figures

import (
	"fmt"
	"sort"
	"strings"

	"github.com/github/go-spdx/v2/spdxexp"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/storage"
)

// Finding is one piece of evidence: what a check found about a repository
// (or the register), as a code the pages translate, with the repository's
// link and a value (a licence id, a date, a count). Detail says it in
// English for the API and the CSV.
type Finding struct {
	Code       string `json:"code"`
	Repository string `json:"repository,omitempty"` // owner/name
	URL        string `json:"url,omitempty"`
	Value      string `json:"value,omitempty"`
	Detail     string `json:"detail"`
}

// Finding codes.
const (
	FindNoRepositories   = "no_repositories"    // the product has no collected repository
	FindNotConfigured    = "not_configured"     // [governance] organizations is empty
	FindNotChecked       = "not_checked"        // the repository's files were never checked
	FindCheckTooOld      = "check_too_old"      // its last check is older than HygieneMaxAgeDays
	FindLicense          = "license"            // an OSI-approved SPDX licence
	FindLicenseNotOSI    = "license_not_osi"    // an SPDX licence the OSI has not approved
	FindLicenseUnknown   = "license_unknown"    // a licence GitHub cannot name (NOASSERTION) or not SPDX
	FindNoLicense        = "no_license"         // no licence found
	FindSecurityPolicy   = "security_policy"    // SECURITY.md
	FindNoSecurityPolicy = "no_security_policy" // none in any repository checked
	FindReadme           = "readme"
	FindNoReadme         = "no_readme"
	FindPublicCode       = "publiccode"       // a publiccode.yml whose state is not known to be valid
	FindPublicCodeValid  = "publiccode_valid" // a publiccode.yml that passes the check, its descriptions included
	FindOwnerListed      = "owner_listed"     // owned by an organisation OS2 designates
	FindOwnerNotListed   = "owner_not_listed" // owned by someone else
	FindCommits          = "commits"          // commits in the window; Value the last day
	FindNoCommits        = "no_commits"       // none in the window; Value the last day ever, if any
	FindCoverageTooOld   = "coverage_too_old" // no commit known, and the history is not known to reach the date
	FindArchived         = "archived"
	FindAllArchived      = "all_archived"
	FindRunBy            = "run_by" // organisations running it; Value the count
	FindRegisterMissing  = "register_missing"
	FindContainerFile    = "container_file" // a Containerfile, Dockerfile or compose file in the root
	FindContainerDir     = "container_dir"  // none in the root, but a directory that usually holds one
	FindNoContainer      = "no_container"
	FindPullRefs         = "pull_refs"         // a repository's merged pull requests referencing an issue; Value "n/m"
	FindPullRefsShare    = "pull_refs_all"     // the product's share; Value "n/m"
	FindPullRefsUnknown  = "pull_refs_unknown" // merged before descriptions were read; Value the count
	FindNoMergedPulls    = "no_merged_pulls"
	FindHistoryShort     = "history_short" // the repository's history does not reach the date; Value how far it does
)

// evidenceData is what the checks of one date read, gathered once.
type evidenceData struct {
	date       civil.Date
	gov        config.Governance
	repos      map[string][]storage.Repository        // product → its repositories, moved ones left out
	hygiene    map[string]storage.Hygiene             // newest check on or before date
	lastCommit map[string]civil.Date                  // newest commit on or before date
	merged     map[string][]storage.MergedPullRequest // repository → merged in the year ending on date
	publicCode map[string]string                      // owner/name → its publiccode.yml's state (PublicCodeStates)
	running    map[string][]Adopter                   // product → organisations running it in production
	registered bool                                   // the register has been imported
	forks      map[string]storage.ForkListing         // repository → its newest listing of forks on or before date
}

// check is one requirement's check over one product's data.
type check func(d *evidenceData, productID string) (string, []Finding)

var checks = map[string]check{
	"R3":  checkRunBy,
	"F1":  checkVisible,
	"F2":  checkLicenses,
	"F4":  checkSecurity,
	"F5":  checkPurpose,
	"F6":  checkOwners,
	"F11": checkPullRefs,
	"F12": checkForks,
	"F19": checkContainer,
}

func (d *evidenceData) finding(code string, r storage.Repository, value, detail string, args ...any) Finding {
	f := Finding{Code: code, Repository: r.FullName(), Value: value, Detail: fmt.Sprintf(detail, args...)}
	if r.Forge != "" {
		// As the repository list on the product page links it.
		f.URL = "https://" + r.Forge + "/" + r.FullName()
	}
	return f
}

func (d *evidenceData) listed(owner string) bool {
	for _, o := range d.gov.Organizations {
		if strings.EqualFold(o, owner) {
			return true
		}
	}
	return false
}

// fresh returns the repository's file check if it says something about
// the date, or the finding that says why not.
func (d *evidenceData) fresh(r storage.Repository) (storage.Hygiene, *Finding) {
	h, ok := d.hygiene[r.Key]
	if !ok {
		f := d.finding(FindNotChecked, r, "", "%s: its files were never checked", r.FullName())
		return h, &f
	}
	if h.Day.Before(d.date.AddDays(-HygieneMaxAgeDays)) {
		f := d.finding(FindCheckTooOld, r, h.Day.String(), "%s: its files were last checked on %s, over %d days before", r.FullName(), h.Day, HygieneMaxAgeDays)
		return h, &f
	}
	return h, nil
}

func noRepositories() (string, []Finding) {
	return VerdictCannotTell, []Finding{{Code: FindNoRepositories, Detail: "no repository of the product is collected"}}
}

func notConfigured() (string, []Finding) {
	return VerdictCannotTell, []Finding{{Code: FindNotConfigured, Detail: "[governance] organizations names no organisation"}}
}

// checkLicenses (F2): every repository has an OSI-approved SPDX licence.
// One without a licence, or with one the OSI has not approved, makes it
// not found; a licence GitHub cannot name (NOASSERTION: a licence file
// it does not recognise) is for a person to read, so cannot tell.
func checkLicenses(d *evidenceData, productID string) (string, []Finding) {
	repos := d.repos[productID]
	if len(repos) == 0 {
		return noRepositories()
	}
	var fs []Finding
	missing, unknown := false, false
	for _, r := range repos {
		h, stale := d.fresh(r)
		if stale != nil {
			fs, unknown = append(fs, *stale), true
			continue
		}
		switch id := h.License; {
		case id == "":
			fs, missing = append(fs, d.finding(FindNoLicense, r, "", "%s: no licence found", r.FullName())), true
		case id == storage.LicenseNoAssertion:
			fs, unknown = append(fs, d.finding(FindLicenseUnknown, r, id, "%s: a licence GitHub cannot name (NOASSERTION)", r.FullName())), true
		default:
			active, canon := spdxexp.ActiveLicense(id)
			if !active {
				canon = id // a deprecated id such as GPL-2.0 is still an SPDX id
			}
			switch {
			case osiApproved[canon]:
				fs = append(fs, d.finding(FindLicense, r, canon, "%s: %s, OSI-approved", r.FullName(), canon))
			case active:
				fs, missing = append(fs, d.finding(FindLicenseNotOSI, r, canon, "%s: %s is not OSI-approved", r.FullName(), canon)), true
			default:
				fs, unknown = append(fs, d.finding(FindLicenseUnknown, r, id, "%s: %q is not an SPDX licence id", r.FullName(), id)), true
			}
		}
	}
	switch {
	case missing:
		return VerdictNotFound, fs
	case unknown:
		return VerdictCannotTell, fs
	}
	return VerdictFound, fs
}

// anyFile is found when a repository that is not archived has the file
// (checked on time), not found when every such repository was checked
// on time and none has it, cannot tell otherwise.
func anyFile(d *evidenceData, productID string, has func(storage.Hygiene) bool, yes, no, name string) (string, []Finding) {
	return activeRepos(d, productID, func(r storage.Repository, h storage.Hygiene) (*Finding, bool) {
		if has(h) {
			f := d.finding(yes, r, "", "%s: %s", r.FullName(), name)
			return &f, false
		}
		return nil, false
	}, Finding{Code: no, Detail: "no " + name + " in any repository that is not archived"})
}

// activeRepos judges a product by its repositories that are not
// archived: look tells of each one checked on time what it shows (a
// finding that it has what is looked for, or one that leaves it open,
// with unknown). Found when one has it; not found (with none) when every
// one was checked on time and none has it; cannot tell otherwise.
func activeRepos(d *evidenceData, productID string, look func(storage.Repository, storage.Hygiene) (f *Finding, unknown bool), none Finding) (string, []Finding) {
	repos := d.repos[productID]
	if len(repos) == 0 {
		return noRepositories()
	}
	var fs []Finding
	found, unknown, active := false, false, 0
	for _, r := range repos {
		if r.Archived {
			continue
		}
		active++
		h, stale := d.fresh(r)
		if stale != nil {
			fs, unknown = append(fs, *stale), true
			continue
		}
		switch f, open := look(r, h); {
		case f != nil && open:
			fs, unknown = append(fs, *f), true
		case f != nil:
			fs, found = append(fs, *f), true
		}
	}
	switch {
	case found:
		return VerdictFound, fs
	case active == 0:
		return VerdictNotFound, []Finding{{Code: FindAllArchived, Detail: "every repository of the product is archived"}}
	case unknown:
		return VerdictCannotTell, fs
	}
	return VerdictNotFound, append(fs, none)
}

// checkSecurity (F4): a security policy.
func checkSecurity(d *evidenceData, productID string) (string, []Finding) {
	return anyFile(d, productID, func(h storage.Hygiene) bool { return h.Security }, FindSecurityPolicy, FindNoSecurityPolicy, "security policy")
}

// checkPurpose (F5): a README; a publiccode.yml, where there is one, is
// added to the evidence.
func checkPurpose(d *evidenceData, productID string) (string, []Finding) {
	v, fs := anyFile(d, productID, func(h storage.Hygiene) bool { return h.Readme }, FindReadme, FindNoReadme, "README")
	for _, r := range d.repos[productID] {
		if h, stale := d.fresh(r); stale == nil && !r.Archived && h.PublicCode {
			if d.publicCode[r.FullName()] == PublicCodeValid {
				fs = append(fs, d.finding(FindPublicCodeValid, r, "", "%s: publiccode.yml, its description checked", r.FullName()))
			} else {
				fs = append(fs, d.finding(FindPublicCode, r, "", "%s: publiccode.yml", r.FullName()))
			}
		}
	}
	return v, fs
}

// checkOwners (F6): every repository is owned by a listed organisation.
func checkOwners(d *evidenceData, productID string) (string, []Finding) {
	if len(d.gov.Organizations) == 0 {
		return notConfigured()
	}
	repos := d.repos[productID]
	if len(repos) == 0 {
		return noRepositories()
	}
	var out, in []Finding
	for _, r := range repos {
		if d.listed(r.Owner) {
			in = append(in, d.finding(FindOwnerListed, r, r.Owner, "%s: owned by %s", r.FullName(), r.Owner))
		} else {
			out = append(out, d.finding(FindOwnerNotListed, r, r.Owner, "%s: owned by %s, not an organisation OS2 designates", r.FullName(), r.Owner))
		}
	}
	if len(out) > 0 {
		return VerdictNotFound, append(out, in...)
	}
	return VerdictFound, in
}

// checkVisible (F1): a repository under a listed organisation, not
// archived, with a commit in the last 12 months. Where none is known but
// a repository's collected history does not reach the date, the commits
// may be there uncollected: cannot tell.
func checkVisible(d *evidenceData, productID string) (string, []Finding) {
	if len(d.gov.Organizations) == 0 {
		return notConfigured()
	}
	repos := d.repos[productID]
	if len(repos) == 0 {
		return noRepositories()
	}
	from := d.date.AddDays(-(EvidenceWindowDays - 1))
	var fs []Finding
	found, unknown, active := false, false, 0
	for _, r := range repos {
		if !d.listed(r.Owner) {
			continue
		}
		if r.Archived {
			fs = append(fs, d.finding(FindArchived, r, "", "%s: archived", r.FullName()))
			continue
		}
		active++
		last, ok := d.lastCommit[r.Key]
		switch {
		case ok && !last.Before(from):
			fs, found = append(fs, d.finding(FindCommits, r, last.String(), "%s: last commit on %s", r.FullName(), last)), true
		case r.CoveredUntil.Before(d.date):
			fs, unknown = append(fs, d.finding(FindCoverageTooOld, r, dateValue(r.CoveredUntil), "%s: no commit since %s known, and its history is collected only until %s",
				r.FullName(), from, orNever(r.CoveredUntil))), true
		case ok:
			fs = append(fs, d.finding(FindNoCommits, r, last.String(), "%s: no commit since %s (the last on %s)", r.FullName(), from, last))
		default:
			fs = append(fs, d.finding(FindNoCommits, r, "", "%s: no commit", r.FullName()))
		}
	}
	switch {
	case found:
		return VerdictFound, fs
	case unknown:
		return VerdictCannotTell, fs
	case active == 0 && len(fs) > 0:
		return VerdictNotFound, append(fs, Finding{Code: FindAllArchived, Detail: "every repository under an organisation OS2 designates is archived"})
	case active == 0:
		return VerdictNotFound, []Finding{{Code: FindOwnerNotListed, Detail: "no repository is under an organisation OS2 designates"}}
	}
	return VerdictNotFound, fs
}

func dateValue(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func orNever(d civil.Date) string {
	if d.IsZero() {
		return "never"
	}
	return d.String()
}

// checkRunBy (R3): at least two organisations run the product in
// production on the date, by the register.
func checkRunBy(d *evidenceData, productID string) (string, []Finding) {
	if !d.registered {
		return VerdictCannotTell, []Finding{{Code: FindRegisterMissing, Detail: "the adoption register has not been imported"}}
	}
	names := []string{}
	for _, a := range d.running[productID] {
		names = append(names, a.Name)
	}
	sort.Strings(names)
	n := len(names)
	f := Finding{Code: FindRunBy, Value: fmt.Sprint(n), Detail: fmt.Sprintf("run in production by %d organisations", n)}
	if n > 0 {
		f.Detail += ": " + strings.Join(names, ", ")
	}
	if n >= 2 {
		return VerdictFound, []Finding{f}
	}
	return VerdictNotFound, []Finding{f}
}

// checkContainer (F19, a recommendation): a container file in the root
// of a repository that is not archived. A root with none but a docker/
// directory may well hold one there, which the daily check does not
// read: cannot tell, not not found.
func checkContainer(d *evidenceData, productID string) (string, []Finding) {
	return activeRepos(d, productID, func(r storage.Repository, h storage.Hygiene) (*Finding, bool) {
		var f Finding
		switch h.Container {
		case storage.ContainerFile:
			f = d.finding(FindContainerFile, r, "", "%s: a container file in its root", r.FullName())
			return &f, false
		case storage.ContainerDir:
			f = d.finding(FindContainerDir, r, "", "%s: no container file in its root, but a directory that may hold one", r.FullName())
		case "":
			// Checked before container files were looked for.
			f = d.finding(FindNotChecked, r, "", "%s: not checked for container files yet", r.FullName())
		default:
			return nil, false
		}
		return &f, true
	}, Finding{Code: FindNoContainer, Detail: "no container file in the root of any repository that is not archived"})
}

// checkPullRefs (F11): the share of the pull requests merged in the year
// ending on the date whose title or description references an issue
// reaches [governance] issue_reference_share. Pull requests merged before
// descriptions were read count both ways: the verdict is given only when
// they cannot change it. A repository whose history does not reach the
// date may lack merged pull requests: cannot tell.
func checkPullRefs(d *evidenceData, productID string) (string, []Finding) {
	repos := d.repos[productID]
	if len(repos) == 0 {
		return noRepositories()
	}
	var fs []Finding
	total, refs, unknown, short := 0, 0, 0, false
	for _, r := range repos {
		n, k := 0, 0
		for _, m := range d.merged[r.Key] {
			n++
			switch {
			case !m.Known:
				unknown++
			case m.RefsIssue:
				k++
			}
		}
		total, refs = total+n, refs+k
		if r.CoveredUntil.Before(d.date) {
			short = true
			fs = append(fs, d.finding(FindHistoryShort, r, dateValue(r.CoveredUntil), "%s: its history is collected only until %s", r.FullName(), orNever(r.CoveredUntil)))
		}
		if n > 0 {
			fs = append(fs, d.finding(FindPullRefs, r, fmt.Sprintf("%d/%d", k, n), "%s: %d of %d merged pull requests reference an issue", r.FullName(), k, n))
		}
	}
	if unknown > 0 {
		fs = append(fs, Finding{Code: FindPullRefsUnknown, Value: fmt.Sprint(unknown),
			Detail: fmt.Sprintf("%d merged pull requests were read before their descriptions were", unknown)})
	}
	if total == 0 {
		return VerdictCannotTell, append(fs, Finding{Code: FindNoMergedPulls, Detail: "no pull request merged in the last 12 months"})
	}
	share := d.gov.IssueReferenceShare
	fs = append(fs, Finding{Code: FindPullRefsShare, Value: fmt.Sprintf("%d/%d", refs, total),
		Detail: fmt.Sprintf("%d of %d merged pull requests of the last 12 months reference an issue (threshold %g %%)", refs, total, share*100)})
	switch {
	case short:
		return VerdictCannotTell, fs
	case float64(refs) >= share*float64(total):
		return VerdictFound, fs
	case float64(refs+unknown) < share*float64(total):
		return VerdictNotFound, fs
	}
	return VerdictCannotTell, fs
}
