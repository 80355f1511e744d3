package main

import (
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"os2pulse/selfeval"
)

const ownSelfEvaluation = "docs/governance/os2pulse-selvevaluering.json"

// TestOwnSelfEvaluation: os2pulse's self-evaluation is in OS2's form's
// format (every requirement id, Ja/Nej/Planlagt), reads with os2pulse's
// own reader, and every file and make target it cites as evidence exists.
func TestOwnSelfEvaluation(t *testing.T) {
	b, err := os.ReadFile(ownSelfEvaluation)
	if err != nil {
		t.Fatal(err)
	}
	e, err := selfeval.Parse(ownSelfEvaluation, b)
	if err != nil {
		t.Fatal(err)
	}
	if e.Product != "os2pulse" || e.Filled.IsZero() || e.FilledBy == "" {
		t.Errorf("product %q filled %s by %q", e.Product, e.Filled, e.FilledBy)
	}
	// The ids OS2's form writes, in its order.
	var want []string
	for _, g := range []struct {
		prefix   string
		from, to int
	}{{"R", 1, 4}, {"F", 1, 7}, {"F", 10, 22}, {"S", 1, 5}, {"G", 1, 14}} {
		for i := g.from; i <= g.to; i++ {
			want = append(want, g.prefix+strconv.Itoa(i))
		}
	}
	var ids []string
	byID := map[string]selfeval.Requirement{}
	for _, r := range e.Requirements {
		ids = append(ids, r.ID)
		byID[r.ID] = r
	}
	if !slices.Equal(ids, want) {
		t.Errorf("requirement ids %v, want %v", ids, want)
	}
	// The raw answers are the form's words, never empty: what is not
	// done says Nej or Planlagt.
	var raw struct {
		Krav []struct{ ID, Efterlevet, Dokumentation string }
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range raw.Krav {
		if !slices.Contains([]string{"Ja", "Nej", "Planlagt"}, k.Efterlevet) || strings.TrimSpace(k.Dokumentation) == "" {
			t.Errorf("%s: efterlevet %q, dokumentation %q: want Ja, Nej or Planlagt with a reason", k.ID, k.Efterlevet, k.Dokumentation)
		}
	}

	// Evidence cited for a met requirement exists.
	mk, _ := os.ReadFile("Makefile")
	fileRe := regexp.MustCompile(`\b(?:[A-Za-z_]+/)*[A-Za-z_]+(?:\.md|\.json|\.yaml|\.service|\.toml)\b|\bLICENSE\b|\bContainerfile\b`)
	makeRe := regexp.MustCompile(`make ([a-z]+)`)
	for _, r := range e.Requirements {
		if r.State != selfeval.Met {
			continue
		}
		for _, f := range fileRe.FindAllString(r.Documentation, -1) {
			if _, err := os.Stat(filepath.FromSlash(f)); err != nil {
				t.Errorf("%s cites %s, which is not in the repository", r.ID, f)
			}
		}
		for _, m := range makeRe.FindAllStringSubmatch(r.Documentation, -1) {
			if !regexp.MustCompile(`(?m)^` + m[1] + `:`).Match(mk) {
				t.Errorf("%s cites make %s, which the Makefile does not have", r.ID, m[1])
			}
		}
	}
	// The claims behind the answers that are Ja.
	for id, check := range map[string]func() bool{
		"F2": func() bool {
			l, _ := os.ReadFile("LICENSE")
			return strings.HasPrefix(string(l), "Mozilla Public License Version 2.0")
		},
		"F19": func() bool { _, err := os.Stat("Containerfile"); return err == nil },
		"F4":  func() bool { _, err := os.Stat("SECURITY.md"); return err == nil },
	} {
		if byID[id].State == selfeval.Met && !check() {
			t.Errorf("%s says Ja, but what it rests on is missing", id)
		}
	}
}

// TestOwnProductPages: os2pulse listed as a product of a portfolio
// (testdata/os2pulse-portfolio.toml) shows its own self-evaluation on its
// product page, on the governance page and in the API.
func TestOwnProductPages(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile("testdata/os2pulse-portfolio.toml")
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(ownSelfEvaluation)
	s := strings.Replace(string(b), `dsn = "os2pulse.db"`, `dsn = "`+filepath.Join(dir, "os2pulse.db")+`"`, 1)
	s = strings.Replace(s, `"../`+ownSelfEvaluation+`"`, `"`+abs+`"`, 1)
	if !strings.Contains(s, abs) || !strings.Contains(s, dir) {
		t.Fatal("the test portfolio no longer names the database and the self-evaluation as this test expects")
	}
	cfg := writeFile(t, dir, "os2pulse.toml", s)
	if out, errOut, err := runCLI(t, "collect", "-config", cfg, "-source", "selfeval"); err != nil || !strings.Contains(out, "selfeval: success") {
		t.Fatalf("collect: %v\n%s%s", err, out, errOut)
	}
	base := serveNoCollect(t, cfg)
	page := httpGet(t, base+"/products/os2pulse")
	for _, want := range []string{"os2pulse-projektets udviklere", "Sandkasse: 3 af 6 krav opfyldt, 3 planlagt"} {
		if !strings.Contains(page, want) {
			t.Errorf("/products/os2pulse lacks %q", want)
		}
	}
	// Every page's footer says which os2pulse it is, as /metrics does.
	if want := "os2pulse " + Version() + " · "; !strings.Contains(html.UnescapeString(page), want) {
		t.Errorf("the footer does not show %q", want)
	}
	if m := httpGet(t, base+"/metrics"); !strings.Contains(m, `os2pulse_build_info{goversion="`+runtime.Version()+`",version="`+Version()+`"} 1`) {
		t.Errorf("/metrics lacks os2pulse_build_info with version %s", Version())
	}
	// healthcheck finds the server from server.listen, as the image's
	// health check does.
	hc := writeFile(t, dir, "healthcheck.toml", s+"\n[server]\nlisten = \""+strings.TrimPrefix(base, "http://")+"\"\n")
	if out, errOut, err := runCLI(t, "healthcheck", "-config", hc); err != nil || out != base+"/healthz: ok\n" {
		t.Errorf("healthcheck: %v %q %s", err, out, errOut)
	}
	if gov := httpGet(t, base+"/governance"); !strings.Contains(gov, `href="/products/os2pulse"`) {
		t.Error("/governance does not list os2pulse")
	}
	var g struct {
		Products []struct {
			Product    string
			Evaluation struct {
				Levels []struct {
					Level                  string
					Required, Met, Planned int
				}
			}
		}
	}
	if err := getJSON(base+"/api/v1/governance", &g); err != nil || len(g.Products) != 1 || len(g.Products[0].Evaluation.Levels) == 0 {
		t.Fatalf("/api/v1/governance: %v %+v", err, g)
	}
	if l := g.Products[0].Evaluation.Levels[0]; l.Level != "sandbox" || l.Required != 6 || l.Met != 3 || l.Planned != 3 {
		t.Errorf("sandbox level of os2pulse: %+v, want 3 of 6 met, 3 planned", l)
	}
}
