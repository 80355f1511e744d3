package figures

import (
	"context"
	"reflect"
	"testing"
	"time"

	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestCandidateHeadline: the figures a preview shows for a register held
// in memory are the figures that register gives once imported, and agree
// with Members and Adoption.
func TestCandidateHeadline(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		clock := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
		store.SetClock(func() time.Time { return clock })
		c := adoptionSetup(t, store, adoptionTestRegister())
		date := day("2025-01-01")
		before, err := c.Headline(ctx, date)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := c.Members(ctx, date)
		a, _ := c.Adoption(ctx, date)
		if before.Members != m.Members || before.ThreePlus != m.ThreePlus || before.ThreePlusShare != m.ThreePlusShare ||
			len(before.Products) != len(a.Products) || before.Products[0].Adopters != a.Products[0].Adopters {
			t.Fatalf("headline %+v disagrees with members %+v and adoption %+v", before, m, a)
		}

		// The candidate: Aarhus runs two more products, Sønderborg is a
		// member again, Copenhagen's OS2forms ended. Memberships are part
		// of it; the organisations stay as stored.
		next := adoptionTestRegister()
		next.Organizations = nil
		rec := func(org, product, since string) storage.AdoptionRecord {
			return storage.AdoptionRecord{OrganizationID: org, ProductID: product, Status: storage.StatusProduction, Since: day(since)}
		}
		next.Adoptions = append(next.Adoptions, rec("751", "os2display", "2024-09-01"), rec("751", "os2borgerpc", "2024-09-01"))
		next.Adoptions[0].Until = day("2024-12-01")
		next.Members = append(next.Members, storage.Membership{OrganizationID: "540", Since: day("2024-08-01")})
		candidate, err := c.CandidateHeadline(ctx, next, date)
		if err != nil {
			t.Fatal(err)
		}
		if reflect.DeepEqual(candidate, before) {
			t.Fatal("the candidate changes nothing; the test shows nothing")
		}
		clock = clock.Add(time.Hour)
		if _, err := store.ImportRegister(ctx, next); err != nil {
			t.Fatal(err)
		}
		after, err := c.Headline(ctx, date)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(candidate, after) {
			t.Errorf("candidate %+v\nimported %+v", candidate, after)
		}
	})
}
