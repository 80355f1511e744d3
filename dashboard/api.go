package dashboard

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"os2pulse/figures"
)

// apiRoutes registers /api/v1. Every GET endpoint answers JSON, and CSV
// when ".csv" is appended to its path.
func (s *Server) apiRoutes() {
	for _, e := range s.apiEndpoints() {
		h := e.handler
		s.handle("GET "+e.path, func(w http.ResponseWriter, r *http.Request) { h(w, r, false) })
		s.handle("GET "+e.path+".csv", func(w http.ResponseWriter, r *http.Request) { h(w, r, true) })
	}
}

type apiEndpoint struct {
	path    string
	handler func(w http.ResponseWriter, r *http.Request, asCSV bool)
}

// apiEndpoints lists every /api/v1 GET endpoint; the data page links them.
func (s *Server) apiEndpoints() []apiEndpoint {
	return []apiEndpoint{
		{"/api/v1/adoption", s.apiAdoption},
		{"/api/v1/members", s.apiMembers},
		{"/api/v1/series/adoption", s.apiAdoptionSeries},
		{"/api/v1/series/members", s.apiMembersSeries},
		{"/api/v1/contributors", s.apiContributors},
		{"/api/v1/series/contributors", s.apiContributorSeries},
		{"/api/v1/collector", s.apiCollector},
		{"/api/v1/goals", s.apiGoals},
	}
}

// paramError is a bad request parameter.
type paramError struct {
	Param string
	Msg   string
}

func (e *paramError) Error() string { return e.Param + ": " + e.Msg }

// apiError writes {"error": msg, "parameter": param}.
func apiError(w http.ResponseWriter, code int, param, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	body := map[string]string{"error": msg}
	if param != "" {
		body["parameter"] = param
	}
	json.NewEncoder(w).Encode(body)
}

// apiFail answers a parameter error with 400 and anything else with 500.
func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	if pe, ok := err.(*paramError); ok {
		apiError(w, http.StatusBadRequest, pe.Param, pe.Msg)
		return
	}
	s.log.Error("request failed", "path", r.URL.Path, "error", err)
	apiError(w, http.StatusInternalServerError, "", "internal error; see the server log")
}

// dateParam reads a YYYY-MM-DD parameter; missing gives def.
func dateParam(r *http.Request, name string, def time.Time) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	d, err := figures.ParseDate(v)
	if err != nil {
		return d, &paramError{name, err.Error()}
	}
	if d.Year() < 1990 || d.Year() > 2100 {
		return d, &paramError{name, fmt.Sprintf("%s is outside 1990–2100", v)}
	}
	return d, nil
}

// intParam reads an integer parameter within [min, max]; missing gives def.
func intParam(r *http.Request, name string, def, min, max int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, &paramError{name, fmt.Sprintf("%q is not a whole number from %d to %d", v, min, max)}
	}
	return n, nil
}

// today is the default date of every figure.
func (s *Server) today() time.Time { return figures.Today(s.now()) }

// writeJSON writes v as indented JSON with an ETag, answering 304 when the
// client already has it.
func writeJSON(w http.ResponseWriter, r *http.Request, code int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		apiError(w, http.StatusInternalServerError, "", "unable to encode response")
		return
	}
	writeBody(w, r, code, "application/json; charset=utf-8", buf.Bytes())
}

// writeCSV writes a header and rows as CSV.
func writeCSV(w http.ResponseWriter, r *http.Request, filename string, header []string, rows [][]string) {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write(header)
	for _, row := range rows {
		cw.Write(neutralizeCSV(row))
	}
	cw.Flush()
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	writeBody(w, r, http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// neutralizeCSV prefixes cells that a spreadsheet would run as a formula:
// names come from GitHub and the register, which anyone may write to.
func neutralizeCSV(row []string) []string {
	out := make([]string, len(row))
	for i, c := range row {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			if _, err := strconv.ParseFloat(c, 64); err != nil {
				c = "'" + c
			}
		}
		out[i] = c
	}
	return out
}

// writeBody writes a cacheable body with a content-hash ETag.
func writeBody(w http.ResponseWriter, r *http.Request, code int, contentType string, body []byte) {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("ETag", etag)
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "public, max-age=300")
	}
	if code == http.StatusOK && etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(code)
	w.Write(body)
}

func etagMatch(header, etag string) bool {
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), "W/"))
		if v == etag || v == "*" {
			return true
		}
	}
	return false
}

// fmtRatio formats a ratio for CSV with 4 decimals.
func fmtRatio(f float64) string { return strconv.FormatFloat(f, 'f', 4, 64) }
