//go:build !unix

package ctxio

import "io/fs"

// wakeOpen returns nil: outside Unix there is no way to release an open
// that blocks, and OpenWait leaves it to finish on its own.
func wakeOpen(string, fs.FileInfo) func() { return nil }
