package sdp_test

import (
	"errors"
	"fmt"

	"github.com/rppkit/rppkit/lync/sdp"
)

// The AV MCU stand-in reads the RMX's cascade offer: ICE credentials and
// candidates for its agent, the encryption the RMX asks for, and an IPv6
// connection address it must refuse.
func ExampleParse() {
	offer := "v=0\r\n" +
		"o=- 0 1 IN IP6 2001:db8::10\r\n" +
		"s=session\r\n" +
		"c=IN IP6 2001:db8::10\r\n" +
		"t=0 0\r\n" +
		"m=audio 50000 RTP/AVP 0\r\n" +
		"a=ice-ufrag:Bp2K\r\n" +
		"a=ice-pwd:uQ8PvXcRYHLHRa7a1Hm0sGpw\r\n" +
		"a=candidate:3 1 UDP 184547327 203.0.113.20 52170 typ relay raddr 198.51.100.7 rport 1038\r\n" +
		"a=encryption:rejected\r\n"
	s, err := sdp.Parse([]byte(offer))
	if errors.Is(err, sdp.ErrIPv6) {
		fmt.Println("refuse with 7009:", err)
	}
	m := s.Media[0]
	fmt.Println(m.Kind, m.Ufrag, m.Encryption)
	for _, c := range m.Candidates {
		ic, err := c.ToICE() // for agent.AddRemoteCandidate
		fmt.Println(ic.Type(), ic.Address(), ic.Port(), err)
	}
	// Output:
	// refuse with 7009: sdp: line 4 "c=IN IP6 2001:db8::10": c= address 2001:db8::10 is IPv6; the Lync AV MCU refuses it (ms-diagnostics 7009)
	// audio Bp2K rejected
	// relay 203.0.113.20 52170 <nil>
}
