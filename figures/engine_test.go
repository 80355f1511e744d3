package figures

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"os2pulse/storage"
)

// TestConcurrentRequestsShareOneComputation: sixteen requests at once for
// a figure not cached compute it once, and none is refused, though the
// pool holds two computations and eight waiting.
func TestConcurrentRequestsShareOneComputation(t *testing.T) {
	c := &Calculator{cache: map[string]cacheEntry{}, pool: newPool(2, 8)}
	vs := storage.Versions{Data: 1, Domains: map[string]int64{storage.DomainActivity: 1}}
	var computed atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithCancel(context.Background()) // a request each
			defer cancel()
			<-start
			v, err := cachedOn(ctx, c, vs, "figure", depAll, "", func() (int, error) {
				computed.Add(1)
				time.Sleep(100 * time.Millisecond)
				return 42, nil
			})
			if err != nil || v != 42 {
				t.Errorf("got %d, %v", v, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if n := computed.Load(); n != 1 {
		t.Errorf("computed %d times, want once", n)
	}
}

// TestCacheFollowsDomains: a figure is computed again when a domain it
// depends on or its extra stamp moves, and not when another domain does.
func TestCacheFollowsDomains(t *testing.T) {
	c := &Calculator{cache: map[string]cacheEntry{}, pool: newPool(2, 8)}
	ctx := context.Background()
	computed := 0
	get := func(vs storage.Versions, extra string) {
		t.Helper()
		if _, err := cachedOn(ctx, c, vs, "f", depRegister, extra, func() (int, error) { computed++; return computed, nil }); err != nil {
			t.Fatal(err)
		}
	}
	v := func(register, activity int64) storage.Versions {
		return storage.Versions{Domains: map[string]int64{storage.DomainRegister: register, storage.DomainActivity: activity}}
	}
	steps := []struct {
		name  string
		vs    storage.Versions
		extra string
		want  int
	}{
		{"first", v(1, 1), "a", 1},
		{"again", v(1, 1), "a", 1},
		{"another domain moved", v(1, 5), "a", 1},
		{"its domain moved", v(6, 5), "a", 2},
		{"its extra changed", v(6, 5), "b", 3},
	}
	for _, s := range steps {
		get(s.vs, s.extra)
		if computed != s.want {
			t.Fatalf("%s: computed %d times, want %d", s.name, computed, s.want)
		}
	}
}

// TestPoolBoundsComputations: a computation starts at once while a slot
// is free; the next waits in the queue; beyond the queue, ErrBusy at once,
// and after waiting too long, ErrBusy too. A figure computed from figures
// (the same context) never waits for a slot of its own.
func TestPoolBoundsComputations(t *testing.T) {
	p := newPool(1, 1)
	p.maxWait = 200 * time.Millisecond
	// Three requests: three contexts.
	a := context.Background()
	b, cancelB := context.WithCancel(a)
	defer cancelB()
	c, cancelC := context.WithCancel(a)
	defer cancelC()

	releaseA, err := p.acquire(a)
	if err != nil {
		t.Fatal(err)
	}
	nested, err := p.acquire(a)
	if err != nil {
		t.Fatalf("a figure of a figure waited: %v", err)
	}
	nested()

	got := make(chan error, 1)
	go func() {
		release, err := p.acquire(b)
		if err == nil {
			release()
		}
		got <- err
	}()
	for {
		p.mu.Lock()
		w := p.waiting
		p.mu.Unlock()
		if w == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if _, err := p.acquire(c); !errors.Is(err, ErrBusy) {
		t.Fatalf("beyond the queue: %v, want ErrBusy", err)
	}
	releaseA()
	if err := <-got; err != nil {
		t.Fatalf("the waiting computation: %v", err)
	}

	releaseA, _ = p.acquire(a)
	defer releaseA()
	start := time.Now()
	if _, err := p.acquire(b); !errors.Is(err, ErrBusy) || time.Since(start) < p.maxWait {
		t.Fatalf("after waiting %s: %v, want ErrBusy after %s", time.Since(start), err, p.maxWait)
	}
	ctx, cancel := context.WithCancel(c)
	cancel()
	if _, err := p.acquire(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("a caller that left: %v", err)
	}
}
