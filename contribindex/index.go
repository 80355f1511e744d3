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
