package ctxio

import (
	"context"
	"io"
	"io/fs"
	"os"
	"time"
)

// Open opens the file at path for reading, giving up when ctx ends. A
// file whose open may block (a FIFO, a device) is opened in a goroutine
// (see OpenWait), released on ctx's end by wakeOpen where the platform
// allows.
func Open(ctx context.Context, path string) (*os.File, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fi, err := os.Stat(path)
	if err != nil || !MayBlock(fi.Mode()) {
		return os.Open(path)
	}
	return OpenWait(ctx, func() (*os.File, error) { return os.Open(path) }, wakeOpen(path, fi))
}

// OpenWait runs open, which may block (opening a FIFO blocks until a writer
// opens it), in a goroutine and waits for it or for ctx. When ctx ends
// first, it calls wake, if given, every few milliseconds until open
// returns, then closes what open opened; nothing is left running. Without
// wake, or if open has not returned a second after ctx ended, the goroutine
// is left behind: it ends, closing what it opened, when open returns.
func OpenWait[F io.Closer](ctx context.Context, open func() (F, error), wake func()) (F, error) {
	type opened struct {
		f   F
		err error
	}
	done := make(chan opened, 1)
	go func() {
		f, err := open()
		done <- opened{f, err}
	}()
	var zero F
	select {
	case r := <-done:
		return r.f, r.err
	case <-ctx.Done():
	}
	discard := func(r opened) {
		if r.err == nil {
			r.f.Close()
		}
	}
	if wake != nil {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		giveUp := time.After(time.Second)
	wait:
		for {
			wake()
			select {
			case r := <-done:
				discard(r)
				return zero, ctx.Err()
			case <-giveUp:
				break wait
			case <-tick.C:
			}
		}
	}
	go func() { discard(<-done) }()
	return zero, ctx.Err()
}

// MayBlock reports whether opening a file of mode m can block: a FIFO, or
// a device such as a terminal or a serial line.
func MayBlock(m fs.FileMode) bool {
	return m&(fs.ModeNamedPipe|fs.ModeDevice|fs.ModeCharDevice|fs.ModeSocket|fs.ModeIrregular) != 0
}

// OpenFS opens name in fsys. A file whose open may block is opened as
// OpenWait says, without a way to wake it: if ctx ends first, a goroutine
// waits in fsys.Open until it returns.
func OpenFS(ctx context.Context, fsys fs.FS, name string) (fs.File, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if fi, err := fs.Stat(fsys, name); err != nil || !MayBlock(fi.Mode()) {
		return fsys.Open(name)
	}
	return OpenWait(ctx, func() (fs.File, error) { return fsys.Open(name) }, nil)
}

// Size returns the size of f when it is a regular file, else 0: a hint for
// ReadAll.
func Size(f fs.File) int64 {
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		return fi.Size()
	}
	return 0
}

// ReadFile opens path as Open does and reads it as ReadAll does.
func ReadFile(ctx context.Context, path string, limit int64) ([]byte, error) {
	f, err := Open(ctx, path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadAll(ctx, f, Size(f), limit)
}
