package collector

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// blockingSource collects until its context ends, saying when it started.
type blockingSource struct {
	name    string
	started chan struct{}
}

func (b *blockingSource) Name() string            { return b.name }
func (b *blockingSource) Interval() time.Duration { return time.Hour }
func (b *blockingSource) Collect(ctx context.Context, rec *Recorder) error {
	close(b.started)
	<-ctx.Done()
	return ctx.Err()
}

// TestGoRunsUnderItsContext: a collection started in the background
// refuses a second start while it runs (naming the running run), refuses
// an unknown source, and when its context ends (the server shuts down)
// stops, records how it ended and lets Wait return.
func TestGoRunsUnderItsContext(t *testing.T) {
	store := storagetest.New(t, "sqlite")
	src := &blockingSource{name: "slow", started: make(chan struct{})}
	c := New(store, nil, []Source{src}, nil, slog.New(slog.DiscardHandler), nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	if err := c.Go(ctx, "nope"); !errors.Is(err, ErrUnknownSource) {
		t.Fatalf("Go(nope) = %v, want ErrUnknownSource", err)
	}
	if err := c.Go(ctx, "all"); err != nil {
		t.Fatal(err)
	}
	<-src.started
	var runID string
	for deadline := time.Now().Add(5 * time.Second); ; {
		err := c.Go(ctx, "slow")
		var busy *BusyError
		if !errors.As(err, &busy) || busy.Source != "slow" {
			t.Fatalf("second Go = %v, want a *BusyError", err)
		}
		if busy.RunID != "" {
			runID = busy.RunID
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the running run never got an id")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := c.RunOnce(ctx, "slow"); err == nil {
		t.Fatal("RunOnce while the source runs succeeded")
	}
	runs, err := store.LastRuns(context.Background())
	if err != nil || len(runs) != 1 || runs[0].ID != runID || runs[0].Result != storage.RunRunning {
		t.Fatalf("while running: %+v, %v; want run %s running", runs, err, runID)
	}

	cancel()
	done := make(chan struct{})
	go func() { c.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Wait did not return after the context ended")
	}
	runs, err = store.LastRuns(context.Background())
	if err != nil || len(runs) != 1 || runs[0].ID != runID || runs[0].Result != storage.RunFailure || runs[0].EndedAt == "" {
		t.Fatalf("after shutdown: %+v, %v; want run %s ended as failure", runs, err, runID)
	}
	// Free again.
	if err := c.Go(context.Background(), "nope"); !errors.Is(err, ErrUnknownSource) {
		t.Fatal(err)
	}
}

// TestOneInstanceCollects: while one collector holds the lease, another
// on the same database is refused, naming the holder; when the holder
// stops, it gives the lease up at once; and a holder whose lease is
// taken over stops its runs, saying why.
func TestOneInstanceCollects(t *testing.T) {
	store := storagetest.New(t, "sqlite")
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	srcA := &blockingSource{name: "slow", started: make(chan struct{})}
	a := New(store, NewLease(store, "a:1:aaaaaa", 600*time.Millisecond, log), []Source{srcA}, nil, log, nil)
	b := New(store, NewLease(store, "b:1:bbbbbb", 600*time.Millisecond, log), []Source{&blockingSource{name: "slow", started: make(chan struct{})}}, nil, log, nil)

	actx, stopA := context.WithCancel(ctx)
	if err := a.Go(actx, "slow"); err != nil {
		t.Fatal(err)
	}
	<-srcA.started
	var held *LeaseHeldError
	if err := b.Go(ctx, "slow"); !errors.As(err, &held) || held.Holder != "a:1:aaaaaa" {
		t.Fatalf("b.Go while a collects = %v, want a *LeaseHeldError naming a", err)
	}
	if _, err := b.RunOnce(ctx, "slow"); !errors.As(err, &held) {
		t.Fatalf("b.RunOnce while a collects = %v", err)
	}
	stopA()
	a.Wait()
	if l, ok, _ := store.CurrentLease(ctx, storage.CollectorLease); ok {
		t.Fatalf("lease still held after a stopped: %+v", l)
	}

	// a collects again; b takes the lease from under it.
	srcA.started = make(chan struct{})
	if err := a.Go(ctx, "slow"); err != nil {
		t.Fatal(err)
	}
	<-srcA.started
	if err := store.ReleaseLease(ctx, storage.CollectorLease, "a:1:aaaaaa"); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := store.AcquireLease(ctx, storage.CollectorLease, "b:1:bbbbbb", time.Minute); err != nil || !ok {
		t.Fatalf("b takes the lease: %v, %v", ok, err)
	}
	done := make(chan struct{})
	go func() { a.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("a's run went on without the lease")
	}
	runs, err := store.LastRuns(ctx)
	if err != nil || len(runs) != 1 || runs[0].Result != storage.RunFailure || !strings.Contains(runs[0].Message, "instance b:1:bbbbbb took it over") {
		t.Fatalf("a's run = %+v, %v; want a failure saying b took the lease over", runs, err)
	}
}
