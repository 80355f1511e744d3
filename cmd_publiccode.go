package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"os2pulse/civil"
	"os2pulse/figures"
	"os2pulse/publiccode"
)

func cmdPublicCode(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "check" {
		return cmdPublicCodeCheck(args[1:], stdout, stderr)
	}
	fs := newFlags("publiccode", "publiccode [-config FILE] -product ID [-date YYYY-MM-DD] [-o FILE]\n       os2pulse publiccode check FILE...",
		`Writes the publiccode.yml os2pulse proposes for a product, for its team to
check and commit: name, url, website and description from the configuration,
the licence GitHub reports, usedBy from the adoption register (production
only) on the date, the suppliers who contributed in the last 12 months as
contractors, and the latest release. A comment says where a value comes from
or that it is a guess; fields os2pulse cannot know are left as commented
placeholders. The command only reads the database.

"publiccode check FILE..." checks publiccode.yml files and prints every
problem as FILE:LINE: what is wrong; it exits 1 when there is any.`, stderr)
	path := fs.String("config", "", "configuration `file`")
	product := fs.String("product", "", "the product's `id` in the configuration")
	dateText := fs.String("date", "", "as of `YYYY-MM-DD` (default today)")
	out := fs.String("o", "", "write to `file` instead of standard output")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "publiccode takes no arguments besides check, got %q\n", fs.Args())
		return errUsage
	}
	if *product == "" {
		fmt.Fprintln(stderr, "-product is required: the id of a product in the configuration")
		return errUsage
	}
	date := civil.Today(time.Now())
	if *dateText != "" {
		d, err := civil.Parse(*dateText)
		if err != nil {
			fmt.Fprintf(stderr, "-date must be YYYY-MM-DD, not %q\n", *dateText)
			return errUsage
		}
		date = d
	}
	cfg, err := loadConfig(*path, stderr)
	if err != nil {
		return err
	}
	if _, ok := cfg.Product(*product); !ok {
		fmt.Fprintf(stderr, "-product: there is no product %q in %s\n", *product, cfg.File)
		return errUsage
	}
	store, err := openStore(ctx, cfg, readOnly, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	p, err := figures.New(store.ReadOnly(), cfg).PublicCodeProposal(ctx, *product, date)
	if err != nil {
		return fmt.Errorf("proposing publiccode.yml for %s: %w", *product, err)
	}
	if toFile, err := writeOutput(*out, p.YAML(), stdout); err != nil || !toFile {
		return err
	}
	fmt.Fprintf(stderr, "wrote %s (publiccode.yml for %s as of %s)\n", *out, *product, date)
	return nil
}

// cmdPublicCodeCheck checks files and prints their problems.
func cmdPublicCodeCheck(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("publiccode check", "publiccode check FILE...",
		`Checks publiccode.yml files: the fields catalogues rely on, per the standard's
versions 0.2 to 0.4 and later 0.x. Prints every problem as FILE:LINE: what is
wrong, or "FILE: ok"; exits 1 when a file has a problem.`, stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "publiccode check needs at least one file")
		return errUsage
	}
	bad := false
	for _, name := range fs.Args() {
		data, err := os.ReadFile(name)
		if err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
		ps := publiccode.Check(data, name)
		for _, p := range ps {
			fmt.Fprintln(stderr, p)
		}
		if len(ps) > 0 {
			bad = true
			continue
		}
		fmt.Fprintf(stdout, "%s: ok\n", name)
	}
	if bad {
		return errProblems
	}
	return nil
}
