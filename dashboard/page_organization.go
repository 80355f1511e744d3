package dashboard

import (
	"errors"
	"net/http"

	"os2pulse/figures"
	"os2pulse/table"
)

// organizationData is the organisation page's content.
type organizationData struct {
	Detail      figures.OrganizationDetail
	Kind        string
	Membership  string // member or not on the date, in words
	Keys        []keyFigure
	Memberships table.Table
	Products    table.Table
	Stopped     table.Table
}

// organizationPage shows a municipality (by kommunekode) or another
// organisation: its membership periods and the products it runs, pilots
// or plans on the date, and since when.
func (s *Server) organizationPage(w http.ResponseWriter, r *http.Request, v *view) error {
	id := r.PathValue("id")
	d, err := s.figures.OrganizationDetail(r.Context(), id, v.Date)
	if errors.Is(err, figures.ErrNotFound) {
		return notFound(v.Tf("error.org", id))
	}
	if err != nil {
		return err
	}
	out := organizationData{Detail: d, Kind: v.T("kind." + d.Kind)}
	switch {
	case v.registerUnread:
		out.Membership = v.T("register.unread.short")
	case d.Member:
		out.Membership = v.Tf("org.member", v.DateText())
	default:
		out.Membership = v.Tf("org.notmember", v.DateText())
	}
	out.Keys = []keyFigure{{
		Label: v.T("org.products.key"), Value: v.RegisterInt(d.ProductCount), Detail: v.registerUnreadDetail(),
		Definition: v.Def("product_counts")["Short"],
	}}

	out.Memberships = table.Table{Caption: v.T("org.memberships"), Head: []string{v.T("th.since"), v.T("th.until")}}
	for _, m := range d.Memberships {
		until := v.Lang.Date(m.Until)
		if until == "" {
			until = v.T("open")
		}
		out.Memberships.Rows = append(out.Memberships.Rows, []table.Cell{table.Date(v.Lang, m.Since), table.Text(until)})
	}
	if len(out.Memberships.Rows) == 0 {
		out.Memberships.Note = v.T("org.nomembership")
	}
	out.Products = productsTable(v, v.T("org.products.list"), d.Products)
	if len(out.Products.Rows) == 0 {
		out.Products.Note = v.T("org.noproducts")
	}
	if v.registerUnread {
		out.Memberships.Note, out.Products.Note = v.T("register.unread.short"), v.T("register.unread.short")
	}
	out.Stopped = productsTable(v, v.T("org.stopped"), d.Stopped)
	return s.render(w, r, "organization", out)
}

// productsTable lists an organisation's products with status and period.
func productsTable(v *view, caption string, ps []figures.OrganizationProduct) table.Table {
	t := table.Table{Caption: caption, Head: []string{v.T("th.product"), v.T("th.status"), v.T("th.since"), v.T("th.until")}}
	for _, p := range ps {
		name := p.Name
		if name == "" {
			name = p.Product
		}
		product := table.Text(name)
		if _, ok := v.cfg.Product(p.Product); ok {
			product = table.Link(name, v.Link("/products/"+p.Product))
		}
		until := v.Lang.Date(p.Until)
		if until == "" {
			until = v.T("open")
		}
		t.Rows = append(t.Rows, []table.Cell{product, table.Text(v.T("status." + p.Status)), table.Date(v.Lang, p.Since), table.Text(until)})
	}
	return t
}
