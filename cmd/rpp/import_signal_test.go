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

// TestInterruptStopsImport: Ctrl-C stops rpp import while it waits on a
// FIFO nobody writes to, as a shell output file or as standard input, and
// the --into file is left as it was.
func TestInterruptStopsImport(t *testing.T) {
	bin := buildRpp(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "lync-output.txt")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	into := copyFile(t, filepath.Join(eastWestDir, "deployment.yaml"), dir, 0o644)
	before, err := os.ReadFile(into)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		args  []string
		stdin bool
	}{
		{"FIFO as a file", []string{"import", "lync", "--into", into, eastWestOutputs()[1], fifo}, false},
		{"FIFO as standard input", []string{"import", "lync", "--into", into, "-"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, tc.args...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if tc.stdin {
				// O_RDWR opens a FIFO without waiting for a writer; the
				// reader then blocks, as on a pipe nobody writes to.
				f, err := os.OpenFile(fifo, os.O_RDWR, 0)
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
				t.Fatal("Ctrl-C did not stop rpp import")
			}
			if after, _ := os.ReadFile(into); !bytes.Equal(before, after) {
				t.Error("the --into file changed")
			}
		})
	}
}
