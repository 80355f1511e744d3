package collector

import (
	"strings"

	"github.com/google/go-github/v60/github"

	"os2pulse/storage"
)

// containerIn says what a repository's root listing shows of a container
// format (OS2's recommendation F19), from the listing the hygiene check
// reads anyway, so it costs no request of its own. A directory such as
// docker/ usually holds the files, but listing it would cost a request a
// repository; it is recorded as such, for the evidence to say it cannot
// tell rather than not found.
func containerIn(list []*github.RepositoryContent) string {
	out := storage.ContainerNone
	for _, c := range list {
		n := strings.ToLower(c.GetName())
		switch {
		case c.GetType() != "dir" && (n == "containerfile" || n == "dockerfile" || strings.HasPrefix(n, "dockerfile.") ||
			strings.HasSuffix(n, ".dockerfile") || n == "compose.yml" || n == "compose.yaml" ||
			n == "docker-compose.yml" || n == "docker-compose.yaml"):
			return storage.ContainerFile
		case c.GetType() == "dir" && (n == "docker" || n == ".docker" || n == "container" || n == "containers"):
			out = storage.ContainerDir
		}
	}
	return out
}
