package lynctest

import (
	"fmt"

	"github.com/emiago/sipgo/sip"
	"strings"
	"sync"
	"time"
)

// Direction says which way a recorded message went, seen from the lab.
type Direction string

// Directions of a recorded message.
const (
	In  Direction = "in"  // received by a Front End or Edge
	Out Direction = "out" // sent by one
	// Refused marks a connection refused before any SIP: a TLS handshake
	// that failed the trust check.
	Refused Direction = "refused"
	// Closed marks a connection the lab closed: Err says why
	// (ErrKeepAliveTimeout).
	Closed Direction = "closed"
)

// Message is one recorded SIP message (or refused connection).
type Message struct {
	Time      time.Time
	Direction Direction
	// Server is the Front End or Edge FQDN.
	Server string
	// Peer is the trusted computer the certificate names, or the address
	// when no certificate was accepted.
	Peer string
	// StartLine is the request or status line; for a refused connection,
	// why it was refused.
	StartLine string
	// Text is the whole message as sent or received.
	Text string
	// Err is, for a Closed connection, why the lab closed it; for a
	// Refused connection, why it was refused: for a Front
	// End it wraps ErrUntrustedPeer and the reason (ErrNoSAN,
	// ErrWildcardCertificate, …) when the trust check refused the
	// certificate, else the TLS error; for an Edge it wraps
	// ErrEdgeRefusesApplications. Test it with errors.Is.
	Err error

	// msg, when set, is the message whose text Text is: rendered when the
	// recording is read rather than on the request's path, which cost the
	// lab's MRAS a tenth of its time. The lab records a message once it is
	// final — a request once its handler has it, a response just before it
	// is sent — and changes it no more.
	msg sip.Message
}

// recorder keeps what the lab sends and receives, up to a bound, so that a
// flood cannot exhaust memory.
type recorder struct {
	max int

	mu      sync.Mutex
	msgs    []Message
	dropped int
}

func (r *recorder) add(m Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.msgs) >= r.max {
		r.dropped++
		return
	}
	r.msgs = append(r.msgs, m)
}

func (r *recorder) messages() []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range r.msgs {
		if m := &r.msgs[i]; m.msg != nil {
			m.Text, m.msg = m.msg.String(), nil
		}
	}
	return append([]Message(nil), r.msgs...)
}

// ladder draws the messages as a ladder diagram, one line each:
//
//	rmx-east.contoso.com  ── SUBSCRIBE sip:rpp-east@contoso.com ──▶  fe-east.contoso.com
//	rmx-east.contoso.com  ◀── 200 OK ──                                fe-east.contoso.com
func (r *recorder) ladder() string {
	msgs := r.messages()
	var b strings.Builder
	for _, m := range msgs {
		arrow := "── " + m.StartLine + " ──▶"
		switch m.Direction {
		case Out:
			arrow = "◀── " + m.StartLine + " ──"
		case Refused, Closed:
			arrow = "──✕ " + m.StartLine
		}
		fmt.Fprintf(&b, "%s  %-26s %-60s %s\n", m.Time.Format("15:04:05.000"), m.Peer, arrow, m.Server)
	}
	r.mu.Lock()
	if r.dropped > 0 {
		fmt.Fprintf(&b, "(%d more messages not recorded)\n", r.dropped)
	}
	r.mu.Unlock()
	return b.String()
}
