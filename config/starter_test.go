package config

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteStarter: the starting configuration works where it is
// written, read from another working directory: every data file it
// names is there, and its database is beside it.
func TestWriteStarter(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "sub", "os2pulse.toml")
	written, err := WriteStarter(path, false)
	if err != nil {
		t.Fatal(err)
	}
	examples := 0
	fs.WalkDir(exampleFS, "example", func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			examples++
		}
		return err
	})
	if examples < 8 || len(written) != examples+1 || written[len(written)-1] != path {
		t.Errorf("written %d files, want the configuration and the %d example files: %v", len(written), examples, written)
	}
	t.Chdir(t.TempDir())
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckFiles(); err != nil {
		t.Errorf("files the configuration names: %v", err)
	}
	local := 0
	for _, p := range c.Products {
		for _, name := range p.SelfEvaluations {
			if strings.Contains(name, ":") {
				continue // on GitHub
			}
			local++
			f, err := c.Open(name)
			if err != nil {
				t.Errorf("%s: self-evaluation %s: %v", p.ID, name, err)
				continue
			}
			f.Close()
		}
	}
	if local == 0 || len(c.Activity) == 0 || c.Register.Adoption == "" {
		t.Errorf("the example lost its data files: %d self-evaluations, %d activity files, register %q", local, len(c.Activity), c.Register.Adoption)
	}
	if want := filepath.Join(root, "sub", "data", "os2pulse.db"); c.Storage.DSN != want {
		t.Errorf("dsn %q, want %q", c.Storage.DSN, want)
	}

	// Again: nothing is overwritten, not even the files that are not
	// there any more.
	members := filepath.Join(root, "sub", "example", "members.csv")
	os.WriteFile(path, []byte("# mine\n"), 0o644)
	os.Remove(members)
	if _, err := WriteStarter(path, false); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "nothing written") {
		t.Errorf("second write: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "# mine\n" {
		t.Errorf("the existing configuration was changed: %q", b)
	}
	if _, err := os.Stat(members); err == nil {
		t.Error("a data file was written although others existed")
	}
	if _, err := WriteStarter(path, true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !strings.HasPrefix(string(b), "# os2pulse example configuration") {
		t.Errorf("not overwritten: %.60q", b)
	}
	entries, _ := os.ReadDir(filepath.Join(root, "sub"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("a temporary file is left: %s", e.Name())
		}
	}
}

func TestBesideConfig(t *testing.T) {
	for _, c := range []struct{ dir, dsn, want string }{
		{"/etc/os2pulse", "./data/os2pulse.db", "/etc/os2pulse/data/os2pulse.db"},
		{"/etc/os2pulse", "pulse.db", "/etc/os2pulse/pulse.db"},
		{"conf", "../db/pulse.db", "db/pulse.db"},
		{"/etc/os2pulse", "/var/lib/os2pulse/pulse.db", "/var/lib/os2pulse/pulse.db"},
		{"/etc/os2pulse", "file:pulse.db?mode=ro", "file:pulse.db?mode=ro"},
		{"/etc/os2pulse", ":memory:", ":memory:"},
	} {
		if got := besideConfig(c.dir, c.dsn); got != c.want {
			t.Errorf("besideConfig(%q, %q) = %q, want %q", c.dir, c.dsn, got, c.want)
		}
	}
}
