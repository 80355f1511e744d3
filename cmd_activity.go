package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"os2pulse/civil"
	"os2pulse/collector"
	"os2pulse/config"
)

const activityHelp = `Imports the commit activity of a repository from a tab-separated git log
export, for repositories outside GitHub (a supplier's GitLab, say) or for
offline demonstrations. Every commit becomes a contribution dated by its
author date, stored the same way as commits collected from GitHub, so
importing a file again, or later collecting the same commits from GitHub,
adds nothing twice. A file with any bad line is reported as FILE:LINE:
problem and nothing is stored. A large file is stored in batches; an import
that was cut short (killed, or the machine stopped) continues where it
stopped when run again on the same file.

REPO is FORGE/OWNER/NAME (e.g. gitlab.example.dk/os2/os2product) or
OWNER/NAME on GitHub. It is linked to the configured products whose repos
name it.

The repository's history is then known to be complete up to the date given
with -covered-until (the day the export was made), or else up to its last
commit. Contributor figures for later dates are shown as incomplete ("data
only up to ...") unless GitHub collection reaches further.

Produce FILE in a clone of the repository, with its default branch checked
out:

  ` + collector.GitLogCommand + `
`

func cmdActivity(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	synopsis := "activity import [-config FILE] -repo FORGE/OWNER/NAME [-covered-until YYYY-MM-DD] FILE"
	if len(args) == 0 || args[0] != "import" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprintf(stderr, "Usage: os2pulse %s\n\n%s", synopsis, activityHelp)
			return nil
		}
		fmt.Fprintf(stderr, "Usage: os2pulse %s\n", synopsis)
		return errUsage
	}
	fs := newFlags("activity import", synopsis, activityHelp, stderr)
	path := fs.String("config", "", "configuration `file`")
	repo := fs.String("repo", "", "the repository, FORGE/OWNER/NAME (or OWNER/NAME on GitHub)")
	var covered civil.Date
	fs.TextVar(&covered, "covered-until", civil.Date(0), "the `date` (YYYY-MM-DD) up to which FILE is the whole history, usually the day it was made; default: its last commit")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if today := civil.Today(time.Now()); covered.After(today) {
		fmt.Fprintf(stderr, "os2pulse: -covered-until %s is after today (%s): an export cannot vouch for days still to come\n", covered, today)
		return errUsage
	}
	if fs.NArg() != 1 || *repo == "" {
		fmt.Fprintf(stderr, "Usage: os2pulse %s\n", synopsis)
		return errUsage
	}
	file := fs.Arg(0)
	spec, err := config.ParseRepoSpec(*repo)
	if err == nil && spec.Name == "*" {
		err = fmt.Errorf("-repo %q: name one repository, not owner/*", *repo)
	}
	if err != nil {
		fmt.Fprintln(stderr, "os2pulse:", err)
		return errUsage
	}
	cfg, err := loadConfig(*path, stderr)
	if err != nil {
		return err
	}
	open := func() (io.ReadCloser, error) { return os.Open(file) }
	// Check the file before touching the database.
	f, err := open()
	if err != nil {
		return err
	}
	_, err = collector.CheckGitLog(file, f)
	f.Close()
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg, readWrite, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	added, total, err := collector.ImportActivity(ctx, store, cfg, spec, file, open, covered)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d new commits of %d in %s into %s\n", added, total, file, spec)
	if len(cfg.ProductsOf(spec)) == 0 {
		fmt.Fprintf(stderr, "note: %s is not a repository of any configured product, so no figure counts it\n", spec)
	}
	return nil
}
