// Package thirdparty helps tests drive real third-party programs — SIPp,
// sipsak, stunnel, coturn — against rppkit's stand-ins: finding them (or
// skipping the test with the Debian package to install), making them die
// with the test binary, and reading what they report. It also checks
// generated PowerShell against the tree-sitter-powershell grammar in Node
// ([ParsePowerShell]), since no PowerShell runs here.
//
// It is imported by tests only.
package thirdparty

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// NeedBinary returns the path of the first of names found in PATH, or
// skips the test saying which Debian package provides it.
func NeedBinary(t testing.TB, pkg string, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	Missing(t, "%s not found in PATH (Debian package %s; CI installs it with apt-get)", strings.Join(names, " or "), pkg)
	return ""
}

// RequireEnv is the environment variable that turns a missing third-party
// program from a skipped test into a failed one. CI sets it, so a test
// that checks output with a program nobody here wrote never passes there
// for not having run.
const RequireEnv = "RPP_REQUIRE_THIRD_PARTY"

// Missing says that a program a test needs is missing: the test skips,
// or fails when RequireEnv is set.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv(RequireEnv) != "" {
		t.Fatalf(format+" (and %s is set)", append(args, RequireEnv)...)
	}
	t.Skipf(format, args...)
}

// SIPpStats reads the last row of a SIPp -trace_stat file into a map from
// column name (such as "SuccessfulCall(C)") to value.
func SIPpStats(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("SIPp wrote no statistics: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma, r.FieldsPerRecord, r.LazyQuotes = ';', -1, true
	var header, last []string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if header == nil {
			header = rec
			continue
		}
		last = rec
	}
	if last == nil {
		return nil, fmt.Errorf("%s has no statistics row", path)
	}
	stats := map[string]string{}
	for i, name := range header {
		if i < len(last) && name != "" {
			stats[name] = last[i]
		}
	}
	return stats, nil
}
