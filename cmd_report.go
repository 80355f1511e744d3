package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"os2pulse/civil"
	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/report"
	"os2pulse/storage"
	"os2pulse/table"
)

func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("report", "report [-config FILE] -year YYYY [-format html|md|csv|json] [-sep comma|semicolon] [-lang da|en] [-o FILE] [-keep]",
		`Writes the annual report: the figures as of 31 December of the year next to the
previous year's, with the change. HTML prints to A4 and needs no server; Markdown
pastes into a document; CSV and JSON carry every figure with its definition id.
CSV opens in Excel (UTF-8 with a byte-order mark); -sep semicolon writes ";"
and decimal commas for Danish Excel.

The report lists the figures that register corrections changed since the
first copy of the year's figures was kept. -keep keeps a copy of a finished
year's figures (when they differ from the last copy): do it when the report
is published. Without -keep the command only reads the database, so a
read-only database role is enough. A running server keeps the first copy of
a year by itself at the turn of the year.`, stderr)
	path := fs.String("config", "", "configuration `file`")
	year := fs.Int("year", civil.Today(time.Now()).Year()-1, "the report's `year`")
	format := fs.String("format", "html", "output format: html, md, csv or json")
	lang := fs.String("lang", "da", "language: da or en")
	sepName := fs.String("sep", "comma", "CSV separator: comma, or semicolon (with decimal commas) for Danish Excel")
	out := fs.String("o", "", "write to `file` instead of standard output")
	keep := fs.Bool("keep", false, "keep a copy of the finished year's figures, to list later corrections against")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "report takes no arguments, got %q\n", fs.Args())
		return errUsage
	}
	if !slices.Contains(report.Formats, *format) {
		fmt.Fprintf(stderr, "-format must be one of %s, not %q\n", strings.Join(report.Formats, ", "), *format)
		return errUsage
	}
	sep, err := table.ParseSeparator(*sepName)
	if err != nil || (*format != "csv" && *sepName != "comma") {
		fmt.Fprintf(stderr, "-sep must be comma or semicolon, and only with -format csv, not %q\n", *sepName)
		return errUsage
	}
	l, ok := locale.Parse(*lang)
	if !ok {
		fmt.Fprintf(stderr, "-lang must be da or en, not %q\n", *lang)
		return errUsage
	}
	if *year < 1990 || *year > 2100 {
		fmt.Fprintf(stderr, "-year must be between 1990 and 2100, not %d\n", *year)
		return errUsage
	}
	cfg, err := loadConfig(*path, stderr)
	if err != nil {
		return err
	}
	mode := readOnly
	if *keep {
		mode = readWrite
	}
	store, err := openStore(ctx, cfg, mode, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	calc := figures.New(store.ReadOnly(), cfg)
	now := time.Now()
	if *keep {
		kept, err := keepReport(ctx, store, calc, *year, now)
		if err != nil {
			return fmt.Errorf("keeping the %d figures: %w", *year, err)
		}
		if kept {
			fmt.Fprintf(stderr, "kept a copy of the %d figures\n", *year)
		} else {
			fmt.Fprintf(stderr, "the %d figures equal the last copy kept; nothing new kept\n", *year)
		}
	}
	rep, err := calc.ProduceReport(ctx, *year, now)
	if err != nil {
		return fmt.Errorf("computing the %d report: %w", *year, err)
	}
	var buf bytes.Buffer
	if *format == "csv" {
		err = report.WriteCSV(&buf, rep, sep)
	} else {
		err = report.Write(&buf, cfg, rep, *format, l)
	}
	if err != nil {
		return err
	}
	if toFile, err := writeOutput(*out, buf.Bytes(), stdout); err != nil || !toFile {
		return err
	}
	if len(rep.Corrections) > 0 {
		fmt.Fprintf(stderr, "note: %d figure(s) changed since the first copy of the figures was kept %s; see the report's notes\n", len(rep.Corrections), rep.FirstProducedAt)
	}
	fmt.Fprintf(stderr, "wrote %s (%d report, %s, %s)\n", *out, *year, *format, l)
	return nil
}

// keepReport keeps a copy of a finished year's figures, so that later
// corrections to the register can be listed against what was published.
// A copy equal to the newest one is not kept again. It reports whether a
// copy was written. Only this command and the server's schedule
// (keepReports) write copies: figures only read.
func keepReport(ctx context.Context, store *storage.Store, calc *figures.Calculator, year int, now time.Time) (bool, error) {
	figs, err := calc.FiguresToKeep(ctx, year, now)
	if err != nil {
		return false, err
	}
	latest, err := store.LatestReport(ctx, year)
	switch {
	case err == nil && latest.Figures == figs:
		return false, nil
	case err != nil && !errors.Is(err, storage.ErrNotFound):
		return false, err
	}
	if _, err := store.SaveReport(ctx, year, figs); err != nil {
		return false, err
	}
	return true, nil
}

// writeOutput writes a command's output to the file name, or to stdout
// when name is empty; toFile says which.
func writeOutput(name string, data []byte, stdout io.Writer) (toFile bool, err error) {
	if name == "" {
		_, err := stdout.Write(data)
		return false, err
	}
	return true, writeFileAtomic(name, data)
}

// writeFileAtomic writes next to the target and renames, so a failed run
// never leaves a half-written file behind.
func writeFileAtomic(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".os2pulse-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}
