// Package configtest writes small configurations for tests: the products
// of the example portfolio by id, and a parsed configuration around them.
package configtest

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"os2pulse/config"
)

// Products returns [[products]] tables for the given ids, with the name
// and governance level the example portfolio gives them ("3" for an id
// it does not know).
func Products(ids ...string) string {
	example, err := config.Example()
	if err != nil {
		panic(err)
	}
	var b strings.Builder
	for _, id := range ids {
		name, level := id, "3"
		if p, ok := example.Product(id); ok {
			name, level = p.Name, p.GovernanceLevel
		}
		fmt.Fprintf(&b, "[[products]]\nid = %q\nname = %q\ngovernance_level = %q\n", id, name, level)
	}
	return b.String()
}

// Parse parses extra followed by the products' tables as a configuration
// whose relative data paths are read from dir.
func Parse(t testing.TB, dir, extra string, products ...string) *config.Config {
	t.Helper()
	cfg, err := config.Parse("test.toml", []byte(extra+"\n"+Products(products...)), os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
