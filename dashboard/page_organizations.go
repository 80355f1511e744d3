package dashboard

import (
	"net/http"
	"strconv"
	"strings"
)

// lookupData is the organisation lookup's content.
type lookupData struct {
	Form         filterForm
	Heads        []sortHead
	Rows         []lookupRow
	RegisterNote string
	CSV          string
}

// lookupRow is one organisation in the lookup.
type lookupRow struct {
	ID, Name, Href string
	Code           string // the kommunekode or the register's id
	Kind, KindKey  string
	Region         string
	Member         string // yes or no, in words
	MemberKey      string // "yes" or "no", for the filter
	Products       []pageLink
	Others         []string // pilots and planned, in words
	Search         string
	ProductCount   string
	Hidden         bool
}

// lookupSorts are the lookup's sort keys; the first is the default.
var lookupSorts = []sortKey{{"name", false}, {"code", false}, {"products", true}}

// organizationsPage is the lookup of every municipality and every other
// organisation os2pulse knows, searchable by name, kommunekode or
// product ("does my municipality use OS2forms?"), with membership on the
// date and the products each runs, pilots and plans.
func (s *Server) organizationsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	f := readFilter(r.URL.Query(), []string{"kind", "member"}, lookupSorts)
	orgs, err := s.figures.Organizations(r.Context(), v.Date)
	if err != nil {
		return err
	}
	d := lookupData{RegisterNote: v.RegisterNote(orgs.RegisteredOn), CSV: v.DataLink("/api/v1/organizations.csv")}
	name := func(id string) string {
		if p, ok := s.cfg.Product(id); ok {
			return p.Name
		}
		return id
	}
	type sortable struct {
		row lookupRow
		by  map[string]float64
	}
	var rows []sortable
	shown := 0
	for _, o := range orgs.Organizations {
		row := lookupRow{ID: o.ID, Name: o.Name, Href: v.Link("/organizations/" + o.ID), Code: o.ID, Kind: v.T("kind." + o.Kind),
			KindKey: o.Kind, Region: o.Region, Member: v.T("no"), MemberKey: "no", ProductCount: strconv.Itoa(len(o.Products))}
		if o.Member {
			row.Member, row.MemberKey = v.T("yes"), "yes"
		}
		if v.registerUnread {
			row.Member, row.MemberKey, row.ProductCount = "–", "", "–"
		}
		var words []string
		for _, p := range o.Products {
			row.Products = append(row.Products, pageLink{name(p), v.Link("/products/" + p)})
			words = append(words, name(p))
		}
		for _, p := range o.Pilots {
			row.Others = append(row.Others, name(p)+" ("+v.T("status.pilot")+")")
			words = append(words, name(p))
		}
		for _, p := range o.Planned {
			row.Others = append(row.Others, name(p)+" ("+v.T("status.planned")+")")
			words = append(words, name(p))
		}
		row.Search = searchText(o.Name, o.ID, o.Region, strings.Join(words, " "))
		row.Hidden = !f.matches(row.Search, map[string]string{"kind": row.KindKey, "member": row.MemberKey})
		if !row.Hidden {
			shown++
		}
		code, err := strconv.ParseFloat(o.ID, 64)
		if err != nil {
			code = 1e9 // organisations without a kommunekode after the municipalities
		}
		rows = append(rows, sortable{row, map[string]float64{"code": code, "products": float64(len(o.Products))}})
	}
	sortRows(rows, f.Sort, lookupSorts, func(r sortable) (string, map[string]float64) { return strings.ToLower(r.row.Name), r.by })
	for _, r := range rows {
		d.Rows = append(d.Rows, r.row)
	}
	kinds := options(f.Selects["kind"], option{Value: "", Label: v.T("lookup.kind.all")},
		option{Value: "municipality", Label: v.T("kind.municipality")}, option{Value: "region", Label: v.T("kind.region")},
		option{Value: "state", Label: v.T("kind.state")}, option{Value: "other", Label: v.T("kind.other")})
	members := options(f.Selects["member"], option{Value: "", Label: v.T("lookup.member.all")},
		option{Value: "yes", Label: v.T("lookup.member.yes")}, option{Value: "no", Label: v.T("lookup.member.no")})
	d.Form = v.filterForm("lookup", "/organizations", v.T("lookup.filter"), v.T("lookup.search"), f,
		[]filterSelect{{"kind", v.T("th.kind"), kinds}, {"member", v.T("th.member"), members}}, v.countText("lookup.count", shown, len(d.Rows)))
	d.Heads = sortHeads(v, "/organizations", f, f.Sort, []sortHead{
		{Label: v.T("th.organization"), Key: "name"}, {Label: v.T("lookup.code"), Key: "code", Numeric: true, Right: true}, {Label: v.T("th.kind")},
		{Label: v.T("map.region")}, {Label: v.T("th.member")}, {Label: v.T("th.products"), Key: "products", Numeric: true},
		{Label: v.T("lookup.others")},
	}, lookupSorts)
	v.HasTables = true
	return s.render(w, r, "organizations", d)
}
