package api

import (
	"maps"
	"net/http"
	"reflect"
	"strings"

	"os2pulse/civil"
	"os2pulse/figures"
	"os2pulse/locale"
)

// OpenAPIPath is where the API describes itself as an OpenAPI 3 document.
const OpenAPIPath = "/api/v1/openapi.json"

// The OpenAPI document is built from the endpoints as they are
// registered (Endpoint): paths, parameters and the answers' schemas, read
// from the Go types the endpoints answer with, so it describes exactly
// what is served. It is in English, the language of API clients; the API
// page says the same in both languages.

func (a *API) openAPIRoutes() {
	a.handle(http.MethodGet, OpenAPIPath, func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, r, http.StatusOK, a.OpenAPI())
	})
}

// OpenAPI returns the API's OpenAPI 3.0 document.
func (a *API) OpenAPI() map[string]any {
	en := locale.EN
	today := a.today()
	s := &schemas{defs: map[string]any{}, names: map[reflect.Type]string{}}
	s.defs["Error"] = object(map[string]any{
		"error":     map[string]any{"type": "string", "description": "what is wrong"},
		"parameter": map[string]any{"type": "string", "description": "the parameter that cannot be used, when one is to blame"},
	}, "error")
	paths := map[string]any{}
	for _, e := range a.endpoints {
		id := strings.ReplaceAll(strings.TrimPrefix(e.Path, "/api/v1/"), "/", "_")
		paths[e.Path] = map[string]any{"get": a.operation(id, en.T(e.Label), e.Params, today,
			map[string]any{"application/json": map[string]any{"schema": s.of(e.answer)}})}
		csv := a.operation(id+"_csv", en.T(e.Label)+" (CSV)", append(append([]Param(nil), e.Params...), csvOnlyParams...), today,
			map[string]any{"text/csv": map[string]any{"schema": map[string]any{"type": "string",
				"description": en.Tf("api.csv.columns", strings.Join(e.Columns, ", "))}}})
		csv["responses"].(map[string]any)["200"].(map[string]any)["headers"].(map[string]any)["Content-Disposition"] = header("attachment; filename=…")
		paths[e.Path+".csv"] = map[string]any{"get": csv}
	}
	paths[OpenAPIPath] = map[string]any{"get": a.operation("openapi", en.T("api.openapi"), nil, today,
		map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}})}
	paths[CollectPath] = map[string]any{"post": a.collectOperation()}

	license := map[string]any{"name": a.cfg.Portfolio.DataLicense}
	if u := a.cfg.Portfolio.DataLicenseURL; u != "" {
		license["url"] = u
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       "os2pulse API",
			"version":     "1",
			"description": en.Tf("api.openapi.description", a.cfg.Portfolio.Name, a.cfg.Portfolio.DataLicense),
			"license":     license,
		},
		// Paths begin with /api/v1, so the server is the document's own
		// origin, wherever the site is served.
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		// The figures are public: no operation asks for credentials but
		// the one that says so itself (collect).
		"security": []any{},
		"components": map[string]any{
			"schemas":         s.defs,
			"securitySchemes": map[string]any{"admin": map[string]any{"type": "http", "scheme": "bearer"}},
		},
	}
}

// operation is a GET operation with the answers every figure gives:
// 200 with content, 304 to a matching If-None-Match, 400 for a parameter
// that cannot be used, 500, and 503 while too many figures are computed.
func (a *API) operation(id, summary string, params []Param, today civil.Date, content map[string]any) map[string]any {
	en := locale.EN
	ps := []any{}
	for _, p := range params {
		ps = append(ps, map[string]any{
			"name": p.Name, "in": "query", "required": p.Required,
			"description": en.T(p.TextKey()), "schema": a.paramSchema(p.Name, today),
		})
	}
	return map[string]any{
		"operationId": id,
		"summary":     summary,
		"parameters":  ps,
		"responses": map[string]any{
			"200": map[string]any{"description": summary, "content": content, "headers": map[string]any{
				"ETag": header("the answer's version, for If-None-Match"),
				"Link": header(`the data licence: <URL>; rel="license"; title*=UTF-8''NAME`),
			}},
			"304": map[string]any{"description": en.T("api.304")},
			"400": errorAnswer(en.T("api.400")),
			"500": errorAnswer(en.T("api.500")),
			"503": errorAnswer(en.T("api.503")),
		},
	}
}

// collectOperation is POST /api/v1/collect.
func (a *API) collectOperation() map[string]any {
	en := locale.EN
	started := object(map[string]any{"status": map[string]any{"type": "string"}, "source": map[string]any{"type": "string"}}, "status", "source")
	busy := object(map[string]any{"error": map[string]any{"type": "string"}, "source": map[string]any{"type": "string"},
		"run": map[string]any{"type": "string"}}, "error", "source", "run")
	return map[string]any{
		"operationId": "collect",
		"summary":     en.T("api.collect"),
		"security":    []any{map[string]any{"admin": []any{}}},
		"parameters": []any{map[string]any{"name": "source", "in": "query", "required": false,
			"description": en.T("api.param.source"), "schema": a.sourceSchema()}},
		"responses": map[string]any{
			"202": map[string]any{"description": en.T("api.collect.202"), "content": map[string]any{"application/json": map[string]any{"schema": started}}},
			"400": errorAnswer(en.T("api.400")),
			"401": errorAnswer(en.T("api.collect.401")),
			"403": errorAnswer(en.T("api.collect.403")),
			"409": map[string]any{"description": en.T("api.collect.409"), "content": map[string]any{"application/json": map[string]any{"schema": busy}}},
			"500": errorAnswer(en.T("api.500")),
			"503": errorAnswer(en.T("api.collect.503")),
		},
	}
}

// paramSchema is the schema of a parameter's values: dates from 1990 to
// today, numbers within their bounds, and the ids this portfolio has.
// That from is not after to is said in from's description: a schema
// cannot compare two parameters.
func (a *API) paramSchema(name string, today civil.Date) map[string]any {
	switch name {
	case "date", "from", "to":
		return map[string]any{"type": "string", "format": "date", "pattern": datesThrough(today)}
	case "step":
		return enum("month", "quarter", "year")
	case "window_days":
		return map[string]any{"type": "integer", "minimum": 1, "maximum": 3650}
	case "sep":
		return enum("comma", "semicolon")
	case "product":
		var ids []string
		for _, p := range a.cfg.Products {
			ids = append(ids, p.ID)
		}
		return enum(ids...)
	case "goal":
		var ids []string
		for _, g := range a.cfg.Goals {
			ids = append(ids, g.ID)
		}
		return enum(ids...)
	}
	return map[string]any{"type": "string"}
}

// sourceSchema is the schema of collect's source: "all" or a source the
// collector has, when the server says which it has.
func (a *API) sourceSchema() map[string]any {
	if len(a.opts.Sources) == 0 {
		return map[string]any{"type": "string", "minLength": 1}
	}
	return enum(append([]string{"all"}, a.opts.Sources...)...)
}

func enum(values ...string) map[string]any {
	if len(values) == 0 {
		return map[string]any{"type": "string"}
	}
	return map[string]any{"type": "string", "enum": values}
}

func dateSchema() map[string]any {
	return map[string]any{"type": "string", "format": "date", "pattern": `^\d{4}-\d{2}-\d{2}$`}
}

func header(description string) map[string]any {
	return map[string]any{"description": description, "schema": map[string]any{"type": "string"}}
}

func errorAnswer(description string) map[string]any {
	return map[string]any{"description": description, "content": map[string]any{
		"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
}

func object(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

// schemas turns Go types into OpenAPI schemas the way encoding/json
// writes them: a named struct becomes a component, fields are named by
// their json tags, embedded structs are flattened, and a field is
// required unless it is left out when empty (omitempty, omitzero). A
// slice is never null: the figures write [] for none, and the test that
// validates every answer holds them to it.
type schemas struct {
	defs  map[string]any
	names map[reflect.Type]string
}

var (
	dateType       = reflect.TypeOf(civil.Date(0))
	knownIntType   = reflect.TypeOf(figures.Known[int]{})
	knownFloatType = reflect.TypeOf(figures.Known[float64]{})
)

// ownSchema is an answer whose JSON is not its fields (it has a
// MarshalJSON) and which says its schema itself.
type ownSchema interface {
	openAPISchema(s *schemas) map[string]any
}

var ownSchemaType = reflect.TypeFor[ownSchema]()

func (s *schemas) of(t reflect.Type) map[string]any {
	if t.Implements(ownSchemaType) {
		return reflect.Zero(t).Interface().(ownSchema).openAPISchema(s)
	}
	switch t {
	case dateType:
		return dateSchema()
	case knownIntType: // a figure that may not be known: null then
		return map[string]any{"type": "integer", "nullable": true}
	case knownFloatType:
		return map[string]any{"type": "number", "nullable": true}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return s.of(t.Elem())
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": s.of(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": s.of(t.Elem())}
	case reflect.Struct:
		if t.Name() == "" {
			return s.object(t)
		}
		name, ok := s.names[t]
		if !ok {
			name = t.Name()
			for taken := true; taken; {
				_, taken = s.defs[name]
				if taken {
					// Two packages' types of one name: qualify the second.
					name = strings.ReplaceAll(t.PkgPath(), "/", "_") + "_" + t.Name()
					_, taken = s.defs[name]
					if taken {
						panic("api: two schemas named " + name)
					}
				}
			}
			s.names[t] = name
			s.defs[name] = nil // taken while its fields are read
			s.defs[name] = s.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	panic("api: no schema for " + t.String())
}

func (s *schemas) object(t reflect.Type) map[string]any {
	props, required := map[string]any{}, []string{}
	s.fields(t, props, &required)
	o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func (s *schemas) fields(t reflect.Type, props map[string]any, required *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			s.fields(f.Type, props, required)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		var schema map[string]any
		optional := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
		switch {
		case f.Type.Kind() == reflect.Pointer && !optional:
			schema = s.nullable(f.Type.Elem())
		case f.Tag.Get("openapi") == "nullable": // the type's MarshalJSON writes null
			schema = s.nullable(f.Type)
		default:
			schema = s.of(f.Type)
		}
		props[name] = schema
		if !optional {
			*required = append(*required, name)
		}
	}
}

// nullable is the schema of t that also allows null. OpenAPI 3.0 lets
// "nullable" stand only beside a "type" and not widen a $ref, so a
// struct is written out in place rather than referred to.
func (s *schemas) nullable(t reflect.Type) map[string]any {
	var schema map[string]any
	if t.Kind() == reflect.Struct && t != dateType {
		schema = s.object(t)
	} else {
		schema = s.of(t)
	}
	out := maps.Clone(schema)
	out["nullable"] = true
	return out
}
