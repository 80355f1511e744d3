package dashboard

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"os2pulse/figures"
)

// TestVersionReader checks that requests asking at once share reads of
// the data version, and that none gets a version read before it asked.
func TestVersionReader(t *testing.T) {
	var stored, reads atomic.Int64
	release := make(chan struct{})
	vr := newVersionReader(func(context.Context) (figures.Versions, error) {
		reads.Add(1)
		v := stored.Load()
		<-release
		return figures.Versions{Data: v}, nil
	})
	first := make(chan int64)
	go func() { v, _ := vr.get(context.Background()); first <- v.Data }()
	for reads.Load() == 0 { // the first read has begun once it counts
		runtime.Gosched()
	}
	// A write finishes while the first read runs; requests asking now
	// must see it, so they share the next read, not the running one.
	stored.Store(7)
	var wg sync.WaitGroup
	got := make([]int64, 16)
	for i := range 16 {
		wg.Go(func() {
			v, err := vr.get(context.Background())
			if err != nil {
				t.Error(err)
			}
			got[i] = v.Data
		})
	}
	for {
		vr.mu.Lock()
		waiting := vr.pending != nil && vr.pending.waiters == 16
		vr.mu.Unlock()
		if waiting {
			break
		}
		runtime.Gosched()
	}
	close(release)
	if v := <-first; v != 0 {
		t.Errorf("first: version %d, want 0", v)
	}
	wg.Wait()
	for i, v := range got {
		if v != 7 {
			t.Errorf("request %d: version %d, want 7 (written before it asked)", i, v)
		}
	}
	if n := reads.Load(); n != 2 {
		t.Errorf("%d reads for 17 requests, want 2", n)
	}
}
