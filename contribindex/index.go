// Package contribindex holds the contributor rollup in memory, resolved
// to persons and affiliations once, so that a contributor figure costs
// what it shows (its products, its dates) and not a read of history; with
// it, the active contributors computed at each point, kept until a write
// touches their window. figures asks it; it knows nothing of figures'
// definitions beyond a window of days and the resolution it is given.
package contribindex

import (
	"cmp"
	"slices"
	"sync"

	"os2pulse/civil"
	"os2pulse/storage"
)

// Each repository keeps its rollup rows as entries sorted by day (then
// identity), 20 bytes each: persons, identities and organisations are
// interned integers. A figure gathers the entries of its repositories
// between two dates by binary search and counts distinct persons over a
// sliding window in one sweep per series. The index is read from storage
// once and then follows each write with the rows written since
// (storage.EachContributorDaySince).

// ixEntry is one rollup row: an identity's contributions to a repository
// on one day.
type ixEntry struct {
	day    civil.Date
	ident  int32 // interned identity: with day, the row's key in its repository
	person int32 // interned person; noPerson for a bot
	aff    int32 // affUnknown, affOrg+k for organisation k, or -1-k for supplier k
	n      int32 // contributions
}

const noPerson = -1

// Raw affiliations of an entry. An organisation counts as a member only if
// it is a member on the figure's date.
const (
	affUnknown = 0
	affOrg     = 2
)

// Affiliation ranks (see affRank): on a person's latest day the more
// specific wins.
const (
	rankUnknown  = 1
	rankSupplier = 2
	rankMember   = 3
)

// Who is what a rollup row says about its contributor, by the rules the
// index is given: the person, or a bot (left out of every count); and the
// organisation (by id) or the supplier (by name) the row counts for, both
// "" when unknown.
type Who struct {
	Person        string
	Bot           bool
	Org, Supplier string
}

// Resolver resolves a rollup row to its contributor.
type Resolver func(storage.ContributorDay) Who

// Index is the contributor rollup in memory. mu guards everything;
// readers hold it (RLock) for the few milliseconds of a sweep, a write for
// the merge of the rows it read.
type Index struct {
	mu      sync.RWMutex
	resolve Resolver
	repoIDs map[string]int32
	repos   []ixRepo
	idents  map[string]int32
	persons map[string]int32
	orgIDs  map[string]int32
	orgs    []string
	// suppliers are the suppliers' names, interned like orgs: what the
	// organisational diversity tells apart.
	supplierIDs map[string]int32
	suppliers   []string
	gen         int64 // bumped with each change
	mark        storage.RollupMark
	// points are the counts computed, by point (see counts).
	pointsMu sync.Mutex
	points   map[pointKey]pointVal
	states   sync.Pool // of *sweepState
	// activity is the activity domain's version the index was brought up
	// to date at; -1 before the first read.
	activity int64
}

type ixRepo struct {
	key     string
	entries []ixEntry // sorted by day, then ident, up to sorted
	sorted  int
	changed int64 // gen of the last change
	// changes are the days each of the last changes touched, oldest
	// first; a change before floor is no longer known.
	changes []ixChange
	floor   int64
}

// ixChange is one change of a repository's entries: at gen, rows of the
// days lo..hi.
type ixChange struct {
	gen    int64
	lo, hi civil.Date
}

// maxChanges bounds the changes a repository remembers: a figure's points
// computed before older changes are computed again.
const maxChanges = 64

func newIndex(resolve Resolver) *Index {
	return &Index{resolve: resolve, repoIDs: map[string]int32{}, idents: map[string]int32{}, persons: map[string]int32{},
		orgIDs: map[string]int32{}, supplierIDs: map[string]int32{}, activity: -1}
}

func intern(m map[string]int32, s string) int32 {
	if id, ok := m[s]; ok {
		return id
	}
	id := int32(len(m))
	m[s] = id
	return id
}

// add resolves one rollup row and appends it to its repository, unsorted:
// call finish after the last. It returns the repository's id.
func (ix *Index) add(d storage.ContributorDay) int32 {
	r, ok := ix.repoIDs[d.RepositoryKey]
	if !ok {
		r = int32(len(ix.repos))
		ix.repoIDs[d.RepositoryKey] = r
		ix.repos = append(ix.repos, ixRepo{key: d.RepositoryKey})
	}
	e := ixEntry{day: d.Day, ident: intern(ix.idents, d.Identity), person: noPerson, n: int32(d.Contributions)}
	if who := ix.resolve(d); !who.Bot {
		e.person = intern(ix.persons, who.Person)
		switch {
		case who.Supplier != "":
			k := intern(ix.supplierIDs, who.Supplier)
			if int(k) == len(ix.suppliers) {
				ix.suppliers = append(ix.suppliers, who.Supplier)
			}
			e.aff = -1 - k
		case who.Org != "":
			k := intern(ix.orgIDs, who.Org)
			if int(k) == len(ix.orgs) {
				ix.orgs = append(ix.orgs, who.Org)
			}
			e.aff = affOrg + k
		}
	}
	ix.repos[r].entries = append(ix.repos[r].entries, e)
	return r
}

// finish sorts what was added to the repositories in touched into their
// entries; an entry added with the key of one held replaces it: a row read
// again holds its current count. The rows of one read have distinct keys.
func (ix *Index) finish(touched map[int32]bool) {
	ix.gen++
	for r := range touched {
		rp := &ix.repos[r]
		old, add := rp.entries[:rp.sorted], rp.entries[rp.sorted:]
		slices.SortFunc(add, compareEntries)
		if len(add) > 0 {
			if len(rp.changes) == maxChanges {
				rp.floor = rp.changes[0].gen
				rp.changes = slices.Delete(rp.changes, 0, 1)
			}
			rp.changes = append(rp.changes, ixChange{gen: ix.gen, lo: add[0].day, hi: add[len(add)-1].day})
		}
		if len(old) > 0 && len(add) > 0 && compareEntries(old[len(old)-1], add[0]) >= 0 {
			// Added rows among those held (a day already read, or history
			// imported late): merge.
			merged := make([]ixEntry, 0, len(old)+len(add))
			i, j := 0, 0
			for i < len(old) && j < len(add) {
				switch c := compareEntries(old[i], add[j]); {
				case c < 0:
					merged = append(merged, old[i])
					i++
				case c > 0:
					merged = append(merged, add[j])
					j++
				default:
					merged = append(merged, add[j])
					i, j = i+1, j+1
				}
			}
			merged = append(append(merged, old[i:]...), add[j:]...)
			rp.entries = merged
		}
		rp.entries = slices.Clip(rp.entries)
		rp.sorted = len(rp.entries)
		rp.changed = ix.gen
	}
}

func compareEntries(a, b ixEntry) int {
	return cmp.Or(cmp.Compare(a.day, b.day), cmp.Compare(a.ident, b.ident))
}

// RLock locks the index for reading: hold it over the queries of one
// figure, so that they see one state.
func (ix *Index) RLock() { ix.mu.RLock() }

// RUnlock undoes RLock.
func (ix *Index) RUnlock() { ix.mu.RUnlock() }

// Repos returns the numbers of the repositories among keys that have
// rows, what the queries take. Call with the read lock held.
func (ix *Index) Repos(keys []string) []int32 {
	out := make([]int32, 0, len(keys))
	for _, k := range keys {
		if r, ok := ix.repoIDs[k]; ok {
			out = append(out, r)
		}
	}
	return out
}

// Key is the key of repository r.
func (ix *Index) Key(r int32) string { return ix.repos[r].key }

// Stamp is the generation of the last change to any of repos: a figure of
// those repositories computed at the same stamp is still true. Call with
// the read lock held.
func (ix *Index) Stamp(repos []int32) int64 {
	var s int64
	for _, r := range repos {
		s = max(s, ix.repos[r].changed)
	}
	return s
}

// FirstDay is the first day with a contribution in any repository; zero
// for an empty index.
func (ix *Index) FirstDay() civil.Date {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	first := civil.Date(0)
	for _, rp := range ix.repos {
		if len(rp.entries) > 0 && (first.IsZero() || rp.entries[0].day < first) {
			first = rp.entries[0].day
		}
	}
	return first
}

// entriesFrom is the position of the first entry of rp on or after day.
func entriesFrom(es []ixEntry, day civil.Date) int {
	i, _ := slices.BinarySearchFunc(es, day, func(e ixEntry, d civil.Date) int { return cmp.Compare(e.day, d) })
	return i
}

// touched reports whether any of repos changed after gen on a day of
// from..to (or whether that is no longer known). Call with mu held.
func (ix *Index) touched(repos []int32, gen int64, from, to civil.Date) bool {
	for _, r := range repos {
		rp := &ix.repos[r]
		if rp.changed <= gen {
			continue
		}
		if gen < rp.floor {
			return true
		}
		for _, c := range rp.changes {
			if c.gen > gen && c.lo <= to && c.hi >= from {
				return true
			}
		}
	}
	return false
}

// Scope is what the counts of a figure's points are kept under, besides
// their window and date: a set of repositories (Name: a product, or "" for
// the portfolio, and Keys, a hash of its repositories), and the register's
// version the memberships are of.
type Scope struct {
	Name     string
	Keys     uint64
	Register int64
}

// pointKey is one point of a contributor figure.
type pointKey struct {
	Scope
	window int
	day    civil.Date
}

type pointVal struct {
	pc  Count
	gen int64
}

// maxPoints bounds the points kept; they are dropped whole when full.
const maxPoints = 200_000

// Counts returns the active contributors of repos at points (ascending),
// each in the window of windowDays ending on it, with their affiliations
// by members: from the points kept when no change since touched their
// windows, and one sweep over the others. Call with the read lock held.
func (ix *Index) Counts(scope Scope, repos []int32, points []civil.Date, windowDays int, members func(civil.Date) MemberOn) []Count {
	out := make([]Count, len(points))
	var missing []civil.Date
	var at []int
	ix.pointsMu.Lock()
	for i, p := range points {
		k := pointKey{Scope: scope, window: windowDays, day: p}
		v, ok := ix.points[k]
		if ok && !ix.touched(repos, v.gen, WindowStart(p, windowDays), p) {
			out[i] = v.pc
			continue
		}
		missing = append(missing, p)
		at = append(at, i)
	}
	ix.pointsMu.Unlock()
	if len(missing) == 0 {
		return out
	}
	got := ix.sweep(repos, missing, windowDays, members)
	ix.pointsMu.Lock()
	if ix.points == nil || len(ix.points)+len(got) > maxPoints {
		ix.points = map[pointKey]pointVal{}
	}
	for j, pc := range got {
		out[at[j]] = pc
		k := pointKey{Scope: scope, window: windowDays, day: missing[j]}
		ix.points[k] = pointVal{pc: pc, gen: ix.gen}
	}
	ix.pointsMu.Unlock()
	return out
}

// Count is the active contributors at one point of a series: Active in
// all, split by the affiliation of each person's latest contribution in
// the window (the more specific on a day with two).
type Count struct {
	Active                    int
	Member, Supplier, Unknown int
}

// MemberOn tells, for one date, whether organisation k is a member.
type MemberOn func(k int32) bool

// Members returns, per date, which organisations of the index are members,
// by memberSet (the ids of the members on a date). Call with the read
// lock held.
func (ix *Index) Members(memberSet func(civil.Date) map[string]bool) func(civil.Date) MemberOn {
	return func(day civil.Date) MemberOn {
		set := memberSet(day)
		return func(k int32) bool { return set[ix.orgs[k]] }
	}
}

// WindowStart is the first day of the window of windowDays ending on
// date: the definition every contributor figure counts by.
func WindowStart(date civil.Date, windowDays int) civil.Date {
	return date.AddDays(-(windowDays - 1))
}

// sweep counts the distinct persons of repos in the window of windowDays
// ending on each of points (ascending), with the affiliation of each
// person's latest contribution in the window, in one pass over the
// entries: each entry enters the window once and leaves it once. Call with
// mu held.
func (ix *Index) sweep(repos []int32, points []civil.Date, windowDays int, members func(civil.Date) MemberOn) []Count {
	out := make([]Count, len(points))
	if len(points) == 0 {
		return out
	}
	st := ix.sweepState()
	defer ix.states.Put(st)
	// in[i] and outc[i]: the next entry of repos[i] to enter and to leave
	// the window.
	in, outc := make([]int, len(repos)), make([]int, len(repos))
	for i, r := range repos {
		in[i] = entriesFrom(ix.repos[r].entries, WindowStart(points[0], windowDays))
		outc[i] = in[i]
	}
	for pi, p := range points {
		from := WindowStart(p, windowDays)
		for i, r := range repos {
			es := ix.repos[r].entries
			if outc[i] == in[i] && in[i] < len(es) && es[in[i]].day < from {
				// Nothing of this repository is in the window: skip
				// what lies between the points.
				in[i] = in[i] + entriesFrom(es[in[i]:], from)
				outc[i] = in[i]
			}
			for in[i] < len(es) && es[in[i]].day <= p {
				st.enter(es[in[i]])
				in[i]++
			}
			for outc[i] < in[i] && es[outc[i]].day < from {
				st.leave(es[outc[i]])
				outc[i]++
			}
		}
		out[pi] = st.count(members(p))
	}
	st.reset()
	return out
}

// sweepState is who is in the window during a sweep, by interned person.
type sweepState struct {
	cnt    []int32      // entries of the person in the window
	last   []civil.Date // the person's latest day in the window
	aff    []int32      // the affiliation of that day's first entry
	pos    []int32      // the person's place in active
	active []int32      // persons with cnt > 0
	mark   []int8       // Window's persons of one repository; all 0 between uses
	// more holds further affiliations on a person's latest day, rare: a
	// person contributing the same day under two affiliations.
	more map[int32][]int32
}

// sweepState returns a state for a sweep, all persons out of the window:
// one of those kept (a sweep leaves them so) unless it is too small. Call
// with mu held.
func (ix *Index) sweepState() *sweepState {
	st, _ := ix.states.Get().(*sweepState)
	if st == nil || len(st.cnt) < len(ix.persons) {
		return newSweepState(len(ix.persons))
	}
	return st
}

// reset takes every person out of the window.
func (st *sweepState) reset() {
	for _, p := range st.active {
		st.cnt[p] = 0
	}
	st.active = st.active[:0]
	st.more = nil
}

func newSweepState(persons int) *sweepState {
	return &sweepState{cnt: make([]int32, persons), last: make([]civil.Date, persons), aff: make([]int32, persons),
		pos: make([]int32, persons), mark: make([]int8, persons)}
}

func (st *sweepState) enter(e ixEntry) {
	p := e.person
	if p == noPerson {
		return
	}
	st.cnt[p]++
	switch {
	case st.cnt[p] == 1:
		st.pos[p] = int32(len(st.active))
		st.active = append(st.active, p)
		st.last[p], st.aff[p] = e.day, e.aff
		delete(st.more, p)
	case e.day > st.last[p]:
		st.last[p], st.aff[p] = e.day, e.aff
		delete(st.more, p)
	case e.day == st.last[p] && e.aff != st.aff[p] && !slices.Contains(st.more[p], e.aff):
		if st.more == nil {
			st.more = map[int32][]int32{}
		}
		st.more[p] = append(st.more[p], e.aff)
	}
}

func (st *sweepState) leave(e ixEntry) {
	p := e.person
	if p == noPerson {
		return
	}
	st.cnt[p]--
	if st.cnt[p] == 0 {
		i := st.pos[p]
		moved := st.active[len(st.active)-1]
		st.active[i], st.pos[moved] = moved, i
		st.active = st.active[:len(st.active)-1]
		delete(st.more, p)
	}
}

func rankOf(aff int32, member MemberOn) int {
	switch {
	case aff < 0:
		return rankSupplier
	case aff >= affOrg && member(aff-affOrg):
		return rankMember
	}
	return rankUnknown
}

func (st *sweepState) count(member MemberOn) Count {
	out := Count{Active: len(st.active)}
	for _, p := range st.active {
		r := rankOf(st.aff[p], member)
		for _, a := range st.more[p] {
			r = max(r, rankOf(a, member))
		}
		switch r {
		case rankMember:
			out.Member++
		case rankSupplier:
			out.Supplier++
		default:
			out.Unknown++
		}
	}
	return out
}

// WindowStats is what the product page shows of one window besides the
// active contributors: contributions per person (bots left out), their
// total, the distinct persons of each repository, and each repository's
// last day with any contribution on or before the window's end.
type WindowStats struct {
	Total     int
	PerPerson []int                 // each person's contributions, in no order
	Persons   map[string]int        // repository key → distinct persons in the window
	Last      map[string]civil.Date // repository key → last day with a contribution
}

// Window computes WindowStats for repos over from..to. Call with the read
// lock held. Persons are tallied in the arrays of a sweep state, by
// interned number, not in maps: at 10x a product's year holds thousands
// of entries, and hashing each was most of a health figure's time.
func (ix *Index) Window(repos []int32, from, to civil.Date) WindowStats {
	out := WindowStats{Persons: map[string]int{}, Last: map[string]civil.Date{}}
	st := ix.sweepState()
	defer ix.states.Put(st)
	// st.cnt holds each person's contributions and st.active the persons
	// of the window; st.mark says who is in either, and seen lists the
	// persons of the current repository.
	var seen []int32
	for _, r := range repos {
		es := ix.repos[r].entries
		hi := entriesFrom(es, to+1)
		if hi > 0 {
			out.Last[ix.repos[r].key] = es[hi-1].day
		}
		for _, e := range es[entriesFrom(es, from):hi] {
			p := e.person
			if p == noPerson {
				continue
			}
			if st.mark[p]&markRepo == 0 {
				st.mark[p] |= markRepo
				seen = append(seen, p)
			}
			if st.mark[p]&markWindow == 0 {
				st.mark[p] |= markWindow
				st.active = append(st.active, p)
			}
			st.cnt[p] += e.n
			out.Total += int(e.n)
		}
		out.Persons[ix.repos[r].key] = len(seen)
		for _, p := range seen {
			st.mark[p] &^= markRepo
		}
		seen = seen[:0]
	}
	out.PerPerson = make([]int, 0, len(st.active))
	for _, p := range st.active {
		out.PerPerson = append(out.PerPerson, int(st.cnt[p]))
		st.mark[p] = 0
	}
	st.reset()
	return out
}

// Marks of Window's persons (sweepState.mark).
const (
	markRepo   = 1 // seen in the current repository
	markWindow = 2 // in active
)

// Organisations sums the contributions of repos over from..to (bots left
// out) by the organisation each is attributed to on its day: a member or
// other organisation by its id, a supplier by its name; unattributed
// contributions are under "". Call with the read lock held. The sums are
// kept by interned number and named once at the end, for the reason
// Window gives.
func (ix *Index) Organisations(repos []int32, from, to civil.Date) map[string]int {
	// sums[0] is the unattributed, 1+k organisation k, 1+len(orgs)+k
	// supplier k; counted says which were counted (an entry of 0 still names
	// its organisation).
	sums := make([]int, 1+len(ix.orgs)+len(ix.suppliers))
	counted := make([]bool, len(sums))
	for _, r := range repos {
		es := ix.repos[r].entries
		for _, e := range es[entriesFrom(es, from):entriesFrom(es, to+1)] {
			i := 0
			switch {
			case e.person == noPerson:
				continue
			case e.aff < 0:
				i = 1 + len(ix.orgs) + int(-1-e.aff)
			case e.aff >= affOrg:
				i = 1 + int(e.aff-affOrg)
			}
			sums[i] += int(e.n)
			counted[i] = true
		}
	}
	out := map[string]int{}
	for i, ok := range counted {
		switch {
		case !ok:
		case i == 0:
			out[""] += sums[i]
		case i <= len(ix.orgs):
			out[ix.orgs[i-1]] += sums[i]
		default:
			out[ix.suppliers[i-1-len(ix.orgs)]] += sums[i]
		}
	}
	return out
}
