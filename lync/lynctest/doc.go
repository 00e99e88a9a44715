// Package lynctest runs an in-process Lync Server Front End and Edge on
// loopback, for tests of anything that integrates with Lync as a trusted
// application — an RMX-like MCU, a gateway, a management tool — the way
// net/http/httptest runs an HTTP server.
//
// NewServer builds, from a lync.Topology, one Front End per Front End pool
// and one Edge per Edge pool, on 127.0.0.1 with ephemeral ports and
// certificates from a CA made for the test (Server.CA), which also issues
// clients' certificates with exactly the names a deployment gives them.
//
// What the stand-in does, and where each behaviour comes from:
//
//   - Trust (learn.microsoft.com, "TLS and MTLS for Skype for Business
//     Server"): a Front End speaks SIP over TLS and requires a client
//     certificate. It accepts a peer only when a DNS name of the
//     certificate's SAN is a computer of a trusted application pool, and
//     when no name of the certificate — SAN or subject CN — is a wildcard;
//     others are refused in the TLS handshake (a bad_certificate alert),
//     and the refusal is recorded with its reason (Message.Err:
//     ErrUntrustedPeer with ErrNoSAN, ErrWildcardCertificate,
//     ErrUnknownComputer or ErrNoClientCertificate). A request whose
//     Contact names a host the certificate does not name is refused with
//     403 and an ms-diagnostics header, as Lync refuses to open MTLS to a
//     computer whose certificate names another (lab convention: Lync finds
//     this out when it connects back; the lab checks the Contact of
//     REGISTER).
//
//     Why the SAN alone, and never a wildcard subject: Microsoft's
//     certificate tables for every Lync Server role list the server's FQDN
//     in the SAN, and the Lync certificate wizard (Request-CsCertificate)
//     copies the subject name into the SAN [1][2]; Polycom's guidance asks
//     for SAN certificates naming each FQDN. And "There is no support for a
//     wildcard entry as the subject name (also referred to as the common
//     name or CN) for any role" [3]. So a CN-only certificate (no SAN) is
//     refused, and a wildcard CN is refused even beside a SAN that names
//     the computer — as rpp's cert-san-missing and cert-wildcard say. This
//     replaces the earlier lab convention of accepting the subject CN of a
//     certificate without SANs.
//
//     [1] "Certificate Requirements for Internal Servers", Lync Server 2010
//     (https://learn.microsoft.com/en-us/previous-versions/office/skype-server-2010/gg398094(v=ocs.14))
//     and Lync Server 2013
//     (https://learn.microsoft.com/en-us/previous-versions/office/lync-server-2013/lync-server-2013-certificate-requirements-for-internal-servers).
//     [2] J. Schertz, "Wildcard Certificates in Lync Server"
//     (http://blog.schertz.name/2011/02/wildcard-certificates-in-lync-server/).
//     [3] "Wildcard Certificate Support", Lync Server 2010
//     (https://technet.microsoft.com/en-us/library/hh202161(v=ocs.14)) and
//     Lync Server 2013 (topic 0bae2aa8-b6dc-46f5-a3be-3fe7581809d4).
//
//   - Registration (MS-SIPREGE; RFC 3261 §10): REGISTER for a trusted
//     application endpoint of the caller's own pool or for a Lync user gets
//     200 with ms-keep-alive and Allow-Events, and every current binding as
//     a Contact with its expires and the endpoint's gruu
//     (sip:AOR;opaque=user:epid:ID;gruu, as in MS-SIPREGE's example);
//     anything else is refused with ms-diagnostics (MS-OCER). The registrar
//     keeps the bindings: a REGISTER without Contact is a query (§10.2.3),
//     Expires: 0 or Contact: * removes them, and an Expires that is not
//     delta-seconds up to (2**32)-1 gets 400 (§20.19, §25.1). Contacts are
//     echoed as written (a quoted methods="INVITE, BYE" stays so). Lab
//     convention: provisioning and MRAS serve an identity only once it has
//     registered from the computer asking (403 with ms-diagnostics 4004
//     otherwise), as the RMX registers before it subscribes. CRLF
//     keep-alives are tolerated.
//
//   - In-band provisioning (MS-SIPREGE §2.2.2, package lync/provision): the
//     provisioning SUBSCRIBE gets the MRAS URI of the Edge associated with
//     the Front End pool (none when there is no Edge), in the 200 OK with
//     ms-piggyback-first-notify, else in a NOTIFY; a wrong Accept gets 406.
//
//   - MRAS (MS-AVEDGEA, package lync/mras): the credentials SERVICE is
//     answered, with every reasonPhrase the specification defines, and
//     grants a short-lived user name and password and the relay's address
//     only to a known identity. Lab convention (the real rules for trusted
//     applications are not published): a trusted application endpoint of
//     the caller's own pool whose request carries that pool's Service GRUU
//     as Contact (the new ICE method), or a Lync user (the legacy method);
//     anything else is Forbidden.
//
//   - The Edge relay is a standard RFC 5766 TURN server (pion/turn) on
//     loopback UDP and TCP that accepts only credentials MRAS minted and not
//     yet expired. Lab convention: the real Edge speaks MS-TURN and MS-ICE2;
//     the lab models Lync's control plane exactly and its media path with
//     standard ICE and TURN. An Edge also listens for SIP, and refuses every
//     trusted application in the TLS handshake: the RMX must not register
//     to the Edge.
//
// Every SIP message in and out, and every refused connection, is recorded
// (Server.Messages, Server.Ladder); logs go to the slog.Logger of
// WithLogger. Close, or the end of the context given to NewServer, stops
// everything and waits for it. NewServer's errors are sentinels
// (ErrNoFrontEndPool, ErrNoSIPDomain, ErrUnknownEdgePool) or a
// *ListenError, for errors.Is and errors.As.
package lynctest
