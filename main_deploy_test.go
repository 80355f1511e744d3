package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v4"

	"os2pulse/collector"
	"os2pulse/config"
	"os2pulse/metrics"
)

// The deploy files name commands, flags, paths, ports, metrics and
// environment variables of os2pulse. These tests read them as their tools
// do and check each name against the project, so they cannot drift from
// the code.

// descRecorder is a Registerer that keeps the names of what is registered.
type descRecorder struct{ names map[string]bool }

func (r *descRecorder) Register(c prometheus.Collector) error {
	ch := make(chan *prometheus.Desc)
	go func() { c.Describe(ch); close(ch) }()
	for d := range ch {
		if m := regexp.MustCompile(`fqName: "([^"]+)"`).FindStringSubmatch(d.String()); m != nil {
			r.names[m[1]] = true
		}
	}
	return nil
}

func (r *descRecorder) MustRegister(cs ...prometheus.Collector) {
	for _, c := range cs {
		r.Register(c)
	}
}

func (r *descRecorder) Unregister(prometheus.Collector) bool { return false }

// exportedMetricNames are the names of every metric os2pulse's /metrics
// serves, from the collectors serve registers, with the series names
// Prometheus stores for histograms.
func exportedMetricNames(t *testing.T) map[string]bool {
	t.Helper()
	rec := &descRecorder{names: map[string]bool{}}
	collector.NewMetrics(rec)
	collector.NewGitHubMetrics(rec)
	rec.MustRegister(metrics.NewCollector(nil, nil))
	mfs, err := newRegistry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		rec.names[mf.GetName()] = true
	}
	for n := range rec.names {
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			rec.names[n+suffix] = true
		}
	}
	if !rec.names["os2pulse_build_info"] || !rec.names["os2pulse_product_adopters"] || !rec.names["os2pulse_github_rate_limit_remaining"] {
		t.Fatalf("the metric names look wrong: %v", rec.names)
	}
	return rec.names
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// commandFlags are the flags a command's -h lists; ok is false for an
// unknown command.
func commandFlags(t *testing.T, args ...string) (flags map[string]bool, ok bool) {
	t.Helper()
	_, help, err := runCLI(t, append(args, "-h")...)
	if err != nil && !errors.Is(err, flag.ErrHelp) || !strings.Contains(help, "Usage: os2pulse "+strings.Join(args, " ")) {
		return nil, false
	}
	flags = map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(help, -1) {
		flags[m[1]] = true
	}
	return flags, true
}

// checkCommandLine checks that args (after the binary) is an os2pulse
// command with flags it has; it returns the flags' values.
func checkCommandLine(t *testing.T, where string, args []string) map[string]string {
	t.Helper()
	if len(args) == 0 {
		t.Errorf("%s: no command", where)
		return nil
	}
	flags, ok := commandFlags(t, args[0])
	if !ok {
		t.Errorf("%s: os2pulse has no command %q", where, args[0])
		return nil
	}
	values := map[string]string{}
	for i := 1; i < len(args); i++ {
		name, ok := strings.CutPrefix(args[i], "-")
		if !ok {
			t.Errorf("%s: %q is not a flag", where, args[i])
			continue
		}
		if !flags[name] {
			t.Errorf("%s: os2pulse %s has no flag -%s", where, args[0], name)
			continue
		}
		if i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			values[name] = args[i+1]
			i++
		}
	}
	return values
}

// readEnv is every environment variable os2pulse or what it links reads:
// the variables its code reads, those a configuration names (token_env,
// admin_token_env), the Go runtime's, and those the PostgreSQL driver
// takes defaults from (read from the driver's own source).
func envReadBy(t *testing.T, cfg *config.Config) func(name string) bool {
	t.Helper()
	code := map[string]bool{"GOMEMLIMIT": true, "GOMAXPROCS": true, "GOGC": true, "GODEBUG": true}
	for _, n := range []string{cfg.GitHub.TokenEnv, cfg.Server.AdminTokenEnv} {
		if n != "" {
			code[n] = true
		}
	}
	out, err := exec.Command("go", "list", "-m", "-json", "github.com/jackc/pgx/v5").Output()
	if err != nil {
		t.Fatalf("go list -m pgx: %v", err)
	}
	var mod struct{ Dir string }
	json.Unmarshal(out, &mod)
	pgconfig, err := os.ReadFile(filepath.Join(mod.Dir, "pgconn", "config.go"))
	if err != nil {
		t.Fatalf("reading the PostgreSQL driver's configuration code: %v", err)
	}
	return func(name string) bool {
		return code[name] || strings.HasPrefix(name, "PG") && bytes.Contains(pgconfig, []byte(`"`+name+`"`))
	}
}

func TestDeployAlertRules(t *testing.T) {
	var rules struct {
		Groups []struct {
			Rules []struct {
				Alert string
				Expr  string
			}
		}
	}
	readYAML(t, "deploy/alerts.yaml", &rules)
	known := exportedMetricNames(t)
	known["up"] = true // Prometheus' own, per scrape target
	promql := parser.NewParser(parser.Options{})
	var alerts []string
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			alerts = append(alerts, r.Alert)
			expr, err := promql.ParseExpr(r.Expr)
			if err != nil {
				t.Errorf("%s: %v", r.Alert, err)
				continue
			}
			parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
				if vs, ok := n.(*parser.VectorSelector); ok && !known[vs.Name] {
					t.Errorf("alert %s selects %s, which os2pulse does not export", r.Alert, vs.Name)
				}
				return nil
			})
		}
	}
	want := []string{"Os2pulseDown", "Os2pulseCollectionFailing", "Os2pulseGitHubRateLimitLow", "Os2pulseDataCoverageStale", "Os2pulseRegisterNotImported"}
	if !slices.Equal(alerts, want) {
		t.Errorf("alerts %v, want %v", alerts, want)
	}
	guide, _ := os.ReadFile("docs/deploy.md")
	for _, a := range alerts {
		if !bytes.Contains(guide, []byte(a)) {
			t.Errorf("docs/deploy.md does not explain %s", a)
		}
	}

	if testing.Short() {
		t.Skip("promtool test rules takes seconds")
	}
	promtool := needTool(t, "promtool", "checking the alert rules")
	for _, args := range [][]string{{"check", "rules", "alerts.yaml"}, {"test", "rules", "alerts_test.yaml"}} {
		cmd := exec.Command(promtool, args...)
		cmd.Dir = "deploy"
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

func TestDeployCompose(t *testing.T) {
	type service struct {
		Image       string
		Command     []string
		Environment map[string]string
		Ports       []string
		Volumes     []string
		Healthcheck struct{ Test []string }
		DependsOn   any `yaml:"depends_on"`
	}
	var compose struct {
		Services map[string]service
		Volumes  map[string]any
	}
	readYAML(t, "deploy/compose.yaml", &compose)
	for _, name := range []string{"os2pulse", "postgres", "prometheus", "grafana"} {
		if _, ok := compose.Services[name]; !ok {
			t.Errorf("compose.yaml has no service %s", name)
		}
	}
	mounts := map[string]map[string]string{} // service → target → source
	for name, s := range compose.Services {
		mounts[name] = map[string]string{}
		for _, v := range s.Volumes {
			parts := strings.Split(v, ":")
			if len(parts) < 2 {
				t.Errorf("%s: volume %q is not SOURCE:TARGET", name, v)
				continue
			}
			src, target := parts[0], parts[1]
			mounts[name][target] = src
			if strings.HasPrefix(src, ".") {
				if _, err := os.Stat(filepath.Join("deploy", src)); err != nil {
					t.Errorf("%s mounts %s, which is not in the repository: %v", name, src, err)
				}
			} else if _, ok := compose.Volumes[src]; !ok {
				t.Errorf("%s mounts the volume %s, which is not declared (volumes are named)", name, src)
			}
		}
		for k, v := range s.Environment {
			if strings.Contains(k, "PASSWORD") || strings.Contains(k, "TOKEN") {
				if !strings.HasPrefix(v, "${") {
					t.Errorf("%s: the secret %s is written in the file, not taken from the environment", name, k)
				}
			}
		}
	}

	o := compose.Services["os2pulse"]
	// The image make image builds.
	mk, _ := os.ReadFile("Makefile")
	if m := regexp.MustCompile(`(?m)^IMAGE\s+\?=\s+(\S+)`).FindSubmatch(mk); m == nil || o.Image != "localhost/"+string(m[1])+":latest" {
		t.Errorf("os2pulse runs image %q; make image builds localhost/%s:latest", o.Image, m[1])
	}
	values := checkCommandLine(t, "compose os2pulse command", o.Command)
	cfgTarget := values["config"]
	if cfgTarget == "" || mounts["os2pulse"][cfgTarget] == "" {
		t.Fatalf("os2pulse's -config %q is not a file compose mounts", cfgTarget)
	}
	cfg, err := config.Load(filepath.Join("deploy", mounts["os2pulse"][cfgTarget]))
	if err != nil {
		t.Fatalf("the configuration compose mounts: %v", err)
	}
	// Its products are the example's real ones, as the example names them.
	example, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range cfg.Products {
		i := slices.IndexFunc(example.Products, func(e config.Product) bool { return e.ID == p.ID })
		if i < 0 || example.Products[i].Name != p.Name || !slices.Equal(example.Products[i].Repos, p.Repos) {
			t.Errorf("deploy/os2pulse.toml's product %s is not config/example.toml's", p.ID)
		}
	}
	hc := o.Healthcheck.Test
	if len(hc) < 3 || hc[0] != "CMD" || hc[1] != "/os2pulse" {
		t.Errorf("healthcheck %v is not os2pulse's", hc)
	} else {
		checkCommandLine(t, "compose healthcheck", hc[2:])
	}
	// Ports: what os2pulse listens on, what the image exposes, what is
	// published.
	_, port, _ := net.SplitHostPort(cfg.Server.Listen)
	containerfile, _ := os.ReadFile("Containerfile")
	if !bytes.Contains(containerfile, []byte("EXPOSE "+port+"\n")) {
		t.Errorf("the Containerfile does not expose %s, server.listen's port", port)
	}
	if len(o.Ports) != 1 || !strings.HasSuffix(o.Ports[0], ":"+port) {
		t.Errorf("os2pulse publishes %v, want the container port %s", o.Ports, port)
	}
	if !bytes.Contains(containerfile, []byte("VOLUME /data")) || mounts["os2pulse"]["/data"] == "" {
		t.Error("the image's /data volume is not a named volume in compose")
	}
	// The register files the configuration reads are in a mount.
	for _, f := range []string{cfg.Register.Adoption, cfg.Register.Members} {
		if mounts["os2pulse"][filepath.Dir(f)] == "" {
			t.Errorf("register file %s is in no directory compose mounts", f)
		}
	}
	// The database: the configured host is the postgres service, with
	// its user and database; the password comes from the environment.
	u, err := url.Parse(cfg.Storage.DSN)
	if err != nil || cfg.Storage.Driver != "postgres" {
		t.Fatalf("storage %s %q: %v", cfg.Storage.Driver, cfg.Storage.DSN, err)
	}
	pg := compose.Services["postgres"]
	if u.Hostname() != "postgres" || u.Port() != "5432" || u.User.Username() != pg.Environment["POSTGRES_USER"] ||
		strings.TrimPrefix(u.Path, "/") != pg.Environment["POSTGRES_DB"] {
		t.Errorf("dsn %s does not name the postgres service's database and user", cfg.Storage.DSN)
	}
	if _, set := u.User.Password(); set {
		t.Error("the dsn holds a password; it belongs in PGPASSWORD")
	}
	if o.Environment["PGPASSWORD"] != pg.Environment["POSTGRES_PASSWORD"] {
		t.Error("os2pulse's PGPASSWORD is not the postgres service's POSTGRES_PASSWORD")
	}
	reads := envReadBy(t, cfg)
	for k := range o.Environment {
		if !reads(k) {
			t.Errorf("compose gives os2pulse %s, which nothing in it reads", k)
		}
	}

	// Prometheus scrapes os2pulse where it listens and loads the rules.
	var prom struct {
		RuleFiles     []string `yaml:"rule_files"`
		ScrapeConfigs []struct {
			MetricsPath   string                       `yaml:"metrics_path"`
			StaticConfigs []struct{ Targets []string } `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	readYAML(t, "deploy/prometheus.yml", &prom)
	for _, rf := range prom.RuleFiles {
		if src := mounts["prometheus"][rf]; src == "" {
			t.Errorf("prometheus.yml loads %s, which compose does not mount", rf)
		}
	}
	if len(prom.ScrapeConfigs) != 1 || prom.ScrapeConfigs[0].MetricsPath != "/metrics" ||
		len(prom.ScrapeConfigs[0].StaticConfigs) != 1 || !slices.Equal(prom.ScrapeConfigs[0].StaticConfigs[0].Targets, []string{"os2pulse:" + port}) {
		t.Errorf("prometheus.yml does not scrape os2pulse:%s/metrics: %+v", port, prom.ScrapeConfigs)
	}

	// Grafana's provisioning finds Prometheus and the dashboards where
	// compose puts them.
	var ds struct {
		Datasources []struct{ Type, URL string }
	}
	readYAML(t, "grafana/provisioning/datasources/os2pulse.yaml", &ds)
	for _, d := range ds.Datasources {
		if d.Type == "prometheus" && d.URL != "http://prometheus:9090" {
			t.Errorf("Grafana's Prometheus is %s; compose's is http://prometheus:9090", d.URL)
		}
	}
	var dash struct {
		Providers []struct{ Options struct{ Path string } }
	}
	readYAML(t, "grafana/provisioning/dashboards/os2pulse.yaml", &dash)
	for _, p := range dash.Providers {
		if src := mounts["grafana"][p.Options.Path]; filepath.Clean(filepath.Join("deploy", src)) != "grafana/dashboards" {
			t.Errorf("Grafana reads dashboards from %s, where compose mounts %q, not grafana/dashboards", p.Options.Path, src)
		}
	}
}

// unit reads a systemd unit file: section → key → values.
func unit(t *testing.T, path string) map[string]map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	u := map[string]map[string][]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			section = strings.Trim(line, "[]")
			u[section] = map[string][]string{}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				t.Fatalf("%s: %q is not KEY=VALUE in a section", path, line)
			}
			u[section][k] = append(u[section][k], v)
		}
	}
	return u
}

func TestDeploySystemd(t *testing.T) {
	u := unit(t, "deploy/os2pulse.service")
	s := u["Service"]
	one := func(k string) string {
		if len(s[k]) != 1 {
			t.Errorf("[Service] %s: %v, want one value", k, s[k])
			return ""
		}
		return s[k][0]
	}
	for k, want := range map[string]string{
		"DynamicUser": "yes", "ProtectSystem": "strict", "NoNewPrivileges": "yes", "StateDirectory": "os2pulse",
		"ProtectHome": "yes", "PrivateTmp": "yes", "CapabilityBoundingSet": "", "KillSignal": "SIGTERM",
	} {
		if got := one(k); got != want {
			t.Errorf("[Service] %s=%s, want %s", k, got, want)
		}
	}
	if one("WorkingDirectory") != "/var/lib/"+one("StateDirectory") {
		t.Error("WorkingDirectory is not the StateDirectory, where SQLite's file belongs")
	}
	exec0 := strings.Fields(one("ExecStart"))
	if len(exec0) < 2 || filepath.Base(exec0[0]) != "os2pulse" {
		t.Fatalf("ExecStart %v does not run os2pulse", exec0)
	}
	values := checkCommandLine(t, "ExecStart", exec0[1:])
	guide, _ := os.ReadFile("docs/deploy.md")
	if !bytes.Contains(guide, []byte("install -m 0755 bin/os2pulse "+exec0[0])) {
		t.Errorf("docs/deploy.md does not install the binary where ExecStart runs it (%s)", exec0[0])
	}
	if values["config"] == "" || !bytes.Contains(guide, []byte(values["config"])) {
		t.Errorf("ExecStart's -config %q is not the file docs/deploy.md has you write", values["config"])
	}
	if env := strings.TrimPrefix(one("EnvironmentFile"), "-"); !bytes.Contains(guide, []byte(env)) {
		t.Errorf("EnvironmentFile %s is not explained in docs/deploy.md", env)
	}
	// The guide's configuration for this unit keeps the database in the
	// state directory.
	if !bytes.Contains(guide, []byte(`dsn = "/var/lib/`+one("StateDirectory")+`/os2pulse.db"`)) {
		t.Error("docs/deploy.md's single-server configuration does not keep the database in the StateDirectory")
	}
	if _, ok := u["Install"]["WantedBy"]; !ok {
		t.Error("no [Install] WantedBy: systemctl enable would do nothing")
	}

	// systemd's own reading: every key known, the command runnable.
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("systemd-analyze is required when CI is set; bash .ci/run installs it")
		}
		t.Skip("systemd-analyze not found, skipping systemd's check of the unit")
	}
	b, _ := os.ReadFile("deploy/os2pulse.service")
	self, _ := os.Executable()
	dir := t.TempDir()
	p := filepath.Join(dir, "os2pulse.service")
	os.WriteFile(p, bytes.ReplaceAll(b, []byte(exec0[0]), []byte(self)), 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, analyze, "verify", "--man=no", p)
	out, err := cmd.CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
