package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"os2pulse/collector"
	"os2pulse/config"
	"os2pulse/register"
	"os2pulse/soak"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// asMainEnv, when set, makes this test binary run as os2pulse with its
// arguments, so tests can kill a real os2pulse process.
const asMainEnv = "OS2PULSE_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMainEnv) != "" {
		os.Args[0] = "os2pulse"
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// process is os2pulse running as a process of its own.
type process struct {
	cmd    *exec.Cmd
	stdout *lockedWriter
	stderr *lockedWriter
	done   chan error
}

func startProcess(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), env...), asMainEnv+"=1")
	p := &process{cmd: cmd, stdout: &lockedWriter{w: &strings.Builder{}}, stderr: &lockedWriter{w: &strings.Builder{}}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		if t.Failed() {
			t.Logf("os2pulse %s:\nstdout:\n%s\nstderr:\n%s", args[0], p.stdout, p.stderr)
		}
	})
	return p
}

// String returns what was written so far to a writer over a
// strings.Builder.
func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.(*strings.Builder).String()
}

// maxRSS is the most memory the finished process held, in MiB.
func (p *process) maxRSS() float64 {
	if ru, ok := p.cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return float64(ru.Maxrss) / 1024 // kilobytes on Linux
	}
	return 0
}

// reliabilityConfig writes the example configuration with GitHub off, a
// database (SQLite in dir unless dsn is given), the collector lease, and
// extra appended.
func reliabilityConfig(t *testing.T, dir, driver, dsn, lease, extra string) string {
	t.Helper()
	p := writeE2EConfig(t, dir, "http://127.0.0.1:1")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "disabled = false", "disabled = true", 1)
	s = strings.Replace(s, `collector_lease = "1m"`, fmt.Sprintf("collector_lease = %q", lease), 1)
	if dsn != "" {
		s = strings.Replace(s, `driver = "sqlite"`, fmt.Sprintf("driver = %q", driver), 1)
		s = strings.Replace(s, fmt.Sprintf("dsn = %q", filepath.Join(dir, "os2pulse.db")), fmt.Sprintf("dsn = %q", dsn), 1)
	}
	if err := os.WriteFile(p, []byte(s+extra), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// bigHistory writes a synthetic git log of n commits and the
// configuration lines that import it into a product of its own.
func bigHistory(t *testing.T, dir string, n int) (file, extra string) {
	t.Helper()
	file = filepath.Join(dir, "history.tsv")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := soak.WriteGitLog(f, n); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return file, fmt.Sprintf(`
[[products]]
id = "big"
name = "Big"
governance_level = "1"
repos = ["example.org/os2/big"]

[[activity]]
repo = "example.org/os2/big"
file = %q
`, file)
}

// serveInProcess runs "os2pulse serve" with the configuration cfg in this
// process, on a free port, and returns its base URL and stop, which ends
// it (also at the end of the test) and returns its log.
func serveInProcess(t *testing.T, cfg string) (string, func() *lockedWriter) {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logw := &lockedWriter{w: &strings.Builder{}}
	go func() { done <- run(ctx, []string{"serve", "-config", cfg, "-listen", addr}, io.Discard, logw) }()
	var once sync.Once
	stop := func() *lockedWriter {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
		})
		return logw
	}
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("serve log:\n%s", logw)
		}
	})
	return "http://" + addr, stop
}

// p99 is the 99th percentile of ds.
func p99(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*99/100)]
}

// collectorRuns reads /api/v1/collector.
func collectorRuns(base string) (holder string, runs map[string]string, err error) {
	var st struct {
		Lease *struct {
			Holder string `json:"holder"`
		} `json:"lease"`
		Runs []struct {
			Source string `json:"source"`
			Result string `json:"result"`
		} `json:"runs"`
	}
	if err := getJSON(base+"/api/v1/collector", &st); err != nil {
		return "", nil, err
	}
	runs = map[string]string{}
	for _, r := range st.Runs {
		runs[r.Source] = r.Result
	}
	if st.Lease != nil {
		holder = st.Lease.Holder
	}
	return holder, runs, nil
}

// TestReliabilityServeDuringImport serves while the same process imports
// a large git log export (300,000 commits in make soak): /api/v1/adoption
// keeps answering (p99 under 100 ms in make soak, where no race detector
// slows it), /readyz stays 200, and a register import started meanwhile
// by another process waits its turn and succeeds.
func TestReliabilityServeDuringImport(t *testing.T) {
	soak.SkipShort(t)
	dir := t.TempDir()
	n := soak.Pick(6000, 300_000)
	_, extra := bigHistory(t, dir, n)
	cfg := reliabilityConfig(t, dir, "", "", "1m", extra)
	base, _ := serveInProcess(t, cfg)

	// The register a person imports by hand meanwhile: the example's,
	// with one more pilot.
	adoption, err := os.ReadFile("config/example/adoption.csv")
	if err != nil {
		t.Fatal(err)
	}
	changed := writeFile(t, dir, "adoption.csv", string(adoption)+"860,os2forms,pilot,2025-01-01,,by hand\n")
	members, _ := filepath.Abs("config/example/members.csv")

	var mu sync.Mutex
	var adoptionTimes []time.Duration
	ready, notReady, failed := 0, 0, 0
	client := &http.Client{Timeout: 30 * time.Second}
	get := func(path string) (int, time.Duration) {
		start := time.Now()
		res, err := client.Get(base + path)
		if err != nil {
			return 0, time.Since(start)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode, time.Since(start)
	}
	waitFor(t, 60*time.Second, "serve", func() bool { code, _ := get("/healthz"); return code == 200 })
	// Until serve has read the register, /api/v1/adoption answers 503
	// (nothing is known of adoption): measured from then on.
	waitFor(t, 60*time.Second, "the register read", func() bool { code, _ := get("/api/v1/adoption"); return code == 200 })

	var imp *process
	started := time.Now()
	for {
		_, runs, err := collectorRuns(base)
		if err == nil && runs["activity"] != "" && runs["activity"] != storage.RunRunning {
			break
		}
		if time.Since(started) > 30*time.Minute {
			t.Fatal("the import did not end in 30 minutes")
		}
		if imp == nil && runs["activity"] == storage.RunRunning {
			imp = startProcess(t, nil, "register", "import", "-config", cfg, changed, members)
		}
		code, d := get("/api/v1/adoption")
		rc, _ := get("/readyz")
		mu.Lock()
		adoptionTimes = append(adoptionTimes, d)
		if code != 200 {
			failed++
		}
		if rc == 200 {
			ready++
		} else {
			notReady++
		}
		mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	took := time.Since(started)
	_, runs, _ := collectorRuns(base)
	if runs["activity"] != storage.RunSuccess {
		t.Errorf("activity run: %s", runs["activity"])
	}
	if imp == nil {
		t.Fatal("the import ended before the register import could start")
	}
	if err := <-imp.done; err != nil || !strings.Contains(imp.stdout.String(), "imported ") {
		t.Errorf("register import during the activity import: %v\n%s%s", err, imp.stdout, imp.stderr)
	}
	p := p99(adoptionTimes)
	if failed > 0 || notReady > 0 {
		t.Errorf("during the import: %d of %d adoption requests failed, /readyz not ready %d times", failed, len(adoptionTimes), notReady)
	}
	if soak.Enabled() && p > 100*time.Millisecond {
		t.Errorf("p99 of /api/v1/adoption during the import = %s, want under 100 ms", p)
	}
	soak.Result(t, fmt.Sprintf("serving while importing %d commits (%s)", n, took.Round(time.Second)), len(adoptionTimes),
		"/api/v1/adoption status and p99, /readyz 200, register import from another process succeeds",
		fmt.Sprintf("p99 %s, max %s, %d failed; /readyz 200 %d of %d; register import succeeded",
			p.Round(100*time.Microsecond), slices.Max(adoptionTimes).Round(time.Millisecond), failed, ready, ready+notReady))
}

// TestReliabilityImportMemory: an activity import streams the file;
// memory stays bounded by a batch, whatever the file's size.
func TestReliabilityImportMemory(t *testing.T) {
	soak.SkipShort(t)
	dir := t.TempDir()
	n := soak.Pick(6000, 300_000)
	file, extra := bigHistory(t, dir, n)
	cfg := reliabilityConfig(t, dir, "", "", "1m", extra)
	p := startProcess(t, nil, "activity", "import", "-config", cfg, "-repo", "example.org/os2/big", file)
	if err := <-p.done; err != nil {
		t.Fatalf("import: %v", err)
	}
	if want := fmt.Sprintf("imported %d new commits of %d", n, n); !strings.Contains(p.stdout.String(), want) {
		t.Fatalf("import said %q, want %q", p.stdout, want)
	}
	rss := p.maxRSS()
	if soak.Enabled() && rss > 200 {
		t.Errorf("importing %d commits took %.0f MiB, want under 200", n, rss)
	}
	soak.Result(t, fmt.Sprintf("activity import of %d commits", n), 1, "peak memory (max RSS) of the process",
		fmt.Sprintf("%.0f MiB", rss))
}

// registerVersions are two versions of the example register, as the
// current adoption records each leaves.
func registerVersions(t *testing.T, dir string) (files [2]string, want [2]string) {
	t.Helper()
	b, err := os.ReadFile("config/example/adoption.csv")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	// Version 2 drops every third row and adds a pilot: changes, ends and
	// additions in one import.
	v2 := []string{lines[0]}
	for i, l := range lines[1:] {
		if i%3 != 0 {
			v2 = append(v2, l)
		}
	}
	v2 = append(v2, "860,os2forms,pilot,2025-01-01,,v2")
	files[0], _ = filepath.Abs("config/example/adoption.csv")
	files[1] = writeFile(t, dir, "adoption-v2.csv", strings.Join(v2, "\n")+"\n")
	cfg, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	members, err := collector.ReadRegisterFile(context.Background(), "config/example/members.csv")
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range files {
		adoption, err := collector.ReadRegisterFile(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		reg, err := register.Parse(cfg, nil, adoption, members)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = adoptionSet(reg.Adoptions)
	}
	return files, want
}

func adoptionSet(rs []storage.AdoptionRecord) string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%s %s %s %s %s %s", r.OrganizationID, r.ProductID, r.Status, r.Since, r.Until, r.Note))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// TestReliabilityRegisterImportSIGKILL kills "register import" with
// SIGKILL at seeded random moments, switching between two versions of the
// register: after every kill the database holds one version whole, never
// a mix, and a last import succeeds.
func TestReliabilityRegisterImportSIGKILL(t *testing.T) {
	soak.SkipShort(t)
	for _, d := range storagetest.Drivers {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(soak.Seed(t), 29))
			dir := t.TempDir()
			driver, dsn := storagetest.DSN(t, d)
			cfg := reliabilityConfig(t, dir, driver, dsn, "1m", "")
			files, want := registerVersions(t, dir)
			members, _ := filepath.Abs("config/example/members.csv")
			if _, stderr, err := runCLI(t, "register", "import", "-config", cfg, files[0], members); err != nil {
				t.Fatalf("first import: %v\n%s", err, stderr)
			}
			// A whole import, the schema in place, says how long one takes.
			t0 := time.Now()
			if err := <-startProcess(t, nil, "register", "import", "-config", cfg, files[1], members).done; err != nil {
				t.Fatalf("second import: %v", err)
			}
			took := time.Since(t0)
			store, err := storage.Open(ctx, driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			current := func() string {
				t.Helper()
				rs, err := store.Adoptions(ctx, "")
				if err != nil {
					t.Fatal(err)
				}
				return adoptionSet(rs)
			}
			kills, whole := 0, [2]int{}
			for i := range soak.Pick(5, 50) {
				p := startProcess(t, nil, "register", "import", "-config", cfg, files[i%2], members)
				select {
				case <-time.After(time.Duration(rng.Int64N(int64(took)))):
					p.cmd.Process.Kill()
					<-p.done
					kills++
				case <-p.done:
				}
				switch current() {
				case want[0]:
					whole[0]++
				case want[1]:
					whole[1]++
				default:
					t.Fatalf("after kill %d the register is neither version", kills)
				}
			}
			p := startProcess(t, nil, "register", "import", "-config", cfg, files[1], members)
			if err := <-p.done; err != nil {
				t.Fatalf("last import: %v", err)
			}
			if current() != want[1] {
				t.Fatal("the last import did not leave version 2")
			}
			soak.Result(t, "SIGKILL during register import ("+d+")", kills, "the register is one version whole after every kill; a later import succeeds",
				fmt.Sprintf("%d kills in %d imports of %s each: version 1 whole %d times, version 2 %d times, never a mix; last import ok",
					kills, whole[0]+whole[1], took.Round(time.Millisecond), whole[0], whole[1]))
		})
	}
}

// TestReliabilityServeInstances starts three os2pulse serve processes at
// once on one empty PostgreSQL database: all come up and serve the same
// figures, all name the same instance as the collector; killed with
// SIGKILL, it is replaced within one lease period.
func TestReliabilityServeInstances(t *testing.T) {
	soak.SkipShort(t)
	driver, dsn := storagetest.DSN(t, "postgres")
	dir := t.TempDir()
	// Long enough to be renewed in time on a loaded machine under the
	// race detector.
	const period = 8 * time.Second
	cfg := reliabilityConfig(t, dir, driver, dsn, period.String(), "")
	var bases []string
	procs := map[string]*process{}
	for range 3 {
		addr := freeAddr(t)
		base := "http://" + addr
		bases = append(bases, base)
		procs[base] = startProcess(t, nil, "serve", "-config", cfg, "-listen", addr)
	}
	for _, base := range bases {
		waitFor(t, 60*time.Second, base+"/readyz", func() bool {
			res, err := httpClient.Get(base + "/readyz")
			if err != nil {
				return false
			}
			res.Body.Close()
			return res.StatusCode == 200
		})
	}
	// holderAndFigures returns the lease holder each instance names, once
	// the register and activity runs ended, and the adoption each serves.
	holders := func() (map[string]string, map[string]string) {
		hs, figs := map[string]string{}, map[string]string{}
		for _, base := range bases {
			if procs[base].cmd.ProcessState != nil {
				continue
			}
			waitFor(t, 60*time.Second, "collection seen by "+base, func() bool {
				h, runs, err := collectorRuns(base)
				hs[base] = h
				return err == nil && h != "" && runs["register"] == storage.RunSuccess && runs["activity"] == storage.RunSuccess
			})
			figs[base] = httpGet(t, base+"/api/v1/adoption")
		}
		return hs, figs
	}
	hs, figs := holders()
	var holder string
	for _, h := range hs {
		holder = h
	}
	for base, h := range hs {
		if h != holder || figs[base] != figs[bases[0]] {
			t.Fatalf("instances disagree: holders %v", hs)
		}
	}
	var victim string
	for base, p := range procs {
		if strings.Contains(p.stderr.String(), "instance="+holder) {
			victim = base
		}
	}
	if victim == "" {
		t.Fatalf("no instance logged itself as %s", holder)
	}
	killed := time.Now()
	procs[victim].cmd.Process.Kill()
	<-procs[victim].done
	var taken time.Duration
	for taken == 0 {
		for _, base := range bases {
			if base == victim {
				continue
			}
			if h, _, err := collectorRuns(base); err == nil && h != "" && h != holder {
				taken = time.Since(killed)
			}
		}
		if time.Since(killed) > 10*period {
			t.Fatalf("nobody took over in %s", 10*period)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if taken > period {
		t.Errorf("taken over %s after the kill, more than the lease period %s", taken, period)
	}
	after, figsAfter := holders()
	for base := range after {
		if figsAfter[base] != figs[bases[0]] {
			t.Errorf("%s serves other figures after the take-over", base)
		}
	}
	soak.Result(t, "three os2pulse serve on one empty PostgreSQL database, holder killed", 1,
		"all come up (readyz 200), same holder and figures on each, take-over within one lease period",
		fmt.Sprintf("3 up, one holder named by all; taken over in %s (period %s); same figures before and after", taken.Round(time.Millisecond), period))
}

// TestCollectWhileAnotherInstanceCollects: "os2pulse collect" does not
// collect beside the instance holding the lease; it says which one does.
func TestCollectWhileAnotherInstanceCollects(t *testing.T) {
	dir := t.TempDir()
	cfg := reliabilityConfig(t, dir, "", "", "1m", "")
	if _, _, err := runCLI(t, "migrate", "-config", cfg); err != nil {
		t.Fatal(err)
	}
	store, err := storage.Open(context.Background(), "sqlite", filepath.Join(dir, "os2pulse.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, ok, err := store.AcquireLease(context.Background(), storage.CollectorLease, "web-2:1:abcdef", time.Minute); err != nil || !ok {
		t.Fatalf("lease: %v, %v", ok, err)
	}
	_, _, err = runCLI(t, "collect", "-config", cfg)
	if err == nil || !strings.Contains(err.Error(), "instance web-2:1:abcdef is collecting") {
		t.Fatalf("collect beside another instance: %v", err)
	}
	if runs, _ := store.Runs(context.Background(), 10); len(runs) != 0 {
		t.Errorf("runs recorded: %+v", runs)
	}
}
