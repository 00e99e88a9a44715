package rpp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// countdown is a context that ends after its Err has been asked n times:
// a deterministic way to end a context in the middle of a decode.
type countdown struct {
	context.Context
	left atomic.Int64
}

func newCountdown(n int64) *countdown {
	c := &countdown{Context: context.Background()}
	c.left.Store(n)
	return c
}

func (c *countdown) Err() error {
	if c.left.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// TestParseStopsWhenContextEnds: decoding looks at its context while
// yaml.v3 reads the text and while the walk visits values, and returns
// ctx.Err() (not a partial deployment, not a DecodeError) when it ends.
func TestParseStopsWhenContextEnds(t *testing.T) {
	data := generate(300) // about 570 KB, 45,000 values
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if d, err := ParseContext(ctx, "gen.yaml", data); !errors.Is(err, context.Canceled) || d != nil {
		t.Errorf("already cancelled: %v", err)
	}
	// yaml.v3 reads 512 bytes at a time, looking at ctx each time; then
	// the walk looks every ctxEvery values, a dozen times here. Count the
	// looks of a whole parse, then end the context before the first, in
	// the middle of yaml.v3's reading, and at the walk's last few.
	forever := newCountdown(1 << 40)
	if _, err := ParseContext(forever, "gen.yaml", data); err != nil {
		t.Fatalf("context that does not end: %v", err)
	}
	looks := 1<<40 - forever.left.Load()
	walk := int64(45000 / ctxEvery)
	if reads := int64(len(data) / 512); looks < reads+walk {
		t.Fatalf("%d looks at the context in a parse; want at least %d reads and %d in the walk", looks, reads, walk)
	}
	for _, n := range []int64{0, looks / 2, looks - walk/2} {
		if d, err := ParseContext(newCountdown(n), "gen.yaml", data); !errors.Is(err, context.Canceled) || d != nil {
			t.Errorf("context ending after %d of %d looks: %v", n, looks, err)
		}
	}
}

// TestDecodeStopsReadingWhenContextEnds: a read that blocks (a pipe whose
// writer is silent) is interrupted when the context ends.
func TestDecodeStopsReadingWhenContextEnds(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if _, err := w.Write(exampleBytes(t, "single-site.yaml")[:100]); err != nil {
		t.Fatal(err)
	}
	cancelBlocked(t, "DecodeNamed", func(ctx context.Context) error {
		_, err := DecodeNamed(ctx, "<pipe>", r)
		return err
	})
	// The pipe is left as it was: a later read sees what is written.
	if _, err := w.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1)
	if _, err := io.ReadFull(r, buf); err != nil {
		t.Errorf("the pipe keeps a deadline: %v", err)
	}
}

// cancelBlocked runs load, which is to block, cancels its context once it
// has had time to, and checks that it returns context.Canceled: a hang
// guard of 10 s, not a speed test.
func cancelBlocked(t *testing.T, what string, load func(context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- load(ctx) }()
	time.Sleep(20 * time.Millisecond) // let it block
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s = %v, want context.Canceled", what, err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%s still blocked 10 s after its context ended", what)
	}
}

// TestReadAsLoadDoes: ReadFile and ReadAll give the bytes Load and
// DecodeNamed read, with the same limit and the same errors.
func TestReadAsLoadDoes(t *testing.T) {
	path := filepath.Join("..", "examples", "single-site.yaml")
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(context.Background(), path)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("ReadFile = %d bytes, %v; want the file's %d", len(got), err, len(want))
	}
	if _, err := ReadFile(context.Background(), path+".missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile(missing) = %v, want fs.ErrNotExist", err)
	}
	huge := io.LimitReader(zeros{}, MaxFileSize+1)
	var de *DecodeError
	if _, err := ReadAll(context.Background(), "<stdin>", huge); !errors.Is(err, ErrTooLarge) || !errors.As(err, &de) || de.File != "<stdin>" {
		t.Errorf("ReadAll(too large) = %v, want a *DecodeError of <stdin> wrapping ErrTooLarge", err)
	}
	r, w, err := os.Pipe() // an *os.File: its blocked read can be interrupted
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	cancelBlocked(t, "ReadAll", func(ctx context.Context) error {
		_, err := ReadAll(ctx, "<pipe>", r)
		return err
	})
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }
