package storage

import (
	"context"
	"fmt"
)

// StoredReport is the figures of an annual report as produced at one time.
type StoredReport struct {
	Year       int    `db:"year"`
	ProducedAt string `db:"produced_at"`
	Figures    string `db:"figures"` // JSON
}

// SaveReport keeps a copy of a produced report's figures, so later
// corrections to the register can be listed against it.
func (s *Store) SaveReport(ctx context.Context, year int, figuresJSON string) (StoredReport, error) {
	r := StoredReport{Year: year, ProducedAt: s.nowStamp(), Figures: figuresJSON}
	_, err := s.w.ExecContext(ctx, s.rebind(`INSERT INTO reports (year, produced_at, figures) VALUES (?, ?, ?)`),
		r.Year, r.ProducedAt, r.Figures)
	if err != nil {
		return r, fmt.Errorf("storage: unable to save report %d: %w", year, err)
	}
	return r, nil
}

// FirstReport returns the first produced report of a year, or ErrNotFound.
func (s *Reader) FirstReport(ctx context.Context, year int) (StoredReport, error) {
	var rs []StoredReport
	err := s.db.SelectContext(ctx, &rs, s.rebind(`SELECT year, produced_at, figures FROM reports WHERE year = ?
		ORDER BY produced_at LIMIT 1`), year)
	if err != nil {
		return StoredReport{}, fmt.Errorf("storage: unable to read report %d: %w", year, err)
	}
	if len(rs) == 0 {
		return StoredReport{}, fmt.Errorf("storage: report %d: %w", year, ErrNotFound)
	}
	return rs[0], nil
}

// LatestReport returns the newest produced report of a year, or ErrNotFound.
func (s *Reader) LatestReport(ctx context.Context, year int) (StoredReport, error) {
	var rs []StoredReport
	err := s.db.SelectContext(ctx, &rs, s.rebind(`SELECT year, produced_at, figures FROM reports WHERE year = ?
		ORDER BY produced_at DESC LIMIT 1`), year)
	if err != nil {
		return StoredReport{}, fmt.Errorf("storage: unable to read report %d: %w", year, err)
	}
	if len(rs) == 0 {
		return StoredReport{}, fmt.Errorf("storage: report %d: %w", year, ErrNotFound)
	}
	return rs[0], nil
}
