//go:build linux

package thirdparty

import "syscall"

// ProcAttr makes a third-party program die with the test binary, even when
// the binary is killed (go test -timeout) before t.Cleanup runs.
func ProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
