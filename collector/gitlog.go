package collector

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"os2pulse/problems"
)

// GitLogHeader is the first line of a git log export.
const GitLogHeader = "sha\tparents\tauthor_date\tcommitter_date\tauthor_name\tauthor_email\tcommitter_name\tcommitter_email"

// GitLogCommand produces an export ParseGitLog reads, run in a clone with
// the default branch checked out: the header line, then one commit a line,
// tab-separated, dates in strict ISO 8601 with their offset. Merges are
// included, as on GitHub's commit listing of the branch.
const GitLogCommand = `{ printf 'sha\tparents\tauthor_date\tcommitter_date\tauthor_name\tauthor_email\tcommitter_name\tcommitter_email\n'; ` +
	`git -c i18n.logOutputEncoding=UTF-8 log --format='%H%x09%P%x09%aI%x09%cI%x09%an%x09%ae%x09%cn%x09%ce'; } > history.tsv`

// GitLogCommit is one line of a git log export.
type GitLogCommit struct {
	Line           int
	SHA            string
	Parents        []string
	AuthorDate     time.Time
	CommitterDate  time.Time
	AuthorName     string
	AuthorEmail    string // lower-cased
	CommitterName  string
	CommitterEmail string // lower-cased
}

// maxProblems keeps the report of a wholly wrong file readable.
const maxProblems = 20

// maxLine bounds one line; real lines are a few hundred bytes.
const maxLine = 1 << 20

// CheckGitLog reads a whole tab-separated git log export (see
// GitLogCommand) and returns how many commits it holds, or a
// *problems.Error listing what is wrong. name is the file name used in
// messages. It keeps one line and the set of commit ids in memory, never
// the commits, so a file of any size is checked before anything of it is
// stored: a bad file never half-imports.
func CheckGitLog(name string, r io.Reader) (int, error) {
	probs := problems.NewList(name, maxProblems)
	seen := map[objectKey]int32{}
	commits := 0
	n, err := eachGitLogLine(r, func(n int, line string) error {
		c, ok, err := gitLogLine(n, line)
		switch {
		case err != nil:
			probs.Add(n, "%v", err)
		case !ok:
		default:
			k := objectKeyOf(c.SHA)
			if prev, dup := seen[k]; dup {
				probs.Add(n, "commit %s is already on line %d", c.SHA, prev)
				break
			}
			seen[k] = int32(n)
			commits++
		}
		return nil
	})
	if err != nil {
		if !errors.Is(err, bufio.ErrTooLong) {
			return 0, fmt.Errorf("%s: %w", name, err)
		}
		probs.Add(n+1, "line longer than %d bytes", maxLine)
	}
	if n == 0 {
		probs.Add(1, "empty file: expected the header %q", GitLogHeader)
	}
	if err := probs.Err(); err != nil {
		return 0, err
	}
	return commits, nil
}

// ReadGitLog calls fn with the commits of an export in file order, in
// batches of at most size. fn must not keep the slice. Reading stops at
// the first bad line, so read only what CheckGitLog accepted; a file
// changed in between fails with that line's problem.
func ReadGitLog(name string, r io.Reader, size int, fn func(batch []GitLogCommit) error) error {
	batch := make([]GitLogCommit, 0, size)
	n, err := eachGitLogLine(r, func(n int, line string) error {
		c, ok, err := gitLogLine(n, line)
		if err != nil {
			return &problems.Error{Problems: []string{fmt.Sprintf("%s:%d: %v", name, n, err)}}
		}
		if !ok {
			return nil
		}
		batch = append(batch, c)
		if len(batch) < size {
			return nil
		}
		err = fn(batch)
		batch = batch[:0]
		return err
	})
	if err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return &problems.Error{Problems: []string{fmt.Sprintf("%s:%d: line longer than %d bytes", name, n+1, maxLine)}}
		}
		return err
	}
	if n == 0 {
		return &problems.Error{Problems: []string{fmt.Sprintf("%s:1: empty file: expected the header %q", name, GitLogHeader)}}
	}
	if len(batch) > 0 {
		return fn(batch)
	}
	return nil
}

// eachGitLogLine calls fn with each line of r and its number, without
// line end (and without a byte order mark on the first), and returns how
// many lines it read. A line longer than maxLine ends it with
// bufio.ErrTooLong.
func eachGitLogLine(r io.Reader, fn func(n int, line string) error) (int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\uFEFF")
		}
		if err := fn(n, line); err != nil {
			return n, err
		}
	}
	return n, sc.Err()
}

// gitLogLine reads line n of an export: the header (checked, ok false), a
// blank line (ok false) or a commit.
func gitLogLine(n int, line string) (c GitLogCommit, ok bool, err error) {
	switch {
	case n == 1:
		if line != GitLogHeader {
			return c, false, fmt.Errorf("first line must be the header %q (export with: %s)", GitLogHeader, GitLogCommand)
		}
		return c, false, nil
	case line == "":
		return c, false, nil
	}
	if c, err = parseGitLogLine(line); err != nil {
		return c, false, err
	}
	c.Line = n
	return c, true, nil
}

// objectKey is a commit id in binary, a quarter of its text's size in a
// set: SHA-1 ids fill 20 bytes, SHA-256 ids all 32.
type objectKey struct {
	id  [32]byte
	len uint8
}

// objectKeyOf converts an id isObjectID accepted.
func objectKeyOf(sha string) objectKey {
	k := objectKey{len: uint8(len(sha) / 2)}
	hex.Decode(k.id[:], []byte(sha))
	return k
}

func parseGitLogLine(line string) (GitLogCommit, error) {
	var c GitLogCommit
	if strings.IndexByte(line, 0) >= 0 {
		return c, errors.New("contains a NUL byte")
	}
	f := strings.Split(line, "\t")
	if len(f) != 8 {
		return c, fmt.Errorf("%d tab-separated fields, want 8 (%s)", len(f), strings.ReplaceAll(GitLogHeader, "\t", ", "))
	}
	if !isObjectID(f[0]) {
		return c, fmt.Errorf("sha %q is not a 40 or 64 digit hexadecimal commit id", problems.Clip(f[0]))
	}
	c.SHA = strings.ToLower(f[0])
	for _, p := range strings.Fields(f[1]) {
		if !isObjectID(p) {
			return c, fmt.Errorf("parent %q is not a commit id", problems.Clip(p))
		}
		c.Parents = append(c.Parents, strings.ToLower(p))
	}
	var err error
	if c.AuthorDate, err = time.Parse(time.RFC3339, f[2]); err != nil {
		return c, fmt.Errorf("author_date %q is not an ISO 8601 time such as 2025-03-01T09:30:00+01:00 (git's %%aI)", problems.Clip(f[2]))
	}
	if c.CommitterDate, err = time.Parse(time.RFC3339, f[3]); err != nil {
		return c, fmt.Errorf("committer_date %q is not an ISO 8601 time such as 2025-03-01T09:30:00+01:00 (git's %%cI)", problems.Clip(f[3]))
	}
	for i, col := range []string{"author_email", "committer_email"} {
		if e := f[5+2*i]; !utf8.ValidString(e) {
			return c, fmt.Errorf("%s is not valid UTF-8", col)
		}
	}
	// Old commits may carry names in another encoding; a name is only
	// shown, so an unreadable byte is replaced rather than refused.
	c.AuthorName = strings.ToValidUTF8(f[4], "\uFFFD")
	c.AuthorEmail = strings.ToLower(strings.TrimSpace(f[5]))
	c.CommitterName = strings.ToValidUTF8(f[6], "\uFFFD")
	c.CommitterEmail = strings.ToLower(strings.TrimSpace(f[7]))
	if c.AuthorEmail == "" && strings.TrimSpace(c.AuthorName) == "" {
		return c, errors.New("commit has neither author e-mail nor author name")
	}
	return c, nil
}

func isObjectID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
		default:
			return false
		}
	}
	return true
}
