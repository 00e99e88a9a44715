// Package dmatest is a Polycom RealPresence DMA stand-in for RealConnect
// tests, as net/http/httptest is an HTTP server for tests: built from a
// dma.System (an rpp.dma entry of a deployment file), it takes calls from
// standards SIP endpoints on loopback, resolves a dialled Lync conference
// ID through its Lync peer, has an MCU cascade into the Lync meeting, and
// answers the endpoint — keeping a call log (DMA.Calls) that tests and the
// lab read.
//
// What the stand-in does, and where each behaviour comes from:
//
//   - Endpoints (a Group Series in a meeting room) call it with plain SIP
//     over UDP or TCP on one loopback port (Start returns it). The dial
//     string is the Request-URI's user part.
//
//   - With a certificate, it also takes SIP over mutual TLS from Lync
//     (TLSAddr): a Front End opens its own connection to a trusted
//     application computer (OPTIONS health, the calls it routes), and checks
//     the DMA's server certificate against the FQDN it dialled
//     (PROTOCOLS.md §5; lynctest.Server.ProbeComputer) — so a shared,
//     wildcard or wrong-name certificate fails there, as on the real system.
//
//   - A dial string that is one of the DMA's VMRs (System.VMRs) is answered
//     200 at once, without Lync.
//
//   - The traditional workflow: a Lync user's call to a VMR that Lync
//     routes to the DMA through a static route (lynctest.Server.Route)
//     arrives over mutual TLS; the DMA hands the caller's SDP offer to the
//     MCU that hosts its VMRs (VMRHost: WithVMRHost, or an MCU of WithMCU
//     that implements it; the first one is used) and relays its answer to
//     Lync — 200 with the MCU's SDP, so media goes to the MCU — or its
//     refusal as the MCU gave it (Refusal: an RMX whose conference profile
//     never encrypts answers a Lync client, which requires encryption, 488
//     with ms-client-diagnostics 52017, the "video not accepted" story).
//     The call log holds the MCU's error (PhaseHost, ErrMCURefused, and the
//     MCU's own error, so errors.Is(call.Err, rmx.SymptomVideoNotAccepted)
//     holds). Without a VMR host the DMA answers the call itself, as it
//     answers endpoints; a number that is no VMR gets its 404. Lab
//     convention: only calls from Lync go to the VMR host; endpoints'
//     calls to VMRs are still answered by the DMA.
//
//   - With RealConnect on, a dial string of the DMA's dial prefix
//     (System.RealConnect.DialPrefix) followed by a numeric conference ID
//     (lync.DialInID) is a Lync meeting to join: the "Dial by Lync
//     Conference ID" dial rule of the Polycom DMA Operations Guide
//     ("Integrations with Other Systems"): the DMA asks its Lync peers for
//     the conference, "if the conference ID is resolved" Lync gives the DMA
//     the conference information, and the DMA starts the conference on a
//     Lync-capable MCU that "builds a cascade link between the newly created
//     conference and the conference hosted on the Lync AVMCU". Here the MCU
//     is anything implementing MCU (WithMCU) — the lab hands each DMA the
//     RMX stand-ins it manages (rmx/rmxtest, adapted with MCUFunc), so
//     dmatest does not import rmxtest.
//
//   - The lookup goes to each Lync peer (System.LyncPeers) in turn over
//     mutual TLS, with the DMA's own certificate (ForLab issues it with
//     exactly the names the deployment gives the DMA's certificate), to the
//     address WithResolver gives for the peer's FQDN. From and Contact are
//     the peer's ServiceGruu exactly as configured — the Lync Integration
//     tab's CsTrustedApplication ServiceGruu — so a GRUU of another pool is
//     refused by Lync (lynctest answers 403 with ms-diagnostics 4004), and
//     one pasted without sip: is not a URI the DMA can use at all: the
//     lookup fails before anything is sent (ErrServiceGRUU; rpp's rule
//     dma-gruu-prefix says so statically).
//
//   - Lab convention (nothing public describes these steps on the wire; see
//     PROTOCOLS.md §5): the lookup is a C3P getConference SERVICE to the
//     focus factory of the Service GRUU's address
//     (sip:POOL@DOMAIN;gruu;opaque=app:conf:focusfactory), Content-Type
//     application/cccp+xml, carrying the dial-in ID (package lync/c3p
//     documents the conferenceKeys attribute); the answer's conference-info
//     entity is the meeting's focus URI, which the DMA hands to the MCU.
//     A 404 with ms-diagnostics 7002 "The specified conference does not
//     exist." is "not resolved".
//
//   - Lab convention for the refusals, which Polycom does not publish: the
//     Operations Guide says an unresolved conference ID falls through to
//     the next dial rule; with none left the call is not routed, so the
//     stand-in answers 404 Not Found — for a dial string nothing routes
//     (PhaseRoute) and for a conference ID no peer resolves, whatever the
//     reason (PhaseResolve). A conference the MCU could not join is
//     answered 503 Service Unavailable (PhaseCascade), so the failure shows
//     at the endpoint; on the device the endpoint may instead sit in an
//     RMX conference without the Lync side. Every refusal carries a
//     Warning header (RFC 3261 §20.43) naming the DMA and the reason.
//
//   - The answer is 200 with a plain RTP offer/answer (PCMU) on a media
//     port of the call; the stand-in counts what the endpoint sends there
//     and echoes it back to the sender (lab convention: a real DMA sends no
//     media at all — the MCU does; the echo lets an endpoint count media
//     both ways). It retransmits the 200 over UDP until the ACK (RFC 3261
//     §13.3.1.4); the endpoint's BYE ends the call and hangs the cascade
//     up.
//
// Failures are *Error values with the Phase (route, resolve, cascade,
// host, answer), the far side's status and ms-diagnostics, and a sentinel for
// errors.Is (ErrNoRoute, ErrConferenceNotFound, ErrServiceGRUU,
// ErrPeerRefused, ErrPeerUnreachable, ErrNoMCU, …); each call's record
// (Call) holds its error.
//
// Dial is a SIP endpoint stand-in (an INVITE with a plain RTP offer, ACK,
// media, BYE) for tests; the package's tests also drive the stand-in with
// SIPp (testdata/*.xml scenarios), as a third-party endpoint.
package dmatest
