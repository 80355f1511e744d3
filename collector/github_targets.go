package collector

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/google/go-github/v60/github"

	"os2pulse/config"
	"os2pulse/storage"
)

// target is a repository to poll.
type target struct {
	owner, name string
	products    []string
	explicit    bool // named in the configuration, not found through owner/*
}

func (t target) key() string { return storage.RepoKey(githubForge, t.owner, t.name) }

// ownerListings is what expanding owner/* specs left to do at the end of
// a run.
type ownerListings struct {
	attempted int
	sinks     []*validators
}

// targets expands the configured repositories: explicit owner/name specs,
// and owner/* through the owner's repository listing. Repositories known
// to have moved are polled under their new name.
func (g *GitHubSource) targets(ctx context.Context, rec *Recorder, known map[string]storage.Repository) ([]target, ownerListings, []error, error) {
	byKey := map[string]*target{}
	add := func(owner, name string, explicit bool) {
		k := storage.RepoKey(githubForge, owner, name)
		if t, ok := byKey[k]; ok {
			t.explicit = t.explicit || explicit
			return
		}
		byKey[k] = &target{owner: owner, name: name, explicit: explicit}
	}
	owners := map[string]string{} // lower-case owner → spelling in the config
	for _, p := range g.cfg.Products {
		for _, s := range p.Repos {
			spec, err := config.ParseRepoSpec(s)
			if err != nil || !spec.IsGitHub() {
				continue
			}
			if spec.Name == "*" {
				owners[strings.ToLower(spec.Owner)] = spec.Owner
				continue
			}
			add(spec.Owner, spec.Name, true)
		}
	}
	var listings ownerListings
	var unreachable []error
	ownerNames := make([]string, 0, len(owners))
	for k := range owners {
		ownerNames = append(ownerNames, k)
	}
	sort.Strings(ownerNames)
	for _, lo := range ownerNames {
		owner := owners[lo]
		sink := newValidators()
		repos, err := g.listOwner(ctx, owner, sink)
		listings.attempted++
		switch {
		case errors.Is(err, errNotModified):
			// Unchanged listing: the repositories stored from it stand.
			for _, r := range known {
				if r.Forge == githubForge && strings.EqualFold(r.Owner, owner) && r.Status != storage.RepoMoved {
					add(r.Owner, r.Name, false)
				}
			}
			listings.sinks = append(listings.sinks, sink)
		case err != nil:
			if ctx.Err() != nil {
				return nil, listings, nil, ctx.Err()
			}
			rec.ItemError(githubForge+"/"+owner+"/*", err)
			if isTransportError(err) {
				unreachable = append(unreachable, err)
				if len(unreachable) == listings.attempted {
					// Not one answer yet, after retries: GitHub cannot be
					// reached (offline, DNS). Fail now rather than retry
					// every repository.
					return nil, listings, nil, fmt.Errorf("collector: GitHub unreachable: %w", err)
				}
			}
			// Keep polling what is known of the owner.
			for _, r := range known {
				if r.Forge == githubForge && strings.EqualFold(r.Owner, owner) && r.Status != storage.RepoMoved {
					add(r.Owner, r.Name, false)
				}
			}
		default:
			listed := map[string]bool{}
			for _, r := range repos {
				add(r.GetOwner().GetLogin(), r.GetName(), false)
				listed[storage.RepoKey(githubForge, r.GetOwner().GetLogin(), r.GetName())] = true
			}
			// A stored repository missing from the listing was renamed,
			// transferred or deleted: poll it once to learn which.
			for _, r := range known {
				if r.Forge == githubForge && strings.EqualFold(r.Owner, owner) && !listed[r.Key] &&
					(r.Status == storage.RepoOK || r.Status == storage.RepoEmpty || r.Status == storage.RepoError) {
					add(r.Owner, r.Name, false)
				}
			}
			listings.sinks = append(listings.sinks, sink)
		}
		// Repositories of this owner that moved elsewhere stay part of
		// the product under their new name.
		for _, r := range known {
			if r.Forge == githubForge && strings.EqualFold(r.Owner, owner) && r.Status == storage.RepoMoved {
				add(r.Owner, r.Name, false)
			}
		}
	}

	final := map[string]*target{}
	for _, t := range byKey {
		// Follow recorded moves (at most a few hops, to stop on a cycle).
		products := g.cfg.ProductsOf(config.RepoSpec{Forge: githubForge, Owner: t.owner, Name: t.name})
		for hop := 0; hop < 5; hop++ {
			r, ok := known[t.key()]
			if !ok || r.Status != storage.RepoMoved || r.MovedTo == "" {
				break
			}
			owner, name := splitKey(r.MovedTo)
			if nr, ok := known[r.MovedTo]; ok {
				owner, name = nr.Owner, nr.Name
			}
			if owner == "" {
				break
			}
			t.owner, t.name = owner, name
		}
		products = appendNew(products, g.cfg.ProductsOf(config.RepoSpec{Forge: githubForge, Owner: t.owner, Name: t.name})...)
		// An old name and its new one are one target, of both's products.
		if f, ok := final[t.key()]; ok {
			f.products = appendNew(f.products, products...)
			f.explicit = f.explicit || t.explicit
			continue
		}
		t.products = products
		final[t.key()] = t
	}
	out := make([]target, 0, len(final))
	for _, t := range final {
		sort.Strings(t.products)
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out, listings, unreachable, nil
}

func splitKey(key string) (owner, name string) {
	parts := strings.Split(key, "/")
	if len(parts) != 3 {
		return "", ""
	}
	return parts[1], parts[2]
}

func appendNew(list []string, more ...string) []string {
	for _, m := range more {
		found := false
		for _, l := range list {
			if l == m {
				found = true
				break
			}
		}
		if !found {
			list = append(list, m)
		}
	}
	return list
}

// listOwner lists an organisation's repositories, or a user's when the
// owner is no organisation. Which one it is is remembered, so that a user
// costs no failed organisation request on later polls.
func (g *GitHubSource) listOwner(ctx context.Context, owner string, sink *validators) ([]*github.Repository, error) {
	kindRes := githubForge + "/" + strings.ToLower(owner) + "/*"
	st, err := g.store.SyncState(ctx, kindRes)
	if err != nil {
		return nil, err
	}
	var all []*github.Repository
	collect := func(_ int, repos []*github.Repository) (bool, error) {
		all = append(all, repos...)
		return true, nil
	}
	if st.Cursor != "user" {
		err = paginate(ctx, listing{sink: sink}, func(ctx context.Context, page int) ([]*github.Repository, *github.Response, error) {
			return g.client.Repositories.ListByOrg(ctx, owner, &github.RepositoryListByOrgOptions{
				ListOptions: github.ListOptions{Page: page, PerPage: perPage}})
		}, collect)
		if !hasStatus(err, http.StatusNotFound) || len(all) > 0 {
			return all, listErr(owner, err)
		}
		// No organisation of that name: a user. Remembered, so a user
		// costs no failed request on later polls.
		if err := g.store.PutSyncState(ctx, storage.SyncState{Resource: kindRes, Cursor: "user"}); err != nil {
			return nil, err
		}
	}
	err = paginate(ctx, listing{sink: sink}, func(ctx context.Context, page int) ([]*github.Repository, *github.Response, error) {
		return g.client.Repositories.ListByUser(ctx, owner, &github.RepositoryListByUserOptions{
			Type: "owner", ListOptions: github.ListOptions{Page: page, PerPage: perPage}})
	}, collect)
	return all, listErr(owner, err)
}

// listErr words a failed owner listing; errNotModified passes unchanged.
func listErr(owner string, err error) error {
	if err == nil || errors.Is(err, errNotModified) {
		return err
	}
	return fmt.Errorf("collector: listing repositories of %s: %w", owner, apiErr(err))
}
