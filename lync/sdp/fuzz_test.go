package sdp

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func FuzzParse(f *testing.F) {
	fixture := string(readFixture(f))
	f.Add(fixture)
	f.Add(strings.Replace(fixture, "c=IN IP4 203.0.113.20", "c=IN IP6 2001:db8::20", 1))
	f.Add("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\nm=audio 5000 RTP/AVP 0\nc=IN IP4 192.0.2.1\na=ice-ufrag:abcd\na=ice-pwd:abcdefghijklmnopqrstuv\na=candidate:1 1 UDP 1 192.0.2.1 5000 typ host\na=encryption:rejected\n")
	f.Add("v=0\r\no=- 0 0 IN IP4 192.0.2.1\r\ns=session\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\na=ice-ufrag:sess\r\nm=video 0 RTP/SAVP 122\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA\r\na=sendrecv\r\n")
	f.Fuzz(func(t *testing.T, body string) {
		s, err := Parse([]byte(body))
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) || !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrIPv6) {
				t.Fatalf("Parse error %v is not a *LineError wrapping ErrMalformed or ErrIPv6", err)
			}
			if errors.Is(err, ErrIPv6) != (s != nil) {
				t.Fatalf("Parse returned session %v with error %v: only ErrIPv6 comes with a session", s, err)
			}
			if strings.Contains(le.Reason, "cannot marshal") {
				t.Fatalf("only Parse's final check caught this (no line named): %v", err)
			}
			if le.Line < 0 || le.Line > strings.Count(body, "\n")+1 {
				t.Fatalf("error names line %d of a %d-line body", le.Line, strings.Count(body, "\n")+1)
			}
			if s == nil {
				return
			}
		}
		out, err := s.Marshal()
		if err != nil {
			t.Fatalf("Parse accepted %+v, which Marshal refuses: %v", s, err)
		}
		again, err2 := Parse(out)
		if (err == nil) != (err2 == nil) && !errors.Is(err2, ErrIPv6) {
			t.Fatalf("Parse(Marshal()) = %v\n%s", err2, out)
		}
		if again == nil {
			t.Fatalf("Parse(Marshal()) = nil, %v\n%s", err2, out)
		}
		if d := cmp.Diff(s, again); d != "" {
			t.Fatalf("round trip changed the session (-first +second):\n%s\n%s", d, out)
		}
	})
}
