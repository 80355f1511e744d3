package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"os2pulse/storage"
)

func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backup", "backup [-config FILE] -o FILE",
		`Writes a consistent copy of the SQLite database to FILE, also while
os2pulse serves, collects or imports: the copy holds every write committed
when it began (each batch of an import whole or not at all) and nothing
after, and no write waits for it. FILE is written whole or not at all and
is never overwritten. Restore it with "os2pulse restore".

PostgreSQL: use pg_dump -Fc and pg_restore (docs/deploy.md).`, stderr)
	path := fs.String("config", "", "configuration `file`")
	out := fs.String("o", "", "the backup `file` to write (required; must not exist)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "os2pulse backup: give the file to write with -o FILE, and nothing else")
		fs.Usage()
		return errUsage
	}
	cfg, err := loadConfig(*path, stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	v, err := storage.Backup(ctx, cfg.Storage.Driver, cfg.Storage.DSN, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (schema version %d) in %s\n", *out, v, time.Since(start).Round(time.Millisecond))
	return nil
}

func cmdRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("restore", "restore [-config FILE] BACKUP",
		`Replaces the configured SQLite database with BACKUP (a file written by
"os2pulse backup"), after checking that it is whole and an os2pulse
database this version can use. Refuses while any process has the database
open: stop os2pulse serve (and any collect or import) first, and start it
again after; it migrates a backup of an older version on start. The
database replaced is kept beside it as FILE.before-restore-TIMESTAMP.

PostgreSQL: use pg_restore (docs/deploy.md).`, stderr)
	path := fs.String("config", "", "configuration `file`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "os2pulse restore: give one backup file")
		fs.Usage()
		return errUsage
	}
	cfg, err := loadConfig(*path, stderr)
	if err != nil {
		return err
	}
	kept, err := storage.Restore(ctx, cfg.Storage.Driver, cfg.Storage.DSN, fs.Arg(0), time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s from %s\n", cfg.Storage.DSN, fs.Arg(0))
	if kept != "" {
		fmt.Fprintf(stdout, "the database it replaced is kept as %s\n", kept)
	}
	return nil
}
