package collector

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestGitLabResumesAfterKill: a backfill killed in the middle of a listing
// continues after the last page stored, at the stored next page.
func TestGitLabResumesAfterKill(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		clock := newFakeClock()
		f, ps := glPortfolio(t, clock)
		cfg := glTestConfig(t, f.URL(), "", "", "os2mo=git.magenta.dk/rammearkitektur/os2mo/os2mo")
		syncProducts(t, store, cfg)
		commits := fmt.Sprintf("/api/v4/projects/%d/repository/commits", ps["os2mo"].id)

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		served := 0
		src := newGitLabTestSource(t, cfg, store, clock)
		base := src.tr.base
		src.tr.base = roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.URL.Path == commits {
				served++
				if served == 4 {
					cancel() // killed while page 4 is asked for
					return nil, context.Canceled
				}
			}
			return base.RoundTrip(r)
		})
		c := New(store, nil, []Source{src}, nil, slog.New(slog.DiscardHandler), io.Discard)
		if _, err := c.RunOnce(ctx, src.Name()); err == nil {
			t.Fatal("killed run reported no error")
		}
		if n := glCount(store, t, "git.magenta.dk/rammearkitektur/os2mo/os2mo")["contributions"]; n != 300 {
			t.Fatalf("after the kill: %d commits stored, want the 3 pages read", n)
		}
		f.takeRequests()

		poll(t, store, newGitLabTestSource(t, cfg, store, clock), nil)
		reqs, _ := f.takeRequests()
		var pages []string
		for _, r := range reqs {
			if r.Path == commits {
				pages = append(pages, fmt.Sprintf("%s conditional=%v", pageOf(r.Query), r.Conditional))
			}
		}
		if got := strings.Join(pages, ", "); got != "4 conditional=false, 5 conditional=false, 6 conditional=false, 7 conditional=false, 8 conditional=false, 9 conditional=false" {
			t.Errorf("resumed commit pages: %s", got)
		}
		if n := glCount(store, t, "git.magenta.dk/rammearkitektur/os2mo/os2mo")["contributions"]; n != 893+130+45+130 {
			t.Errorf("after resuming: %d contributions", n)
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func pageOf(query string) string {
	for _, kv := range strings.Split(query, "&") {
		if v, ok := strings.CutPrefix(kv, "page="); ok {
			return v
		}
	}
	return "1"
}

// TestGitLabRateLimitAndMovedProject: a 429 with Retry-After is waited
// out, and a project moved to another group and renamed keeps its
// history, under its old key pointing at the new one, whether GitLab
// answers under the old path or with 301.
func TestGitLabRateLimitAndMovedProject(t *testing.T) {
	for _, with301 := range []bool{false, true} {
		t.Run(fmt.Sprintf("301=%v", with301), func(t *testing.T) {
			store := storagetest.New(t, "sqlite")
			clock := newFakeClock()
			f, ps := glPortfolio(t, clock)
			cfg := glTestConfig(t, f.URL(), "", "", "lora=git.magenta.dk/rammearkitektur/lora")
			syncProducts(t, store, cfg)
			f.inject(fault{path: "/api/v4/projects/rammearkitektur%2Flora", status: http.StatusTooManyRequests, retryAfter: "30"})
			if run := poll(t, store, newGitLabTestSource(t, cfg, store, clock), nil); run.Result != storage.RunSuccess {
				t.Fatalf("run: %+v", run)
			}
			if s := clock.sleeps(); len(s) != 1 || s[0] != 30*time.Second {
				t.Errorf("waits %v, want the 30s GitLab asked for", s)
			}
			f.takeRequests()

			f.move(ps["lora"], "rammearkitektur/os2mo", "lora-core")
			f.update(func() {
				f.moved301 = with301
				later := clock.now().Add(-time.Hour)
				ps["lora"].commits = append(glCommits("more", 1, later, "anna@magenta.dk"), ps["lora"].commits...)
			})
			if run := poll(t, store, newGitLabTestSource(t, cfg, store, clock), nil); run.Result != storage.RunSuccess {
				t.Fatalf("run: %+v", run)
			}
			reqs, _ := f.takeRequests()
			commits := fmt.Sprintf("/api/v4/projects/%d/repository/commits", ps["lora"].id)
			if n := count(reqs, commits, 0); n != 1 {
				t.Errorf("after the move: %d commit requests, want 1 (the cursor kept)", n)
			}
			repos, err := store.Repositories(context.Background(), "lora")
			if err != nil {
				t.Fatal(err)
			}
			var states []string
			for _, r := range repos {
				states = append(states, r.Key+" "+r.Status+" "+r.MovedTo)
			}
			if got, want := strings.Join(states, ", "), "git.magenta.dk/rammearkitektur/lora moved git.magenta.dk/rammearkitektur/os2mo/lora-core, "+
				"git.magenta.dk/rammearkitektur/os2mo/lora-core ok "; got != want {
				t.Errorf("repositories:\n%s\nwant\n%s", got, want)
			}
			old := glCount(store, t, "git.magenta.dk/rammearkitektur/lora")["contributions"]
			moved := glCount(store, t, "git.magenta.dk/rammearkitektur/os2mo/lora-core")["contributions"]
			if old != 100 || moved != 1 {
				t.Errorf("contributions: %d under the old key, %d under the new; want 100 and 1", old, moved)
			}

			// The next poll asks for the new path directly.
			poll(t, store, newGitLabTestSource(t, cfg, store, clock), nil)
			reqs, _ = f.takeRequests()
			if n := count(reqs, "/api/v4/projects/rammearkitektur%2Flora", 0); n != 0 {
				t.Errorf("old path asked %d times after the move was recorded", n)
			}
			if n := count(reqs, "/api/v4/projects/rammearkitektur%2Fos2mo%2Flora-core", 0); n != 1 {
				t.Errorf("new path asked %d times, want 1", n)
			}
		})
	}
}

func TestGitLabBots(t *testing.T) {
	tests := []struct {
		username, email string
		bot             bool
	}{
		{"project_12_bot", "", true},
		{"project_12_bot_3f9a2c1b", "", true},
		{"group_7_bot_ab12", "", true},
		{"project_12_bot2", "", true},
		{"ghost", "", true},
		{"Ghost", "", true},
		{"", "project_5_bot_1a2b@noreply.git.magenta.dk", true},
		{"anna", "anna@magenta.dk", false},
		{"project_manager", "", false},
		{"ghostwriter", "", false},
		{"", "ghost@example.org", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := glBot(tt.username, tt.email); got != tt.bot {
			t.Errorf("glBot(%q, %q) = %v, want %v", tt.username, tt.email, got, tt.bot)
		}
	}
}

// TestGitLabMetrics: each instance's requests and budget are counted under
// its host, in one family for all instances.
func TestGitLabMetrics(t *testing.T) {
	store := storagetest.New(t, "sqlite")
	clock := newFakeClock()
	f := newFakeGitLab(t, clock)
	f.addProject(&glFakeProject{group: "g", path: "p", commits: glCommits("m", 3, glBase, "a@b.dk")})
	cfg := glTestConfig(t, f.URL(), "", "", "p=git.magenta.dk/g/p")
	syncProducts(t, store, cfg)
	reg := prometheus.NewPedanticRegistry()
	other := NewGitLabMetrics(reg, "gitlab.com")
	m := NewGitLabMetrics(reg, glHost)
	src := newGitLabTestSource(t, cfg, store, clock)
	src.tr.metrics = m
	poll(t, store, src, nil)
	reqs, _ := f.takeRequests()
	if got := testutil.ToFloat64(m.Requests.WithLabelValues("200")); got != float64(len(reqs)) || len(reqs) == 0 {
		t.Errorf("%v requests answered 200 counted, %d made", got, len(reqs))
	}
	if got := testutil.ToFloat64(m.RateLimitRemaining.WithLabelValues()); got != float64(2000-len(reqs)) {
		t.Errorf("budget %v, want %d", got, 2000-len(reqs))
	}
	if got := testutil.ToFloat64(other.Requests.WithLabelValues("200")); got != 0 {
		t.Errorf("gitlab.com counted %v requests", got)
	}
	if n, err := testutil.GatherAndCount(reg, "os2pulse_gitlab_requests_total"); err != nil || n != 2 {
		t.Errorf("%d series of os2pulse_gitlab_requests_total (%v), want 2 (one host each)", n, err)
	}
}

// TestGitLabMovedWithinGroup: a project moved within a group's listing is
// recognised by its id: no request for its old path, and its listings
// continue under the new one (no history read twice).
func TestGitLabMovedWithinGroup(t *testing.T) {
	store := storagetest.New(t, "sqlite")
	clock := newFakeClock()
	f, ps := glPortfolio(t, clock)
	cfg := glTestConfig(t, f.URL(), "", "", "os2mo=git.magenta.dk/rammearkitektur/*")
	syncProducts(t, store, cfg)
	poll(t, store, newGitLabTestSource(t, cfg, store, clock), nil)
	f.takeRequests()

	f.move(ps["lora"], "rammearkitektur/platform", "lora-core")
	f.update(func() {
		ps["lora"].commits = append(glCommits("later", 1, clock.now().Add(-time.Hour), "anna@magenta.dk"), ps["lora"].commits...)
	})
	if run := poll(t, store, newGitLabTestSource(t, cfg, store, clock), nil); run.Result != storage.RunSuccess {
		t.Fatalf("run: %+v", run)
	}
	reqs, _ := f.takeRequests()
	if n := count(reqs, "/api/v4/projects/rammearkitektur%2Flora", 0); n != 0 {
		t.Errorf("old path asked for %d times", n)
	}
	if n := count(reqs, fmt.Sprintf("/api/v4/projects/%d/repository/commits", ps["lora"].id), 0); n != 1 {
		t.Errorf("%d commit requests, want 1: the listing continues from its cursor", n)
	}
	old := glCount(store, t, "git.magenta.dk/rammearkitektur/lora")["contributions"]
	moved := glCount(store, t, "git.magenta.dk/rammearkitektur/platform/lora-core")["contributions"]
	if old != 100 || moved != 1 {
		t.Errorf("contributions: %d under the old key, %d under the new; want 100 and 1", old, moved)
	}
	repos, err := store.Repositories(context.Background(), "os2mo")
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, r := range repos {
		if strings.Contains(r.Key, "lora") {
			states = append(states, r.Key+" "+r.Status+" "+r.MovedTo)
		}
	}
	if got, want := strings.Join(states, ", "), "git.magenta.dk/rammearkitektur/lora moved git.magenta.dk/rammearkitektur/platform/lora-core, "+
		"git.magenta.dk/rammearkitektur/platform/lora-core ok "; got != want {
		t.Errorf("repositories:\n%s\nwant\n%s", got, want)
	}
}
