//go:build unix

package ctxio

import (
	"io/fs"
	"os"
	"syscall"
)

// wakeOpen returns how to release an open of path that blocks: opening a
// FIFO for reading waits for a writer, so it is released by opening the
// FIFO for writing, without blocking, and closing it at once. The pending
// open then returns and its file is closed, so nothing is left behind.
// Another reader waiting to open the same FIFO at that moment is released
// too, and reads an empty stream. Other devices have no such remedy (nil).
func wakeOpen(path string, fi fs.FileInfo) func() {
	if fi.Mode()&fs.ModeNamedPipe == 0 {
		return nil
	}
	return func() {
		if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
	}
}
