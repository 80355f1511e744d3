package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
)

// SyncState is what the collector remembers about one remote resource
// (e.g. "github.com/os2forms/os2forms/commits").
type SyncState struct {
	Resource     string `db:"resource"`
	ETag         string `db:"etag"`
	LastModified string `db:"last_modified"`
	Cursor       string `db:"cursor"`
	// Progress is a listing or import under way (the collector's own
	// encoding); "" when none is.
	Progress  string `db:"progress"`
	UpdatedAt string `db:"updated_at"`
}

// SyncState returns the state of a resource; a zero state if none is kept.
func (s *Reader) SyncState(ctx context.Context, resource string) (SyncState, error) {
	var st SyncState
	err := s.db.GetContext(ctx, &st, s.rebind(`SELECT resource, etag, last_modified, cursor, progress, updated_at FROM sync_state
		WHERE resource = ?`), resource)
	if errors.Is(err, sql.ErrNoRows) {
		return SyncState{Resource: resource}, nil
	}
	if err != nil {
		return st, fmt.Errorf("storage: unable to read sync state of %s: %w", resource, err)
	}
	return st, nil
}

// PutSyncState stores the state of a resource.
func (s *Store) PutSyncState(ctx context.Context, st SyncState) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error { return putSyncStates(ctx, tx, s.nowStamp(), []SyncState{st}) })
}

// putSyncStates stores sync states inside a write transaction: with the
// rows they stand for, a checkpoint is never ahead of the data.
func putSyncStates(ctx context.Context, tx *sqlx.Tx, now string, sts []SyncState) error {
	for _, st := range sts {
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO sync_state (resource, etag, last_modified, cursor, progress, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (resource) DO UPDATE SET etag = excluded.etag,
			last_modified = excluded.last_modified, cursor = excluded.cursor, progress = excluded.progress,
			updated_at = excluded.updated_at`),
			st.Resource, st.ETag, st.LastModified, st.Cursor, st.Progress, now)
		if err != nil {
			return fmt.Errorf("storage: unable to store sync state of %s: %w", st.Resource, err)
		}
	}
	return nil
}

// Run results.
const (
	RunRunning = "running"
	RunSuccess = "success"
	RunPartial = "partial" // finished, but some repositories failed
	RunFailure = "failure"
	// RunInterrupted: the instance running it stopped without recording
	// how it ended (killed, or its machine stopped).
	RunInterrupted = "interrupted"
)

// RunError is a problem with one item (a repository, a register file) that
// did not stop the run.
type RunError struct {
	Item  string `json:"item"`
	Error string `json:"error"`
}

// Run is one collection run of one source.
type Run struct {
	ID                 string     `db:"id" json:"id"`
	Source             string     `db:"source" json:"source"`
	StartedAt          string     `db:"started_at" json:"started_at"`
	EndedAt            string     `db:"ended_at" json:"ended_at,omitempty"`
	Result             string     `db:"result" json:"result"`
	Holder             string     `db:"holder" json:"holder,omitempty"` // the instance that ran it
	Requests           int        `db:"requests" json:"requests"`
	RateLimitRemaining int        `db:"rate_limit_remaining" json:"rate_limit_remaining"`
	Message            string     `db:"message" json:"message,omitempty"`
	ErrorsJSON         string     `db:"errors" json:"-"`
	Errors             []RunError `db:"-" json:"errors"`
}

// StartRun records the start of a run of source by the instance holder
// and returns it.
func (s *Store) StartRun(ctx context.Context, source, holder string) (Run, error) {
	now := s.now()
	r := Run{
		// The random tail keeps two runs started in the same instant
		// apart (instances on one database, tests with a fixed clock).
		ID:                 source + "-" + now.UTC().Format("20060102T150405.000000Z") + "-" + randomHex(3),
		Source:             source,
		StartedAt:          Stamp(now),
		Result:             RunRunning,
		Holder:             holder,
		RateLimitRemaining: -1,
		Errors:             []RunError{},
	}
	_, err := s.w.ExecContext(ctx, s.rebind(`INSERT INTO collection_runs (id, source, started_at, result, holder) VALUES (?, ?, ?, ?, ?)`),
		r.ID, r.Source, r.StartedAt, r.Result, r.Holder)
	if err != nil {
		return r, fmt.Errorf("storage: unable to record start of %s run: %w", source, err)
	}
	return r, nil
}

// FinishRun records how a run ended. The data version is bumped so that
// pages showing collection dates are refreshed.
func (s *Store) FinishRun(ctx context.Context, r Run) error {
	if r.EndedAt == "" {
		r.EndedAt = s.nowStamp()
	}
	if r.Errors == nil {
		r.Errors = []RunError{}
	}
	errs, err := json.Marshal(r.Errors)
	if err != nil {
		return err
	}
	err = s.tx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE collection_runs SET ended_at = ?, result = ?, requests = ?,
			rate_limit_remaining = ?, message = ?, errors = ? WHERE id = ?`),
			r.EndedAt, r.Result, r.Requests, r.RateLimitRemaining, r.Message, string(errs), r.ID)
		if err != nil {
			return err
		}
		return bumpVersion(ctx, tx, DomainRuns)
	})
	if err != nil {
		return fmt.Errorf("storage: unable to record end of run %s: %w", r.ID, err)
	}
	return nil
}

// LastRuns returns the newest run of each source: one row per source,
// even when two runs started in the same instant (the later id wins).
func (s *Reader) LastRuns(ctx context.Context) ([]Run, error) {
	return s.selectRuns(ctx, `SELECT id, source, started_at, ended_at, result, holder, requests, rate_limit_remaining,
		message, errors FROM (SELECT r.*, ROW_NUMBER() OVER (PARTITION BY source ORDER BY started_at DESC, id DESC) AS n
		FROM collection_runs r) ranked WHERE n = 1 ORDER BY source`)
}

// LastSuccess returns the end time of each source's newest successful (or
// partial) run.
func (s *Reader) LastSuccess(ctx context.Context) (map[string]time.Time, error) {
	var rows []struct {
		Source string `db:"source"`
		Ended  string `db:"ended"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT source, MAX(ended_at) AS ended FROM collection_runs
		WHERE result IN ('success', 'partial') GROUP BY source`)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read last successful runs: %w", err)
	}
	out := map[string]time.Time{}
	for _, r := range rows {
		if t, err := ParseStamp(r.Ended); err == nil && !t.IsZero() {
			out[r.Source] = t
		}
	}
	return out, nil
}

// Runs returns the newest runs, newest first, at most limit.
func (s *Reader) Runs(ctx context.Context, limit int) ([]Run, error) {
	return s.selectRuns(ctx, `SELECT id, source, started_at, ended_at, result, holder, requests, rate_limit_remaining,
		message, errors FROM collection_runs ORDER BY started_at DESC, id DESC LIMIT `+strconv.Itoa(limit))
}

func (s *Reader) selectRuns(ctx context.Context, q string, args ...any) ([]Run, error) {
	var out []Run
	if err := s.db.SelectContext(ctx, &out, s.rebind(q), args...); err != nil {
		return nil, fmt.Errorf("storage: unable to read collection runs: %w", err)
	}
	for i := range out {
		if err := json.Unmarshal([]byte(out[i].ErrorsJSON), &out[i].Errors); err != nil {
			out[i].Errors = []RunError{{Item: "run", Error: "unreadable error list"}}
		}
	}
	return out, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// FailingSince returns, for each source whose newest runs failed, when the
// first of those failed runs started: the runs since its last successful
// (or partial) run, which are all failures.
func (s *Reader) FailingSince(ctx context.Context) (map[string]string, error) {
	var rows []struct {
		Source string `db:"source"`
		Since  string `db:"since"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT r.source, MIN(r.started_at) AS since FROM collection_runs r
		WHERE r.result = 'failure' AND r.started_at > COALESCE((SELECT MAX(o.started_at) FROM collection_runs o
			WHERE o.source = r.source AND o.result IN ('success', 'partial')), '')
		GROUP BY r.source`)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read failing sources: %w", err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Source] = r.Since
	}
	return out, nil
}
