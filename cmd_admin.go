package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/term"
)

const adminPasswdHelp = `Reads a password from standard input and prints its bcrypt hash, for an
[[admins]] entry of the configuration:

  [[admins]]
  name = "NAME"
  password_hash = "$2a$10$…"

On a terminal the password is asked for twice and not echoed; otherwise the
first line of standard input is the password (printf '%s\n' "$PW" | os2pulse
admin passwd NAME). A password has 10 to 72 bytes. The password itself is never
stored or printed.`

// Passwords shorter than this are refused; bcrypt reads at most 72 bytes.
const (
	minPassword = 10
	maxPassword = 72
)

const adminLogoutAllHelp = `Ends every session on the admin pages: of the admin NAME, or of every admin
without it. Whoever was logged in must log in again; use it when a password
may be known to someone else or a computer was lost. (Changing an admin's
password_hash in the configuration ends that admin's sessions too.)`

func cmdAdmin(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "logout-all" {
		return cmdAdminLogoutAll(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "passwd" {
		fmt.Fprintln(stderr, "Usage: os2pulse admin passwd NAME | admin logout-all [-config FILE] [NAME]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprintf(stderr, "\npasswd: %s\n\nlogout-all: %s\n", adminPasswdHelp, adminLogoutAllHelp)
			return nil
		}
		return errUsage
	}
	fs := newFlags("admin passwd", "admin passwd NAME", adminPasswdHelp, stderr)
	fs.String("config", "", "ignored; accepted like every command")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 || strings.TrimSpace(fs.Arg(0)) == "" {
		fs.Usage()
		return errUsage
	}
	fd := int(os.Stdin.Fd())
	return adminPasswd(fs.Arg(0), os.Stdin, term.IsTerminal(fd), func() ([]byte, error) { return term.ReadPassword(fd) }, stdout, stderr)
}

// cmdAdminLogoutAll ends the sessions of one admin or of all.
func cmdAdminLogoutAll(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("admin logout-all", "admin logout-all [-config FILE] [NAME]", adminLogoutAllHelp, stderr)
	path := fs.String("config", "", "configuration `file`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return errUsage
	}
	cfg, err := loadConfig(*path, stderr)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg, readWrite, stdout)
	if err != nil {
		return err
	}
	defer store.Close()
	name := strings.TrimSpace(fs.Arg(0))
	n, err := store.DeleteAdminSessions(ctx, name)
	if err != nil {
		return err
	}
	who := "every admin"
	if name != "" {
		who = name
	}
	fmt.Fprintf(stdout, "ended %d sessions of %s\n", n, who)
	return nil
}

// adminPasswd reads the password, from a terminal with readSecret (twice,
// without echo) or else the first line of in, and prints its hash.
func adminPasswd(name string, in io.Reader, terminal bool, readSecret func() ([]byte, error), stdout, stderr io.Writer) error {
	var pw []byte
	if terminal {
		fmt.Fprintf(stderr, "Password for %s: ", name)
		first, err := readSecret()
		fmt.Fprintln(stderr)
		if err != nil {
			return fmt.Errorf("reading the password: %w", err)
		}
		fmt.Fprint(stderr, "Again: ")
		again, err := readSecret()
		fmt.Fprintln(stderr)
		if err != nil {
			return fmt.Errorf("reading the password: %w", err)
		}
		if !bytes.Equal(first, again) {
			return errors.New("the two passwords differ")
		}
		pw = first
	} else {
		line, err := bufio.NewReader(in).ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("reading the password: %w", err)
		}
		pw = bytes.TrimRight(line, "\r\n")
	}
	if len(pw) < minPassword || len(pw) > maxPassword {
		return fmt.Errorf("the password has %d bytes; it needs %d to %d", len(pw), minPassword, maxPassword)
	}
	hash, err := bcrypt.GenerateFromPassword(pw, bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("hashing the password: %w", err)
	}
	fmt.Fprintln(stdout, string(hash))
	fmt.Fprintf(stderr, "Add to the configuration:\n\n[[admins]]\nname = %s\npassword_hash = %q\n", strconv.Quote(name), hash)
	return nil
}
