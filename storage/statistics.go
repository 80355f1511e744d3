package storage

import (
	"context"
	"fmt"
	"sync"
)

// analyzeAfter is how many contributions a PostgreSQL store adds before it
// refreshes the planner's statistics of the contribution tables itself.
const analyzeAfter = 20_000

// statistics keeps PostgreSQL's planner statistics of the contribution
// tables in step with large imports. Autovacuum analyzes a table only
// after a minute or more; until then the planner of a freshly imported
// database guesses the tables' contents, and the first pages after the
// first import (per repository and per day) took 5-10 times as long
// (bench: /products/{id} 368 ms median at 1×, 73 ms at 10× where
// autovacuum had caught up). Refreshing whenever the tables have doubled
// since the last refresh costs a handful of ANALYZEs over any import,
// whatever its size; SQLite's planner needs no statistics for these
// queries.
type statistics struct {
	mu       sync.Mutex
	added    int64 // contributions added since the last refresh
	analyzed int64 // contributions added up to the last refresh
}

// grew records n new contributions and reports whether the statistics
// are due.
func (st *statistics) grew(n int) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.added += int64(n)
	if st.added < analyzeAfter || st.added < st.analyzed {
		return false
	}
	st.analyzed += st.added
	st.added = 0
	return true
}

// refreshStatistics analyzes the contribution tables on PostgreSQL when
// the contributions just added make it due. ANALYZE reads a sample and
// takes no lock that blocks reads or writes.
func (s *Store) refreshStatistics(ctx context.Context, added int) error {
	if s.driver != "postgres" || added == 0 || !s.stats.grew(added) {
		return nil
	}
	if _, err := s.w.ExecContext(ctx, `ANALYZE contributions, contributor_days`); err != nil {
		return fmt.Errorf("storage: unable to refresh the planner's statistics: %w", err)
	}
	return nil
}
