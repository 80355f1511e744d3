package config

import (
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// line returns the line of a key path such as "products[2].repos[1]",
// falling back to its parent's line, then to line 1.
func (c *Config) line(key string) int {
	for k := key; k != ""; {
		if n, ok := c.lines[k]; ok {
			return n
		}
		i := strings.LastIndexAny(k, ".[")
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return 1
}

// keyLines maps every key path in a TOML document to its line, with array
// tables and array elements indexed from 0: "products[2].repos[1]".
func keyLines(doc []byte) (map[string]int, error) {
	lines := map[string]int{}
	counts := map[string]int{}
	p := unstable.Parser{}
	p.Reset(doc)
	prefix := ""
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			name, line := keyPath(&p, e.Key())
			if e.Kind == unstable.ArrayTable {
				n := counts[name]
				counts[name] = n + 1
				name += "[" + strconv.Itoa(n) + "]"
			}
			prefix = name
			lines[name] = line
		case unstable.KeyValue:
			name, line := keyPath(&p, e.Key())
			if prefix != "" {
				name = prefix + "." + name
			}
			lines[name] = line
			valueLines(&p, name, e.Value(), lines)
		}
	}
	if err := p.Error(); err != nil {
		return nil, err
	}
	return lines, nil
}

func keyPath(p *unstable.Parser, it unstable.Iterator) (string, int) {
	var parts []string
	line := 0
	for it.Next() {
		n := it.Node()
		parts = append(parts, string(n.Data))
		if line == 0 && n.Raw.Length > 0 {
			line = p.Shape(n.Raw).Start.Line
		}
	}
	return strings.Join(parts, "."), line
}

func valueLines(p *unstable.Parser, name string, v *unstable.Node, lines map[string]int) {
	switch v.Kind {
	case unstable.Array:
		it := v.Children()
		for i := 0; it.Next(); i++ {
			n := it.Node()
			key := name + "[" + strconv.Itoa(i) + "]"
			if n.Raw.Length > 0 {
				lines[key] = p.Shape(n.Raw).Start.Line
			} else {
				lines[key] = lines[name]
			}
			valueLines(p, key, n, lines)
		}
	case unstable.InlineTable:
		it := v.Children()
		for it.Next() {
			kv := it.Node()
			k, line := keyPath(p, kv.Key())
			lines[name+"."+k] = line
			valueLines(p, name+"."+k, kv.Value(), lines)
		}
	}
}
