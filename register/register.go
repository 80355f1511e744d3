// Package register reads the adoption register and the members list: the
// files that say which organisation runs which product since when, and
// who is an OS2 member. It checks every rule and reports every problem with
// its place in the file, or returns a register ready for
// storage.ImportRegister.
package register

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"os2pulse/config"
	"os2pulse/problems"
	"os2pulse/storage"
)

// The columns of the two register files. Columns may come in any order;
// any other column is an error, so a misspelt column is never silently
// ignored.
var (
	AdoptionColumns = []string{"organization", "product", "status", "since", "until", "note"}
	MembersColumns  = []string{"organization", "name", "kind", "member_since", "member_until"}

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

var municipalityNames = sync.OnceValues(func() (map[string]string, error) {
	ms, err := storage.Municipalities()
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(ms))
	for _, m := range ms {
		out[m.ID] = m.Name
	}
	return out, nil
})

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
	names, err := municipalityNames()
	if err != nil {
		return "", true
	}
	if _, ok := names[c]; !ok {
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

// ParseRegister parses and validates an adoption file and, when members is
// not nil, a members file, into one register ready for
// storage.ImportRegister. Adoption rows may name municipalities and the
// organisations the members file defines; without a members file, they may
// name the organisations in known instead (those stored by an earlier
// import). All problems of both files are returned together in one
// *problems.Error, adoption file first.
func Parse(cfg *config.Config, adoption File, members *File, known []storage.Organization) (storage.Register, error) {
	products := map[string]bool{}
	for _, p := range cfg.Products {
		products[p.ID] = true
	}
	reg := storage.Register{Source: adoption.Name}
	sum := sha256.New()
	sum.Write(adoption.Data)
	orgs := map[string]bool{}
	var memberProblems []string
	if members != nil {
		reg.Source += ", " + members.Name
		sum.Write([]byte{0})
		sum.Write(members.Data)
		ml, err := ParseMembers(members.Name, bytes.NewReader(members.Data))
		var pe *problems.Error
		switch {
		case errors.As(err, &pe):
			memberProblems = pe.Problems
		case err != nil:
			return storage.Register{}, err
		}
		reg.Organizations = ml.Organizations
		reg.Members = ml.Memberships
		orgs = ml.IDs()
		if err != nil {
			// The file's organisations are unknown; do not report every
			// adoption row naming them as a second problem.
			orgs = definedIDs(members.Data)
		}
	} else {
		for _, o := range known {
			if o.Kind != storage.KindMunicipality {
				orgs[o.ID] = true
			}
		}
	}
	reg.SHA256 = hex.EncodeToString(sum.Sum(nil))
	recs, err := ParseAdoption(adoption.Name, bytes.NewReader(adoption.Data), products, orgs)
	var pe *problems.Error
	switch {
	case errors.As(err, &pe):
		return storage.Register{}, &problems.Error{Problems: append(pe.Problems, memberProblems...)}
	case err != nil:
		return storage.Register{}, err
	case memberProblems != nil:
		return storage.Register{}, &problems.Error{Problems: memberProblems}
	}
	reg.Adoptions = recs
	return reg, nil
}

// definedIDs is a lenient read of the organisation ids in a members file
// that has problems, so that adoption rows naming them are not reported
// as well.
func definedIDs(data []byte) map[string]bool {
	out := map[string]bool{}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	col := -1
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			continue
		}
		if col < 0 {
			for i, h := range rec {
				if strings.ToLower(strings.TrimSpace(h)) == "organization" {
					col = i
				}
			}
			if col < 0 {
				return out
			}
			continue
		}
		if col < len(rec) {
			out[strings.ToLower(strings.TrimSpace(rec[col]))] = true
		}
	}
}

// RegisterSummary describes an import for people, e.g. "12 added, 1
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
