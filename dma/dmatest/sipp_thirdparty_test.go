package dmatest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/dma/dmatest"
	"github.com/rppkit/rppkit/internal/thirdparty"
	"github.com/rppkit/rppkit/lync/lynctest"
)

// sippResult is one SIPp run: its exit error and its statistics.
type sippResult struct {
	err    error
	stats  map[string]string
	report string // SIPp's output, screen and error logs, for failures
}

// runSIPp runs the scenario testdata/SCENARIO against the DMA at addr,
// dialling number calls times over UDP (-t u1), SIP and media on loopback.
func runSIPp(t *testing.T, sipp, scenario, addr, number string, calls int) sippResult {
	t.Helper()
	dir := t.TempDir()
	sf, err := filepath.Abs(filepath.Join("testdata", scenario))
	if err != nil {
		t.Fatal(err)
	}
	stats := filepath.Join(dir, "stats.csv")
	screen := filepath.Join(dir, "screen.log")
	errorsLog := filepath.Join(dir, "errors.log")
	out := filepath.Join(dir, "sipp.out")
	args := []string{
		"-sf", sf, "-s", number, "-t", "u1", "-m", strconv.Itoa(calls), "-r", "10", "-l", "1", // one call at a time: one cascade per meeting
		"-i", "127.0.0.1", "-mi", "127.0.0.1", "-ci", "127.0.0.1",
		"-trace_stat", "-stf", stats, "-fd", "1",
		"-trace_screen", "-screen_file", screen,
		"-trace_err", "-error_file", errorsLog,
		"-nostdin", "-recv_timeout", "10000", "-timeout", "60s", "-timeout_error",
		addr,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, sipp, args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr, cmd.SysProcAttr = dir, f, f, thirdparty.ProcAttr()
	runErr := cmd.Run()
	f.Close()
	var b strings.Builder
	for _, p := range []string{out, screen, errorsLog} {
		if text, err := os.ReadFile(p); err == nil {
			fmt.Fprintf(&b, "--- %s\n%s\n", filepath.Base(p), text)
		}
	}
	if ctx.Err() != nil {
		t.Fatalf("SIPp did not end within 90 s\n%s", b.String())
	}
	st, err := thirdparty.SIPpStats(stats)
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	return sippResult{err: runErr, stats: st, report: b.String()}
}

// checkSIPp asserts that every call of a run succeeded.
func checkSIPp(t *testing.T, r sippResult, calls int) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("SIPp: %v, want exit status 0 (all calls successful)\n%s", r.err, r.report)
	}
	for name, want := range map[string]int{"OutgoingCall(C)": calls, "SuccessfulCall(C)": calls, "FailedCall(C)": 0} {
		if got, err := strconv.Atoi(r.stats[name]); err != nil || got != want {
			t.Errorf("SIPp statistics: %s = %q, want %d\n%s", name, r.stats[name], want, r.report)
		}
	}
}

// checkLog asserts the DMA logged calls calls of number, each ending as
// want says.
func checkLog(t *testing.T, d *dmatest.DMA, number string, calls int, want func(dmatest.Call) error) {
	t.Helper()
	logged := waitCalls(t, d, func(cs []dmatest.Call) bool {
		n := 0
		for _, c := range cs {
			if c.Number == number && c.Transport == "UDP" && want(c) == nil {
				n++
			}
		}
		return n == calls
	})
	for _, c := range logged {
		if c.Number == number {
			if err := want(c); err != nil {
				t.Errorf("call %s: %v (%+v)", c.CallID, err, c)
			}
		}
	}
}

// TestThirdpartySIPpVMR: SIPp, as a standards endpoint over UDP, dials a
// VMR of the DMA stand-in: every call connects (200, ACK, BYE); a number
// the DMA cannot route gets its refusal, 404 with a Warning.
func TestThirdpartySIPpVMR(t *testing.T) {
	sipp := thirdparty.NeedBinary(t, "sip-tester", "sipp")
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	d, addr := startDMA(t, eastDMA())
	defer d.Close()
	const calls = 5
	checkSIPp(t, runSIPp(t, sipp, "realconnect-call.xml", addr, "1000", calls), calls)
	checkLog(t, d, "1000", calls, func(c dmatest.Call) error {
		if !c.Connected() || !c.Ended || c.Kind != dmatest.KindVMR {
			return errors.New("want a VMR call connected, then ended")
		}
		return nil
	})
	checkSIPp(t, runSIPp(t, sipp, "realconnect-refused.xml", addr, "alice", 1), 1)
	checkLog(t, d, "alice", 1, func(c dmatest.Call) error {
		if c.Status != 404 || !errors.Is(c.Err, dmatest.ErrNoRoute) {
			return errors.New("want 404 for no route")
		}
		return nil
	})
}

// TestThirdpartySIPpRealConnect: SIPp, as a standards endpoint over UDP,
// dials the meeting's conference ID at the DMA stand-in: each call is
// resolved through Lync, rmx-east cascades into the AV MCU, the call
// connects (200, ACK) and SIPp's BYE ends it and the cascade; an unknown
// conference ID gets the DMA's refusal, 404.
func TestThirdpartySIPpRealConnect(t *testing.T) {
	sipp := thirdparty.NeedBinary(t, "sip-tester", "sipp")
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, m, dm, addr, stop := realConnect(t)
	defer stop()
	const calls = 3
	res := runSIPp(t, sipp, "realconnect-call.xml", addr, "4411223", calls)
	if res.err != nil {
		t.Log(s.Ladder())
	}
	checkSIPp(t, res, calls)
	checkLog(t, dm, "4411223", calls, func(c dmatest.Call) error {
		if !c.Connected() || !c.Ended || c.Kind != dmatest.KindRealConnect || !c.Focus.Equal(m.Focus) || c.MCU != "rmx-east" {
			return errors.New("want a RealConnect call cascaded by rmx-east, connected, then ended")
		}
		return nil
	})
	connected := 0
	for _, p := range m.Roster() {
		if p.BytesIn > 0 && p.BytesOut > 0 && p.Media == lynctest.MediaEnded {
			connected++
		}
	}
	if connected != calls {
		t.Errorf("the AV MCU carried media for %d cascades, want %d: %+v", connected, calls, m.Roster())
	}
	checkSIPp(t, runSIPp(t, sipp, "realconnect-refused.xml", addr, "9999999", 1), 1)
	checkLog(t, dm, "9999999", 1, func(c dmatest.Call) error {
		if c.Status != 404 || !errors.Is(c.Err, dmatest.ErrConferenceNotFound) {
			return errors.New("want 404 for an unknown conference ID")
		}
		return nil
	})
}
