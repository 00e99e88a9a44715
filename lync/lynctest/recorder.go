package lynctest

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
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
	// ErrEdgeRefusesApplications, or, when a Front End (the Peer) gave up
	// its hop to the Edge, ErrEdgeCertificate. Test it with errors.Is.
	Err error

	// msg, when set, is the message whose text Text is: rendered when the
	// recording is read rather than on the request's path, which cost the
	// lab's MRAS a tenth of its time. The lab records a message once it is
	// final — a request once its handler has it, a response just before it
	// is sent — and changes it no more.
	msg sip.Message

	// pending marks a place reserve kept for a request whose handler has
	// not recorded it (yet): messages leaves it out.
	pending bool
}

// recorder keeps what the lab sends and receives, up to a bound, so that a
// flood cannot exhaust memory.
type recorder struct {
	max int

	mu      sync.Mutex
	msgs    []Message
	dropped int
	// reserved are the places reserve kept, by request; early the
	// requests a handler recorded before reserve came to them.
	reserved map[*sip.Request]int
	early    map[*sip.Request]struct{}
}

// reserve keeps the next place of the recording for req, which arrived at
// t, so that the lab's requests are recorded in the order they arrived on
// a connection. sipgo hands each request to a goroutine of its own, and
// handlers record in whatever order those run: a device's ACK could land
// after the INVITE it sent next. Call it where sipgo reads requests, in
// order (a TransportLayer.OnMessage hook); add fills the place when the
// request's handler records it. sipgo calls that hook after it has handed
// the request to its goroutine, so the handler may have recorded it
// already: then it is last, which is still before anything read after it,
// and reserve keeps no place. A request no handler gets (an ACK that its
// transaction absorbs) keeps an empty place, which takes one of the
// recorder's max.
func (r *recorder) reserve(req *sip.Request, t time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.early[req]; ok {
		delete(r.early, req)
		return
	}
	if len(r.msgs) >= r.max {
		return // add counts it as dropped
	}
	if r.reserved == nil {
		r.reserved = map[*sip.Request]int{}
	}
	r.reserved[req] = len(r.msgs)
	r.msgs = append(r.msgs, Message{Time: t, pending: true})
}

// reserveRequests is the TransportLayer.OnMessage hook of a user agent of
// the lab that reserves a place for each request as it is read. Install it
// before the user agent serves or sends anything: sipgo reads its hooks
// without a lock.
func (r *recorder) reserveRequests(now func() time.Time) sip.MessageHandler {
	return func(m sip.Message) {
		if req, ok := m.(*sip.Request); ok {
			r.reserve(req, now())
		}
	}
}

// add records m: in the place reserve kept for its request (an incoming
// request recorded with msg set), with the time it arrived, or else last.
func (r *recorder) add(m Message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if req, ok := m.msg.(*sip.Request); ok && m.Direction == In {
		if i, ok := r.reserved[req]; ok {
			delete(r.reserved, req)
			m.Time = r.msgs[i].Time
			r.msgs[i] = m
			return
		}
		if r.early == nil {
			r.early = map[*sip.Request]struct{}{}
		}
		r.early[req] = struct{}{}
	}
	if len(r.msgs) >= r.max {
		r.dropped++
		return
	}
	r.msgs = append(r.msgs, m)
}

func (r *recorder) messages() []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Message, 0, len(r.msgs))
	for i := range r.msgs {
		m := &r.msgs[i]
		if m.pending {
			continue
		}
		if m.msg != nil {
			m.Text, m.msg = m.msg.String(), nil
		}
		out = append(out, *m)
	}
	return out
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
