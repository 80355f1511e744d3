package collector

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"

	"os2pulse/civil"
	"os2pulse/storage"
)

// Forks, for OS2's requirement F12 (one version of the core code): how
// far each recently pushed fork is ahead of the repository's default
// branch. Within the budget of the governance evidence: at most one
// listing of forks and one comparison a repository a day, both
// conditional, so an unchanged portfolio costs nothing and a changed one
// at most two requests beside the daily hygiene request (three in all).
// A fork pushed to is compared again; forks waiting for a comparison are
// compared one a day, the most recently pushed first.

const (
	// forksListed is how many forks the daily listing reads: one page,
	// the newest first. A repository with more forks than that is rare
	// among OS2's; its older forks go unread.
	forksListed = 100
	// forksKept is how many of the recently pushed forks are kept and
	// compared, the most recently pushed first.
	forksKept = 20
	// forksWindow is how recently a fork must have been pushed to count:
	// the evidence window.
	forksWindow = 365 * 24 * time.Hour
)

// forkState is the day a repository's forks were last listed and the day
// one was last compared.
type forkState struct {
	Listed   string `json:"listed,omitempty"`
	Compared string `json:"compared,omitempty"`
}

// forks lists the repository's forks once a day and compares at most one
// not yet compared with its default branch.
func (g *GitHubSource) forks(ctx context.Context, owner, name, key, branch string, today civil.Date) error {
	res := key + "/forks"
	st, err := g.store.SyncState(ctx, res)
	if err != nil {
		return err
	}
	var fs forkState
	if st.Cursor != "" && json.Unmarshal([]byte(st.Cursor), &fs) != nil {
		fs = forkState{}
	}
	day := today.String()
	if fs.Listed < day {
		first := fs.Listed == ""
		fs.Listed = day
		if err := g.listForks(ctx, owner, name, key, today, first, g.forkCheckpoint(res, fs)); err != nil {
			return err
		}
	}
	if fs.Compared >= day || branch == "" {
		return nil
	}
	l, err := g.store.ForkListing(ctx, key, today)
	if err != nil {
		return err
	}
	for _, f := range l.Forks {
		if f.ComparedOn.IsZero() {
			fs.Compared = day
			return g.compareFork(ctx, owner, name, key, branch, f.ListedFork, today, g.forkCheckpoint(res, fs))
		}
	}
	return nil
}

func (g *GitHubSource) forkCheckpoint(res string, fs forkState) storage.SyncState {
	cur, _ := json.Marshal(fs)
	return storage.SyncState{Resource: res, Cursor: string(cur)}
}

// listForks reads the first page of the repository's forks, conditionally
// unless first, and stores the recently pushed ones.
func (g *GitHubSource) listForks(ctx context.Context, owner, name, key string, today civil.Date, first bool, next storage.SyncState) error {
	sink := newValidators()
	list, _, err := g.client.Repositories.ListForks(withRequestOpts(ctx, requestOpts{sink: sink, unconditional: first}), owner, name,
		&github.RepositoryListForksOptions{Sort: "newest", ListOptions: github.ListOptions{PerPage: forksListed}})
	switch {
	case notModified(err):
		err = g.store.ForkListingUnchanged(ctx, key, today, next)
	case err != nil:
		return fmt.Errorf("collector: listing the forks of %s/%s: %w", owner, name, apiErr(err))
	default:
		err = g.store.PutForkListing(ctx, key, today, recentForks(list, g.now()), next)
	}
	if err != nil {
		return err
	}
	return sink.commit(ctx, g.store)
}

// recentForks is the forks pushed to in the evidence window, the most
// recently pushed first, at most forksKept.
func recentForks(list []*github.Repository, now time.Time) []storage.ListedFork {
	var out []storage.ListedFork
	for _, r := range list {
		pushed := r.GetPushedAt().Time
		if r.GetFullName() == "" || pushed.Before(now.Add(-forksWindow)) {
			continue
		}
		out = append(out, storage.ListedFork{Fork: r.GetFullName(), Branch: r.GetDefaultBranch(), PushedAt: pushed})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].PushedAt.After(out[j].PushedAt) })
	return out[:min(len(out), forksKept)]
}

// compareFork compares the fork's default branch with the repository's.
// A 304 says the comparison is what it was for an earlier push.
func (g *GitHubSource) compareFork(ctx context.Context, owner, name, key, branch string, f storage.ListedFork, today civil.Date, next storage.SyncState) error {
	forkOwner, _, _ := strings.Cut(f.Fork, "/")
	sink := newValidators()
	// One commit a page: only the counts are read.
	c, _, err := g.client.Repositories.CompareCommits(withRequestOpts(ctx, requestOpts{sink: sink}), owner, name, branch, forkOwner+":"+f.Branch,
		&github.ListOptions{PerPage: 1})
	switch {
	case notModified(err):
		ahead, behind, ok, err := g.store.LastForkComparison(ctx, key, f.Fork)
		if err != nil || !ok {
			return err
		}
		return g.store.PutForkComparison(ctx, key, f, today, ahead, behind, next)
	case hasStatus(err, http.StatusNotFound):
		// The fork or its branch is gone, or shares no history: the next
		// listing says which; the day's comparison is spent.
		return g.store.PutSyncState(ctx, next)
	case err != nil:
		return fmt.Errorf("collector: comparing %s with %s/%s: %w", f.Fork, owner, name, apiErr(err))
	}
	if err := g.store.PutForkComparison(ctx, key, f, today, c.GetAheadBy(), c.GetBehindBy(), next); err != nil {
		return err
	}
	return sink.commit(ctx, g.store)
}
