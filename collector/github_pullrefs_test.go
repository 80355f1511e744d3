package collector

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

func TestReferencesIssue(t *testing.T) {
	cases := []struct {
		title, body string
		want        bool
	}{
		{"Fix login", "Closes #12", true},
		{"Fixes #7: crash on start", "", true},
		{"Bump deps", "See os2display/display-api#88", true},
		{"Bump deps", "Part of https://github.com/os2display/display-api/issues/88", true},
		{"(#45) wrap lines", "", true},
		{"Ret login", "Lukker https://git.magenta.dk/rammearkitektur/os2mo/-/issues/61", true},
		{"Refactor", "## Changes\n# Heading\nNo tracker.", false},
		{"Colour", "Use #fff and #000000 for text", false},
		{"Anchor", "See docs/readme.md#install", false},
		{"HTML entity", "Don&#39;t", false},
		{"Release 2.0", "", false},
	}
	for _, c := range cases {
		if got := referencesIssue(c.title, c.body); got != c.want {
			t.Errorf("%q %q: %v, want %v", c.title, c.body, got, c.want)
		}
	}
}

// TestPullRequestRefsFromTheListing: the pull request listing the poll
// reads anyway says which pull requests reference an issue, without a
// request of its own; a second unchanged poll asks nothing new.
func TestPullRequestRefsFromTheListing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		clock := newFakeClock()
		f := newFakeGitHub(t, clock)
		f.addOwner("OS2display", false)
		day := clock.now().Add(-48 * time.Hour)
		f.addRepo("OS2display", &fakeRepo{name: "display-api", commits: readHistory(t, "os2display__display-client.tsv")[:2],
			pulls: []fakePull{
				{number: 1, login: "a", created: day, updated: day, merged: day, closed: day, title: "Fix #3", body: ""},
				{number: 2, login: "b", created: day, updated: day.Add(time.Hour), merged: day.Add(time.Hour), closed: day.Add(time.Hour), title: "Tidy", body: "no issue"},
				{number: 4, login: "c", created: day, updated: day.Add(2 * time.Hour), title: "WIP", body: "closes #3"},
			}})
		cfg := testConfig(t, f.URL(), 1, "os2display=OS2display/*")
		syncProducts(t, store, cfg)
		src := newTestSource(t, cfg, store, clock, nil, nil)
		poll(t, store, src, nil)
		first := f.takeRequests()
		if n := count(first, "/repos/OS2display/display-api/pulls", 200); n != 1 {
			t.Errorf("%d pull request listings, want 1: %+v", n, first)
		}
		merged, err := store.MergedPullRequests(ctx, day.Add(-time.Hour), clock.now())
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range merged {
			got = append(got, m.Number+map[bool]string{true: " refs", false: " none"}[m.RefsIssue]+map[bool]string{true: "", false: " unknown"}[m.Known])
		}
		if len(got) != 2 || got[0] != "1 refs" || got[1] != "2 none" {
			t.Errorf("merged pull requests %v, want [1 refs, 2 none] (4 is not merged)", got)
		}
		poll(t, store, src, nil)
		if reqs := f.takeRequests(); count(reqs, "*", 304) != len(reqs) {
			t.Errorf("unchanged second poll: %+v, want all 304", reqs)
		}
	})
}

// TestGitLabMergeRequestRefs: GitLab's merge request listing says which
// merge requests reference an issue, kept under the pull request's number
// (-iid) so the evidence reads them beside GitHub's.
func TestGitLabMergeRequestRefs(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		clock := newFakeClock()
		gl := newFakeGitLab(t, clock)
		p := gl.addProject(&glFakeProject{group: "rammearkitektur", path: "os2mo", commits: glCommits("mo", 3, glBase, "anna@magenta.dk")})
		at := glBase.Add(24 * time.Hour)
		p.mrs = []glFakeMR{
			{iid: 1, author: "anna", created: at, updated: at, merged: at, title: "Ret login", description: "Closes #61"},
			{iid: 2, author: "bo", created: at, updated: at.Add(time.Hour), merged: at.Add(time.Hour), title: "Oprydning"},
		}
		cfg := glTestConfig(t, gl.URL(), "", "", "os2mo=git.magenta.dk/rammearkitektur/os2mo")
		syncProducts(t, store, cfg)
		if run := poll(t, store, newGitLabTestSource(t, cfg, store, clock), nil); run.Result != storage.RunSuccess {
			t.Fatalf("poll: %+v", run)
		}
		merged, err := store.MergedPullRequests(context.Background(), glBase, clock.now())
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range merged {
			got = append(got, fmt.Sprintf("%s %v %v", m.Number, m.Known, m.RefsIssue))
		}
		if want := []string{"-1 true true", "-2 true false"}; !reflect.DeepEqual(got, want) {
			t.Errorf("merged %v, want %v", got, want)
		}
	})
}
