package dashboard

import (
	"net/http"
	"strconv"

	"os2pulse/api"
	"os2pulse/figures"
	"os2pulse/table"
)

// publicCodeView is a product's publiccode.yml files as its page shows
// them: a line of counts, a row per repository with its state in words,
// the problems of each file (at most maxShownProblems), and where the
// main repository's file and what os2pulse knows differ.
type publicCodeView struct {
	Summary     string
	Table       table.Table
	Problems    []repoProblems
	Differences []string
	Proposal    string // the link to the proposed file
}

type repoProblems struct {
	Repository string
	Lines      []string
	More       string // "and 4 more", "" when all are shown
}

// maxShownProblems bounds the problems a page lists per file; the API
// has them all.
const maxShownProblems = 10

// publicCodeState says a repository's state in words: "valid", "3
// problems", "missing", "unknown".
func publicCodeState(v *view, r figures.RepositoryPublicCode) string {
	if r.State == figures.PublicCodeProblems {
		if len(r.Problems) == 1 {
			return v.T("publiccode.problem.one")
		}
		return v.Nf("publiccode.problems", len(r.Problems), v.Int(len(r.Problems)))
	}
	return v.T("publiccode.state." + r.State)
}

func publicCodeSection(v *view, p figures.ProductPublicCode, pr figures.PublicCodeProposal) *publicCodeView {
	pv := &publicCodeView{
		Summary: v.Nf("publiccode.summary", len(p.Repositories), v.Int(len(p.Repositories)), v.Int(p.Valid), v.Int(p.Problems), v.Int(p.Missing), v.Int(p.Unknown)),
		Table: table.Table{Caption: v.Tf("publiccode.table", v.DateText()),
			Head: []string{v.T("th.repo"), v.T("th.publiccode.state"), v.T("th.publiccode.read")}},
		Proposal: v.Link("/products/" + p.Product + "/publiccode.yml"),
	}
	for _, r := range p.Repositories {
		read := table.Text("–")
		if !r.Read.IsZero() {
			read = table.Date(v.Lang, r.Read)
		}
		pv.Table.Rows = append(pv.Table.Rows, []table.Cell{table.Text(r.Repository), table.Text(publicCodeState(v, r)), read})
		if len(r.Problems) == 0 {
			continue
		}
		rp := repoProblems{Repository: r.Repository, Lines: r.Problems}
		if len(rp.Lines) > maxShownProblems {
			rp.Lines, rp.More = rp.Lines[:maxShownProblems], v.Tf("publiccode.more", v.Int(len(r.Problems)-maxShownProblems))
		}
		pv.Problems = append(pv.Problems, rp)
	}
	for _, d := range pr.Differences {
		pv.Differences = append(pv.Differences, publicCodeDifference(v, pr.Repository, d))
	}
	return pv
}

// publicCodeDifference says one difference in words: "usedBy lists 4
// organisations; the register has 31 in production".
func publicCodeDifference(v *view, repo string, d figures.PublicCodeDifference) string {
	switch d.Field {
	case "file":
		if d.File == figures.PublicCodeMissing || d.File == figures.PublicCodeUnknown {
			return v.Tf("publiccode.diff.file."+d.File, repo)
		}
		n, _ := strconv.Atoi(d.File)
		return v.Nf("publiccode.diff.problems", n, repo, d.File)
	case "usedBy":
		n, _ := strconv.Atoi(d.File)
		return v.Nf("publiccode.diff.usedby", n, d.File, d.Known)
	case "legal.license":
		return v.Tf("publiccode.diff.license", d.File, d.Known)
	default:
		return v.Tf("publiccode.diff.version", d.File, d.Known)
	}
}

// publicCodeTable has one row per product: its repositories by the state
// of their publiccode.yml.
func publicCodeTable(v *view, pc figures.PublicCodes) table.Table {
	t := table.Table{Caption: v.Tf("publiccode.table.products", v.DateText()),
		Head: []string{v.T("th.product"), v.T("publiccode.state.valid"), v.T("th.publiccode.problems"),
			v.T("publiccode.state.missing"), v.T("publiccode.state.unknown")}}
	for _, p := range pc.Products {
		t.Rows = append(t.Rows, []table.Cell{table.Link(p.Name, v.Link("/products/"+p.Product)), table.Int(v.Lang, p.Valid),
			table.Int(v.Lang, p.Problems), table.Int(v.Lang, p.Missing), table.Int(v.Lang, p.Unknown)})
	}
	return t
}

// publicCodeFile answers GET /products/{id}/publiccode.yml: the file
// os2pulse proposes for the product as of the date (today by default),
// to check and commit. Computed from stored data only: a GET never
// writes.
func (s *Server) publicCodeFile(w http.ResponseWriter, r *http.Request) {
	v := s.newView(r)
	id := r.PathValue("id")
	if _, ok := s.cfg.Product(id); !ok {
		http.Error(w, v.Tf("error.product", id), http.StatusNotFound)
		return
	}
	date, err := api.DateParam(r, "date", v.Today)
	if err != nil {
		http.Error(w, v.Tf("error.date", r.URL.Query().Get("date")), http.StatusBadRequest)
		return
	}
	p, err := s.figures.PublicCodeProposal(r.Context(), id, date)
	if err != nil {
		s.log.Error("publiccode.yml proposal", "product", id, "error", err)
		http.Error(w, v.T("error.500.text"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
	w.Header().Set("Content-Disposition", `inline; filename="publiccode.yml"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(p.YAML())
}
