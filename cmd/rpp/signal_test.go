//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInterruptStopsCheck: Ctrl-C stops rpp check while it waits on a FIFO
// that nobody writes to, named as a file or piped as standard input; rpp
// plan while it waits on one as the desired or the current deployment; and
// rpp import while it waits on one as shell output, leaving its --into
// file as it was.
func TestInterruptStopsCheck(t *testing.T) {
	bin := buildRpp(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "silent.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	openFIFO := func() (*os.File, error) {
		// O_RDWR opens a FIFO without waiting for a writer; the reader
		// then blocks, as on a pipe nobody writes to.
		return os.OpenFile(fifo, os.O_RDWR, 0)
	}
	into := copyFile(t, filepath.Join(eastWestDir, "deployment.yaml"), dir, 0o644)
	before, err := os.ReadFile(into)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		args  []string
		stdin func() (*os.File, error)
	}{
		{"FIFO as a file", []string{"check", fifo}, nil},
		{"FIFO as standard input", []string{"check"}, openFIFO},
		{"plan of a FIFO", []string{"plan", fifo}, nil},
		{"plan from a FIFO", []string{"plan", "--from", fifo, filepath.Join("..", "..", "examples", "two-site.yaml")}, nil},
		{"import of a FIFO", []string{"import", "lync", "--into", into, eastWestOutputs()[1], fifo}, nil},
		{"import from standard input", []string{"import", "lync", "--into", into, "-"}, openFIFO},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, tc.args...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if tc.stdin != nil {
				f, err := tc.stdin()
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				cmd.Stdin = f
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				t.Fatalf("rpp ended before it was interrupted: %v\n%s", err, stderr.String())
			case <-time.After(300 * time.Millisecond): // it is now blocked on the FIFO
			}
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				var exit *exec.ExitError
				if !errors.As(err, &exit) || exit.ExitCode() != exitInterrupted || !strings.Contains(stderr.String(), "rpp: interrupted") {
					t.Errorf("after Ctrl-C: %v, stderr %q; want exit %d and \"rpp: interrupted\"", err, stderr.String(), exitInterrupted)
				}
			case <-time.After(30 * time.Second): // a hang guard, not a speed test
				cmd.Process.Kill()
				t.Fatalf("Ctrl-C did not stop rpp %s", tc.args[0])
			}
			if after, _ := os.ReadFile(into); !bytes.Equal(before, after) {
				t.Error("the --into file changed")
			}
		})
	}
}
