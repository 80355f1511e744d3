package grafana

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestQueries(t *testing.T) {
	dashboard := []byte(`{
	  "uid": "q",
	  "templating": {"list": [
	    {"name": "product", "type": "query"},
	    {"name": "step", "type": "interval"},
	    {"name": "job", "type": "constant", "query": "os2pulse"}
	  ]},
	  "panels": [
	    {"id": 1, "title": "Top", "type": "stat", "targets": [
	      {"refId": "A", "expr": "a{product=~\"$product\"}"},
	      {"refId": "B", "expr": "rate(b{product=~\"${product}\",x=~\"${product:regex}\"}[$__rate_interval])"},
	      {"refId": "C", "rawSql": "SELECT 1"}
	    ]},
	    {"id": 2, "title": "Open row", "type": "row", "panels": []},
	    {"id": 3, "title": "Under open row", "type": "timeseries", "targets": [
	      {"refId": "A", "expr": "sum_over_time(c[$__range]) / $__range_s + d[$__interval] + e[$step]"}
	    ]},
	    {"id": 4, "title": "Collapsed row", "type": "row", "collapsed": true, "panels": [
	      {"id": 5, "title": "Nested", "type": "stat", "targets": [
	        {"refId": "A", "expr": "up{job=\"$job\"} + $unknown"}
	      ]}
	    ]}
	  ]
	}`)
	got, err := Queries(dashboard)
	if err != nil {
		t.Fatal(err)
	}
	want := []Query{
		{"q", 1, "Top", "A", `a{product=~"$product"}`, `a{product=~".*"}`},
		{"q", 1, "Top", "B", `rate(b{product=~"${product}",x=~"${product:regex}"}[$__rate_interval])`,
			`rate(b{product=~".*",x=~".*"}[5m])`},
		{"q", 3, "Under open row", "A", `sum_over_time(c[$__range]) / $__range_s + d[$__interval] + e[$step]`,
			`sum_over_time(c[5m]) / 300 + d[5m] + e[5m]`},
		{"q", 5, "Nested", "A", `up{job="$job"} + $unknown`, `up{job="os2pulse"} + $unknown`},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Queries =\n%#v\nwant\n%#v", got, want)
	}
	if u := UnresolvedVariables(got[3].Expr); !reflect.DeepEqual(u, []string{"$unknown"}) {
		t.Errorf("UnresolvedVariables(%q) = %q, want [$unknown]", got[3].Expr, u)
	}
	if u := UnresolvedVariables(got[1].Expr); u != nil {
		t.Errorf("UnresolvedVariables(%q) = %q, want none", got[1].Expr, u)
	}

	if _, err := Queries([]byte(`{"panels": [`)); err == nil {
		t.Error("Queries accepted malformed JSON")
	}
}

// TestCheckFindsProblems shows that check reports each kind of problem, so
// that TestDashboards passing means something.
func TestCheckFindsProblems(t *testing.T) {
	uids := map[string]bool{"os2pulse-prometheus": true}
	known := knownMetrics()
	ds := `{"type": "prometheus", "uid": "os2pulse-prometheus"}`
	good := func(id int, expr string) string {
		return fmt.Sprintf(`{"id": %d, "type": "stat", "title": "P%d", "description": "d",
		  "gridPos": {"h": 4, "w": 4, "x": 0, "y": 0}, "datasource": %s,
		  "targets": [{"refId": "A", "datasource": %s, "expr": %q}]}`, id, id, ds, ds, expr)
	}
	dashboard := func(schema int, extra string, panels ...string) []byte {
		return fmt.Appendf(nil, `{"uid": "broken", "title": "Broken", "schemaVersion": %d %s,
		  "templating": {"list": [{"name": "product", "type": "query", "datasource": %s,
		    "query": {"query": "label_values(os2pulse_product_adopters, product)"}}]},
		  "panels": [%s]}`, schema, extra, ds, strings.Join(panels, ","))
	}

	// A well-formed dashboard first: check must not complain about it.
	valid := dashboard(39, "",
		good(1, `os2pulse_product_adoption_ratio{product=~"$product"}`),
		good(2, `histogram_quantile(0.9, sum by (source, le) (rate(os2pulse_collector_run_duration_seconds_bucket[$__rate_interval])))`),
		`{"id": 3, "type": "row", "title": "Row", "collapsed": true, "gridPos": {"h": 1, "w": 24, "x": 0, "y": 4},
		  "panels": [`+good(4, `up{job="os2pulse"}`)+`]}`)
	if p := check(valid, uids, known); len(p) != 0 {
		t.Fatalf("check reports problems in a valid dashboard:\n%s", strings.Join(p, "\n"))
	}

	broken := dashboard(27, `, "rows": []`,
		good(1, `sum(rate(os2pulse_members[5m])`),                        // unbalanced parenthesis
		good(2, `os2pulse_no_such_metric`),                               // unknown metric
		good(3, `os2pulse_collector_run_duration_seconds`),               // histogram base name
		good(4, `os2pulse_members{product=~"[[product]]"}`),              // deprecated syntax
		good(5, `os2pulse_products{product=~"$prodcut"}`),                // misspelt variable
		good(5, `os2pulse_products`),                                     // duplicate id
		strings.Replace(good(6, `up`), `"d"`, `""`, 1),                   // no description
		strings.Replace(good(7, `up`), `"stat"`, `"graph"`, 1),           // deprecated panel type
		strings.ReplaceAll(good(8, `up`), "os2pulse-prometheus", "mine"), // unknown data source
		`{"id": 9, "type": "stat", "title": "P9", "description": "d", "gridPos": {"h": 4, "w": 4, "x": 0, "y": 0},
		  "datasource": "Prometheus", "targets": [{"refId": "A", "expr": "up"}]}`, // legacy name reference
		`{"id": 10, "type": "row", "title": "Row", "collapsed": true, "gridPos": {"h": 1, "w": 24, "x": 0, "y": 4},
		  "panels": [`+good(11, `{job="os2pulse"}`)+`]}`, // nested, no metric name
	)
	problems := check(broken, uids, known)
	for _, want := range []string{
		"schemaVersion 27 is older than 39",
		`deprecated "rows" array`,
		`panel 1 "P1" target "A" does not parse`,
		`panel 2 "P2" target "A" selects unknown metric os2pulse_no_such_metric`,
		`panel 3 "P3" target "A" selects unknown metric os2pulse_collector_run_duration_seconds`,
		`panel 4 "P4" target "A" uses the deprecated [[variable]] syntax`,
		`panel 5 "P5" target "A" uses undefined template variables [$prodcut]`,
		`id 5 is used by another panel`,
		`panel 6 "P6" has no description`,
		`panel 7 "P7" has the deprecated type "graph"`,
		`panel 8 "P8" datasource uid "mine" is not a provisioned data source`,
		`panel 8 "P8" target "A" datasource uid "mine" is not a provisioned data source`,
		`panel 9 "P9" datasource "Prometheus" is not a {type, uid} reference`,
		`panel 9 "P9" target "A" has no datasource`,
		`panel 11 "P11" target "A" selects {job="os2pulse"} without a metric name`,
	} {
		found := false
		for _, p := range problems {
			if strings.Contains(p, want) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("check did not report %q; it reported:\n%s", want, strings.Join(problems, "\n"))
		}
	}

	if p := check([]byte(`{"uid": `), uids, known); len(p) != 1 || !strings.Contains(p[0], "does not parse") {
		t.Errorf("check on malformed JSON = %q, want one parse problem", p)
	}
}
