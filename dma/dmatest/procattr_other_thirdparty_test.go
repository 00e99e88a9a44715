//go:build !linux

package dmatest_test

import "syscall"

// tpProcAttr: outside Linux, the programs are ended by t.Cleanup only.
func tpProcAttr() *syscall.SysProcAttr { return nil }
