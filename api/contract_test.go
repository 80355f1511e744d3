package api

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"os2pulse/civil"
	"os2pulse/figures/figurestest"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// exchange sends method path?query to the API and checks the request and
// the answer against the document. It returns the answer and the
// request's mismatch (nil when the document allows the request); an
// answer the document does not describe fails the test.
func exchange(t *testing.T, a *API, doc *openapi3.T, method, path string, query url.Values) (*httptest.ResponseRecorder, error) {
	t.Helper()
	target := path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	item := doc.Paths.Value(path)
	if item == nil || item.GetOperation(method) == nil {
		t.Fatalf("%s %s is not in the OpenAPI document", method, path)
	}
	req := httptest.NewRequest(method, target, nil)
	route := &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: item.GetOperation(method)}
	in := &openapi3filter.RequestValidationInput{Request: req, Route: route, Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	reqErr := openapi3filter.ValidateRequest(context.Background(), in)
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, req)
	res := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	res.SetBodyBytes(rec.Body.Bytes())
	if err := openapi3filter.ValidateResponse(context.Background(), res); err != nil {
		t.Errorf("%s %s: the %d answer does not match the document: %v\n%.600s", method, target, rec.Code, err, rec.Body.String())
	}
	return rec, reqErr
}

// paramValues generates values of each parameter: valid ones, which
// the document and the server both accept, and invalid ones, which both
// refuse.
type paramValues struct {
	a     *API
	today civil.Date
	rnd   *rand.Rand
}

// valid is a random valid value of the parameter.
func (g paramValues) valid(name string) string {
	pick := func(vs ...string) string { return vs[g.rnd.IntN(len(vs))] }
	switch name {
	case "date", "from", "to":
		return g.date()
	case "step":
		return pick("month", "quarter", "year")
	case "window_days":
		return pick("1", "3650", strconv.Itoa(1+g.rnd.IntN(3650)))
	case "product":
		return g.a.cfg.Products[g.rnd.IntN(len(g.a.cfg.Products))].ID
	case "goal":
		return g.a.cfg.Goals[g.rnd.IntN(len(g.a.cfg.Goals))].ID
	case "sep":
		return pick("comma", "semicolon")
	}
	panic("no values of " + name)
}

// date is a random date from 1990 to today, the bounds more often than
// their share.
func (g paramValues) date() string {
	switch g.rnd.IntN(6) {
	case 0:
		return firstDate.String()
	case 1:
		return g.today.String()
	}
	return firstDate.AddDays(g.rnd.IntN(firstDate.DaysUntil(g.today) + 1)).String()
}

// invalid are values of the parameter that cannot be used.
func (g paramValues) invalid(name string) []string {
	switch name {
	case "date", "from", "to":
		return []string{"", "1989-12-31", g.today.AddDays(1).String(), "2101-01-01", "2025-02-30", "2025-13-01", "20250101", "2025-1-5", "today"}
	case "step":
		return []string{"", "week", "Month", "months"}
	case "window_days":
		return []string{"", "0", "3651", "-1", "1.5", "30d"}
	case "product", "goal":
		return []string{"", "nope", "os2"}
	case "sep":
		return []string{"", "tab", ";", "Semicolon"}
	}
	panic("no values of " + name)
}

// query is a random valid query of params: every required parameter,
// each optional one half of the time, from never after to.
func (g paramValues) query(params []Param) url.Values {
	q := url.Values{}
	for _, p := range params {
		if p.Required || g.rnd.IntN(2) == 0 {
			q.Set(p.Name, g.valid(p.Name))
		}
	}
	from, to := q.Get("from"), q.Get("to")
	switch {
	case from != "" && to != "" && from > to:
		q.Set("from", to)
		q.Set("to", from)
	case from != "" && to == "" && from > g.today.String():
		q.Set("from", g.today.String())
	}
	return q
}

// TestAPIContract sends every operation requests with generated valid
// and invalid parameters and checks that kin-openapi's request
// validation and the server agree on each (valid: allowed and 200;
// invalid: refused and 400 naming the parameter), and that every answer
// matches the document.
func TestAPIContract(t *testing.T) {
	openapi3filter.RegisterBodyDecoder("text/csv", csvDecoder)
	defer openapi3filter.RegisterBodyDecoder("text/csv", openapi3filter.CsvBodyDecoder)
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		a := fixtureAPI(t, store)
		doc := loadOpenAPI(t, a)
		g := paramValues{a: a, today: civil.Of(figurestest.Now), rnd: rand.New(rand.NewPCG(21, 2))}
		valid, invalid := 0, 0
		for _, e := range a.Endpoints() {
			for _, op := range []struct {
				path   string
				params []Param
			}{{e.Path, e.Params}, {e.Path + ".csv", append(append([]Param(nil), e.Params...), CSVParams()...)}} {
				for range 12 {
					q := g.query(op.params)
					rec, reqErr := exchange(t, a, doc, http.MethodGet, op.path, q)
					if reqErr != nil || rec.Code != http.StatusOK {
						t.Errorf("GET %s?%s: the document says %v; the server %d %.300s", op.path, q.Encode(), reqErr, rec.Code, rec.Body)
					}
					valid++
				}
				base := g.query(op.params)
				for _, p := range op.params {
					for _, v := range g.invalid(p.Name) {
						q := cloneQuery(base)
						q.Set(p.Name, v)
						if p.Name == "from" && !q.Has("to") && v > g.today.String() {
							// A from after today is after the default to as
							// well: either refusal names it.
							q.Set("to", g.today.String())
						}
						checkRefused(t, a, doc, op.path, q, p.Name)
						invalid++
					}
					if p.Required {
						q := cloneQuery(base)
						q.Del(p.Name)
						checkRefused(t, a, doc, op.path, q, p.Name)
						invalid++
					}
				}
			}
		}
		t.Logf("%d valid and %d invalid requests over %d operations", valid, invalid, 2*len(a.Endpoints()))
	})
}

// checkRefused expects both the document and the server to refuse q, the
// server with a 400 naming param.
func checkRefused(t *testing.T, a *API, doc *openapi3.T, path string, q url.Values, param string) {
	t.Helper()
	rec, reqErr := exchange(t, a, doc, http.MethodGet, path, q)
	var body struct{ Parameter string }
	json.Unmarshal(rec.Body.Bytes(), &body)
	if reqErr == nil || rec.Code != http.StatusBadRequest || body.Parameter != param {
		t.Errorf("GET %s?%s: the document refuses it: %v; the server: %d %s (want 400 naming %s)",
			path, q.Encode(), reqErr != nil, rec.Code, rec.Body, param)
	}
}

// TestFromAfterTo: the one constraint a schema cannot state, that from
// is not after to, is in from's description, and the server keeps it.
func TestFromAfterTo(t *testing.T) {
	a := fixtureAPI(t, storagetest.New(t, "sqlite"))
	doc := loadOpenAPI(t, a)
	for _, e := range a.Endpoints() {
		if !slices.ContainsFunc(e.Params, func(p Param) bool { return p.Name == "from" }) {
			continue
		}
		for _, p := range doc.Paths.Value(e.Path).Get.Parameters {
			if p.Value.Name == "from" && !strings.Contains(p.Value.Description, "not after to") {
				t.Errorf("%s: from's description %q does not say it may not be after to", e.Path, p.Value.Description)
			}
		}
		q, _ := a.Example(e, civil.Of(figurestest.Now))
		q.Set("from", "2024-01-02")
		q.Set("to", "2024-01-01")
		rec, reqErr := exchange(t, a, doc, http.MethodGet, e.Path, q)
		if reqErr != nil || rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "after to") {
			t.Errorf("%s?%s: %v; %d %s", e.Path, q.Encode(), reqErr, rec.Code, rec.Body)
		}
	}
}

// TestParamGivenTwice: a parameter given twice is refused, not read as
// its first value.
func TestParamGivenTwice(t *testing.T) {
	a := fixtureAPI(t, storagetest.New(t, "sqlite"))
	rec := apiGet(t, a, "/api/v1/adoption?date=2024-01-01&date=2025-01-01")
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `"parameter": "date"`) && !strings.Contains(rec.Body.String(), `"parameter":"date"`) {
		t.Errorf("date given twice: %d %s", rec.Code, rec.Body)
	}
}

// TestWrongMethod: every path of the document answers another method
// with 405 and an Allow header naming exactly the methods it has; a path
// that does not exist is 404 whatever the method.
func TestWrongMethod(t *testing.T) {
	a := fixtureAPI(t, storagetest.New(t, "sqlite"))
	doc := a.OpenAPI()
	paths := doc["paths"].(map[string]any)
	if len(paths) < 20 {
		t.Fatalf("only %d paths", len(paths))
	}
	for path, item := range paths {
		var allowed []string
		for m := range item.(map[string]any) {
			allowed = append(allowed, strings.ToUpper(m))
		}
		want := strings.Join(allowed, ", ")
		if slices.Contains(allowed, "GET") {
			want += ", HEAD"
		}
		for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			if slices.Contains(allowed, m) || m == http.MethodHead && slices.Contains(allowed, "GET") {
				continue
			}
			rec := httptest.NewRecorder()
			a.ServeHTTP(rec, httptest.NewRequest(m, path, nil))
			if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != want {
				t.Errorf("%s %s: %d, Allow %q; want 405, Allow %q", m, path, rec.Code, rec.Header().Get("Allow"), want)
			}
		}
	}
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, httptest.NewRequest(m, "/api/v1/nothing", nil))
		if rec.Code != http.StatusNotFound || rec.Header().Get("Allow") != "" {
			t.Errorf("%s /api/v1/nothing: %d, Allow %q", m, rec.Code, rec.Header().Get("Allow"))
		}
	}
}
