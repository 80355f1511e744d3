// Package soak sizes the reliability tests: each runs briefly in "make
// test" and at length in "make soak", which sets OS2PULSE_SOAK. Random
// faults come from a seed that is logged, and OS2PULSE_SEED replays one.
// Each test ends with Result, a line of the table in
// docs/reliability.md.
package soak

import (
	"bufio"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strconv"
	"testing"
	"time"
)

// Enabled reports whether the long versions run ("make soak").
func Enabled() bool { return os.Getenv("OS2PULSE_SOAK") != "" }

// SkipShort skips a reliability test in "make check" (go test -short):
// each starts servers or processes and waits out faults, too slow for the
// quick loop; "make test" runs it briefly and "make soak" at length.
func SkipShort(t testing.TB) {
	t.Helper()
	if testing.Short() && !Enabled() {
		t.Skip("a reliability test: make test and make soak run it, not -short")
	}
}

// Pick returns short in "make test" and long in "make soak".
func Pick[T any](short, long T) T {
	if Enabled() {
		return long
	}
	return short
}

// Seed returns the seed of a test's random faults: OS2PULSE_SEED when set,
// else a new one. It is logged, so a failure can be replayed.
func Seed(t testing.TB) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("OS2PULSE_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("OS2PULSE_SEED=%q is not a number", s)
		}
		seed = v
	}
	t.Logf("seed %d (replay with OS2PULSE_SEED=%d)", seed, seed)
	return seed
}

// Result logs what a test tried and found, as a row of the table in
// docs/reliability.md: the fault or attack, how many times, what was
// checked, the outcome.
func Result(t testing.TB, fault string, times int, checked, outcome string) {
	t.Helper()
	t.Logf("RESULT | %s | %d | %s | %s |", fault, times, checked, outcome)
}

// WriteGitLog writes a synthetic git log export (the format of
// "os2pulse activity import") of n commits by 5,000 people, one every 17
// minutes from 2015, the same every time.
func WriteGitLog(w io.Writer, n int) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("sha\tparents\tauthor_date\tcommitter_date\tauthor_name\tauthor_email\tcommitter_name\tcommitter_email\n")
	start := time.Date(2015, 1, 1, 8, 0, 0, 0, time.FixedZone("", 3600))
	parent := ""
	for i := range n {
		sum := sha1.Sum([]byte(strconv.Itoa(i)))
		sha := hex.EncodeToString(sum[:])
		at := start.Add(time.Duration(i) * 17 * time.Minute).Format(time.RFC3339)
		p := i % 5000
		fmt.Fprintf(bw, "%s\t%s\t%s\t%s\tPerson %d\tperson%d@example.dk\tPerson %d\tperson%d@example.dk\n", sha, parent, at, at, p, p, p, p)
		parent = sha
	}
	return bw.Flush()
}
