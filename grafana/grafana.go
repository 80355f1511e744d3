// Package grafana holds os2pulse's Grafana provisioning: a Prometheus data
// source with a fixed uid, a file provider for the "OS2" folder, and the
// board and operations dashboards. The files are embedded so that tests and
// tools check exactly what ships; Grafana itself reads them from disk (see
// README.md).
package grafana

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
)

// Files holds provisioning/ (data sources and the dashboard provider) and
// dashboards/ (the dashboard JSON files), with paths as in this directory.
//
//go:embed provisioning dashboards
var Files embed.FS

// Dashboards returns every dashboard JSON file, keyed by file name (for
// example "board.json").
func Dashboards() (map[string][]byte, error) {
	entries, err := fs.ReadDir(Files, "dashboards")
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(entries))
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".json" {
			continue
		}
		b, err := fs.ReadFile(Files, path.Join("dashboards", e.Name()))
		if err != nil {
			return nil, err
		}
		out[e.Name()] = b
	}
	return out, nil
}

// Query is one PromQL query of a dashboard panel.
type Query struct {
	DashboardUID string
	PanelID      int
	PanelTitle   string
	RefID        string
	// RawExpr is the expression as written in the dashboard, template
	// variables included.
	RawExpr string
	// Expr is RawExpr with template variables replaced by concrete values
	// (see Queries), so it can be parsed or sent to Prometheus as it is.
	Expr string
}

// Queries returns the PromQL query of every target of every panel in a
// dashboard, including panels nested in collapsed row panels, in the order
// they appear. Targets without an expr (not PromQL) are left out.
//
// Template variables are replaced so that the expression can be checked or
// run outside Grafana, in both the $name and ${name} / ${name:format} forms:
//
//   - $__interval, $__rate_interval and $__range become 5m; $__interval_ms
//     and $__range_ms become 300000; $__range_s becomes 300.
//   - The dashboard's own variables of type interval become 5m; constant and
//     textbox variables become their value; every other variable becomes .*,
//     which selects every value under =~, the way these dashboards use them.
//
// Any other variable is left as it is (see UnresolvedVariables), so that a
// misspelt variable is noticed rather than silently matching nothing.
func Queries(dashboardJSON []byte) ([]Query, error) {
	var d struct {
		UID        string  `json:"uid"`
		Panels     []panel `json:"panels"`
		Templating struct {
			List []variable `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(dashboardJSON, &d); err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	values := make(map[string]string, len(builtinValues)+len(d.Templating.List))
	for k, v := range builtinValues {
		values[k] = v
	}
	for _, v := range d.Templating.List {
		values[v.Name] = v.value()
	}
	var out []Query
	var walk func([]panel)
	walk = func(panels []panel) {
		for _, p := range panels {
			for _, t := range p.Targets {
				if strings.TrimSpace(t.Expr) == "" {
					continue
				}
				out = append(out, Query{
					DashboardUID: d.UID,
					PanelID:      p.ID,
					PanelTitle:   p.Title,
					RefID:        t.RefID,
					RawExpr:      t.Expr,
					Expr:         substitute(t.Expr, values),
				})
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	return out, nil
}

type panel struct {
	ID      int     `json:"id"`
	Title   string  `json:"title"`
	Panels  []panel `json:"panels"` // a row panel's panels, when collapsed
	Targets []struct {
		RefID string `json:"refId"`
		Expr  string `json:"expr"`
	} `json:"targets"`
}

type variable struct {
	Name    string          `json:"name"`
	Type    string          `json:"type"`
	Query   json.RawMessage `json:"query"`
	Current struct {
		Value json.RawMessage `json:"value"`
	} `json:"current"`
}

// value is the stand-in for the variable in a checked expression.
func (v variable) value() string {
	switch v.Type {
	case "interval":
		return "5m"
	case "constant", "textbox":
		var s string
		if json.Unmarshal(v.Current.Value, &s) == nil && s != "" {
			return s
		}
		if json.Unmarshal(v.Query, &s) == nil {
			return s
		}
		return ""
	default:
		return ".*"
	}
}

// builtinValues stand in for Grafana's global variables. Five minutes is a
// typical panel interval and long enough for rate() over a 1m scrape.
var builtinValues = map[string]string{
	"__interval":      "5m",
	"__rate_interval": "5m",
	"__range":         "5m",
	"__interval_ms":   "300000",
	"__range_ms":      "300000",
	"__range_s":       "300",
}

// variableRef matches $name, ${name} and ${name:format}. \w+ is greedy, so
// $__range_s is not read as $__range followed by "_s".
var variableRef = regexp.MustCompile(`\$(?:\{(\w+)(?::[^}]*)?\}|(\w+))`)

func substitute(expr string, values map[string]string) string {
	return variableRef.ReplaceAllStringFunc(expr, func(ref string) string {
		m := variableRef.FindStringSubmatch(ref)
		name := m[1] + m[2] // exactly one of them is set
		if v, ok := values[name]; ok {
			return v
		}
		return ref
	})
}

// UnresolvedVariables returns the template variable references ($name,
// ${name}, ${name:format}) left in a Query's Expr: variables that neither the
// dashboard nor Grafana defines. Inside a PromQL string they still parse, so
// check for them explicitly.
func UnresolvedVariables(expr string) []string {
	return variableRef.FindAllString(expr, -1)
}
