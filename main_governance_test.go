package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"os2pulse/figures"
	"os2pulse/selfeval"
)

// governanceConfig is the example configuration with its own
// self-evaluations only (the one on GitHub is not reachable in tests).
func governanceConfig(t *testing.T, dir string) string {
	t.Helper()
	cfg := writeE2EConfig(t, dir, "http://127.0.0.1:1")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	line := `self_evaluations = ["OS2borgerPC/os2borgerpc-produktforvaltning:dokumenter/os2borgerpc-selvevaluering-*.json"]`
	if !strings.Contains(string(b), line) {
		t.Fatalf("example.toml has no %s", line)
	}
	if err := os.WriteFile(cfg, []byte(strings.Replace(string(b), line, "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{"register", "activity", "selfeval"} {
		if _, errOut, err := runCLI(t, "collect", "-config", cfg, "-source", src); err != nil {
			t.Fatalf("collect %s: %v\n%s", src, err, errOut)
		}
	}
	return cfg
}

func TestGovernanceDraftCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := governanceConfig(t, dir)
	out := filepath.Join(dir, "draft.json")
	_, errOut, err := runCLI(t, "governance", "draft", "-config", cfg, "-product", "os2display", "-date", "2026-06-30", "-o", out)
	if err != nil || !strings.Contains(errOut, "wrote "+out+" (draft self-evaluation of os2display, 43 requirements)") {
		t.Fatalf("draft: %v\n%s", err, errOut)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var d figures.Draft
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if d.ProductName != "OS2display" || d.FilledBy != figures.DraftFilledBy || d.FilledDate != "2026-06-30" || len(d.Krav) != 43 {
		t.Fatalf("draft head %q %q %q, %d lines", d.ProductName, d.FilledBy, d.FilledDate, len(d.Krav))
	}
	// The lines are the product's own (its texts and levels, in the
	// file's words), answered from the evidence.
	byID := map[string]figures.DraftKrav{}
	for _, k := range d.Krav {
		byID[k.ID] = k
	}
	str := func(p *string) string {
		if p == nil {
			return "null"
		}
		return *p
	}
	for id, want := range map[string][3]string{
		"F1":  {"sandkasse", "Kildekoden er offentligt tilgængelig", "Ja"},                // commits in display-client's history, under os2display
		"F6":  {"1", "Der er en offentlig issue-tracker", "Ja"},                           // every repository under os2display
		"R3":  {"2", "Produktet har potentiale for bred anvendelse", "Ja"},                // the register
		"F2":  {"sandkasse", "Løsningen er udgivet under en OSI-godkendt licens", "null"}, // files never checked
		"G1":  {"1", "Der er nedsat en styregruppe", "null"},                              // no check
		"F19": {"2", "Løsningen er leveret i et containerformat (anbefaling)", "null"},
	} {
		k := byID[id]
		if k.Produktniveau != want[0] || k.Krav != want[1] || str(k.Efterlevet) != want[2] {
			t.Errorf("%s = %s %q %s, want %v", id, k.Produktniveau, k.Krav, str(k.Efterlevet), want)
		}
	}
	if d := byID["F1"].Dokumentation; d != "os2display/display-client: last commit on 2025-11-04 https://github.com/os2display/display-client" {
		t.Errorf("F1's documentation %q", d)
	}

	// The draft read back with the self-evaluation reader gives the
	// draft's own counts per level: Ja met, Nej not met, null unanswered.
	want := map[string]selfeval.LevelSummary{}
	for _, k := range d.Krav {
		level := strings.Replace(k.Produktniveau, "sandkasse", "sandbox", 1)
		c := want[level]
		c.Level = level
		rec := strings.Contains(k.Krav, "(anbefaling)")
		switch {
		case rec:
			c.Recommendations++
			if k.Efterlevet != nil && *k.Efterlevet == "Ja" {
				c.RecommendationsMet++
			}
		case k.Efterlevet == nil:
			c.Required++
			c.Unanswered++
		case *k.Efterlevet == "Ja":
			c.Required++
			c.Met++
		default:
			c.Required++
			c.NotMet++
		}
		want[level] = c
	}
	ev, err := selfeval.Parse("draft.json", b)
	if err != nil {
		t.Fatalf("reading the draft back: %v", err)
	}
	levels, _ := selfeval.Summarise(ev.Requirements)
	got := map[string]selfeval.LevelSummary{}
	for _, l := range levels {
		if l.Required+l.Recommendations > 0 {
			got[l.Level] = l
		}
	}
	if !reflect.DeepEqual(got, want) || ev.FilledBy != figures.DraftFilledBy || len(ev.Requirements) != 43 {
		t.Errorf("read back %+v by %q, want %+v", got, ev.FilledBy, want)
	}
	if got["sandbox"].Unanswered == 0 || got["sandbox"].Met == 0 {
		t.Errorf("the sandbox's lines %+v: want some met and some unanswered", got["sandbox"])
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"draft"}, "Usage: os2pulse governance draft"},
		{[]string{"draft", "-product", "nope"}, `-product "nope" is not a product of`},
		{[]string{"draft", "-product", "os2display", "-date", "30-06-2026"}, `-date must be a day YYYY-MM-DD, not "30-06-2026"`},
		{[]string{"sign"}, "Usage: os2pulse governance draft"},
	} {
		_, errOut, err := runCLI(t, append(append([]string{"governance"}, tt.args[:1]...), append([]string{"-config", cfg}, tt.args[1:]...)...)...)
		if tt.args[0] == "sign" {
			_, errOut, err = runCLI(t, "governance", "sign")
		}
		if !errors.Is(err, errUsage) || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: err %v, stderr %q", tt.args, err, errOut)
		}
	}
}
