// Package rmxtest is an RMX stand-in that behaves like the device on the
// wire when it brings ICE up with Lync: built from an rmx.System (an
// rpp.rmx entry of a deployment file) and its certificate, it connects to
// its SIP server over mutual TLS, registers the identity it uses for ICE,
// subscribes for in-band provisioning to learn the MRAS URI, resolves the
// Edge pool's FQDN that the MRAS URI names (WithResolver; a name it cannot
// resolve fails with ErrEdgeUnresolved and "edge server resolve failed on
// the service request"), asks MRAS for relay credentials (From = Server User Name @ Server Domain Name, Contact
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
// Once ICE is up, Cascade joins a Lync meeting as the RMX does for
// RealConnect (RMX Administrator's Guide, AV MCU cascade; PROTOCOLS.md §5):
// an INVITE to the meeting's focus with a C3P addUser (MS-CONFBAS
// §2.2.3.4: conferenceKeys confEntity = the focus URI, the user entity the
// RMX's ICE identity with role attendee and an endpoint GUID), Contact the
// same as for MRAS (the Service GRUU of SIP_CONTACT_OVERRIDE_STR with sip:
// in front on the new method), then ACK; then an INVITE to the AV MCU —
// the URI the focus lists in its answer's conf-uris, else the focus URI
// with audio-video for focus — with Content-Type application/sdp and an
// offer whose ICE candidates are relay candidates gathered with the MRAS
// credentials (GatherRelay, a new agent per cascade), with
// a=encryption from the RMX's first conference profile (MS-SDP, "SDP
// Extensions": always → required, when available → optional, none →
// rejected; an SRTP key in a=crypto and RTP/SAVP unless rejected). ICE
// runs through the Edge relay (the RMX controls, being the offerer), and
// media flows both ways: RTP-sized packets at 50 a second, counted in
// bytes and packets (Cascade.Stats), with the selected candidate pair's
// types. Hangup sends BYE to the AV MCU and the focus. Failures are
// *Error values of PhaseCascade (signalling: the focus's or the AV MCU's
// refusal in Detail) or PhaseMedia (no relay, ICE, no media back). An AV
// MCU that refuses the offer's encryption answers 488 (MS-SDP's answer for
// incompatible encryption levels; Lync adds ms-client-diagnostics 52017
// "Encryption levels dont match"), and the error carries
// rmx.SymptomVideoNotAccepted — the "video not accepted" story, which rpp's
// rule rmx-encryption explains statically.
//
// Lab conventions of the cascade: the media bytes are not encrypted
// whatever a=encryption says (the lab's relay and AV MCU are standard
// ICE/TURN, see package lynctest); one video stream carries the ICE
// session (the device offers audio, video and content).
//
// Deliberately wrong devices, for tests that must see the kit fail:
// WithoutFocusJoin (the AV MCU INVITE without addUser),
// WithAVMCUContentType (the offer under another Content-Type), and a
// SIP_CONTACT_OVERRIDE_STR pasted with sip: on firmware that does not strip
// it (the default; WithSchemeStripping is firmware that does), which puts
// sip:sip:… in Contact.
//
// Calls into the RMX's conferences — the traditional workflow, where Lync
// routes a user's call to a VMR through a static route (PROTOCOLS.md §5)
// — are answered by HostVMR, by the RMX's first conference profile (the
// one Cascade uses; none means no encryption): a profile that never
// encrypts refuses an offer requiring encryption (a=encryption:required,
// MS-SDPEXT; or RTP/SAVP without it), "when available" answers SRTP when
// offered, "always" refuses an offer without it; the answer is RTP/SAVP
// with the RMX's own a=crypto key (RFC 4568) when it encrypts, on real
// loopback ports that echo what arrives (VMRCall.Stats). A refusal is an
// *Error of PhaseCall with rmx.SymptomVideoNotAccepted wrapping a *Refusal:
// 488 Not Acceptable Here with ms-client-diagnostics 52017;reason=
// "Encryption levels dont match", which a DMA stand-in relays to Lync.
// ServeLync adds the RMX's own SIP over mutual TLS listener, so Lync's
// OPTIONS probe reaches the RMX and a static route straight at it works.
// Lab conventions: the RMX writing the 52017 header itself (Polycom does not
// publish its 488's headers), media echoed rather than mixed, SRTP keys
// negotiated but not run, no ICE on a traditional call.
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
