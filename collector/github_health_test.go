package collector

import (
	"context"
	"reflect"
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
			Security: true, PublicCode: true}
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

// TestPublicCodeEveryVersion: the root listing gives publiccode.yml's
// SHA, so the file is read the first time and when it changed, with a
// conditional request; an unchanged file costs nothing (304s only), and
// every version is kept.
func TestPublicCodeEveryVersion(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		clock := newFakeClock()
		f := newFakeGitHub(t, clock)
		f.addOwner("os2kitos", false)
		v1 := []byte("publiccodeYmlVersion: \"0.4\"\nname: OS2kitos\n")
		repo := f.addRepo("os2kitos", &fakeRepo{name: "kitos", commits: readHistory(t, "os2display__display-client.tsv")[:3],
			files: map[string][]byte{"README.md": nil, "publiccode.yml": v1}})
		cfg := testConfig(t, f.URL(), 1, "os2kitos=os2kitos/*")
		syncProducts(t, store, cfg)
		src := newTestSource(t, cfg, store, clock, nil, nil)
		const file = "/repos/os2kitos/kitos/contents/publiccode.yml"
		versions := func() []string {
			t.Helper()
			fs, err := store.PublicCodeFiles(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, f := range fs {
				out = append(out, f.RepositoryKey+" "+f.Path+" "+f.Content)
			}
			return out
		}
		// rootDay polls day after day until the root is read again (the
		// profile and the root take turns), and returns that poll's
		// requests.
		rootDay := func() []fakeRequest {
			t.Helper()
			for range 3 {
				clock.sleep(ctx, 24*time.Hour)
				poll(t, store, src, nil)
				reqs := f.takeRequests()
				if count(reqs, "/repos/os2kitos/kitos/contents/", 0) == 1 {
					return reqs
				}
			}
			t.Fatal("the root was not read in three days")
			return nil
		}

		poll(t, store, src, nil)
		reqs := f.takeRequests()
		if count(reqs, "/repos/os2kitos/kitos/contents/", 200) != 1 || count(reqs, file, 200) != 1 {
			t.Fatalf("first poll %+v: want the root and publiccode.yml read once", reqs)
		}
		want := []string{"github.com/os2kitos/kitos publiccode.yml " + string(v1)}
		if got := versions(); !reflect.DeepEqual(got, want) {
			t.Fatalf("versions %q, want %q", got, want)
		}

		// Unchanged: the root answers 304 and the file is not asked for.
		reqs = rootDay()
		if count(reqs, file, 0) != 0 || count(reqs, "*", 304) != len(reqs) {
			t.Errorf("unchanged publiccode.yml: %+v; want no request for it and all 304 (no budget)", reqs)
		}

		// Changed: one request for the file, a second version kept.
		v2 := append(append([]byte(nil), v1...), "url: https://github.com/os2kitos/kitos\n"...)
		f.update(func() { repo.files["publiccode.yml"] = v2 })
		reqs = rootDay()
		if count(reqs, file, 200) != 1 {
			t.Errorf("changed publiccode.yml: %+v; want it read once", reqs)
		}
		want = append(want, "github.com/os2kitos/kitos publiccode.yml "+string(v2))
		if got := versions(); !reflect.DeepEqual(got, want) {
			t.Errorf("versions %q, want %q", got, want)
		}

		// Gone: the hygiene says so; the versions stand.
		f.update(func() { delete(repo.files, "publiccode.yml") })
		reqs = rootDay()
		hs, err := store.LatestHygiene(ctx, civil.UTCDay(clock.now()))
		if err != nil || hs[storage.RepoKey("github.com", "os2kitos", "kitos")].PublicCode || count(reqs, file, 0) != 0 {
			t.Errorf("publiccode.yml gone: hygiene %+v (%v), requests %+v", hs, err, reqs)
		}
		if got := versions(); len(got) != 2 {
			t.Errorf("versions after the file is gone: %q", got)
		}
	})
}
