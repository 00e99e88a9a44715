// Package rmxtest is an RMX stand-in that behaves like the device on the
// wire when it brings ICE up with Lync: built from an rmx.System (an
// rpp.rmx entry of a deployment file) and its certificate, it connects to
// its SIP server over mutual TLS, registers the identity it uses for ICE,
// subscribes for in-band provisioning to learn the MRAS URI, asks MRAS for
// relay credentials (From = Server User Name @ Server Domain Name, Contact
// = SIP_CONTACT_OVERRIDE_STR on the new method), gathers relay candidates
// with pion/ice through them, and reports its ICE status the way the RMX
// does.
//
// Each failure is an *Error carrying the phase and the symptom an admin
// sees on the real device — "MS – register fail", "Failed to subscribe
// with the OCS…", "Service credential denied" — testable with errors.Is
// against the Err… values. The stand-in behaves by release: RMX 8.3 and
// earlier cannot use the new ICE method, 8.5 and later cannot use the
// legacy one and refuse to run without ICE settings.
//
// Lab conventions, where the device's behaviour is not published: a TLS
// refusal is reported as its own symptom (ErrTLS) with the server's reason;
// an answer to the provisioning SUBSCRIBE without an MRAS URI is an alarm
// (ErrNoMRASURI) before 8.5 and "no Edge here" from 8.5 on, when ICE runs
// without a relay; MRAS user names and passwords are used as standard TURN
// credentials, as the lab's relay is a standard TURN server (see package
// lynctest).
package rmxtest
