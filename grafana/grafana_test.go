package grafana

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"
)

// exportedMetrics mirrors the list of metric names the /metrics handler
// documents. A dashboard may select only these and Prometheus' own series
// (prometheusMetrics); add a metric here when os2pulse starts exporting it.
var exportedMetrics = []string{
	"os2pulse_members",
	"os2pulse_products",
	"os2pulse_product_adopters",
	"os2pulse_product_adoption_ratio",
	"os2pulse_members_three_plus_products",
	"os2pulse_members_three_plus_products_ratio",
	"os2pulse_product_active_contributors",
	"os2pulse_portfolio_active_contributors",
	"os2pulse_active_contributors_window_seconds",
	"os2pulse_contributors_covered_until_timestamp_seconds",
	"os2pulse_portfolio_contributors_covered_until_timestamp_seconds",
	"os2pulse_goal_target_ratio",
	"os2pulse_goal_value_ratio",
	"os2pulse_product_requirements",
	"os2pulse_product_self_evaluation_filled_timestamp_seconds",
	"os2pulse_product_contributor_concentration_persons",
	"os2pulse_product_contributing_organizations",
	"os2pulse_product_largest_organization_ratio",
	"os2pulse_product_first_response_median_seconds",
	"os2pulse_product_first_response_p90_seconds",
	"os2pulse_product_awaiting_first_response",
	"os2pulse_product_releases",
	"os2pulse_product_last_release_age_seconds",
	"os2pulse_product_open_items",
	"os2pulse_product_open_items_median_age_seconds",
	"os2pulse_product_hygiene_repositories",
	"os2pulse_product_publiccode_repositories",
	"os2pulse_collector_runs_total",
	"os2pulse_collector_last_success_timestamp_seconds",
	"os2pulse_collector_run_duration_seconds",
	"os2pulse_github_requests_total",
	"os2pulse_github_rate_limit_remaining",
	"os2pulse_build_info",
}

// histogramMetrics are the exported histograms, which Prometheus stores only
// as _bucket, _sum and _count series.
var histogramMetrics = []string{"os2pulse_collector_run_duration_seconds"}

// prometheusMetrics are the series Prometheus records for every scrape.
var prometheusMetrics = []string{"up", "scrape_duration_seconds", "scrape_samples_scraped"}

// businessMetrics are the figures the board dashboard exists to show; each
// must appear on it so that none is dropped unnoticed.
var businessMetrics = []string{
	"os2pulse_members",
	"os2pulse_products",
	"os2pulse_product_adopters",
	"os2pulse_product_adoption_ratio",
	"os2pulse_members_three_plus_products",
	"os2pulse_members_three_plus_products_ratio",
	"os2pulse_product_active_contributors",
	"os2pulse_portfolio_active_contributors",
	"os2pulse_active_contributors_window_seconds",
	"os2pulse_contributors_covered_until_timestamp_seconds",
	"os2pulse_portfolio_contributors_covered_until_timestamp_seconds",
	"os2pulse_goal_target_ratio",
	"os2pulse_goal_value_ratio",
	"os2pulse_product_requirements",
	"os2pulse_product_self_evaluation_filled_timestamp_seconds",
	"os2pulse_product_contributor_concentration_persons",
	"os2pulse_product_contributing_organizations",
	"os2pulse_product_largest_organization_ratio",
	"os2pulse_product_first_response_median_seconds",
	"os2pulse_product_first_response_p90_seconds",
	"os2pulse_product_awaiting_first_response",
	"os2pulse_product_releases",
	"os2pulse_product_last_release_age_seconds",
	"os2pulse_product_open_items",
	"os2pulse_product_open_items_median_age_seconds",
	"os2pulse_product_hygiene_repositories",
	"os2pulse_product_publiccode_repositories",
}

// operationsMetrics are the operational metrics the operations dashboard
// exists to show.
var operationsMetrics = []string{
	"os2pulse_collector_runs_total",
	"os2pulse_collector_last_success_timestamp_seconds",
	"os2pulse_collector_run_duration_seconds",
	"os2pulse_github_requests_total",
	"os2pulse_github_rate_limit_remaining",
	"os2pulse_build_info",
	"up",
	"scrape_duration_seconds",
	"scrape_samples_scraped",
}

// knownMetrics returns the series names a query may select. A histogram is
// known by its three series names rather than its base name, because no
// series carries the base name: selecting it would silently return nothing.
func knownMetrics() map[string]bool {
	known := map[string]bool{}
	for _, m := range append(slices.Clone(exportedMetrics), prometheusMetrics...) {
		known[m] = true
	}
	for _, h := range histogramMetrics {
		delete(known, h)
		for _, s := range []string{"_bucket", "_sum", "_count"} {
			known[h+s] = true
		}
	}
	return known
}

// baseName strips a histogram series suffix, for comparing with the lists
// above.
func baseName(series string) string {
	for _, h := range histogramMetrics {
		for _, s := range []string{"_bucket", "_sum", "_count"} {
			if series == h+s {
				return h
			}
		}
	}
	return series
}

const datasourcesFile = "provisioning/datasources/os2pulse.yaml"

// datasourceUIDs returns the uid of every provisioned data source. The file
// is kept flat enough for a line scan: "uid:" appears only as a data source
// key, and there is no YAML library among the module's dependencies.
func datasourceUIDs(yaml []byte) map[string]bool {
	uids := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(yaml))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		line = strings.TrimPrefix(line, "- ")
		v, ok := strings.CutPrefix(line, "uid:")
		if !ok {
			continue
		}
		v, _, _ = strings.Cut(v, " #")
		uids[strings.Trim(strings.TrimSpace(v), `"'`)] = true
	}
	return uids
}

// checkedPanel is the part of a panel's JSON that check inspects.
type checkedPanel struct {
	ID          *int            `json:"id"`
	Type        string          `json:"type"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Datasource  json.RawMessage `json:"datasource"`
	GridPos     *struct {
		H, W, X, Y int
	} `json:"gridPos"`
	Targets []struct {
		RefID      string          `json:"refId"`
		Expr       string          `json:"expr"`
		Datasource json.RawMessage `json:"datasource"`
	} `json:"targets"`
	Panels []checkedPanel `json:"panels"`
}

// check returns every problem it finds in a dashboard, one sentence each; nil
// means the dashboard passes. datasourceUIDs are the provisioned data
// sources; known are the metric names a query may select.
func check(dashboard []byte, datasourceUIDs map[string]bool, known map[string]bool) []string {
	var problems []string
	addf := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	var top map[string]json.RawMessage
	if err := json.Unmarshal(dashboard, &top); err != nil {
		return []string{"dashboard JSON does not parse: " + err.Error()}
	}
	var d struct {
		UID           string         `json:"uid"`
		Title         string         `json:"title"`
		SchemaVersion int            `json:"schemaVersion"`
		Panels        []checkedPanel `json:"panels"`
		Templating    struct {
			List []struct {
				Name       string          `json:"name"`
				Type       string          `json:"type"`
				Datasource json.RawMessage `json:"datasource"`
				Query      json.RawMessage `json:"query"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(dashboard, &d); err != nil {
		return []string{"dashboard JSON does not have the dashboard shape: " + err.Error()}
	}
	if d.UID == "" {
		addf("dashboard has no uid")
	}
	if d.Title == "" {
		addf("dashboard has no title")
	}
	if d.SchemaVersion < 39 {
		addf("schemaVersion %d is older than 39", d.SchemaVersion)
	}
	if _, ok := top["rows"]; ok {
		addf(`dashboard has a deprecated "rows" array; use panels of type "row"`)
	}

	// checkDatasource reports a data source that is not a {type, uid}
	// reference to a provisioned Prometheus data source: a name or a
	// missing uid makes the dashboard depend on how the install named it.
	checkDatasource := func(where string, raw json.RawMessage) {
		if len(raw) == 0 || string(raw) == "null" {
			addf("%s has no datasource", where)
			return
		}
		var ref struct{ Type, UID string }
		if err := json.Unmarshal(raw, &ref); err != nil {
			addf("%s datasource %s is not a {type, uid} reference", where, raw)
			return
		}
		if !datasourceUIDs[ref.UID] {
			addf("%s datasource uid %q is not a provisioned data source", where, ref.UID)
		}
		if ref.Type != "prometheus" {
			addf("%s datasource type %q is not prometheus", where, ref.Type)
		}
	}
	checkMetrics := func(where string, expr parser.Expr) {
		parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
			vs, ok := n.(*parser.VectorSelector)
			if !ok {
				return nil
			}
			switch {
			case vs.Name == "":
				addf("%s selects %s without a metric name", where, vs)
			case !known[vs.Name]:
				addf("%s selects unknown metric %s", where, vs.Name)
			}
			return nil
		})
	}
	promql := parser.NewParser(parser.Options{})

	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		where := fmt.Sprintf("variable %q", v.Name)
		checkDatasource(where, v.Datasource)
		// Grafana stores the query as a string or, since 10, as an object.
		var q string
		if json.Unmarshal(v.Query, &q) != nil {
			var obj struct{ Query string }
			_ = json.Unmarshal(v.Query, &obj)
			q = obj.Query
		}
		if sel, ok := strings.CutPrefix(q, "label_values("); ok {
			if i := strings.LastIndex(sel, ","); i >= 0 {
				sel = sel[:i]
			}
			expr, err := promql.ParseExpr(sel)
			if err != nil {
				addf("%s: label_values selector %q does not parse: %v", where, sel, err)
				continue
			}
			checkMetrics(where, expr)
		}
	}

	ids := map[int]bool{}
	var walk func([]checkedPanel)
	walk = func(panels []checkedPanel) {
		for _, p := range panels {
			where := fmt.Sprintf("panel %q", p.Title)
			if p.ID == nil {
				addf("%s has no id", where)
			} else {
				where = fmt.Sprintf("panel %d %q", *p.ID, p.Title)
				if ids[*p.ID] {
					addf("%s: id %d is used by another panel", where, *p.ID)
				}
				ids[*p.ID] = true
			}
			if p.Title == "" {
				addf("%s has no title", where)
			}
			if p.GridPos == nil || p.GridPos.W <= 0 || p.GridPos.H <= 0 {
				addf("%s has no gridPos with a width and height", where)
			}
			walk(p.Panels)
			switch p.Type {
			case "row":
				// Rows are headings: Grafana shows no description and
				// runs no query for them.
				continue
			case "graph":
				addf(`%s has the deprecated type "graph"; use "timeseries"`, where)
			}
			if strings.TrimSpace(p.Description) == "" {
				addf("%s has no description", where)
			}
			checkDatasource(where, p.Datasource)
			if len(p.Targets) == 0 {
				addf("%s has no targets", where)
			}
			refIDs := map[string]bool{}
			for i, t := range p.Targets {
				tw := fmt.Sprintf("%s target %q", where, t.RefID)
				if t.RefID == "" {
					tw = fmt.Sprintf("%s target %d", where, i)
					addf("%s has no refId", tw)
				} else if refIDs[t.RefID] {
					addf("%s: refId is used twice in the panel", tw)
				}
				refIDs[t.RefID] = true
				checkDatasource(tw, t.Datasource)
				if strings.TrimSpace(t.Expr) == "" {
					addf("%s has no expr", tw)
				}
			}
		}
	}
	walk(d.Panels)

	queries, err := Queries(dashboard)
	if err != nil {
		addf("Queries: %v", err)
	}
	for _, q := range queries {
		where := fmt.Sprintf("panel %d %q target %q", q.PanelID, q.PanelTitle, q.RefID)
		if strings.Contains(q.RawExpr, "[[") {
			addf("%s uses the deprecated [[variable]] syntax: %s", where, q.RawExpr)
		}
		if vars := UnresolvedVariables(q.Expr); len(vars) > 0 {
			addf("%s uses undefined template variables %v", where, vars)
		}
		expr, err := promql.ParseExpr(q.Expr)
		if err != nil {
			addf("%s does not parse (%s): %v", where, q.Expr, err)
			continue
		}
		checkMetrics(where, expr)
	}
	return problems
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(Files, name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func dashboards(t *testing.T) map[string][]byte {
	t.Helper()
	ds, err := Dashboards()
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestDashboardFiles(t *testing.T) {
	ds := dashboards(t)
	var names []string
	for name := range ds {
		names = append(names, name)
	}
	sort.Strings(names)
	if want := []string{"board.json", "operations.json"}; !reflect.DeepEqual(names, want) {
		t.Errorf("Dashboards() = %v, want %v", names, want)
	}
}

func TestDashboards(t *testing.T) {
	uids := datasourceUIDs(readFile(t, datasourcesFile))
	known := knownMetrics()
	for name, b := range dashboards(t) {
		t.Run(name, func(t *testing.T) {
			for _, p := range check(b, uids, known) {
				t.Error(p)
			}
			qs, err := Queries(b)
			if err != nil {
				t.Fatal(err)
			}
			if len(qs) == 0 {
				t.Error("no queries found")
			}
		})
	}
}

func TestDashboardUIDsUnique(t *testing.T) {
	seen := map[string]string{}
	for name, b := range dashboards(t) {
		var d struct{ UID string }
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if other, ok := seen[d.UID]; ok {
			t.Errorf("%s and %s share the uid %q", name, other, d.UID)
		}
		seen[d.UID] = name
	}
}

// TestDashboardsShowMetrics guards against a metric being dropped from the
// dashboard that exists to show it.
func TestDashboardsShowMetrics(t *testing.T) {
	ds := dashboards(t)
	tests := []struct {
		file    string
		metrics []string
	}{
		{"board.json", businessMetrics},
		{"operations.json", operationsMetrics},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			qs, err := Queries(ds[tt.file])
			if err != nil {
				t.Fatal(err)
			}
			shown := map[string]bool{}
			promql := parser.NewParser(parser.Options{})
			for _, q := range qs {
				expr, err := promql.ParseExpr(q.Expr)
				if err != nil {
					continue // reported by TestDashboards
				}
				parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
					if vs, ok := n.(*parser.VectorSelector); ok {
						shown[baseName(vs.Name)] = true
					}
					return nil
				})
			}
			for _, m := range tt.metrics {
				if !shown[m] {
					t.Errorf("no panel shows %s", m)
				}
			}
		})
	}
}

func TestBoardFocusProducts(t *testing.T) {
	qs, err := Queries(dashboards(t)["board.json"])
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		if q.PanelTitle == "Focus products" {
			for _, id := range []string{"os2forms", "os2display", "os2borgerpc"} {
				if !strings.Contains(q.Expr, id) {
					t.Errorf("Focus products query %q does not select %s", q.Expr, id)
				}
			}
			return
		}
	}
	t.Error(`board has no "Focus products" panel`)
}

func TestBoardProductVariable(t *testing.T) {
	var d struct {
		Templating struct {
			List []struct {
				Name, Type, Definition string
				Multi, IncludeAll      bool
			}
		}
	}
	if err := json.Unmarshal(dashboards(t)["board.json"], &d); err != nil {
		t.Fatal(err)
	}
	for _, v := range d.Templating.List {
		if v.Name != "product" {
			continue
		}
		if v.Type != "query" || !v.Multi || !v.IncludeAll ||
			v.Definition != "label_values(os2pulse_product_adopters, product)" {
			t.Errorf("product variable = %+v, want a multi-value query variable with All over label_values(os2pulse_product_adopters, product)", v)
		}
		return
	}
	t.Error("board has no product variable")
}

func TestDatasources(t *testing.T) {
	uids := datasourceUIDs(readFile(t, datasourcesFile))
	want := map[string]bool{"os2pulse-prometheus": true, "os2pulse-postgres": true}
	if !reflect.DeepEqual(uids, want) {
		t.Errorf("provisioned data source uids = %v, want %v", uids, want)
	}
}

func TestDashboardProvider(t *testing.T) {
	b := string(readFile(t, "provisioning/dashboards/os2pulse.yaml"))
	// The README's mount commands put the dashboards at this path.
	for _, line := range []string{
		"apiVersion: 1",
		"type: file",
		"folder: OS2",
		"allowUiUpdates: false",
		"path: /var/lib/grafana/dashboards/os2pulse",
	} {
		if !strings.Contains(b, line) {
			t.Errorf("dashboard provider lacks %q", line)
		}
	}
}
