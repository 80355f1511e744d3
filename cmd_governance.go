package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"os2pulse/civil"
	"os2pulse/figures"
)

const governanceDraftHelp = `Writes a draft of the product's governance self-evaluation in OS2's own JSON
format (productName, filledBy, filledDate, generatedAt, krav), pre-filled from
what the collected data show on the date: "efterlevet" is "Ja" where evidence
is found, "Nej" where it is not, and null where the data cannot tell (every
requirement no check speaks to); "dokumentation" holds the evidence and its
links. filledBy is "os2pulse (draft)": the product checks every line, answers
the rest and signs it as its own.

The lines are those of the product's self-evaluation in force on the date
(the latest, by default), with its texts, levels, categories and guidelines,
where it has one, else the requirements os2pulse checks (docs/governance.md).
The command only reads the database.`

func cmdGovernance(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	synopsis := "governance draft [-config FILE] -product ID [-date YYYY-MM-DD] [-o FILE]"
	if len(args) == 0 || args[0] != "draft" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprintf(stderr, "Usage: os2pulse %s\n\n%s\n", synopsis, governanceDraftHelp)
			return nil
		}
		fmt.Fprintf(stderr, "Usage: os2pulse %s\n", synopsis)
		return errUsage
	}
	fs := newFlags("governance draft", synopsis, governanceDraftHelp, stderr)
	path := fs.String("config", "", "configuration `file`")
	product := fs.String("product", "", "the product's `id`, as in the configuration")
	date := fs.String("date", "", "the evidence as of this `day` (YYYY-MM-DD); default today")
	out := fs.String("o", "", "write to `file` instead of standard output")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 || *product == "" {
		fs.Usage()
		return errUsage
	}
	now := time.Now()
	day := civil.Today(now)
	if *date != "" {
		d, err := civil.Parse(*date)
		if err != nil {
			fmt.Fprintf(stderr, "-date must be a day YYYY-MM-DD, not %q\n", *date)
			return errUsage
		}
		day = d
	}
	cfg, err := loadConfig(*path, stderr)
	if err != nil {
		return err
	}
	if _, ok := cfg.Product(*product); !ok {
		fmt.Fprintf(stderr, "-product %q is not a product of %s\n", *product, cfg.File)
		return errUsage
	}
	store, err := openStore(ctx, cfg, readOnly, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	draft, err := figures.New(store.ReadOnly(), cfg).ProductDraft(ctx, *product, day, now)
	if err != nil {
		return fmt.Errorf("drafting the self-evaluation of %s: %w", *product, err)
	}
	data, err := draft.JSON()
	if err != nil {
		return err
	}
	if toFile, err := writeOutput(*out, data, stdout); err != nil || !toFile {
		return err
	}
	fmt.Fprintf(stderr, "wrote %s (draft self-evaluation of %s, %d requirements)\n", *out, *product, len(draft.Krav))
	return nil
}
