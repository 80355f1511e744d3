package collector

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
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
// and how many the file holds; a bad file stores nothing.
//
// The repository's history is then known to be complete up to
// coveredUntil (the day the export was made), or, when that is zero, up to
// its last commit: figures for later dates are incomplete, unless another
// source (GitHub) reaches further.
func ImportActivity(ctx context.Context, store *storage.Store, cfg *config.Config, repo config.RepoSpec, name string, r io.Reader, coveredUntil civil.Date) (added, total int, err error) {
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
	if coveredUntil.IsZero() {
		coveredUntil = lastCommitDay(commits)
	}
	if !coveredUntil.IsZero() {
		if err := store.RaiseCoverage(ctx, key, coveredUntil); err != nil {
			return added, len(commits), err
		}
	}
	return added, len(commits), nil
}

// lastCommitDay is the UTC day of the newest author or committer date in
// an export, the day contributions are counted by; zero for no commits.
func lastCommitDay(commits []GitLogCommit) civil.Date {
	var last civil.Date
	for _, c := range commits {
		for _, t := range []time.Time{c.AuthorDate, c.CommitterDate} {
			if !t.IsZero() {
				last = max(last, civil.UTCDay(t))
			}
		}
	}
	return last
}

// ActivitySource imports the git log exports named in the configuration's
// [[activity]] entries. A file whose content is unchanged since its last
// import is skipped.
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
	// A file cannot vouch for days after it was read.
	covered := entry.CoveredUntil
	if today := civil.Today(a.now()); covered.After(today) {
		covered = today
	}
	sum := sha256.Sum256(b)
	// A changed covered_until is imported again, for its coverage.
	digest := hex.EncodeToString(sum[:]) + coveredSuffix(entry.CoveredUntil)
	res := storage.RepoKey(spec.Forge, spec.Owner, spec.Name) + "/activity/" + entry.File
	st, err := a.store.SyncState(ctx, res)
	if err != nil {
		return err
	}
	if st.Cursor == digest {
		return nil
	}
	added, total, err := ImportActivity(ctx, a.store, a.cfg, spec, entry.File, bytes.NewReader(b), covered)
	if err != nil {
		return err
	}
	a.log.Info("activity imported", "file", entry.File, "repository", spec.String(), "new", added, "commits", total)
	return a.store.PutSyncState(ctx, storage.SyncState{Resource: res, Cursor: digest})
}

// coveredSuffix is what a covered_until adds to an export's digest; none
// keeps the digests of files imported before covered_until existed.
func coveredSuffix(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return "|" + d.String()
}
