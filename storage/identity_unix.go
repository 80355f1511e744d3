//go:build unix

package storage

import (
	"fmt"
	"os"
	"syscall"
)

// fileID is the device and inode of a file: the same file however it is
// named, and another after a copy or a restore.
func fileID(fi os.FileInfo) string {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return fmt.Sprintf("%d/%d", st.Dev, st.Ino)
	}
	return ""
}
