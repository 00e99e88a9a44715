// Package sdp reads and writes the SDP of the RealConnect cascade between
// an RMX and the Lync AV MCU: audio and video m-lines with ICE credentials
// and candidates as Lync writes them (RFC 5245 a=candidate lines, MS-ICE2
// transports UDP, TCP-PASS and TCP-ACT, MS-SDPEXT §3.1.5.21's
// a=x-candidate-ipv6), MS-SDPEXT's a=encryption, and RFC 4568 a=crypto.
// It sits on github.com/pion/sdp/v3 and converts candidates to and from
// github.com/pion/ice/v2, so an agent's gathered candidates go straight
// into an offer and the far side's straight into AddRemoteCandidate.
//
// What is read, and why:
//   - a=candidate and a=x-candidate-ipv6 (same syntax; MS-SDPEXT says a
//     sender unsure of the peer's IPv6 support puts IPv6 candidates in the
//     latter) are kept apart, in Media.Candidates and Media.IPv6Candidates.
//   - MS-ICE version 1 candidates (Office Communicator 2007, fractional
//     priorities, credentials inside each line) are refused with an error
//     saying so: the AV MCU cascade uses MS-ICE2.
//   - An IPv6 connection address (c=IN IP6) is reported with ErrIPv6: the
//     AV MCU refuses it (ms-diagnostics 7009), so a stand-in must see it.
//
// Parsing is for hostile input: bodies are bounded by MaxBody and every
// error names the line.
package sdp

import (
	"errors"
	"fmt"
)

// ContentType is the SIP Content-Type of the cascade's SDP. The AV MCU
// takes no other: it answers a multipart/alternative or other body with
// 415 or 488 and ms-diagnostics 7004/7008 (PROTOCOLS.md §5).
const ContentType = "application/sdp"

// MaxBody bounds what Parse reads: a Lync AV MCU offer with audio, video
// and a dozen candidates per stream is 2–4 KB.
const MaxBody = 64 << 10

// ErrMalformed is wrapped by the errors about SDP that is not what the
// cascade needs.
var ErrMalformed = errors.New("malformed SDP")

// ErrIPv6 is wrapped by the error Parse returns for an IPv6 connection
// address (c=IN IP6 …), which the AV MCU refuses with ms-diagnostics 7009.
// Parse still returns the session it read alongside this error.
var ErrIPv6 = errors.New("IPv6 connection address")

// LineError reports the line of the body at fault.
type LineError struct {
	Line   int    // 1-based; 0 when the fault is in the body as a whole
	Text   string // the line, cut to 80 bytes
	Reason string
	Err    error // ErrMalformed or ErrIPv6, possibly wrapped with more detail
}

func (e *LineError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("sdp: %s", e.Reason)
	}
	return fmt.Sprintf("sdp: line %d %q: %s", e.Line, e.Text, e.Reason)
}

// Unwrap returns Err, so errors.Is(err, ErrMalformed) and
// errors.Is(err, ErrIPv6) work.
func (e *LineError) Unwrap() error { return e.Err }

// Encryption is MS-SDPEXT's a=encryption attribute: whether the sender
// requires SRTP on the stream, offers it, or refuses it. A meeting that
// requires encryption has its AV MCU refuse "rejected" with 488 and
// ms-client-diagnostics 52017.
type Encryption string

// The values of a=encryption; the empty Encryption means the line is
// absent.
const (
	EncryptionRequired Encryption = "required"
	EncryptionOptional Encryption = "optional"
	EncryptionRejected Encryption = "rejected"
)

// Valid reports whether e is one of the three values.
func (e Encryption) Valid() bool {
	return e == EncryptionRequired || e == EncryptionOptional || e == EncryptionRejected
}

// Session is the part of an SDP body the cascade uses.
type Session struct {
	Origin         string // the user name in o=
	SessionID      uint64 // o= sess-id
	SessionVersion uint64 // o= sess-version
	Address        string // the session-level c= address (also o='s)
	Attributes     []Attribute
	Media          []Media
}

// Media is one m= section.
type Media struct {
	Kind    string   // audio, video, …
	Port    int      // the m= port
	Proto   string   // RTP/AVP, RTP/SAVP
	Formats []string // payload types

	Address string // a media-level c= address; "" when the session's applies

	Ufrag, Pwd     string // a=ice-ufrag, a=ice-pwd (a session-level value is copied here)
	Candidates     []Candidate
	IPv6Candidates []Candidate // a=x-candidate-ipv6
	Encryption     Encryption
	Crypto         []string // a=crypto values: "TAG SUITE inline:KEY…"
	Label          string   // a=label: main-audio, main-video, …

	Attributes []Attribute // every other attribute (rtpmap, fmtp, rtcp, …), in order
}

// Attribute is an a= line this package does not interpret. A property
// attribute (a=sendrecv) has an empty Value.
type Attribute struct {
	Key, Value string
}
