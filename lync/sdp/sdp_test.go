package sdp

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func readFixture(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/avmcu-offer.sdp")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseAVMCUOffer(t *testing.T) {
	s, err := Parse(readFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	if s.Address != "203.0.113.20" || len(s.Media) != 2 {
		t.Fatalf("session = %+v", s)
	}
	audio, video := s.Media[0], s.Media[1]
	if audio.Kind != "audio" || audio.Port != 52170 || audio.Proto != "RTP/SAVP" || len(audio.Formats) != 15 {
		t.Errorf("audio m= line = %q %d %q %v", audio.Kind, audio.Port, audio.Proto, audio.Formats)
	}
	if audio.Ufrag != "Bp2K" || audio.Pwd != "uQ8PvXcRYHLHRa7a1Hm0sGpw" || audio.Label != "main-audio" {
		t.Errorf("audio ICE/label = %q %q %q", audio.Ufrag, audio.Pwd, audio.Label)
	}
	if audio.Encryption != EncryptionRequired || len(audio.Crypto) != 2 {
		t.Errorf("audio encryption = %q, crypto = %q", audio.Encryption, audio.Crypto)
	}
	if len(audio.Candidates) != 9 || len(audio.IPv6Candidates) != 1 {
		t.Fatalf("audio has %d candidates and %d IPv6 candidates; want 9 and 1", len(audio.Candidates), len(audio.IPv6Candidates))
	}
	want := Candidate{Foundation: "2", Component: 1, Transport: TransportTCPPass, Priority: 174455807,
		Address: "203.0.113.20", Port: 50734, Type: TypeRelay, RelatedAddress: "198.51.100.7", RelatedPort: 50734}
	if d := cmp.Diff(want, audio.Candidates[2]); d != "" {
		t.Errorf("TCP-PASS relay candidate (-want +got):\n%s", d)
	}
	if got := audio.Candidates[6].Transport; got != TransportTCPAct {
		t.Errorf("candidate 4 transport = %q, want TCP-ACT", got)
	}
	if got := audio.IPv6Candidates[0].Address; got != "2001:db8::20" {
		t.Errorf("x-candidate-ipv6 address = %q", got)
	}
	if video.Label != "main-video" || video.Ufrag != "Qz7W" || len(video.Candidates) != 4 {
		t.Errorf("video = %+v", video)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	s, err := Parse(readFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse(out)
	if err != nil {
		t.Fatalf("Parse(Marshal()) = %v\n%s", err, out)
	}
	if d := cmp.Diff(s, again); d != "" {
		t.Errorf("round trip (-first +second):\n%s", d)
	}
	for _, line := range []string{"a=candidate:2 1 TCP-PASS 174455807 203.0.113.20 50734 typ relay raddr 198.51.100.7 rport 50734\r\n",
		"a=encryption:required\r\n", "c=IN IP4 203.0.113.20\r\n"} {
		if !strings.Contains(string(out), line) {
			t.Errorf("Marshal output lacks %q", line)
		}
	}
}

func TestParseIPv6Connection(t *testing.T) {
	body := strings.Replace(string(readFixture(t)), "c=IN IP4 203.0.113.20", "c=IN IP6 2001:db8::20", 1)
	s, err := Parse([]byte(body))
	if !errors.Is(err, ErrIPv6) || errors.Is(err, ErrMalformed) {
		t.Fatalf("Parse = %v; want ErrIPv6 (and not ErrMalformed)", err)
	}
	var le *LineError
	if !errors.As(err, &le) || le.Line != 4 {
		t.Errorf("error %v names line %d; want 4", err, le.Line)
	}
	if s == nil || s.Address != "2001:db8::20" || len(s.Media) != 2 {
		t.Errorf("session not returned with ErrIPv6: %+v", s)
	}
}

func TestParseErrorsNameTheLine(t *testing.T) {
	fixture := string(readFixture(t))
	for _, tc := range []struct {
		name, old, new string
		line           int
	}{
		{"unknown encryption", "a=encryption:required\r\nm=video", "a=encryption:maybe\r\nm=video", 51},
		{"ICE v1 candidate", "a=candidate:1 1 UDP 2130706431 10.0.1.20 52170 typ host",
			"a=candidate:Bp2Kx 1 uQ8PvXcRYHLHRa7a UDP 0.830 10.0.1.20 52170", 15},
		{"candidate host name", "10.0.1.20 52171 typ host", "fe.contoso.com 52171 typ host", 16},
		{"TCP-SO", "1 TCP-PASS 174455807", "1 TCP-SO 174455807", 17},
		{"priority zero", "1 UDP 184547327", "1 UDP 0", 19},
		{"short ufrag", "a=ice-ufrag:Bp2K", "a=ice-ufrag:Bp", 13},
		{"crypto without inline", "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:", "a=crypto:3 AES_CM_128_HMAC_SHA1_80 key:", 26},
		{"control character", "a=x-source:main-audio", "a=x-source:main\x00audio", 12},
		{"not a type=value line", "a=rtcp-rsize\r\na=label:main-audio", "rtcp-rsize\r\na=label:main-audio", 10},
		{"address type mismatch", "c=IN IP4 203.0.113.20", "c=IN IP4 2001:db8::20", 4},
		{"bad m= port", "m=video 52172 RTP", "m=video 99999 RTP", 52},
		{"no v=0 first", "v=0\r\n", "v=1\r\n", 1},
		{"no s=", "s=session\r\n", "", 0},
		{"no t=", "t=0 0\r\n", "", 0},
		{"empty origin user", "o=- 0 1", "o= 0 1", 2},
		{"no formats", "m=video 52172 RTP/SAVP 122 121 123", "m=video 52172 RTP/SAVP", 52},
		{"empty attribute name", "a=rtcp-rsize\r\na=label:main-video", "a=\r\na=label:main-video", 55},
		{"attribute name with a space", "a=rtcp-rsize\r\na=label:main-video", "a=rtcp rsize\r\na=label:main-video", 55},
		{"second encryption", "a=rtpmap:123 x-ulpfecuc/90000", "a=encryption:optional\r\na=rtpmap:123 x-ulpfecuc/90000", 71},
		{"media c= IPv4-mapped", "m=video 52172 RTP/SAVP 122 121 123", "m=video 52172 RTP/SAVP 122 121 123\r\nc=IN IP4 ::ffff:192.0.2.1", 53},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(fixture, tc.old) {
				t.Fatalf("fixture lacks %q", tc.old)
			}
			_, err := Parse([]byte(strings.Replace(fixture, tc.old, tc.new, 1)))
			var le *LineError
			if !errors.As(err, &le) || !errors.Is(err, ErrMalformed) {
				t.Fatalf("Parse = %v; want a *LineError wrapping ErrMalformed", err)
			}
			if le.Line != tc.line {
				t.Errorf("error %v names line %d; want %d", err, le.Line, tc.line)
			}
		})
	}
}

func TestParseTooLarge(t *testing.T) {
	b := append(readFixture(t), []byte(strings.Repeat("a=x-pad:0123456789\r\n", MaxBody/20))...)
	if _, err := Parse(b); !errors.Is(err, ErrMalformed) {
		t.Errorf("Parse of %d bytes = %v; want ErrMalformed", len(b), err)
	}
}
