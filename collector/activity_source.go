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

	"os2pulse/config"
	"os2pulse/storage"
)

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
