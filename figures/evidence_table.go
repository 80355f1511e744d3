package figures

// The requirements of OS2's governance model that collected data can
// speak to, each with its check (docs/governance.md describes them). The
// level, category and text here are used when a product has no
// self-evaluation of its own; when it has one, its own lines win. Every
// other requirement (S-, G- and most R- and F-lines) has no check: data
// cannot tell, and the product's own answer stands alone.

// Verdicts of a check.
const (
	VerdictFound      = "found"
	VerdictNotFound   = "not_found"
	VerdictCannotTell = "cannot_tell"
)

// Verdicts lists the verdicts in the order pages and metrics give them.
var Verdicts = []string{VerdictFound, VerdictNotFound, VerdictCannotTell}

// EvidenceWindowDays is the window of the checks about recent activity:
// commits (F1), merged pull requests (F11), pushes to forks (F12).
const EvidenceWindowDays = 365

// HygieneMaxAgeDays is how old a repository's last file check may be for
// the checks of its files (licence, README, security policy): an older
// check says nothing about the date, so the verdict is cannot tell.
const HygieneMaxAgeDays = 30

// CheckedRequirement is one requirement with a check.
type CheckedRequirement struct {
	ID             string `json:"id"`
	Level          string `json:"level"`
	Category       string `json:"category"`
	Recommendation bool   `json:"recommendation"`
	Text           string `json:"text"` // in Danish, as OS2 writes the requirements
	// Check says in a line what the data are checked for.
	Check string `json:"check"`
}

// CheckedRequirements is the table, in OS2's order.
var CheckedRequirements = []CheckedRequirement{
	{ID: "R3", Level: "2", Category: "relevans", Text: "Løsningen har et fælles offentligt potentiale",
		Check: "at least two organisations run it in production according to the register"},
	{ID: "F1", Level: "sandbox", Category: "formkrav", Text: "Løsningen udvikles synligt i et repository, som OS2 har udpeget",
		Check: "repositories under an organisation in [governance] organizations, not archived, with commits in the last 12 months"},
	{ID: "F2", Level: "sandbox", Category: "formkrav", Text: "Løsningen er udgivet under en open source-licens",
		Check: "every repository has an OSI-approved SPDX licence, as GitHub detects it"},
	{ID: "F4", Level: "sandbox", Category: "formkrav", Text: "Der er tænkt på sikkerhed i løsningen",
		Check: "a security policy (SECURITY.md) in a repository that is not archived"},
	{ID: "F5", Level: "sandbox", Category: "formkrav", Text: "Løsningens formål og værdi er beskrevet",
		Check: "a README (and a publiccode.yml) in a repository that is not archived"},
	{ID: "F6", Level: "1", Category: "formkrav", Text: "Koden er under OS2's kontrol",
		Check: "every repository is owned by an organisation in [governance] organizations"},
	{ID: "F11", Level: "2", Category: "formkrav", Text: "Der er offentlig registrering af issues, som er koblet til kodeændringer",
		Check: "the share of merged pull requests of the last 12 months that reference an issue reaches [governance] issue_reference_share"},
	{ID: "F12", Level: "2", Category: "formkrav", Text: "Der er én version af kernekoden",
		Check: "no fork pushed to in the last 12 months is more than [governance] fork_ahead_max commits ahead of the default branch"},
	{ID: "F19", Level: "2", Category: "formkrav", Recommendation: true, Text: "Løsningen leveres i et containerformat (anbefaling)",
		Check: "a Containerfile, Dockerfile or compose file in the root of a repository that is not archived"},
}

// checkedRequirement returns the table's line for id.
func checkedRequirement(id string) (CheckedRequirement, bool) {
	for _, r := range CheckedRequirements {
		if r.ID == id {
			return r, true
		}
	}
	return CheckedRequirement{}, false
}
