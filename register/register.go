// Package register reads the adoption register and the members list: the
// files that say which organisation runs which product since when, and
// who is an OS2 member. It checks every rule and reports every problem with
// its place in the file, or returns a register ready for
// storage.ImportRegister.
package register

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"os2pulse/config"
	"os2pulse/problems"
	"os2pulse/storage"
)

// ColumnOrganizationName is the organisation's name in an export's
// adoption table: for people, ignored by an import.
const ColumnOrganizationName = "organization_name"

// The columns of the two register files. Columns may come in any order;
// any other column is an error, so a misspelt column is never silently
// ignored.
var (
	AdoptionColumns = []string{"organization", "product", "status", "since", "until", "note"}
	MembersColumns  = []string{"organization", "name", "kind", "member_since", "member_until"}

	// adoptionRead are the columns an adoption table may have: the
	// export writes each organisation's name beside its code, for the
	// reader, and an import leaves the name aside (the code says who).
	adoptionRead     = append(AdoptionColumns[:len(AdoptionColumns):len(AdoptionColumns)], ColumnOrganizationName)
	adoptionRequired = []string{"organization", "product", "status", "since"}
	membersRequired  = []string{"organization", "kind", "member_since"}
)

// statusNames maps the accepted status spellings, English and the Danish
// ones spreadsheets in municipalities use, to the stored status.
var statusNames = map[string]string{
	"production": storage.StatusProduction,
	"i drift":    storage.StatusProduction,
	"pilot":      storage.StatusPilot,
	"planned":    storage.StatusPlanned,
	"planlagt":   storage.StatusPlanned,
	"stopped":    storage.StatusStopped,
	"ophørt":     storage.StatusStopped,
}

var kinds = []string{storage.KindMunicipality, storage.KindRegion, storage.KindState, storage.KindOther}

// organisationIDRe is the form of ids of organisations other than
// municipalities; they start with a letter so that they can never be
// mistaken for a kommunekode.
var organisationIDRe = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,63}$`)

// maxRegisterSize bounds a register file; a real one is well below 1 MB.
const maxRegisterSize = 32 << 20

// municipalityCode interprets s as a kommunekode. numeric reports whether s
// is written as one (digits only); code is the normalised code ("0101" →
// "101") when it names one of the 98 municipalities, else "".
func municipalityCode(s string) (code string, numeric bool) {
	if s == "" {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	if len(s) > 4 {
		return "", true
	}
	n, _ := strconv.Atoi(s)
	c := strconv.Itoa(n)
	ms, err := municipalities()
	if err != nil || !ms.codes[c] {
		return "", true
	}
	return c, true
}

// Read reads one register file called name (a path or URL, for messages)
// from r, refusing one larger than a register can sensibly be.
func Read(name string, r io.Reader) (File, error) {
	data, err := readLimited(name, r)
	if err != nil {
		return File{}, err
	}
	return File{Name: name, Data: data}, nil
}

func readLimited(name string, r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxRegisterSize+1))
	if err != nil {
		return nil, fmt.Errorf("register: reading %s: %w", name, err)
	}
	if len(data) > maxRegisterSize {
		return nil, &problems.Error{Problems: []string{fmt.Sprintf("%s:1: larger than %d MB", name, maxRegisterSize>>20)}}
	}
	return data, nil
}

// File is the name (path or URL, used in messages) and content of
// one register file.
type File struct {
	Name string
	Data []byte
}

// Parsed is a checked register, ready for storage.ImportRegister, with
// what the person who gave it should know about how it was read.
type Parsed struct {
	storage.Register
	// Notes say how files were read, e.g. that a CSV file was not UTF-8
	// and was read as Windows-1252.
	Notes []string
}

// Parse parses and validates a register given as one or two files into
// one register ready for storage.ImportRegister. A workbook (.xlsx)
// supplies the tables it has sheets for: adoption (or ibrugtagning) and
// members (or medlemmer). A CSV file is the adoption register when it
// comes first, the members list when it comes second. A register without
// members leaves the memberships as they are, one without adoption the
// adoption records.
//
// Adoption rows may name municipalities and the organisations the members
// table defines, by code, id or name; without a members table, those in
// known instead (stored by an earlier import). All problems are returned
// together in one *problems.Error, the adoption table's first.
func Parse(cfg *config.Config, known []storage.Organization, files ...File) (Parsed, error) {
	products := map[string]bool{}
	for _, p := range cfg.Products {
		products[p.ID] = true
	}
	var out Parsed
	var names, fileProblems []string
	var adoption, members *table
	sum := sha256.New()
	for i, f := range files {
		names = append(names, f.Name)
		if i > 0 {
			sum.Write([]byte{0})
		}
		sum.Write(f.Data)
		kind, err := fileKind(f.Name, f.Data)
		if err != nil {
			fileProblems = append(fileProblems, err.Error())
			continue
		}
		if kind == kindCSV {
			text, note := decodeCSV(f.Name, f.Data)
			if note != "" {
				out.Notes = append(out.Notes, note)
			}
			if i == 0 {
				adoption = readCSV(text, adoptionRead, adoptionRequired, problems.NewList(f.Name, 0))
			} else if members == nil {
				members = readCSV(text, MembersColumns, membersRequired, problems.NewList(f.Name, 0))
			} else {
				fileProblems = append(fileProblems, f.Name+": the members list is given twice (a workbook's members sheet and this file)")
			}
			continue
		}
		ts, err := readWorkbook(f, adoption != nil, members != nil)
		if err != nil {
			fileProblems = append(fileProblems, problems.Of(err)...)
			continue
		}
		if ts[0] != nil {
			adoption = ts[0]
		}
		if ts[1] != nil {
			members = ts[1]
		}
	}
	out.Source = strings.Join(names, ", ")
	out.SHA256 = hex.EncodeToString(sum.Sum(nil))
	if len(fileProblems) == 0 && adoption == nil && members == nil {
		fileProblems = append(fileProblems, out.Source+": no register given")
	}

	orgs := known
	if members != nil {
		ml := parseMembers(members)
		if members.p.Len() == 0 {
			out.Organizations, out.Members = ml.Organizations, ml.Memberships
			orgs = ml.Organizations
		} else {
			// The list's organisations are unsure; do not report every
			// adoption row naming them as a second problem.
			orgs = namedOrganizations(members)
		}
	}
	all := fileProblems
	if adoption != nil {
		out.Adoptions = newAdoptionRules(products, newOrgNames(orgs)).table(adoption)
		all = append(all, adoption.p.All()...)
	}
	if members != nil {
		all = append(all, members.p.All()...)
	}
	if len(all) > 0 {
		return Parsed{}, &problems.Error{Problems: all}
	}
	return out, nil
}

// readWorkbook reads a workbook's adoption and members sheets ([0] and
// [1]; nil for a sheet it does not have). haveAdoption and haveMembers
// say the tables came already from an earlier file.
func readWorkbook(f File, haveAdoption, haveMembers bool) ([2]*table, error) {
	var out [2]*table
	wb, err := openWorkbook(f.Name, f.Data)
	if err != nil {
		return out, err
	}
	as, err := wb.sheet(adoptionSheets)
	if err != nil {
		return out, err
	}
	ms, err := wb.sheet(membersSheets)
	if err != nil {
		return out, err
	}
	fail := func(format string, args ...any) ([2]*table, error) {
		return [2]*table{}, &problems.Error{Problems: []string{f.Name + ": " + fmt.Sprintf(format, args...)}}
	}
	switch {
	case as == "" && ms == "":
		return fail("no sheet named adoption (ibrugtagning) or members (medlemmer); its sheets are %s", wb.sheetNames())
	case as != "" && haveAdoption:
		return fail("the adoption register is given twice (sheet %s and an earlier file)", as)
	case ms != "" && haveMembers:
		return fail("the members list is given twice (sheet %s and an earlier file)", ms)
	}
	if as != "" {
		if out[0], err = wb.readSheet(as, adoptionRead, adoptionRequired, problems.NewList(f.Name, 0)); err != nil {
			return out, err
		}
	}
	if ms != "" {
		if out[1], err = wb.readSheet(ms, MembersColumns, membersRequired, problems.NewList(f.Name, 0)); err != nil {
			return out, err
		}
	}
	return out, nil
}

// namedOrganizations is a lenient read of the organisations a members
// table with problems names, by id and by name.
func namedOrganizations(t *table) []storage.Organization {
	var out []storage.Organization
	for _, r := range t.rows {
		f := t.fields(r)
		if id := strings.ToLower(f["organization"]); id != "" {
			out = append(out, storage.Organization{ID: id, Name: f["name"], Kind: storage.KindOther})
		}
	}
	return out
}

// Summary describes an import for people, e.g. "12 added, 1
// changed, 2 ended (kept in history), 830 unchanged".
func Summary(s storage.ImportSummary) string {
	return fmt.Sprintf("%d added, %d changed, %d ended (kept in history), %d unchanged", s.Added, s.Changed, s.Ended, s.Unchanged)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
