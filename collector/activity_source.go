package collector

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/storage"
)

// ImportActivity stores the commits of a git log export as commit
// contributions of repo (dated by author date), through the same storage
// path as collected commits: importing again, or collecting the same
// commits from GitHub, stores nothing twice. The repository is created if
// needed and linked to its products. It returns how many commits were new
// and how many the file holds.
//
// The repository's history is then known to be complete up to
// coveredUntil (the day the export was made), or, when that is zero, up to
// its last commit: figures for later dates are incomplete, unless another
// source (GitHub) reaches further.
//
// open is called twice: the whole file is checked first, so a bad file
// stores nothing; then it is stored in batches of storage.BatchSize, each
// with the count of commits stored so far in the same transaction. A killed
// import, run again on the same file, continues after the last batch; a
// file imported whole before is not stored again. Memory stays bounded by
// a batch, whatever the file's size.
func ImportActivity(ctx context.Context, store *storage.Store, cfg *config.Config, repo config.RepoSpec, name string, open func() (io.ReadCloser, error), coveredUntil civil.Date) (added, total int, err error) {
	total, digest, err := checkActivityFile(name, open)
	if err != nil {
		return 0, 0, err
	}
	key := storage.RepoKey(repo.Forge, repo.Owner, repo.Name)
	res := key + "/activity/" + name
	st, err := store.SyncState(ctx, res)
	if err != nil {
		return 0, total, err
	}
	done := importedCommits(st.Cursor, digest)
	if done >= total {
		// Stored before; a covered_until given now still counts.
		if !coveredUntil.IsZero() {
			return 0, total, store.RaiseCoverage(ctx, key, coveredUntil)
		}
		return 0, total, nil
	}
	row := storage.Repository{Key: key, Forge: repo.Forge, Owner: repo.Owner, Name: repo.Name, Status: storage.RepoOK}
	// Keep what the GitHub collector knows of the repository.
	existing, err := store.Repositories(ctx, "")
	if err != nil {
		return 0, total, err
	}
	for _, e := range existing {
		if e.Key == key {
			row = e
			break
		}
	}
	if err := store.UpsertRepository(ctx, row, cfg.ProductsOf(repo)); err != nil {
		return 0, total, err
	}

	f, err := open()
	if err != nil {
		return 0, total, fmt.Errorf("collector: opening %s: %w", name, err)
	}
	defer f.Close()
	h := sha256.New()
	seen := 0
	var lastDay civil.Date // the newest day of the file, for its coverage
	cs := make([]storage.Contribution, 0, storage.BatchSize)
	err = ReadGitLog(name, io.TeeReader(f, h), storage.BatchSize, func(batch []GitLogCommit) error {
		cs = cs[:0]
		for _, c := range batch {
			seen++
			lastDay = max(lastDay, commitDay(c))
			if seen <= done {
				continue
			}
			cs = append(cs, storage.Contribution{
				RepositoryKey: key, Kind: storage.KindCommit, ExtID: c.SHA,
				At: c.AuthorDate, CommittedAt: c.CommitterDate,
				Email: c.AuthorEmail, Name: c.AuthorName,
			})
		}
		if len(cs) == 0 {
			return nil
		}
		n, err := store.AddContributions(ctx, cs, storage.SyncState{Resource: res, Cursor: activityCursor(digest, seen)})
		added += n
		return err
	})
	if err == nil && hex.EncodeToString(h.Sum(nil)) != digest {
		err = fmt.Errorf("%s changed while it was imported; import it again", name)
	}
	if err != nil {
		return added, total, fmt.Errorf("collector: importing %s into %s: %w", name, key, err)
	}
	if coveredUntil.IsZero() {
		coveredUntil = lastDay
	}
	if !coveredUntil.IsZero() {
		if err := store.RaiseCoverage(ctx, key, coveredUntil); err != nil {
			return added, total, err
		}
	}
	return added, total, nil
}

// commitDay is the UTC day of a commit's newer date (author or committer),
// the day contributions are counted by.
func commitDay(c GitLogCommit) civil.Date {
	var d civil.Date
	for _, t := range []time.Time{c.AuthorDate, c.CommitterDate} {
		if !t.IsZero() {
			d = max(d, civil.UTCDay(t))
		}
	}
	return d
}

// checkActivityFile checks a whole export and returns its commits and
// content digest.
func checkActivityFile(name string, open func() (io.ReadCloser, error)) (int, string, error) {
	f, err := open()
	if err != nil {
		return 0, "", fmt.Errorf("collector: opening %s: %w", name, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := CheckGitLog(name, io.TeeReader(f, h))
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// activityCursor is an import's checkpoint: the file's digest and how many
// of its commits are stored.
func activityCursor(digest string, commits int) string {
	return digest + "@" + strconv.Itoa(commits)
}

// importedCommits reads a checkpoint: how many commits of the file with
// this digest are stored. A bare digest, the form before checkpoints, is
// a file imported whole.
func importedCommits(cursor, digest string) int {
	d, n, found := strings.Cut(cursor, "@")
	if d != digest {
		return 0
	}
	if !found {
		return math.MaxInt
	}
	v, err := strconv.Atoi(n)
	if err != nil {
		return 0
	}
	return v
}

// ActivitySource imports the git log exports named in the configuration's
// [[activity]] entries. A file whose content was imported whole before is
// only checked; one whose import was cut short continues.
type ActivitySource struct {
	cfg   *config.Config
	store *storage.Store
	log   *slog.Logger
	now   func() time.Time
}

// NewActivitySource returns the activity source for cfg.
func NewActivitySource(cfg *config.Config, store *storage.Store, log *slog.Logger) *ActivitySource {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &ActivitySource{cfg: cfg, store: store, log: log, now: time.Now}
}

// Name implements Source.
func (a *ActivitySource) Name() string { return config.SourceActivity }

// Interval implements Source: reading local files is cheap, and an
// unchanged file is only read, not stored again.
func (a *ActivitySource) Interval() time.Duration { return time.Hour }

// Collect implements Source.
func (a *ActivitySource) Collect(ctx context.Context, rec *Recorder) error {
	rec.Progress().SetTotal(len(a.cfg.Activity))
	for _, entry := range a.cfg.Activity {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := a.importOne(ctx, entry); err != nil {
			if ctx.Err() != nil {
				// Stopped (shutdown, the lease lost): the run failed, not
				// this file.
				return context.Cause(ctx)
			}
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
	// A file cannot vouch for days after it was read.
	covered := entry.CoveredUntil
	if today := civil.Today(a.now()); covered.After(today) {
		covered = today
	}
	open := func() (io.ReadCloser, error) { return a.cfg.Open(entry.File) }
	added, total, err := ImportActivity(ctx, a.store, a.cfg, spec, entry.File, open, covered)
	if err != nil {
		return err
	}
	if added > 0 {
		a.log.Info("activity imported", "file", entry.File, "repository", spec.String(), "new", added, "commits", total)
	}
	return nil
}
