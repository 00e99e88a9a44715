package rpp

// Where the rules come from. The guidance is Polycom's RealPresence Platform
// configuration for Lync (the article in shared/seed), with its readers'
// questions; the rest is Microsoft's and Polycom's reference documentation.
const (
	srcPools      = "RPP guidance, “Trusted Application Pools”"
	srcDefined    = "RPP guidance, readers' questions: both the DMA and the RMX must be defined in Lync"
	srcRoutes     = "RPP guidance, “Static Routes”"
	srcLegacyICE  = "RPP guidance, “Legacy ICE Configuration Method”"
	srcNewICE     = "RPP guidance, “New ICE Configuration Method”"
	srcNewLync    = "RPP guidance, “New ICE Configuration Method”, Lync Configuration"
	srcNewPolycom = "RPP guidance, “New ICE Configuration Method”, Polycom Configuration"
	srcCerts      = "RPP guidance, readers' questions: one certificate per RMX; SAN, not wildcard, certificates"
	srcSkype      = "RPP guidance, readers' questions: Skype for Business needs RMX 8.5.4 or 8.6"
	srcVideo      = "RPP guidance, readers' questions: “video not accepted”"
	srcVMRs       = "RPP guidance, readers' questions: VMRs are defined on the DMA"
	srcReleases   = "RPP guidance, readers' questions: use DMA/RMX releases tested together (DMA 6.4 with RMX 8.7.1)"
	srcRealConn   = "RPP guidance, introduction and “Static Routes”: RealConnect"
	srcShell      = "Lync Server Management Shell reference (New-CsTrustedApplicationPool, New-CsTrustedApplication, New-CsTrustedApplicationEndpoint, New-CsStaticRoute)"
	srcFile       = "rppkit deployment file"

	// Sources of the rules from the field (issue 12): Polycom's and
	// Microsoft's reference documentation.
	srcRMXFlags     = "Polycom RealPresence Collaboration Server (RMX) 1500/2000/4000 Administrator's Guide, “System Configuration Flags” (SIP_FREE_VIDEO_RESOURCES, SEND_SRTP_MKI, MS_KEEP_ALIVE_ENABLE) and “Deployment into Microsoft Environments”"
	srcCascadeRate  = "Polycom RealPresence Collaboration Server (RMX) Administrator's Guide, “Deployment into Microsoft Environments”, AV MCU cascade: the AV MCU sends no video below 256 kbps"
	srcDMAPeer      = "Polycom RealPresence DMA Operations Guide, “External SIP Peer”: Type (for Lync Server select Microsoft) and Port (for a Lync 2013 SIP peer, 5061)"
	srcDMADialRules = "Polycom RealPresence DMA Operations Guide, “Dial Rules”: order Resolve to Lync conference ID before any Resolve to external SIP peer rule"
	srcDMATemplate  = "Polycom RealPresence DMA Operations Guide, “Dial Rules”, Resolve to Lync conference ID: the conference template must specify a Conference mode of AVC only, or the conference will not start"
	srcEKU          = "Microsoft, “Certificate infrastructure requirements for Lync Server 2013” (MTLS between servers; server certificates need the Server EKU) and “Certificates Report” (MTLS relies on the enhanced key usage for computer-to-computer authentication); RFC 5280 §4.2.1.12"
	srcEdgeCert     = "Microsoft, “Edge Server environmental requirements in Skype for Business Server”, Certificate planning (the internal Edge certificate: subject name the Edge internal FQDN, no SAN entries) and Internal port firewall summary (SIP/MTLS 5061 and A/V authentication on 5062 from the Front End pools to the Edge internal interface); “Plan for Edge Server certificates in Lync Server 2013” (one internal certificate on every Edge Server's internal interface; no wildcard certificates)"
	srcRouteMatch   = "Lync Server Management Shell reference, New-CsStaticRoute and Set-CsStaticRoutingConfiguration (-MatchUri): each route applies to the URIs of its matching domain"
)
