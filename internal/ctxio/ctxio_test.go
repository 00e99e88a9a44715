package ctxio

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func TestReadAllLimit(t *testing.T) {
	if b, err := ReadAll(context.Background(), strings.NewReader("12345"), 0, 5); err != nil || string(b) != "12345" {
		t.Errorf("at the limit: %q, %v", b, err)
	}
	if _, err := ReadAll(context.Background(), strings.NewReader("123456"), 6, 5); !errors.Is(err, ErrTooLarge) {
		t.Errorf("past the limit: %v", err)
	}
}

// A pipe whose writer stays silent is interrupted when the context ends,
// and the pipe is left without a deadline.
func TestReadAllCancelsBlockedPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := ReadAll(ctx, r, 0, 1<<20); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ReadAll on a silent pipe = %v", err)
	}
	if _, err := w.WriteString("after"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	b, err := ReadAll(context.Background(), r, 0, 1<<20)
	if err != nil || string(b) != "after" {
		t.Errorf("read after the cancelled one: %q, %v", b, err)
	}
}
