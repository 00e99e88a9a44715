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
// with the OCS…", "Service credential denied". The symptoms are the
// *rmx.Symptom values of package rmx (rmx.SymptomRegister, …), the same
// values the rules of package rpp list as the symptoms they explain
// (rpp.Rule.Symptoms), so errors.Is(err, rmx.SymptomCredentialDenied) asks
// the stand-in the question a rule answers statically. A failure to open
// TLS (rmx.SymptomTLS) also says why with sentinels — ErrCertificateRefused,
// ErrServerNotTrusted, ErrUnreachable, … — and wraps crypto/tls's and net's
// own errors for errors.As.
//
// The stand-in uses the ICE method that the rules infer, with
// rmx.InferICEMethod: over the lab's topology in ForLab, over the one given
// by WithTopology in New (none by default). It behaves by release: RMX 8.3
// and earlier cannot use the new ICE method, 8.5 and later cannot use the
// legacy one and refuse to run without ICE settings.
//
// Like net/http/httptest, it knows nothing of what drives it: it imports
// its system (package rmx) and lync, never rpp. ForLab takes the lab and
// the RMX's rmx.System — ForLab(lab, d.RPP.RMX[i]) for a deployment d.
//
// Lab conventions, where the device's behaviour is not published: a TLS
// refusal is reported as its own symptom (rmx.SymptomTLS) with the
// reason; an answer to the provisioning SUBSCRIBE without an MRAS URI is an
// alarm (rmx.SymptomNoMRASURI) before 8.5 and "no Edge here" from 8.5 on,
// when ICE runs without a relay; MRAS user names and passwords are used as
// standard TURN credentials, as the lab's relay is a standard TURN server
// (see package lynctest).
package rmxtest
