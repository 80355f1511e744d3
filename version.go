package main

import (
	_ "embed"
	"regexp"
)

// changelog is CHANGELOG.md, whose latest release names a build made
// without a version given and without git tags.
//
//go:embed CHANGELOG.md
var changelog string

// releaseHeading is a Keep a Changelog release heading: "## [0.3.0] - 2026-12-07".
var releaseHeading = regexp.MustCompile(`(?m)^## \[(\d+\.\d+\.\d+)\]`)

// changelogVersion is "v" + the latest release of the changelog, with the
// commit (and "-dirty" for uncommitted changes) as build metadata:
// "v0.3.0+0123456789ab", or "+unknown" when the build did not record it
// (go run). Without a release it is "dev".
func changelogVersion(changelog, rev string, dirty bool) string {
	m := releaseHeading.FindStringSubmatch(changelog)
	v := "dev"
	if m != nil {
		v = "v" + m[1]
	}
	if rev == "" {
		return v + "+unknown"
	}
	if dirty {
		rev += "-dirty"
	}
	return v + "+" + rev
}
