package dashboard

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"os2pulse/api"
	"os2pulse/figures"
	"os2pulse/locale"
	"os2pulse/report"
	"os2pulse/table"
)

// reportPageData is the report page's content: the report's article,
// rendered by the report package, inside the site's layout.
type reportPageData struct {
	Title string
	Body  template.HTML
}

// reportPage serves /report/{year}: the annual report with the site's
// layout, and in other formats with ?format=md|csv|json. It only reads:
// copies of a year's figures are kept by "os2pulse report -keep", an
// administrator or the schedule, never by a visitor.
func (s *Server) reportPage(w http.ResponseWriter, r *http.Request, v *view) error {
	year, err := strconv.Atoi(r.PathValue("year"))
	if err != nil || year < 1990 || year > 2100 {
		return badRequest(v.Tf("error.year", r.PathValue("year")))
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "html"
	}
	if !slices.Contains(report.Formats, format) {
		return badRequest(v.Tf("error.format", format))
	}
	rep, err := s.figures.ProduceReport(r.Context(), year, s.now())
	switch {
	case errors.Is(err, figures.ErrYearNotBegun):
		y := strconv.Itoa(year)
		return notFound(v.Tf("error.year.future", y, y, strconv.Itoa(year+1)))
	case errors.Is(err, figures.ErrNoDataForYear):
		first, ferr := s.figures.FirstRecord(r.Context())
		if ferr != nil {
			return ferr
		}
		if first.IsZero() {
			return notFound(v.Tf("error.year.empty", strconv.Itoa(year)))
		}
		return notFound(v.Tf("error.year.nodata", strconv.Itoa(year), v.Lang.Date(first)))
	case errors.Is(err, figures.ErrRegisterUnread):
		return &pageError{Status: http.StatusServiceUnavailable, Msg: v.T("register.unread.report")}
	case err != nil:
		return err
	}
	if format != "html" {
		var buf bytes.Buffer
		switch format {
		case "csv":
			sep, err := table.ParseSeparator(r.URL.Query().Get("sep"))
			if err != nil {
				return badRequest(v.Tf("error.sep", r.URL.Query().Get("sep")))
			}
			err = report.WriteCSV(&buf, rep, sep)
			if err != nil {
				return err
			}
		default:
			if err := report.Write(&buf, s.cfg, rep, format, v.Lang); err != nil {
				return err
			}
		}
		ct := map[string]string{"md": "text/markdown; charset=utf-8", "csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}[format]
		w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="os2pulse-report-%d-%s.%s"`, year, v.Lang, format))
		setPageHeaders(w, v)
		api.WriteBody(w, r, http.StatusOK, ct, buf.Bytes())
		return nil
	}
	d := report.Build(v.Lang, s.cfg, rep)
	d.Nonce = v.Nonce
	v.HasPrint = true
	for _, f := range report.Formats[1:] {
		d.Exports = append(d.Exports, report.Export{Label: formatLabel(v.Lang, f), Href: v.Link("/report/"+strconv.Itoa(year), "format", f)})
	}
	body, err := d.Body()
	if err != nil {
		return err
	}
	return s.render(w, r, "report", reportPageData{Title: d.Title, Body: body})
}

// formatLabel names a report format for people.
func formatLabel(l locale.Lang, format string) string {
	if locale.Has("report.format." + format) {
		return l.T("report.format." + format)
	}
	return strings.ToUpper(format)
}
