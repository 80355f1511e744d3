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

	// The answered lines read back with the self-evaluation reader give
	// the draft's own counts per level.
	var answered []figures.DraftKrav
	want := map[string][2]int{}
	for _, k := range d.Krav {
		if k.Efterlevet == nil {
			continue
		}
		answered = append(answered, k)
		if strings.Contains(k.Krav, "(anbefaling)") {
			continue
		}
		level := strings.Replace(k.Produktniveau, "sandkasse", "sandbox", 1)
		c := want[level]
		if *k.Efterlevet == "Ja" {
			c[0]++
		} else {
			c[1]++
		}
		want[level] = c
	}
	d.Krav = answered
	data, err := d.JSON()
	if err != nil {
		t.Fatal(err)
	}
	ev, err := selfeval.Parse("draft.json", data)
	if err != nil {
		t.Fatalf("reading the draft back: %v", err)
	}
	got := map[string][2]int{}
	for _, l := range ev.Summary() {
		if l.Required > 0 {
			got[l.Level] = [2]int{l.Met, l.NotMet}
		}
	}
	if !reflect.DeepEqual(got, want) || ev.FilledBy != figures.DraftFilledBy {
		t.Errorf("read back %v by %q, want %v", got, ev.FilledBy, want)
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
