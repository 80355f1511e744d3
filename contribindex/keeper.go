package contribindex

import (
	"context"
	"fmt"
	"sync"

	"os2pulse/storage"
)

// Rollup is what the index reads from storage: the contributor rollup
// since a mark, and the version of the activity domain (what each write
// of contributions bumps). *storage.Reader has both.
type Rollup interface {
	EachContributorDaySince(ctx context.Context, mark storage.RollupMark, fn func(storage.ContributorDay) error) (storage.RollupMark, error)
	DomainVersions(ctx context.Context) (storage.Versions, error)
}

// Keeper holds the index of one portfolio: read once, whole, and then
// brought up to date with the rows each write added (never read whole
// again). It is safe for concurrent use.
type Keeper struct {
	rollup  Rollup
	resolve func() (Resolver, error)

	// mu serializes loading the index and bringing it up to date. ix is
	// nil until loaded; loading is closed when a load in the background
	// ends.
	mu      sync.Mutex
	ix      *Index
	loading chan struct{}

	// snap is where the index is kept between starts (KeepSnapshot);
	// started is closed once a start has restored the index from it or
	// found none to use.
	snap    Snapshot
	started chan struct{}
	saving  snapshotSaving
}

// NewKeeper returns a keeper of the index of rollup, with its rows
// resolved by what resolver returns (asked once, when the index is read).
func NewKeeper(rollup Rollup, resolver func() (Resolver, error)) *Keeper {
	return &Keeper{rollup: rollup, resolve: resolver, started: make(chan struct{})}
}

// Get returns the index brought up to date with the activity domain's
// version activity. While the index is being loaded in the background it
// waits for the load, or returns nil at once unless wait.
func (k *Keeper) Get(ctx context.Context, activity int64, wait bool) (*Index, error) {
	k.mu.Lock()
	if k.loading != nil && !wait {
		k.mu.Unlock()
		return nil, nil
	}
	for k.loading != nil {
		loading := k.loading
		k.mu.Unlock()
		select {
		case <-loading:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		k.mu.Lock()
	}
	defer k.mu.Unlock()
	if k.ix == nil {
		ix, err := k.load(ctx)
		if err != nil {
			return nil, err
		}
		k.ix = ix
	}
	ix := k.ix
	if activity != ix.activity {
		n, err := k.follow(ctx, ix, activity)
		if err != nil {
			return nil, err
		}
		k.saveIfMoved(ix, n)
	}
	return ix, nil
}

// follow reads the rows written since ix's mark into ix, which is then of
// the activity domain's version activity, and returns how many it read.
func (k *Keeper) follow(ctx context.Context, ix *Index, activity int64) (int, error) {
	// Only the rows written since the last read: few after a collection
	// or an import of a few commits.
	var rows []storage.ContributorDay
	mark, err := k.rollup.EachContributorDaySince(ctx, ix.mark, func(d storage.ContributorDay) error {
		rows = append(rows, d)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("contribindex: unable to bring the contribution index up to date: %w", err)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	touched := map[int32]bool{}
	for _, d := range rows {
		touched[ix.add(d)] = true
	}
	if len(touched) > 0 {
		ix.finish(touched)
	}
	ix.mark, ix.activity = mark, activity
	return len(rows), nil
}

// load reads the whole rollup into a new index.
func (k *Keeper) load(ctx context.Context) (*Index, error) {
	resolve, err := k.resolve()
	if err != nil {
		return nil, err
	}
	vs, err := k.rollup.DomainVersions(ctx)
	if err != nil {
		return nil, fmt.Errorf("contribindex: unable to load the contribution index: %w", err)
	}
	ix := newIndex(resolve)
	touched := map[int32]bool{}
	mark, err := k.rollup.EachContributorDaySince(ctx, storage.RollupMark{}, func(d storage.ContributorDay) error {
		touched[ix.add(d)] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("contribindex: unable to load the contribution index: %w", err)
	}
	ix.finish(touched)
	ix.mark, ix.activity = mark, vs.Domains[storage.DomainActivity]
	return ix, nil
}

// LoadInBackground starts loading the index, unless it is loaded or
// being loaded, and returns a function that waits for the load to end.
// Until then Get without wait returns nil. With a snapshot kept
// (KeepSnapshot) the load restores it and reads the rows written since;
// when there is none to use, it reads the whole rollup and then writes
// one. loaded, if not nil, runs in the background after a load that
// succeeded.
func (k *Keeper) LoadInBackground(ctx context.Context, loaded func(*Index)) (wait func() error) {
	k.mu.Lock()
	if k.ix != nil || k.loading != nil {
		k.mu.Unlock()
		return func() error { return nil }
	}
	loading := make(chan struct{})
	k.loading = loading
	k.mu.Unlock()
	var err error
	go func() {
		ix := k.restore(ctx)
		k.markStarted()
		restored := ix != nil
		if !restored {
			ix, err = k.load(ctx)
		}
		k.mu.Lock()
		k.loading = nil
		if err == nil {
			k.ix = ix
		}
		k.mu.Unlock()
		if err == nil && !restored {
			// Started before the load is said to end, so that whoever
			// waits for both (SaveSnapshot) finds it.
			k.saveInBackground(ix)
		}
		close(loading)
		if err == nil && loaded != nil {
			loaded(ix)
		}
	}()
	return func() error {
		<-loading
		return err
	}
}

// Loaded returns the index if it is loaded, else nil, without reading
// anything.
func (k *Keeper) Loaded() *Index {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.ix
}
