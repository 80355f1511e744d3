//go:build unix

package storage

import (
	"fmt"
	"os"
	"syscall"
)

// sameOwner gives the file path the owner, group and mode of like (the
// database it replaces, or the directory it goes into), so a restore run
// as root leaves a file the service's own user can open.
func sameOwner(path, like string, mode os.FileMode) error {
	fi, err := os.Stat(like)
	if err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	if err := os.Chmod(path, mode); err != nil {
		return fmt.Errorf("storage: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || (int(st.Uid) == os.Geteuid() && int(st.Gid) == os.Getegid()) {
		return nil
	}
	if err := os.Chown(path, int(st.Uid), int(st.Gid)); err != nil {
		return fmt.Errorf("storage: giving the restored file the owner of %s: %w", like, err)
	}
	return nil
}
