package storage_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestRegisterChangesIsTheImport: the preview's diff counts and lists
// exactly what the import then does, a version check refuses a change
// prepared against an older register, and every change is in the audit
// trail with who made it.
func TestRegisterChangesIsTheImport(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		clock := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return clock })
		if err := s.SyncProducts(ctx, []storage.Product{{ID: "os2forms", Name: "OS2forms", GovernanceLevel: "3"}}); err != nil {
			t.Fatal(err)
		}
		a := func(org, status, since, until string) storage.AdoptionRecord {
			return storage.AdoptionRecord{OrganizationID: org, ProductID: "os2forms", Status: status, Since: civil.MustParse(since), Until: optDate(until)}
		}
		if v, _ := s.RegisterVersion(ctx); v != "0" {
			t.Fatalf("version of an empty register %q", v)
		}
		v1 := storage.Register{Source: "v1.xlsx", SHA256: "1", Adoptions: []storage.AdoptionRecord{a("101", "production", "2020-01-01", ""), a("751", "pilot", "2021-01-01", "")},
			Members: []storage.Membership{{OrganizationID: "101", Since: civil.MustParse("2015-01-01")}},
			Audit:   storage.Audit{Via: storage.ViaCommandLine}}
		if _, err := s.ImportRegister(ctx, v1); err != nil {
			t.Fatal(err)
		}
		base, _ := s.RegisterVersion(ctx)
		if base != "1" {
			t.Fatalf("version %q after the first import", base)
		}

		v2 := storage.Register{Source: "v2.xlsx", SHA256: "2", Adoptions: []storage.AdoptionRecord{a("101", "production", "2020-01-01", "2026-01-01"), a("630", "production", "2026-02-01", "")},
			Audit: storage.Audit{Actor: "anna", Via: storage.ViaAdmin}, IfVersion: &base}
		diff, err := s.RegisterChanges(ctx, v2)
		if err != nil {
			t.Fatal(err)
		}
		wantKinds := []string{storage.ChangeChanged, storage.ChangeAdded, storage.ChangeEnded}
		var kinds []string
		for _, c := range diff.Adoptions {
			kinds = append(kinds, c.Kind)
		}
		if !reflect.DeepEqual(kinds, wantKinds) || diff.Adoptions[0].Old.Until != 0 || diff.Adoptions[0].New.Until.String() != "2026-01-01" ||
			diff.Adoptions[2].Old.OrganizationID != "751" || diff.Memberships != nil {
			t.Errorf("diff %+v", diff)
		}
		// A preview writes nothing.
		if v, _ := s.RegisterVersion(ctx); v != base {
			t.Errorf("version moved to %q by a preview", v)
		}

		// Someone else changes the register after the preview: the
		// previewed import is refused and stores nothing.
		clock = clock.Add(time.Minute)
		edit := storage.Register{Adoptions: append(v1.Adoptions, a("147", "planned", "2027-01-01", "")), Audit: storage.Audit{Actor: "bo", Via: storage.ViaAdmin, Action: storage.ActionEdit, Detail: "adoption: 147,os2forms,planned,2027-01-01,,"}}
		if _, err := s.ImportRegister(ctx, edit); err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(time.Minute)
		if _, err := s.ImportRegister(ctx, v2); !errors.Is(err, storage.ErrRegisterChanged) {
			t.Fatalf("stale import: %v, want ErrRegisterChanged", err)
		}
		cur, _ := s.Adoptions(ctx, "")
		if len(cur) != 3 {
			t.Errorf("%d records after a refused import, want 3", len(cur))
		}

		// Prepared again against the current version, it goes through
		// and does what its preview said.
		now, _ := s.RegisterVersion(ctx)
		v2.IfVersion = &now
		diff, _ = s.RegisterChanges(ctx, v2)
		sum2, err := s.ImportRegister(ctx, v2)
		if err != nil {
			t.Fatal(err)
		}
		diff.Summary.ID = sum2.ID
		if diff.Summary != sum2 {
			t.Errorf("preview %+v, import %+v", diff.Summary, sum2)
		}

		imps, _ := s.RegisterImports(ctx)
		type entry struct{ actor, via, action, source, detail string }
		var got []entry
		for _, imp := range imps {
			got = append(got, entry{imp.Actor, imp.Via, imp.Action, imp.Source, imp.Detail})
		}
		want := []entry{
			{"anna", storage.ViaAdmin, storage.ActionImport, "v2.xlsx", ""},
			{"bo", storage.ViaAdmin, storage.ActionEdit, "", "adoption: 147,os2forms,planned,2027-01-01,,"},
			{"", storage.ViaCommandLine, storage.ActionImport, "v1.xlsx", ""},
		}
		if !reflect.DeepEqual(got, want) || imps[0].Unchanged != 0 || imps[1].Unchanged != 2 || imps[1].Added != 1 {
			t.Errorf("audit trail %+v\nwant %+v", imps, want)
		}
		// A register without adoption records leaves them alone.
		clock = clock.Add(time.Minute)
		if _, err := s.ImportRegister(ctx, storage.Register{Members: []storage.Membership{}}); err != nil {
			t.Fatal(err)
		}
		if cur, _ := s.Adoptions(ctx, ""); len(cur) != 2 {
			t.Errorf("%d records after a members-only import, want 2", len(cur))
		}
	})
}

// TestAdminSessionsAndUploads: what the admin pages keep expires, and a
// session is found only by its token's hash.
func TestAdminSessionsAndUploads(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		v0, _ := s.DataVersion(ctx)
		sess := storage.AdminSession{TokenHash: "h1", Admin: "anna", CreatedAt: storage.Stamp(now), ExpiresAt: storage.Stamp(now.Add(time.Hour))}
		if err := s.PutAdminSession(ctx, storage.AdminSession{TokenHash: "h1", Admin: "anna"}, time.Hour); err != nil {
			t.Fatal(err)
		}
		if got, err := s.AdminSession(ctx, "h1"); err != nil || got != sess {
			t.Errorf("session %+v, %v", got, err)
		}
		if _, err := s.AdminSession(ctx, "h2"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("unknown session: %v", err)
		}
		up := storage.AdminUpload{ID: "u1", Admin: "admin:anna", CreatedAt: storage.Stamp(now), ExpiresAt: storage.Stamp(now.Add(time.Hour)), BaseVersion: "3", Files: `[]`}
		if err := s.PutAdminUpload(ctx, storage.AdminUpload{ID: "u1", Admin: "admin:anna", BaseVersion: "3", Files: `[]`}, time.Hour, 3); err != nil {
			t.Fatal(err)
		}
		if got, err := s.AdminUpload(ctx, "u1"); err != nil || got != up {
			t.Errorf("upload %+v, %v", got, err)
		}
		now = now.Add(2 * time.Hour)
		if _, err := s.AdminSession(ctx, "h1"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("expired session: %v", err)
		}
		if _, err := s.AdminUpload(ctx, "u1"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("expired upload: %v", err)
		}
		if err := s.DeleteAdminSession(ctx, "h1"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteAdminUpload(ctx, "u1"); err != nil {
			t.Fatal(err)
		}
		if v, _ := s.DataVersion(ctx); v != v0 {
			t.Errorf("data version %d → %d: sessions changed figures' caches", v0, v)
		}
	})
}
