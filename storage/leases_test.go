package storage_test

import (
	"context"
	"testing"
	"time"

	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestCollectorLease: one holder at a time; renewing keeps the time it was
// taken; another instance takes it only once it expired, and taking it
// over marks the runs the old holder left running as interrupted.
func TestCollectorLease(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		const a, b = "host-a:1:aaaaaa", "host-b:1:bbbbbb"

		l, ok, err := s.AcquireLease(ctx, storage.CollectorLease, a, 30*time.Second)
		if err != nil || !ok || l.Holder != a || l.ExpiresAt != "2026-03-01T10:00:30.000000Z" {
			t.Fatalf("first acquire = %+v, %v, %v", l, ok, err)
		}
		run, err := s.StartRun(ctx, "github", a)
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(10 * time.Second)
		if l, ok, err := s.AcquireLease(ctx, storage.CollectorLease, b, 30*time.Second); err != nil || ok || l.Holder != a {
			t.Fatalf("b while a holds it = %+v, %v, %v", l, ok, err)
		}
		l, ok, err = s.AcquireLease(ctx, storage.CollectorLease, a, 30*time.Second)
		if err != nil || !ok || l.AcquiredAt != "2026-03-01T10:00:00.000000Z" || l.ExpiresAt != "2026-03-01T10:00:40.000000Z" {
			t.Fatalf("renewal = %+v, %v, %v", l, ok, err)
		}
		if runs, _ := s.LastRuns(ctx); runs[0].Result != storage.RunRunning {
			t.Fatalf("a's run while a holds the lease: %+v", runs[0])
		}
		// a dies: no renewal. At the expiry b takes over.
		now = now.Add(30 * time.Second)
		l, ok, err = s.AcquireLease(ctx, storage.CollectorLease, b, 30*time.Second)
		if err != nil || !ok || l.Holder != b || l.AcquiredAt != "2026-03-01T10:00:40.000000Z" {
			t.Fatalf("take-over = %+v, %v, %v", l, ok, err)
		}
		runs, err := s.LastRuns(ctx)
		if err != nil || len(runs) != 1 || runs[0].ID != run.ID || runs[0].Result != storage.RunInterrupted ||
			runs[0].Holder != a || runs[0].EndedAt != "2026-03-01T10:00:40.000000Z" {
			t.Fatalf("a's run after the take-over = %+v, %v", runs, err)
		}
		// a, back, neither takes the lease nor gives it up for b.
		if _, ok, _ := s.AcquireLease(ctx, storage.CollectorLease, a, 30*time.Second); ok {
			t.Fatal("a took the lease back from b")
		}
		if err := s.ReleaseLease(ctx, storage.CollectorLease, a); err != nil {
			t.Fatal(err)
		}
		if l, ok, err := s.CurrentLease(ctx, storage.CollectorLease); err != nil || !ok || l.Holder != b {
			t.Fatalf("after a released: %+v, %v, %v", l, ok, err)
		}
		if err := s.ReleaseLease(ctx, storage.CollectorLease, b); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := s.CurrentLease(ctx, storage.CollectorLease); err != nil || ok {
			t.Fatalf("after b released: %v, %v", ok, err)
		}
	})
}

// TestInterruptOrphanedRuns: at start, a run left running by an instance
// that holds no lease is interrupted; the run of the live holder is not.
func TestInterruptOrphanedRuns(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		dead, err := s.StartRun(ctx, "register", "killed:1:000000")
		if err != nil {
			t.Fatal(err)
		}
		v0, _ := s.DataVersion(ctx)
		n, err := s.InterruptOrphanedRuns(ctx)
		if err != nil || n != 1 {
			t.Fatalf("marked %d, %v; want 1", n, err)
		}
		if v1, _ := s.DataVersion(ctx); v1 == v0 {
			t.Error("the data version did not change: pages would show the run as running")
		}
		if _, ok, err := s.AcquireLease(ctx, storage.CollectorLease, "alive:2:111111", time.Minute); err != nil || !ok {
			t.Fatalf("lease: %v, %v", ok, err)
		}
		live, err := s.StartRun(ctx, "github", "alive:2:111111")
		if err != nil {
			t.Fatal(err)
		}
		if n, err := s.InterruptOrphanedRuns(ctx); err != nil || n != 0 {
			t.Fatalf("with the holder alive: marked %d, %v", n, err)
		}
		got := map[string]string{}
		runs, _ := s.Runs(ctx, 10)
		for _, r := range runs {
			got[r.ID] = r.Result
		}
		if got[dead.ID] != storage.RunInterrupted || got[live.ID] != storage.RunRunning {
			t.Fatalf("runs = %v", got)
		}
	})
}
