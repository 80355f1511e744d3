package collector

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"os2pulse/civil"
	"os2pulse/storage"
)

// glLicenses are the SPDX ids of the licence keys GitLab reports (those of
// licensee, lower case); a key not listed is shown upper-cased.
var glLicenses = map[string]string{
	"agpl-3.0": "AGPL-3.0", "apache-2.0": "Apache-2.0", "bsd-2-clause": "BSD-2-Clause", "bsd-3-clause": "BSD-3-Clause",
	"cc0-1.0": "CC0-1.0", "epl-2.0": "EPL-2.0", "eupl-1.2": "EUPL-1.2", "gpl-2.0": "GPL-2.0", "gpl-3.0": "GPL-3.0",
	"isc": "ISC", "lgpl-2.1": "LGPL-2.1", "lgpl-3.0": "LGPL-3.0", "mit": "MIT", "mpl-2.0": "MPL-2.0", "unlicense": "Unlicense",
}

// glLicense is the SPDX id of a licence key; "" for none or GitLab's
// "other" (a licence file it does not recognise), as GitHub's NOASSERTION.
func glLicense(key string) string {
	key = strings.ToLower(strings.TrimSpace(key))
	if key == "" || key == "other" {
		return ""
	}
	if id, ok := glLicenses[key]; ok {
		return id
	}
	return strings.ToUpper(key)
}

// hygiene records what the project offers newcomers and reusers, as for a
// GitHub repository: the licence GitLab recognises (from the project,
// read anyway; lic nil when it answered 304 and so did not change), and
// README, CONTRIBUTING, code of conduct, SECURITY and publiccode.yml in
// the root directory, read at most once a day, conditionally.
func (g *GitLabSource) hygiene(ctx context.Context, proj, key string, today civil.Date, lic *string) error {
	res := key + "/hygiene"
	st, err := g.store.SyncState(ctx, res)
	if err != nil {
		return err
	}
	if lic == nil && st.Cursor == today.String() {
		return nil
	}
	prev, err := g.store.LatestHygiene(ctx, today)
	if err != nil {
		return err
	}
	h, had := prev[key]
	h.RepositoryKey, h.Day = key, today
	changed := false
	if lic != nil && (!had || h.License != *lic) {
		h.License, changed = *lic, true
	}
	sink := newValidators()
	if st.Cursor != today.String() {
		var entries []struct {
			Name string `json:"name"`
			Type string `json:"type"`
		}
		_, err := g.c.get(withRequestOpts(ctx, requestOpts{sink: sink, unconditional: st.Cursor == ""}),
			g.c.url(proj+"/repository/tree", url.Values{"per_page": {"100"}}), &entries)
		switch {
		case glStatus(err, http.StatusNotModified), glStatus(err, http.StatusNotFound):
		case err != nil:
			return err
		default:
			h.Readme, h.Contributing, h.CodeOfConduct, h.Security, h.PublicCode = false, false, false, false, false
			for _, e := range entries {
				n := strings.ToLower(e.Name)
				base, _, _ := strings.Cut(n, ".")
				switch {
				case e.Type != "blob":
				case base == "readme":
					h.Readme = true
				case base == "contributing":
					h.Contributing = true
				case base == "code_of_conduct" || base == "code-of-conduct":
					h.CodeOfConduct = true
				case n == "security.md" || n == "security" || n == "security.txt" || n == "security.rst":
					h.Security = true
				case n == "publiccode.yml" || n == "publiccode.yaml":
					h.PublicCode = true
				}
			}
			changed = true
		}
	}
	next := storage.SyncState{Resource: res, Cursor: today.String()}
	if changed {
		err = g.store.PutHygiene(ctx, h, next)
	} else {
		err = g.store.PutSyncState(ctx, next)
	}
	if err != nil {
		return err
	}
	return sink.commit(ctx, g.store)
}
