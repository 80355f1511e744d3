package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"os2pulse/civil"
	"os2pulse/figures/figurestest"
	"os2pulse/storage"
	"os2pulse/storage/storagetest"
)

// fixtureAPI is the API over figurestest's portfolio, which has products,
// goals, incomplete contributor figures and payloads in its names.
func fixtureAPI(t *testing.T, store *storage.Store) *API {
	t.Helper()
	f := figurestest.Portfolio(t, store)
	return New(Options{Config: f.Config, Figures: f.Figures, Now: func() time.Time { return figurestest.Now }})
}

// loadOpenAPI loads the API's document with kin-openapi and checks that
// it is a valid OpenAPI 3 document.
func loadOpenAPI(t *testing.T, a *API) *openapi3.T {
	t.Helper()
	served := apiGet(t, a, OpenAPIPath)
	if served.Code != 200 || !strings.HasPrefix(served.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("%s: %d %s", OpenAPIPath, served.Code, served.Header().Get("Content-Type"))
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(served.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	return doc
}

// csvDecoder reads a CSV answer for the validator as table.WriteCSV
// writes it: a byte-order mark, then records with one separator, "," or
// ";", and as many fields in every record as in the header. (kin-openapi's
// own decoder knows only ",".)
func csvDecoder(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	b, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	text, ok := strings.CutPrefix(string(b), bom)
	if !ok {
		return nil, errors.New("CSV without a byte-order mark")
	}
	header, _, _ := strings.Cut(text, "\n")
	r := csv.NewReader(strings.NewReader(text))
	if strings.Count(header, ";") > strings.Count(header, ",") {
		r.Comma = ';'
	}
	if _, err := r.ReadAll(); err != nil {
		return nil, fmt.Errorf("CSV: %w", err)
	}
	return text, nil
}

// validate sends a GET of path with query to the API and checks the
// request and the answer against the document; it returns the answer.
func validate(t *testing.T, a *API, doc *openapi3.T, path string, query url.Values) *httptest.ResponseRecorder {
	t.Helper()
	target := path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	item := doc.Paths.Value(path)
	if item == nil || item.Get == nil {
		t.Fatalf("%s is not in the OpenAPI document", path)
	}
	req := httptest.NewRequest(http.MethodGet, target, nil)
	route := &routers.Route{Spec: doc, Path: path, PathItem: item, Method: http.MethodGet, Operation: item.Get}
	in := &openapi3filter.RequestValidationInput{Request: req, Route: route, Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		t.Errorf("GET %s: the request does not match the document: %v", target, err)
	}
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, req)
	res := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	res.SetBodyBytes(rec.Body.Bytes())
	if err := openapi3filter.ValidateResponse(context.Background(), res); err != nil {
		t.Errorf("GET %s: the %d answer does not match the document: %v\n%.600s", target, rec.Code, err, rec.Body.String())
	}
	return rec
}

// TestOpenAPIAgainstEveryEndpoint loads /api/v1/openapi.json with
// kin-openapi, then sends every endpoint (JSON and CSV, with and without
// its optional parameters, on dates with complete and incomplete data)
// and checks requests and real answers against it with openapi3filter.
func TestOpenAPIAgainstEveryEndpoint(t *testing.T) {
	openapi3filter.RegisterBodyDecoder("text/csv", csvDecoder)
	defer openapi3filter.RegisterBodyDecoder("text/csv", openapi3filter.CsvBodyDecoder)
	storagetest.Each(t, func(t *testing.T, store *storage.Store) {
		a := fixtureAPI(t, store)
		doc := loadOpenAPI(t, a)
		today := civil.Of(figurestest.Now)

		// The document lists exactly the endpoints served, each with its
		// CSV twin, itself and the admin endpoint.
		want := []string{OpenAPIPath, CollectPath}
		for _, e := range a.Endpoints() {
			want = append(want, e.Path, e.Path+".csv")
		}
		got := doc.Paths.InMatchingOrder()
		sort.Strings(want)
		sort.Strings(got)
		if !slices.Equal(got, want) {
			t.Errorf("paths in the document:\n%v\nserved:\n%v", got, want)
		}
		if len(a.Endpoints()) < 13 {
			t.Fatalf("only %d endpoints", len(a.Endpoints()))
		}

		for _, e := range a.Endpoints() {
			for _, date := range []civil.Date{today, civil.MustParse("2025-06-30"), civil.MustParse("2019-03-15")} {
				q, ok := a.Example(e, date)
				if !ok {
					t.Fatalf("%s: no example", e.Path)
				}
				variants := []url.Values{q}
				// Each optional parameter the example leaves out.
				for _, p := range e.Params {
					if !q.Has(p.Name) {
						v := cloneQuery(q)
						v.Set(p.Name, a.exampleValue(p.Name, date))
						variants = append(variants, v)
					}
				}
				for _, v := range variants {
					if rec := validate(t, a, doc, e.Path, v); rec.Code != 200 {
						t.Errorf("%s?%s: %d %s", e.Path, v.Encode(), rec.Code, rec.Body)
					}
					for _, sep := range []string{"", "semicolon"} {
						c := cloneQuery(v)
						if sep != "" {
							c.Set("sep", sep)
						}
						if rec := validate(t, a, doc, e.Path+".csv", c); rec.Code != 200 {
							t.Errorf("%s.csv?%s: %d %s", e.Path, c.Encode(), rec.Code, rec.Body)
						}
					}
				}
			}
		}
		// Answers other than 200 are documented too, and a date the
		// server refuses the document refuses as well.
		if rec, reqErr := exchange(t, a, doc, http.MethodGet, "/api/v1/adoption", url.Values{"date": {"2099-01-01"}}); reqErr == nil || rec.Code != http.StatusBadRequest {
			t.Errorf("date=2099-01-01: the document refuses it: %v; the server: %d", reqErr != nil, rec.Code)
		}
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/adoption", nil))
		etag := rec.Header().Get("ETag")
		req := httptest.NewRequest(http.MethodGet, "/api/v1/adoption", nil)
		req.Header.Set("If-None-Match", etag)
		rec = httptest.NewRecorder()
		a.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotModified || doc.Paths.Value("/api/v1/adoption").Get.Responses.Status(304) == nil {
			t.Errorf("a matching If-None-Match: %d; 304 documented: %v", rec.Code, doc.Paths.Value("/api/v1/adoption").Get.Responses.Status(304) != nil)
		}

		// POST /api/v1/collect, which this server has turned off.
		item := doc.Paths.Value(CollectPath)
		req = httptest.NewRequest(http.MethodPost, CollectPath, nil)
		rec = httptest.NewRecorder()
		a.ServeHTTP(rec, req)
		route := &routers.Route{Spec: doc, Path: CollectPath, PathItem: item, Method: http.MethodPost, Operation: item.Post}
		in := &openapi3filter.RequestValidationInput{Request: req, Route: route}
		res := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(),
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		res.SetBodyBytes(rec.Body.Bytes())
		if err := openapi3filter.ValidateResponse(context.Background(), res); err != nil || rec.Code != http.StatusForbidden {
			t.Errorf("POST %s: %d, %v", CollectPath, rec.Code, err)
		}
	})
}

// TestDeclaredParamsAreRead: every parameter an endpoint declares (and
// sep on its CSV twin) is read by it: a value that cannot be used is a 400
// naming that parameter, so the documentation lists no parameter that is
// ignored.
func TestDeclaredParamsAreRead(t *testing.T) {
	a := fixtureAPI(t, storagetest.New(t, "sqlite"))
	today := civil.Of(figurestest.Now)
	for _, e := range a.Endpoints() {
		q, _ := a.Example(e, today)
		check := func(path string, params []Param) {
			for _, p := range params {
				bad := cloneQuery(q)
				bad.Set(p.Name, "nope")
				rec := apiGet(t, a, path+"?"+bad.Encode())
				var body struct{ Parameter string }
				json.Unmarshal(rec.Body.Bytes(), &body)
				if rec.Code != http.StatusBadRequest || body.Parameter != p.Name {
					t.Errorf("%s with %s=nope: %d %s; want 400 naming %s", path, p.Name, rec.Code, rec.Body, p.Name)
				}
			}
			for _, p := range params {
				if !p.Required {
					continue
				}
				missing := cloneQuery(q)
				missing.Del(p.Name)
				if rec := apiGet(t, a, path+"?"+missing.Encode()); rec.Code != http.StatusBadRequest {
					t.Errorf("%s without %s: %d", path, p.Name, rec.Code)
				}
			}
		}
		check(e.Path, e.Params)
		check(e.Path+".csv", append(append([]Param(nil), e.Params...), CSVParams()...))
	}
}

// TestOpenAPIDescribesTheAnswers spot-checks the generated schemas
// against what the figures mean: required fields, optional ones, dates.
func TestOpenAPIDescribesTheAnswers(t *testing.T) {
	a := fixtureAPI(t, storagetest.New(t, "sqlite"))
	doc := a.OpenAPI()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Info struct {
			License struct{ Name, URL string }
		}
		Components struct {
			Schemas map[string]struct {
				Required   []string
				Properties map[string]map[string]any
			}
		}
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if d.Info.License.Name != "CC BY 4.0" || d.Info.License.URL != "https://creativecommons.org/licenses/by/4.0/" {
		t.Errorf("licence %+v", d.Info.License)
	}
	goal := d.Components.Schemas["GoalStatus"]
	for _, f := range []string{"id", "value", "target", "status", "complete"} {
		if !slices.Contains(goal.Required, f) {
			t.Errorf("GoalStatus: %s is not required", f)
		}
	}
	for _, f := range []string{"value_on_deadline", "projection", "covered_until"} {
		if slices.Contains(goal.Required, f) || goal.Properties[f] == nil {
			t.Errorf("GoalStatus: %s should be an optional property", f)
		}
	}
	if got := goal.Properties["deadline"]["format"]; got != "date" {
		t.Errorf("deadline format %v", got)
	}
	if !bytes.Contains(b, []byte(`"date,window_days,scope,product,name,active_contributors`)) && !bytes.Contains(b, []byte(`columns: date, window_days, scope`)) {
		t.Error("the contributors CSV's columns are not described")
	}
}

func cloneQuery(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}
