package figures

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"os2pulse/civil"
)

// DraftFilledBy is who a draft says filled it in: not the product, which
// starts from it and puts its own name there.
const DraftFilledBy = "os2pulse (draft)"

// Draft is a self-evaluation in OS2's own JSON format, pre-filled from
// the governance evidence: "Ja" where evidence is found, "Nej" where it
// is not, null where the data cannot tell; the evidence as documentation.
// Its lines are those of the product's own evaluation in force where it
// has one (its texts, levels, categories and guidelines), else OS2's
// model as the table in evidence_table.go holds it.
type Draft struct {
	ProductName string      `json:"productName"`
	FilledBy    string      `json:"filledBy"`
	FilledDate  string      `json:"filledDate"`
	GeneratedAt string      `json:"generatedAt"`
	Krav        []DraftKrav `json:"krav"`
}

// DraftKrav is one line of a draft, with the file's own field names.
type DraftKrav struct {
	ID             string  `json:"id"`
	Kategori       string  `json:"kategori"`
	Krav           string  `json:"krav"`
	Produktniveau  string  `json:"produktniveau"`
	Retningslinjer string  `json:"retningslinjer"`
	Efterlevet     *string `json:"efterlevet"` // null: the data cannot tell
	Dokumentation  string  `json:"dokumentation"`
}

// JSON is the draft as a file, indented like OS2's own.
func (d Draft) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("figures: writing the draft of %s: %w", d.ProductName, err)
	}
	return append(b, '\n'), nil
}

// ProductDraft is a draft self-evaluation of the product from its
// evidence on date; now is when it is generated.
func (c *Calculator) ProductDraft(ctx context.Context, productID string, date civil.Date, now time.Time) (Draft, error) {
	pe, err := c.ProductEvidence(ctx, productID, date)
	if err != nil {
		return Draft{}, err
	}
	pg, err := c.ProductSelfEvaluation(ctx, productID, date)
	if err != nil {
		return Draft{}, err
	}
	guidelines := map[string]string{}
	for _, r := range Requirements {
		guidelines[r.ID] = r.Guidelines
	}
	if pg.Evaluation != nil {
		for _, r := range pg.Evaluation.Requirements {
			guidelines[r.ID] = r.Guidelines
		}
	}
	reqs := append([]RequirementEvidence(nil), pe.Requirements...)
	sort.SliceStable(reqs, func(i, j int) bool { return requirementLess(reqs[i], reqs[j]) })
	d := Draft{ProductName: pe.Name, FilledBy: DraftFilledBy, FilledDate: date.String(),
		GeneratedAt: now.UTC().Format("2006-01-02T15:04:05.000Z"), Krav: []DraftKrav{}}
	for _, r := range reqs {
		k := DraftKrav{ID: r.ID, Kategori: r.Category, Krav: r.Text, Produktniveau: fileLevel(r.Level),
			Retningslinjer: guidelines[r.ID], Dokumentation: documentation(r.Findings)}
		switch r.Verdict {
		case VerdictFound:
			k.Efterlevet = ptr("Ja")
		case VerdictNotFound:
			k.Efterlevet = ptr("Nej")
		}
		d.Krav = append(d.Krav, k)
	}
	return d, nil
}

func ptr(s string) *string { return &s }

// fileLevel writes a level as the files do: the sandbox is "sandkasse".
func fileLevel(l string) string {
	if l == "sandbox" {
		return "sandkasse"
	}
	return l
}

// documentation is the evidence as the file's documentation, one finding
// a line: what was found, and its link where it has one.
func documentation(fs []Finding) string {
	var lines []string
	seen := map[string]bool{}
	for _, f := range fs {
		s := f.Detail
		if f.URL != "" {
			s += " " + f.URL
		}
		if s != "" && !seen[s] {
			seen[s] = true
			lines = append(lines, s)
		}
	}
	return strings.Join(lines, "\n")
}
