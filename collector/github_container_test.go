package collector

import (
	"context"
	"testing"

	"github.com/google/go-github/v60/github"

	"os2pulse/civil"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

func TestContainerIn(t *testing.T) {
	entry := func(name, kind string) *github.RepositoryContent {
		return &github.RepositoryContent{Name: github.String(name), Type: github.String(kind)}
	}
	cases := []struct {
		name string
		list []*github.RepositoryContent
		want string
	}{
		{"Dockerfile", []*github.RepositoryContent{entry("README.md", "file"), entry("Dockerfile", "file")}, storage.ContainerFile},
		{"Containerfile", []*github.RepositoryContent{entry("Containerfile", "file")}, storage.ContainerFile},
		{"compose file", []*github.RepositoryContent{entry("docker-compose.yml", "file")}, storage.ContainerFile},
		{"compose.yaml", []*github.RepositoryContent{entry("compose.yaml", "file")}, storage.ContainerFile},
		{"a variant Dockerfile", []*github.RepositoryContent{entry("Dockerfile.prod", "file")}, storage.ContainerFile},
		{"a file wins over a directory", []*github.RepositoryContent{entry("docker", "dir"), entry("Dockerfile", "file")}, storage.ContainerFile},
		{"only a docker directory", []*github.RepositoryContent{entry("docker", "dir"), entry("src", "dir")}, storage.ContainerDir},
		{"a directory named Dockerfile is no file", []*github.RepositoryContent{entry("Dockerfile", "dir")}, storage.ContainerNone},
		{"nothing", []*github.RepositoryContent{entry("README.md", "file"), entry("dockerize.sh", "file")}, storage.ContainerNone},
		{"empty root", nil, storage.ContainerNone},
	}
	for _, c := range cases {
		if got := containerIn(c.list); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// TestHygieneContainerAndNoAssertion: the root listing the hygiene check
// reads anyway says a Dockerfile is there, with no request of its own,
// and a licence GitHub cannot name is kept as NOASSERTION, not as none.
func TestHygieneContainerAndNoAssertion(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		clock := newFakeClock()
		f := newFakeGitHub(t, clock)
		f.addOwner("OS2display", false)
		f.addRepo("OS2display", &fakeRepo{name: "display-api", commits: readHistory(t, "os2display__display-client.tsv")[:2],
			license: "NOASSERTION", files: map[string][]byte{"README.md": nil, "Dockerfile": nil}})
		cfg := testConfig(t, f.URL(), 1, "os2display=OS2display/*")
		syncProducts(t, store, cfg)
		src := newTestSource(t, cfg, store, clock, nil, nil)
		poll(t, store, src, nil)
		reqs := f.takeRequests()
		if n := count(reqs, "/repos/OS2display/display-api/contents/*", 0) + count(reqs, "/repos/OS2display/display-api/community/*", 0); n != 2 {
			t.Errorf("%d hygiene requests, want 2 (profile and root): %+v", n, reqs)
		}
		hs, err := store.LatestHygiene(context.Background(), civil.UTCDay(clock.now()))
		if err != nil {
			t.Fatal(err)
		}
		h := hs[storage.RepoKey("github.com", "OS2display", "display-api")]
		if h.Container != storage.ContainerFile || h.License != storage.LicenseNoAssertion || !h.Readme {
			t.Errorf("hygiene %+v, want a container file, licence NOASSERTION and a README", h)
		}
	})
}
