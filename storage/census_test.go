package storage_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestCensusLifecycle: a census from opening to an accepted answer on both
// databases: links found only by their hash, revoked and reissued one by
// one, answers taken only while the census is open, the latest answer
// replacing the earlier one and its review, acceptance and the register
// change in one transaction, and a purge erasing the contacts only.
func TestCensusLifecycle(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		clock := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return clock })
		if err := s.SyncProducts(ctx, []storage.Product{{ID: "os2forms", Name: "OS2forms", GovernanceLevel: "3"}}); err != nil {
			t.Fatal(err)
		}
		c := storage.Census{ID: "c1", Name: "Census 2027", Opens: civil.MustParse("2027-01-10"), Closes: civil.MustParse("2027-01-31"), CreatedBy: "anna"}
		err := s.CreateCensus(ctx, c, []storage.CensusInvitation{{OrganizationID: "101", TokenHash: "h101"}, {OrganizationID: "751", TokenHash: "h751"}})
		if err != nil {
			t.Fatal(err)
		}
		// Two censuses cannot share an id, and a failed creation leaves
		// no invitation behind.
		if err := s.CreateCensus(ctx, storage.Census{ID: "c2", Name: "x", Opens: c.Opens, Closes: c.Closes},
			[]storage.CensusInvitation{{OrganizationID: "101", TokenHash: "h-new"}, {OrganizationID: "751", TokenHash: "h751"}}); err == nil {
			t.Error("a token hash used twice was stored")
		}
		if cs, _ := s.Censuses(ctx); len(cs) != 1 || cs[0].Name != "Census 2027" || cs[0].CreatedAt != storage.Stamp(clock) {
			t.Errorf("censuses %+v", cs)
		}
		if invs, _ := s.CensusInvitations(ctx, "c2"); len(invs) != 0 {
			t.Errorf("a failed creation left %d invitations", len(invs))
		}

		got, inv, err := s.CensusInvitationByToken(ctx, "h751")
		if err != nil || got.ID != "c1" || got.Closes != c.Closes || inv.OrganizationID != "751" || inv.RevokedAt != "" {
			t.Fatalf("by token: %+v %+v %v", got, inv, err)
		}
		if _, _, err := s.CensusInvitationByToken(ctx, "nope"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("unknown hash: %v", err)
		}

		day := civil.MustParse("2027-01-10")
		answer := storage.CensusAnswer{Items: `[1]`, ContactName: "Bo", ContactRole: "IT", ContactEmail: "bo@example.dk", Note: "n"}
		tests := []struct {
			name, hash string
			day        string
			ok         bool
		}{
			{"open, first day", "h101", "2027-01-10", true},
			{"open, last day", "h101", "2027-01-31", true},
			{"before opening", "h101", "2027-01-09", false},
			{"after closing", "h101", "2027-02-01", false},
			{"unknown", "zzz", "2027-01-15", false},
		}
		for _, tt := range tests {
			_, err := s.SaveCensusAnswer(ctx, tt.hash, civil.MustParse(tt.day), answer)
			if tt.ok != (err == nil) || !tt.ok && !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("%s: %v", tt.name, err)
			}
		}

		// Revoked: refused; reissued: the old hash is unknown, the new works.
		if err := s.RevokeCensusToken(ctx, "c1", "751"); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeCensusToken(ctx, "c1", "751"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("revoking twice: %v", err)
		}
		if _, err := s.SaveCensusAnswer(ctx, "h751", day, answer); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("revoked link saved: %v", err)
		}
		if err := s.ReissueCensusToken(ctx, "c1", "751", "h751b"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.CensusInvitationByToken(ctx, "h751"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("old hash after reissue: %v", err)
		}
		if _, inv, err := s.CensusInvitationByToken(ctx, "h751b"); err != nil || inv.RevokedAt != "" {
			t.Errorf("reissued %+v %v", inv, err)
		}
		if err := s.ReissueCensusToken(ctx, "c1", "999", "h999"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("reissue for an organisation not asked: %v", err)
		}

		clock = clock.Add(time.Hour)
		first, err := s.SaveCensusAnswer(ctx, "h751b", day, answer)
		if err != nil || first.OrganizationID != "751" || first.CensusID != "c1" {
			t.Fatalf("save %+v %v", first, err)
		}
		// Rejecting an answer, then a newer answer: the review is gone.
		if err := s.RejectCensusAnswer(ctx, storage.CensusReview{CensusID: "c1", OrganizationID: "751", AnsweredAt: first.AnsweredAt, By: "anna", Note: "wrong"}); err != nil {
			t.Fatal(err)
		}
		if a, _ := s.CensusAnswer(ctx, "c1", "751"); a.Review != storage.ReviewRejected || a.ReviewNote != "wrong" || a.ReviewedBy != "anna" {
			t.Errorf("rejected %+v", a)
		}
		clock = clock.Add(time.Hour)
		// A new answer without contact fields keeps the earlier contact.
		second, err := s.SaveCensusAnswer(ctx, "h751b", day, storage.CensusAnswer{Items: `[2]`, Note: "n"})
		if err != nil {
			t.Fatal(err)
		}
		if a, _ := s.CensusAnswer(ctx, "c1", "751"); a.Items != `[2]` || a.Review != "" || a.AnsweredAt != second.AnsweredAt ||
			a.ContactName != "Bo" || a.ContactEmail != "bo@example.dk" {
			t.Errorf("latest answer %+v", a)
		}

		// Accepting the old answer is refused, and the register is not
		// touched; accepting the current one imports and records both.
		reg := storage.Register{Source: "Census 2027", Adoptions: []storage.AdoptionRecord{{OrganizationID: "751", ProductID: "os2forms", Status: "production", Since: civil.MustParse("2020-01-01")}},
			Audit: storage.Audit{Actor: "anna", Via: storage.ViaAdmin, Action: storage.ActionCensus}}
		if _, err := s.AcceptCensusAnswer(ctx, reg, storage.CensusReview{CensusID: "c1", OrganizationID: "751", AnsweredAt: first.AnsweredAt, Review: storage.ReviewAccepted, By: "anna"}); !errors.Is(err, storage.ErrCensusAnswerChanged) {
			t.Errorf("accepting a replaced answer: %v", err)
		}
		if v, _ := s.RegisterVersion(ctx); v != "0" {
			t.Errorf("a refused acceptance changed the register (version %s)", v)
		}
		clock = clock.Add(time.Hour)
		sum, err := s.AcceptCensusAnswer(ctx, reg, storage.CensusReview{CensusID: "c1", OrganizationID: "751", AnsweredAt: second.AnsweredAt, Review: storage.ReviewPartial, By: "anna"})
		if err != nil || sum.Added != 1 {
			t.Fatalf("accept: %+v %v", sum, err)
		}
		a, _ := s.CensusAnswer(ctx, "c1", "751")
		if a.Review != storage.ReviewPartial || a.ImportID != sum.ID || a.ReviewedAt != storage.Stamp(clock) {
			t.Errorf("accepted answer %+v", a)
		}
		imports, _ := s.RegisterImports(ctx)
		if last := imports[0]; last.ID != sum.ID || last.Source != "Census 2027" || last.Actor != "anna" || last.Action != storage.ActionCensus {
			t.Errorf("the audit trail's last change %+v", last)
		}
		if recs, _ := s.Adoptions(ctx, ""); len(recs) != 1 || recs[0].OrganizationID != "751" {
			t.Errorf("register after acceptance %+v", recs)
		}

		// Purge: contacts gone, answers and reviews kept, links dead.
		if err := s.PurgeCensusContacts(ctx, "c1"); err != nil {
			t.Fatal(err)
		}
		if err := s.PurgeCensusContacts(ctx, "c1"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("purging twice: %v", err)
		}
		answers, _ := s.CensusAnswers(ctx, "c1")
		if len(answers) != 2 || answers[0].OrganizationID != "101" || answers[1].Items != `[2]` || answers[1].Review != storage.ReviewPartial {
			t.Errorf("after purge %+v", answers)
		}
		for _, a := range answers {
			if a.ContactName != "" || a.ContactEmail != "" || a.ContactRole != "" || a.Note != "n" {
				t.Errorf("after purge %+v", a)
			}
		}
		if cs, _ := s.Census(ctx, "c1"); cs.PurgedAt == "" {
			t.Error("census not marked purged")
		}
		if _, err := s.SaveCensusAnswer(ctx, "h101", day, answer); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("answer to a purged census: %v", err)
		}
	})
}

// TestAcceptCensusAnswerIsOneTransaction: when the review cannot be
// recorded, the register change is undone too.
func TestAcceptCensusAnswerIsOneTransaction(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		if err := s.SyncProducts(ctx, []storage.Product{{ID: "os2forms", Name: "OS2forms", GovernanceLevel: "3"}}); err != nil {
			t.Fatal(err)
		}
		reg := storage.Register{Adoptions: []storage.AdoptionRecord{{OrganizationID: "751", ProductID: "os2forms", Status: "production", Since: civil.MustParse("2020-01-01")}}}
		_, err := s.AcceptCensusAnswer(ctx, reg, storage.CensusReview{CensusID: "none", OrganizationID: "751", AnsweredAt: "x", Review: storage.ReviewAccepted})
		if !errors.Is(err, storage.ErrCensusAnswerChanged) {
			t.Errorf("accept without an answer: %v", err)
		}
		if recs, _ := s.Adoptions(ctx, ""); len(recs) != 0 {
			t.Errorf("the register kept %d records of a failed acceptance", len(recs))
		}
		if v, _ := s.RegisterVersion(ctx); v != "0" {
			t.Errorf("register version %s", v)
		}
	})
}

// TestCensusAnswerNeverHalf: while an organisation saves answer after
// answer, a reader sees each whole (its items and note from one save),
// never parts of two.
func TestCensusAnswerNeverHalf(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		day := civil.MustParse("2027-01-10")
		c := storage.Census{ID: "c1", Name: "Census 2027", Opens: day, Closes: day}
		if err := s.CreateCensus(ctx, c, []storage.CensusInvitation{{OrganizationID: "101", TokenHash: "h"}}); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			for i := range 100 {
				n := strconv.Itoa(i)
				if _, err := s.SaveCensusAnswer(ctx, "h", day, storage.CensusAnswer{Items: "[" + n + "]", Note: n, ContactName: "c" + n}); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
		reads := 0
		for {
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
				if reads == 0 {
					t.Log("no read overlapped a save")
				}
				a, err := s.CensusAnswer(ctx, "c1", "101")
				if err != nil || a.Items != "[99]" || a.Note != "99" {
					t.Errorf("last answer %+v %v", a, err)
				}
				return
			default:
			}
			a, err := s.CensusAnswer(ctx, "c1", "101")
			if errors.Is(err, storage.ErrNotFound) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			reads++
			if a.Items != "["+a.Note+"]" || a.ContactName != "c"+a.Note {
				t.Fatalf("half an answer: %+v", a)
			}
		}
	})
}
