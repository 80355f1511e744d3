package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
	_ "modernc.org/sqlite"             // the "sqlite" driver
)

// Set is everything measured for one portfolio on one database.
type Set struct {
	Size    string
	Driver  string
	Commits int

	IngestSeconds float64 // os2pulse collecting the git log exports
	RawSeconds    float64 // a plain batched INSERT of the same rows
	Start         time.Duration

	Cold map[string][]time.Duration // per figure, each sample on a date not asked before
	Warm map[string][]time.Duration // the same request again

	WarmOverview time.Duration // median of / before a write
	AfterWrite   time.Duration // the first / after importing one commit
	// AfterWritePage is, per kind of write (writeKinds) and figure, the
	// first request after the write, each after a write of its own.
	AfterWritePage map[string]map[string]time.Duration
	SingleCold     time.Duration // one cold product page alone
	Concurrent     []time.Duration
	// ConcurrentBusy is how many of the 16 were answered 503 (load shed).
	ConcurrentBusy int
	RSSBefore      int64 // bytes, before the concurrent requests
	RSSDuring      int64 // the most sampled while they ran
	RSSAfter       int64
	PageRPS        float64
	StaticRPS      float64
	StaticAsset    string
	PageBytes      int
	StaticBytes    int
	PeakRSS        int64
	ColdMetrics    time.Duration // the first scrape after start
	MetricsOnline  bool
	// Starts are fresh starts without and with the index's snapshot
	// (start.go).
	Starts []StartRun

	// Load is goal 6 (about 10×): uncached pages under load.
	Load *Load

	// Phases is how long each part of the measurement took, in order.
	Phases []Phase
}

// Phase is one timed part of a run of the driver.
type Phase struct {
	Name string
	Took time.Duration
}

// phase records that the part of the measurement called name ended now.
func (s *Set) phase(log io.Writer, name string, since *time.Time) {
	d := time.Since(*since)
	s.Phases = append(s.Phases, Phase{name, d})
	fmt.Fprintf(log, "  %s: %s\n", name, d.Round(100*time.Millisecond))
	*since = time.Now()
}

// The figures measured cold and warm, by name, and the request for the
// i-th sample (each on another date, so that no cache has it).
var figureRequests = []struct {
	name string
	path func(p *Portfolio, date string) string
}{
	{"/ (overview)", func(p *Portfolio, d string) string { return "/?date=" + d }},
	{"/products/{id}", func(p *Portfolio, d string) string { return "/products/" + p.Products[0] + "?date=" + d }},
	{"/organizations/{id}", func(p *Portfolio, d string) string { return "/organizations/751?date=" + d }},
	{"/goals", func(p *Portfolio, d string) string { return "/goals?date=" + d }},
	{"/data", func(p *Portfolio, d string) string { return "/data?date=" + d }},
	{"/embed/map", func(p *Portfolio, d string) string { return "/embed/map?date=" + d }},
	{"/api/v1/adoption", func(p *Portfolio, d string) string { return "/api/v1/adoption?date=" + d }},
	{"/api/v1/members", func(p *Portfolio, d string) string { return "/api/v1/members?date=" + d }},
	{"/api/v1/contributors", func(p *Portfolio, d string) string { return "/api/v1/contributors?date=" + d }},
	{"/api/v1/series/contributors", func(p *Portfolio, d string) string {
		return "/api/v1/series/contributors?product=" + p.Products[0] + "&from=2016-01-01&to=" + d + "&step=month"
	}},
	{"/api/v1/series/adoption", func(p *Portfolio, d string) string {
		return "/api/v1/series/adoption?product=" + p.Products[0] + "&from=2016-01-01&to=" + d + "&step=month"
	}},
	{"/api/v1/goals", func(p *Portfolio, d string) string { return "/api/v1/goals?date=" + d }},
	{"/products", func(p *Portfolio, d string) string { return "/products?date=" + d }},
	{"/organizations", func(p *Portfolio, d string) string { return "/organizations?date=" + d }},
	{"/api", func(p *Portfolio, d string) string { return "/api?date=" + d }},
	{"/report", func(p *Portfolio, d string) string { return "/report?date=" + d }},
	// A year's report: each sample another year, so that each is cold.
	{"/report/{year}", func(p *Portfolio, d string) string { return "/report/" + strconv.Itoa(reportYear(d)) }},
	{"/api/v1/organizations", func(p *Portfolio, d string) string { return "/api/v1/organizations?date=" + d }},
	{"/api/v1/municipalities", func(p *Portfolio, d string) string { return "/api/v1/municipalities?date=" + d }},
	{"/api/v1/series/members", func(p *Portfolio, d string) string {
		return "/api/v1/series/members?from=2016-01-01&to=" + d + "&step=month"
	}},
	{"/api/v1/series/governance", func(p *Portfolio, d string) string {
		return "/api/v1/series/governance?from=2016-01-01&to=" + d + "&step=month"
	}},
	{"/api/v1/series/goal", func(p *Portfolio, d string) string { return "/api/v1/series/goal?goal=contributors&date=" + d }},
	{"/api/v1/prospects", func(p *Portfolio, d string) string { return "/api/v1/prospects?goal=three-plus&date=" + d }},
	{"/governance", func(p *Portfolio, d string) string { return "/governance?date=" + d }},
	{"/api/v1/governance", func(p *Portfolio, d string) string { return "/api/v1/governance?date=" + d }},
	{"/api/v1/health", func(p *Portfolio, d string) string { return "/api/v1/health?date=" + d }},
}

// lastDay is the last day of the synthetic histories, the date of the
// warm requests.
var lastDay = time.Date(lastYear, 12, 31, 0, 0, 0, 0, time.UTC)

// reportYear is the year whose report stands for the date iso: consecutive
// days before lastDay are different years, lastDay is lastYear.
func reportYear(iso string) int {
	d, _ := time.Parse(time.DateOnly, iso)
	return lastYear - int(lastDay.Sub(d).Hours()/24)%9
}

// measure measures portfolio p on driver; reuse measures the SQLite
// database a previous run ingested, when there is one.
func measure(ctx context.Context, bin string, p *Portfolio, driver string, runs int, reuse bool, log io.Writer) (*Set, error) {
	s := &Set{Size: p.Size.Name, Driver: driver, Cold: map[string][]time.Duration{}, Warm: map[string][]time.Duration{},
		AfterWritePage: map[string]map[string]time.Duration{}}
	mark := time.Now()
	for _, h := range p.Histories {
		s.Commits += h.Commits
	}
	dbDir := filepath.Join(p.Dir, driver)
	ingested := filepath.Join(dbDir, "ingested")
	if _, err := os.Stat(ingested); err != nil || !reuse || driver != "sqlite" {
		reuse = false
		os.RemoveAll(dbDir)
		if err := os.MkdirAll(dbDir, 0o755); err != nil {
			return nil, err
		}
	}
	dsn, cleanup, err := database(ctx, driver, dbDir, p.Size.Name)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	cfg := filepath.Join(p.Dir, "os2pulse-"+driver+".toml")
	if err := writeConfig(p.Config, cfg, driver, dsn); err != nil {
		return nil, err
	}
	os2pulse := func(args ...string) error {
		cmd := exec.CommandContext(ctx, bin, args...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("os2pulse %s: %w\n%s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	if !reuse {
		if err := os2pulse("migrate", "-config", cfg); err != nil {
			return nil, err
		}
		if err := os2pulse("collect", "-config", cfg, "-source", "register"); err != nil {
			return nil, err
		}
		s.phase(log, "migrate and register", &mark)
		fmt.Fprintf(log, "ingesting %d commits\n", s.Commits)
		t0 := time.Now()
		if err := os2pulse("collect", "-config", cfg, "-source", "activity"); err != nil {
			return nil, err
		}
		s.IngestSeconds = time.Since(t0).Seconds()
		s.phase(log, "ingest", &mark)
		if s.RawSeconds, err = rawInsert(ctx, driver, dsn, p); err != nil {
			return nil, err
		}
		s.phase(log, "raw batched insert", &mark)
		if err := os.WriteFile(ingested, nil, 0o644); err != nil {
			return nil, err
		}
	}

	srv, err := startServer(ctx, bin, cfg, filepath.Join(dbDir, "serve.log"))
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	s.Start = srv.ready
	fmt.Fprintf(log, "ready after %s\n", s.Start.Round(time.Millisecond))
	mark = time.Now()

	// The first scrape computes every business figure.
	if d, _, err := srv.get("/metrics"); err == nil {
		s.ColdMetrics, s.MetricsOnline = d, true
	}
	// Each sample of each figure on a date of its own (cold.go).
	if s.Cold, err = coldSamples(srv, p, runs, log); err != nil {
		return nil, err
	}
	for _, fr := range figureRequests {
		path := fr.path(p, "2025-12-31")
		// Computed once, then sampled warm.
		if _, _, err := srv.get(path); err != nil {
			return nil, err
		}
		for range runs {
			d, _, err := srv.get(path)
			if err != nil {
				return nil, err
			}
			s.Warm[fr.name] = append(s.Warm[fr.name], d)
		}
	}
	s.phase(log, "cold and warm figures", &mark)

	// A write, then the next read: of the overview, then of each figure,
	// each after an import of one new commit of its own.
	var warm []time.Duration
	for range runs {
		d, _, err := srv.get("/")
		if err != nil {
			return nil, err
		}
		warm = append(warm, d)
	}
	s.WarmOverview = median(warm)
	if err := afterWrites(srv, p, dbDir, cfg, os2pulse, s); err != nil {
		return nil, err
	}
	s.phase(log, "reads after a write", &mark)

	// Sixteen clients asking for the same cold page at once.
	if s.SingleCold, _, err = srv.get("/products/" + p.Products[1] + "?date=2025-06-14"); err != nil {
		return nil, err
	}
	s.RSSBefore = rss(srv.cmd.Process.Pid, "VmRSS")
	stopSampling := make(chan struct{})
	sampled := make(chan int64)
	go func() {
		peak := s.RSSBefore
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stopSampling:
				sampled <- peak
				return
			case <-t.C:
				peak = max(peak, rss(srv.cmd.Process.Pid, "VmRSS"))
			}
		}
	}()
	s.Concurrent = make([]time.Duration, 16)
	var wg sync.WaitGroup
	gate := make(chan struct{})
	errs := make(chan error, 16)
	var busy atomic.Int32
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			d, _, err := srv.get("/products/" + p.Products[1] + "?date=2025-06-15")
			s.Concurrent[i] = d
			// A server that sheds load answers 503: counted, not fatal.
			var se *statusError
			if errors.As(err, &se) && se.code == http.StatusServiceUnavailable {
				busy.Add(1)
				return
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	close(gate)
	wg.Wait()
	close(stopSampling)
	s.RSSDuring = <-sampled
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	s.RSSAfter = rss(srv.cmd.Process.Pid, "VmRSS")
	s.ConcurrentBusy = int(busy.Load())
	s.phase(log, "16 at once", &mark)

	if s.Load, err = measureLoad(ctx, srv, p, log); err != nil {
		return nil, err
	}
	s.phase(log, "uncached pages under load", &mark)

	// Requests per second of a page and of a static file of about its
	// size, from the same process.
	_, body, err := srv.get("/")
	if err != nil {
		return nil, err
	}
	s.PageBytes = body
	s.StaticAsset, s.StaticBytes = closestAsset(srv, body)
	s.PageRPS = srv.load("/", 64, 3*time.Second)
	s.StaticRPS = srv.load(s.StaticAsset, 64, 3*time.Second)
	s.PeakRSS = rss(srv.cmd.Process.Pid, "VmHWM")
	s.phase(log, "requests per second", &mark)

	srv.stop()
	if s.Starts, err = measureStarts(ctx, bin, cfg, dbDir, snapshotFile(p, driver, dsn), p, log); err != nil {
		return nil, err
	}
	s.phase(log, "fresh starts", &mark)
	return s, nil
}

// database prepares an empty database for driver and returns its DSN and
// a cleanup.
func database(ctx context.Context, driver, dir, size string) (string, func(), error) {
	if driver == "sqlite" {
		return filepath.Join(dir, "os2pulse.db"), func() {}, nil
	}
	base := os.Getenv("OS2PULSE_TEST_POSTGRES")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	// One schema per driver process, so that two runs on one server do
	// not drop each other's tables.
	schema := fmt.Sprintf("bench_%s_%d", strings.ToLower(size), os.Getpid())
	if _, err := db.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
		db.Close()
		return "", nil, fmt.Errorf("PostgreSQL at %s: %w", base, err)
	}
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		db.Close()
		return "", nil, err
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema, func() {
		db.Exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE")
		db.Close()
	}, nil
}

// writeConfig writes the portfolio's configuration with the database set.
func writeConfig(from, to, driver, dsn string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	s := strings.Replace(string(b), "driver = \"sqlite\"\ndsn = \"os2pulse.db\"", fmt.Sprintf("driver = %q\ndsn = %q", driver, dsn), 1)
	return os.WriteFile(to, []byte(s), 0o644)
}

// rawInsert stores the same commits as plain rows, in transactions of 5,000
// rows and multi-row INSERTs of 500: what the database can take without
// os2pulse's bookkeeping. It returns the seconds it took.
func rawInsert(ctx context.Context, driver, dsn string, p *Portfolio) (float64, error) {
	name := driver
	if driver == "postgres" {
		name = "pgx"
	}
	db, err := sql.Open(name, dsn)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if driver == "sqlite" {
		for _, pragma := range []string{"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL"} {
			if _, err := db.ExecContext(ctx, pragma); err != nil {
				return 0, err
			}
		}
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE bench_raw (repository_key TEXT NOT NULL, ext_id TEXT NOT NULL, at TEXT NOT NULL,
		day TEXT NOT NULL, email TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (repository_key, ext_id))`); err != nil {
		return 0, err
	}
	defer db.ExecContext(context.Background(), "DROP TABLE bench_raw")
	const perStmt, perTx = 500, 5000
	var rows [][]any
	var tx *sql.Tx
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		var q strings.Builder
		q.WriteString("INSERT INTO bench_raw (repository_key, ext_id, at, day, email, name) VALUES ")
		args := make([]any, 0, len(rows)*6)
		for i, r := range rows {
			if i > 0 {
				q.WriteString(",")
			}
			if driver == "postgres" {
				n := i * 6
				fmt.Fprintf(&q, "($%d,$%d,$%d,$%d,$%d,$%d)", n+1, n+2, n+3, n+4, n+5, n+6)
			} else {
				q.WriteString("(?,?,?,?,?,?)")
			}
			args = append(args, r...)
		}
		rows = rows[:0]
		_, err := tx.ExecContext(ctx, q.String(), args...)
		return err
	}
	start := time.Now()
	n := 0
	for _, h := range p.Histories {
		f, err := os.Open(filepath.Join(p.Dir, h.File))
		if err != nil {
			return 0, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		sc.Scan() // header
		for sc.Scan() {
			fl := strings.Split(sc.Text(), "\t")
			at, err := time.Parse(time.RFC3339, fl[2])
			if err != nil {
				f.Close()
				return 0, err
			}
			if n%perTx == 0 {
				if tx != nil {
					if err := flush(); err != nil {
						f.Close()
						return 0, err
					}
					if err := tx.Commit(); err != nil {
						f.Close()
						return 0, err
					}
				}
				if tx, err = db.BeginTx(ctx, nil); err != nil {
					f.Close()
					return 0, err
				}
			}
			rows = append(rows, []any{strings.ToLower(h.Repo), fl[0], at.UTC().Format("2006-01-02T15:04:05.000000Z"), at.UTC().Format(time.DateOnly), fl[5], fl[4]})
			n++
			if len(rows) == perStmt {
				if err := flush(); err != nil {
					f.Close()
					return 0, err
				}
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return 0, err
		}
	}
	if tx != nil {
		if err := flush(); err != nil {
			return 0, err
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
	}
	return time.Since(start).Seconds(), nil
}

func median(ds []time.Duration) time.Duration { return percentile(ds, 50) }

// percentile returns the nearest-rank percentile q (0–100) of ds.
func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	k := int(math.Ceil(q/100*float64(len(s)))) - 1
	return s[max(0, min(k, len(s)-1))]
}
