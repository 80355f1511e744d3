package thirdparty

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"os2pulse/assets"
)

var update = flag.Bool("update", false, "rewrite THIRD_PARTY.md")

// root is the repository, two folders up.
const root = "../.."

// embedded are the licence files of what the binary embeds from
// elsewhere (assets/static), and what each belongs to.
var embedded = map[string]string{
	"assets/static/echarts.LICENSE.txt":    "Apache ECharts (echarts.min.js)",
	"assets/static/zrender.LICENSE.txt":    "ZRender, part of echarts.min.js",
	"assets/static/echarts.LICENSE-d3.txt": "d3 code in echarts.min.js",
}

// TestThirdParty: every module the binary links has a licence MPL-2.0
// software may link, and THIRD_PARTY.md lists them as they are.
func TestThirdParty(t *testing.T) {
	ctx := context.Background()
	mods, err := Modules(ctx, root, "os2pulse")
	if err != nil {
		t.Fatal(err)
	}
	// Sanity: the list is the binary's, not empty or another's.
	names := map[string]bool{}
	for _, m := range mods {
		names[m.Name] = true
	}
	for _, want := range []string{"modernc.org/sqlite", "github.com/jackc/pgx/v5", "github.com/prometheus/client_golang"} {
		if !names[want] {
			t.Errorf("%s is not among the linked modules %v", want, names)
		}
	}
	for _, testOnly := range []string{"github.com/chromedp/chromedp", "github.com/getkin/kin-openapi"} {
		if names[testOnly] {
			t.Errorf("%s is used by tests only, yet listed as linked", testOnly)
		}
	}
	std, err := StandardLibrary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	emb, err := Embedded(root, embedded)
	if err != nil {
		t.Fatal(err)
	}
	all := append(append(slices.Clone(mods), std), emb...)
	if bad := Incompatible(all); len(bad) > 0 {
		t.Errorf("licences MPL-2.0 software may not link (remove the dependency, or check and add the licence to Compatible):\n%s", strings.Join(bad, "\n"))
	}
	got := Markdown(mods, std, emb, assets.MapAttributionEN)
	path := filepath.Join(root, "THIRD_PARTY.md")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v; run go test ./tools/thirdparty -run TestThirdParty -update", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("THIRD_PARTY.md is out of date (a dependency was added, removed or upgraded); run:\n  go test ./tools/thirdparty -run TestThirdParty -update\nand review the diff")
	}
}

func TestClassify(t *testing.T) {
	const (
		mit    = "Permission is hereby granted, free of charge, to any person obtaining a copy of this software"
		bsd    = "Redistribution and use in source and binary forms, with or without modification, are permitted"
		bsd3   = bsd + " ... Neither the name of Google Inc. nor the names of its contributors may be used to endorse or promote products derived"
		apache = "Apache License\n   Version 2.0, January 2004\n http://www.apache.org/licenses/"
		isc    = "Permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted"
	)
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"MIT", "MIT License\n\n" + mit, []string{"MIT"}},
		{"BSD-2", "Copyright (c) 2013\n" + bsd, []string{"BSD-2-Clause"}},
		{"BSD-3 across lines", strings.ReplaceAll(bsd3, " ", "\n  "), []string{"BSD-3-Clause"}},
		{"Apache", apache, []string{"Apache-2.0"}},
		{"ISC", isc, []string{"ISC"}},
		{"ISC old wording", "Permission to use, copy, modify, and distribute this software for any purpose", []string{"ISC"}},
		{"MPL", "Mozilla Public License Version 2.0\n==================================", []string{"MPL-2.0"}},
		{"SQLite", "All of the code and documentation in SQLite has been dedicated to the public domain by the authors.", []string{"Public-Domain"}},
		{"bundle", "## Go\n" + bsd3 + "\n## musl\n" + mit, []string{"BSD-3-Clause", "MIT"}},
		{"GPL", "GNU GENERAL PUBLIC LICENSE\n Version 3, 29 June 2007", []string{"GPL"}},
		{"GPL grant", "you can redistribute it and/or modify it under the terms of the GNU General Public License as published by", []string{"GPL"}},
		{"LGPL", "GNU LESSER GENERAL PUBLIC LICENSE\n   Version 2.1, February 1999", []string{"LGPL"}},
		{"MPL naming the GNU licences", "Mozilla Public License Version 2.0 ... means either the GNU General Public License, Version 2.0, the GNU Lesser General Public License, Version 2.1", []string{"MPL-2.0"}},
		{"unknown", "All rights reserved.", nil},
		{"a link", "https://commons.wikimedia.org/wiki/File:Memory_infra_logo.png", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Classify([]byte(tc.text)); !slices.Equal(got, tc.want) {
				t.Errorf("Classify = %v, want %v", got, tc.want)
			}
		})
	}
	if bad := Incompatible([]Component{{Name: "a", Licenses: []string{"MIT"}}, {Name: "b", Version: "v1", Licenses: []string{"GPL", "MIT"}}}); !slices.Equal(bad, []string{"b v1: GPL"}) {
		t.Errorf("Incompatible = %v", bad)
	}
}

// TestModuleWithoutLicence: a module without a licence file fails the
// check, and so does one whose licence is not recognised.
func TestModuleWithoutLicence(t *testing.T) {
	dir := t.TempDir()
	if _, err := fromDir("example.org/none", "v1.0.0", dir); err == nil || !strings.Contains(err.Error(), "no licence file") {
		t.Errorf("no licence: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "LICENSE"), []byte("You may look at this code."), 0o644)
	if _, err := fromDir("example.org/odd", "v1.0.0", dir); err == nil || !strings.Contains(err.Error(), "not recognised") {
		t.Errorf("odd licence: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "LICENSE"), []byte("MIT License "+"Permission is hereby granted, free of charge, to any person"), 0o644)
	os.WriteFile(filepath.Join(dir, "NOTICE"), []byte("This product includes software developed at Example."), 0o644)
	c, err := fromDir("example.org/ok", "v1.0.0", dir)
	if err != nil || !slices.Equal(c.Licenses, []string{"MIT"}) || !slices.Equal(c.Files, []string{"LICENSE"}) {
		t.Errorf("MIT with a notice: %+v, %v", c, err)
	}
}
