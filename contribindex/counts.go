package contribindex

import (
	"slices"

	"os2pulse/civil"
)

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
