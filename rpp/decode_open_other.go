//go:build !unix

package rpp

import "io/fs"

// wakeOpen returns nil: outside Unix there is no way to release an open
// that blocks, and openWait leaves it to finish on its own.
func wakeOpen(string, fs.FileInfo) func() { return nil }
