package dma

import (
	"strings"

	"github.com/rppkit/rppkit/lync"
)

// System is one DMA as configured: an entry of the deployment file's
// rpp.dma list.
type System struct {
	// Name identifies the DMA in findings (dma/NAME).
	Name string `yaml:"name" json:"name" rpp:"required"`
	// FQDN is the DMA's signalling host name (for a cluster, its virtual
	// FQDN), the name Lync must know as a computer of a trusted application
	// pool.
	FQDN lync.FQDN `yaml:"fqdn" json:"fqdn" rpp:"required"`
	Site string    `yaml:"site" json:"site"`
	// ListenPort is the TLS port the DMA listens on for SIP from Lync; 0
	// means the default, 5061 (see SIPPort).
	ListenPort lync.Port `yaml:"listenPort,omitempty" json:"listenPort,omitempty"`
	// Version is the DMA release; optional, but needed to judge release
	// pairs for RealConnect.
	Version     Version           `yaml:"version" json:"version"`
	Certificate *lync.Certificate `yaml:"certificate,omitempty" json:"certificate,omitempty"`
	// LyncPeers are the external SIP peers that stand for Lync Front End
	// pools.
	LyncPeers   []LyncPeer  `yaml:"lyncPeers" json:"lyncPeers"`
	RealConnect RealConnect `yaml:"realConnect" json:"realConnect"`
	// VMRs are the virtual meeting rooms the DMA owns.
	VMRs []string `yaml:"vmrs" json:"vmrs"`
	// MCUs names (by their rpp.rmx name) the RMXs the DMA manages as its
	// MCU pool. Optional: when empty, the DMA manages the RMXs of its own
	// site.
	MCUs []string `yaml:"mcus,omitempty" json:"mcus,omitempty"`
}

// SIPPort returns the port the DMA listens on for SIP over TLS: ListenPort,
// or 5061 when it is not set.
func (s *System) SIPPort() lync.Port { return s.ListenPort.OrDefault(lync.DefaultTLSPort) }

// Manages reports whether the DMA manages the RMX called name in site: it
// lists the RMX among its MCUs or, listing none, shares its site.
func (s *System) Manages(name, site string) bool {
	if len(s.MCUs) == 0 {
		return site != "" && strings.EqualFold(site, s.Site)
	}
	for _, m := range s.MCUs {
		if strings.EqualFold(m, name) {
			return true
		}
	}
	return false
}

// LyncPeer is an external SIP peer for a Lync Front End pool (Network >
// External SIP Peers).
type LyncPeer struct {
	Name    string    `yaml:"name" json:"name" rpp:"required"`
	Address lync.FQDN `yaml:"address" json:"address" rpp:"required"`
	// ServiceGRUU is the Lync Integration tab's CsTrustedApplication
	// ServiceGruu: the DMA's pool's Service GRUU with sip:. Kept as written
	// so that a wrong value can be reported; parse it with lync.ParseGRUU.
	ServiceGRUU string `yaml:"serviceGruu" json:"serviceGruu"`
}

// RealConnect holds the DMA's RealConnect (Lync conference ID) settings.
type RealConnect struct {
	Enabled bool `yaml:"enabled" json:"enabled"`
	// DialPrefix is the prefix standards endpoints dial before a Lync
	// conference ID; empty when they dial the ID alone.
	DialPrefix string `yaml:"dialPrefix" json:"dialPrefix"`
}
