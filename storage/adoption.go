package storage

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jmoiron/sqlx"

	"os2pulse/civil"
)

// Adoption statuses. Only production counts as adoption.
const (
	StatusProduction = "production"
	StatusPilot      = "pilot"
	StatusPlanned    = "planned"
	StatusStopped    = "stopped"
)

// AdoptionRecord says that an organisation runs (or pilots, plans, stopped)
// a product from Since until Until ("" = still).
type AdoptionRecord struct {
	OrganizationID string     `db:"organization_id" json:"organization"`
	ProductID      string     `db:"product_id" json:"product"`
	Status         string     `db:"status" json:"status"`
	Since          civil.Date `db:"since" json:"since"`
	Until          civil.Date `db:"until" json:"until,omitzero"`
	Note           string     `db:"note" json:"note,omitempty"`
	RecordedAt     string     `db:"recorded_at" json:"recorded_at,omitempty"`
	RetractedAt    string     `db:"retracted_at" json:"retracted_at,omitempty"`
}

// Membership is a period in which an organisation is an OS2 member.
type Membership struct {
	OrganizationID string     `db:"organization_id" json:"organization"`
	Since          civil.Date `db:"since" json:"since"`
	Until          civil.Date `db:"until" json:"until,omitzero"`
	RecordedAt     string     `db:"recorded_at" json:"recorded_at,omitempty"`
	RetractedAt    string     `db:"retracted_at" json:"retracted_at,omitempty"`
}

// Register is one complete, validated version of the register: the
// adoption records when Adoptions is not nil, the membership periods and
// the organisations (regions, state bodies, others) the members list
// defines when Members is not nil. A nil part is left as it is.
type Register struct {
	Source        string
	SHA256        string
	Organizations []Organization
	Members       []Membership     // nil: memberships not part of this change
	Adoptions     []AdoptionRecord // nil: adoption records not part of this change
	// Audit says who makes the change and how, for the audit trail.
	Audit Audit
	// IfVersion, when not nil, refuses the change with
	// ErrRegisterChanged unless the register is still at this version
	// (RegisterVersion): a change prepared from a preview must not undo
	// one made since.
	IfVersion *string
}

// How a change of the register was made (Audit.Via).
const (
	ViaAdmin       = "admin"        // a named admin on the admin pages
	ViaToken       = "token"        // the admin token, on the admin pages
	ViaCommandLine = "command_line" // os2pulse register import
	ViaCollector   = "collector"    // the [register] files, read on a schedule
)

// What a change of the register was (Audit.Action).
const (
	ActionImport = "import" // a whole file
	ActionEdit   = "edit"   // one record from a form
	ActionCensus = "census" // an organisation's census answer, accepted (storage/census.go)
)

// Audit is the audit trail's account of one change.
type Audit struct {
	Actor  string // the admin's name with ViaAdmin, else ""
	Via    string
	Action string // ActionImport when ""
	Detail string // for an edit: the record as entered
}

// ErrRegisterChanged is returned when the register changed after a change
// was prepared (Register.IfVersion).
var ErrRegisterChanged = errors.New("the register changed since this change was prepared")

// ImportSummary says what an import changed.
type ImportSummary struct {
	ID        string `json:"id"`
	Added     int    `json:"added"`
	Changed   int    `json:"changed"`
	Ended     int    `json:"ended"` // no longer in the register; kept in history
	Unchanged int    `json:"unchanged"`
}

// ImportRegister replaces the current register with reg in one
// transaction. Rows are matched on (organisation, product, since) for
// adoption and (organisation, since) for membership; a changed or vanished
// row is retracted, never deleted, so history and "as known at" figures
// remain. The change is recorded in the audit trail (RegisterImports).
func (s *Store) ImportRegister(ctx context.Context, reg Register) (ImportSummary, error) {
	var sum ImportSummary
	stamp := s.nowStamp()
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		sum, err = importRegister(ctx, tx, reg, stamp)
		return err
	})
	if err != nil {
		return ImportSummary{}, fmt.Errorf("storage: unable to import register %s: %w", reg.Source, err)
	}
	return sum, nil
}

// importRegister is ImportRegister inside the caller's transaction, with
// stamp as the change's id and time.
func importRegister(ctx context.Context, tx *sqlx.Tx, reg Register, stamp string) (ImportSummary, error) {
	sum := ImportSummary{ID: stamp}
	action := reg.Audit.Action
	if action == "" {
		action = ActionImport
	}
	// Bumping first takes the row lock every register change needs,
	// so a version check below cannot race another change.
	if err := bumpVersion(ctx, tx, DomainRegister); err != nil {
		return sum, err
	}
	if reg.IfVersion != nil {
		v, err := registerVersion(ctx, tx)
		if err != nil {
			return sum, err
		}
		if v != *reg.IfVersion {
			return sum, ErrRegisterChanged
		}
	}
	for _, o := range reg.Organizations {
		// A renamed organisation is a changed row of the members
		// list; a new one comes with its own rows.
		_, changed, err := upsertOrganization(ctx, tx, o, stamp)
		if err != nil {
			return sum, fmt.Errorf("organisation %s: %w", o.ID, err)
		}
		if changed {
			sum.Changed++
		}
	}
	if reg.Adoptions != nil {
		if err := importHistory(ctx, tx, adoptionHistory, reg.Adoptions, stamp, &sum); err != nil {
			return sum, err
		}
	}
	if reg.Members != nil {
		if err := importHistory(ctx, tx, membershipHistory, reg.Members, stamp, &sum); err != nil {
			return sum, err
		}
	}
	_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO register_imports (id, source, imported_at, sha256, added, changed, ended,
		unchanged, actor, via, action, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		stamp, reg.Source, stamp, reg.SHA256, sum.Added, sum.Changed, sum.Ended,
		sum.Unchanged, reg.Audit.Actor, reg.Audit.Via, action, reg.Audit.Detail)
	return sum, err
}

// RegisterDiff is what importing a register would change, row by row:
// the same comparison ImportRegister makes, without writing.
type RegisterDiff struct {
	Summary     ImportSummary
	Adoptions   []Change[AdoptionRecord]
	Memberships []Change[Membership]
	// Organizations are the organisations whose name, kind or region
	// the members list changes (ChangeChanged only).
	Organizations []Change[Organization]
}

// Change kinds.
const (
	ChangeAdded   = "added"
	ChangeChanged = "changed"
	ChangeEnded   = "ended" // no longer in the register; kept in history
)

// Change is one row an import adds (New), changes (Old → New) or ends
// (Old).
type Change[R any] struct {
	Kind     string
	Old, New R
}

// RegisterChanges compares reg with the current register, as
// ImportRegister would, and says what importing it would change.
func (s *Reader) RegisterChanges(ctx context.Context, reg Register) (RegisterDiff, error) {
	return s.RegisterChangesUpTo(ctx, reg, -1)
}

// RegisterChangesUpTo is RegisterChanges listing at most limit changes
// per table (-1: all); the summary counts them all. A preview shows a few
// hundred rows, and a 100,000-row file's full list would double what its
// preview holds in memory.
func (s *Reader) RegisterChangesUpTo(ctx context.Context, reg Register, limit int) (RegisterDiff, error) {
	var d RegisterDiff
	if len(reg.Organizations) > 0 {
		cur, err := s.Organizations(ctx)
		if err != nil {
			return d, err
		}
		byID := make(map[string]Organization, len(cur))
		for _, o := range cur {
			byID[o.ID] = o
		}
		for _, o := range reg.Organizations {
			if old, ok := byID[o.ID]; ok && old != o {
				d.Organizations = append(d.Organizations, Change[Organization]{Kind: ChangeChanged, Old: old, New: o})
				d.Summary.Changed++
			}
		}
	}
	if reg.Adoptions != nil {
		cur, err := s.Adoptions(ctx, "")
		if err != nil {
			return d, err
		}
		if d.Adoptions, err = diffHistory(adoptionHistory, cur, reg.Adoptions, &d.Summary, limit); err != nil {
			return d, fmt.Errorf("storage: unable to compare register %s: %w", reg.Source, err)
		}
	}
	if reg.Members != nil {
		cur, err := s.Memberships(ctx, "")
		if err != nil {
			return d, err
		}
		if d.Memberships, err = diffHistory(membershipHistory, cur, reg.Members, &d.Summary, limit); err != nil {
			return d, fmt.Errorf("storage: unable to compare register %s: %w", reg.Source, err)
		}
	}
	return d, nil
}

// RegisterVersion identifies the register's current state: the number of
// changes made to it ("0" before the first). Every change, file or form,
// is recorded and never deleted, so an equal version means an equal
// register. A count, not the newest stamp: instances whose clocks differ
// cannot make it go back.
func (s *Reader) RegisterVersion(ctx context.Context) (string, error) {
	v, err := registerVersion(ctx, s.db)
	if err != nil {
		return "", fmt.Errorf("storage: unable to read the register version: %w", err)
	}
	return v, nil
}

// registerVersion reads the version through the database or inside a
// transaction.
func registerVersion(ctx context.Context, q sqlx.QueryerContext) (string, error) {
	var n int64
	err := sqlx.GetContext(ctx, q, &n, `SELECT COUNT(*) FROM register_imports`)
	return strconv.FormatInt(n, 10), err
}

// history describes a table whose rows are never deleted: an import
// compares the current rows with the new ones by key (diffHistory), keeps
// the unchanged, retracts (sets retracted_at on) the changed and the
// vanished, and inserts the changed and the new with recorded_at = the
// import's stamp. Adoption records and memberships follow the same rule
// through importHistory.
type history[K comparable, R any] struct {
	what       string // for messages: "adoption", "membership"
	current    string // SELECT of the current rows, retracted_at = ''
	retract    string // UPDATE … SET retracted_at = ? WHERE <key> AND retracted_at = ''
	insert     string // INSERT of one row, the stamp last
	key        func(R) K
	keyArgs    func(R) []any
	insertArgs func(R) []any
	same       func(old, new R) bool
	describe   func(R) string
}

// diffHistory compares the current rows with the new ones by key: the one
// comparison behind both an import and its preview. Ended rows come last,
// in the order of cur.
func diffHistory[K comparable, R any](h history[K, R], cur, rows []R, sum *ImportSummary, limit int) ([]Change[R], error) {
	current := make(map[K]R, len(cur))
	for _, r := range cur {
		current[h.key(r)] = r
	}
	var out []Change[R]
	seen := make(map[K]bool, len(rows))
	for _, r := range rows {
		k := h.key(r)
		if seen[k] {
			return nil, fmt.Errorf("%s appears twice", h.describe(r))
		}
		seen[k] = true
		old, ok := current[k]
		switch {
		case ok && h.same(old, r):
			sum.Unchanged++
		case ok:
			out = appendUpTo(out, limit, Change[R]{Kind: ChangeChanged, Old: old, New: r})
			sum.Changed++
		default:
			out = appendUpTo(out, limit, Change[R]{Kind: ChangeAdded, New: r})
			sum.Added++
		}
	}
	for _, r := range cur {
		if !seen[h.key(r)] {
			out = appendUpTo(out, limit, Change[R]{Kind: ChangeEnded, Old: r})
			sum.Ended++
		}
	}
	return out, nil
}

// appendUpTo appends c unless out has limit changes (-1: no limit).
func appendUpTo[R any](out []Change[R], limit int, c Change[R]) []Change[R] {
	if limit >= 0 && len(out) >= limit {
		return out
	}
	return append(out, c)
}

func importHistory[K comparable, R any](ctx context.Context, tx *sqlx.Tx, h history[K, R], rows []R, stamp string, sum *ImportSummary) error {
	var cur []R
	if err := tx.SelectContext(ctx, &cur, h.current); err != nil {
		return fmt.Errorf("reading current %s rows: %w", h.what, err)
	}
	changes, err := diffHistory(h, cur, rows, sum, -1)
	if err != nil {
		return err
	}
	retract, insert := tx.Rebind(h.retract), tx.Rebind(h.insert)
	for _, c := range changes {
		if c.Kind != ChangeAdded {
			if _, err := tx.ExecContext(ctx, retract, append([]any{stamp}, h.keyArgs(c.Old)...)...); err != nil {
				return fmt.Errorf("retracting %s: %w", h.describe(c.Old), err)
			}
		}
		if c.Kind != ChangeEnded {
			if _, err := tx.ExecContext(ctx, insert, append(h.insertArgs(c.New), stamp)...); err != nil {
				return fmt.Errorf("%s: %w", h.describe(c.New), err)
			}
		}
	}
	return nil
}

type adoptionKey struct {
	org, product string
	since        civil.Date
}

var adoptionHistory = history[adoptionKey, AdoptionRecord]{
	what: "adoption",
	current: `SELECT organization_id, product_id, status, since, until, note, recorded_at, retracted_at
		FROM adoptions WHERE retracted_at = ''`,
	retract: `UPDATE adoptions SET retracted_at = ? WHERE organization_id = ? AND product_id = ? AND since = ? AND retracted_at = ''`,
	insert: `INSERT INTO adoptions (organization_id, product_id, status, since, until, note, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
	key:     func(r AdoptionRecord) adoptionKey { return adoptionKey{r.OrganizationID, r.ProductID, r.Since} },
	keyArgs: func(r AdoptionRecord) []any { return []any{r.OrganizationID, r.ProductID, r.Since} },
	insertArgs: func(r AdoptionRecord) []any {
		return []any{r.OrganizationID, r.ProductID, r.Status, r.Since, r.Until, r.Note}
	},
	same: func(a, b AdoptionRecord) bool {
		return a.Status == b.Status && a.Until == b.Until && a.Note == b.Note
	},
	describe: func(r AdoptionRecord) string {
		return fmt.Sprintf("adoption of %s by %s since %s", r.ProductID, r.OrganizationID, r.Since)
	},
}

type membershipKey struct {
	org   string
	since civil.Date
}

var membershipHistory = history[membershipKey, Membership]{
	what:       "membership",
	current:    `SELECT organization_id, since, until, recorded_at, retracted_at FROM memberships WHERE retracted_at = ''`,
	retract:    `UPDATE memberships SET retracted_at = ? WHERE organization_id = ? AND since = ? AND retracted_at = ''`,
	insert:     `INSERT INTO memberships (organization_id, since, until, recorded_at) VALUES (?, ?, ?, ?)`,
	key:        func(r Membership) membershipKey { return membershipKey{r.OrganizationID, r.Since} },
	keyArgs:    func(r Membership) []any { return []any{r.OrganizationID, r.Since} },
	insertArgs: func(r Membership) []any { return []any{r.OrganizationID, r.Since, r.Until} },
	same:       func(a, b Membership) bool { return a.Until == b.Until },
	describe: func(r Membership) string {
		return fmt.Sprintf("membership of %s since %s", r.OrganizationID, r.Since)
	},
}

// knownClause limits a history table to the rows that were current at
// knownAt (a record stamp), or now when knownAt is "".
func knownClause(knownAt string) (string, []any) {
	if knownAt == "" {
		return `retracted_at = ''`, nil
	}
	return `recorded_at <= ? AND (retracted_at = '' OR retracted_at > ?)`, []any{knownAt, knownAt}
}

// Adoptions returns the adoption records as the register stood at knownAt
// ("" = now), ordered by product, organisation and since.
func (s *Reader) Adoptions(ctx context.Context, knownAt string) ([]AdoptionRecord, error) {
	where, args := knownClause(knownAt)
	var out []AdoptionRecord
	err := s.db.SelectContext(ctx, &out, s.rebind(`SELECT organization_id, product_id, status, since, until, note,
		recorded_at, retracted_at FROM adoptions WHERE `+where+` ORDER BY product_id, organization_id, since`), args...)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read adoption records: %w", err)
	}
	return out, nil
}

// AdoptionHistory returns every version of every adoption record, current
// and retracted, ordered by organisation, product, since and recorded_at.
func (s *Reader) AdoptionHistory(ctx context.Context) ([]AdoptionRecord, error) {
	var out []AdoptionRecord
	err := s.db.SelectContext(ctx, &out, `SELECT organization_id, product_id, status, since, until, note,
		recorded_at, retracted_at FROM adoptions ORDER BY organization_id, product_id, since, recorded_at`)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read adoption history: %w", err)
	}
	return out, nil
}

// RecordedChanges returns what every recorded change of the register did,
// row by row, by its id (RegisterImport.ID): read back from the history,
// where a change's rows carry its stamp (recorded_at of what it added,
// retracted_at of what it ended or replaced). The summaries are left
// zero; the counts are in RegisterImports.
func (s *Reader) RecordedChanges(ctx context.Context) (map[string]RegisterDiff, error) {
	out := map[string]RegisterDiff{}
	adoptions, err := s.AdoptionHistory(ctx)
	if err != nil {
		return nil, err
	}
	var members []Membership
	if err := s.db.SelectContext(ctx, &members, `SELECT organization_id, since, until, recorded_at, retracted_at
		FROM memberships ORDER BY organization_id, since, recorded_at`); err != nil {
		return nil, fmt.Errorf("storage: unable to read membership history: %w", err)
	}
	var orgs []struct {
		Organization
		RecordedAt  string `db:"recorded_at"`
		RetractedAt string `db:"retracted_at"`
	}
	if err := s.db.SelectContext(ctx, &orgs, `SELECT id, name, kind, region_code, region, recorded_at, retracted_at
		FROM organization_history ORDER BY id, recorded_at`); err != nil {
		return nil, fmt.Errorf("storage: unable to read organisation history: %w", err)
	}
	ad := recordedChanges(adoptions, adoptionHistory.key, func(r AdoptionRecord) (string, string) { return r.RecordedAt, r.RetractedAt })
	for stamp, cs := range ad {
		d := out[stamp]
		d.Adoptions = cs
		out[stamp] = d
	}
	ms := recordedChanges(members, membershipHistory.key, func(r Membership) (string, string) { return r.RecordedAt, r.RetractedAt })
	for stamp, cs := range ms {
		d := out[stamp]
		d.Memberships = cs
		out[stamp] = d
	}
	type versioned = struct {
		Organization
		RecordedAt  string `db:"recorded_at"`
		RetractedAt string `db:"retracted_at"`
	}
	orgChanges := recordedChanges(orgs, func(o versioned) string { return o.ID }, func(o versioned) (string, string) { return o.RecordedAt, o.RetractedAt })
	for stamp, cs := range orgChanges {
		d := out[stamp]
		for _, c := range cs {
			// Only renames: a new organisation comes with its rows.
			if c.Kind == ChangeChanged {
				d.Organizations = append(d.Organizations, Change[Organization]{Kind: c.Kind, Old: c.Old.Organization, New: c.New.Organization})
			}
		}
		out[stamp] = d
	}
	return out, nil
}

// recordedChanges groups a history table's rows into the changes of each
// stamp: a row recorded at a stamp is added there, or changed when a row
// of its key was retracted at the same stamp; a row retracted at a stamp
// with no successor recorded then is ended there.
func recordedChanges[K comparable, R any](rows []R, key func(R) K, stamps func(R) (recorded, retracted string)) map[string][]Change[R] {
	type at struct {
		key   K
		stamp string
	}
	recorded := map[at]R{}
	for _, r := range rows {
		rec, _ := stamps(r)
		if rec != "" {
			recorded[at{key(r), rec}] = r
		}
	}
	retracted := map[at]bool{}
	out := map[string][]Change[R]{}
	for _, r := range rows {
		_, ret := stamps(r)
		if ret == "" {
			continue
		}
		k := at{key(r), ret}
		retracted[k] = true
		if n, ok := recorded[k]; ok {
			out[ret] = append(out[ret], Change[R]{Kind: ChangeChanged, Old: r, New: n})
		} else {
			out[ret] = append(out[ret], Change[R]{Kind: ChangeEnded, Old: r})
		}
	}
	for _, r := range rows {
		rec, _ := stamps(r)
		if rec != "" && !retracted[at{key(r), rec}] {
			out[rec] = append(out[rec], Change[R]{Kind: ChangeAdded, New: r})
		}
	}
	return out
}

// Memberships returns the membership periods as the register stood at
// knownAt ("" = now), ordered by organisation and since.
func (s *Reader) Memberships(ctx context.Context, knownAt string) ([]Membership, error) {
	where, args := knownClause(knownAt)
	var out []Membership
	err := s.db.SelectContext(ctx, &out, s.rebind(`SELECT organization_id, since, until, recorded_at, retracted_at
		FROM memberships WHERE `+where+` ORDER BY organization_id, since`), args...)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read memberships: %w", err)
	}
	return out, nil
}

// RegisterImport is one recorded change of the register: an import of a
// file or an edit from a form, with who made it.
type RegisterImport struct {
	ID         string `db:"id" json:"id"`
	Source     string `db:"source" json:"source"`
	ImportedAt string `db:"imported_at" json:"imported_at"`
	SHA256     string `db:"sha256" json:"sha256"`
	Added      int    `db:"added" json:"added"`
	Changed    int    `db:"changed" json:"changed"`
	Ended      int    `db:"ended" json:"ended"`
	Unchanged  int    `db:"unchanged" json:"unchanged"`
	Actor      string `db:"actor" json:"actor,omitempty"`
	Via        string `db:"via" json:"via,omitempty"`
	Action     string `db:"action" json:"action"`
	Detail     string `db:"detail" json:"detail,omitempty"`
}

// RegisterImports returns every change of the register, newest first.
func (s *Reader) RegisterImports(ctx context.Context) ([]RegisterImport, error) {
	var out []RegisterImport
	if err := s.db.SelectContext(ctx, &out, `SELECT id, source, imported_at, sha256, added, changed, ended,
		unchanged, actor, via, action, detail FROM register_imports ORDER BY id DESC`); err != nil {
		return nil, fmt.Errorf("storage: unable to list register imports: %w", err)
	}
	return out, nil
}
