package dashboard

import (
	"net/http"
	"strconv"
)

// reportsData is the list of annual reports.
type reportsData struct {
	Years []reportYear
}

// reportYear is one year there is a report for.
type reportYear struct {
	Year        int
	Href        string
	Preliminary bool
}

// reportsPage lists the years there is an annual report for: from the
// current year (preliminary until it ends) back to the year of the first
// record.
func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request, v *view) error {
	years, err := s.figures.ReportYears(r.Context(), s.now())
	if err != nil {
		return err
	}
	var d reportsData
	for _, y := range years {
		d.Years = append(d.Years, reportYear{Year: y, Href: v.Link("/report/" + strconv.Itoa(y)), Preliminary: y == v.Today.Year()})
	}
	return s.render(w, r, "reports", d)
}
