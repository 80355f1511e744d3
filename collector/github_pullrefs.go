package collector

import (
	"regexp"

	"github.com/google/go-github/v60/github"

	"os2pulse/storage"
)

// issueRefRe finds a reference to an issue in a pull request's title or
// description, as GitHub links them: #N or OWNER/REPO#N (with or without
// a closing keyword before it), or an issue's address. A heading ("# Title")
// or a colour ("#fff") is no reference. GitLab writes issues the same
// way, and their addresses with /-/issues/N.
var issueRefRe = regexp.MustCompile(`(?i)(?:^|[^\w&/#])(?:[\w.-]+/[\w.-]+)?#[1-9][0-9]*\b|github\.com/[\w.-]+/[\w.-]+/issues/[0-9]+|/-/issues/[0-9]+|(?:^|\W)GH-[0-9]+\b`)

// referencesIssue reports whether a pull request's title or description
// references an issue (OS2's requirement F11: issue tracking linked to
// code changes).
func referencesIssue(title, body string) bool {
	return issueRefRe.MatchString(title) || issueRefRe.MatchString(body)
}

// pullRef is what a listed pull request says of its issue references:
// read from the listing the collector reads anyway, no request of its own.
func pullRef(key string, pr *github.PullRequest) storage.PullRequestRef {
	return storage.PullRequestRef{RepositoryKey: key, Number: pr.GetNumber(), MergedAt: pr.GetMergedAt().Time,
		RefsIssue: referencesIssue(pr.GetTitle(), pr.GetBody())}
}
