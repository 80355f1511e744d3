package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"os2pulse/dashboard"
	"os2pulse/figures"
)

func cmdReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("report", "report [-config FILE] -year YYYY [-format html|md|csv|json] [-lang da|en] [-o FILE]",
		`Writes the annual report: the figures as of 31 December of the year next to the
previous year's, with the change. HTML prints to A4 and needs no server; Markdown
pastes into a document; CSV and JSON carry every figure with its definition id.

A copy of the figures of a finished year is kept in the database whenever they
differ from the last copy, so a later report lists what register corrections
changed since the report was first produced.`, stderr)
	path := fs.String("config", "", "configuration `file`")
	year := fs.Int("year", time.Now().Year()-1, "the report's `year`")
	format := fs.String("format", "html", "output format: html, md, csv or json")
	lang := fs.String("lang", "da", "language: da or en")
	out := fs.String("o", "", "write to `file` instead of standard output")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "report takes no arguments, got %q\n", fs.Args())
		return errUsage
	}
	if !slices.Contains(dashboard.ReportFormats, *format) {
		fmt.Fprintf(stderr, "-format must be one of %s, not %q\n", strings.Join(dashboard.ReportFormats, ", "), *format)
		return errUsage
	}
	if *lang != "da" && *lang != "en" {
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
	store, err := openStore(ctx, cfg, true, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	rep, err := figures.New(store, cfg).ProduceReport(ctx, *year, time.Now(), true)
	if err != nil {
		return fmt.Errorf("computing the %d report: %w", *year, err)
	}
	var buf bytes.Buffer
	if err := dashboard.RenderReport(&buf, cfg, rep, *format, *lang); err != nil {
		return err
	}
	if *out == "" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	// Write next to the target and rename, so a failed run never leaves a
	// half-written report behind.
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".report-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	os.Chmod(*out, 0o644)
	if len(rep.Corrections) > 0 {
		fmt.Fprintf(stderr, "note: %d figure(s) changed since the report was first produced %s; see the report's notes\n", len(rep.Corrections), rep.FirstProducedAt)
	}
	fmt.Fprintf(stderr, "wrote %s (%d report, %s, %s)\n", *out, *year, *format, *lang)
	return nil
}
