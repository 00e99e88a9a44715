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
)
