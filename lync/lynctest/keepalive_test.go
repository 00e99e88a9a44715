package lynctest_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/lync/lynctest"
)

// TestKeepAliveTimeoutEnforced checks that the Front End closes a
// connection on which nothing arrives within the keep-alive timeout it
// advertises (MS-CONMGMT): an idle one, and one that stopped half-way
// through a message; that CRLF keep-alives within the timeout keep a
// connection open; and that each closing is recorded with
// ErrKeepAliveTimeout against the computer.
func TestKeepAliveTimeoutEnforced(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	// 800 ms: the keep-alives below, every 100 ms, may be 700 ms late on
	// a loaded machine before the lab rightly closes the connection.
	const timeout = 800 * time.Millisecond
	s := rawStartBare(t, lynctest.WithKeepAliveTimeout(timeout))
	fe := s.FrontEnd("fe-east.contoso.com")

	// closedWithin waits for the server to close c, and fails the test if
	// it does not within rawWait.
	closedWithin := func(c *rawConn) {
		t.Helper()
		for {
			_, err := c.read(rawWait)
			if errors.Is(err, errDropped) {
				return
			}
			if err != nil {
				t.Fatalf("the connection is still open after %v: %v", rawWait, err)
			}
		}
	}

	t.Run("idle", func(t *testing.T) {
		c := rawDial(t, s, fe)
		defer c.close()
		if res := c.mustAnswer(rawOptions()); res.StatusCode != 200 {
			t.Fatal(res.StartLine())
		}
		closedWithin(c)
	})
	t.Run("half a message", func(t *testing.T) {
		c := rawDial(t, s, fe)
		defer c.close()
		b := rawOptions().bytes()
		c.mustWrite(b[:len(b)/2])
		closedWithin(c)
	})
	t.Run("CRLF keep-alives within the timeout", func(t *testing.T) {
		c := rawDial(t, s, fe)
		defer c.close()
		for i := 0; i < 16; i++ { // 16 × timeout/8 = twice the timeout
			time.Sleep(timeout / 8)
			c.mustWrite([]byte("\r\n\r\n"))
		}
		if res := c.mustAnswer(rawOptions()); res.StatusCode != 200 {
			t.Fatalf("after keep-alives for twice the timeout: %s", res.StartLine())
		}
	})
	t.Run("the REGISTER advertises it", func(t *testing.T) {
		res := rawExchange(t, s, fe, rawRegister())
		if h := rawHeader(res, "ms-keep-alive"); !strings.HasSuffix(h, "timeout=1") {
			t.Errorf("ms-keep-alive %q, want timeout=1 (0.8 s, at least a second)", h)
		}
	})
	rawAlive(t, s, fe)
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	closed := 0
	for _, m := range s.Messages() {
		if m.Direction == lynctest.Closed {
			closed++
			if !errors.Is(m.Err, lynctest.ErrKeepAliveTimeout) || m.Peer != "rmx-east.contoso.com" {
				t.Errorf("recorded %s %v from %s", m.StartLine, m.Err, m.Peer)
			}
		}
	}
	if closed < 2 {
		t.Errorf("%d closings recorded, want at least the idle and the half-sent connections\n%s", closed, s.Ladder())
	}
}

// TestKeepAliveDefault checks the default: Lync's 300 s, advertised.
func TestKeepAliveDefault(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := rawStartBare(t)
	res := rawExchange(t, s, s.FrontEnd("fe-east.contoso.com"), rawRegister())
	if h := rawHeader(res, "ms-keep-alive"); h != "UAS; tcp=no; hop-hop=yes; end-end=no; timeout=300" || lynctest.DefaultKeepAliveTimeout != 300*time.Second {
		t.Errorf("ms-keep-alive %q", h)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
