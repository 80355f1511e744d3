package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"

	"os2pulse/problems"
)

// CheckFiles reports every register and activity file the configuration
// names that does not exist or cannot be read, each at the line of its
// key. URLs are not fetched: whether a server answers is a question for
// the collection, not for the configuration.
func (c *Config) CheckFiles() error {
	var probs []string
	check := func(key, name string) {
		if name == "" || IsURL(name) {
			return
		}
		if err := readable(c, name); err != nil {
			probs = append(probs, fmt.Sprintf("%s:%d: %s: %q %v", c.File, c.line(key), key, name, err))
		}
	}
	check("register.adoption", c.Register.Adoption)
	check("register.members", c.Register.Members)
	for i, a := range c.Activity {
		check(fmt.Sprintf("activity[%d].file", i), a.File)
	}
	if len(probs) > 0 {
		return &problems.Error{Problems: probs}
	}
	return nil
}

// readable opens a data file and reads its first byte, which is where a
// directory or a file without read permission fails.
func readable(c *Config, name string) error {
	f, err := c.Open(name)
	if err == nil {
		_, err = f.Read(make([]byte, 1))
		f.Close()
		if errors.Is(err, io.EOF) {
			err = nil
		}
	}
	var pe *fs.PathError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("does not exist (paths are relative to the configuration file)")
	case errors.As(err, &pe):
		return fmt.Errorf("cannot be read: %v", pe.Err)
	}
	return fmt.Errorf("cannot be read: %v", err)
}
