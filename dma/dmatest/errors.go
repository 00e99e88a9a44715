package dmatest

import (
	"errors"
	"fmt"
)

// Phase is a step of routing one incoming call.
type Phase string

// The phases of a call, in order.
const (
	// PhaseRoute: the dial string is matched against the DMA's VMRs and its
	// RealConnect dial rule.
	PhaseRoute Phase = "route"
	// PhaseResolve: the conference ID is resolved through a Lync peer
	// (C3P getConference over mutual TLS).
	PhaseResolve Phase = "resolve"
	// PhaseCascade: an MCU joins the Lync meeting.
	PhaseCascade Phase = "cascade"
	// PhaseHost: the MCU hosting a VMR takes a call Lync routed to it
	// (VMRHost), or refuses it.
	PhaseHost Phase = "host"
	// PhaseAnswer: the endpoint's INVITE is answered and acknowledged.
	PhaseAnswer Phase = "answer"
)

// Why a call failed, wrapped by *Error; test them with errors.Is.
var (
	// ErrNoRoute: the dial string is no VMR of the DMA and no Lync
	// conference ID its RealConnect dial rule takes (RealConnect off, the
	// dial prefix missing, or not a numeric conference ID).
	ErrNoRoute = errors.New("no VMR and no RealConnect dial rule matches the dial string")
	// ErrConferenceNotFound: every Lync peer answered that the conference
	// does not exist (ms-diagnostics 7002).
	ErrConferenceNotFound = errors.New("no Lync peer knows the conference ID")
	// ErrNoLyncPeer: RealConnect is on but the DMA has no Lync peer to ask.
	ErrNoLyncPeer = errors.New("the DMA has no Lync peer")
	// ErrServiceGRUU: a Lync peer's ServiceGruu is empty or not a SIP URI
	// (pasted without sip:), so the DMA has nothing to present to Lync as
	// its application.
	ErrServiceGRUU = errors.New("the Lync peer's ServiceGruu is not a SIP URI")
	// ErrPeerRefused: the Lync peer answered the conference lookup with
	// a SIP error other than "no such conference" (the Error's Status and
	// Detail say which), or a C3P failure.
	ErrPeerRefused = errors.New("the Lync peer refused the conference lookup")
	// ErrPeerUnreachable: the DMA could not open mutual TLS to the peer,
	// or the peer did not answer.
	ErrPeerUnreachable = errors.New("the Lync peer could not be reached")
	// ErrNoCertificate: the DMA has no certificate to present to Lync.
	ErrNoCertificate = errors.New("the DMA has no certificate")
	// ErrNoMCU: no MCU is available to host the conference.
	ErrNoMCU = errors.New("no MCU to host the conference")
	// ErrMCURefused: the MCU hosting the VMR refused the call (its
	// Refusal, and the MCU's own error, are wrapped too).
	ErrMCURefused = errors.New("the MCU refused the call into the VMR")
	// ErrNoAck: the endpoint did not acknowledge the DMA's 200.
	ErrNoAck = errors.New("the endpoint did not acknowledge the answer")
)

// Error is why one call failed: at which phase, for which dialled
// number, what the far side said (Status and Detail: a Lync peer's status
// code, ms-diagnostics and Warning) and the underlying error.
type Error struct {
	Phase  Phase
	Number string // the dial string, the Request-URI's user part
	Peer   string // the Lync peer involved, if any
	Status int    // the far side's SIP status, if any
	Detail string // the far side's ms-diagnostics / Warning
	Err    error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("dmatest: %s of %q", e.Phase, e.Number)
	if e.Peer != "" {
		s += " via " + e.Peer
	}
	if e.Status != 0 {
		s += fmt.Sprintf(": %d", e.Status)
	}
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }
