package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"os2pulse/config"
	"os2pulse/problems"
	"os2pulse/storage"
)

// errProblems means problems were printed; exit status 1 without more text.
var errProblems = errors.New("problems found")

func cmdConfig(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprintln(stderr, "Usage: os2pulse config check [-config FILE]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			return nil
		}
		return errUsage
	}
	fs := newFlags("config check", "config check [-config FILE]",
		`Reads and validates a configuration: unknown keys, invalid repository specs,
products, goals and affiliations, and register and activity files that do not
exist or cannot be read, unknown forge hosts, GitLab token variables
([[forges]] token_env) that are not set, and an admin token (in the variable
server.admin_token_env names) shorter than 32 characters, are reported as
FILE:LINE: problem. Exits 1 when there is any problem. The database is not
touched, and register URLs are not
fetched.`, stderr)
	path := fs.String("config", "", "configuration `file` (default ./os2pulse.toml, else the built-in example)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	cfg, err := loadConfig(*path, stderr)
	if err != nil {
		return err
	}
	var probs []string
	for _, err := range []error{cfg.CheckFiles(), cfg.CheckTokens(os.LookupEnv)} {
		if ps := problems.Of(err); ps != nil {
			probs = append(probs, ps...)
		} else if err != nil {
			return err
		}
	}
	if _, err := adminToken(cfg); err != nil {
		probs = append(probs, err.Error())
	}
	if len(probs) > 0 {
		return &problems.Error{Problems: probs}
	}
	fmt.Fprintf(stdout, "%s: ok (%d products, %d goals, storage %s)\n", cfg.File, len(cfg.Products), len(cfg.Goals), cfg.Storage.Driver)
	return nil
}

// loadConfig loads the configuration named by -config, printing
// configuration problems one per line.
func loadConfig(path string, stderr io.Writer) (*config.Config, error) {
	cfg, err := config.Load(path)
	if ps := problems.Of(err); ps != nil {
		for _, p := range ps {
			fmt.Fprintln(stderr, p)
		}
		return nil, errProblems
	}
	return cfg, err
}

// openMode says what a command may do to the database.
type openMode int

const (
	// readOnly: the schema must be current; nothing is written, so a
	// read-only database role is enough.
	readOnly openMode = iota
	// readWrite: pending migrations are applied and the configured
	// products synchronised.
	readWrite
)

// openStore opens the configured database. With readWrite it brings the
// schema up to date, reporting applied migrations to log, and stores the
// configured products; with readOnly it only checks that the schema is
// current.
func openStore(ctx context.Context, cfg *config.Config, mode openMode, log io.Writer) (*storage.Store, error) {
	s, err := storage.Open(ctx, cfg.Storage.Driver, cfg.Storage.DSN)
	if err != nil {
		return nil, err
	}
	if mode == readOnly {
		if err := s.CheckSchema(ctx); err != nil {
			s.Close()
			return nil, err
		}
		return s, nil
	}
	applied, err := s.Migrate(ctx)
	if err != nil {
		s.Close()
		return nil, err
	}
	for _, m := range applied {
		fmt.Fprintf(log, "applied migration %s\n", m)
	}
	if err := s.SyncProducts(ctx, storage.ConfiguredProducts(cfg)); err != nil {
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
	s, err := openStore(ctx, cfg, readWrite, stdout)
	if err != nil {
		return err
	}
	defer s.Close()
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "schema at version %d (%s)\n", v, cfg.Storage.Driver)
	return nil
}
