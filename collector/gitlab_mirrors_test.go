package collector

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/figures"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestGitLabMirrorCountsOnce: a product developed on GitLab with a mirror
// on GitHub counts each commit once and takes merge requests and issues
// from GitLab, whether the mirror is configured or found in GitLab's
// push-mirror settings; its active contributors equal a count made
// directly from the fakes' data, each person once across forges through
// the aliases, bots left out.
func TestGitLabMirrorCountsOnce(t *testing.T) {
	for _, how := range []string{"detected", "configured"} {
		t.Run(how, func(t *testing.T) {
			storagetest.Each(t, func(t *testing.T, store *storage.Store) {
				ctx := context.Background()
				clock := newFakeClock()
				gl := newFakeGitLab(t, clock)
				gh := newFakeGitHub(t, clock)
				history := glCommits("mo", 60, glBase, "anna@magenta.dk", "bo@magenta.dk", "carl@aarhus.dk",
					"project_3_bot_77aa@noreply.git.magenta.dk")
				p := gl.addProject(&glFakeProject{group: "rammearkitektur", path: "os2mo", commits: history})
				glActivity(p, 20, 10, 1, glBase)
				// A configured bot pattern, as written for GitHub, catches
				// the GitLab user too.
				p.mrs = append(p.mrs, glFakeMR{iid: 900, author: "renovate-bot", created: glBase.AddDate(0, 1, 0), updated: glBase.AddDate(0, 1, 0)})
				extra := `
[contributors]
window_days = 90
bots = ["^renovate"]
[[contributors.aliases]]
person = "Anna"
identities = ["anna@magenta.dk", "git.magenta.dk/dev1", "anna-gh"]
[[contributors.aliases]]
person = "Bo"
identities = ["bo@magenta.dk", "git.magenta.dk/reviewer2"]
`
				if how == "detected" {
					p.pushMirrors = []string{"https://*****:*****@github.com/OS2mo/os2mo.git", "https://*****:*****@example.org/elsewhere/os2mo.git"}
				} else {
					p.mirrorsDenied = true
					extra += "[[mirrors]]\nrepo = \"OS2mo/os2mo\"\nmirror_of = \"git.magenta.dk/rammearkitektur/os2mo\"\n"
				}
				gh.addOwner("OS2mo", false)
				mirror := gh.addRepo("OS2mo", &fakeRepo{name: "os2mo", commits: history})
				mirror.pulls = []fakePull{{number: 1, login: "drive-by", created: glBase, updated: glBase}}
				gh.addOwner("OS2other", false)
				gh.addRepo("OS2other", &fakeRepo{name: "thing", commits: glCommits("thing", 5, glBase, "1+anna-gh@users.noreply.github.com", "dora@odense.dk")})

				cfg := glTestConfig(t, gl.URL(), gh.URL(), extra,
					"os2mo=git.magenta.dk/rammearkitektur/os2mo,OS2mo/os2mo", "other=OS2other/thing")
				syncProducts(t, store, cfg)
				glSrc := newGitLabTestSource(t, cfg, store, clock)
				ghSrc := newTestSource(t, cfg, store, clock, nil, nil)
				c := New(store, nil, []Source{glSrc, ghSrc}, nil, slog.New(slog.DiscardHandler), io.Discard)
				// GitHub first, as it may be when serve starts every source
				// at once: the product's GitHub repository waits for GitLab's
				// first poll; the other product's does not.
				if _, err := c.RunOnce(ctx, "github"); err != nil {
					t.Fatal(err)
				}
				if n := glCount(store, t, "github.com/os2mo/os2mo")["contributions"]; n != 0 {
					t.Errorf("before GitLab's first poll the mirror got %d contributions, want none", n)
				}
				if n := glCount(store, t, "github.com/os2other/thing")["contributions"]; n != 5 {
					t.Errorf("a product only on GitHub: %d contributions, want 5", n)
				}
				runs, err := c.RunOnce(ctx, "")
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range runs {
					if r.Result != storage.RunSuccess {
						t.Fatalf("%s: %+v", r.Source, r)
					}
				}

				if n := glCount(store, t, "github.com/os2mo/os2mo")["contributions"]; n != 0 {
					t.Errorf("the mirror holds %d contributions, want none: its commits count under GitLab", n)
				}
				if n := glCount(store, t, "git.magenta.dk/rammearkitektur/os2mo")["contributions"]; n != 45+20+10+20 {
					t.Errorf("GitLab project: %d contributions, want 45 commits (not the bot's), 20 merge requests, 10 issues, 20 approvals", n)
				}

				// The independent count: every person once.
				alias := map[string]string{"anna@magenta.dk": "anna", "git.magenta.dk/dev1": "anna", "anna-gh": "anna",
					"bo@magenta.dk": "bo", "git.magenta.dk/reviewer2": "bo"}
				person := func(id string) string {
					if a, ok := alias[id]; ok {
						return a
					}
					return id
				}
				date := civil.Of(glBase.AddDate(0, 2, 0))
				from := date.AddDays(-89)
				in := func(at time.Time) bool { d := civil.Of(at); return d >= from && d <= date }
				mo := map[string]bool{}
				for _, c := range history {
					if in(c.authorDate) && !strings.HasPrefix(c.authorEmail, "project_") {
						mo[person(c.authorEmail)] = true
					}
				}
				for _, m := range p.mrs {
					if in(m.created) && !strings.Contains(m.author, "_bot_") && m.author != "renovate-bot" {
						mo[person("git.magenta.dk/"+m.author)] = true
					}
				}
				for _, is := range p.issues {
					if in(is.created) && is.author != "ghost" {
						mo[person("git.magenta.dk/"+is.author)] = true
					}
				}
				for _, e := range p.events {
					if e.action == "approved" && in(e.at) {
						mo[person("git.magenta.dk/"+e.author)] = true
					}
				}
				portfolio := map[string]bool{"anna": true}
				for k := range mo {
					portfolio[k] = true
				}
				if in(glBase) {
					portfolio["dora@odense.dk"] = true
				}

				figs, err := figures.New(store.ReadOnly(), cfg).Contributors(ctx, date, 90)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]int{}
				for _, pc := range figs.Products {
					v, ok := pc.ActiveContributors.Get()
					if !ok {
						t.Errorf("%s: active contributors not known on %s", pc.ID, date)
					}
					got[pc.ID] = v
				}
				all, ok := figs.PortfolioActiveContributors.Get()
				if !ok || got["os2mo"] != len(mo) || all != len(portfolio) {
					t.Errorf("active contributors on %s: os2mo %d, portfolio %d (known %v); counted from the data: %d, %d",
						date, got["os2mo"], all, ok, len(mo), len(portfolio))
				}
				if len(mo) < 15 {
					t.Errorf("only %d persons: the test proves little", len(mo))
				}

				// The health signals read the same records: every merge
				// request is answered on its diff after 30 minutes, every
				// issue after 90; the bot's merge request is not counted.
				health, err := figures.New(store.ReadOnly(), cfg).ProductHealth(ctx, "os2mo", date)
				if err != nil {
					t.Fatal(err)
				}
				fr := health.FirstResponse
				if fr.Opened != 30 || fr.Responded != 30 || fr.MedianSeconds == nil || *fr.MedianSeconds != 1800 {
					t.Errorf("time to first response %+v (median %v), want 30 opened, 30 answered, median 1800 s", fr, fr.MedianSeconds)
				}
			})
		})
	}
}

// TestGitLabPullMirror: a GitLab project that copies a GitHub repository
// of the product (a pull mirror) is collected for its metadata only; the
// commits count once, under GitHub.
func TestGitLabPullMirror(t *testing.T) {
	store := storagetest.New(t, "sqlite")
	clock := newFakeClock()
	gl := newFakeGitLab(t, clock)
	gh := newFakeGitHub(t, clock)
	history := glCommits("x", 30, glBase, "anna@magenta.dk", "bo@magenta.dk")
	p := gl.addProject(&glFakeProject{group: "mirrors", path: "os2x", commits: history, importURL: "https://github.com/OS2x/os2x.git"})
	glActivity(p, 3, 3, 0, glBase)
	gh.addOwner("OS2x", false)
	gh.addRepo("OS2x", &fakeRepo{name: "os2x", commits: history})
	cfg := glTestConfig(t, gl.URL(), gh.URL(), "", "os2x=git.magenta.dk/mirrors/os2x,OS2x/os2x")
	syncProducts(t, store, cfg)
	c := New(store, nil, []Source{newGitLabTestSource(t, cfg, store, clock), newTestSource(t, cfg, store, clock, nil, nil)},
		nil, slog.New(slog.DiscardHandler), io.Discard)
	if _, err := c.RunOnce(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	if n := glCount(store, t, "git.magenta.dk/mirrors/os2x")["contributions"]; n != 0 {
		t.Errorf("the GitLab pull mirror holds %d contributions, want none", n)
	}
	if n := glCount(store, t, "github.com/os2x/os2x")["contributions"]; n != 30 {
		t.Errorf("GitHub: %d contributions, want the 30 commits", n)
	}
	reqs, _ := gl.takeRequests()
	if n := count(reqs, fmt.Sprintf("/api/v4/projects/%d/repository/commits", p.id), 0); n != 0 {
		t.Errorf("the mirror's commits were listed %d times", n)
	}
}
