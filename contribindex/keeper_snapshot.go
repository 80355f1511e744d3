package contribindex

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"time"

	"os2pulse/storage"
)

// Snapshot is where and how a keeper keeps its index between starts.
type Snapshot struct {
	// Path is the snapshot's file; "" keeps none.
	Path string
	// Resolution names the rules the resolver resolves rows by (persons,
	// bots, affiliations): a snapshot resolved by others is not used.
	Resolution string
	Log        *slog.Logger
}

// identifier is a rollup that names its database (storage.Reader does):
// a snapshot is used only with the database it was read from.
type identifier interface {
	Identity(ctx context.Context) (string, error)
}

// snapshotSaving is the state of the snapshot's writes: one at a time,
// whether the file holds this index (restored from it or written), and
// how many rows the index took since. A file older than the index is
// never wrong, only slower to start from: its mark reads the rows since.
type snapshotSaving struct {
	mu      sync.Mutex
	busy    bool
	done    chan struct{} // closed when the write in the background ends
	written bool
	since   int
}

// wait waits for the write in the background, if one is under way.
func (s *snapshotSaving) wait() {
	s.mu.Lock()
	done := s.done
	s.mu.Unlock()
	if done != nil {
		<-done
	}
}

// Snapshots are written again in the background once the index has taken
// this many rows since the last (or a tenth of what it holds, if more): a
// start then reads a few rows, not the history since the last shutdown.
const resaveRows = 20_000

// KeepSnapshot makes the keeper keep its index in a file (s.Path): a load
// restores it (and reads the rows written since), a load from the whole
// rollup writes it, and so does the index moving on by many rows (in the
// background) and SaveSnapshot. Call it before LoadInBackground.
func (k *Keeper) KeepSnapshot(s Snapshot) {
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	k.mu.Lock()
	k.snap = s
	k.mu.Unlock()
}

// Started is closed once the first load in the background has restored
// the index from its snapshot, or found none it may use (the load from
// the whole rollup then goes on): a server may wait for it before it says
// it is ready, since a restore takes a fraction of a load.
func (k *Keeper) Started() <-chan struct{} { return k.started }

func (k *Keeper) markStarted() {
	select {
	case <-k.started:
	default:
		close(k.started)
	}
}

// restore reads the snapshot and the rows written since its mark into a
// new index, or returns nil (with one line in the log saying why) when
// there is none the database's current state can bring up to date.
func (k *Keeper) restore(ctx context.Context) *Index {
	s := k.snap
	idr, ok := k.rollup.(identifier)
	if s.Path == "" || !ok {
		return nil
	}
	start := time.Now()
	ix, _, err := k.readSnapshot(ctx, idr)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			s.Log.Info("no contribution index snapshot yet; reading the whole rollup", "path", s.Path)
		} else if ctx.Err() == nil {
			s.Log.Warn("contribution index snapshot not used; reading the whole rollup", "path", s.Path, "reason", err)
		}
		return nil
	}
	vs, err := k.rollup.DomainVersions(ctx)
	if err == nil {
		var n int
		n, err = k.follow(ctx, ix, vs.Domains[storage.DomainActivity])
		k.noteSaved(n)
	}
	if err != nil {
		s.Log.Warn("contribution index snapshot not used; reading the whole rollup", "path", s.Path, "reason", err)
		return nil
	}
	s.Log.Info("contribution index restored from its snapshot", "path", s.Path, "took", time.Since(start).Round(time.Millisecond))
	return ix
}

// readSnapshot reads and checks the snapshot: the file whole and unharmed,
// of this database, of these rules, and of a state the database has
// reached.
func (k *Keeper) readSnapshot(ctx context.Context, idr identifier) (*Index, snapshotHead, error) {
	b, err := os.ReadFile(k.snap.Path)
	if err != nil {
		return nil, snapshotHead{}, err
	}
	resolve, err := k.resolve()
	if err != nil {
		return nil, snapshotHead{}, err
	}
	ix, head, err := decodeSnapshot(b, resolve)
	if err != nil {
		return nil, head, err
	}
	id, err := idr.Identity(ctx)
	if err != nil {
		return nil, head, err
	}
	vs, err := k.rollup.DomainVersions(ctx)
	if err != nil {
		return nil, head, err
	}
	switch {
	case head.Identity != id:
		return nil, head, fmt.Errorf("%w: of another database (or a copy or restore of this one)", errSnapshot)
	case head.Resolution != k.snap.Resolution:
		return nil, head, fmt.Errorf("%w: persons, bots or affiliations configured otherwise since", errSnapshot)
	case head.Activity > vs.Domains[storage.DomainActivity]:
		return nil, head, fmt.Errorf("%w: of data version %d, newer than the database's %d", errSnapshot, head.Activity, vs.Domains[storage.DomainActivity])
	}
	return ix, head, nil
}

// noteSaved records that the file holds the index but for n rows.
func (k *Keeper) noteSaved(n int) {
	k.saving.mu.Lock()
	k.saving.written, k.saving.since = true, n
	k.saving.mu.Unlock()
}

// saveIfMoved writes the snapshot in the background once the index has
// taken many rows since the last, n of them just now.
func (k *Keeper) saveIfMoved(ix *Index, n int) {
	if n == 0 || k.snap.Path == "" {
		return
	}
	k.saving.mu.Lock()
	k.saving.since += n
	since := k.saving.since
	k.saving.mu.Unlock()
	ix.mu.RLock()
	entries := 0
	for _, rp := range ix.repos {
		entries += len(rp.entries)
	}
	ix.mu.RUnlock()
	if since >= max(resaveRows, entries/10) {
		k.saveInBackground(ix)
	}
}

// saveInBackground writes the snapshot of ix unless a write is under way.
func (k *Keeper) saveInBackground(ix *Index) {
	if k.snap.Path == "" {
		return
	}
	k.saving.mu.Lock()
	if k.saving.busy {
		k.saving.mu.Unlock()
		return
	}
	k.saving.busy = true
	done := make(chan struct{})
	k.saving.done = done
	k.saving.mu.Unlock()
	go func() {
		defer close(done)
		if err := k.save(context.Background(), ix); err != nil {
			k.snap.Log.Warn("contribution index snapshot not written", "path", k.snap.Path, "err", err)
		}
	}()
}

// SaveSnapshot writes the snapshot of the index, if one is kept and the
// index is loaded and has moved on since the last, after any write under
// way: a server calls it when it shuts down.
func (k *Keeper) SaveSnapshot(ctx context.Context) error {
	k.saving.wait()
	ix := k.Loaded()
	if ix == nil || k.snap.Path == "" {
		return nil
	}
	k.saving.mu.Lock()
	if k.saving.busy {
		// Another SaveSnapshot.
		k.saving.mu.Unlock()
		return nil
	}
	k.saving.busy = true
	k.saving.mu.Unlock()
	return k.save(ctx, ix)
}

// save writes the snapshot of ix unless the file holds it already (no
// rows taken since); it ends a write marked busy.
func (k *Keeper) save(ctx context.Context, ix *Index) error {
	defer func() {
		k.saving.mu.Lock()
		k.saving.busy = false
		k.saving.mu.Unlock()
	}()
	idr, ok := k.rollup.(identifier)
	if !ok {
		return nil
	}
	id, err := idr.Identity(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	// Readers share the read lock; a write of rows waits for the encoding.
	ix.mu.RLock()
	head := snapshotHead{Identity: id, Resolution: k.snap.Resolution, Activity: ix.activity, Mark: ix.mark}
	k.saving.mu.Lock()
	same := k.saving.written && k.saving.since == 0
	k.saving.mu.Unlock()
	var b []byte
	if !same {
		b = encodeSnapshot(ix, head)
	}
	ix.mu.RUnlock()
	if same {
		return nil
	}
	if err := writeFileAtomic(k.snap.Path, b); err != nil {
		return fmt.Errorf("contribindex: unable to write the contribution index snapshot: %w", err)
	}
	k.noteSaved(0)
	k.snap.Log.Info("contribution index snapshot written", "path", k.snap.Path, "bytes", len(b), "took", time.Since(start).Round(time.Millisecond))
	return nil
}
