package storage

import (
	"context"
	"fmt"
	"maps"
	"sync"
)

// Domains of stored data, each with a version of its own (DomainVersions),
// so that a cache of figures drops only what a write may have changed.
const (
	// DomainRegister: the adoption register, members, organisations and
	// products.
	DomainRegister = "register"
	// DomainRepositories: repositories, their products, status and
	// coverage.
	DomainRepositories = "repositories"
	// DomainActivity: contributions and their rollup, releases and
	// snapshots.
	DomainActivity = "activity"
	// DomainRuns: collection runs.
	DomainRuns = "runs"
)

// Domains lists every domain; a write that names none bumps them all.
var Domains = []string{DomainRegister, DomainRepositories, DomainActivity, DomainRuns}

// Versions is the data version (DataVersion) with the version of each
// domain: the data version at the domain's last write.
type Versions struct {
	Data    int64
	Domains map[string]int64
}

// versionsOnce holds the versions a context read first (ReadVersionsOnce).
type versionsOnce struct {
	mu   sync.Mutex
	read bool
	vs   Versions
}

type versionsOnceKey struct{}

// ReadVersionsOnce returns a context under which DomainVersions reads the
// versions once and then answers what it read: what one request (a page,
// an answer of the API) does, whose figures each asked for them, a query
// each (27 a request on average under the load benchmark, a third of its
// queries on PostgreSQL). Every figure of the request is then of the same
// versions, as is the ETag it is kept under. The versions are read before
// any figure's rows, so a figure is never marked newer than the rows it
// read: a write during the request only makes the next request compute
// it again. Not for a context that writes and then reads what it wrote.
func ReadVersionsOnce(ctx context.Context) context.Context {
	if _, ok := ctx.Value(versionsOnceKey{}).(*versionsOnce); ok {
		return ctx
	}
	return context.WithValue(ctx, versionsOnceKey{}, &versionsOnce{})
}

// DomainVersions reads the data version and every domain's in one query,
// or once for the whole of a context from ReadVersionsOnce.
func (s *Reader) DomainVersions(ctx context.Context) (Versions, error) {
	once, _ := ctx.Value(versionsOnceKey{}).(*versionsOnce)
	if once == nil {
		return s.readDomainVersions(ctx)
	}
	// Held while reading, so that figures computed at once (a page's
	// errgroup) share the one query.
	once.mu.Lock()
	defer once.mu.Unlock()
	if !once.read {
		vs, err := s.readDomainVersions(ctx)
		if err != nil {
			return Versions{}, err
		}
		once.vs, once.read = vs, true
	}
	return Versions{Data: once.vs.Data, Domains: maps.Clone(once.vs.Domains)}, nil
}

func (s *Reader) readDomainVersions(ctx context.Context) (Versions, error) {
	var rows []struct {
		Domain  string `db:"domain"`
		Version int64  `db:"version"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT '' AS domain, version FROM data_version WHERE id = 1
		UNION ALL SELECT domain, version FROM data_versions`)
	if err != nil {
		return Versions{}, fmt.Errorf("storage: unable to read data versions: %w", err)
	}
	out := Versions{Domains: make(map[string]int64, len(rows))}
	for _, r := range rows {
		if r.Domain == "" {
			out.Data = r.Version
		} else {
			out.Domains[r.Domain] = r.Version
		}
	}
	return out, nil
}
