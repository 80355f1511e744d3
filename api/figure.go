package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"os2pulse/figures"
	"os2pulse/table"
)

// csvTable is an endpoint's answer laid out for CSV.
type csvTable struct {
	name   string // file name, without ".csv"
	header []string
	rows   [][]string
}

// figure registers a GET endpoint at path and its CSV twin at path+".csv".
// compute reads the request's parameters and computes the figure (a
// *ParamError becomes a 400 naming the parameter); asCSV lays the result
// out as rows.
func figure[T any](a *API, path string, compute func(r *http.Request) (T, error), asCSV func(T) csvTable) {
	figureWith(a, path, "", compute, asCSV)
}

// figureWith is figure with a Cache-Control of its own ("" for the
// default).
func figureWith[T any](a *API, path, cacheControl string, compute func(r *http.Request) (T, error), asCSV func(T) csvTable) {
	a.paths = append(a.paths, path)
	serve := func(w http.ResponseWriter, r *http.Request, wantCSV bool) {
		if cacheControl != "" {
			w.Header().Set("Cache-Control", cacheControl)
		}
		v, err := compute(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if !wantCSV {
			WriteJSON(w, r, http.StatusOK, v)
			return
		}
		t := asCSV(v)
		WriteCSV(w, r, t.name+".csv", t.header, t.rows)
	}
	a.mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) { serve(w, r, false) })
	a.mux.HandleFunc("GET "+path+".csv", func(w http.ResponseWriter, r *http.Request) { serve(w, r, true) })
}

// fail answers a parameter error with 400, too many figures computed at
// once with 503 and a time to try again, and anything else with 500,
// whose details go only to the log.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	var pe *ParamError
	if errors.As(err, &pe) {
		Error(w, http.StatusBadRequest, pe.Param, pe.Msg)
		return
	}
	if errors.Is(err, figures.ErrBusy) {
		w.Header().Set("Retry-After", strconv.Itoa(int(figures.RetryAfter.Seconds())))
		Error(w, http.StatusServiceUnavailable, "", "too many figures are being computed; try again in a few seconds")
		return
	}
	if r.Context().Err() != nil {
		return // the client left
	}
	a.log.Error("request failed", "path", r.URL.Path, "error", err)
	Error(w, http.StatusInternalServerError, "", "internal error; see the server log")
}

// Error writes {"error": msg, "parameter": param}.
func Error(w http.ResponseWriter, code int, param, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	body := map[string]string{"error": msg}
	if param != "" {
		body["parameter"] = param
	}
	json.NewEncoder(w).Encode(body)
}

// WriteJSON writes v as indented JSON with an ETag, answering 304 when the
// client already has it.
func WriteJSON(w http.ResponseWriter, r *http.Request, code int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		Error(w, http.StatusInternalServerError, "", "unable to encode response")
		return
	}
	WriteBody(w, r, code, "application/json; charset=utf-8", buf.Bytes())
}

// WriteCSV writes a header and rows as CSV, cells that a spreadsheet would
// run as a formula neutralised.
func WriteCSV(w http.ResponseWriter, r *http.Request, filename string, header []string, rows [][]string) {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write(header)
	for _, row := range rows {
		cw.Write(table.NeutralizeCSV(row))
	}
	cw.Flush()
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	WriteBody(w, r, http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// WriteBody writes a cacheable body with a content-hash ETag, answering
// 304 to a matching If-None-Match.
func WriteBody(w http.ResponseWriter, r *http.Request, code int, contentType string, body []byte) {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("ETag", etag)
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "public, max-age=300")
	}
	if code == http.StatusOK && ETagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(code)
	w.Write(body)
}

// ETagMatch reports whether an If-None-Match header names etag; tags are
// compared weakly (RFC 9110 §13.1.2).
func ETagMatch(header, etag string) bool {
	etag = strings.TrimPrefix(etag, "W/")
	for _, v := range strings.Split(header, ",") {
		v = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), "W/"))
		if v == etag || v == "*" {
			return true
		}
	}
	return false
}

// ratio formats a ratio for CSV with 4 decimals.
func ratio(f float64) string { return strconv.FormatFloat(f, 'f', 4, 64) }

// WriteJSONBody encodes v to w after the headers are written.
func WriteJSONBody(w http.ResponseWriter, v any) { json.NewEncoder(w).Encode(v) }
