package main

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The layers of os2pulse, in the one direction data flows: sources →
// storage → figures → presentation. docs/architecture.md explains them.
var (
	// sources read the outside world and write storage.
	sourcePackages = []string{"os2pulse/collector", "os2pulse/register"}
	// formats read and check one kind of document and hold its model:
	// sources read with them, figures sum up with them, and presentation
	// names their states. They depend on nothing of os2pulse but civil
	// and problems.
	formatPackages = []string{"os2pulse/selfeval", "os2pulse/publiccode"}
	// presentation shows figures; it reads data only through figures.
	presentationPackages = []string{"os2pulse/dashboard", "os2pulse/api", "os2pulse/report", "os2pulse/metrics",
		"os2pulse/locale", "os2pulse/table", "os2pulse/assets", "os2pulse/precompressed"}
	// input pages are where people change stored data (the admin
	// pages): they write through register and storage like a source, and
	// ask figures for a preview. They sit beside the layers: only main
	// wires them in (the dashboard mounts them as a plain http.Handler).
	inputPackages = []string{"os2pulse/admin"}
)

type goPackage struct {
	ImportPath string
	Imports    []string // direct imports of the non-test files
	Deps       []string // everything the non-test files depend on
}

func listPackages(t *testing.T) map[string]goPackage {
	t.Helper()
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports,Deps", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]goPackage{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p goPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

// TestLayering fails when a package reaches past its layer: presentation
// importing storage or a source, figures (or storage) depending on
// presentation or sources, a source depending on figures or presentation,
// anything but main importing the admin pages.
func TestLayering(t *testing.T) {
	pkgs := listPackages(t)
	for _, p := range append(append(append(append([]string{"os2pulse/figures", "os2pulse/storage"}, sourcePackages...), presentationPackages...), inputPackages...), formatPackages...) {
		if _, ok := pkgs[p]; !ok {
			t.Fatalf("package %s not found; update the layers in this test", p)
		}
	}
	forbid := func(pkg string, list []string, what string, bad ...string) {
		t.Helper()
		for _, imp := range list {
			if slices.Contains(bad, imp) {
				t.Errorf("%s %s %s", pkg, what, imp)
			}
		}
	}
	for _, p := range presentationPackages {
		// figures is the only way to the data: storage may be a
		// dependency of figures, but never imported directly.
		forbid(p, pkgs[p].Imports, "imports", append([]string{"os2pulse/storage"}, sourcePackages...)...)
	}
	for _, p := range []string{"os2pulse/figures", "os2pulse/storage"} {
		forbid(p, pkgs[p].Deps, "depends on", append(append(append([]string{}, presentationPackages...), sourcePackages...), inputPackages...)...)
	}
	for name, p := range pkgs {
		if name != "os2pulse" {
			forbid(name, p.Imports, "imports", inputPackages...)
		}
	}
	for _, p := range inputPackages {
		// They change the register; collecting is the collector's job,
		// and showing pages the dashboard's.
		forbid(p, pkgs[p].Deps, "depends on", "os2pulse/collector", "os2pulse/dashboard")
	}
	for _, p := range sourcePackages {
		forbid(p, pkgs[p].Deps, "depends on", append([]string{"os2pulse/figures"}, presentationPackages...)...)
	}
	for _, p := range formatPackages {
		for _, d := range pkgs[p].Deps {
			if strings.HasPrefix(d, "os2pulse") && d != "os2pulse/civil" && d != "os2pulse/problems" {
				t.Errorf("format %s depends on %s", p, d)
			}
		}
	}
	// The test must be able to fail: the main package wires everything
	// together, so it imports both sides.
	if m := pkgs["os2pulse"]; !slices.Contains(m.Imports, "os2pulse/storage") || !slices.Contains(m.Imports, "os2pulse/dashboard") {
		t.Errorf("main imports %v: the layering check reads the wrong lists", m.Imports)
	}
}
