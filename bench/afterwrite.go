package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// goalAfterWriteFirst is the goal for the first request of every
// page after a one-commit import at 10× (goal 2), beside the older one
// of at most twice the warm time (goalAfterWrite).
const goalAfterWriteFirst = 20 * time.Millisecond

// The writes measured: after each, the first request of each figure, each
// after a write of its own.
const (
	writeCommit   = "importing one commit"
	writeRegister = "one register change"
)

var writeKinds = []string{writeCommit, writeRegister}

// afterWrites measures the first request of / and then of each figure
// after a write of its own: one commit imported (activity, and the
// repository's row), and one change to the register (an organisation's
// name, imported from the command line). warm is / served warm before.
func afterWrites(srv *server, p *Portfolio, dbDir, cfg string, os2pulse func(args ...string) error, s *Set) error {
	imports := 0
	importOne := func() error {
		imports++
		one := filepath.Join(dbDir, fmt.Sprintf("one-commit-%d.tsv", imports))
		if err := os.WriteFile(one, []byte("sha\tparents\tauthor_date\tcommitter_date\tauthor_name\tauthor_email\tcommitter_name\tcommitter_email\n"+
			fmt.Sprintf("%040x\t\t2025-12-30T10:00:00+01:00\t2025-12-30T10:00:00+01:00\tNew Person\tnew%d@aarhus.dk\tNew Person\tnew%d@aarhus.dk\n",
				0xaa00+imports, imports, imports)), 0o644); err != nil {
			return err
		}
		return os2pulse("activity", "import", "-config", cfg, "-repo", p.Histories[imports%len(p.Histories)].Repo, one)
	}
	members, err := os.ReadFile(filepath.Join(p.Dir, "members.csv"))
	if err != nil {
		return err
	}
	changes := 0
	changeRegister := func() error {
		changes++
		// The region's name is what changes; everything else is as
		// collected.
		m := strings.Replace(string(members), ",Region A,", fmt.Sprintf(",Region A %d,", changes), 1)
		name := filepath.Join(dbDir, fmt.Sprintf("members-%d.csv", changes))
		if err := os.WriteFile(name, []byte(m), 0o644); err != nil {
			return err
		}
		return os2pulse("register", "import", "-config", cfg, filepath.Join(p.Dir, "adoption.csv"), name)
	}
	writes := map[string]func() error{writeCommit: importOne, writeRegister: changeRegister}

	if err := importOne(); err != nil {
		return err
	}
	if s.AfterWrite, _, err = srv.get("/"); err != nil {
		return err
	}
	for _, kind := range writeKinds {
		s.AfterWritePage[kind] = map[string]time.Duration{}
		for _, fr := range figureRequests {
			if err := writes[kind](); err != nil {
				return err
			}
			if s.AfterWritePage[kind][fr.name], _, err = srv.get(fr.path(p, "2025-12-31")); err != nil {
				return err
			}
		}
	}
	return nil
}

// afterWriteRows are the results of afterWrites: for each write and
// figure, the first request's time against the goal of 20 ms at 10×, and
// its ratio to the warm request's.
func afterWriteRows(each func(func(s *Set) string) map[string]string, atGoal *Set, goalSize string, verdict func(bool, string) string) []row {
	var out []row
	aw := func(s *Set) float64 { return float64(s.AfterWrite) / float64(max(s.WarmOverview, time.Microsecond)) }
	rw := row{what: "first / after importing one commit ÷ warm /", values: each(func(s *Set) string {
		return fmt.Sprintf("%.1f (%s ÷ %s)", aw(s), ms(s.AfterWrite), ms(s.WarmOverview))
	}), goal: "≤ 2"}
	if atGoal != nil {
		rw.met = verdict(aw(atGoal) <= goalAfterWrite, fmt.Sprintf("%.1f at %s", aw(atGoal), goalSize))
	}
	out = append(out, rw)
	for _, kind := range writeKinds {
		for _, fr := range figureRequests {
			name := fr.name
			first := func(s *Set) time.Duration { return s.AfterWritePage[kind][name] }
			q := func(s *Set) float64 { return float64(first(s)) / float64(max(median(s.Warm[name]), time.Microsecond)) }
			rw := row{what: "first " + name + " after " + kind + " (÷ warm)", values: each(func(s *Set) string {
				return fmt.Sprintf("%s (%.1f; warm %s)", ms(first(s)), q(s), ms(median(s.Warm[name])))
			}), goal: "≤ 20 ms at 10× (≤ 2× warm)"}
			if atGoal != nil {
				why := fmt.Sprintf("%s, %.1f× warm at %s", ms(first(atGoal)), q(atGoal), goalSize)
				rw.met = verdict(first(atGoal) <= goalAfterWriteFirst, why)
				if first(atGoal) <= goalAfterWriteFirst && q(atGoal) > goalAfterWrite {
					rw.met = "yes (" + why + ")"
				}
			}
			out = append(out, rw)
		}
	}
	return out
}
