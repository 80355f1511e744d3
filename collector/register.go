package collector

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"os2pulse/config"
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

// maxRegisterProblems keeps the report of a wholly wrong file finite while
// still listing every problem of any real file.
const maxRegisterProblems = 1000

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

// problems collects "FILE:LINE: what is wrong" lines for one file.
type problems struct {
	name  string
	list  []string
	extra int
}

func (p *problems) add(line int, format string, args ...any) {
	if len(p.list) >= maxRegisterProblems {
		p.extra++
		return
	}
	p.list = append(p.list, fmt.Sprintf("%s:%d: %s", p.name, line, fmt.Sprintf(format, args...)))
}

func (p *problems) all() []string {
	if p.extra > 0 {
		return append(p.list, fmt.Sprintf("%s: and %d more problems", p.name, p.extra))
	}
	return p.list
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return &ParseError{Problems: p.all()}
}

// csvRow is one data row of a register file by column name.
type csvRow struct {
	line   int
	fields map[string]string
}

// readTable reads a register CSV: an optional BOM, a header naming the
// columns in any order, then rows. The separator is ";" when the header
// has more semicolons than commas (Danish spreadsheets), else ",". Fields
// are trimmed; rows that are wholly empty (spreadsheets write ";;;;") are
// skipped. It returns nil rows when the header makes the file unreadable.
func readTable(data []byte, columns, required []string, p *problems) []csvRow {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	sep := ','
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		sep = ';'
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sep
	r.FieldsPerRecord = -1
	want := strings.Join(columns, ",")

	var header []string
	headerLine := 1
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			p.add(headerLine, "empty file: expected the header %s", want)
			return nil
		}
		if err != nil {
			p.add(csvErrorLine(err, headerLine), "%s", csvErrorText(err))
			return nil
		}
		headerLine, _ = r.FieldPos(0)
		if !emptyRecord(rec) {
			header = rec
			break
		}
	}
	known := map[string]bool{}
	for _, c := range columns {
		known[c] = true
	}
	index := map[string]int{}
	usable := true
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case h == "":
			p.add(headerLine, "column %d has no name (the columns are %s)", i+1, want)
		case !utf8.ValidString(h) || !known[h]:
			p.add(headerLine, "unknown column %q (the columns are %s)", clip(h), want)
		case index[h] != 0:
			p.add(headerLine, "column %q appears twice", h)
			usable = false
		default:
			index[h] = i + 1
		}
	}
	for _, c := range required {
		if index[c] == 0 {
			p.add(headerLine, "missing column %q (the columns are %s)", c, want)
			usable = false
		}
	}
	if !usable {
		return nil
	}

	var rows []csvRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p.add(csvErrorLine(err, headerLine), "%s", csvErrorText(err))
			// An unterminated quote swallows the rest of the file; any
			// other error costs only its own line.
			continue
		}
		line, _ := r.FieldPos(0)
		if emptyRecord(rec) {
			continue
		}
		if len(rec) != len(header) {
			p.add(line, "%d fields, the header has %d", len(rec), len(header))
			continue
		}
		if bad := badText(rec); bad != "" {
			p.add(line, "%s", bad)
			continue
		}
		row := csvRow{line: line, fields: map[string]string{}}
		for c, i := range index {
			row.fields[c] = strings.TrimSpace(rec[i-1])
		}
		rows = append(rows, row)
	}
	return rows
}

func csvErrorLine(err error, def int) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) && pe.Line > 0 {
		return pe.Line
	}
	return def
}

func csvErrorText(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return "not valid CSV: " + pe.Err.Error()
	}
	return "not valid CSV: " + err.Error()
}

func emptyRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// badText rejects what the databases cannot store: PostgreSQL refuses NUL
// bytes and invalid UTF-8 in text.
func badText(rec []string) string {
	for _, f := range rec {
		if !utf8.ValidString(f) {
			return "not valid UTF-8 (save the file as UTF-8)"
		}
		if strings.IndexByte(f, 0) >= 0 {
			return "contains a NUL byte"
		}
	}
	return ""
}

// parseDay parses a YYYY-MM-DD field; col names it in messages.
func parseDay(col, s string) (string, error) {
	if s == "" {
		return "", fmt.Errorf("%s is missing (YYYY-MM-DD)", col)
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return "", fmt.Errorf("%s %q is not a date (YYYY-MM-DD)", col, clip(s))
	}
	return t.Format(time.DateOnly), nil
}

// period describes [since, until) for messages.
func period(since, until string) string {
	if until == "" {
		return "from " + since + " (no until)"
	}
	return "from " + since + " until " + until
}

// overlaps reports whether [s1, u1) and [s2, u2) share a day; "" is open.
func overlaps(s1, u1, s2, u2 string) bool {
	return (u2 == "" || s1 < u2) && (u1 == "" || s2 < u1)
}

// spans are the accepted periods of one organisation (and product): they
// do not overlap, so sorted by since they are sorted by until too, and a
// new period can only overlap one of its two neighbours. Checking every
// earlier period instead made a long history of one organisation and
// product quadratic (18 s for 40,000 rows).
type spans[T any] []spanEntry[T]

type spanEntry[T any] struct {
	since, until string
	line         int
	v            T
}

// conflict returns the index of an accepted period that shares a day
// with [since, until) (-1 if none; one that begins the same day first),
// and where the period goes when it is accepted.
func (s spans[T]) conflict(since, until string) (conflict, at int) {
	at = sort.Search(len(s), func(i int) bool { return s[i].since >= since })
	if at < len(s) && overlaps(since, until, s[at].since, s[at].until) {
		return at, at
	}
	if at > 0 && overlaps(since, until, s[at-1].since, s[at-1].until) {
		return at - 1, at
	}
	return -1, at
}

func (s *spans[T]) insert(at int, e spanEntry[T]) { *s = slices.Insert(*s, at, e) }

// MembersList is a parsed members file.
type MembersList struct {
	// Organizations are the organisations the file defines, except
	// municipalities, which are built in.
	Organizations []storage.Organization
	// Memberships are the membership periods, in file order; never nil.
	Memberships []storage.Membership
}

// IDs returns the ids of the organisations the file defines.
func (m MembersList) IDs() map[string]bool {
	out := map[string]bool{}
	for _, o := range m.Organizations {
		out[o.ID] = true
	}
	return out
}

// ParseMembers reads a members file (organization, name, kind,
// member_since, member_until). A row with an empty member_since defines an
// organisation that is not a member, so that adoption rows can name it.
// name is the file name used in messages. Either the whole file is valid,
// or a *ParseError lists every problem as "FILE:LINE: what is wrong".
func ParseMembers(name string, r io.Reader) (MembersList, error) {
	p := &problems{name: name}
	data, err := readLimited(name, r)
	if err != nil {
		return MembersList{}, err
	}
	rows := readTable(data, MembersColumns, membersRequired, p)
	out := MembersList{Memberships: []storage.Membership{}}
	type def struct {
		line int
		org  storage.Organization
	}
	defined := map[string]def{}
	periods := map[string]*spans[struct{}]{}
	for _, row := range rows {
		f := row.fields
		raw := f["organization"]
		if raw == "" {
			p.add(row.line, "organization is empty")
			continue
		}
		kind := strings.ToLower(f["kind"])
		org := storage.Organization{Name: f["name"], Kind: kind}
		code, numeric := municipalityCode(raw)
		switch {
		case numeric && code == "":
			p.add(row.line, "unknown municipality code %q", clip(raw))
			continue
		case numeric:
			org.ID = code
			if kind != storage.KindMunicipality {
				p.add(row.line, "kind %q, but %s is a kommunekode (kind municipality)", clip(f["kind"]), code)
				continue
			}
		default:
			org.ID = strings.ToLower(raw)
			if !organisationIDRe.MatchString(org.ID) {
				p.add(row.line, "organization %q is neither a kommunekode (101–860) nor an id of lower-case letters, digits, - and _ starting with a letter (e.g. region-midtjylland)", clip(raw))
				continue
			}
			switch {
			case kind == storage.KindMunicipality:
				p.add(row.line, "kind municipality needs a kommunekode (101–860), not %q", clip(raw))
				continue
			case !contains(kinds, kind):
				p.add(row.line, "kind %q is not one of municipality, region, state, other", clip(f["kind"]))
				continue
			case org.Name == "":
				p.add(row.line, "name is empty; it is required for organisations other than municipalities")
				continue
			}
		}
		since, until := f["member_since"], f["member_until"]
		var bad bool
		if since != "" {
			if since, err = parseDay("member_since", since); err != nil {
				p.add(row.line, "%v", err)
				bad = true
			}
		}
		if until != "" {
			if until, err = parseDay("member_until", until); err != nil {
				p.add(row.line, "%v", err)
				bad = true
			}
		}
		if bad {
			continue
		}
		switch {
		case since == "" && until != "":
			p.add(row.line, "member_until without member_since")
			continue
		case until != "" && until <= since:
			p.add(row.line, "member_until %s is not after member_since %s", until, since)
			continue
		}
		// Municipalities keep their built-in names; the name column is
		// only a help for whoever edits the file.
		if !numeric {
			if d, ok := defined[org.ID]; ok && (d.org.Name != org.Name || d.org.Kind != org.Kind) {
				p.add(row.line, "%s is defined on line %d with another name or kind", org.ID, d.line)
				continue
			} else if !ok {
				defined[org.ID] = def{row.line, org}
				out.Organizations = append(out.Organizations, org)
			}
		}
		if since == "" {
			continue
		}
		ps := periods[org.ID]
		if ps == nil {
			ps = &spans[struct{}]{}
			periods[org.ID] = ps
		}
		i, at := ps.conflict(since, until)
		if i >= 0 {
			q := (*ps)[i]
			if q.since == since && q.until == until {
				p.add(row.line, "duplicate of line %d", q.line)
			} else {
				p.add(row.line, "membership %s overlaps line %d (%s)", period(since, until), q.line, period(q.since, q.until))
			}
			continue
		}
		ps.insert(at, spanEntry[struct{}]{since: since, until: until, line: row.line})
		out.Memberships = append(out.Memberships, storage.Membership{OrganizationID: org.ID, Since: since, Until: until})
	}
	if err := p.err(); err != nil {
		return MembersList{}, err
	}
	return out, nil
}

// ParseAdoption reads an adoption register (organization, product, status,
// since, until, note). products holds the configured product ids; orgs the
// ids of organisations other than municipalities that rows may name. name
// is the file name used in messages. Either every row is valid, or a
// *ParseError lists every problem as "FILE:LINE: what is wrong".
func ParseAdoption(name string, r io.Reader, products, orgs map[string]bool) ([]storage.AdoptionRecord, error) {
	p := &problems{name: name}
	data, err := readLimited(name, r)
	if err != nil {
		return nil, err
	}
	rows := readTable(data, AdoptionColumns, adoptionRequired, p)
	type key struct{ org, product string }
	seen := map[key]*spans[storage.AdoptionRecord]{}
	out := []storage.AdoptionRecord{}
	for _, row := range rows {
		f := row.fields
		var rec storage.AdoptionRecord
		var msgs []string
		bad := func(format string, args ...any) { msgs = append(msgs, fmt.Sprintf(format, args...)) }

		raw := f["organization"]
		code, numeric := municipalityCode(raw)
		switch {
		case raw == "":
			bad("organization is empty")
		case numeric && code == "":
			bad("unknown municipality code %q", clip(raw))
		case numeric:
			rec.OrganizationID = code
		case !orgs[strings.ToLower(raw)]:
			bad("unknown organisation %q: not a kommunekode (101–860) and not defined in the members file", clip(raw))
		default:
			rec.OrganizationID = strings.ToLower(raw)
		}

		switch prod := strings.ToLower(f["product"]); {
		case prod == "":
			bad("product is empty")
		case !products[prod]:
			bad("unknown product %q (not in the configuration)", clip(f["product"]))
		default:
			rec.ProductID = prod
		}

		if st, ok := statusNames[strings.ToLower(f["status"])]; ok {
			rec.Status = st
		} else if f["status"] == "" {
			bad("status is empty (production, pilot, planned or stopped)")
		} else {
			bad("status %q is not production, pilot, planned or stopped (or i drift, pilot, planlagt, ophørt)", clip(f["status"]))
		}

		var errS, errU error
		rec.Since, errS = parseDay("since", f["since"])
		if errS != nil {
			bad("%v", errS)
		}
		if u := f["until"]; u != "" {
			rec.Until, errU = parseDay("until", u)
			if errU != nil {
				bad("%v", errU)
			}
		}
		if errS == nil && errU == nil && rec.Until != "" && rec.Until <= rec.Since {
			if rec.Until == rec.Since {
				bad("until %s is the same day as since; a period lasts at least one day", rec.Until)
			} else {
				bad("until %s is before since %s", rec.Until, rec.Since)
			}
		}
		rec.Note = f["note"]
		if len(msgs) > 0 {
			for _, m := range msgs {
				p.add(row.line, "%s", m)
			}
			continue
		}

		k := key{rec.OrganizationID, rec.ProductID}
		ps := seen[k]
		if ps == nil {
			ps = &spans[storage.AdoptionRecord]{}
			seen[k] = ps
		}
		i, at := ps.conflict(rec.Since, rec.Until)
		if i >= 0 {
			q := (*ps)[i]
			switch {
			case q.v == rec:
				p.add(row.line, "duplicate of line %d", q.line)
			case q.since == rec.Since:
				p.add(row.line, "%s has %s since %s already on line %d", rec.OrganizationID, rec.ProductID, rec.Since, q.line)
			default:
				p.add(row.line, "%s at %s %s overlaps line %d (%s %s)", rec.ProductID, rec.OrganizationID, period(rec.Since, rec.Until), q.line, q.v.Status, period(q.since, q.until))
			}
			continue
		}
		ps.insert(at, spanEntry[storage.AdoptionRecord]{since: rec.Since, until: rec.Until, line: row.line, v: rec})
		out = append(out, rec)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return out, nil
}

func readLimited(name string, r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxRegisterSize+1))
	if err != nil {
		return nil, fmt.Errorf("collector: reading %s: %w", name, err)
	}
	if len(data) > maxRegisterSize {
		return nil, &ParseError{Problems: []string{fmt.Sprintf("%s:1: larger than %d MB", name, maxRegisterSize>>20)}}
	}
	return data, nil
}

// RegisterFile is the name (path or URL, used in messages) and content of
// one register file.
type RegisterFile struct {
	Name string
	Data []byte
}

// ParseRegister parses and validates an adoption file and, when members is
// not nil, a members file, into one register ready for
// storage.ImportRegister. Adoption rows may name municipalities and the
// organisations the members file defines; without a members file, they may
// name the organisations in known instead (those stored by an earlier
// import). All problems of both files are returned together in one
// *ParseError, adoption file first.
func ParseRegister(cfg *config.Config, adoption RegisterFile, members *RegisterFile, known []storage.Organization) (storage.Register, error) {
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
		var pe *ParseError
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
	var pe *ParseError
	switch {
	case errors.As(err, &pe):
		return storage.Register{}, &ParseError{Problems: append(pe.Problems, memberProblems...)}
	case err != nil:
		return storage.Register{}, err
	case memberProblems != nil:
		return storage.Register{}, &ParseError{Problems: memberProblems}
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
func RegisterSummary(s storage.ImportSummary) string {
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
