package main

import "testing"

func TestChangelogVersion(t *testing.T) {
	const changelog = "# Changelog\n\n## [Unreleased]\n\n### Added\n- more\n\n## [1.2.0] - 2027-01-05\n\n## [1.1.0] - 2026-12-01\n"
	for _, tc := range []struct {
		name, changelog, rev string
		dirty                bool
		want                 string
	}{
		{"release and commit", changelog, "0123456789ab", false, "v1.2.0+0123456789ab"},
		{"uncommitted changes", changelog, "0123456789ab", true, "v1.2.0+0123456789ab-dirty"},
		{"commit unknown", changelog, "", false, "v1.2.0+unknown"},
		{"no release yet", "# Changelog\n\n## [Unreleased]\n", "0123456789ab", false, "dev+0123456789ab"},
		{"a heading that is not a release", "## [1.2] - 2027-01-05\n", "", false, "dev+unknown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := changelogVersion(tc.changelog, tc.rev, tc.dirty); got != tc.want {
				t.Errorf("changelogVersion = %q, want %q", got, tc.want)
			}
		})
	}
	// The embedded changelog names a release: a build without tags says
	// which.
	if v := changelogVersion(embeddedChangelog(), "", false); v == "dev+unknown" {
		t.Error("the embedded CHANGELOG.md names no release")
	}
}

func embeddedChangelog() string { return changelog }
