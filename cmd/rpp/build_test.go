package main

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBinary builds rpp and runs it as a user would: the exit status must
// reach the shell, and output to a pipe is not a terminal, so it has no
// colour.
func TestBinary(t *testing.T) {
	bin := buildRpp(t)

	cmd := exec.Command(bin, "check", examplePath("story-gruu-wrong-prefix.yaml"))
	cmd.Env = []string{"PATH=/usr/bin:/bin", "TERM=xterm-256color"} // no NO_COLOR, no forcing
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("rpp check: %v, want exit status 1\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "rmx-contact-override-prefix") || !strings.Contains(stdout.String(), "dma-gruu-prefix") {
		t.Errorf("stdout lacks the findings:\n%s", stdout.String())
	}
	if strings.Contains(stdout.String(), "\x1b") {
		t.Errorf("stdout is a pipe, yet has colour escapes:\n%q", stdout.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr: %s", stderr.String())
	}
}

// buildRpp builds the command for a test that needs the real binary.
func buildRpp(t *testing.T) string {
	t.Helper()
	// go test puts its own go command first on PATH.
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to build with: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "rpp")
	if out, err := exec.Command(goCmd, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
