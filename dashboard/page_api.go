package dashboard

import (
	"net/http"
	"strings"

	"os2pulse/api"
	"os2pulse/figures"
)

// apiPageData is the API page's content.
type apiPageData struct {
	Endpoints   []apiEndpoint
	Collect     string // the admin endpoint's path
	OpenAPI     string
	Definitions []definitionText
	License     License
}

// apiEndpoint is one endpoint as the API page shows it.
type apiEndpoint struct {
	ID          string // the section's anchor
	Path, Label string
	Params      []apiParam
	CSVParams   []apiParam
	Columns     string
	JSON, CSV   string // example requests
}

// apiParam is one parameter with what it means.
type apiParam struct {
	Name, Text string
	Required   bool
}

// apiPage documents /api/v1 for the people who use it: every endpoint
// with its parameters and an example request as of the page's date, the
// CSV format, the data licence and every figure's definition. It is
// built from the same endpoint list as /api/v1/openapi.json.
func (s *Server) apiPage(w http.ResponseWriter, r *http.Request, v *view) error {
	if s.api == nil {
		return notFound(v.Tf("error.path", r.URL.Path))
	}
	d := apiPageData{Collect: api.CollectPath, OpenAPI: api.OpenAPIPath, Definitions: definitionTexts(v), License: v.License()}
	params := func(ps []api.Param) []apiParam {
		var out []apiParam
		for _, p := range ps {
			out = append(out, apiParam{Name: p.Name, Text: v.T(p.TextKey()), Required: p.Required})
		}
		return out
	}
	for _, e := range s.api.Endpoints() {
		ae := apiEndpoint{ID: "ep-" + strings.ReplaceAll(strings.TrimPrefix(e.Path, "/api/v1/"), "/", "-"), Path: e.Path, Label: v.T(e.Label), Params: params(e.Params), CSVParams: params(api.CSVParams()),
			Columns: strings.Join(e.Columns, ", ")}
		if q, ok := s.api.Example(e, v.Date); ok {
			ae.JSON, ae.CSV = queryLink(e.Path, q), queryLink(e.Path+".csv", q)
		}
		d.Endpoints = append(d.Endpoints, ae)
	}
	return s.render(w, r, "api", d)
}

// definitionTexts are every figure's definition in the page language.
func definitionTexts(v *view) []definitionText {
	var out []definitionText
	for _, def := range figures.Definitions {
		out = append(out, definitionText{def.ID, def.Title.In(string(v.Lang)), def.Full.In(string(v.Lang))})
	}
	return out
}
