package config

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ErrExists is WriteStarter's error when files it would write exist.
var ErrExists = errors.New("already exist; nothing written")

// WriteStarter writes a starting configuration to path: the built-in
// example, with the example register, members list, self-evaluations
// and git histories beside it in example/, where its relative paths
// (resolved against the configuration's directory) find them. A copy of
// config/example.toml alone, elsewhere, would name files that are not
// there. Existing files are kept and reported unless overwrite is set;
// nothing is written then. It returns the files written.
func WriteStarter(path string, overwrite bool) ([]string, error) {
	dir := filepath.Dir(path)
	targets := map[string]string{path: "example.toml"} // file to write → embedded source
	err := fs.WalkDir(exampleFS, "example", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			targets[filepath.Join(dir, filepath.FromSlash(name))] = name
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("config: reading the built-in example: %w", err)
	}
	if !overwrite {
		var exist []string
		for file := range targets {
			if _, err := os.Lstat(file); err == nil {
				exist = append(exist, file)
			}
		}
		if len(exist) > 0 {
			return nil, fmt.Errorf("config: %s: %w", strings.Join(slices.Sorted(slices.Values(exist)), ", "), ErrExists)
		}
	}
	// Every file is written to a temporary name first and renamed only
	// when all are: a full disk leaves no half a configuration.
	var temps []string
	cleanup := func() {
		for _, t := range temps {
			os.Remove(t)
		}
	}
	files := slices.Sorted(maps.Keys(targets))
	for _, file := range files {
		b, err := exampleFS.ReadFile(targets[file])
		if err == nil {
			err = os.MkdirAll(filepath.Dir(file), 0o755)
		}
		var tmp string
		if err == nil {
			tmp, err = writeTemp(file, b)
		}
		if err != nil {
			cleanup()
			return nil, fmt.Errorf("config: writing %s: %w", file, err)
		}
		temps = append(temps, tmp)
	}
	for i, file := range files {
		if err := os.Rename(temps[i], file); err != nil {
			cleanup()
			return files[:i], fmt.Errorf("config: writing %s: %w", file, err)
		}
	}
	return files, nil
}

// writeTemp writes b to a new file beside file and returns its name.
func writeTemp(file string, b []byte) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*")
	if err != nil {
		return "", err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}
