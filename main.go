// Command os2pulse collects and serves live figures on the OS2 portfolio:
// who runs which product, how many members run three or more, and who
// contributes. Run "os2pulse help" for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	"os2pulse/problems"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"init", "write a starting configuration (the example portfolio with its data files)", cmdInit},
		{"serve", "migrate the database, collect on a schedule and serve the dashboard, API and /metrics", cmdServe},
		{"collect", "run one collection and exit", cmdCollect},
		{"migrate", "bring the database schema up to date", cmdMigrate},
		{"config", "config check: validate a configuration file", cmdConfig},
		{"register", "register check|import|export: validate, import or export the adoption register", cmdRegister},
		{"activity", "activity import: import commit activity from a git log export", cmdActivity},
		{"report", "produce the annual report", cmdReport},
		{"publiccode", "write the publiccode.yml proposed for a product, or check publiccode.yml files", cmdPublicCode},
		{"admin", "admin passwd: hash a password for an [[admins]] entry; admin logout-all: end admin sessions", cmdAdmin},
		{"backup", "write a consistent copy of the SQLite database, also while serving", cmdBackup},
		{"restore", "replace the SQLite database with a backup (refused while it is in use)", cmdRestore},
		{"healthcheck", "ask a running server's /healthz (the container's health check)", cmdHealthcheck},
		{"version", "print the version", cmdVersion},
	}
}

// errUsage marks a usage error: the command already printed what is wrong.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	case errors.Is(err, errProblems):
		os.Exit(1)

	default:
		fmt.Fprintln(os.Stderr, "os2pulse:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		usage(stderr)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(ctx, args[1:], stdout, stderr)
			// Problems with an input (a register file, a git log export)
			// are listed one a line, for the person who fixes the file.
			if ps := problems.Of(err); ps != nil {
				for _, p := range ps {
					fmt.Fprintln(stderr, p)
				}
				return errProblems
			}
			return err
		}
	}
	fmt.Fprintf(stderr, "os2pulse: unknown command %q\n\n", args[0])
	usage(stderr)
	return errUsage
}

func usage(w io.Writer) {
	fmt.Fprint(w, `os2pulse: live figures on the OS2 open-source portfolio.

Usage: os2pulse COMMAND [flags] [arguments]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Every command takes -config FILE. Without it ./os2pulse.toml is used when it
exists, else the built-in example portfolio (illustrative data, SQLite at
./data/os2pulse.db). Flags come before other arguments. "os2pulse COMMAND -h"
explains a command.
`)
}

// newFlags returns a flag set whose -h output starts with usage text.
func newFlags(name, synopsis, help string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: os2pulse %s\n\n%s\n", synopsis, help)
		if hasFlags(fs) {
			fmt.Fprintln(stderr, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parseFlags parses args, turning -h into a clean exit and other errors
// into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return flag.ErrHelp
		}
		return errUsage
	}
	return nil
}

func cmdVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", "version", "Prints the os2pulse version and the Go version it was built with.", stderr)
	fs.String("config", "", "ignored; accepted like every command")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "os2pulse %s (%s)\n", Version(), runtime.Version())
	return nil
}

// Version returns the build's version: the -X value (make build sets it
// from git describe), else the release tag the Go toolchain found, else
// the latest release in CHANGELOG.md with the commit it was built from,
// so that a clone without tags still says what it is.
func Version() string {
	if version != "" {
		return version
	}
	var rev string
	dirty := false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" && !strings.HasPrefix(v, "v0.0.0-") {
			return v
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value[:min(12, len(s.Value))]
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	return changelogVersion(changelog, rev, dirty)
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}
