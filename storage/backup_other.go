//go:build !unix

package storage

import "os"

// sameOwner sets the mode only where files have no Unix owner.
func sameOwner(path, like string, mode os.FileMode) error { return os.Chmod(path, mode) }
