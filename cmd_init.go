package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"os2pulse/config"
)

func cmdInit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("init", "init [-o FILE] [-force]",
		`Writes a starting configuration: the built-in example portfolio (the real OS2
products and repositories, an illustrative register), every key explained in
its comments, with its data files beside it in example/ (adoption register,
members list, self-evaluations, git histories). Its relative paths are read
from the configuration's own directory, so it works where it is written:
os2pulse serve -config FILE. Replace the example register with the real one
before publishing a figure.

Files that already exist are reported and nothing is written, unless -force.`, stderr)
	out := fs.String("o", config.DefaultFile, "the configuration `file` to write; its data files go to example/ beside it")
	force := fs.Bool("force", false, "overwrite files that already exist")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	written, err := config.WriteStarter(*out, *force)
	if errors.Is(err, config.ErrExists) {
		return fmt.Errorf("%w (-force overwrites them)", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s and %d data files in %s\n", *out, len(written)-1, filepath.Join(filepath.Dir(*out), "example"))
	if *out == config.DefaultFile {
		fmt.Fprintln(stdout, "check it: os2pulse config check; serve it: os2pulse serve")
	} else {
		fmt.Fprintf(stdout, "check it: os2pulse config check -config %s; serve it: os2pulse serve -config %s\n", *out, *out)
	}
	return nil
}
