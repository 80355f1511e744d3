package figures

import (
	"context"
	"errors"
	"testing"
	"time"
)

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
