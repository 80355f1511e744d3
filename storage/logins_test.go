package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestLoginFailures: failures are counted per name and address, the wait
// grows as the caller says, a success forgets them, and a day later they
// are forgotten anyway; kept in the database, a second store on it sees
// them (as another instance, or the same after a restart, would).
func TestLoginFailures(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		wait := func(n int) time.Duration {
			if n <= 2 {
				return 0
			}
			return time.Duration(n) * time.Second
		}
		steps := []struct {
			name, addr string
			wantWait   time.Duration // after this failure
		}{
			{"anna", "10.0.0.1", 0},
			{"anna", "10.0.0.1", 0},
			{"anna", "10.0.0.1", 3 * time.Second},
			{"anna", "10.0.0.2", 0}, // another address: counted apart
			{"bo", "10.0.0.1", 0},   // another name: counted apart
			{"anna", "10.0.0.1", 4 * time.Second},
		}
		for i, st := range steps {
			until, err := s.LoginFailed(ctx, st.name, st.addr, wait)
			if err != nil {
				t.Fatal(err)
			}
			got := time.Duration(0)
			if !until.IsZero() {
				got = until.Sub(now)
			}
			if got != st.wantWait {
				t.Errorf("step %d (%s at %s): wait %s, want %s", i, st.name, st.addr, got, st.wantWait)
			}
		}
		check := func(name, addr string, wantWait time.Duration, wantFailures int) {
			t.Helper()
			until, n, err := s.LoginWait(ctx, name, addr)
			if err != nil {
				t.Fatal(err)
			}
			got := time.Duration(0)
			if !until.IsZero() {
				got = until.Sub(now)
			}
			if got != wantWait || n != wantFailures {
				t.Errorf("%s at %s: wait %s, %d failures; want %s, %d", name, addr, got, n, wantWait, wantFailures)
			}
		}
		check("anna", "10.0.0.1", 4*time.Second, 4)
		check("anna", "10.0.0.2", 0, 1)
		check("anna", "10.0.0.3", 0, 0)
		now = now.Add(5 * time.Second)
		check("anna", "10.0.0.1", 0, 4) // waited: may try, still counted
		if err := s.LoginSucceeded(ctx, "anna", "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		check("anna", "10.0.0.1", 0, 0)
		now = now.Add(24 * time.Hour)
		check("bo", "10.0.0.1", 0, 0)
		if _, err := s.LoginFailed(ctx, "bo", "10.0.0.1", wait); err != nil {
			t.Fatal(err)
		}
		check("bo", "10.0.0.1", 0, 1) // the day-old failure forgotten
	})
}

// TestUploadsBoundedPerAdmin: an admin keeps only the newest uploads;
// another admin's are untouched.
func TestUploadsBoundedPerAdmin(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		put := func(id, admin string) {
			t.Helper()
			now = now.Add(time.Second)
			if err := s.PutAdminUpload(ctx, storage.AdminUpload{ID: id, Admin: admin, BaseVersion: "0", Files: "[]"}, 24*time.Hour, 3); err != nil {
				t.Fatal(err)
			}
		}
		put("b1", "admin:bo")
		for i := range 10 {
			put(fmt.Sprint("a", i), "admin:anna")
		}
		for id, want := range map[string]bool{"a6": false, "a7": true, "a8": true, "a9": true, "b1": true} {
			if _, err := s.AdminUpload(ctx, id); (err == nil) != want {
				t.Errorf("upload %s kept %v, want %v", id, err == nil, want)
			}
		}
	})
}
