package dashboard

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"os2pulse/figures"
)

// catalogueData is the product catalogue's content.
type catalogueData struct {
	Form         filterForm
	Heads        []sortHead
	Rows         []catalogueRow
	Note         string // about incomplete contributor counts
	RegisterNote string
	CSV          string
}

// catalogueRow is one product in the catalogue.
type catalogueRow struct {
	ID, Name, Href string
	Description    string
	Links          []pageLink
	Level          string // in words
	LevelKey       string // for the level filter: sandbox, 1, 2, 3, or "" before the first
	Focus          bool
	Adopters       string
	Share          string
	Spark          sparkline
	Active         string
	Incomplete     bool
	Search         string
	SortValues     map[string]string // sort key → value tables.js compares
	Hidden         bool              // filtered out (the page was asked with a filter)
	sortBy         map[string]float64
}

// pageLink is a link with its text.
type pageLink struct{ Label, Href string }

// catalogueSorts are the catalogue's sort keys; the first is the default.
var catalogueSorts = []sortKey{{"name", false}, {"level", true}, {"adopters", true}, {"share", true}, {"contributors", true}}

// levelRank orders governance levels for sorting: none, sandbox, 1, 2, 3.
var levelRank = map[string]float64{"": 0, "sandbox": 1, "1": 2, "2": 3, "3": 4}

// productsPage is the catalogue: every product with its governance level
// on the date, whether it is a focus product, its adopters and share of
// the municipalities, their trend over three years, its active
// contributors, what it is and where to find out more. Filtered and
// sorted by the query, and again in the browser by tables.js.
func (s *Server) productsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	f := readFilter(r.URL.Query(), []string{"level"}, catalogueSorts)
	a, err := s.figures.Adoption(ctx, v.Date)
	if err != nil {
		return err
	}
	c, err := s.figures.Contributors(ctx, v.Date, s.cfg.Contributors.WindowDays)
	if err != nil {
		return err
	}
	contrib := map[string]figures.ProductContributors{}
	for _, p := range c.Products {
		contrib[p.ID] = p
	}
	d := catalogueData{RegisterNote: v.RegisterNote(a.RegisteredOn), CSV: v.DataLink("/api/v1/adoption.csv")}
	trends, err := s.figures.AdoptionSeriesAll(ctx, seriesStart(v.Date), v.Date, figures.Month)
	if err != nil {
		return err
	}
	shown := 0
	for _, pa := range a.Products {
		p, _ := s.cfg.Product(pa.ID)
		series := trends[pa.ID]
		pc := contrib[pa.ID]
		row := catalogueRow{
			ID: pa.ID, Name: pa.Name, Href: v.Link("/products/" + pa.ID), Description: p.Description.In(string(v.Lang)),
			Level: v.Governance(pa.GovernanceLevel), LevelKey: pa.GovernanceLevel, Focus: pa.Focus,
			Adopters: v.RegisterInt(pa.Adopters.All), Share: v.RegisterPct(pa.ShareOfMunicipalities),
			Spark: adoptionSparkline(v, series),
			sortBy: map[string]float64{"level": levelRank[pa.GovernanceLevel], "adopters": float64(pa.Adopters.All),
				"share": pa.ShareOfMunicipalities, "contributors": -1},
		}
		// Not known: the last complete count with its date, else "–";
		// sorted after every known count.
		n, known := pc.ActiveContributors.Get()
		switch {
		case known:
			row.Active, row.sortBy["contributors"] = v.Int(n), float64(n)
		case pc.LastKnown != nil:
			row.Active, row.Incomplete = v.Tf("coverage.lastcell", v.Int(pc.LastKnown.ActiveContributors), v.Lang.Date(pc.LastKnown.Date)), true
			d.Note = v.coverageNote(pc.CoveredUntil)
		default:
			row.Active = "–"
			if pc.Repositories > 0 {
				d.Note = v.coverageNote(pc.CoveredUntil)
			}
		}
		for _, u := range p.RepoLinks() {
			row.Links = append(row.Links, pageLink{strings.TrimPrefix(u, "https://"), u})
		}
		if p.URL != "" {
			row.Links = append(row.Links, pageLink{v.T("catalogue.website"), p.URL})
		}
		if p.Contact != "" {
			row.Links = append(row.Links, pageLink{v.T("catalogue.contact"), p.ContactLink()})
		}
		row.Search = searchText(pa.Name, pa.ID, row.Description, row.Level)
		row.SortValues = map[string]string{"name": strings.ToLower(pa.Name)}
		for k, x := range row.sortBy {
			row.SortValues[k] = strconv.FormatFloat(x, 'f', -1, 64)
		}
		row.Hidden = !f.matches(row.Search, map[string]string{"level": row.LevelKey})
		if !row.Hidden {
			shown++
		}
		d.Rows = append(d.Rows, row)
	}
	sortRows(d.Rows, f.Sort, catalogueSorts, func(r catalogueRow) (string, map[string]float64) { return r.SortValues["name"], r.sortBy })
	levels := options(f.Selects["level"], option{Value: "", Label: v.T("catalogue.level.all")},
		option{Value: "sandbox", Label: v.Governance("sandbox")}, option{Value: "1", Label: v.Governance("1")},
		option{Value: "2", Label: v.Governance("2")}, option{Value: "3", Label: v.Governance("3")})
	d.Form = v.filterForm("catalogue", "/products", v.T("catalogue.filter"), v.T("catalogue.search"), f,
		[]filterSelect{{"level", v.T("th.level"), levels}}, v.countText("catalogue.count", shown, len(d.Rows)))
	d.Heads = sortHeads(v, "/products", f, f.Sort, []sortHead{
		{Label: v.T("th.product"), Key: "name"}, {Label: v.T("th.level"), Key: "level"}, {Label: v.T("catalogue.focus")},
		{Label: v.T("th.adopters.all"), Key: "adopters", Numeric: true, Right: true}, {Label: v.T("th.share.munis"), Key: "share", Numeric: true, Right: true},
		{Label: v.T("catalogue.trend")}, {Label: v.T("th.active"), Key: "contributors", Numeric: true, Right: true},
	}, catalogueSorts)
	v.HasTables = true
	return s.render(w, r, "products", d)
}

// sortRows sorts rows by key (one of sorts; "" for the first) in the
// key's direction, ties by name.
func sortRows[R any](rows []R, key string, sorts []sortKey, values func(R) (name string, by map[string]float64)) {
	if key == "" {
		key = sorts[0].Key
	}
	desc := false
	for _, s := range sorts {
		if s.Key == key {
			desc = s.Descending
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		ni, bi := values(rows[i])
		nj, bj := values(rows[j])
		if key != "name" && bi[key] != bj[key] {
			if desc {
				return bi[key] > bj[key]
			}
			return bi[key] < bj[key]
		}
		return ni < nj
	})
}

// sparkline is a small line of a series drawn as SVG: it shows without
// JavaScript and needs no chart library.
type sparkline struct {
	Points string // the polyline's points
	Label  string // the series in words
}

// Sparkline size, in the SVG's own units.
const sparkWidth, sparkHeight = 120, 28

// adoptionSparkline is the organisations running a product at each month
// end of the series, from zero to its largest value.
func adoptionSparkline(v *view, s figures.AdoptionSeries) sparkline {
	n := len(s.Points)
	if n == 0 || v.registerUnread {
		return sparkline{Label: v.T("series.empty")}
	}
	top := 1
	for _, p := range s.Points {
		top = max(top, p.Adopters.All)
	}
	var b strings.Builder
	for i, p := range s.Points {
		x := 0.0
		if n > 1 {
			x = float64(i) * sparkWidth / float64(n-1)
		}
		y := sparkHeight - 2 - float64(p.Adopters.All)*(sparkHeight-4)/float64(top)
		fmt.Fprintf(&b, "%.1f,%.1f ", x, y)
	}
	first, last := s.Points[0], s.Points[n-1]
	return sparkline{Points: strings.TrimSpace(b.String()),
		Label: v.Tf("catalogue.trend.label", v.Int(first.Adopters.All), v.Lang.Month(first.Date), v.Int(last.Adopters.All), v.Lang.Month(last.Date))}
}
