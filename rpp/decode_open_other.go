//go:build !unix

package rpp

import (
	"context"
	"os"
)

// openPath opens the file at path for reading, giving up when ctx ends. A
// device whose open blocks is opened in a goroutine that is left to finish
// on its own if ctx ends first (see openWait).
func openPath(ctx context.Context, path string) (*os.File, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fi, err := os.Stat(path)
	if err != nil || !mayBlock(fi.Mode()) {
		return os.Open(path)
	}
	return openWait(ctx, func() (*os.File, error) { return os.Open(path) }, nil)
}
