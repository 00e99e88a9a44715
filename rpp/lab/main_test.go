package lab_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that every lab the package's tests, examples and
// benchmarks brought up has stopped by the end: no goroutine of a stand-in,
// of sipgo or of pion is left behind (each test also checks its own).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
