package collector

import (
	"context"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// TestHygieneAtMostOnceADay: the first poll reads the community profile
// and the root directory; later polls the same day neither; the next day
// one of them, so a poll adds at most one request for hygiene.
func TestHygieneAtMostOnceADay(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		clock := newFakeClock()
		f := newFakeGitHub(t, clock)
		f.addOwner("OS2display", false)
		f.addRepo("OS2display", &fakeRepo{name: "display-client", commits: readHistory(t, "os2display__display-client.tsv")[:3],
			license: "MPL-2.0", files: map[string][]byte{"README.md": nil, "CONTRIBUTING.md": nil, "SECURITY.md": nil, "publiccode.yml": nil}})
		cfg := testConfig(t, f.URL(), 1, "os2display=OS2display/*")
		syncProducts(t, store, cfg)
		src := newTestSource(t, cfg, store, clock, nil, nil)
		key := storage.RepoKey("github.com", "OS2display", "display-client")

		poll(t, store, src, nil)
		reqs := f.takeRequests()
		if count(reqs, "/repos/OS2display/display-client/community/profile", 200) != 1 || count(reqs, "/repos/OS2display/display-client/contents/", 200) != 1 {
			t.Errorf("first poll %+v: want the profile and the root read once", reqs)
		}
		hs, err := store.LatestHygiene(ctx, civil.UTCDay(clock.now()))
		if err != nil {
			t.Fatal(err)
		}
		want := storage.Hygiene{RepositoryKey: key, Day: civil.UTCDay(clock.now()), License: "MPL-2.0", Readme: true, Contributing: true,
			Security: true, PublicCode: true, Container: storage.ContainerNone}
		if hs[key] != want {
			t.Errorf("hygiene %+v, want %+v", hs[key], want)
		}

		poll(t, store, src, nil)
		reqs = f.takeRequests()
		if count(reqs, "/repos/OS2display/display-client/community/*", 0)+count(reqs, "/repos/OS2display/display-client/contents/*", 0) != 0 {
			t.Errorf("second poll the same day asked for hygiene: %+v", reqs)
		}
		if count(reqs, "*", 304) != len(reqs) {
			t.Errorf("unchanged second poll: %+v, want all 304", reqs)
		}

		clock.sleep(ctx, 24*time.Hour)
		poll(t, store, src, nil)
		reqs = f.takeRequests()
		n := count(reqs, "/repos/OS2display/display-client/community/*", 0) + count(reqs, "/repos/OS2display/display-client/contents/*", 0)
		if n != 1 || count(reqs, "*", 304) != len(reqs) {
			t.Errorf("next day: %d hygiene requests in %+v; want 1, all 304", n, reqs)
		}
	})
}
