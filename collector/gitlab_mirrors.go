package collector

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/storage"
)

// A product developed on GitLab often has a copy on GitHub (or the other
// way round). The copy carries the same commits, so they would count
// twice, and none of the merge requests or issues. A repository that is a
// mirror is therefore collected for its metadata only; its commits, pull
// requests and issues are counted where the product is developed.
//
// Which repository is a mirror comes from [[mirrors]] in the
// configuration, or from GitLab: a project's push mirrors (where the token
// may read them) and a project that is itself a pull mirror. What GitLab
// says is kept as the sync state "mirror-of:KEY" → the key of the
// original, so that the GitHub source, which runs after the GitLab ones,
// sees it.

// A mirror's commits, once stored, stay: so a GitHub repository of a
// product that also lives on a GitLab instance is not collected before
// that instance has been polled once, and its mirrors found. The GitLab
// source records each completed poll as "mirrors-scanned:HOST".

func scannedRes(host string) string { return "mirrors-scanned:" + host }

// unscannedForge returns a GitLab instance that holds repositories of the
// products and has not yet been polled to its end ("" when none).
func unscannedForge(ctx context.Context, cfg *config.Config, store *storage.Store, products []string) (string, error) {
	hosts := map[string]bool{}
	for _, f := range cfg.GitLabForges() {
		hosts[f.Host] = true
	}
	for _, id := range products {
		p, ok := cfg.Product(id)
		if !ok {
			continue
		}
		for _, s := range p.Repos {
			spec, err := config.ParseRepoSpec(s)
			if err != nil || !hosts[spec.Forge] {
				continue
			}
			st, err := store.SyncState(ctx, scannedRes(spec.Forge))
			if err != nil {
				return "", err
			}
			if st.Cursor == "" {
				return spec.Forge, nil
			}
		}
	}
	return "", nil
}

// mirrorOf returns what the repository is a mirror of ("" when none).
func mirrorOf(ctx context.Context, cfg *config.Config, store *storage.Store, r config.RepoSpec) (string, error) {
	if of := cfg.MirrorOf(r); of != "" {
		return of, nil
	}
	st, err := store.SyncState(ctx, mirrorRes(storage.RepoKey(r.Forge, r.Owner, r.Name)))
	return st.Cursor, err
}

func mirrorRes(key string) string { return "mirror-of:" + key }

// mirrorSpec reads a mirror's address (https://*****:*****@github.com/
// OS2mo/os2mo.git, credentials masked) as a repository of a product;
// false when it is none, for a copy of something os2pulse does not
// collect must not hide the original's activity.
func (g *GitLabSource) mirrorSpec(addr string) (string, bool) {
	u, err := url.Parse(addr)
	if err != nil || u.Host == "" {
		return "", false
	}
	path := strings.TrimSuffix(strings.Trim(u.Path, "/"), ".git")
	spec, err := config.ParseRepoSpec(strings.ToLower(u.Hostname()) + "/" + path)
	if err != nil || spec.Name == "*" || len(g.cfg.ProductsOf(spec)) == 0 {
		return "", false
	}
	return storage.RepoKey(spec.Forge, spec.Owner, spec.Name), true
}

// notePullMirror records that the project copies importURL.
func (g *GitLabSource) notePullMirror(ctx context.Context, key, importURL string) error {
	of, ok := g.mirrorSpec(importURL)
	if !ok || of == key {
		return nil
	}
	return g.store.PutSyncState(ctx, storage.SyncState{Resource: mirrorRes(key), Cursor: of})
}

// mirrorsState is what is kept of a project's push mirrors.
type mirrorsState struct {
	Mirrors []string `json:"mirrors,omitempty"` // keys of the copies found
	Denied  string   `json:"denied,omitempty"`  // the day the token was refused
}

// remoteMirrors reads the project's push mirrors, conditionally: a copy on
// a forge os2pulse collects is recorded as a mirror of this project. Only
// maintainers may read them: a refusal is remembered, and asked again a
// week later.
func (g *GitLabSource) remoteMirrors(ctx context.Context, key, id string, today civil.Date) error {
	res := key + "/mirrors"
	st, err := g.store.SyncState(ctx, res)
	if err != nil {
		return err
	}
	var ms mirrorsState
	if st.Cursor != "" && json.Unmarshal([]byte(st.Cursor), &ms) != nil {
		ms = mirrorsState{}
	}
	if ms.Denied != "" {
		if d, err := civil.Parse(ms.Denied); err == nil && today.Before(d.AddDays(7)) {
			return nil
		}
	}
	sink := newValidators()
	var list []struct {
		URL     string `json:"url"`
		Enabled bool   `json:"enabled"`
	}
	_, err = g.c.get(withRequestOpts(ctx, requestOpts{sink: sink, unconditional: st.Cursor == "" || ms.Denied != ""}),
		g.c.url("projects/"+id+"/remote_mirrors", nil), &list)
	switch {
	case glStatus(err, http.StatusNotModified):
		return nil
	case glStatus(err, http.StatusForbidden), glStatus(err, http.StatusUnauthorized), glStatus(err, http.StatusNotFound):
		ms.Denied = today.String()
		b, _ := json.Marshal(ms)
		return g.store.PutSyncState(ctx, storage.SyncState{Resource: res, Cursor: string(b)})
	case err != nil:
		return err
	}
	var found []string
	for _, m := range list {
		if of, ok := g.mirrorSpec(m.URL); ok && m.Enabled && of != key {
			found = append(found, of)
		}
	}
	sort.Strings(found)
	for _, old := range ms.Mirrors {
		if !contains(found, old) {
			if err := g.store.PutSyncState(ctx, storage.SyncState{Resource: mirrorRes(old)}); err != nil {
				return err
			}
		}
	}
	for _, m := range found {
		if err := g.store.PutSyncState(ctx, storage.SyncState{Resource: mirrorRes(m), Cursor: key}); err != nil {
			return err
		}
	}
	b, _ := json.Marshal(mirrorsState{Mirrors: found})
	if err := g.store.PutSyncState(ctx, storage.SyncState{Resource: res, Cursor: string(b)}); err != nil {
		return err
	}
	return sink.commit(ctx, g.store)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
