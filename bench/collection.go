package main

import (
	"context"
	"os/exec"
	"strings"
)

// The collector's tests of the collection cost, each a backfill and
// unchanged polls with every request counted, logging their counts as
// RESULT lines: goal 8 on 300 repositories in the fake GitHub, and 50
// projects in nested groups in the fake GitLab.
const (
	collectionTest       = "TestCollectionCostAt300Repositories"
	gitlabCollectionTest = "TestCollectionCostGitLab"
)

// collectionCommand is how to run one of them by hand.
func collectionCommand(test string) string {
	return "go test -count=1 -v -run '^" + test + "$' ./collector/"
}

// Collection is what the test reported.
type Collection struct {
	Passed bool
	Lines  []CollectionLine
	Output string // when it failed
}

// CollectionLine is one RESULT line: "RESULT|what|value|goal|met".
type CollectionLine struct{ What, Value, Goal, Met string }

// checkCollection runs the test in the module at root.
func checkCollection(ctx context.Context, root, test string) *Collection {
	cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "-v", "-run", "^"+test+"$", "./collector/")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	c := &Collection{Passed: err == nil}
	seen := map[string]bool{}
	for _, l := range strings.Split(string(out), "\n") {
		_, rest, ok := strings.Cut(l, "RESULT|")
		if !ok {
			continue
		}
		f := strings.Split(rest, "|")
		if len(f) != 4 || seen[f[0]] {
			continue // the same count from the second database
		}
		seen[f[0]] = true
		c.Lines = append(c.Lines, CollectionLine{f[0], f[1], f[2], f[3]})
	}
	if !c.Passed {
		c.Output = strings.TrimSpace(string(out))
		if len(c.Output) > 4000 {
			c.Output = c.Output[len(c.Output)-4000:]
		}
	}
	return c
}
