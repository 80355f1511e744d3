package register

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"os2pulse/storage"
)

// Contents is the register as stored at one time: what an export writes
// and what a form's change is checked against.
type Contents struct {
	Adoptions   []storage.AdoptionRecord
	Memberships []storage.Membership
	// Organizations are every organisation, municipalities included (for
	// their names).
	Organizations []storage.Organization
}

// Export formats.
const (
	FormatXLSX = "xlsx"
	FormatCSV  = "csv"
)

// The tables of a register, as a CSV export names them.
const (
	TableAdoption = "adoption"
	TableMembers  = "members"
)

// adoptionRows are the adoption table of an export, header first, in the
// layout an import reads. Every text is guarded against formula
// injection (escapeCell), which an import undoes.
func adoptionRows(c Contents) [][]string {
	out := make([][]string, 0, len(c.Adoptions)+1)
	out = append(out, AdoptionColumns)
	for _, r := range c.Adoptions {
		out = append(out, []string{r.OrganizationID, r.ProductID, r.Status, r.Since.String(), r.Until.String(), escapeCell(r.Note)})
	}
	return out
}

// membersRows are the members table of an export: every membership
// period with its organisation's name and kind, then a row without
// member_since for every organisation other than a municipality that has
// no membership, so that adoption rows naming it stay valid.
func membersRows(c Contents) [][]string {
	orgs := make(map[string]storage.Organization, len(c.Organizations))
	for _, o := range c.Organizations {
		orgs[o.ID] = o
	}
	out := make([][]string, 0, len(c.Memberships)+1)
	out = append(out, MembersColumns)
	member := map[string]bool{}
	for _, m := range c.Memberships {
		o, ok := orgs[m.OrganizationID]
		if !ok {
			o = storage.Organization{ID: m.OrganizationID, Name: m.OrganizationID, Kind: storage.KindOther}
		}
		member[o.ID] = true
		out = append(out, []string{o.ID, escapeCell(o.Name), o.Kind, m.Since.String(), m.Until.String()})
	}
	for _, o := range c.Organizations {
		if o.Kind != storage.KindMunicipality && !member[o.ID] {
			out = append(out, []string{o.ID, escapeCell(o.Name), o.Kind, "", ""})
		}
	}
	return out
}

// WriteCSV writes one table of the register (TableAdoption or
// TableMembers) as UTF-8 CSV, in the layout an import reads.
func WriteCSV(w io.Writer, c Contents, tableName string) error {
	var rows [][]string
	switch tableName {
	case TableAdoption:
		rows = adoptionRows(c)
	case TableMembers:
		rows = membersRows(c)
	default:
		return fmt.Errorf("register: no table %q (adoption or members)", tableName)
	}
	cw := csv.NewWriter(w)
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("register: writing CSV: %w", err)
	}
	return nil
}

// WriteXLSX writes the register as a workbook with the sheets adoption
// and members, in the layout an import reads. Every cell is text, so
// Excel neither reformats a date nor runs a formula.
func WriteXLSX(w io.Writer, c Contents) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", TableAdoption); err != nil {
		return fmt.Errorf("register: writing workbook: %w", err)
	}
	if _, err := f.NewSheet(TableMembers); err != nil {
		return fmt.Errorf("register: writing workbook: %w", err)
	}
	for _, s := range []struct {
		name   string
		rows   [][]string
		widths []float64
	}{
		{TableAdoption, adoptionRows(c), []float64{22, 20, 12, 12, 12, 40}},
		{TableMembers, membersRows(c), []float64{22, 32, 14, 14, 14}},
	} {
		if err := writeSheet(f, s.name, s.rows, s.widths); err != nil {
			return fmt.Errorf("register: writing sheet %s: %w", s.name, err)
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("register: writing workbook: %w", err)
	}
	return nil
}

func writeSheet(f *excelize.File, sheet string, rows [][]string, widths []float64) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	vals := make([]any, 0, len(rows[0]))
	for i, r := range rows {
		vals = vals[:0]
		for _, v := range r {
			vals = append(vals, v)
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, vals); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// Stored is the storage a register is read back from (a *storage.Store).
type Stored interface {
	Adoptions(ctx context.Context, knownAt string) ([]storage.AdoptionRecord, error)
	Memberships(ctx context.Context, knownAt string) ([]storage.Membership, error)
	Organizations(ctx context.Context) ([]storage.Organization, error)
	OrganizationsAt(ctx context.Context, knownAt string) ([]storage.Organization, error)
}

// ReadStored reads the register as it was known at knownAt (a stored
// stamp such as an import's id; "" = now), organisations' names as they
// were then included.
func ReadStored(ctx context.Context, s Stored, knownAt string) (Contents, error) {
	var c Contents
	var err error
	if c.Adoptions, err = s.Adoptions(ctx, knownAt); err != nil {
		return c, err
	}
	if c.Memberships, err = s.Memberships(ctx, knownAt); err != nil {
		return c, err
	}
	if c.Organizations, err = s.OrganizationsAt(ctx, knownAt); err != nil {
		return c, err
	}
	return c, nil
}
