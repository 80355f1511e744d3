package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/storage"
)

// errProblems means problems were printed; exit status 1 without more text.
var errProblems = errors.New("problems found")

func cmdConfig(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "check" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprintln(stderr, "Usage: os2pulse config check [-config FILE]")
			return nil
		}
		fmt.Fprintln(stderr, "Usage: os2pulse config check [-config FILE]")
		return errUsage
	}
	fs := newFlags("config check", "config check [-config FILE]",
		`Reads and validates a configuration: unknown keys, invalid repository specs,
products, goals and affiliations are reported as FILE:LINE: problem. Exits 1
when there is any problem.`, stderr)
	path := fs.String("config", "", "configuration `file` (default ./os2pulse.toml, else the built-in example)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	cfg, err := config.Load(*path)
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) {
			for _, p := range ce.Problems {
				fmt.Fprintln(stderr, p)
			}
			return errProblems
		}
		return err
	}
	fmt.Fprintf(stdout, "%s: ok (%d products, %d goals, storage %s)\n", cfg.File, len(cfg.Products), len(cfg.Goals), cfg.Storage.Driver)
	return nil
}

// loadConfig loads the configuration named by -config, printing
// configuration problems one per line.
func loadConfig(path string, stderr io.Writer) (*config.Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) {
			for _, p := range ce.Problems {
				fmt.Fprintln(stderr, p)
			}
			return nil, errProblems
		}
		return nil, err
	}
	return cfg, nil
}

// openStore opens the configured database and brings its schema up to
// date (migrate=true) or checks that it is current.
func openStore(ctx context.Context, cfg *config.Config, migrate bool, log io.Writer) (*storage.Store, error) {
	s, err := storage.Open(ctx, cfg.Storage.Driver, cfg.Storage.DSN)
	if err != nil {
		return nil, err
	}
	if migrate {
		applied, err := s.Migrate(ctx)
		if err != nil {
			s.Close()
			return nil, err
		}
		for _, m := range applied {
			fmt.Fprintf(log, "applied migration %s\n", m)
		}
	} else if err := s.CheckSchema(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.SyncProducts(ctx, figures.StoreProducts(cfg)); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("migrate", "migrate [-config FILE]",
		"Applies every pending database migration, each in a transaction. Running it again does nothing.", stderr)
	path := fs.String("config", "", "configuration `file`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*path, stderr)
	if err != nil {
		return err
	}
	s, err := openStore(ctx, cfg, true, stdout)
	if err != nil {
		return err
	}
	defer s.Close()
	v, _ := s.SchemaVersion(ctx)
	fmt.Fprintf(stdout, "schema at version %d (%s)\n", v, cfg.Storage.Driver)
	return nil
}
