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
//     otherwise), as the RMX registers before it subscribes.
//
//   - Connections (MS-CONMGMT; RFC 3261 §18.3, §21.5.14): CRLF keep-alives
//     are tolerated and a CRLFCRLF ping answered; the ms-keep-alive timeout
//     the REGISTER's answer advertises (300 s, WithKeepAliveTimeout) is
//     enforced — a connection on which nothing arrives for that long, idle
//     or stopped half-way through a message, is closed and recorded
//     (Closed, ErrKeepAliveTimeout). A request larger than sipgo reads
//     (sip.ParseMaxMessageLength) is answered 513 Message Too Large where
//     its header names enough to answer (ErrMessageTooLarge).
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
//   - The Front End to Edge hop (Microsoft, "Edge Server environmental
//     requirements in Skype for Business Server": SIP/MTLS from the Front
//     End pools to the Edge internal interface, the A/V authentication
//     service on 5062; the internal certificate has the Edge pool's FQDN as
//     subject name and no SAN): the Edge's internal listener presents the
//     certificate the topology gives the Edge pool (lync.EdgePool's
//     Certificate; one for the pool FQDN when none is given) and completes
//     MTLS with the lab's Front Ends only. Before a Front End answers a
//     SERVICE for an Edge's MRAS it makes that handshake, checking the
//     Edge's certificate against the lab CA and the Edge pool's FQDN
//     (lync.VerifyCertificateName: a SAN DNS name, or the subject CN when
//     there is no SAN; never a wildcard). A failure is recorded as a
//     Refused message of the Edge from the Front End (ErrEdgeCertificate)
//     and the SERVICE answered 504 Server Time-out with ms-diagnostics 1010
//     "Certificate trust with next-hop server could not be established."
//     (MS-OCER); the 504 is a lab convention, as no public source says
//     which code Lync sends. A successful handshake is remembered per Front
//     End and Edge, standing for the connection Lync keeps open.
//
//   - Meetings (MS-CONFBAS, MS-CONFPRO; PROTOCOLS.md §5): CreateMeeting
//     schedules a meeting of a Lync user of the topology, with a
//     conference ID (8 upper-case letters and digits, as Lync generates
//     them), a numeric dial-in ID, the focus URI
//     sip:ORGANIZER;gruu;opaque=app:conf:focus:id:ID, the AV MCU URI
//     (…:audio-video:…) and an encryption policy named after
//     Set-CsMediaConfiguration -EncryptionLevel (RequireEncryption, Lync's
//     default). Meeting.Roster says who joined, from which computer, and
//     how their media stands, with bytes each way and the selected ICE
//     candidate pair. Any Front End serves any meeting (lab convention:
//     the lab has no home pool per user).
//
//   - The focus factory (lab convention: nothing public describes how a
//     DMA resolves a dial-in ID): a SERVICE to the focus factory URI of any
//     user of a SIP domain (sip:USER;gruu;opaque=app:conf:focusfactory,
//     which provisioning hands each subscriber as focusFactoryUri) with a
//     C3P getConference carrying the dial-in ID (mscp:dial-in-id; the
//     conference ID or focus URI work too) is answered with a C3P success
//     naming the focus URI and the MCUs, or 404 with a C3P failure and
//     ms-diagnostics 7002 "The specified conference does not exist.". Only
//     a trusted application whose Contact is the Service GRUU of its own
//     pool, From that GRUU or an endpoint of the pool, may ask (as for MRAS
//     on the new ICE method); others get 403 with 4004. A body that is not
//     C3P gets 400 with 3006, another command 501 with 3004, another
//     content type 415 with Accept. (A Contact without sip: cannot be
//     parsed by the SIP stack at all: no answer comes, as with any
//     unparseable message.)
//
//   - The focus (MS-CONFBAS §2.2.3.4, §4.4; pidgin-sipe's sipe-conf.c for
//     the client's view): an INVITE to the focus URI with a C3P addUser
//     (conferenceKeys confEntity = the focus, one user whose entity is the
//     From identity, with an endpoint) gets 200 with a C3P success, a
//     Contact of the focus with isfocus, and the participant in the roster;
//     ACK confirms, BYE leaves (and ends the participant's media). Lab
//     convention: the 200 lists the MCUs (conf-uris) so the joiner learns
//     the AV MCU URI without the SUBSCRIBE Event: conference Lync uses. The
//     identity must be one the computer may act for (REGISTER's rule).
//     Refusals carry MS-OCER diagnostics: 404 with 7002 for an unknown
//     conference, 3012 for a focus URI that does not parse, 3013 for an
//     MCU the lab does not host; 400 with 3006 for C3P that does not
//     parse, 3007 for an addUser blob that is invalid (another command,
//     another user, no endpoint), 3003 for a conference entity that is not
//     this focus (the reason texts of 3003 and 3004 are the lab's wording).
//
//   - The AV MCU (MS-CONFAV; MS-SDPEXT; PROTOCOLS.md §1 and §5): the
//     cascade's INVITE to the AV MCU URI must be application/sdp only (415
//     with 7004), parse (488 with 7008, also for an offer without ICE
//     credentials and candidates), carry an IPv4 connection address (488
//     with 7009), and name a meeting's AV MCU (404 with 3013). Lab
//     convention: the caller must have joined the focus with addUser first
//     (the same identity, still in the focus), else 403 with ms-diagnostics
//     9001 — a code of the lab's, outside MS-OCER's ranges; nothing public
//     says what the real AV MCU answers. The meeting's encryption policy
//     decides: RequireEncryption refuses an m-line that is not RTP/SAVP
//     with a=crypto or says a=encryption:rejected, DoNotSupportEncryption
//     one that requires encryption, both with 488 and
//     ms-client-diagnostics: 52017;reason="Encryption levels dont match"
//     (sic, as Lync writes it) — the "video not accepted" story. The 200
//     answer carries the candidates of the AV MCU's own pion/ice agents
//     (one per set of ICE credentials in the offer), gathered through the
//     Front End's Edge relay with credentials from the lab's credential
//     store, minted as MRAS mints them (host candidates on loopback when
//     the pool has no Edge), and its own a=crypto key when it encrypts.
//     The AV MCU is the controlled ICE agent; once ICE connects it echoes
//     every datagram back, counting the bytes per participant. Lab
//     convention: it negotiates SRTP keys but does not run SRTP, and
//     echoes media rather than mixing it. Its media ends with BYE, the
//     participant's BYE to the focus, Close or the end of the context.
//
//   - Lync calls back (learn.microsoft.com, "TLS and MTLS for Skype for
//     Business Server"; PROTOCOLS.md §5): the registrar Front End of a
//     trusted application pool opens its own MTLS connection to each
//     computer of the pool on each trusted application's port
//     (ProbeComputers, ProbeComputer; Call routes an INVITE over the same
//     connection), presenting a certificate for its own FQDN, with SNI the
//     computer's FQDN. It checks the computer's server certificate as it
//     checks client certificates — no wildcard in the CN or a SAN, a SAN
//     DNS name required — and that a SAN names the FQDN dialled: a shared
//     certificate naming another computer, a wildcard, a CN-only
//     certificate or another CA's fails the handshake (ErrDeviceCertificate
//     with ErrNameMismatch, ErrWildcardCertificate, ErrNoSAN or
//     ErrUntrustedIssuer), recorded as a Refused message. The computer's
//     address comes from WithComputerResolver or SetComputerAddress (the
//     lab's DNS). Lab convention: the health probe is one OPTIONS from
//     sip:FRONT-END-FQDN on demand; Lync's cadence and headers are not
//     published.
//
//   - Static routes, the traditional workflow (New-CsStaticRoute and
//     "Configure a Static Route for Remote Call Control", Lync Server 2010;
//     PROTOCOLS.md §5): Route places a Lync user's call to a SIP URI as the
//     Front End routes it. The first static route whose -MatchUri covers the
//     Request-URI's domain takes it (lync.StaticRoute.Matches: the domain
//     itself, or with *.domain its child domains), and the INVITE goes over
//     the call-back's MTLS connection to the route's destination and port —
//     a computer, or a pool's FQDN, whose certificate must then name the
//     pool's FQDN (rpp's lync-static-route-cert) — with the offer of a Lync
//     client (ClientOffer): audio and video, RTP/SAVP with a=crypto and
//     a=encryption:required under Set-CsMediaConfiguration's default
//     RequireEncryption (WithClientEncryption for the other levels).
//     The ladder holds the client's leg too. Refusals carry MS-OCER
//     diagnostics: no route is ErrNoStaticRoute and 404 with 4005 to the
//     client (the lab's reading of which code a Front End gives), a refused
//     certificate 504 with 1010. Lab conventions: there is no client on the
//     wire (the Front End records the client's leg as it would see it), the
//     client's offer carries no ICE and names port 9, where nothing listens,
//     and TCP routes are not opened (ErrTCPRoute).
//
// Every SIP message in and out, and every refused connection, is recorded
// (Server.Messages, Server.Ladder); logs go to the slog.Logger of
// WithLogger — sipgo's own included, even the records it writes through
// its package default logger (internal/sipgolog). Faults for tests of
// devices and of checkers: WithMRASFault, WithUnansweredProvisioning,
// WithTrustAnyCertificate. Close, or the end of the context given to NewServer, stops
// everything and waits for it. NewServer's errors are sentinels
// (ErrNoFrontEndPool, ErrNoSIPDomain, ErrUnknownEdgePool) or a
// *ListenError, for errors.Is and errors.As.
package lynctest
