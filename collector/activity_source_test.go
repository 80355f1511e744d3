package collector

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"testing"

	"os2pulse/config"
	"os2pulse/soak"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// cancelAfter is a reader that cancels an import once n bytes were read:
// a kill in the middle of storing, with the batches before it committed.
type cancelAfter struct {
	r      io.Reader
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	if c.n <= 0 {
		c.cancel()
	}
	n, err := c.r.Read(p[:min(len(p), max(c.n, 1))])
	c.n -= n
	return n, err
}

// TestImportActivityResumes: a large export is stored in batches, each
// with the count of commits stored so far; an import cut short keeps its
// finished batches and their checkpoint, and the next import of the same
// file continues after them; an unchanged file is then not stored again.
func TestImportActivityResumes(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		total := storage.BatchSize + 1234
		var file bytes.Buffer
		if err := soak.WriteGitLog(&file, total); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(file.Bytes())
		digest := hex.EncodeToString(sum[:])
		cfg := testConfig(t, "https://api.github.com/", 1, "p=example.org/os2/p")
		syncProducts(t, store, cfg)
		spec := config.RepoSpec{Forge: "example.org", Owner: "os2", Name: "p"}
		key := storage.RepoKey("example.org", "os2", "p")
		res := key + "/activity/history.tsv"

		// The first open is the check; the second, the one that stores,
		// is cut short 90 % into the file: after the first batch.
		cctx, cancel := context.WithCancel(ctx)
		opens := 0
		open := func() (io.ReadCloser, error) {
			opens++
			r := io.Reader(bytes.NewReader(file.Bytes()))
			if opens == 2 {
				r = &cancelAfter{r: r, n: file.Len() * 9 / 10, cancel: cancel}
			}
			return io.NopCloser(r), nil
		}
		added, n, err := ImportActivity(cctx, store, cfg, spec, "history.tsv", open, 0)
		if err == nil || n != total || added != storage.BatchSize {
			t.Fatalf("cut short: added %d of %d, %v; want the first batch of %d and an error", added, n, err, storage.BatchSize)
		}
		st, _ := store.SyncState(ctx, res)
		if want := fmt.Sprintf("%s@%d", digest, storage.BatchSize); st.Cursor != want {
			t.Fatalf("checkpoint %q, want %q", st.Cursor, want)
		}
		if got, _ := store.CountContributions(ctx, key, storage.KindCommit); got != storage.BatchSize {
			t.Fatalf("%d commits stored, want %d", got, storage.BatchSize)
		}

		plain := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(file.Bytes())), nil }
		added, n, err = ImportActivity(ctx, store, cfg, spec, "history.tsv", plain, 0)
		if err != nil || n != total || added != total-storage.BatchSize {
			t.Fatalf("resumed: added %d of %d, %v; want %d", added, n, err, total-storage.BatchSize)
		}
		st, _ = store.SyncState(ctx, res)
		if want := fmt.Sprintf("%s@%d", digest, total); st.Cursor != want {
			t.Fatalf("checkpoint %q, want %q", st.Cursor, want)
		}
		v0, _ := store.DataVersion(ctx)
		if added, _, err := ImportActivity(ctx, store, cfg, spec, "history.tsv", plain, 0); err != nil || added != 0 {
			t.Fatalf("again: added %d, %v", added, err)
		}
		if v1, _ := store.DataVersion(ctx); v1 != v0 {
			t.Errorf("an imported file was stored again (data version %d → %d)", v0, v1)
		}
	})
}
