package collector

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"os2pulse/config"
	"os2pulse/storage"
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

// ParseError lists every problem of an export, each as "FILE:LINE: what
// is wrong".
type ParseError struct {
	Problems []string
}

func (e *ParseError) Error() string { return strings.Join(e.Problems, "\n") }

// maxProblems keeps the report of a wholly wrong file readable.
const maxProblems = 20

// maxLine bounds one line; real lines are a few hundred bytes.
const maxLine = 1 << 20

// ParseGitLog reads a tab-separated git log export (see GitLogCommand).
// name is the file name used in messages. Either every line is valid, or
// a *ParseError lists what is wrong and no commit is returned, so a bad
// file never half-imports.
func ParseGitLog(name string, r io.Reader) ([]GitLogCommit, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	var out []GitLogCommit
	var probs []string
	extra := 0
	bad := func(line int, format string, args ...any) {
		if len(probs) >= maxProblems {
			extra++
			return
		}
		probs = append(probs, fmt.Sprintf("%s:%d: %s", name, line, fmt.Sprintf(format, args...)))
	}
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
	if extra > 0 {
		probs = append(probs, fmt.Sprintf("%s: and %d more problems", name, extra))
	}
	if len(probs) > 0 {
		return nil, &ParseError{Problems: probs}
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
		return c, fmt.Errorf("sha %q is not a 40 or 64 digit hexadecimal commit id", clip(f[0]))
	}
	c.SHA = strings.ToLower(f[0])
	for _, p := range strings.Fields(f[1]) {
		if !isObjectID(p) {
			return c, fmt.Errorf("parent %q is not a commit id", clip(p))
		}
		c.Parents = append(c.Parents, strings.ToLower(p))
	}
	var err error
	if c.AuthorDate, err = time.Parse(time.RFC3339, f[2]); err != nil {
		return c, fmt.Errorf("author_date %q is not an ISO 8601 time such as 2025-03-01T09:30:00+01:00 (git's %%aI)", clip(f[2]))
	}
	if c.CommitterDate, err = time.Parse(time.RFC3339, f[3]); err != nil {
		return c, fmt.Errorf("committer_date %q is not an ISO 8601 time such as 2025-03-01T09:30:00+01:00 (git's %%cI)", clip(f[3]))
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

func clip(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// ImportActivity stores the commits of a git log export as commit
// contributions of repo (dated by author date), through the same storage
// path as collected commits: importing again, or collecting the same
// commits from GitHub, stores nothing twice. The repository is created if
// needed and linked to its products. It returns how many commits were new
// and how many the file holds; a bad file stores nothing.
func ImportActivity(ctx context.Context, store *storage.Store, cfg *config.Config, repo config.RepoSpec, name string, r io.Reader) (added, total int, err error) {
	commits, err := ParseGitLog(name, r)
	if err != nil {
		return 0, 0, err
	}
	key := storage.RepoKey(repo.Forge, repo.Owner, repo.Name)
	row := storage.Repository{Key: key, Forge: repo.Forge, Owner: repo.Owner, Name: repo.Name, Status: storage.RepoOK}
	// Keep what the GitHub collector knows of the repository.
	existing, err := store.Repositories(ctx, "")
	if err != nil {
		return 0, 0, err
	}
	for _, e := range existing {
		if e.Key == key {
			row = e
			break
		}
	}
	if err := store.UpsertRepository(ctx, row, cfg.ProductsOf(repo)); err != nil {
		return 0, 0, err
	}
	cs := make([]storage.Contribution, 0, len(commits))
	for _, c := range commits {
		cs = append(cs, storage.Contribution{
			RepositoryKey: key, Kind: storage.KindCommit, ExtID: c.SHA,
			At: c.AuthorDate, CommittedAt: c.CommitterDate,
			Email: c.AuthorEmail, Name: c.AuthorName,
		})
	}
	added, err = store.AddContributions(ctx, cs)
	if err != nil {
		return 0, len(commits), fmt.Errorf("collector: importing %s into %s: %w", name, key, err)
	}
	return added, len(commits), nil
}

// ActivitySource imports the git log exports named in the configuration's
// [[activity]] entries. A file whose content is unchanged since its last
// import is skipped.
type ActivitySource struct {
	cfg   *config.Config
	store *storage.Store
	log   *slog.Logger
}

// NewActivitySource returns the activity source for cfg.
func NewActivitySource(cfg *config.Config, store *storage.Store, log *slog.Logger) *ActivitySource {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &ActivitySource{cfg: cfg, store: store, log: log}
}

// Name implements Source.
func (a *ActivitySource) Name() string { return "activity" }

// Interval implements Source: reading local files is cheap, and an
// unchanged file is skipped after hashing.
func (a *ActivitySource) Interval() time.Duration { return time.Hour }

// Collect implements Source.
func (a *ActivitySource) Collect(ctx context.Context, rec *Recorder) error {
	rec.Progress().SetTotal(len(a.cfg.Activity))
	for _, entry := range a.cfg.Activity {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := a.importOne(ctx, entry); err != nil {
			rec.ItemError(entry.File, err)
		}
		rec.Progress().ItemDone()
	}
	return nil
}

func (a *ActivitySource) importOne(ctx context.Context, entry config.Activity) error {
	spec, err := config.ParseRepoSpec(entry.Repo)
	if err != nil {
		return err
	}
	f, err := a.cfg.Open(entry.File)
	if err != nil {
		return fmt.Errorf("collector: opening %s: %w", entry.File, err)
	}
	b, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("collector: reading %s: %w", entry.File, err)
	}
	sum := sha256.Sum256(b)
	digest := hex.EncodeToString(sum[:])
	res := storage.RepoKey(spec.Forge, spec.Owner, spec.Name) + "/activity/" + entry.File
	st, err := a.store.SyncState(ctx, res)
	if err != nil {
		return err
	}
	if st.Cursor == digest {
		return nil
	}
	added, total, err := ImportActivity(ctx, a.store, a.cfg, spec, entry.File, bytes.NewReader(b))
	if err != nil {
		return err
	}
	a.log.Info("activity imported", "file", entry.File, "repository", spec.String(), "new", added, "commits", total)
	return a.store.PutSyncState(ctx, storage.SyncState{Resource: res, Cursor: digest})
}
