package contribindex

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// countingRollup counts the reads of the whole rollup (from the zero
// mark) a keeper makes. (Not the rows: on PostgreSQL a read since a mark
// may read again rows written while an older transaction ran.)
type countingRollup struct {
	*storage.Reader
	whole *atomic.Int64
}

func (c countingRollup) EachContributorDaySince(ctx context.Context, mark storage.RollupMark, fn func(storage.ContributorDay) error) (storage.RollupMark, error) {
	if mark == (storage.RollupMark{}) {
		c.whole.Add(1)
	}
	return c.Reader.EachContributorDaySince(ctx, mark, fn)
}

// writeRandom stores n random contributions (some on days written
// before, so that rows held get new counts) and returns the activity
// domain's version after.
func writeRandom(t *testing.T, store *storage.Store, r *rand.Rand, n int, seq *int) int64 {
	t.Helper()
	ctx := context.Background()
	start := civil.MustParse("2021-01-01")
	var cs []storage.Contribution
	for range n {
		*seq++
		p := r.IntN(30)
		day := start.AddDays(r.IntN(400))
		if r.IntN(3) == 0 {
			day = start.AddDays(r.IntN(20))
		}
		email := fmt.Sprintf("p%d@%s", p, []string{"aarhus.dk", "bellcom.dk", "example.org"}[p%3])
		cs = append(cs, storage.Contribution{RepositoryKey: storage.RepoKey("github.com", "Org", fmt.Sprint("repo", r.IntN(4))),
			Kind: storage.KindCommit, ExtID: fmt.Sprint(*seq), At: day.Time().Add(time.Duration(r.IntN(86400)) * time.Second),
			Email: email, Name: fmt.Sprint("Person ", p)})
	}
	if _, err := store.AddContributions(ctx, cs); err != nil {
		t.Fatal(err)
	}
	vs, err := store.DomainVersions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return vs.Domains[storage.DomainActivity]
}

func addRepos(t *testing.T, store *storage.Store) {
	t.Helper()
	for i := range 4 {
		if err := store.UpsertRepository(context.Background(), storage.Repository{Forge: "github.com", Owner: "Org", Name: fmt.Sprint("repo", i)}, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// startKeeper is a server's start: a keeper of store keeping its
// snapshot at path, loaded in the background, and whether it read the
// whole rollup.
func startKeeper(t *testing.T, store *storage.Store, path, resolution string) (*Keeper, bool) {
	t.Helper()
	var whole atomic.Int64
	k := NewKeeper(countingRollup{store.ReadOnly(), &whole}, func() (Resolver, error) { return byDomain, nil })
	k.KeepSnapshot(Snapshot{Path: path, Resolution: resolution})
	if err := k.LoadInBackground(context.Background(), nil)(); err != nil {
		t.Fatal(err)
	}
	<-k.Started()
	// The snapshot a full load writes, written before the next start.
	k.saving.wait()
	return k, whole.Load() > 0
}

// TestSnapshotThenSinceMatchesLoad: an index restored from a snapshot and
// brought up to date with the rows written since holds what one read
// whole does, after writes between the snapshot and the start (new rows
// and rows counted again), without reading the whole rollup.
func TestSnapshotThenSinceMatchesLoad(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		addRepos(t, store)
		path := filepath.Join(t.TempDir(), "contribution.index")
		r := rand.New(rand.NewPCG(5, 6))
		seq := 0
		writeRandom(t, store, r, 300, &seq)
		first, whole := startKeeper(t, store, path, "rules")
		if !whole {
			t.Fatal("the first start did not read the whole rollup")
		}
		if err := first.SaveSnapshot(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("no snapshot written after a full load: %v", err)
		}
		for restart := range 3 {
			activity := writeRandom(t, store, r, 50+50*restart, &seq)
			k, whole := startKeeper(t, store, path, "rules")
			if whole {
				t.Fatalf("restart %d: the whole rollup read: the snapshot was not used", restart)
			}
			got, err := k.Get(ctx, activity, true)
			if err != nil {
				t.Fatal(err)
			}
			want, err := NewKeeper(store.ReadOnly(), func() (Resolver, error) { return byDomain, nil }).Get(ctx, activity, true)
			if err != nil {
				t.Fatal(err)
			}
			if err := sameIndex(got, want); err != nil {
				t.Fatalf("restart %d: the index restored and brought up to date differs from one read whole: %v", restart, err)
			}
			// A later write follows the restored index as it does a loaded one.
			activity = writeRandom(t, store, r, 40, &seq)
			if got, err = k.Get(ctx, activity, true); err != nil {
				t.Fatal(err)
			}
			if want, err = NewKeeper(store.ReadOnly(), func() (Resolver, error) { return byDomain, nil }).Get(ctx, activity, true); err != nil {
				t.Fatal(err)
			}
			if err := sameIndex(got, want); err != nil {
				t.Fatalf("restart %d: after a write, the restored index differs from one read whole: %v", restart, err)
			}
			if err := k.SaveSnapshot(ctx); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// resum sets a snapshot's checksum to match what it holds: a file whole
// in form but wrong in what it says.
func resum(b []byte) []byte {
	binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.Checksum(b[:len(b)-4], castagnoli))
	return b
}

// TestSnapshotRefused: a damaged, truncated, foreign, old-format or
// otherwise unusable snapshot is not used (the whole rollup is read) and
// the index is right all the same.
func TestSnapshotRefused(t *testing.T) {
	store := storagetest.New(t, "sqlite")
	ctx := context.Background()
	addRepos(t, store)
	r := rand.New(rand.NewPCG(7, 8))
	seq := 0
	activity := writeRandom(t, store, r, 200, &seq)
	dir := t.TempDir()
	path := filepath.Join(dir, "contribution.index")
	k, _ := startKeeper(t, store, path, "rules")
	if err := k.SaveSnapshot(ctx); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := NewKeeper(store.ReadOnly(), func() (Resolver, error) { return byDomain, nil }).Get(ctx, activity, true)
	if err != nil {
		t.Fatal(err)
	}
	reencode := func(edit func(ix *Index, h *snapshotHead)) []byte {
		ix, head, err := decodeSnapshot(good, byDomain)
		if err != nil {
			t.Fatal(err)
		}
		edit(ix, &head)
		return encodeSnapshot(ix, head)
	}
	tests := []struct {
		name       string
		file       []byte
		resolution string
	}{
		{"a byte flipped", func() []byte { b := bytes.Clone(good); b[len(b)/2] ^= 0x10; return b }(), "rules"},
		{"truncated", good[:len(good)-7], "rules"},
		{"cut to the header", good[:len(snapshotMagic)+6], "rules"},
		{"empty", nil, "rules"},
		{"another format", func() []byte {
			b := bytes.Clone(good)
			binary.LittleEndian.PutUint32(b[len(snapshotMagic):], snapshotFormat+1)
			return resum(b)
		}(), "rules"},
		{"another database", reencode(func(_ *Index, h *snapshotHead) { h.Identity += "x" }), "rules"},
		{"other rules of resolution", good, "other rules"},
		{"a data version the database has not reached", reencode(func(_ *Index, h *snapshotHead) { h.Activity = activity + 1 }), "rules"},
		{"entries out of order", reencode(func(ix *Index, _ *snapshotHead) {
			es := ix.repos[0].entries
			es[0], es[1] = es[1], es[0]
		}), "rules"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(path, tt.file, 0o600); err != nil {
				t.Fatal(err)
			}
			k, whole := startKeeper(t, store, path, tt.resolution)
			if !whole {
				t.Errorf("the whole rollup not read: the snapshot was used")
			}
			got, err := k.Get(ctx, activity, true)
			if err != nil {
				t.Fatal(err)
			}
			if err := sameIndex(got, want); err != nil {
				t.Errorf("the index differs from one read whole: %v", err)
			}
		})
	}
	// The test's edits alone make it unusable: the good file is used.
	if err := os.WriteFile(path, good, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, whole := startKeeper(t, store, path, "rules"); whole {
		t.Errorf("the unharmed snapshot not used")
	}
}

// FuzzDecodeSnapshot: whatever a snapshot file holds, reading it does not
// panic, and what it accepts it writes back the same.
func FuzzDecodeSnapshot(f *testing.F) {
	ix := newIndex(byDomain)
	touched := map[int32]bool{}
	d := civil.MustParse("2024-03-01")
	for i, who := range []string{"a@aarhus.dk", "b@bellcom.dk", "c@example.org", "dependabot[bot]"} {
		for j := range 3 {
			touched[ix.add(storage.ContributorDay{RepositoryKey: fmt.Sprint("r", j%2), Day: d.AddDays(i * j), Identity: who, Email: who, Contributions: i + j})] = true
		}
	}
	ix.finish(touched)
	good := encodeSnapshot(ix, snapshotHead{Identity: "sqlite:1/2:2024", Resolution: "rules", Activity: 9, Mark: storage.RollupMark{Row: 12, Seq: 9}})
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte(snapshotMagic))
	f.Add(encodeSnapshot(newIndex(byDomain), snapshotHead{}))
	f.Fuzz(func(t *testing.T, b []byte) {
		ix, head, err := decodeSnapshot(b, byDomain)
		if err != nil {
			return
		}
		ix2, head2, err := decodeSnapshot(encodeSnapshot(ix, head), byDomain)
		if err != nil {
			t.Fatalf("accepted a snapshot whose copy it refuses: %v", err)
		}
		if head2 != head {
			t.Fatalf("header %+v written back as %+v", head, head2)
		}
		if err := sameIndex(ix, ix2); err != nil {
			t.Fatalf("accepted a snapshot it does not write back the same: %v", err)
		}
	})
}
