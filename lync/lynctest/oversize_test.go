package lynctest_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/emiago/sipgo/sip"
	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/lync/mras"
)

// TestMessageTooLarge checks that a request larger than the lab reads
// (sip.ParseMaxMessageLength octets) is answered 513 Message Too Large
// (RFC 3261 §21.5.14) where an answer is possible, instead of a silently
// dropped connection; that a connection whose oversized message has a
// Content-Length goes on serving (the length says where the message ends,
// RFC 3261 §18.3); that a header that never ends within the limit closes
// the connection after the 513; and that each is recorded with
// ErrMessageTooLarge.
func TestMessageTooLarge(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := rawStart(t)
	fe := s.FrontEnd("fe-east.contoso.com")
	uri := s.Edge("edge-east.contoso.com").MRASURI
	limit := sip.ParseMaxMessageLength

	manyHeaders := rawOptions()
	for i := 0; i < 3000; i++ {
		manyHeaders.set(fmt.Sprintf("X-Header-%d", i), strings.Repeat("v", 20))
	}
	bigBody := append(rawMRASBody(t, uri, "big", nil), bytes.Repeat([]byte(" "), limit)...)
	for _, tc := range []struct {
		name      string
		msg       *rawMsg
		stillOpen bool // the connection serves the next request
	}{
		{"a SERVICE body over the limit", rawService(uri, bigBody), true},
		{"an OPTIONS body over the limit", rawOptions().withBody("text/plain", bytes.Repeat([]byte("b"), limit+1)), true},
		{"a header line over the limit", rawOptions().set("X-Huge", strings.Repeat("h", limit+10)), false},
		{"headers over the limit", manyHeaders, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := rawDial(t, s, fe)
			defer c.close()
			_ = c.write(tc.msg.bytes()) // the server may close before all is written
			res, dropped := c.finalOrDrop()
			if dropped {
				t.Fatalf("the connection was closed without an answer; want 513")
			}
			if res.StatusCode != 513 || res.CallID() == nil || res.CallID().Value() != tc.msg.callID() || res.CSeq() == nil {
				t.Fatalf("%s for Call-ID %v, want 513 Message Too Large for %s\n%s", res.StartLine(), res.CallID(), tc.msg.callID(), res)
			}
			if to := res.To(); to == nil || func() bool { _, ok := to.Params.Get("tag"); return !ok }() {
				t.Errorf("To without a tag: %v", res.To())
			}
			if tc.stillOpen {
				if res := c.mustAnswer(rawOptions()); res.StatusCode != 200 {
					t.Errorf("the next request on the connection: %s", res.StartLine())
				}
			} else if _, dropped := c.finalOrDrop(); !dropped {
				t.Errorf("the connection stays open after a header over the limit")
			}
			rawAlive(t, s, fe)
		})
	}
	t.Run("no answer possible", func(t *testing.T) {
		// Only a start line before the limit: nothing to build a response
		// from, so the connection is closed, and that is recorded.
		c := rawDial(t, s, fe)
		defer c.close()
		_ = c.write([]byte("OPTIONS sip:fe-east.contoso.com SIP/2.0\r\nX-Huge: " + strings.Repeat("h", limit+10)))
		if res, dropped := c.finalOrDrop(); !dropped {
			t.Fatalf("answered %s; want a closed connection", res.StartLine())
		}
	})
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	var answered, closed int
	for _, m := range s.Messages() {
		if !errors.Is(m.Err, lynctest.ErrMessageTooLarge) {
			continue
		}
		switch {
		case m.Direction == lynctest.Out && m.StartLine == "SIP/2.0 513 Message Too Large":
			answered++
		case m.Direction == lynctest.Closed:
			closed++
		}
		if m.Peer != "rmx-east.contoso.com" {
			t.Errorf("recorded from %s", m.Peer)
		}
	}
	if answered != 4 || closed != 1 {
		t.Errorf("recorded %d answers 513 and %d closings, want 4 and 1\n%s", answered, closed, s.Ladder())
	}
	_ = mras.ContentType
}
