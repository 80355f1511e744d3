// Command bench measures os2pulse on synthetic portfolios of two sizes and
// writes bench/results.md: how long cold and warm figures take, what a
// write costs the next read, how many requests a page serves compared with
// a static file, peak memory, start-up and ingest speed, each against the
// goals of the performance work.
//
//	go run ./bench -sizes 1x,10x -drivers sqlite,postgres -out bench/results.md
//
// The portfolios are generated (deterministically, from -seed) into -work,
// and kept there between runs. PostgreSQL is reached at
// OS2PULSE_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432/test),
// each run in a schema of its own.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "bench:", err)
		}
		os.Exit(1)
	}
}

// options are the driver's flags.
type options struct {
	sizes   []string
	drivers []string
	work    string
	out     string
	runs    int
	seed    uint64
	binary  string // a built os2pulse; empty: build one
	// collection: run the collector's request-counting test (goal 8).
	collection bool
	// reuse: measure the database a previous run ingested.
	reuse bool
	// uploads: measure the uploads' memory (goal 5).
	uploads bool
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizes := fs.String("sizes", "1x,10x", "portfolio sizes to measure, comma-separated: tiny, 1x, 10x")
	drivers := fs.String("drivers", "sqlite,postgres", "databases to measure, comma-separated")
	work := fs.String("work", filepath.Join(os.TempDir(), "os2pulse-bench"), "`directory` for generated portfolios and databases (kept between runs)")
	out := fs.String("out", "bench/results.md", "where to write the results (Markdown)")
	runs := fs.Int("runs", 5, "samples of each cold and warm measurement (with fewer than 100, p99 is the slowest)")
	seed := fs.Uint64("seed", 1, "seed of the generated portfolios")
	notes := fs.String("notes", "bench/notes.md", "`file` of closing notes (why a goal is missed, what would close it), appended to the results when it exists")
	collection := fs.Bool("collection", true, "run the collector's request-counting test of goal 8 (go test ./collector/)")
	uploads := fs.Bool("uploads", true, "measure the peak memory of uploads (goal 5) on the tiny portfolio")
	binary := fs.String("binary", "", "a built os2pulse `file` to measure (empty: build one from this tree)")
	reuse := fs.Bool("reuse", false, "reuse a database a previous run ingested in -work (skips migration, ingest and the raw insert, whose figures are then 0)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: go run ./bench [flags]\n\nMeasures os2pulse on synthetic portfolios and writes the results as Markdown.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	o := options{sizes: split(*sizes), drivers: split(*drivers), work: *work, out: *out, runs: *runs, seed: *seed, collection: *collection,
		binary: *binary, reuse: *reuse, uploads: *uploads}
	for _, s := range o.sizes {
		if _, ok := Sizes[s]; !ok {
			return fmt.Errorf("-sizes: unknown size %q (tiny, 1x, 10x)", s)
		}
	}
	for _, d := range o.drivers {
		if d != "sqlite" && d != "postgres" {
			return fmt.Errorf("-drivers: unknown database %q (sqlite, postgres)", d)
		}
	}
	if o.runs < 3 {
		return fmt.Errorf("-runs must be at least 3, not %d", o.runs)
	}
	command := "go run ./bench " + strings.Join(args, " ")
	// Written after each portfolio and database, so that a long run
	// stopped early still leaves what it measured.
	closing, err := os.ReadFile(*notes)
	if err != nil && !errors.Is(err, iofs.ErrNotExist) {
		return err
	}
	write := func(res *Results) error {
		res.Command = command
		res.Notes = string(closing)
		return os.WriteFile(o.out, []byte(res.Markdown()), 0o644)
	}
	res, err := measureAll(ctx, o, stderr, write)
	if err != nil {
		return err
	}
	if err := write(res); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", o.out)
	return nil
}

func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// measureAll generates each portfolio and measures it on each database.
func measureAll(ctx context.Context, o options, log io.Writer, partial func(*Results) error) (*Results, error) {
	began := time.Now()
	res := &Results{Date: began.UTC(), Machine: machine(), Runs: o.runs, Generation: map[string]time.Duration{}}
	if err := os.MkdirAll(o.work, 0o755); err != nil {
		return nil, err
	}
	bin := o.binary
	if bin == "" {
		bin = filepath.Join(o.work, "os2pulse")
		fmt.Fprintf(log, "building %s\n", bin)
		cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
		cmd.Dir = moduleRoot()
		cmd.Stderr = log
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("building os2pulse: %w", err)
		}
	}
	for _, name := range o.sizes {
		size := Sizes[name]
		dir := filepath.Join(o.work, fmt.Sprintf("%s-seed%d", name, o.seed))
		t0 := time.Now()
		p, fresh, err := generated(dir, size, o.seed, log)
		if err != nil {
			return nil, err
		}
		if fresh {
			res.Generation[name] = time.Since(t0)
			fmt.Fprintf(log, "  generating: %s\n", res.Generation[name].Round(100*time.Millisecond))
		}
		for _, driver := range o.drivers {
			fmt.Fprintf(log, "== %s on %s\n", name, driver)
			m, err := measure(ctx, bin, p, driver, o.runs, o.reuse, log)
			if err != nil {
				return nil, fmt.Errorf("%s on %s: %w", name, driver, err)
			}
			res.Sets = append(res.Sets, m)
			res.Took = time.Since(began)
			if err := partial(res); err != nil {
				return nil, err
			}
		}
	}
	if o.uploads {
		fmt.Fprintf(log, "== uploads\n")
		var err error
		if res.Uploads, err = measureUploads(ctx, bin, o.work, o.seed, log); err != nil {
			return nil, fmt.Errorf("uploads: %w", err)
		}
		if err := partial(res); err != nil {
			return nil, err
		}
	}
	if o.collection {
		fmt.Fprintf(log, "== collection cost: %s\n", collectionCommand(collectionTest))
		res.Collection = checkCollection(ctx, moduleRoot(), collectionTest)
		fmt.Fprintf(log, "== collection cost on GitLab: %s\n", collectionCommand(gitlabCollectionTest))
		res.CollectionGitLab = checkCollection(ctx, moduleRoot(), gitlabCollectionTest)
	}
	res.Took = time.Since(began)
	return res, nil
}

// generated returns the portfolio in dir, generating it when it is not
// there yet (a marker file is written last, so a half-written one is
// generated again); fresh says whether it was generated now.
func generated(dir string, size Size, seed uint64, log io.Writer) (p *Portfolio, fresh bool, err error) {
	marker := filepath.Join(dir, "generated")
	if _, err := os.Stat(marker); err != nil {
		fmt.Fprintf(log, "generating %s portfolio in %s\n", size.Name, dir)
		os.RemoveAll(dir)
		p, err := Generate(dir, size, seed)
		if err != nil {
			return nil, false, fmt.Errorf("generating %s: %w", size.Name, err)
		}
		if err := os.WriteFile(marker, nil, 0o644); err != nil {
			return nil, false, err
		}
		return p, true, nil
	}
	// Generation is deterministic: describe it again without writing.
	return Describe(dir, size, seed), false, nil
}

// moduleRoot is the directory of go.mod, so the driver works from any
// directory inside the repository.
func moduleRoot() string {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "."
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// machine describes where the measurements ran.
func machine() string {
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				_, model, _ = strings.Cut(l, ":")
				model = strings.TrimSpace(model)
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0])
		if len(f) >= 2 {
			var kb int64
			fmt.Sscan(f[1], &kb)
			mem = fmt.Sprintf(", %.0f GiB RAM", float64(kb)/(1<<20))
		}
	}
	return fmt.Sprintf("%s/%s, %d CPUs (%s)%s, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), model, mem, runtime.Version())
}
