//go:build !unix

package storage

import "os"

// fileID is empty where the system names no inode: the database's identity
// is then its creation time only.
func fileID(os.FileInfo) string { return "" }
