// Package lync models the parts of a Lync Server 2013 or Skype for Business
// Server topology that a Polycom RealPresence Platform (RMX/RPCS and DMA)
// integration touches: sites, Front End and Edge pools, trusted application
// pools with their computers and registrar, trusted applications and their
// Service GRUUs, trusted application endpoints, users and contacts, and static
// routes.
//
// The values here are what the Lync Server Management Shell shows
// (Get-CsTrustedApplicationPool, Get-CsTrustedApplication, …) and what an
// admin copies into the RMX and the DMA. The most error-prone of them, the
// Service GRUU, has its own type: [ParseGRUU] accepts either form an admin
// pastes (with or without "sip:", parameters in any order) and says which
// part is wrong when the value is not a service GRUU; [GRUU.String] gives the
// form the DMA wants and [GRUU.WithoutScheme] the form of the RMX system flag
// SIP_CONTACT_OVERRIDE_STR.
//
// [Topology.Index] builds the lookups that questions about a topology need,
// such as which Edge pool an RMX's media will use ([Index.EdgeFor]).
//
// Host names (FQDNs), SIP addresses and application IDs compare without
// regard to case, as Lync compares them.
package lync
