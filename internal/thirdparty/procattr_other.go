//go:build !linux

package thirdparty

import "syscall"

// ProcAttr: outside Linux, the programs are ended by t.Cleanup only.
func ProcAttr() *syscall.SysProcAttr { return nil }
