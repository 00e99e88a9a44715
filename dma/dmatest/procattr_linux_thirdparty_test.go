//go:build linux

package dmatest_test

import "syscall"

// tpProcAttr makes a third-party program die with the test binary, even
// when the binary is killed (go test -timeout) before t.Cleanup runs.
func tpProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
