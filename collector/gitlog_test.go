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
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/problems"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

const goodLine = "6e81c869cf761a19f4bd3a8c4e9b88c21a30331e\t1ebcd35957135987f116b2889935ed285190e3f2 e6a339e5f5a450005d603da9ad6fac0190dc67bc\t2025-11-18T17:00:29+02:00\t2025-11-18T17:05:00+02:00\tContributor f0c1d7c38f\tU-52B6BCB0CA@Bellcom.dk\tGitHub\tu-3c205d8fc7@github.com"

// parseGitLog reads an export as an import does: CheckGitLog over the
// whole file, then ReadGitLog in small batches (so that batch boundaries
// fall inside the test files), each batch copied. Either every commit is
// returned, or CheckGitLog's problems and none.
func parseGitLog(name string, r io.Reader) ([]GitLogCommit, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	n, err := CheckGitLog(name, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	var out []GitLogCommit
	err = ReadGitLog(name, bytes.NewReader(b), 7, func(batch []GitLogCommit) error {
		if len(batch) == 0 || len(batch) > 7 {
			return fmt.Errorf("batch of %d commits", len(batch))
		}
		out = append(out, batch...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ReadGitLog after CheckGitLog accepted the file: %w", err)
	}
	if len(out) != n {
		return nil, fmt.Errorf("CheckGitLog counted %d commits, ReadGitLog read %d", n, len(out))
	}
	return out, nil
}

func TestParseGitLogSharedHistories(t *testing.T) {
	want := map[string]int{
		"OS2Forms__os2forms.tsv":                  924,
		"OS2borgerPC__os2borgerpc-admin-site.tsv": 3175,
		"os2display__display-client.tsv":          893,
		"OS2compliance__OS2compliance.tsv":        1746,
	}
	for file, n := range want {
		t.Run(file, func(t *testing.T) {
			f, err := os.Open(filepath.Join(historiesDir, file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cs, err := parseGitLog(file, f)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != n {
				t.Fatalf("%d commits, want %d", len(cs), n)
			}
			// The independent reader sees the same commits.
			ref := readHistory(t, file)
			for i, c := range cs {
				r := ref[i]
				if c.SHA != r.sha || !c.AuthorDate.Equal(r.authorDate) || !c.CommitterDate.Equal(r.committerDate) ||
					c.AuthorEmail != strings.ToLower(r.authorEmail) || c.AuthorName != r.authorName || c.Line != i+2 ||
					strings.Join(c.Parents, " ") != r.parents {
					t.Fatalf("commit %d = %+v, file says %+v", i, c, r)
				}
			}
		})
	}
}

func TestParseGitLog(t *testing.T) {
	h := GitLogHeader + "\n"
	line := func(fields ...string) string {
		f := strings.Split(goodLine, "\t")
		for i := 0; i+1 < len(fields); i += 2 {
			var idx int
			fmt.Sscan(fields[i], &idx)
			f[idx] = fields[i+1]
		}
		return strings.Join(f, "\t") + "\n"
	}
	var many strings.Builder
	many.WriteString(h)
	for i := 0; i < 25; i++ {
		many.WriteString("x\n")
	}
	tests := []struct {
		name    string
		in      string
		commits int
		errs    []string // each problem's prefix, in order
	}{
		{"header only", h, 0, nil},
		{"one commit", h + goodLine + "\n", 1, nil},
		{"no final newline, CRLF, BOM, blank lines", "\uFEFF" + strings.TrimSuffix(h, "\n") + "\r\n\r\n" + goodLine, 1, nil},
		{"root commit without parents", h + line("1", ""), 1, nil},
		{"SHA-256 object ids", h + line("0", strings.Repeat("ab", 32), "1", strings.Repeat("cd", 32)), 1, nil},
		{"name only", h + line("5", ""), 1, nil},
		{"empty file", "", 0, []string{"f.tsv:1: empty file"}},
		{"no header", goodLine + "\n", 0, []string{"f.tsv:1: first line must be the header"}},
		{"field count", h + "a\tb\n", 0, []string{"f.tsv:2: 2 tab-separated fields, want 8"}},
		{"bad sha", h + line("0", "6e81c869"), 0, []string{`f.tsv:2: sha "6e81c869" is not`}},
		{"bad parent", h + line("1", "abc"), 0, []string{`f.tsv:2: parent "abc" is not a commit id`}},
		{"bad author date", h + line("2", "2025-11-18 17:00:29"), 0, []string{`f.tsv:2: author_date "2025-11-18 17:00:29" is not an ISO 8601 time`}},
		{"bad committer date", h + line("3", "1700000000 +0200"), 0, []string{`f.tsv:2: committer_date "1700000000 +0200"`}},
		{"no author at all", h + line("4", "", "5", ""), 0, []string{"f.tsv:2: commit has neither author e-mail nor author name"}},
		{"NUL byte", h + line("4", "a\x00b"), 0, []string{"f.tsv:2: contains a NUL byte"}},
		{"e-mail not UTF-8", h + line("5", "a\xffb@x.dk"), 0, []string{"f.tsv:2: author_email is not valid UTF-8"}},
		{"duplicate commit", h + goodLine + "\n" + goodLine + "\n", 0, []string{"f.tsv:3: commit 6e81c869cf761a19f4bd3a8c4e9b88c21a30331e is already on line 2"}},
		{"every bad line reported, good ones not kept", h + goodLine + "\n" + "x\n" + line("0", strings.Repeat("1", 40), "2", "no"), 0,
			[]string{"f.tsv:3: 1 tab-separated fields", `f.tsv:4: author_date "no"`}},
		{"at most 20 problems, then a count", many.String(), 0, append(repeatPrefixes(20), "f.tsv: and 5 more problems")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := parseGitLog("f.tsv", strings.NewReader(tt.in))
			if tt.errs == nil {
				if err != nil || len(cs) != tt.commits {
					t.Fatalf("got %d commits, %v; want %d", len(cs), err, tt.commits)
				}
				return
			}
			var pe *problems.Error
			if !errors.As(err, &pe) || cs != nil {
				t.Fatalf("got %d commits, %v; want a *problems.Error", len(cs), err)
			}
			if len(pe.Problems) != len(tt.errs) {
				t.Fatalf("problems:\n%s\nwant %d", err, len(tt.errs))
			}
			for i, p := range pe.Problems {
				if !strings.HasPrefix(p, tt.errs[i]) {
					t.Errorf("problem %d = %q, want prefix %q", i, p, tt.errs[i])
				}
			}
		})
	}

	t.Run("fields", func(t *testing.T) {
		cs, err := parseGitLog("f.tsv", strings.NewReader(h+line("4", "Jos\xe9")))
		if err != nil {
			t.Fatal(err)
		}
		c := cs[0]
		if c.AuthorEmail != "u-52b6bcb0ca@bellcom.dk" || c.AuthorName != "Jos\uFFFD" || len(c.Parents) != 2 ||
			c.AuthorDate.UTC().Format(time.RFC3339) != "2025-11-18T15:00:29Z" || c.CommitterDate.UTC().Format(time.RFC3339) != "2025-11-18T15:05:00Z" {
			t.Errorf("commit = %+v", c)
		}
	})
}

func repeatPrefixes(n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, fmt.Sprintf("f.tsv:%d: 1 tab-separated fields", i+2))
	}
	return out
}

// FuzzParseGitLog: whatever the input, the parser either returns commits
// that satisfy every promise (valid ids, dates, UTF-8, no NUL, lower-case
// e-mails) and survive a round trip, or problems that each name the file
// and a line, and no commits.
func FuzzParseGitLog(f *testing.F) {
	for _, h := range histories {
		b, err := os.ReadFile(filepath.Join(historiesDir, h.file))
		if err != nil {
			f.Fatal(err)
		}
		lines := strings.SplitAfterN(string(b), "\n", 6)
		f.Add([]byte(strings.Join(lines[:5], "")))
	}
	f.Add([]byte(GitLogHeader + "\n" + goodLine + "\n"))
	f.Add([]byte(GitLogHeader + "\r\n" + goodLine + "\r\n\r\n"))
	f.Add([]byte(GitLogHeader + "\n" + strings.Replace(goodLine, "Contributor", "Jos\xe9\x00", 1)))
	f.Add([]byte(GitLogHeader + "\n" + goodLine + "\n" + goodLine))
	f.Add([]byte(""))
	f.Add([]byte("sha\tparents\n1\t2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := parseGitLog("f.tsv", bytes.NewReader(data))
		if err != nil {
			var pe *problems.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is no *problems.Error", err)
			}
			if cs != nil || len(pe.Problems) == 0 {
				t.Fatalf("%d commits with %d problems", len(cs), len(pe.Problems))
			}
			for _, p := range pe.Problems {
				if !strings.HasPrefix(p, "f.tsv:") {
					t.Fatalf("problem %q does not name the file", p)
				}
			}
			return
		}
		var b strings.Builder
		b.WriteString(GitLogHeader + "\n")
		seen := map[string]bool{}
		for _, c := range cs {
			if !isObjectID(c.SHA) || c.SHA != strings.ToLower(c.SHA) || seen[c.SHA] {
				t.Fatalf("sha %q", c.SHA)
			}
			seen[c.SHA] = true
			if c.AuthorDate.IsZero() || c.CommitterDate.IsZero() {
				t.Fatalf("zero date in %+v", c)
			}
			for _, s := range []string{c.AuthorName, c.AuthorEmail, c.CommitterName, c.CommitterEmail} {
				if !utf8.ValidString(s) || strings.ContainsAny(s, "\x00\t\n") {
					t.Fatalf("field %q is not storable", s)
				}
			}
			if c.AuthorEmail != strings.ToLower(c.AuthorEmail) || (c.AuthorEmail == "" && strings.TrimSpace(c.AuthorName) == "") {
				t.Fatalf("author %q <%q>", c.AuthorName, c.AuthorEmail)
			}
			fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.SHA, strings.Join(c.Parents, " "),
				c.AuthorDate.Format(time.RFC3339Nano), c.CommitterDate.Format(time.RFC3339Nano),
				c.AuthorName, c.AuthorEmail, c.CommitterName, c.CommitterEmail)
		}
		again, err := parseGitLog("f.tsv", strings.NewReader(b.String()))
		if err != nil || len(again) != len(cs) {
			t.Fatalf("round trip: %d commits, %v; want %d", len(again), err, len(cs))
		}
		for i := range cs {
			a, c := again[i], cs[i]
			if a.SHA != c.SHA || !a.AuthorDate.Equal(c.AuthorDate) || !a.CommitterDate.Equal(c.CommitterDate) ||
				a.AuthorName != c.AuthorName || a.AuthorEmail != c.AuthorEmail || a.CommitterEmail != c.CommitterEmail ||
				strings.Join(a.Parents, " ") != strings.Join(c.Parents, " ") {
				t.Fatalf("round trip changed %+v into %+v", c, a)
			}
		}
	})
}

// TestActivitySource imports the example's display-client history from
// the embedded example configuration, keeps GitHub's metadata, skips an
// unchanged file, and reports a bad file without storing anything from it.
func TestActivitySource(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		cfg, err := config.Example()
		if err != nil {
			t.Fatal(err)
		}
		var entry config.Activity
		for _, a := range cfg.Activity {
			if strings.Contains(a.File, "display-client") {
				entry = a
			}
		}
		cfg.Activity = []config.Activity{entry}
		syncProducts(t, store, cfg)
		key := "github.com/os2display/display-client"
		if err := store.UpsertRepository(ctx, storage.Repository{Forge: "github.com", Owner: "os2display", Name: "display-client",
			Description: "Display client", DefaultBranch: "develop"}, []string{"os2display"}); err != nil {
			t.Fatal(err)
		}
		src := NewActivitySource(cfg, store, nil)
		col := New(store, nil, []Source{src}, nil, slog.New(slog.DiscardHandler), nil)

		runs, err := col.RunOnce(ctx, "activity")
		if err != nil || runs[0].Result != storage.RunSuccess {
			t.Fatalf("first run: %+v, %v", runs, err)
		}
		if n, _ := store.CountContributions(ctx, key, storage.KindCommit); n != 893 {
			t.Errorf("%d commits imported, want 893", n)
		}
		rs, _ := store.Repositories(ctx, "os2display")
		if len(rs) != 1 || rs[0].Description != "Display client" || rs[0].DefaultBranch != "develop" {
			t.Errorf("repository = %+v, want GitHub's metadata kept", rs)
		}
		b, err := os.ReadFile(filepath.Join(historiesDir, "os2display__display-client.tsv"))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		st, _ := store.SyncState(ctx, key+"/activity/"+entry.File)
		if want := hex.EncodeToString(sum[:]) + "@893"; st.Cursor != want {
			t.Errorf("cursor = %q, want the file's sha256 and its commits stored, %q", st.Cursor, want)
		}
		// The export was made on 18 November 2025: the history is known
		// complete up to then, though its last commit is of 4 November.
		if rs, _ = store.Repositories(ctx, "os2display"); rs[0].CoveredUntil.String() != "2025-11-18" {
			t.Errorf("coverage = %s, want the export's covered_until 2025-11-18", rs[0].CoveredUntil)
		}

		v0, _ := store.DataVersion(ctx)
		runs, err = col.RunOnce(ctx, "activity")
		if err != nil || runs[0].Result != storage.RunSuccess {
			t.Fatalf("second run: %+v, %v", runs, err)
		}
		// FinishRun bumps the version once; an import would bump it more.
		if v1, _ := store.DataVersion(ctx); v1 != v0+1 {
			t.Errorf("data version %d → %d: the unchanged file was imported again", v0, v1)
		}

		// A covered_until after today is cut to today: a file cannot vouch
		// for days still to come. The changed covered_until imports the
		// file again, for its coverage.
		src.now = func() time.Time { return time.Date(2025, 12, 1, 23, 30, 0, 0, time.UTC) } // 2 December in Denmark
		src.cfg.Activity[0].CoveredUntil = civil.MustParse("2026-06-01")
		if runs, err = col.RunOnce(ctx, "activity"); err != nil || runs[0].Result != storage.RunSuccess {
			t.Fatalf("third run: %+v, %v", runs, err)
		}
		if rs, _ = store.Repositories(ctx, "os2display"); rs[0].CoveredUntil.String() != "2025-12-02" {
			t.Errorf("coverage = %s, want today in Denmark, 2025-12-02", rs[0].CoveredUntil)
		}

		// Without covered_until an export covers up to its last commit.
		open := func() (io.ReadCloser, error) {
			return os.Open(filepath.Join(historiesDir, "OS2compliance__OS2compliance.tsv"))
		}
		spec := config.RepoSpec{Forge: "github.com", Owner: "OS2compliance", Name: "OS2compliance"}
		if _, _, err := ImportActivity(ctx, store, cfg, spec, "compliance.tsv", open, 0); err != nil {
			t.Fatal(err)
		}
		if rs, _ = store.Repositories(ctx, "os2compliance"); len(rs) != 1 || rs[0].CoveredUntil.String() != "2025-09-10" {
			t.Errorf("coverage = %+v, want the last commit's day, 2025-09-10", rs)
		}

		dir := t.TempDir()
		bad := GitLogHeader + "\n" + goodLine + "\nnot a commit\n"
		if err := os.WriteFile(filepath.Join(dir, "bad.tsv"), []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg.Dir = os.DirFS(dir)
		cfg.Activity = []config.Activity{{Repo: "github.com/OS2Forms/os2forms", File: "bad.tsv"}}
		runs, err = New(store, nil, []Source{NewActivitySource(cfg, store, nil)}, nil, slog.New(slog.DiscardHandler), nil).RunOnce(ctx, "activity")
		if err != nil || runs[0].Result != storage.RunPartial || len(runs[0].Errors) != 1 ||
			runs[0].Errors[0].Item != "bad.tsv" || !strings.HasPrefix(runs[0].Errors[0].Error, "bad.tsv:3: 1 tab-separated fields") {
			t.Fatalf("bad file run: %+v, %v", runs, err)
		}
		if n, _ := store.CountContributions(ctx, "github.com/os2forms/os2forms", ""); n != 0 {
			t.Errorf("%d contributions stored from a bad file", n)
		}
	})
}

// TestSourcesOfTheExample: the example configuration collects its git
// log exports and GitHub; disabling GitHub leaves the exports.
func TestSourcesOfTheExample(t *testing.T) {
	store := storagetest.New(t, "sqlite")
	cfg, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	names := func() string {
		srcs, err := Sources(cfg, store, nil, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, s := range srcs {
			n = append(n, s.Name())
		}
		return strings.Join(n, " ")
	}
	if got := names(); !strings.Contains(got, "activity github") {
		t.Errorf("sources = %q, want activity then github", got)
	}
	cfg.GitHub.Disabled = true
	if got := names(); strings.Contains(got, "github") || !strings.Contains(got, "activity") {
		t.Errorf("sources with GitHub disabled = %q", got)
	}
	// Every example history is readable through the configuration.
	for _, a := range cfg.Activity {
		f, err := cfg.Open(a.File)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for sc := bufio.NewScanner(f); sc.Scan(); {
			n++
		}
		f.Close()
		if n < 800 {
			t.Errorf("%s: %d lines", a.File, n)
		}
	}
}
