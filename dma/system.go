package dma

import (
	"errors"
	"strings"

	"github.com/rppkit/rppkit/internal/enum"
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
	// DialRules are the dial plan's rules (Service Config > Dial Plan), in
	// the order the DMA tries them: it stops at the first rule whose
	// action routes the call. Optional: the order is judged only when they
	// are given.
	DialRules []DialRule `yaml:"dialRules,omitempty" json:"dialRules,omitempty"`
	// ConferenceTemplates are the conference templates (Conference
	// Manager > Conference Templates) the rules need to know of.
	// Optional.
	ConferenceTemplates []ConferenceTemplate `yaml:"conferenceTemplates,omitempty" json:"conferenceTemplates,omitempty"`
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
	// Type is the peer's Type (Microsoft or Other). Optional: not judged
	// when absent.
	Type PeerType `yaml:"type,omitempty" json:"type,omitempty"`
	// Port is the peer's SIP signalling port; a Lync Front End pool takes
	// TLS on 5061. Optional: 0 (absent) is not judged. (The DMA's own
	// default when the field is blank is the RFC 3263 DNS procedure.)
	Port lync.Port `yaml:"port,omitempty" json:"port,omitempty"`
}

// PeerType is an external SIP peer's Type.
type PeerType string

// The types of an external SIP peer (Polycom DMA Operations Guide, External
// SIP Peer: "For a Microsoft Office Communications Server or Lync Server,
// select Microsoft. Otherwise, select Other.").
const (
	PeerMicrosoft PeerType = "microsoft"
	PeerOther     PeerType = "other"
)

// ErrUnknownPeerType is wrapped by the errors ParsePeerType returns.
var ErrUnknownPeerType = errors.New("unknown external SIP peer type")

// ParsePeerType accepts microsoft and other in any case.
func ParsePeerType(s string) (PeerType, error) {
	return enum.Parse(ErrUnknownPeerType, s, PeerMicrosoft, PeerOther)
}

// UnmarshalText implements encoding.TextUnmarshaler with ParsePeerType.
func (t *PeerType) UnmarshalText(b []byte) (err error) {
	*t, err = ParsePeerType(string(b))
	return err
}

// DialRule is one rule of the DMA's dial plan.
type DialRule struct {
	Name   string     `yaml:"name" json:"name" rpp:"required"`
	Action DialAction `yaml:"action" json:"action" rpp:"required"`
}

// DialAction is what a dial rule does, as far as the Lync integration
// cares: the two actions whose order matters, or any other.
type DialAction string

// Dial rule actions (Polycom DMA Operations Guide, Dial Rules).
const (
	// ActionLyncConferenceID is "Resolve to Lync conference ID": the
	// RealConnect rule.
	ActionLyncConferenceID DialAction = "lyncConferenceId"
	// ActionExternalSIPPeer is "Resolve to external SIP peer". When it
	// does not route a call, the call is aborted and no later rule runs.
	ActionExternalSIPPeer DialAction = "externalSipPeer"
	// ActionOther is any other action.
	ActionOther DialAction = "other"
)

// ErrUnknownDialAction is wrapped by the errors ParseDialAction returns.
var ErrUnknownDialAction = errors.New("unknown dial rule action")

// ParseDialAction accepts lyncConferenceId, externalSipPeer and other in
// any case.
func ParseDialAction(s string) (DialAction, error) {
	return enum.Parse(ErrUnknownDialAction, s, ActionLyncConferenceID, ActionExternalSIPPeer, ActionOther)
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseDialAction.
func (a *DialAction) UnmarshalText(b []byte) (err error) {
	*a, err = ParseDialAction(string(b))
	return err
}

// ConferenceTemplate is a DMA conference template.
type ConferenceTemplate struct {
	Name string `yaml:"name" json:"name" rpp:"required"`
	// Mode is the template's Conference mode. Optional: not judged when
	// absent.
	Mode ConferenceMode `yaml:"mode,omitempty" json:"mode,omitempty"`
	// RealConnect says the template is the one the Resolve to Lync
	// conference ID dial rule starts RealConnect conferences with.
	RealConnect bool `yaml:"realConnect,omitempty" json:"realConnect,omitempty"`
}

// ConferenceMode is a conference template's Conference mode.
type ConferenceMode string

// The conference modes of a DMA template.
const (
	ModeAVC   ConferenceMode = "avc"   // AVC only
	ModeSVC   ConferenceMode = "svc"   // SVC only
	ModeMixed ConferenceMode = "mixed" // mixed AVC and SVC
)

// ErrUnknownConferenceMode is wrapped by the errors ParseConferenceMode
// returns.
var ErrUnknownConferenceMode = errors.New("unknown conference mode")

// ParseConferenceMode accepts avc, svc and mixed in any case.
func ParseConferenceMode(s string) (ConferenceMode, error) {
	return enum.Parse(ErrUnknownConferenceMode, s, ModeAVC, ModeSVC, ModeMixed)
}

// UnmarshalText implements encoding.TextUnmarshaler with
// ParseConferenceMode.
func (m *ConferenceMode) UnmarshalText(b []byte) (err error) {
	*m, err = ParseConferenceMode(string(b))
	return err
}

// RealConnect holds the DMA's RealConnect (Lync conference ID) settings.
type RealConnect struct {
	Enabled bool `yaml:"enabled" json:"enabled"`
	// DialPrefix is the prefix standards endpoints dial before a Lync
	// conference ID; empty when they dial the ID alone.
	DialPrefix string `yaml:"dialPrefix" json:"dialPrefix"`
}
