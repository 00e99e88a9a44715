package sdp

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pion/ice/v2"
	"go.uber.org/goleak"
)

func TestParseCandidate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Candidate
		out  string // String(); "" means in
	}{
		{"1 1 UDP 2130706431 10.0.1.20 52170 typ host",
			Candidate{Foundation: "1", Component: 1, Transport: "UDP", Priority: 2130706431, Address: "10.0.1.20", Port: 52170, Type: "host"}, ""},
		{"2 2 TCP-PASS 174455806 203.0.113.20 50734 typ relay raddr 198.51.100.7 rport 50734",
			Candidate{Foundation: "2", Component: 2, Transport: "TCP-PASS", Priority: 174455806, Address: "203.0.113.20", Port: 50734,
				Type: "relay", RelatedAddress: "198.51.100.7", RelatedPort: 50734}, ""},
		// As a Teams/Skype trace writes relay candidates: MTURNID extension, lower-case tcp-pass.
		{"1 1 UDP 54001663 48.208.184.155 3478 typ relay raddr 10.0.2.122 rport 3478 MTURNID 14851909894487247346",
			Candidate{Foundation: "1", Component: 1, Transport: "UDP", Priority: 54001663, Address: "48.208.184.155", Port: 3478, Type: "relay",
				RelatedAddress: "10.0.2.122", RelatedPort: 3478, Extensions: []Extension{{"MTURNID", "14851909894487247346"}}}, ""},
		{"candidate:3 1 tcp-pass 18087935 48.208.184.155 3478 typ relay raddr 10.0.2.122 rport 3478",
			Candidate{Foundation: "3", Component: 1, Transport: "TCP-PASS", Priority: 18087935, Address: "48.208.184.155", Port: 3478, Type: "relay",
				RelatedAddress: "10.0.2.122", RelatedPort: 3478}, "3 1 TCP-PASS 18087935 48.208.184.155 3478 typ relay raddr 10.0.2.122 rport 3478"},
		// RFC 6544's form reads as Lync's.
		{"4 1 TCP 1694498815 192.0.2.3 9 typ host tcptype active",
			Candidate{Foundation: "4", Component: 1, Transport: "TCP-ACT", Priority: 1694498815, Address: "192.0.2.3", Port: 9, Type: "host"},
			"4 1 TCP-ACT 1694498815 192.0.2.3 9 typ host"},
		{"6 1 UDP 2130706430 2001:db8::20 52174 typ host",
			Candidate{Foundation: "6", Component: 1, Transport: "UDP", Priority: 2130706430, Address: "2001:db8::20", Port: 52174, Type: "host"}, ""},
	} {
		c, err := ParseCandidate(tc.in)
		if err != nil {
			t.Errorf("ParseCandidate(%q): %v", tc.in, err)
			continue
		}
		if d := cmp.Diff(tc.want, c); d != "" {
			t.Errorf("ParseCandidate(%q) (-want +got):\n%s", tc.in, d)
		}
		want := tc.out
		if want == "" {
			want = strings.TrimPrefix(tc.in, "candidate:")
		}
		if got := c.String(); got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
	}
}

func TestParseCandidateRejects(t *testing.T) {
	for _, tc := range []struct{ in, says string }{
		{"", "8"},
		{"1 1 UDP 2130706431 10.0.1.20 52170 typ", "8"},
		{"1 0 UDP 2130706431 10.0.1.20 52170 typ host", "component"},
		{"1 257 UDP 2130706431 10.0.1.20 52170 typ host", "component"},
		{"1 1 SCTP 2130706431 10.0.1.20 52170 typ host", "transport"},
		{"1 1 TCP-SO 2130706431 10.0.1.20 52170 typ host", "simultaneous"},
		{"1 1 TCP 2130706431 10.0.1.20 52170 typ host", "tcptype"},
		{"1 1 TCP 2130706431 10.0.1.20 52170 typ host tcptype so", "tcptype"},
		{"1 1 UDP 2130706431 10.0.1.20 52170 typ host tcptype passive", "tcptype"},
		{"Bp2Kx 1 uQ8PvXcRYHLHRa7a UDP 0.830 10.0.1.20 52170", "MS-ICE version 1"},
		{"1 1 UDP 0 10.0.1.20 52170 typ host", "priority"},
		{"1 1 UDP 2147483648 10.0.1.20 52170 typ host", "priority"},
		{"1 1 UDP 2130706431 fe.contoso.com 52170 typ host", "address"},
		{"1 1 UDP 2130706431 fe80::1%eth0 52170 typ host", "address"},
		{"1 1 UDP 2130706431 10.0.1.20 65536 typ host", "port"},
		{"1 1 UDP 2130706431 10.0.1.20 +5 typ host", "port"},
		{"1 1 UDP 2130706431 10.0.1.20 52170 type host", `"typ"`},
		{"1 1 UDP 2130706431 10.0.1.20 52170 typ local", "type"},
		{"1 1 UDP 2130706431 10.0.1.20 52170 typ srflx raddr 10.0.0.1", "rport"},
		{"1 1 UDP 2130706431 10.0.1.20 52170 typ srflx raddr x rport 1", "raddr"},
		{"1 1 UDP 2130706431 10.0.1.20 52170 typ host generation", "no value"},
		{"1 1 UDP 2130706431 10.0.1.20 52170 typ host generation 0 raddr 1.2.3.4", "follow typ"},
		{"f-1 1 UDP 2130706431 10.0.1.20 52170 typ host", "ice-char"},
		{strings.Repeat("f", 33) + " 1 UDP 2130706431 10.0.1.20 52170 typ host", "32"},
	} {
		c, err := ParseCandidate(tc.in)
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("ParseCandidate(%q) = %+v, %v; want ErrMalformed saying %q", tc.in, c, err, tc.says)
		}
	}
}

func TestICEConversion(t *testing.T) {
	for _, s := range []string{
		"1 1 UDP 2130706431 10.0.1.20 52170 typ host",
		"7 1 TCP-PASS 1694498815 10.0.1.20 50000 typ host",
		"8 1 TCP-ACT 1694498815 10.0.1.20 50001 typ host",
		"5 1 UDP 1694234111 198.51.100.7 30104 typ srflx raddr 10.0.1.20 rport 30104",
		"9 2 UDP 1862270975 198.51.100.8 30106 typ prflx raddr 10.0.1.20 rport 30105",
		"3 1 UDP 184547327 203.0.113.20 52170 typ relay raddr 198.51.100.7 rport 1038",
	} {
		c, err := ParseCandidate(s)
		if err != nil {
			t.Fatal(err)
		}
		ic, err := c.ToICE()
		if err != nil {
			t.Fatalf("ToICE(%q): %v", s, err)
		}
		if got := FromICE(ic); !equalCandidate(got, c) {
			t.Errorf("FromICE(ToICE(%q)) = %q", s, got)
		}
		// pion reads what it wrote; its own form matches ours but for the transport token.
		if _, err := ice.UnmarshalCandidate(ic.Marshal()); err != nil {
			t.Errorf("pion cannot read back %q: %v", ic.Marshal(), err)
		}
	}
	if _, err := (Candidate{Foundation: "1", Component: 1, Transport: "UDP", Priority: 1, Address: "x", Port: 1, Type: "host"}).ToICE(); !errors.Is(err, ErrMalformed) {
		t.Errorf("ToICE of a candidate with a host name = %v; want ErrMalformed", err)
	}
}

// newLoopbackAgent makes a pion/ice agent gathering UDP host candidates on
// 127.0.0.1 only, and waits for gathering to finish.
func newLoopbackAgent(t *testing.T) *ice.Agent {
	t.Helper()
	check := 20 * time.Millisecond
	a, err := ice.NewAgent(&ice.AgentConfig{
		NetworkTypes:     []ice.NetworkType{ice.NetworkTypeUDP4},
		CandidateTypes:   []ice.CandidateType{ice.CandidateTypeHost},
		IncludeLoopback:  true,
		IPFilter:         func(ip net.IP) bool { return ip.IsLoopback() },
		MulticastDNSMode: ice.MulticastDNSModeDisabled,
		CheckInterval:    &check,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Close() })
	done := make(chan struct{})
	if err := a.OnCandidate(func(c ice.Candidate) {
		if c == nil {
			close(done)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := a.GatherCandidates(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("gathering did not finish")
	}
	return a
}

// offer writes agent a's credentials and candidates into an SDP body, as the
// RMX writes its cascade offer.
func offer(t *testing.T, a *ice.Agent) []byte {
	t.Helper()
	ufrag, pwd, err := a.GetLocalUserCredentials()
	if err != nil {
		t.Fatal(err)
	}
	cands, err := a.GetLocalCandidates()
	if err != nil || len(cands) == 0 {
		t.Fatalf("local candidates: %v, %v", cands, err)
	}
	s := Session{Origin: "-", SessionID: 1, Address: cands[0].Address(), Media: []Media{{
		Kind: "audio", Port: cands[0].Port(), Proto: "RTP/AVP", Formats: []string{"0"},
		Ufrag: ufrag, Pwd: pwd, Candidates: FromICECandidates(cands), Encryption: EncryptionRejected,
	}}}
	b, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// take parses the far side's body into agent a, as the AV MCU reads the
// offer (and the RMX the answer), and returns the far side's credentials.
func take(t *testing.T, a *ice.Agent, body []byte) (ufrag, pwd string) {
	t.Helper()
	s, err := Parse(body)
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, body)
	}
	m := s.Media[0]
	for _, c := range m.Candidates {
		ic, err := c.ToICE()
		if err != nil {
			t.Fatal(err)
		}
		if err := a.AddRemoteCandidate(ic); err != nil {
			t.Fatal(err)
		}
	}
	return m.Ufrag, m.Pwd
}

// TestICEThroughSDP connects two real pion/ice agents whose only exchange
// is this package's SDP: candidates and credentials written by Marshal,
// read by Parse, handed to AddRemoteCandidate.
func TestICEThroughSDP(t *testing.T) {
	defer goleak.VerifyNone(t)
	rmx, mcu := newLoopbackAgent(t), newLoopbackAgent(t)
	offerBody, answerBody := offer(t, rmx), offer(t, mcu)
	mcuUfrag, mcuPwd := take(t, rmx, answerBody)
	rmxUfrag, rmxPwd := take(t, mcu, offerBody)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	type result struct {
		conn *ice.Conn
		err  error
	}
	accepted := make(chan result, 1)
	go func() {
		c, err := mcu.Accept(ctx, rmxUfrag, rmxPwd)
		accepted <- result{c, err}
	}()
	rmxConn, err := rmx.Dial(ctx, mcuUfrag, mcuPwd)
	r := <-accepted
	if err != nil || r.err != nil {
		t.Fatalf("ICE: dial %v, accept %v", err, r.err)
	}
	for _, dir := range []struct {
		from, to *ice.Conn
		msg      string
	}{{rmxConn, r.conn, "rmx to mcu"}, {r.conn, rmxConn, "mcu to rmx"}} {
		if _, err := dir.from.Write([]byte(dir.msg)); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 64)
		_ = dir.to.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, err := dir.to.Read(buf)
		if err != nil || string(buf[:n]) != dir.msg {
			t.Fatalf("read %q, %v; want %q", buf[:n], err, dir.msg)
		}
	}
	pair, err := rmx.GetSelectedCandidatePair()
	if err != nil || pair == nil {
		t.Fatalf("selected pair: %v, %v", pair, err)
	}
	s, _ := Parse(answerBody)
	found := false
	for _, c := range s.Media[0].Candidates {
		found = found || c.Address == pair.Remote.Address() && c.Port == pair.Remote.Port()
	}
	if !found {
		t.Errorf("selected remote candidate %s is not one the answer carried", pair.Remote)
	}
	_ = rmx.Close()
	_ = mcu.Close()
}
