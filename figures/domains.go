package figures

import (
	"context"
	"strconv"
	"strings"

	"os2pulse/storage"
)

// Domains is a set of the parts of the stored data that have versions of
// their own: what an answer made of figures reads, so that it can be
// kept until one of them is written (presentation packages declare it
// per page and endpoint; see Versions.Stamp).
type Domains uint8

// The domains, as storage names them (storage.Domains).
const (
	// DomainRegister: the adoption register, members, organisations,
	// products.
	DomainRegister = Domains(depRegister)
	// DomainRepositories: repositories, their products, status and
	// coverage.
	DomainRepositories = Domains(depRepositories)
	// DomainActivity: contributions, releases, snapshots, self-evaluations
	// and publiccode files.
	DomainActivity = Domains(depActivity)
	// DomainRuns: collection runs (when each source was last collected).
	DomainRuns = Domains(depRuns)
	// AllDomains is every domain.
	AllDomains = Domains(depAll)
)

// String names the domains in d, joined by "+".
func (d Domains) String() string {
	var names []string
	for i, name := range domainOrder {
		if d&(1<<i) != 0 {
			names = append(names, name)
		}
	}
	return strings.Join(names, "+")
}

// Versions is the data version and the version of each domain, read at
// once.
type Versions struct {
	// Data changes with every write; it only grows.
	Data     int64
	versions [len(domainOrder)]int64
}

// Versions reads the data version and every domain's, in one query.
func (c *Calculator) Versions(ctx context.Context) (Versions, error) {
	vs, err := c.store.DomainVersions(ctx)
	if err != nil {
		return Versions{}, err
	}
	out := Versions{Data: vs.Data}
	for i, name := range domainOrder {
		out.versions[i] = vs.Domains[name]
	}
	return out, nil
}

// ReadVersionsOnce returns a context under which the data versions are
// read once, by the first figure that needs them, and every other figure
// and Versions have the same (storage.ReadVersionsOnce): for a request
// that only reads, so that its figures do not each ask for them.
func ReadVersionsOnce(ctx context.Context) context.Context {
	return storage.ReadVersionsOnce(ctx)
}

// Stamp names the versions of the domains in d: it changes when one of
// them is written, and only then.
func (v Versions) Stamp(d Domains) string {
	var b strings.Builder
	for i, name := range domainOrder {
		if d&(1<<i) != 0 {
			b.WriteString(name)
			b.WriteByte('=')
			b.WriteString(strconv.FormatInt(v.versions[i], 10))
			b.WriteByte(';')
		}
	}
	return b.String()
}

// NoDomains declares that an answer reads no stored data at all (only
// the configuration), where declaring nothing would count as reading
// every domain.
const NoDomains = Domains(1 << 7)
