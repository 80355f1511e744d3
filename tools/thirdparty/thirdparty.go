// Package thirdparty lists the software os2pulse's binary is made of
// besides its own code, with the licence of each, for THIRD_PARTY.md: the
// Go modules the main package links (from go list, their licence files
// read from the module cache), the Go standard library, and the files
// embedded from elsewhere (ECharts). Its test fails when the list drifts
// from THIRD_PARTY.md or a licence is not one MPL-2.0 code may link.
package thirdparty

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// Compatible are the licences whose code MPL-2.0 software may link and
// ship in one binary: permissive licences, MPL-2.0 itself, and public
// domain dedications.
var Compatible = []string{"Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "CC0-1.0", "ISC", "MIT", "MPL-2.0", "Public-Domain", "Unlicense"}

// Component is one thing in the binary that is not os2pulse's own.
type Component struct {
	Name     string   // module path, or what an embedded file is
	Version  string   // module version; "" for embedded files
	Licenses []string // SPDX identifiers, sorted
	Files    []string // the licence files they were read from
}

// notLicences are files named like licences that are about something not
// in the binary.
var notLicences = map[string]string{
	"modernc.org/memory/LICENSE-LOGO": "the project's logo, which is not in the binary",
}

// licenceFile says whether a file name is a licence or notice file.
var licenceFile = regexp.MustCompile(`(?i)^(licen[cs]e|copying|unlicense)([-._].*)?$`)

// Classify names the licences a licence file's text grants, by the
// sentences each licence is made of. A file that bundles several (the
// notices of vendored code) yields each. Unknown text yields none.
func Classify(text []byte) []string {
	t := strings.ToLower(strings.Join(strings.Fields(string(text)), " "))
	has := func(s ...string) bool {
		for _, x := range s {
			if !strings.Contains(t, x) {
				return false
			}
		}
		return true
	}
	var out []string
	add := func(id string) {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if has("apache license", "version 2.0") {
		add("Apache-2.0")
	}
	if has("permission is hereby granted, free of charge") {
		add("MIT")
	}
	if has("redistribution and use in source and binary forms") {
		if has("endorse or promote products") {
			add("BSD-3-Clause")
		} else {
			add("BSD-2-Clause")
		}
	}
	if regexp.MustCompile(`permission to use, copy, modify, and(/or)? distribute this software for any purpose`).MatchString(t) {
		add("ISC")
	}
	if has("mozilla public license", "2.0") {
		add("MPL-2.0")
	}
	if has("this is free and unencumbered software released into the public domain") {
		add("Unlicense")
	}
	if has("cc0 1.0 universal") {
		add("CC0-1.0")
	}
	if has("dedicated to the public domain") || has("the author disclaims copyright to this source code") {
		add("Public-Domain")
	}
	// The GNU licences by their title or grant, not by mention: MPL-2.0's
	// own text names them ("GNU General Public License, Version 2.0").
	gnu := func(name string) bool {
		return has("gnu "+name+" version ") || has("under the terms of the gnu "+name+" as published")
	}
	if gnu("general public license") || gnu("affero general public license") {
		add("GPL")
	}
	if gnu("lesser general public license") || gnu("library general public license") {
		add("LGPL")
	}
	sort.Strings(out)
	return out
}

// module is what go list says of a module.
type module struct {
	Path    string
	Version string
	Dir     string
	Main    bool
	Replace *module
}

// Modules lists the modules the package pkg (a main package) links, as
// go list -deps sees them in dir, with their licences.
func Modules(ctx context.Context, dir, pkg string) ([]Component, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", "-json=ImportPath,Module,Standard", pkg)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("thirdparty: go list -deps %s: %w\n%s", pkg, err, stderr.String())
	}
	mods := map[string]module{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p struct {
			Module   *module
			Standard bool
		}
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("thirdparty: reading go list: %w", err)
		}
		if p.Standard || p.Module == nil || p.Module.Main {
			continue
		}
		m := *p.Module
		if m.Replace != nil {
			m.Version, m.Dir = m.Replace.Version, m.Replace.Dir
		}
		mods[m.Path] = m
	}
	var cs []Component
	var errs []error
	for _, path := range slices.Sorted(maps.Keys(mods)) {
		m := mods[path]
		if m.Dir == "" {
			errs = append(errs, fmt.Errorf("%s %s is not in the module cache (go mod download)", m.Path, m.Version))
			continue
		}
		c, err := fromDir(m.Path, m.Version, m.Dir)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		cs = append(cs, c)
	}
	return cs, errors.Join(errs...)
}

// StandardLibrary is the Go standard library the binary links, with the
// licence in GOROOT (no version: the file does not change with Go's).
func StandardLibrary(ctx context.Context) (Component, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "env", "GOROOT").Output()
	if err != nil {
		return Component{}, fmt.Errorf("thirdparty: go env GOROOT: %w", err)
	}
	return fromDir("Go standard library", "", strings.TrimSpace(string(out)))
}

// Embedded classifies licence files in the repository that belong to
// files embedded in the binary from elsewhere; name says what each is.
func Embedded(root string, files map[string]string) ([]Component, error) {
	var cs []Component
	var errs []error
	for _, f := range slices.Sorted(maps.Keys(files)) {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			errs = append(errs, fmt.Errorf("thirdparty: %w", err))
			continue
		}
		ls := Classify(b)
		if len(ls) == 0 {
			errs = append(errs, fmt.Errorf("thirdparty: %s: licence not recognised", f))
			continue
		}
		cs = append(cs, Component{Name: files[f], Licenses: ls, Files: []string{f}})
	}
	return cs, errors.Join(errs...)
}

// fromDir reads the licence files at the top of a module's directory.
func fromDir(name, version, dir string) (Component, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return Component{}, fmt.Errorf("thirdparty: %s: %w", name, err)
	}
	c := Component{Name: name, Version: version}
	for _, e := range entries {
		if e.IsDir() || !licenceFile.MatchString(e.Name()) {
			continue
		}
		if _, skip := notLicences[name+"/"+e.Name()]; skip {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return Component{}, fmt.Errorf("thirdparty: %s: %w", name, err)
		}
		ls := Classify(b)
		if len(ls) == 0 {
			if strings.HasPrefix(strings.ToUpper(e.Name()), "NOTICE") {
				continue // attributions under the licence, not a licence
			}
			return Component{}, fmt.Errorf("thirdparty: %s: the licence in %s is not recognised; classify it (and check it allows linking into MPL-2.0 software)", name, e.Name())
		}
		c.Files = append(c.Files, e.Name())
		for _, l := range ls {
			if !slices.Contains(c.Licenses, l) {
				c.Licenses = append(c.Licenses, l)
			}
		}
	}
	if len(c.Licenses) == 0 {
		return Component{}, fmt.Errorf("thirdparty: %s %s has no licence file; code without a licence may not be shipped", name, version)
	}
	sort.Strings(c.Licenses)
	return c, nil
}

// Incompatible returns the components with a licence not in Compatible.
func Incompatible(cs []Component) []string {
	var bad []string
	for _, c := range cs {
		for _, l := range c.Licenses {
			if !slices.Contains(Compatible, l) {
				bad = append(bad, fmt.Sprintf("%s %s: %s", c.Name, c.Version, l))
			}
		}
	}
	return bad
}

// Markdown is THIRD_PARTY.md for the components; mapAttribution is the
// attribution the embedded map's boundary data ask for.
func Markdown(modules []Component, std Component, embedded []Component, mapAttribution string) []byte {
	var b bytes.Buffer
	b.WriteString(`# Third-party software in os2pulse

os2pulse is licensed under the Mozilla Public License 2.0 (LICENSE). Its
binary also holds the software below, each under its own licence, every one
of which allows linking into MPL-2.0 software. This file is generated from
the Go modules the binary links (go list -deps, the licence files in the
module cache) and the licence files of what it embeds; make test fails when
it is out of date or a licence is not one of: ` + strings.Join(Compatible, ", ") + `.
Regenerate it with:

    go test ./tools/thirdparty -run TestThirdParty -update

## Go modules

| module | version | licence | files |
|---|---|---|---|
`)
	for _, c := range modules {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c.Name, c.Version, strings.Join(c.Licenses, ", "), strings.Join(c.Files, ", "))
	}
	fmt.Fprintf(&b, "\n## Go\n\nThe %s: %s (%s in GOROOT).\n", std.Name, strings.Join(std.Licenses, ", "), strings.Join(std.Files, ", "))
	b.WriteString("\n## Embedded files\n\nServed to browsers from the binary, with their licence files beside them under `/static/`.\n\n| what | licence | file |\n|---|---|---|\n")
	for _, c := range embedded {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", c.Name, strings.Join(c.Licenses, ", "), strings.Join(c.Files, ", "))
	}
	fmt.Fprintf(&b, "\n## Data\n\nThe map of Denmark's municipalities (`assets/geo/dk_municipalities.topojson`) is drawn from public boundary data whose licence asks for this attribution, shown beside every map: %s.\n", mapAttribution)
	return b.Bytes()
}
