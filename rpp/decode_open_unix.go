//go:build unix

package rpp

import (
	"context"
	"io/fs"
	"os"
	"syscall"
)

// openPath opens the file at path for reading, giving up when ctx ends.
//
// Opening a FIFO for reading blocks until a writer opens it, so a FIFO is
// opened in a goroutine (see openWait). If ctx ends first, the goroutine is
// released by opening the FIFO for writing, without blocking, and closing
// it at once: the pending open returns and its file is closed, so nothing
// is left behind. Another reader waiting to open the same FIFO at that
// moment is released too, and reads an empty stream.
func openPath(ctx context.Context, path string) (*os.File, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fi, err := os.Stat(path)
	if err != nil || !mayBlock(fi.Mode()) {
		return os.Open(path)
	}
	var wake func()
	if fi.Mode()&fs.ModeNamedPipe != 0 {
		wake = func() {
			if w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
		}
	}
	return openWait(ctx, func() (*os.File, error) { return os.Open(path) }, wake)
}
