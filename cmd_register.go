package main

import (
	"context"
	"fmt"
	"io"

	"os2pulse/collector"
	"os2pulse/register"
	"os2pulse/storage"
)

const registerFormatHelp = `ADOPTION.csv has the columns organization, product, status, since, until and
note; MEMBERS.csv organization, name, kind, member_since and member_until.
Both are UTF-8 CSV with a header row, separated by "," or ";", columns in any
order. organization is a kommunekode (101-860) or the id of an organisation
the members file defines (kind region, state or other, with a name); status is
production, pilot, planned or stopped (or i drift, pilot, planlagt, ophørt);
dates are YYYY-MM-DD, until is optional and after since. A members row with an
empty member_since defines an organisation that is not a member.

Files may be local paths or http(s) URLs.`

const registerCheckHelp = `Validates an adoption register and, optionally, a members file, and prints
every problem as FILE:LINE: what is wrong: unknown municipality codes,
organisations and products, bad dates and statuses, until not after since,
overlapping periods of one organisation and product, duplicate rows. Exits 1
when there is any problem. Without MEMBERS.csv only municipalities are known
organisations. The database is not touched.

` + registerFormatHelp

const registerImportHelp = `Validates like "register check", then imports the register in one
transaction; with any problem nothing changes. A re-import records what
changed: rows that changed or disappeared are kept in the history, so figures
can be recomputed as the register was known at any time. Prints how many rows
were added, changed, ended and unchanged. Without MEMBERS.csv the memberships
stay as they are, and adoption rows may also name organisations defined by an
earlier members import.

` + registerFormatHelp

func cmdRegister(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	synopsis := "register check|import [-config FILE] ADOPTION.csv [MEMBERS.csv]"
	if len(args) == 0 || (args[0] != "check" && args[0] != "import") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprintf(stderr, "Usage: os2pulse %s\n\n%s\n", synopsis, registerFormatHelp)
			return nil
		}
		fmt.Fprintf(stderr, "Usage: os2pulse %s\n", synopsis)
		return errUsage
	}
	sub := args[0]
	help := registerCheckHelp
	if sub == "import" {
		help = registerImportHelp
	}
	subSynopsis := "register " + sub + " [-config FILE] ADOPTION.csv [MEMBERS.csv]"
	fs := newFlags("register "+sub, subSynopsis, help, stderr)
	path := fs.String("config", "", "configuration `file` (its products are the known product ids)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() < 1 || fs.NArg() > 2 {
		fmt.Fprintf(stderr, "Usage: os2pulse %s\n", subSynopsis)
		return errUsage
	}
	cfg, err := loadConfig(*path, stderr)
	if err != nil {
		return err
	}
	adoption, err := collector.ReadRegisterFile(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	var members *register.File
	if fs.NArg() == 2 {
		m, err := collector.ReadRegisterFile(ctx, fs.Arg(1))
		if err != nil {
			return err
		}
		members = &m
	}

	if sub == "check" {
		reg, err := register.Parse(cfg, adoption, members, nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: ok (%d adoption records", reg.Source, len(reg.Adoptions))
		if members != nil {
			fmt.Fprintf(stdout, ", %d membership periods, %d organisations besides municipalities", len(reg.Members), len(reg.Organizations))
		}
		fmt.Fprintln(stdout, ")")
		return nil
	}

	// With a members file the register is complete in itself: check it
	// before the database is even opened.
	if members != nil {
		if _, err := register.Parse(cfg, adoption, members, nil); err != nil {
			return err
		}
	}
	// Applied migrations are something done, not something wrong: stdout,
	// so that stderr holds only the register's problems.
	store, err := openStore(ctx, cfg, readWrite, stdout)
	if err != nil {
		return err
	}
	defer store.Close()
	var known []storage.Organization
	if members == nil {
		if known, err = store.Organizations(ctx); err != nil {
			return err
		}
	}
	reg, err := register.Parse(cfg, adoption, members, known)
	if err != nil {
		return err
	}
	sum, err := store.ImportRegister(ctx, reg)
	if err != nil {
		return err
	}
	names := adoption.Name
	if members != nil {
		names += " and " + members.Name
	}
	fmt.Fprintf(stdout, "imported %s: %s\n", names, register.Summary(sum))
	return nil
}
