package report

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"os2pulse/civil"
	"os2pulse/config"
	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// levelsConfig dates the levels of three products: Alfa climbs from the
// sandbox to level 2, Charlie is lowered after an audit, Delta is onboarded
// late in 2024; Bravo is at level 3 for all dates.
const levelsConfig = `
[[products]]
id = "alfa"
name = "Alfa"
levels = [
  { level = "sandbox", since = 2022-03-01 },
  { level = "1", since = 2023-06-15 },
  { level = "2", since = 2024-09-01 },
]
[[products]]
id = "bravo"
name = "Bravo"
governance_level = "3"
[[products]]
id = "charlie"
name = "Charlie"
levels = [{ level = "2", since = 2020-01-01 }, { level = "1", since = 2024-02-01 }]
[[products]]
id = "delta"
name = "Delta"
levels = [{ level = "sandbox", since = 2024-11-01 }]
`

// TestDatedLevelsInAPastYear: the 2024 report, produced in 2026, counts
// each product at the level it held at the end of 2024 and of 2023, charts
// the months of 2024 and lists who moved, on both databases.
func TestDatedLevelsInAPastYear(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		ctx := context.Background()
		cfg, err := config.Parse("levels.toml", []byte(levelsConfig), nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.SyncProducts(ctx, storage.ConfiguredProducts(cfg)); err != nil {
			t.Fatal(err)
		}
		if _, err := store.ImportRegister(ctx, storage.Register{Source: "r.csv", SHA256: "r", Adoptions: []storage.AdoptionRecord{
			{OrganizationID: "101", ProductID: "charlie", Status: storage.StatusProduction, Since: civil.MustParse("2020-05-01")},
		}}); err != nil {
			t.Fatal(err)
		}
		calc := figures.New(store.ReadOnly(), cfg)
		rep, err := calc.ProduceReport(ctx, 2024, time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}

		levels := map[string]string{}
		for _, g := range rep.Governance {
			levels[g.Level] = strings.Join(g.Products, ",") + " / " + strings.Join(g.Previous, ",")
		}
		for level, want := range map[string]string{"sandbox": "Delta / ", "1": "Charlie / Alfa", "2": "Alfa / Charlie", "3": "Bravo / Bravo"} {
			if levels[level] != want {
				t.Errorf("level %s: %q, want %q (end of 2024 / end of 2023)", level, levels[level], want)
			}
		}
		var moved []string
		for _, c := range rep.LevelChanges {
			moved = append(moved, c.Date.String()+" "+c.Product+" "+c.From+">"+c.To)
		}
		if want := "2024-02-01 charlie 2>1 2024-09-01 alfa 1>2 2024-11-01 delta >sandbox"; strings.Join(moved, " ") != want {
			t.Errorf("moved %q, want %q", moved, want)
		}
		var months []string
		for _, p := range rep.GovernanceSeries.Points {
			months = append(months, p.Date.String()[5:7]+":"+levelCounts(p))
		}
		want := "01:0111 02:0201 03:0201 04:0201 05:0201 06:0201 07:0201 08:0201 09:0111 10:0111 11:1111 12:1111"
		if strings.Join(months, " ") != want {
			t.Errorf("months (sandbox, 1, 2, 3) %v, want %s", months, want)
		}

		// Adoption says the level of its date too.
		for date, want := range map[string]string{"2023-12-31": "2", "2024-12-31": "1"} {
			a, err := calc.Adoption(ctx, civil.MustParse(date))
			if err != nil {
				t.Fatal(err)
			}
			if got := a.Products[2].GovernanceLevel; a.Products[2].ID != "charlie" || got != want {
				t.Errorf("charlie on %s: level %q, want %q", date, got, want)
			}
		}

		var md bytes.Buffer
		if err := Write(&md, cfg, rep, "md", locale.EN); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			"| Sandbox | 1 | 0 | +1 | Delta |",
			"| Governance level 1 | 1 | 1 | ±0 | Charlie |",
			"**Products that moved level in 2024**",
			"| Charlie | 1 February 2024 | Governance level 2 | Governance level 1 |",
			"| Delta | 1 November 2024 | Not yet in the governance model | Sandbox |",
			"| November 2024 | 1 | 1 | 1 | 1 |",
		} {
			if !strings.Contains(md.String(), want) {
				t.Errorf("markdown lacks %q", want)
			}
		}
		if strings.Contains(md.String(), "not dated") {
			t.Error("the report still says the levels are not dated")
		}
	})
}

// levelCounts writes a point's counts in level order, one digit each.
func levelCounts(p figures.GovernancePoint) string {
	var b strings.Builder
	for _, l := range figures.GovernanceLevels {
		b.WriteByte(byte('0' + p.Levels[l]))
	}
	return b.String()
}
