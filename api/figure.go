package api

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"

	"os2pulse/civil"
	"os2pulse/figures"
	"os2pulse/precompressed"
	"os2pulse/table"
)

// csvTable is an endpoint's answer laid out for CSV.
type csvTable struct {
	name   string // file name, without ".csv"
	header []string
	rows   [][]string
}

// What the endpoints read (Endpoint.Reads) besides a domain of their own.
const (
	// registerReads: figures of the register, which also say up to when
	// the register is known, from its last collection.
	registerReads = figures.DomainRegister | figures.DomainRuns
	// contributorReads: contributors, counted per product (the register's
	// products and organisations) in repositories as far as collected.
	contributorReads = figures.DomainRegister | figures.DomainRepositories | figures.DomainActivity
)

// figure registers the GET endpoint e and its CSV twin at e.Path+".csv".
// compute reads the request's parameters (those e declares) and computes
// the figure (a *ParamError becomes a 400 naming the parameter); asCSV
// lays the result out as rows.
func figure[T any](a *API, e Endpoint, compute func(r *http.Request) (T, error), asCSV func(T) csvTable) {
	figureWith(a, e, "", compute, asCSV)
}

// figureWith is figure with a Cache-Control of its own ("" for the
// default).
func figureWith[T any](a *API, e Endpoint, cacheControl string, compute func(r *http.Request) (T, error), asCSV func(T) csvTable) {
	var zero T
	e.answer = reflect.TypeOf(zero)
	e.Columns = asCSV(zero).header
	a.endpoints = append(a.endpoints, e)
	answer := func(w http.ResponseWriter, r *http.Request, wantCSV bool) {
		if cacheControl != "" {
			w.Header().Set("Cache-Control", cacheControl)
		}
		sep := rune(table.SepComma)
		if wantCSV {
			var err error
			if sep, err = table.ParseSeparator(r.URL.Query().Get("sep")); err != nil {
				a.fail(w, r, &ParamError{Param: "sep", Msg: err.Error()})
				return
			}
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
		WriteCSV(w, r, sep, t.name+".csv", t.header, t.rows)
	}
	// An answer is kept, compressed, per the versions of the domains the
	// endpoint reads, the day and the parameters it reads, and computed
	// once for all who ask while it is computed. One with a
	// Cache-Control of its own (the collector's state) says something
	// besides the data and is not.
	params := []string{"sep"}
	for _, p := range e.Params {
		params = append(params, p.Name)
	}
	reads := e.Reads
	if reads == 0 {
		reads = figures.AllDomains
	}
	// Figures of the register alone (not contributors, which only sort
	// persons by it) say nothing before it has been read: 503, not 0.
	registerOnly := reads&figures.DomainRegister != 0 && reads&figures.DomainActivity == 0
	serve := func(w http.ResponseWriter, r *http.Request, wantCSV bool) {
		// An answer only reads: its key and its figures are of the
		// versions read once.
		r = r.WithContext(figures.ReadVersionsOnce(r.Context()))
		if registerOnly {
			if reg, err := a.calc.RegisterCoverage(r.Context()); err != nil || reg.IsZero() {
				a.fail(w, r, cmp.Or(err, errRegisterUnread))
				return
			}
		}
		if cacheControl != "" {
			answer(w, r, wantCSV)
			return
		}
		vs, err := a.calc.Versions(r.Context())
		if err != nil {
			a.fail(w, r, err)
			return
		}
		slot := answerKey(a.today(), r.URL.Path, r.URL.Query(), params)
		key := slot + "\x00" + vs.Stamp(reads)
		ans, err := a.answers.Do(slot, key, vs.Data, func() (*precompressed.Answer, error) {
			// The first request computes for all that wait: it must not
			// fail them by leaving, nor answer itself 304.
			rr := r.WithContext(context.WithoutCancel(r.Context()))
			rr.Header = r.Header.Clone()
			rr.Header.Del("If-None-Match")
			rec := precompressed.NewRecorder()
			answer(rec, rr, wantCSV)
			if a.onCompute != nil {
				a.onCompute(r.URL.Path)
			}
			return rec.Answer(key), nil
		})
		if err != nil {
			a.fail(w, r, err)
			return
		}
		ans.Write(w, r)
	}
	csvParams := append(append([]Param(nil), e.Params...), csvOnlyParams...)
	a.handle(http.MethodGet, e.Path, func(w http.ResponseWriter, r *http.Request) {
		if err := given(r, e.Params); err != nil {
			a.fail(w, r, err)
			return
		}
		serve(w, r, false)
	})
	a.handle(http.MethodGet, e.Path+".csv", func(w http.ResponseWriter, r *http.Request) {
		if err := given(r, csvParams); err != nil {
			a.fail(w, r, err)
			return
		}
		serve(w, r, true)
	})
}

// given checks that each parameter the request gives is given once and
// with a value: "date=" is a mistake (a form or a script that lost its
// value), not a request for the default, which is had by leaving the
// parameter out.
func given(r *http.Request, params []Param) error {
	q := r.URL.Query()
	for _, p := range params {
		switch vs, ok := q[p.Name]; {
		case !ok:
		case len(vs) > 1:
			return &ParamError{Param: p.Name, Msg: fmt.Sprintf("given %d times; give it once", len(vs))}
		case vs[0] == "":
			return &ParamError{Param: p.Name, Msg: "empty; give a value or leave the parameter out"}
		}
	}
	return nil
}

// answerKey names an answer but for the data it shows: the day (the
// default of dates), the path and the parameters the endpoint reads,
// sorted, so neither their order nor parameters it ignores make another
// answer.
func answerKey(today civil.Date, path string, q url.Values, params []string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s", today, path)
	for _, p := range params {
		vs := slices.Clone(q[p])
		slices.Sort(vs)
		fmt.Fprintf(h, "\x00%s=%q", p, vs)
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// errRegisterUnread: the adoption register has never been read, so
// nothing is known of who runs what.
var errRegisterUnread = errors.New("the adoption register has not been read yet: adoption and membership are not known")

// fail answers a parameter error with 400, too many figures computed at
// once with 503 and a time to try again, a register never read with 503,
// and anything else with 500, whose details go only to the log.
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
	if errors.Is(err, errRegisterUnread) {
		Error(w, http.StatusServiceUnavailable, "", err.Error())
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

// WriteCSV writes a header and rows as a CSV download separated by sep,
// as table.WriteCSV writes CSV for spreadsheets (a byte-order mark,
// formulas neutralised).
func WriteCSV(w http.ResponseWriter, r *http.Request, sep rune, filename string, header []string, rows [][]string) {
	var buf bytes.Buffer
	if err := table.WriteCSV(&buf, sep, header, rows); err != nil {
		Error(w, http.StatusInternalServerError, "", "unable to write CSV")
		return
	}
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
func ETagMatch(header, etag string) bool { return precompressed.ETagMatch(header, etag) }

// ratio formats a ratio for CSV with 4 decimals.
func ratio(f float64) string { return strconv.FormatFloat(f, 'f', 4, 64) }

// WriteJSONBody encodes v to w after the headers are written.
func WriteJSONBody(w http.ResponseWriter, v any) { json.NewEncoder(w).Encode(v) }
