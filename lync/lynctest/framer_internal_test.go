package lynctest

import (
	"bytes"
	"strings"
	"testing"
)

// runFramer feeds data to a fresh framer in the chunks cuts makes, and
// returns what it passed on, how many 513s it answered, and whether it
// closed (after which the rest is not fed).
func runFramer(max int, data []byte, cuts ...int) (pass []byte, answers int, closed bool) {
	f := framer{max: max}
	prev := 0
	for _, c := range append(cuts, len(data)) {
		if c < prev || c > len(data) {
			continue
		}
		r := f.feed(nil, data[prev:c])
		pass = append(pass, r.pass...)
		answers += len(r.answers)
		if r.close {
			return pass, answers, true
		}
		prev = c
	}
	return pass, answers, false
}

// FuzzFramer checks that the framer's verdicts do not depend on how the
// stream is cut into reads, and that it passes well-formed messages below
// the limit unchanged.
func FuzzFramer(f *testing.F) {
	opts := "OPTIONS sip:fe SIP/2.0\r\nVia: SIP/2.0/TLS x;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: 1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 5\r\n\r\nhello"
	for _, seed := range []string{opts, opts + "\r\n\r\n" + opts, "\x00\x00" + opts, "\xffgarbage",
		strings.Replace(opts, "Content-Length: 5", "Content-Length: 500", 1) + strings.Repeat("b", 500),
		"OPTIONS sip:fe SIP/2.0\r\nX: " + strings.Repeat("h", 300), "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n"} {
		f.Add([]byte(seed), uint16(7), uint16(100))
	}
	f.Fuzz(func(t *testing.T, data []byte, a, b uint16) {
		const max = 256
		whole, wa, wc := runFramer(max, data)
		cut, ca, cc := runFramer(max, data, int(a)%(len(data)+1), int(b)%(len(data)+1))
		if !bytes.Equal(whole, cut) || wa != ca || wc != cc {
			t.Fatalf("whole: %q %d %v; cut at %d, %d: %q %d %v", whole, wa, wc, a, b, cut, ca, cc)
		}
	})
}

// TestFramerPassesSmallMessages: messages below the limit pass unchanged.
func TestFramerPassesSmallMessages(t *testing.T) {
	msg := "REGISTER sip:contoso.com SIP/2.0\r\nVia: SIP/2.0/TLS x;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: 1\r\nCSeq: 1 REGISTER\r\nl: 3\r\n\r\nabc"
	data := []byte("\r\n\r\n" + msg + "\r\n" + msg)
	for cut := 0; cut <= len(data); cut++ {
		pass, answers, closed := runFramer(1024, data, cut)
		if !bytes.Equal(pass, data) || answers != 0 || closed {
			t.Fatalf("cut at %d: passed %q, %d answers, closed %v", cut, pass, answers, closed)
		}
	}
}
