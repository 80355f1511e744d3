package collector

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/soak"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// The reliability tests below run collector instances as processes of
// their own (this test binary, run again as TestHelperInstance), so that
// they can be killed with SIGKILL like a real server, against the fake
// GitHub served by the test.

// Environment of a helper instance.
const (
	instanceModeEnv   = "OS2PULSE_TEST_INSTANCE" // "backfill": collect once; "serve": collect on schedule until SIGTERM
	instanceDriverEnv = "OS2PULSE_TEST_INSTANCE_DRIVER"
	instanceDSNEnv    = "OS2PULSE_TEST_INSTANCE_DSN"
	instanceAPIEnv    = "OS2PULSE_TEST_INSTANCE_API"
	instanceReposEnv  = "OS2PULSE_TEST_INSTANCE_REPOS"
	instanceLeaseEnv  = "OS2PULSE_TEST_INSTANCE_LEASE"
)

// TestHelperInstance is not a test: it is a collector instance started by
// the tests below. It opens (and migrates) the database, prints "up
// HOLDER", then collects.
func TestHelperInstance(t *testing.T) {
	mode := os.Getenv(instanceModeEnv)
	if mode == "" {
		t.Skip("a helper process of the reliability tests")
	}
	if err := runInstance(mode); err != nil {
		fmt.Fprintln(os.Stderr, "instance:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func runInstance(mode string) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	store, err := storage.Open(ctx, os.Getenv(instanceDriverEnv), os.Getenv(instanceDSNEnv))
	if err != nil {
		return err
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		return err
	}
	var quoted []string
	for _, r := range strings.Split(os.Getenv(instanceReposEnv), ",") {
		quoted = append(quoted, fmt.Sprintf("%q", r))
	}
	cfg, err := config.Parse("instance.toml", []byte(fmt.Sprintf(`[github]
api_url = %q
concurrency = 2
interval = "1h"
[[products]]
id = "p"
name = "P"
governance_level = "1"
repos = [%s]
`, os.Getenv(instanceAPIEnv), strings.Join(quoted, ", "))), nil)
	if err != nil {
		return err
	}
	if err := store.SyncProducts(ctx, []storage.Product{{ID: "p", Name: "P", GovernanceLevel: "1"}}); err != nil {
		return err
	}
	period, err := time.ParseDuration(os.Getenv(instanceLeaseEnv))
	if err != nil {
		return err
	}
	src, err := NewGitHubSource(cfg, store, nil, log)
	if err != nil {
		return err
	}
	lease := NewLease(store, InstanceID(), period, log)
	col := New(store, lease, []Source{src}, nil, log, nil)
	fmt.Printf("up %s\n", lease.Holder())
	switch mode {
	case "backfill":
		for {
			_, err := col.RunOnce(ctx, "github")
			var held *LeaseHeldError
			if !errors.As(err, &held) {
				return err
			}
			// The instance killed before still holds the lease until
			// it expires.
			time.Sleep(50 * time.Millisecond)
		}
	case "serve":
		col.Run(ctx)
		return nil
	}
	return fmt.Errorf("unknown mode %q", mode)
}

// instance is a running helper instance.
type instance struct {
	holder string
	cmd    *exec.Cmd
	stderr *syncBuffer
	exited chan error
}

func startInstance(t *testing.T, mode, driver, dsn, apiURL string, repos []string, lease time.Duration) *instance {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperInstance$", "-test.count=1")
	cmd.Env = append(os.Environ(), instanceModeEnv+"="+mode, instanceDriverEnv+"="+driver, instanceDSNEnv+"="+dsn,
		instanceAPIEnv+"="+apiURL, instanceReposEnv+"="+strings.Join(repos, ","), instanceLeaseEnv+"="+lease.String())
	in := &instance{cmd: cmd, stderr: &syncBuffer{}, exited: make(chan error, 1)}
	cmd.Stderr = in.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	up := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if h, ok := strings.CutPrefix(sc.Text(), "up "); ok {
				up <- h
			}
		}
		in.exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		if t.Failed() {
			t.Logf("instance %s log:\n%s", in.holder, in.stderr)
		}
	})
	select {
	case in.holder = <-up:
		return in
	case err := <-in.exited:
		t.Fatalf("instance did not come up: %v\n%s", err, in.stderr)
	case <-time.After(60 * time.Second):
		t.Fatalf("instance did not come up in a minute\n%s", in.stderr)
	}
	return nil
}

// kill ends the instance with SIGKILL: nothing of it runs any more, not
// even a deferred function.
func (in *instance) kill(t *testing.T) {
	t.Helper()
	in.cmd.Process.Kill()
	<-in.exited
}

// isListing tells the requests of a repository's listings from the others.
func isListing(path string) bool {
	for _, l := range []string{"/commits", "/pulls", "/issues", "/releases", "/reviews"} {
		if strings.HasSuffix(path, l) {
			return true
		}
	}
	return false
}

// fingerprint is what a collection stored that figures read: the rollup,
// counts per repository and kind, releases and the repositories' states,
// as text to compare.
func fingerprint(t *testing.T, store *storage.Store) string {
	t.Helper()
	ctx := context.Background()
	end := civil.New(2100, 1, 1)
	days, err := store.ContributorDays(ctx, 0, end)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := store.ActivityCounts(ctx, 0, end)
	if err != nil {
		t.Fatal(err)
	}
	rels, err := store.LatestReleases(ctx, end)
	if err != nil {
		t.Fatal(err)
	}
	repos, err := store.Repositories(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, d := range days {
		fmt.Fprintf(&b, "day %+v\n", d)
	}
	for _, c := range counts {
		fmt.Fprintf(&b, "count %+v\n", c)
	}
	for k, r := range rels {
		fmt.Fprintf(&b, "release %s %s %s\n", k, r.ExtID, r.PublishedAt.UTC())
	}
	for _, r := range repos {
		fmt.Fprintf(&b, "repo %s %s %q\n", r.Key, r.Status, r.LastError)
	}
	return b.String()
}

// cleanRun collects repos once from the fake into a new database and
// returns what it stored and the requests it made.
func cleanRun(t *testing.T, driver string, f *fakeGitHub, clock *fakeClock, repos ...string) (*storage.Store, []fakeRequest) {
	t.Helper()
	store := storagetest.New(t, driver)
	cfg := testConfig(t, f.URL(), 2, "p="+strings.Join(repos, ","))
	syncProducts(t, store, cfg)
	f.takeRequests()
	if run := poll(t, store, newTestSource(t, cfg, store, clock, nil, nil), nil); run.Result != storage.RunSuccess {
		t.Fatalf("clean run: %s %+v", run.Result, run.Errors)
	}
	return store, f.takeRequests()
}

// TestReliabilityBackfillSIGKILL kills the backfill of the largest shared
// history with SIGKILL at seeded random moments, 20 times in make soak:
// each restart continues after the last page stored, so the list requests
// GitHub charges for stay within the minimum plus 2 per kill, every killed
// run ends up marked interrupted, and the data equal a clean run's.
func TestReliabilityBackfillSIGKILL(t *testing.T) {
	soak.SkipShort(t)
	for _, d := range soak.Pick([]string{"sqlite"}, storagetest.Drivers) {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(soak.Seed(t), 13))
			clock := newFakeClock()
			f := newFakeGitHub(t, clock)
			f.addOwner("OS2borgerPC", false)
			f.addRepo("OS2borgerPC", &fakeRepo{name: "os2borgerpc-admin-site", commits: readHistory(t, "OS2borgerPC__os2borgerpc-admin-site.tsv")})
			repos := []string{"OS2borgerPC/os2borgerpc-admin-site"}
			ref, clean := cleanRun(t, d, f, clock, repos...)
			minimal := 0
			for _, r := range clean {
				if isListing(r.Path) && r.Status == 200 {
					minimal++
				}
			}
			if minimal != ceilDiv(3175, 100)+3 {
				t.Fatalf("a clean backfill made %d list requests, want 32 commit pages and one each for pulls, issues and releases", minimal)
			}

			driver, dsn := storagetest.DSN(t, d)
			// Short, so that the next instance soon takes the lease of
			// the one killed; long enough to be renewed in time on a
			// loaded machine under the race detector.
			const leasePeriod = 6 * time.Second
			var mu sync.Mutex
			lists, killAt := 0, 0
			trigger := make(chan struct{}, 1)
			f.update(func() {
				f.observe = func(r fakeRequest) {
					if !isListing(r.Path) {
						return
					}
					mu.Lock()
					defer mu.Unlock()
					lists++
					if lists == killAt {
						select {
						case trigger <- struct{}{}:
						default:
						}
					}
				}
			})
			store, err := storage.Open(ctx, driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			kills := 0
			killed := map[string]bool{} // runs a kill left running
		attempts:
			for range soak.Pick(2, 20) {
				mu.Lock()
				killAt = -1
				mu.Unlock()
				select {
				case <-trigger: // left by an instance that finished meanwhile
				default:
				}
				in := startInstance(t, "backfill", driver, dsn, f.URL(), repos, leasePeriod)
				// Count from now: a request of the instance killed before
				// may have been on its way until now.
				mu.Lock()
				lists, killAt = 0, 1+rng.IntN(2)
				mu.Unlock()
				select {
				case <-trigger:
					// The page is on its way or stored: kill somewhere
					// before, in or after its transaction.
					time.Sleep(time.Duration(rng.IntN(30_000)) * time.Microsecond)
					in.kill(t)
					kills++
					if runs, err := store.Runs(ctx, 1); err == nil && len(runs) == 1 && runs[0].Result == storage.RunRunning {
						killed[runs[0].ID] = true
					}
				case err := <-in.exited:
					t.Logf("the backfill finished after %d kills: %v", kills, err)
					break attempts
				}
			}
			mu.Lock()
			killAt = -1
			mu.Unlock()
			last := startInstance(t, "backfill", driver, dsn, f.URL(), repos, leasePeriod)
			if err := <-last.exited; err != nil {
				t.Fatalf("the last backfill failed: %v\n%s", err, last.stderr)
			}

			reqs := f.takeRequests()
			charged, free := 0, 0
			for _, r := range reqs {
				switch {
				case !isListing(r.Path):
				case r.Status == 200:
					charged++
				default:
					free++
				}
			}
			if charged > minimal+2*kills {
				t.Errorf("%d charged list requests for %d kills, want at most %d + 2 per kill = %d", charged, kills, minimal, minimal+2*kills)
			}
			if got, want := fingerprint(t, store), fingerprint(t, ref); got != want {
				t.Errorf("data after %d kills differ from a clean run:\n%s\nwant\n%s", kills, got, want)
			}
			runs, err := store.Runs(ctx, 100)
			if err != nil {
				t.Fatal(err)
			}
			interrupted := 0
			for _, r := range runs {
				switch {
				case r.Result == storage.RunInterrupted:
					interrupted++
					if !killed[r.ID] {
						t.Errorf("run %s interrupted, but no kill stopped it", r.ID)
					}
				case killed[r.ID]:
					t.Errorf("run %s was killed, and is %s", r.ID, r.Result)
				case r.Result != storage.RunSuccess:
					t.Errorf("run %s: %s", r.ID, r.Result)
				}
			}
			soak.Result(t, "SIGKILL during a GitHub backfill ("+d+")", kills,
				"list requests ≤ minimal + 2 per kill, data equal to a clean run, killed runs interrupted",
				fmt.Sprintf("%d charged list requests (minimum %d, bound %d), %d free 304s; data equal; %d runs killed, all interrupted",
					charged, minimal, minimal+2*kills, free, interrupted))
		})
	}
}

// TestReliabilityInstances starts three instances at once on an empty
// database: all come up, one holds the lease and collects, GitHub sees
// exactly the requests of a single instance; killed with SIGKILL, the
// holder is replaced within one lease period by another, which collects
// again without storing anything twice; stopped cleanly, the last gives
// the lease up.
func TestReliabilityInstances(t *testing.T) {
	soak.SkipShort(t)
	for _, d := range soak.Pick([]string{"postgres"}, storagetest.Drivers) {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			const period = 8 * time.Second
			clock := newFakeClock()
			f, _ := portfolioFake(t, clock)
			var repos []string
			for _, h := range soak.Pick(histories[2:3], histories) {
				repos = append(repos, h.owner+"/"+h.name)
			}
			ref, first := cleanRun(t, d, f, clock, repos...)
			cfg := testConfig(t, f.URL(), 2, "p="+strings.Join(repos, ","))
			if run := poll(t, ref, newTestSource(t, cfg, ref, clock, nil, nil), nil); run.Result != storage.RunSuccess {
				t.Fatalf("second clean poll: %+v", run)
			}
			second := f.takeRequests()

			driver, dsn := storagetest.DSN(t, d)
			var ins []*instance
			var wg sync.WaitGroup
			var mu sync.Mutex
			for range 3 {
				wg.Go(func() {
					in := startInstance(t, "serve", driver, dsn, f.URL(), repos, period)
					mu.Lock()
					ins = append(ins, in)
					mu.Unlock()
				})
			}
			wg.Wait()
			store, err := storage.Open(ctx, driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()

			// waitRun waits for a finished github run of holder.
			waitRun := func(what string, holder func(string) bool) storage.Run {
				t.Helper()
				for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
					runs, err := store.Runs(ctx, 10)
					if err != nil {
						t.Fatal(err)
					}
					for _, r := range runs {
						if r.EndedAt != "" && holder(r.Holder) {
							return r
						}
					}
				}
				t.Fatalf("no %s", what)
				return storage.Run{}
			}
			run := waitRun("first run", func(string) bool { return true })
			if run.Result != storage.RunSuccess {
				t.Fatalf("first run: %+v", run)
			}
			// Long enough for the others to ask for the lease twice: they
			// must not collect.
			time.Sleep(period / 2)
			reqs := f.takeRequests()
			runs, _ := store.Runs(ctx, 10)
			if len(runs) != 1 || len(reqs) != len(first) {
				t.Errorf("three instances made %d runs and %d requests; a single instance %d", len(runs), len(reqs), len(first))
			}
			lease, ok, err := store.CurrentLease(ctx, storage.CollectorLease)
			if err != nil || !ok || lease.Holder != run.Holder {
				t.Fatalf("lease %+v (%v, %v), want the collecting instance %s", lease, ok, err, run.Holder)
			}

			var holder *instance
			var others []*instance
			for _, in := range ins {
				if in.holder == run.Holder {
					holder = in
				} else {
					others = append(others, in)
				}
			}
			killed := time.Now()
			holder.kill(t)
			var taken time.Duration
			for {
				l, ok, err := store.CurrentLease(ctx, storage.CollectorLease)
				if err != nil {
					t.Fatal(err)
				}
				if ok && l.Holder != holder.holder {
					taken = time.Since(killed)
					break
				}
				if time.Since(killed) > 10*period {
					t.Fatalf("nobody took the lease over in %s", 10*period)
				}
				time.Sleep(20 * time.Millisecond)
			}
			if taken > period {
				t.Errorf("the lease was taken over %s after the holder was killed, more than the period %s", taken, period)
			}
			next := waitRun("run of the new holder", func(h string) bool { return h != holder.holder })
			if next.Result != storage.RunSuccess {
				t.Fatalf("run of the new holder: %+v", next)
			}
			time.Sleep(period / 2)
			if reqs := f.takeRequests(); len(reqs) != len(second) {
				t.Errorf("the new holder made %d requests; a single instance's second poll %d", len(reqs), len(second))
			}
			if got, want := fingerprint(t, store), fingerprint(t, ref); got != want {
				t.Errorf("data differ from a single instance's:\n%s\nwant\n%s", got, want)
			}

			// Stopped cleanly (the standby first), the holder gives the
			// lease up.
			for i := len(others) - 1; i >= 0; i-- {
				in := others[i]
				if in.holder == next.Holder {
					continue
				}
				in.cmd.Process.Signal(syscall.SIGTERM)
				if err := <-in.exited; err != nil {
					t.Errorf("standby %s: %v", in.holder, err)
				}
			}
			for _, in := range others {
				if in.holder == next.Holder {
					in.cmd.Process.Signal(syscall.SIGTERM)
					if err := <-in.exited; err != nil {
						t.Errorf("holder %s: %v", in.holder, err)
					}
				}
			}
			if l, ok, _ := store.CurrentLease(ctx, storage.CollectorLease); ok {
				t.Errorf("lease still held after a clean stop: %+v", l)
			}
			soak.Result(t, "three instances on one empty database ("+d+"), holder killed", 1,
				"all come up; one collects; requests equal one instance's; take-over within one lease period; no duplicate rows",
				fmt.Sprintf("3 up; %d requests (single instance %d); taken over in %s (period %s); %d requests after (single %d); data equal",
					len(reqs), len(first), taken.Round(time.Millisecond), period, len(second), len(second)))
		})
	}
}
