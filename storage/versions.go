package storage

import (
	"context"
	"fmt"
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

// DomainVersions reads the data version and every domain's in one query.
func (s *Reader) DomainVersions(ctx context.Context) (Versions, error) {
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
