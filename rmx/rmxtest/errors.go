package rmxtest

import (
	"errors"
	"fmt"
)

// Phase is a step of bringing ICE up.
type Phase string

// The phases, in order.
const (
	PhaseConfig    Phase = "configuration" // before anything is sent
	PhaseConnect   Phase = "connect"       // TLS to the SIP server
	PhaseRegister  Phase = "register"      // REGISTER of the ICE identity
	PhaseSubscribe Phase = "subscribe"     // in-band provisioning
	PhaseService   Phase = "service"       // MRAS credentials
	PhaseICE       Phase = "ice"           // relay candidates
)

// Symptoms: what the RMX shows (alarms of its Active Alarms list, texts of
// its ICE status), word for word so that an admin can search for them —
// hence the capitals. Compare with errors.Is.
//
//lint:file-ignore ST1005 the symptom texts are the device's own
var (
	ErrICENotConfigured  = errors.New("ICE is not configured, though this release makes it mandatory")
	ErrICEEnvironment    = errors.New("ICE environment is not MS: the RMX does not ask Lync for relay credentials")
	ErrMethodUnsupported = errors.New("this release does not support the configured ICE method")
	ErrTLS               = errors.New("TLS connection to the SIP server failed")
	ErrRegister          = errors.New("MS – register fail")
	ErrSubscribe         = errors.New("Failed to subscribe with the OCS, therefore the A/V Edge Server URI was not received")
	ErrNoMRASURI         = errors.New("Received Notification does not contain URI")
	ErrEdgeResolve       = errors.New("edge server resolve failed on the service request")
	ErrMRASFailure       = errors.New("Failure response from the A/V Edge Server to the RMX Service Request")
	ErrCredentialDenied  = errors.New("Service credential denied")
	ErrNoCredentials     = errors.New("Received Service message does not contain the Credentials")
	ErrNoRelay           = errors.New("ICE: the relay gave no candidate")
)

// Error is a failure to bring ICE up: at which phase, with which symptom,
// and what the other side said.
type Error struct {
	Phase   Phase
	Symptom error  // one of the Err… values
	Detail  string // the server's reason: ms-diagnostics, Warning, TLS alert
	Err     error  // the underlying error, if any
}

func (e *Error) Error() string {
	s := fmt.Sprintf("rmxtest: %s: %v", e.Phase, e.Symptom)
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
	if e.Err == nil {
		return []error{e.Symptom}
	}
	return []error{e.Symptom, e.Err}
}

func fail(phase Phase, symptom error, detail string, err error) *Error {
	return &Error{Phase: phase, Symptom: symptom, Detail: detail, Err: err}
}
