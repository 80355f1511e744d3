package config

// The data sources, by one name each: what runs are recorded under,
// "os2pulse collect -source" takes, the API and the report carry, and the
// catalogue's "source.*" labels are keyed on.
const (
	SourceGitHub   = "github"   // repositories, contributions and health signals from the GitHub API
	SourceRegister = "register" // the adoption register and members list
	SourceActivity = "activity" // git log exports of repositories outside GitHub
	SourceSelfEval = "selfeval" // the governance self-evaluations
)

// SourceGitLab is the source of one GitLab instance ("gitlab:git.magenta.dk"):
// one per instance, so each runs, and is recorded, on its own.
func SourceGitLab(host string) string { return sourceGitLabPrefix + host }

const sourceGitLabPrefix = "gitlab:"
