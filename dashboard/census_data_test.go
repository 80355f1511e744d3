package dashboard

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestDataPageLastCensus: the public data page names the census behind
// the register once an answer has been accepted, and nothing before; no
// contact data reach it.
func TestDataPageLastCensus(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		f := newPageFixture(t, store)
		ctx := context.Background()
		_, body := f.get(t, "/data?lang=en")
		if strings.Contains(body, `id="register-census"`) {
			t.Errorf("a census before any:\n%s", body)
		}
		cur, err := store.Adoptions(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		store.SetClock(func() time.Time { return fixtureNow })
		_, err = store.ImportRegister(ctx, storage.Register{Source: "Census <2027>", Adoptions: cur,
			Audit: storage.Audit{Actor: "anna", Via: storage.ViaAdmin, Action: storage.ActionCensus, Detail: "101: answered"}})
		if err != nil {
			t.Fatal(err)
		}
		res, body := f.get(t, "/data?lang=en")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `<p id="register-census">The members last confirmed the register in Census &lt;2027&gt;; the latest answer was accepted 23 November 2026`) {
			t.Errorf("data page after a census:\n%s", body)
		}
	})
}
