package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"os2pulse/civil"
)

// SelfEvaluation is one stored version of a product's governance
// self-evaluation.
type SelfEvaluation struct {
	ProductID    string     `db:"product_id"`
	Filled       civil.Date `db:"filled_date"`
	Source       string     `db:"source"`
	FilledBy     string     `db:"filled_by"`
	GeneratedAt  string     `db:"generated_at"`
	SHA256       string     `db:"sha256"`
	RecordedAt   string     `db:"recorded_at"`
	Requirements []SelfEvaluationRequirement
}

// SelfEvaluationRequirement is one line of a stored self-evaluation.
type SelfEvaluationRequirement struct {
	ProductID      string     `db:"product_id"`
	Filled         civil.Date `db:"filled_date"`
	Position       int        `db:"position"`
	ID             string     `db:"id"`
	Category       string     `db:"category"`
	Level          string     `db:"level"` // sandbox, 1, 2, 3
	State          string     `db:"state"` // met, planned, not_met
	Recommendation bool       `db:"recommendation"`
	Text           string     `db:"text"`
	Guidelines     string     `db:"guidelines"`
	Documentation  string     `db:"documentation"`
}

// PutSelfEvaluation stores a version of a product's self-evaluation under
// its filled date, replacing one stored with the same date unless it is
// the same file (same SHA-256). It reports whether anything changed.
func (s *Store) PutSelfEvaluation(ctx context.Context, e SelfEvaluation) (bool, error) {
	changed := false
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var sum string
		err := tx.GetContext(ctx, &sum, tx.Rebind(`SELECT sha256 FROM self_evaluations WHERE product_id = ? AND filled_date = ?`),
			e.ProductID, e.Filled)
		switch {
		case err == nil && sum == e.SHA256:
			return nil
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return err
		}
		changed = true
		for _, q := range []string{`DELETE FROM self_evaluation_requirements WHERE product_id = ? AND filled_date = ?`,
			`DELETE FROM self_evaluations WHERE product_id = ? AND filled_date = ?`} {
			if _, err := tx.ExecContext(ctx, tx.Rebind(q), e.ProductID, e.Filled); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO self_evaluations (product_id, filled_date, source, filled_by,
			generated_at, sha256, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			e.ProductID, e.Filled, e.Source, e.FilledBy, e.GeneratedAt, e.SHA256, s.nowStamp()); err != nil {
			return err
		}
		q := tx.Rebind(`INSERT INTO self_evaluation_requirements (product_id, filled_date, position, id, category, level,
			state, recommendation, text, guidelines, documentation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		for i, r := range e.Requirements {
			if _, err := tx.ExecContext(ctx, q, e.ProductID, e.Filled, i, r.ID, r.Category, r.Level, r.State,
				boolInt(r.Recommendation), r.Text, r.Guidelines, r.Documentation); err != nil {
				return fmt.Errorf("requirement %s: %w", r.ID, err)
			}
		}
		return bumpVersion(ctx, tx, DomainActivity)
	})
	if err != nil {
		return false, fmt.Errorf("storage: unable to store the self-evaluation of %s of %s: %w", e.ProductID, e.Filled, err)
	}
	return changed, nil
}

// SelfEvaluations returns every stored version of every product's
// self-evaluation with its requirements, by product and filled date.
func (s *Reader) SelfEvaluations(ctx context.Context) ([]SelfEvaluation, error) {
	var evs []SelfEvaluation
	if err := s.db.SelectContext(ctx, &evs, `SELECT product_id, filled_date, source, filled_by, generated_at, sha256, recorded_at
		FROM self_evaluations ORDER BY product_id, filled_date`); err != nil {
		return nil, fmt.Errorf("storage: unable to read self-evaluations: %w", err)
	}
	var reqs []SelfEvaluationRequirement
	if err := s.db.SelectContext(ctx, &reqs, `SELECT product_id, filled_date, position, id, category, level, state,
		recommendation <> 0 AS recommendation, text, guidelines, documentation
		FROM self_evaluation_requirements ORDER BY product_id, filled_date, position`); err != nil {
		return nil, fmt.Errorf("storage: unable to read self-evaluation requirements: %w", err)
	}
	idx := map[string]int{}
	for i, e := range evs {
		idx[e.ProductID+"\x00"+e.Filled.String()] = i
	}
	for _, r := range reqs {
		if i, ok := idx[r.ProductID+"\x00"+r.Filled.String()]; ok {
			evs[i].Requirements = append(evs[i].Requirements, r)
		}
	}
	return evs, nil
}

// Response kinds: a comment on an issue or pull request, a comment in a
// pull request's diff, a submitted review.
const (
	ResponseComment       = "comment"
	ResponseReviewComment = "review_comment"
	ResponseReview        = "review"
)

// Response is a comment or review on an issue or pull request, the
// number of which it answers.
type Response struct {
	RepositoryKey string    `db:"repository_key"`
	Kind          string    `db:"kind"`
	ExtID         string    `db:"ext_id"`
	Number        int       `db:"number"`
	Login         string    `db:"login"`
	At            time.Time `db:"-"`
}

// AddResponses stores responses, ignoring known ones, with the
// checkpoints in the same transaction; it returns how many were new.
func (s *Store) AddResponses(ctx context.Context, rs []Response, checkpoints ...SyncState) (int, error) {
	return insertNew(ctx, s, "responses", `INSERT INTO responses (repository_key, kind, ext_id, number, login, at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, rs, func(r Response) (string, []any, error) {
		name := r.RepositoryKey + " " + r.Kind + " " + r.ExtID
		if r.At.IsZero() {
			return name, nil, fmt.Errorf("%s has no date", name)
		}
		return name, []any{r.RepositoryKey, r.Kind, r.ExtID, r.Number, r.Login, Stamp(r.At)}, nil
	}, checkpoints)
}

// Item is an issue or pull request with its first response by someone
// other than its author.
type Item struct {
	RepositoryKey string
	Kind          string // KindIssue or KindPullRequest
	Number        string
	Login         string // the author
	Opened        time.Time
	Closed        time.Time // zero while open
}

// Items returns the issues and pull requests opened before to (UTC) that
// were opened from from on, or were still open at to: those a window
// ending at to can be about.
func (s *Reader) Items(ctx context.Context, from, to time.Time) ([]Item, error) {
	var rows []struct {
		RepositoryKey string `db:"repository_key"`
		Kind          string `db:"kind"`
		ExtID         string `db:"ext_id"`
		Login         string `db:"login"`
		At            string `db:"at"`
		ClosedAt      string `db:"closed_at"`
	}
	// Two parts, each read through its partial index (migration 0009):
	// opened in the window, and opened before it but open at its end.
	err := s.db.SelectContext(ctx, &rows, s.rebind(`SELECT repository_key, kind, ext_id, login, at, closed_at FROM contributions
		WHERE kind IN ('issue', 'pull_request') AND at >= ? AND at < ?
		UNION ALL
		SELECT repository_key, kind, ext_id, login, at, closed_at FROM contributions
		WHERE kind IN ('issue', 'pull_request') AND (closed_at = '' OR closed_at >= ?) AND at < ?
		ORDER BY repository_key, at`), Stamp(from), Stamp(to), Stamp(to), Stamp(from))
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read issues and pull requests: %w", err)
	}
	out := make([]Item, 0, len(rows))
	for _, r := range rows {
		it := Item{RepositoryKey: r.RepositoryKey, Kind: r.Kind, Number: r.ExtID, Login: r.Login}
		it.Opened, _ = ParseStamp(r.At)
		if r.ClosedAt != "" {
			it.Closed, _ = ParseStamp(r.ClosedAt)
		}
		out = append(out, it)
	}
	return out, nil
}

// Responses returns the responses given from from until before to (UTC).
func (s *Reader) Responses(ctx context.Context, from, to time.Time) ([]Response, error) {
	var rows []struct {
		Response
		At string `db:"at"`
	}
	err := s.db.SelectContext(ctx, &rows, s.rebind(`SELECT repository_key, kind, ext_id, number, login, at FROM responses
		WHERE at >= ? AND at < ? ORDER BY repository_key, number, at`), Stamp(from), Stamp(to))
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read responses: %w", err)
	}
	out := make([]Response, 0, len(rows))
	for _, r := range rows {
		resp := r.Response
		resp.At, _ = ParseStamp(r.At)
		out = append(out, resp)
	}
	return out, nil
}

// Releases returns the releases published from from until before to (UTC).
func (s *Reader) Releases(ctx context.Context, from, to time.Time) ([]Release, error) {
	var rows []struct {
		Release
		PublishedAt string `db:"published_at"`
	}
	err := s.db.SelectContext(ctx, &rows, s.rebind(`SELECT repository_key, ext_id, tag, name, published_at FROM releases
		WHERE published_at >= ? AND published_at < ? ORDER BY published_at`), Stamp(from), Stamp(to))
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read releases: %w", err)
	}
	out := make([]Release, 0, len(rows))
	for _, r := range rows {
		rel := r.Release
		rel.PublishedAt, _ = ParseStamp(r.PublishedAt)
		out = append(out, rel)
	}
	return out, nil
}

// Hygiene is what a repository offers newcomers and reusers, as checked on
// one UTC day.
type Hygiene struct {
	RepositoryKey string     `db:"repository_key"`
	Day           civil.Date `db:"day"`
	License       string     `db:"license"` // SPDX id; "" none found
	Readme        bool       `db:"readme"`
	Contributing  bool       `db:"contributing"`
	CodeOfConduct bool       `db:"code_of_conduct"`
	Security      bool       `db:"security"`
	PublicCode    bool       `db:"publiccode"`
}

// PutHygiene stores a repository's hygiene for its day; a later check the
// same day replaces it.
func (s *Store) PutHygiene(ctx context.Context, h Hygiene, checkpoints ...SyncState) error {
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO repository_hygiene (repository_key, day, license, readme,
			contributing, code_of_conduct, security, publiccode) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (repository_key, day) DO UPDATE SET license = excluded.license, readme = excluded.readme,
			contributing = excluded.contributing, code_of_conduct = excluded.code_of_conduct,
			security = excluded.security, publiccode = excluded.publiccode`),
			h.RepositoryKey, h.Day, h.License, boolInt(h.Readme), boolInt(h.Contributing), boolInt(h.CodeOfConduct),
			boolInt(h.Security), boolInt(h.PublicCode))
		if err != nil {
			return err
		}
		if err := putSyncStates(ctx, tx, s.nowStamp(), checkpoints); err != nil {
			return err
		}
		return bumpVersion(ctx, tx, DomainActivity)
	})
	if err != nil {
		return fmt.Errorf("storage: unable to store the hygiene of %s: %w", h.RepositoryKey, err)
	}
	return nil
}

// LatestHygiene returns each repository's newest hygiene checked on or
// before day.
func (s *Reader) LatestHygiene(ctx context.Context, day civil.Date) (map[string]Hygiene, error) {
	var rows []Hygiene
	err := s.db.SelectContext(ctx, &rows, s.rebind(`SELECT h.repository_key, h.day, h.license, h.readme <> 0 AS readme,
		h.contributing <> 0 AS contributing, h.code_of_conduct <> 0 AS code_of_conduct, h.security <> 0 AS security,
		h.publiccode <> 0 AS publiccode
		FROM repository_hygiene h JOIN (SELECT repository_key, MAX(day) AS d FROM repository_hygiene WHERE day <= ?
		GROUP BY repository_key) m ON m.repository_key = h.repository_key AND m.d = h.day`), day)
	if err != nil {
		return nil, fmt.Errorf("storage: unable to read repository hygiene: %w", err)
	}
	out := make(map[string]Hygiene, len(rows))
	for _, h := range rows {
		out[h.RepositoryKey] = h
	}
	return out, nil
}
