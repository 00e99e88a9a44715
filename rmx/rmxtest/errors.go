package rmxtest

import (
	"errors"
	"fmt"

	"github.com/rppkit/rppkit/rmx"
)

// Phase is a step of bringing ICE up, of a cascade, or of a call.
type Phase string

// The phases, in order.
const (
	PhaseConfig    Phase = "configuration" // before anything is sent
	PhaseConnect   Phase = "connect"       // TLS to the SIP server
	PhaseRegister  Phase = "register"      // REGISTER of the ICE identity
	PhaseSubscribe Phase = "subscribe"     // in-band provisioning
	PhaseService   Phase = "service"       // MRAS credentials
	PhaseICE       Phase = "ice"           // relay candidates
	PhaseCascade   Phase = "cascade"       // joining a Lync meeting: focus addUser, AV MCU INVITE
	PhaseMedia     Phase = "media"         // ICE with the AV MCU and media both ways
	// PhaseCall is apart from bringing ICE up: a call into one of the
	// RMX's conferences (HostVMR, ServeLync) — a traditional call Lync
	// routes through a static route — which the conference profile
	// answers or refuses.
	PhaseCall Phase = "call"
)

// Why the stand-in could not open TLS to its SIP server. A failure of the
// connect phase (symptom rmx.SymptomTLS) wraps one of these; a handshake
// failure also wraps crypto/tls's own error, so errors.As finds the
// *tls.CertificateVerificationError (and its x509 error) or the
// *net.OpError of the alert the server sent.
var (
	// ErrNoCertificate: the RMX has no certificate to present.
	ErrNoCertificate = errors.New("the RMX has no certificate")
	// ErrNoSIPServer: the RMX has no SIP server configured.
	ErrNoSIPServer = errors.New("no SIP server configured")
	// ErrUnresolved: the SIP server's name does not resolve.
	ErrUnresolved = errors.New("the SIP server's name does not resolve")
	// ErrUnreachable: nothing accepts connections at the SIP server's
	// address (the wrapped *net.OpError says why).
	ErrUnreachable = errors.New("the SIP server does not accept connections")
	// ErrCertificateRefused: the SIP server ended the handshake with a
	// fatal alert — it refused the RMX's certificate (Lync's mutual TLS;
	// the lab records why, see lynctest.ErrUntrustedPeer).
	ErrCertificateRefused = errors.New("the SIP server refused the RMX's certificate in the TLS handshake")
	// ErrServerNotTrusted: the RMX could not verify the SIP server's
	// certificate.
	ErrServerNotTrusted = errors.New("the RMX does not trust the SIP server's certificate")
	// ErrHandshake: the TLS handshake failed otherwise (the server closed
	// the connection, or does not speak TLS).
	ErrHandshake = errors.New("the TLS handshake with the SIP server failed")
)

// ErrEdgeUnresolved: the Edge pool's FQDN in the MRAS URI does not resolve
// through the stand-in's resolver (WithResolver): a failure of the service
// phase, with symptom rmx.SymptomEdgeResolve, before any SERVICE is sent.
var ErrEdgeUnresolved = errors.New("the Edge pool's FQDN in the MRAS URI does not resolve")

// Error is a failure to bring ICE up: at which phase, with which symptom,
// and what the other side said. errors.Is(err, rmx.SymptomCredentialDenied)
// and the like test the symptom; errors.Is and errors.As reach the
// underlying error too.
type Error struct {
	Phase Phase
	// Symptom is what the RMX shows: one of the symptoms of package rmx,
	// the same values the rules of package rpp name (rpp.Rule.Symptoms).
	Symptom *rmx.Symptom
	Detail  string // the server's reason: ms-diagnostics, Warning, MRAS reasonPhrase
	Err     error  // the underlying error, if any
}

func (e *Error) Error() string {
	s := fmt.Sprintf("rmxtest: %s", e.Phase)
	if e.Symptom != nil {
		s += ": " + e.Symptom.Text
	}
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the symptom and the underlying error.
func (e *Error) Unwrap() []error {
	var errs []error
	if e.Symptom != nil {
		errs = append(errs, e.Symptom)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

func fail(phase Phase, symptom *rmx.Symptom, detail string, err error) *Error {
	return &Error{Phase: phase, Symptom: symptom, Detail: detail, Err: err}
}
