package register

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"os2pulse/civil"
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

// exportAdoptionColumns are the adoption table of an export: the import
// layout with each organisation's name beside its code.
var exportAdoptionColumns = []string{"organization", ColumnOrganizationName, "product", "status", "since", "until", "note"}

// cell is one exported value: text, or a date (zero: empty).
type cell struct {
	text   string
	date   civil.Date
	isDate bool
}

func exportText(s string) cell     { return cell{text: s} }
func exportDate(d civil.Date) cell { return cell{date: d, isDate: true} }

// String is the cell as CSV writes it: a date YYYY-MM-DD, none empty.
func (c cell) String() string {
	switch {
	case !c.isDate:
		return c.text
	case c.date.IsZero():
		return ""
	}
	return c.date.String()
}

func headerCells(names []string) []cell {
	out := make([]cell, len(names))
	for i, n := range names {
		out[i] = exportText(n)
	}
	return out
}

// adoptionRows are the adoption table of an export, header first, in a
// layout an import reads. Every text is guarded against formula
// injection (escapeCell), which an import undoes.
func adoptionRows(c Contents) [][]cell {
	names := make(map[string]string, len(c.Organizations))
	for _, o := range c.Organizations {
		names[o.ID] = o.Name
	}
	out := make([][]cell, 0, len(c.Adoptions)+1)
	out = append(out, headerCells(exportAdoptionColumns))
	for _, r := range c.Adoptions {
		out = append(out, []cell{exportText(r.OrganizationID), exportText(escapeCell(names[r.OrganizationID])), exportText(r.ProductID),
			exportText(r.Status), exportDate(r.Since), exportDate(r.Until), exportText(escapeCell(r.Note))})
	}
	return out
}

// membersRows are the members table of an export: every membership
// period with its organisation's name and kind, then a row without
// member_since for every organisation other than a municipality that has
// no membership, so that adoption rows naming it stay valid.
func membersRows(c Contents) [][]cell {
	orgs := make(map[string]storage.Organization, len(c.Organizations))
	for _, o := range c.Organizations {
		orgs[o.ID] = o
	}
	out := make([][]cell, 0, len(c.Memberships)+1)
	out = append(out, headerCells(MembersColumns))
	member := map[string]bool{}
	for _, m := range c.Memberships {
		o, ok := orgs[m.OrganizationID]
		if !ok {
			o = storage.Organization{ID: m.OrganizationID, Name: m.OrganizationID, Kind: storage.KindOther}
		}
		member[o.ID] = true
		out = append(out, []cell{exportText(o.ID), exportText(escapeCell(o.Name)), exportText(o.Kind), exportDate(m.Since), exportDate(m.Until)})
	}
	for _, o := range c.Organizations {
		if o.Kind != storage.KindMunicipality && !member[o.ID] {
			out = append(out, []cell{exportText(o.ID), exportText(escapeCell(o.Name)), exportText(o.Kind), exportDate(0), exportDate(0)})
		}
	}
	return out
}

// WriteCSV writes one table of the register (TableAdoption or
// TableMembers) as CSV in a layout an import reads, for spreadsheets: a
// UTF-8 byte-order mark, without which Excel reads "København" as
// Windows-1252, and sep between cells (',' or ';', which Danish Excel
// expects).
func WriteCSV(w io.Writer, c Contents, tableName string, sep rune) error {
	var rows [][]cell
	switch tableName {
	case TableAdoption:
		rows = adoptionRows(c)
	case TableMembers:
		rows = membersRows(c)
	default:
		return fmt.Errorf("register: no table %q (adoption or members)", tableName)
	}
	if sep != ',' && sep != ';' {
		return fmt.Errorf("register: separator %q is not , or ;", sep)
	}
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return fmt.Errorf("register: writing CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.Comma = sep
	for _, r := range rows {
		rec := make([]string, len(r))
		for i, c := range r {
			rec[i] = c.String()
		}
		cw.Write(rec)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("register: writing CSV: %w", err)
	}
	return nil
}

// WriteXLSX writes the register as a workbook with the sheets adoption
// and members, in a layout an import reads. Dates are date cells (shown
// YYYY-MM-DD), so a spreadsheet sorts and filters them as dates; every
// other cell is text, so Excel neither reformats a code nor runs a
// formula.
func WriteXLSX(w io.Writer, c Contents) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", TableAdoption); err != nil {
		return fmt.Errorf("register: writing workbook: %w", err)
	}
	if _, err := f.NewSheet(TableMembers); err != nil {
		return fmt.Errorf("register: writing workbook: %w", err)
	}
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy-mm-dd")})
	if err != nil {
		return fmt.Errorf("register: writing workbook: %w", err)
	}
	for _, s := range []struct {
		name   string
		rows   [][]cell
		widths []float64
	}{
		{TableAdoption, adoptionRows(c), []float64{22, 28, 20, 12, 12, 12, 40}},
		{TableMembers, membersRows(c), []float64{22, 32, 14, 14, 14}},
	} {
		if err := writeSheet(f, s.name, s.rows, s.widths, dateStyle); err != nil {
			return fmt.Errorf("register: writing sheet %s: %w", s.name, err)
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("register: writing workbook: %w", err)
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

func writeSheet(f *excelize.File, sheet string, rows [][]cell, widths []float64, dateStyle int) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	// The header stays in view while scrolling a long register.
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	vals := make([]any, 0, len(rows[0]))
	for i, r := range rows {
		vals = vals[:0]
		for _, c := range r {
			switch {
			case !c.isDate:
				vals = append(vals, c.text)
			case c.date.IsZero():
				vals = append(vals, nil)
			default:
				// The date's serial number: days since 30 December 1899,
				// what Excel and LibreOffice store for a date.
				vals = append(vals, excelize.Cell{StyleID: dateStyle, Value: excelSerial(c.date)})
			}
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

// excelSerial is d as a spreadsheet's date number (the 1900 date system).
func excelSerial(d civil.Date) int {
	return civil.New(1899, 12, 30).DaysUntil(d)
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
