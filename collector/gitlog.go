package collector

import (
	"bufio"
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

// ParseGitLog reads a tab-separated git log export (see GitLogCommand).
// name is the file name used in messages. Either every line is valid, or
// a *problems.Error lists what is wrong and no commit is returned, so a bad
// file never half-imports.
func ParseGitLog(name string, r io.Reader) ([]GitLogCommit, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	var out []GitLogCommit
	probs := problems.NewList(name, maxProblems)
	bad := probs.Add
	seen := map[string]int{}
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\uFEFF")
			if line != GitLogHeader {
				bad(1, "first line must be the header %q (export with: %s)", GitLogHeader, GitLogCommand)
			}
			continue
		}
		if line == "" {
			continue
		}
		c, err := parseGitLogLine(line)
		if err != nil {
			bad(n, "%v", err)
			continue
		}
		c.Line = n
		if prev, ok := seen[c.SHA]; ok {
			bad(n, "commit %s is already on line %d", c.SHA, prev)
			continue
		}
		seen[c.SHA] = n
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			bad(n+1, "line longer than %d bytes", maxLine)
		} else {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	if n == 0 {
		bad(1, "empty file: expected the header %q", GitLogHeader)
	}
	if err := probs.Err(); err != nil {
		return nil, err
	}
	return out, nil
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
