package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"os2pulse/civil"
	"os2pulse/collector"
	"os2pulse/register"
	"os2pulse/storage"
	"os2pulse/table"
)

const registerFormatHelp = `The register is an Excel workbook (.xlsx) or CSV files. A workbook has the
sheets adoption and members (or ibrugtagning and medlemmer), or either one
alone; a CSV file given first is the adoption register, one given second the
members list. Adoption has the columns organization, product, status, since,
until and note (and organization_name, which an export writes for the reader
and an import leaves aside); members organization, name, kind, member_since
and member_until. The columns come in any order; a header row names them.

CSV is UTF-8 (a file that is not, such as Danish Excel's "CSV
(semikolonsepareret)", is read as Windows-1252, and the summary says so),
separated by "," or ";". organization is a kommunekode (101-860), a
municipality's name ("Aarhus Kommune", "Århus", "Københavns Kommune"), or the
id or name of an organisation the members list defines (kind region, state or
other, with a name); names match exactly, ignoring case and "Kommune", and an
unknown one gets suggestions. status is production, pilot, planned or stopped
(or i drift, pilot, planlagt, ophørt). Dates are YYYY-MM-DD, DD-MM-YYYY or
DD.MM.YYYY (never MM/DD), or date cells in a workbook; until is optional and
after since. A members row with an empty member_since defines an organisation
that is not a member. Formula cells are read as their last calculated value;
macro-enabled workbooks (.xlsm) are refused.

Files may be local paths or http(s) URLs.`

const registerCheckHelp = `Validates a register and prints every problem as FILE:LINE: what is wrong
(FILE:sheet!CELL: for a workbook): unknown municipality codes, names,
organisations and products, bad dates and statuses, until not after since,
overlapping periods of one organisation and product, duplicate rows. Exits 1
when there is any problem. Without a members list only municipalities are
known organisations. The database is not touched.

` + registerFormatHelp

const registerImportHelp = `Validates like "register check", then imports the register in one
transaction; with any problem nothing changes. A re-import records what
changed: rows that changed or disappeared are kept in the history, so figures
can be recomputed as the register was known at any time. Prints how many rows
were added, changed, ended and unchanged; the audit trail (/admin/log) records
the import as made from the command line. Without a members list the
memberships stay as they are, and adoption rows may also name organisations
defined by an earlier import; without an adoption register the adoption
records stay as they are.

` + registerFormatHelp

const registerExportHelp = `Writes the register as it was known at the end of a day (today by default):
every adoption record and membership period, current and ended, in the layout
"register import" reads, so importing the export changes nothing. The format is
an Excel workbook with the sheets adoption and members, dates as date cells, or
CSV with one table (-table), UTF-8 with a byte-order mark so that Excel reads
æ, ø and å, separated by commas or, for Danish Excel, semicolons (-sep
semicolon). The adoption table has each organisation's name beside its code
(organization_name), which an import leaves aside. A text beginning with =, +,
-, @ or ' gets a leading ' so that no spreadsheet runs it as a formula; an
import removes it again. Without -o the file goes to standard output. Only
reads the database.`

func cmdRegister(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	synopsis := "register check|import|export [flags] [FILE [FILE]]"
	if len(args) == 0 || (args[0] != "check" && args[0] != "import" && args[0] != "export") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprintf(stderr, "Usage: os2pulse %s\n\n%s\n", synopsis, registerFormatHelp)
			return nil
		}
		fmt.Fprintf(stderr, "Usage: os2pulse %s\n", synopsis)
		return errUsage
	}
	if args[0] == "export" {
		return cmdRegisterExport(ctx, args[1:], stdout, stderr)
	}
	sub := args[0]
	help := registerCheckHelp
	if sub == "import" {
		help = registerImportHelp
	}
	subSynopsis := "register " + sub + " [-config FILE] REGISTER.xlsx | ADOPTION.csv [MEMBERS.csv|MEMBERS.xlsx]"
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
	var files []register.File
	for _, name := range fs.Args() {
		f, err := collector.ReadRegisterFile(ctx, name)
		if err != nil {
			return err
		}
		files = append(files, f)
	}

	if sub == "check" {
		reg, err := register.Parse(cfg, nil, files...)
		if err != nil {
			return err
		}
		var parts []string
		if reg.Adoptions != nil {
			parts = append(parts, fmt.Sprintf("%d adoption records", len(reg.Adoptions)))
		}
		if reg.Members != nil {
			parts = append(parts, fmt.Sprintf("%d membership periods, %d organisations besides municipalities", len(reg.Members), len(reg.Organizations)))
		}
		fmt.Fprintf(stdout, "%s: ok (%s)\n", reg.Source, strings.Join(parts, ", "))
		printNotes(stdout, reg.Notes)
		return nil
	}

	// Applied migrations are something done, not something wrong: stdout,
	// so that stderr holds only the register's problems.
	store, err := openStore(ctx, cfg, readWrite, stdout)
	if err != nil {
		return err
	}
	defer store.Close()
	known, err := store.Organizations(ctx)
	if err != nil {
		return err
	}
	reg, err := register.Parse(cfg, known, files...)
	if err != nil {
		return err
	}
	reg.Audit = storage.Audit{Via: storage.ViaCommandLine}
	sum, err := store.ImportRegister(ctx, reg.Register)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %s: %s\n", strings.Join(fs.Args(), " and "), register.Summary(sum))
	printNotes(stdout, reg.Notes)
	return nil
}

func printNotes(w io.Writer, notes []string) {
	for _, n := range notes {
		fmt.Fprintln(w, "note:", n)
	}
}

func cmdRegisterExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("register export", "register export [-config FILE] [-format xlsx|csv] [-table adoption|members] [-sep comma|semicolon] [-date YYYY-MM-DD] [-o FILE]", registerExportHelp, stderr)
	path := fs.String("config", "", "configuration `file`")
	format := fs.String("format", register.FormatXLSX, "`format`: xlsx (both tables) or csv (one table)")
	tableName := fs.String("table", register.TableAdoption, "the `table` a CSV export holds: adoption or members")
	sepName := fs.String("sep", "comma", "the CSV `separator`: comma, or semicolon for Danish Excel")
	date := fs.String("date", "", "the register as known at the end of this `day` (YYYY-MM-DD); default today")
	out := fs.String("o", "", "output `file`; standard output when empty")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 || (*format != register.FormatXLSX && *format != register.FormatCSV) ||
		(*tableName != register.TableAdoption && *tableName != register.TableMembers) {
		fs.Usage()
		return errUsage
	}
	sep, err := table.ParseSeparator(*sepName)
	if err != nil || *sepName == "" {
		fmt.Fprintf(stderr, "os2pulse: -sep %q: not comma or semicolon\n", *sepName)
		return errUsage
	}
	knownAt := ""
	if *date != "" {
		d, err := civil.Parse(*date)
		if err != nil {
			fmt.Fprintf(stderr, "os2pulse: -date %q: %v\n", *date, err)
			return errUsage
		}
		knownAt = endOfDayStamp(d)
	}
	cfg, err := loadConfig(*path, stderr)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg, readOnly, stderr)
	if err != nil {
		return err
	}
	defer store.Close()
	c, err := register.ReadStored(ctx, store, knownAt)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if *format == register.FormatXLSX {
		err = register.WriteXLSX(&buf, c)
	} else {
		err = register.WriteCSV(&buf, c, *tableName, sep)
	}
	if err != nil {
		return err
	}
	if *out == "" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	if err := writeFileAtomic(*out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote %s (%d adoption records, %d membership periods)\n", *out, len(c.Adoptions), len(c.Memberships))
	return nil
}

// endOfDayStamp is the last stored stamp of day d in Denmark: the
// register "as known on d" is what had been recorded by then.
func endOfDayStamp(d civil.Date) string {
	y, m, day := d.Parts()
	return storage.Stamp(time.Date(y, m, day+1, 0, 0, 0, 0, civil.Copenhagen).Add(-time.Microsecond))
}
