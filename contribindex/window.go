package contribindex

import (
	"os2pulse/civil"
)

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
