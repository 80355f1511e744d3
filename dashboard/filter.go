package dashboard

import (
	"net/url"
	"slices"
	"strings"
)

// The catalogue and the organisation lookup are tables that can be
// filtered and sorted. The server does it from the query (?q=, a select
// per column, ?sort=), so both work as plain pages without JavaScript;
// static/tables.js does the same in the browser without a round trip,
// reading the data-* attributes these types put on rows and headings.

// filterQuery is what a filterable table was asked for.
type filterQuery struct {
	Text    string            // ?q=, as typed
	Selects map[string]string // a select's name → the value chosen ("" for all)
	Sort    string            // a sort key; "" for the table's default
}

// readFilter reads ?q=, the selects named and ?sort= (one of sorts).
func readFilter(q url.Values, selects []string, sorts []sortKey) filterQuery {
	f := filterQuery{Text: strings.TrimSpace(q.Get("q")), Selects: map[string]string{}}
	for _, s := range selects {
		f.Selects[s] = q.Get(s)
	}
	if k := q.Get("sort"); slices.ContainsFunc(sorts, func(s sortKey) bool { return s.Key == k }) {
		f.Sort = k
	}
	return f
}

// matches reports whether a row with the text search and the select
// values values passes the filter: the words typed all occur in search,
// case aside, and every chosen select matches.
func (f filterQuery) matches(search string, values map[string]string) bool {
	for _, w := range strings.Fields(strings.ToLower(f.Text)) {
		if !strings.Contains(search, w) {
			return false
		}
	}
	for name, want := range f.Selects {
		if want != "" && values[name] != want {
			return false
		}
	}
	return true
}

// searchText is what the text filter searches in a row: its words in
// lower case, as tables.js compares them.
func searchText(parts ...string) string { return strings.ToLower(strings.Join(parts, " ")) }

// sortKey is a column a table can be sorted by, with the direction it
// sorts in first (numbers largest first, names from A).
type sortKey struct {
	Key        string
	Descending bool
}

// sortHead is a column heading: sortable ones link to the table sorted
// by them.
type sortHead struct {
	Label   string
	Key     string // "" when the column does not sort
	Href    string
	Dir     string // "ascending" or "descending": the direction it sorts in first
	Sorted  string // aria-sort of the column the table is sorted by, else ""
	Numeric bool   // sorts by number
	Right   bool   // aligned right, over numbers
}

// sortHeads builds the headings of a table sorted by current (its key
// or, "", the first sort key), with links that keep the filter.
func sortHeads(v *view, base string, f filterQuery, current string, heads []sortHead, sorts []sortKey) []sortHead {
	if current == "" && len(sorts) > 0 {
		current = sorts[0].Key
	}
	for i, h := range heads {
		if h.Key == "" {
			continue
		}
		for _, s := range sorts {
			if s.Key != h.Key {
				continue
			}
			heads[i].Dir = "ascending"
			if s.Descending {
				heads[i].Dir = "descending"
			}
			if s.Key == current {
				heads[i].Sorted = heads[i].Dir
			}
		}
		kv := []string{"sort", h.Key}
		if f.Text != "" {
			kv = append(kv, "q", f.Text)
		}
		for name, val := range f.Selects {
			if val != "" {
				kv = append(kv, name, val)
			}
		}
		heads[i].Href = v.Link(base, kv...)
	}
	return heads
}

// option is one choice of a select.
type option struct {
	Value, Label string
	Selected     bool
}

// options marks the chosen value among a select's choices.
func options(chosen string, opts ...option) []option {
	for i := range opts {
		opts[i].Selected = opts[i].Value == chosen
	}
	return opts
}

// countText is the line that says how many rows a filter shows, with the
// template tables.js fills in as it filters. The noun agrees with the
// total, which filtering does not change: "Viser 1 af 1 produkt".
type countText struct {
	Shown    int
	Text     string // "Shows 3 of 13 products"
	Template string // the same with {shown} and {total}
}

func (v *view) countText(key string, shown, total int) countText {
	return countText{Shown: shown, Text: v.Nf(key, total, v.Int(shown), v.Int(total)), Template: v.Nf(key, total, "{shown}", "{total}")}
}

// filterForm is the form above a filterable table and the line that
// counts what it shows ("filter-form" in _filters.html).
type filterForm struct {
	Table       string // the table's id
	Action      string // the page's path
	Label       string // the form's name for screen readers
	SearchLabel string
	Apply       string // the submit button's text
	Filter      filterQuery
	Selects     []filterSelect
	Hidden      []hiddenField // what the form passes on: the page's language and date, the table's sort
	Count       countText
}

// filterForm builds the form of the table id on path, passing on the
// page's language and date and the table's sort.
func (v *view) filterForm(id, path, label, search string, f filterQuery, selects []filterSelect, count countText) filterForm {
	ff := filterForm{Table: id, Action: path, Label: label, SearchLabel: search, Apply: v.T("filter.apply"),
		Filter: f, Selects: selects, Count: count}
	if v.LangExplicit {
		ff.Hidden = append(ff.Hidden, hiddenField{"lang", string(v.Lang)})
	}
	if v.DateSet {
		ff.Hidden = append(ff.Hidden, hiddenField{"date", v.DateISO()})
	}
	if f.Sort != "" {
		ff.Hidden = append(ff.Hidden, hiddenField{"sort", f.Sort})
	}
	return ff
}

// hiddenField is a value a form passes on.
type hiddenField struct{ Name, Value string }

// filterSelect is one select of a filter form.
type filterSelect struct {
	Name, Label string
	Options     []option
}
