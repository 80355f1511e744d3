package main

import (
	"encoding/json"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The layers of os2pulse, in the one direction data flows: sources →
// storage → figures → presentation. docs/architecture.md explains them.
// Every package is in exactly one layer.
var layers = map[string][]string{
	// base is what every layer may use: dates, problems, the configuration
	// (with the sources' names), and test helpers that know no layer.
	"base": {"os2pulse/civil", "os2pulse/problems", "os2pulse/config", "os2pulse/config/configtest",
		"os2pulse/golden", "os2pulse/soak", "os2pulse/spelling",
		// The formats: each reads and checks one kind of document and holds
		// its model (the self-evaluation's states and summary, the
		// publiccode.yml checker and writer). Sources read with them,
		// figures sum up with them, presentation names their states.
		"os2pulse/selfeval", "os2pulse/publiccode"},
	// storage keeps every observation; storagetest gives tests a database.
	"storage": {"os2pulse/storage", "os2pulse/storage/storagetest"},
	// sources read the outside world and write storage.
	"sources": {"os2pulse/collector", "os2pulse/register"},
	// figures computes every figure, reading storage through its
	// read-only side; contribindex is its contribution index.
	"figures": {"os2pulse/figures", "os2pulse/contribindex"},
	// presentation shows figures; it reads data only through figures.
	"presentation": {"os2pulse/dashboard", "os2pulse/api", "os2pulse/report", "os2pulse/metrics",
		"os2pulse/locale", "os2pulse/table", "os2pulse/assets", "os2pulse/precompressed", "os2pulse/grafana"},
	// input pages are where people change stored data (the admin pages):
	// they write through register and storage like a source, and ask
	// figures for a preview. Only main wires them in (the dashboard mounts
	// them as a plain http.Handler).
	"input": {"os2pulse/admin"},
	// fixtures is the hand-built portfolio of the presentation tests,
	// collected through the real sources.
	"fixtures": {"os2pulse/figures/figurestest"},
	// tools measure the built binary from outside (bench) and list what
	// it is made of (tools/thirdparty).
	"tools": {"os2pulse/bench", "os2pulse/tools/thirdparty"},
	// main wires every layer together.
	"main": {"os2pulse"},
}

// mayImport lists the layers each layer's packages may import directly.
var mayImport = map[string][]string{
	"base":         {"base"},
	"storage":      {"base", "storage"},
	"sources":      {"base", "storage", "sources"},
	"figures":      {"base", "storage", "figures"},
	"presentation": {"base", "figures", "presentation"},
	"input":        {"base", "storage", "sources", "figures", "presentation"},
	"fixtures":     {"base", "storage", "sources", "figures"},
	"tools":        {"base", "figures"},
	"main":         {"base", "storage", "sources", "figures", "presentation", "input"},
}

// mayNotDependOn lists packages a layer must not reach by any path, beyond
// what mayImport already keeps out: the admin pages change the register;
// collecting is the collector's job and showing pages the dashboard's.
var mayNotDependOn = map[string][]string{
	"input": {"os2pulse/collector", "os2pulse/dashboard"},
}

type goPackage struct {
	ImportPath string
	Imports    []string // direct imports of the non-test files
	Deps       []string // everything the non-test files depend on
	Export     string   // the compiled package's export data (go list -export)
}

func listPackages(t *testing.T, args ...string) map[string]goPackage {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
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

// layerOf maps each package to its layer.
func layerOf(t *testing.T) map[string]string {
	t.Helper()
	of := map[string]string{}
	for layer, pkgs := range layers {
		for _, p := range pkgs {
			if other, ok := of[p]; ok {
				t.Fatalf("package %s is in layers %s and %s", p, other, layer)
			}
			of[p] = layer
		}
	}
	return of
}

// reach is the layers a layer may depend on by any path: those it may
// import, and what they may reach.
func reach(layer string) []string {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(l string) {
		for _, m := range mayImport[l] {
			if !seen[m] {
				seen[m] = true
				walk(m)
			}
		}
	}
	walk(layer)
	var out []string
	for l := range seen {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// layeringProblems checks pkgs against the layers: every package in one
// layer, direct imports by mayImport, and everything a package depends on
// (its Deps, not only its imports) within the layers its layer reaches.
func layeringProblems(pkgs map[string]goPackage, of map[string]string) []string {
	var out []string
	own := func(p string) bool { return p == "os2pulse" || strings.HasPrefix(p, "os2pulse/") }
	for name, p := range pkgs {
		layer, ok := of[name]
		if !ok {
			out = append(out, name+" is in no layer; add it to one in layering_test.go and docs/architecture.md")
			continue
		}
		for _, imp := range p.Imports {
			if own(imp) && !slices.Contains(mayImport[layer], of[imp]) {
				out = append(out, name+" ("+layer+") imports "+imp+" ("+of[imp]+")")
			}
		}
		reached := reach(layer)
		for _, dep := range p.Deps {
			if !own(dep) {
				continue
			}
			if !slices.Contains(reached, of[dep]) || slices.Contains(mayNotDependOn[layer], dep) {
				out = append(out, name+" ("+layer+") depends on "+dep+" ("+of[dep]+")")
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestLayering fails when a package is in no layer or reaches past its
// layer: presentation importing storage or depending on a source, figures
// or storage depending on presentation or sources, a source depending on
// figures, anything but main depending on the admin pages.
func TestLayering(t *testing.T) {
	pkgs := listPackages(t, "-json=ImportPath,Imports,Deps", "./...")
	of := layerOf(t)
	for p := range of {
		if _, ok := pkgs[p]; !ok {
			t.Errorf("package %s not found; update the layers in this test", p)
		}
	}
	for _, problem := range layeringProblems(pkgs, of) {
		t.Error(problem)
	}

	// The check must be able to fail: a presentation package importing
	// storage, one depending on the collector through a package of its
	// own layer, and a package in no layer.
	bad := map[string]goPackage{
		"os2pulse/api":      {ImportPath: "os2pulse/api", Imports: []string{"os2pulse/storage"}, Deps: []string{"os2pulse/storage"}},
		"os2pulse/table":    {ImportPath: "os2pulse/table", Imports: []string{"os2pulse/locale"}, Deps: []string{"os2pulse/locale", "os2pulse/collector"}},
		"os2pulse/whatever": {ImportPath: "os2pulse/whatever"},
	}
	if got := layeringProblems(bad, of); len(got) != 3 {
		t.Errorf("the layering check found %d problems in a bad graph, want 3: %q", len(got), got)
	}
}

// TestPresentationCannotWrite fails when a presentation package can get
// hold of a method that writes: one of *storage.Store's own methods (not
// those of its read side, storage.Reader), on a value reachable from what
// the packages presentation may import export (results of functions and
// methods, fields, elements, and what callbacks are handed).
func TestPresentationCannotWrite(t *testing.T) {
	pkgs := listPackages(t, "-export", "-deps", "-json=ImportPath,Export", "./...")
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		return os.Open(pkgs[path].Export)
	})
	load := func(path string) *types.Package {
		t.Helper()
		p, err := imp.Import(path)
		if err != nil {
			t.Fatalf("reading %s: %v", path, err)
		}
		return p
	}
	storage := load("os2pulse/storage")
	store := storage.Scope().Lookup("Store").Type()
	writes := map[*types.Func]bool{}
	for i := range types.NewMethodSet(types.NewPointer(store)).Len() {
		m := types.NewMethodSet(types.NewPointer(store)).At(i)
		if len(m.Index()) == 1 { // declared on Store, not promoted from Reader
			writes[m.Obj().(*types.Func)] = true
		}
	}
	if len(writes) < 10 {
		t.Fatalf("found %d write methods on *storage.Store; the check reads the wrong type", len(writes))
	}
	of := layerOf(t)
	var roots []*types.Package
	for _, layer := range mayImport["presentation"] {
		for _, path := range layers[layer] {
			if _, ok := pkgs[path]; ok && !strings.HasSuffix(path, "test") {
				roots = append(roots, load(path))
			}
		}
	}
	for _, p := range roots {
		if of[p.Path()] == "storage" {
			t.Fatalf("presentation may import %s", p.Path())
		}
		if path := writePath(p, writes); path != "" {
			t.Errorf("a presentation package can write: %s", path)
		}
	}
	// The check must be able to fail: storage itself hands out a Store.
	if writePath(storage, writes) == "" {
		t.Error("the check finds no way to write from storage, which hands out *Store")
	}
}

// writePath returns how a value with one of the methods writes can be had
// from the exported API of p (for example "figures.New → *Calculator →
// Store() → *storage.Store"), or "" when none can.
func writePath(p *types.Package, writes map[*types.Func]bool) string {
	seen := map[types.Type]bool{}
	var visit func(t types.Type, path string) string
	visit = func(t types.Type, path string) string {
		if t == nil || seen[t] {
			return ""
		}
		seen[t] = true
		for _, tt := range []types.Type{t, types.NewPointer(t)} {
			ms := types.NewMethodSet(tt)
			for i := range ms.Len() {
				f := ms.At(i).Obj().(*types.Func)
				if writes[f] {
					return path + " → " + f.Name() + "()"
				}
				if f.Exported() {
					if got := visitSig(f.Type().(*types.Signature), path+" → "+f.Name()+"()", visit); got != "" {
						return got
					}
				}
			}
		}
		switch u := t.Underlying().(type) {
		case *types.Pointer:
			return visit(u.Elem(), path)
		case *types.Slice:
			return visit(u.Elem(), path)
		case *types.Array:
			return visit(u.Elem(), path)
		case *types.Map:
			if got := visit(u.Key(), path); got != "" {
				return got
			}
			return visit(u.Elem(), path)
		case *types.Chan:
			return visit(u.Elem(), path)
		case *types.Signature:
			return visitSig(u, path, visit)
		case *types.Struct:
			for i := range u.NumFields() {
				if f := u.Field(i); f.Exported() {
					if got := visit(f.Type(), path+"."+f.Name()); got != "" {
						return got
					}
				}
			}
		}
		return ""
	}
	scope := p.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		if got := visit(obj.Type(), p.Name()+"."+name); got != "" {
			return got
		}
	}
	return ""
}

// visitSig visits what a function hands its caller (results) and what a
// callback passed to it is handed (the parameters of parameters that are
// functions).
func visitSig(sig *types.Signature, path string, visit func(types.Type, string) string) string {
	for i := range sig.Results().Len() {
		if got := visit(sig.Results().At(i).Type(), path); got != "" {
			return got
		}
	}
	for i := range sig.Params().Len() {
		if cb, ok := sig.Params().At(i).Type().Underlying().(*types.Signature); ok {
			for j := range cb.Params().Len() {
				if got := visit(cb.Params().At(j).Type(), path+" (callback)"); got != "" {
					return got
				}
			}
		}
	}
	return ""
}
