package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
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

// TestReliabilitySlowloris holds many connections open, each sending its
// headers a byte at a time: the server keeps answering others at once,
// and closes the slow ones when their headers are overdue.
func TestReliabilitySlowloris(t *testing.T) {
	soak.SkipShort(t)
	srv := newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }), newLogger(io.Discard))
	if srv.ReadHeaderTimeout <= 0 || srv.ReadHeaderTimeout > 10*time.Second || srv.ReadTimeout <= 0 {
		t.Fatalf("server time limits %s/%s: a slow client could hold a connection for ever", srv.ReadHeaderTimeout, srv.ReadTimeout)
	}
	// In make test the limit is shortened, to see it act without waiting.
	srv.ReadHeaderTimeout = soak.Pick(time.Second, srv.ReadHeaderTimeout)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	conns := soak.Pick(100, 500)
	closed := make(chan time.Duration, conns)
	start := time.Now()
	for range conns {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		go func() {
			gone := make(chan struct{})
			go func() {
				// Whatever the server answers ends with it closing.
				io.Copy(io.Discard, c)
				close(gone)
			}()
			header := "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("a", 10_000)
			for i := range len(header) {
				c.Write([]byte{header[i]})
				select {
				case <-gone:
					closed <- time.Since(start)
					return
				case <-time.After(200 * time.Millisecond):
				}
			}
		}()
	}
	var times []time.Duration
	for time.Since(start) < srv.ReadHeaderTimeout/2 {
		t0 := time.Now()
		res, err := httpClient.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			t.Fatalf("a normal request during the attack: %v", err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		times = append(times, time.Since(t0))
		time.Sleep(20 * time.Millisecond)
	}
	var last time.Duration
	for range conns {
		select {
		case d := <-closed:
			last = max(last, d)
		case <-time.After(srv.ReadHeaderTimeout + 20*time.Second):
			t.Fatalf("slow connections still open %s after the header limit", 20*time.Second)
		}
	}
	soak.Result(t, "slowloris: connections sending headers a byte every 200 ms", conns,
		"normal requests answered meanwhile; slow connections closed at the header time limit",
		fmt.Sprintf("%d normal requests, p99 %s; all %d slow connections closed after at most %s (limit %s)",
			len(times), p99(times).Round(100*time.Microsecond), conns, last.Round(100*time.Millisecond), srv.ReadHeaderTimeout))
}

// TestReliabilityCanarySecrets serves with canary values as the GitHub
// and admin tokens, against a GitHub that quotes the request's
// Authorization header in every answer: neither canary may appear in
// the log, the metrics, the pages, the API or the stored runs.
func TestReliabilityCanarySecrets(t *testing.T) {
	soak.SkipShort(t)
	const ghCanary, adminCanary = "ghp_CANARYgithub0123456789abcdefABCDEF", "CANARYadmin-9f8e7d6c5b4a3f2e1d0c9b8a7f6e"
	t.Setenv("GITHUB_TOKEN", "  "+ghCanary+"\n")
	t.Setenv("OS2PULSE_ADMIN_TOKEN", adminCanary+"\n")
	var hits int
	var hmu sync.Mutex
	gh := http.NewServeMux()
	gh.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		hmu.Lock()
		hits++
		n := hits
		hmu.Unlock()
		auth := r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-RateLimit-Remaining", "4000")
		switch {
		case strings.HasSuffix(r.URL.Path, "/repos"):
			json.NewEncoder(w).Encode([]map[string]any{{"name": "leak", "full_name": "OS2Forms/leak", "owner": map[string]string{"login": "OS2Forms"},
				"description": "seen with " + auth, "default_branch": "main"}})
		case n%3 == 0:
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, `{"message":"upstream refused %s"}`, auth)
		case strings.Count(r.URL.Path, "/") == 3:
			json.NewEncoder(w).Encode(map[string]any{"name": "leak", "full_name": "OS2Forms/leak", "owner": map[string]string{"login": "OS2Forms"},
				"description": "seen with " + auth, "default_branch": "main"})
		default:
			w.WriteHeader(http.StatusUnprocessableEntity)
			fmt.Fprintf(w, `{"message":"Bad credentials: %s"}`, auth)
		}
	})
	ghSrv := httptest.NewServer(gh)
	defer ghSrv.Close()
	dir := t.TempDir()
	cfgPath := writeE2EConfig(t, dir, ghSrv.URL)
	base, stop := serveInProcess(t, cfgPath)
	waitFor(t, 60*time.Second, "the collection", func() bool {
		_, runs, err := collectorRuns(base)
		return err == nil && runs["github"] != "" && runs["github"] != storage.RunRunning
	})
	// Admin requests, with the token and with a wrong one.
	for _, auth := range []string{"Bearer " + adminCanary, "Bearer wrong-" + adminCanary[:8], "Basic " + adminCanary} {
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/collect?source=register", nil)
		req.Header.Set("Authorization", auth)
		if res, err := httpClient.Do(req); err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	}
	var seen strings.Builder
	paths := []string{"/", "/?lang=en", "/data", "/data?lang=en", "/products/os2forms", "/api/v1/collector", "/api/v1/collector.csv", "/metrics"}
	for _, p := range paths {
		seen.WriteString(httpGet(t, base+p))
	}
	logw := stop()
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	store, err := storage.Open(context.Background(), cfg.Storage.Driver, cfg.Storage.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	runs, err := store.Runs(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := json.Marshal(runs)
	repos, _ := store.Repositories(context.Background(), "")
	storedRepos, _ := json.Marshal(repos)
	places := map[string]string{"log": logw.String(), "pages, API and metrics": seen.String(), "stored runs": string(stored), "stored repositories": string(storedRepos)}
	for where, text := range places {
		for _, canary := range []string{ghCanary, adminCanary} {
			if strings.Contains(text, canary) {
				t.Errorf("a secret (%s…) is in the %s", canary[:10], where)
			}
		}
	}
	if !strings.Contains(string(storedRepos), "[redacted]") {
		t.Errorf("the hostile GitHub's echo never reached storage; the test checks nothing:\n%s", storedRepos)
	}
	hmu.Lock()
	defer hmu.Unlock()
	soak.Result(t, "canary tokens, GitHub echoing the Authorization header", hits,
		"log, pages, API, metrics, stored runs and repositories", "no canary anywhere; echoes stored as [redacted]")
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
