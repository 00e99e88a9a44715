package sdp

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/pion/ice/v2"
)

// The transports of a Lync candidate. Lync writes TCP candidates with the
// transport tokens of the early ICE-TCP drafts that MS-ICE2 follows
// (TCP-PASS, TCP-ACT) rather than RFC 6544's "TCP … tcptype passive".
const (
	TransportUDP     = "UDP"
	TransportTCPPass = "TCP-PASS" // accepts connections
	TransportTCPAct  = "TCP-ACT"  // opens connections
)

// The candidate types (RFC 5245 §15.1).
const (
	TypeHost  = "host"
	TypeSrflx = "srflx"
	TypePrflx = "prflx"
	TypeRelay = "relay"
)

// Candidate is an ICE candidate as an a=candidate (or a=x-candidate-ipv6)
// line carries it (RFC 5245 §15.1; MS-ICE2; MS-SDPEXT §3.1.5.21):
//
//	1 1 UDP 54001663 192.0.2.10 3478 typ relay raddr 10.0.2.122 rport 3478
type Candidate struct {
	Foundation     string // 1–32 ice-chars
	Component      int    // 1 RTP, 2 RTCP
	Transport      string // TransportUDP, TransportTCPPass or TransportTCPAct
	Priority       uint32 // 1 to 2^31-1
	Address        string // an IP address
	Port           int
	Type           string // TypeHost, TypeSrflx, TypePrflx or TypeRelay
	RelatedAddress string // raddr; "" for none
	RelatedPort    int    // rport
	Extensions     []Extension
}

// Extension is a name/value pair after the standard candidate fields, as
// Lync's "MTURNID 1485…" on relay candidates.
type Extension struct {
	Name, Value string
}

// String returns the value of the a=candidate attribute (without
// "candidate:"), the transport in Lync's upper case.
func (c Candidate) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %d %s %d %s %d typ %s", c.Foundation, c.Component, c.Transport, c.Priority, c.Address, c.Port, c.Type)
	if c.RelatedAddress != "" {
		fmt.Fprintf(&b, " raddr %s rport %d", c.RelatedAddress, c.RelatedPort)
	}
	for _, e := range c.Extensions {
		b.WriteByte(' ')
		b.WriteString(e.Name)
		b.WriteByte(' ')
		b.WriteString(e.Value)
	}
	return b.String()
}

// ParseCandidate reads the value of an a=candidate or a=x-candidate-ipv6
// attribute, with or without a leading "candidate:". The transport is read
// without regard to case; RFC 6544's "TCP … tcptype passive|active" is read
// as TCP-PASS or TCP-ACT. Errors wrap ErrMalformed and name the field.
func ParseCandidate(s string) (Candidate, error) {
	bad := func(format string, args ...any) (Candidate, error) {
		return Candidate{}, fmt.Errorf("%w: candidate %q: %s", ErrMalformed, s, fmt.Sprintf(format, args...))
	}
	v := strings.TrimPrefix(s, "candidate:")
	f := strings.Fields(v)
	if len(f) == 7 && isQValue(f[4]) {
		// MS-ICE (version 1): USERNAME COMPONENT PASSWORD TRANSPORT QVALUE ADDRESS PORT.
		return bad("an MS-ICE version 1 candidate (Office Communicator 2007: credentials in the line, q-value %s); only MS-ICE2/RFC 5245 candidates are read", f[4])
	}
	if len(f) < 8 {
		return bad("%d fields; want at least 8 (foundation component transport priority address port typ type)", len(f))
	}
	var c Candidate
	c.Foundation = f[0]
	if err := checkFoundation(c.Foundation); err != nil {
		return bad("foundation: %v", err)
	}
	comp, err := strconv.Atoi(f[1])
	if err != nil || comp < 1 || comp > 256 || f[1][0] == '+' {
		return bad("component %q: want 1 to 256", f[1])
	}
	c.Component = comp
	transport := strings.ToUpper(f[2])
	switch transport {
	case TransportUDP, TransportTCPPass, TransportTCPAct, "TCP":
	case "TCP-SO":
		return bad("transport TCP-SO (simultaneous open) is not one Lync uses")
	default:
		return bad("transport %q: want UDP, TCP-PASS or TCP-ACT", f[2])
	}
	prio, err := strconv.ParseUint(f[3], 10, 32)
	if err != nil || prio < 1 || prio > 1<<31-1 || f[3][0] == '+' {
		return bad("priority %q: want 1 to 2^31-1", f[3])
	}
	c.Priority = uint32(prio)
	if c.Address, err = checkIP(f[4]); err != nil {
		return bad("address: %v", err)
	}
	if c.Port, err = parsePort(f[5]); err != nil {
		return bad("port: %v", err)
	}
	if f[6] != "typ" {
		return bad("%q where \"typ\" belongs", f[6])
	}
	switch c.Type = f[7]; c.Type {
	case TypeHost, TypeSrflx, TypePrflx, TypeRelay:
	default:
		return bad("type %q: want host, srflx, prflx or relay", f[7])
	}
	rest := f[8:]
	if len(rest) >= 1 && rest[0] == "raddr" {
		if len(rest) < 4 || rest[2] != "rport" {
			return bad("raddr without rport")
		}
		if c.RelatedAddress, err = checkIP(rest[1]); err != nil {
			return bad("raddr: %v", err)
		}
		if c.RelatedPort, err = parsePort(rest[3]); err != nil {
			return bad("rport: %v", err)
		}
		rest = rest[4:]
	}
	if len(rest)%2 != 0 {
		return bad("extension %q has no value", rest[len(rest)-1])
	}
	for i := 0; i < len(rest); i += 2 {
		name, value := rest[i], rest[i+1]
		switch name {
		case "raddr", "rport":
			return bad("%s must follow typ directly", name)
		case "tcptype":
			if transport != "TCP" {
				return bad("tcptype with transport %s", transport)
			}
			switch strings.ToLower(value) {
			case "passive":
				transport = TransportTCPPass
			case "active":
				transport = TransportTCPAct
			default:
				return bad("tcptype %q: want passive or active", value)
			}
			continue
		}
		c.Extensions = append(c.Extensions, Extension{Name: name, Value: value})
	}
	if transport == "TCP" {
		return bad("transport TCP without tcptype; Lync writes TCP-PASS or TCP-ACT")
	}
	c.Transport = transport
	return c, nil
}

// isQValue reports whether s is a q-value such as 0.830 (RFC 3261's
// qvalue), which MS-ICE version 1 candidates carry where RFC 5245 has the
// address.
func isQValue(s string) bool {
	q, err := strconv.ParseFloat(s, 64)
	return err == nil && strings.Count(s, ".") == 1 && q >= 0 && q <= 1
}

func checkFoundation(s string) error {
	if len(s) > 32 {
		return fmt.Errorf("%q is longer than 32 characters", s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return fmt.Errorf("%q: %q is not an ice-char", s, c)
		}
	}
	return nil
}

func checkIP(s string) (string, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return "", fmt.Errorf("%q is not an IP address", s)
	}
	return a.String(), nil
}

func parsePort(s string) (int, error) {
	p, err := strconv.ParseUint(s, 10, 16)
	if err != nil || s[0] == '+' {
		return 0, fmt.Errorf("%q: want 0 to 65535", s)
	}
	return int(p), nil
}

// FromICE converts a candidate a pion/ice agent gathered, so it can go into
// an offer or answer. pion's UDP candidates become UDP; its TCP host
// candidates TCP-PASS or TCP-ACT by their tcptype, and TCP candidates that
// carry none (pion gathers only passive TCP) TCP-PASS.
func FromICE(c ice.Candidate) Candidate {
	out := Candidate{
		Foundation: c.Foundation(),
		Component:  int(c.Component()),
		Transport:  TransportUDP,
		Priority:   c.Priority(),
		Address:    c.Address(),
		Port:       c.Port(),
		Type:       c.Type().String(),
	}
	if c.NetworkType().IsTCP() {
		out.Transport = TransportTCPPass
		if c.TCPType() == ice.TCPTypeActive {
			out.Transport = TransportTCPAct
		}
	}
	if r := c.RelatedAddress(); r != nil && r.Address != "" {
		out.RelatedAddress, out.RelatedPort = r.Address, r.Port
	}
	return out
}

// FromICECandidates converts each of cs with FromICE.
func FromICECandidates(cs []ice.Candidate) []Candidate {
	out := make([]Candidate, len(cs))
	for i, c := range cs {
		out[i] = FromICE(c)
	}
	return out
}

// ToICE converts the candidate for an agent's AddRemoteCandidate.
// Extensions are dropped (pion has no place for them), and pion keeps the
// TCP direction only on host candidates.
func (c Candidate) ToICE() (ice.Candidate, error) {
	if _, err := ParseCandidate(c.String()); err != nil {
		return nil, err
	}
	network := "udp"
	tcpType := ice.TCPTypeUnspecified
	switch c.Transport {
	case TransportTCPPass:
		network, tcpType = "tcp", ice.TCPTypePassive
	case TransportTCPAct:
		network, tcpType = "tcp", ice.TCPTypeActive
	}
	comp := uint16(c.Component)
	var (
		out ice.Candidate
		err error
	)
	switch c.Type {
	case TypeHost:
		out, err = ice.NewCandidateHost(&ice.CandidateHostConfig{Network: network, Address: c.Address, Port: c.Port,
			Component: comp, Priority: c.Priority, Foundation: c.Foundation, TCPType: tcpType})
	case TypeSrflx:
		out, err = ice.NewCandidateServerReflexive(&ice.CandidateServerReflexiveConfig{Network: network, Address: c.Address, Port: c.Port,
			Component: comp, Priority: c.Priority, Foundation: c.Foundation, RelAddr: c.RelatedAddress, RelPort: c.RelatedPort})
	case TypePrflx:
		out, err = ice.NewCandidatePeerReflexive(&ice.CandidatePeerReflexiveConfig{Network: network, Address: c.Address, Port: c.Port,
			Component: comp, Priority: c.Priority, Foundation: c.Foundation, RelAddr: c.RelatedAddress, RelPort: c.RelatedPort})
	case TypeRelay:
		out, err = ice.NewCandidateRelay(&ice.CandidateRelayConfig{Network: network, Address: c.Address, Port: c.Port,
			Component: comp, Priority: c.Priority, Foundation: c.Foundation, RelAddr: c.RelatedAddress, RelPort: c.RelatedPort})
	}
	if err != nil {
		return nil, fmt.Errorf("sdp: candidate %q for pion/ice: %w", c.String(), err)
	}
	return out, nil
}
