package lync

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/rppkit/rppkit/internal/enum"
)

// Topology is the part of a Lync or Skype for Business topology that an RPP
// integration depends on. Its field names are those of the deployment file
// (see package rpp).
type Topology struct {
	Product                     Product                      `yaml:"product" json:"product" rpp:"required"`
	SIPDomains                  []FQDN                       `yaml:"sipDomains" json:"sipDomains" rpp:"required"`
	Sites                       []Site                       `yaml:"sites" json:"sites"`
	FrontEndPools               []FrontEndPool               `yaml:"frontEndPools" json:"frontEndPools"`
	EdgePools                   []EdgePool                   `yaml:"edgePools" json:"edgePools"`
	TrustedApplicationPools     []TrustedApplicationPool     `yaml:"trustedApplicationPools" json:"trustedApplicationPools"`
	TrustedApplications         []TrustedApplication         `yaml:"trustedApplications" json:"trustedApplications"`
	TrustedApplicationEndpoints []TrustedApplicationEndpoint `yaml:"trustedApplicationEndpoints" json:"trustedApplicationEndpoints"`
	// Users lists the SIP addresses of Lync-enabled users and contacts: the
	// addresses an endpoint must not reuse, and the identities of the legacy
	// ICE method.
	Users        []SIPAddress  `yaml:"users" json:"users"`
	StaticRoutes []StaticRoute `yaml:"staticRoutes" json:"staticRoutes"`
}

// Site is a Lync central site.
type Site struct {
	Name string `yaml:"name" json:"name" rpp:"required"`
	// ID is the numeric SiteId that New-CsTrustedApplicationPool -Site takes;
	// 0 when not known.
	ID int `yaml:"id,omitempty" json:"id,omitempty"`
}

// FrontEndPool is a Front End pool: a registrar, associated with one Edge
// pool for media.
type FrontEndPool struct {
	FQDN     FQDN   `yaml:"fqdn" json:"fqdn" rpp:"required"`
	Site     string `yaml:"site" json:"site"`
	EdgePool FQDN   `yaml:"edgePool,omitempty" json:"edgePool,omitempty"`
	// Computers lists the pool's Front End servers, as Get-CsPool shows
	// them. Optional: the rules judge what depends on whether the pool is
	// load-balanced (more than one server, so more than one address behind
	// its FQDN) only when it is given, and say nothing when it is not.
	Computers []FQDN `yaml:"computers,omitempty" json:"computers,omitempty"`
}

// LoadBalanced reports whether the pool is known to hold more than one
// Front End server; known says Computers was given at all.
func (p FrontEndPool) LoadBalanced() (balanced, known bool) {
	return len(p.Computers) > 1, len(p.Computers) > 0
}

// EdgePool is an Edge pool: the media relay (ICE, STUN, TURN) for clients
// outside the network.
type EdgePool struct {
	FQDN FQDN   `yaml:"fqdn" json:"fqdn" rpp:"required"`
	Site string `yaml:"site" json:"site"`
	// Certificate is the certificate of the pool's internal interface, if
	// known: the one the Front Ends check when they connect to the Edge
	// over MTLS, for SIP and for the A/V authentication service (MRAS) that
	// hands out relay credentials. Microsoft's planning pages give it the
	// pool's internal FQDN as subject name and no SAN entries. Optional:
	// nil (or one that names nothing) is not judged. No Management Shell
	// cmdlet prints it, so `rpp import lync` never fills it in.
	Certificate *Certificate `yaml:"certificate,omitempty" json:"certificate,omitempty"`
}

// TrustedApplicationPool is how Lync trusts a third-party server. Pools are
// topology-wide; Registrar names the Front End pool the pool points to, and
// through it the Edge pool the pool's RMXs use.
type TrustedApplicationPool struct {
	FQDN      FQDN   `yaml:"fqdn" json:"fqdn" rpp:"required"`
	Site      string `yaml:"site" json:"site"`
	Registrar FQDN   `yaml:"registrar" json:"registrar" rpp:"required"`
	// Computers lists the pool's computers. Empty means what
	// New-CsTrustedApplicationPool without -ComputerFqdn makes: a
	// single-computer pool whose one computer is the pool FQDN itself.
	Computers []FQDN `yaml:"computers" json:"computers"`
}

// ComputerFQDNs returns the pool's computers, counting the pool FQDN itself
// as the one computer of a pool defined without any.
func (p *TrustedApplicationPool) ComputerFQDNs() []FQDN {
	if len(p.Computers) == 0 {
		return []FQDN{p.FQDN}
	}
	return p.Computers
}

// IsSingleComputer reports whether the pool is a single-computer pool: its
// only computer has the pool's own FQDN. Such a pool cannot take another
// computer; it must be removed and recreated as a multiple-computer pool.
func (p *TrustedApplicationPool) IsSingleComputer() bool {
	c := p.ComputerFQDNs()
	return len(c) == 1 && c[0].Equal(p.FQDN)
}

// TrustedApplication is a trusted application defined in a pool. Lync
// assigns the pool its ServiceGRUU when the application is added and the
// topology enabled; it cannot be typed in, only read back with
// Get-CsTrustedApplication | fl ServiceGruu.
type TrustedApplication struct {
	ApplicationID ApplicationID `yaml:"applicationId" json:"applicationId" rpp:"required"`
	Pool          FQDN          `yaml:"pool" json:"pool" rpp:"required"`
	Port          Port          `yaml:"port,omitempty" json:"port,omitempty"`
	// ServiceGRUU is kept as written, so that a malformed value can be
	// reported rather than refused; parse it with ParseGRUU.
	ServiceGRUU string `yaml:"serviceGruu" json:"serviceGruu"`
}

// TrustedApplicationEndpoint is a SIP identity owned by a trusted
// application: the identity an RMX uses for ICE on the new method.
type TrustedApplicationEndpoint struct {
	SIPAddress    SIPAddress    `yaml:"sipAddress" json:"sipAddress" rpp:"required"`
	ApplicationID ApplicationID `yaml:"applicationId" json:"applicationId" rpp:"required"`
	Pool          FQDN          `yaml:"pool" json:"pool" rpp:"required"`
}

// GeneratedAddressPrefix begins the SIP address Lync invents when
// New-CsTrustedApplicationEndpoint is run without -SipAddress
// (sip:RtcApplication-GUID@domain); no RMX Server User Name matches one.
const GeneratedAddressPrefix = "RtcApplication-"

// IsGeneratedAddress reports whether a is an address Lync invented:
// RtcApplication- followed by a GUID (8-4-4-4-12 hexadecimal digits).
func IsGeneratedAddress(a SIPAddress) bool {
	guid, ok := cutPrefixFold(a.User(), GeneratedAddressPrefix)
	if !ok || len(guid) != 36 {
		return false
	}
	for i := 0; i < len(guid); i++ {
		switch c := guid[i]; {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'):
			return false
		}
	}
	return true
}

// StaticRoute sends SIP requests whose URI matches MatchURI to Destination:
// needed only for the traditional workflow, where Lync clients call the RMX
// or DMA directly.
type StaticRoute struct {
	// Destination is an FQDN; a TLS route to an IP address fails certificate
	// validation, so it is reported rather than refused here.
	Destination FQDN      `yaml:"destination" json:"destination" rpp:"required"`
	Port        Port      `yaml:"port,omitempty" json:"port,omitempty"`
	Transport   Transport `yaml:"transport" json:"transport"`
	MatchURI    string    `yaml:"matchUri" json:"matchUri"`
}

// Port is a TCP or UDP port number, 1 to 65535.
type Port int

// DefaultTLSPort is SIP over TLS's well-known port, where RMX and DMA
// listen unless configured otherwise.
const DefaultTLSPort Port = 5061

// OrDefault returns p, or def when p is zero ("not set").
func (p Port) OrDefault(def Port) Port {
	if p == 0 {
		return def
	}
	return p
}

// ErrInvalidPort is wrapped by the errors ParsePort returns.
var ErrInvalidPort = errors.New("invalid port")

// ParsePort reads a port number from 1 to 65535 written in decimal digits,
// without a sign or a leading zero (which some YAML readers take for
// octal), as in a deployment file whether quoted or not.
func ParsePort(s string) (Port, error) {
	if s == "" || len(s) > 5 || s[0] == '0' || strings.Trim(s, "0123456789") != "" {
		return 0, fmt.Errorf("%w %q: want a number from 1 to 65535 in decimal digits", ErrInvalidPort, s)
	}
	n, _ := strconv.Atoi(s)
	if n > 65535 {
		return 0, fmt.Errorf("%w %q: want a number from 1 to 65535", ErrInvalidPort, s)
	}
	return Port(n), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParsePort.
func (p *Port) UnmarshalText(b []byte) error {
	v, err := ParsePort(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// Transport is a static route's SIP transport.
type Transport string

// Transports of a static route. Trusted application traffic is MTLS.
const (
	TLS Transport = "tls"
	TCP Transport = "tcp"
)

// ErrUnknownTransport is wrapped by the errors ParseTransport returns.
var ErrUnknownTransport = errors.New("unknown transport")

// ParseTransport accepts tls and tcp in any case.
func ParseTransport(s string) (Transport, error) {
	return enum.Parse(ErrUnknownTransport, s, TLS, TCP)
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseTransport.
func (t *Transport) UnmarshalText(b []byte) (err error) {
	*t, err = ParseTransport(string(b))
	return err
}
