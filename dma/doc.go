// Package dma models a Polycom RealPresence DMA as the Lync integration sees
// it: its release, its certificate, the external SIP peers that stand for
// Lync Front End pools (with the Lync Integration tab's CsTrustedApplication
// ServiceGruu, pasted with sip:), its RealConnect settings, the virtual
// meeting rooms it owns, and the DMA/RMX release pairs known to have been
// tested together (or known to fail) for RealConnect ([ReleasePairs]).
package dma
