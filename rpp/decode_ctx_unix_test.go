//go:build unix

package rpp

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestLoadFIFOWithoutWriter: opening a FIFO blocks until a writer opens
// it; Load must return context.Canceled soon after its context ends, and
// leave nothing running behind.
func TestLoadFIFOWithoutWriter(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	fifo := filepath.Join(t.TempDir(), "deployment.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	cancelBlocked(t, "Load", func(ctx context.Context) error {
		_, err := Load(ctx, fifo)
		return err
	})
}

// TestLoadFIFO: a FIFO whose writer writes a deployment is read, and one
// whose writer stays silent after opening it is given up when the context
// ends.
func TestLoadFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "deployment.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer w.Close()
		w.Write(exampleBytes(t, "single-site.yaml"))
	}()
	d, err := Load(context.Background(), fifo)
	if err != nil || len(d.RPP.RMX) != 2 {
		t.Fatalf("Load from a FIFO: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	opened := make(chan *os.File, 1)
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			w.Write([]byte("lync:\n"))
		}
		opened <- w
	}()
	done := make(chan error, 1)
	go func() {
		_, err := Load(ctx, fifo)
		done <- err
	}()
	w := <-opened
	defer w.Close()
	time.Sleep(20 * time.Millisecond) // let the read block
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Load = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Load still reading 10 s after its context ended")
	}
}
