package figures

import (
	"fmt"
	"strings"

	"os2pulse/storage"
)

// Finding codes of the forks check (F12).
const (
	FindForksNotListed  = "forks_not_listed"  // the repository's forks were never listed
	FindForksTooOld     = "forks_too_old"     // its last listing is older than HygieneMaxAgeDays; Value its day
	FindForksOtherHost  = "forks_other_host"  // forks are collected on GitHub only; Value the host
	FindForkAhead       = "fork_ahead"        // a fork more commits ahead than allowed; Value how many
	FindForkWithin      = "fork_within"       // a fork ahead no more than allowed; Value how many
	FindForkNotCompared = "fork_not_compared" // a recently pushed fork not compared yet
	FindNoRecentForks   = "no_recent_forks"   // no fork pushed to in the window
)

// githubForge is the host whose forks are collected.
const githubForge = "github.com"

// checkForks (F12): no fork pushed to in the last 12 months is more than
// [governance] fork_ahead_max commits ahead of its upstream's default
// branch. One that is makes it not found, whatever else is unknown; a
// repository whose forks were not listed recently, or a recent fork not
// compared yet, makes it cannot tell.
func checkForks(d *evidenceData, productID string) (string, []Finding) {
	repos := d.repos[productID]
	if len(repos) == 0 {
		return noRepositories()
	}
	limit := d.gov.ForkAheadMax
	from := d.date.AddDays(-(EvidenceWindowDays - 1)).Time()
	var ahead, rest []Finding
	unknown := false
	for _, r := range repos {
		if r.Forge != githubForge {
			unknown = true
			rest = append(rest, d.finding(FindForksOtherHost, r, r.Forge, "%s: forks are collected from GitHub only, not from %s", r.FullName(), r.Forge))
			continue
		}
		l, ok := d.forks[r.Key]
		switch {
		case !ok:
			unknown = true
			rest = append(rest, d.finding(FindForksNotListed, r, "", "%s: its forks were never listed", r.FullName()))
			continue
		case l.Day.Before(d.date.AddDays(-HygieneMaxAgeDays)):
			unknown = true
			rest = append(rest, d.finding(FindForksTooOld, r, l.Day.String(), "%s: its forks were last listed on %s, over %d days before", r.FullName(), l.Day, HygieneMaxAgeDays))
			continue
		}
		recent := 0
		for _, f := range l.Forks {
			if f.PushedAt.Before(from) {
				continue
			}
			recent++
			owner, name, _ := strings.Cut(f.Fork, "/")
			fr := storage.Repository{Forge: r.Forge, Owner: owner, Name: name}
			switch {
			case f.ComparedOn.IsZero():
				unknown = true
				rest = append(rest, d.finding(FindForkNotCompared, fr, "", "%s: a fork of %s pushed to on %s, not compared yet", f.Fork, r.FullName(), f.PushedAt.UTC().Format("2006-01-02")))
			case f.AheadBy > limit:
				ahead = append(ahead, d.finding(FindForkAhead, fr, fmt.Sprint(f.AheadBy), "%s: a fork of %s, %d commits ahead of its default branch (more than %d)", f.Fork, r.FullName(), f.AheadBy, limit))
			default:
				rest = append(rest, d.finding(FindForkWithin, fr, fmt.Sprint(f.AheadBy), "%s: a fork of %s, %d commits ahead", f.Fork, r.FullName(), f.AheadBy))
			}
		}
		if recent == 0 {
			rest = append(rest, d.finding(FindNoRecentForks, r, "", "%s: no fork pushed to in the last 12 months", r.FullName()))
		}
	}
	switch {
	case len(ahead) > 0:
		return VerdictNotFound, append(ahead, rest...)
	case unknown:
		return VerdictCannotTell, rest
	}
	return VerdictFound, rest
}
