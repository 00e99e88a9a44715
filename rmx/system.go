package rmx

import (
	"errors"
	"strings"

	"github.com/rppkit/rppkit/internal/enum"

	"github.com/rppkit/rppkit/lync"
)

// System is one RMX or RPCS as configured: an entry of the deployment file's
// rpp.rmx list.
type System struct {
	// Name identifies the RMX in findings (rmx/NAME).
	Name string `yaml:"name" json:"name" rpp:"required"`
	// FQDN is the host name of the RMX's signalling address, the name Lync
	// must know as a computer of a trusted application pool.
	FQDN lync.FQDN `yaml:"fqdn" json:"fqdn" rpp:"required"`
	// Site is the Lync site the RMX sits in.
	Site    string  `yaml:"site" json:"site"`
	Version Version `yaml:"version" json:"version" rpp:"required"`
	// Certificate is the certificate the RMX presents, if known.
	Certificate *lync.Certificate `yaml:"certificate,omitempty" json:"certificate,omitempty"`
	// ListenPort is the TLS port the RMX listens on for SIP from Lync; 0
	// means the default, 5061 (see SIPPort).
	ListenPort lync.Port `yaml:"listenPort,omitempty" json:"listenPort,omitempty"`
	// SIP is the Default IP Network Service's SIP settings.
	SIP SIP `yaml:"sip" json:"sip"`
	// Flags are system flags of the MCMS_PARAMETERS_USER view.
	Flags Flags `yaml:"flags,omitempty" json:"flags,omitempty"`
	// ConferenceProfiles are the profiles Lync calls may use.
	ConferenceProfiles []ConferenceProfile `yaml:"conferenceProfiles" json:"conferenceProfiles"`
	// VMRs lists meeting rooms defined on the RMX itself; with a DMA, they
	// belong on the DMA.
	VMRs []string `yaml:"vmrs" json:"vmrs"`
}

// SIPPort returns the port the RMX listens on for SIP over TLS: ListenPort,
// or 5061 when it is not set.
func (s *System) SIPPort() lync.Port { return s.ListenPort.OrDefault(lync.DefaultTLSPort) }

// SIP holds the settings of the Default IP Network Service's SIP Servers and
// SIP Advanced pages.
type SIP struct {
	// Server is the SIP server (outbound proxy): a Lync Front End pool or
	// Director, never an Edge pool.
	Server lync.FQDN `yaml:"server" json:"server"`
	// ServerDomainName is the SIP domain of the ICE identity.
	ServerDomainName string `yaml:"serverDomainName" json:"serverDomainName"`
	// ICEEnvironment must be MS for Lync.
	ICEEnvironment ICEEnvironment `yaml:"iceEnvironment" json:"iceEnvironment"`
	// ServerUserName is the name part (no sip:, no @domain) of the ICE
	// identity: an endpoint (new method) or a Lync user (legacy method).
	ServerUserName string `yaml:"serverUserName" json:"serverUserName"`
	// ICEMethod says which ICE method is meant. Optional: when empty it is
	// inferred from the flags and from what Server User Name names.
	ICEMethod ICEMethod `yaml:"iceMethod,omitempty" json:"iceMethod,omitempty"`
}

// ICEConfigured reports whether any ICE setting is made: a Server User Name,
// or an ICE environment other than none.
func (s SIP) ICEConfigured() bool {
	return s.ServerUserName != "" || (s.ICEEnvironment != "" && s.ICEEnvironment != ICENone)
}

// UserPart returns Server User Name without what does not belong in it (a
// sip: scheme, an @domain, surrounding blanks), so the identity it means can
// still be looked up after rule rmx-ice-user-format has said so.
func (s SIP) UserPart() string {
	u := strings.TrimSpace(s.ServerUserName)
	if lync.HasSIPScheme(u) {
		u = u[len("sip:"):]
	}
	u, _, _ = strings.Cut(u, "@")
	return u
}

// ICEEnvironment is the SIP Advanced page's ICE Environment.
type ICEEnvironment string

// The ICE environments the RMX offers.
const (
	ICENone     ICEEnvironment = "none"
	ICEMS       ICEEnvironment = "ms"
	ICEStandard ICEEnvironment = "standard"
)

// ErrUnknownICEEnvironment is wrapped by the errors ParseICEEnvironment returns.
var ErrUnknownICEEnvironment = errors.New("unknown ICE environment")

// ParseICEEnvironment accepts none, ms and standard in any case (the RMX
// shows "MS").
func ParseICEEnvironment(s string) (ICEEnvironment, error) {
	return enum.Parse(ErrUnknownICEEnvironment, s, ICENone, ICEMS, ICEStandard)
}

// UnmarshalText implements encoding.TextUnmarshaler with
// ParseICEEnvironment.
func (e *ICEEnvironment) UnmarshalText(b []byte) (err error) {
	*e, err = ParseICEEnvironment(string(b))
	return err
}

// FlagContactOverride is the system flag that carries the trusted
// application pool's Service GRUU, without sip:, on the new ICE method.
const FlagContactOverride = "SIP_CONTACT_OVERRIDE_STR"

// Flags are RMX system flags by name.
type Flags map[string]string

// ContactOverride returns SIP_CONTACT_OVERRIDE_STR and whether it is set to
// a non-empty value.
func (f Flags) ContactOverride() (string, bool) {
	v := f[FlagContactOverride]
	return v, v != ""
}

// ConferenceProfile is an RMX conference profile; Lync calls need
// encryption "when available" (Lync clients encrypt media).
type ConferenceProfile struct {
	Name       string     `yaml:"name" json:"name" rpp:"required"`
	Encryption Encryption `yaml:"encryption" json:"encryption" rpp:"required"`
}

// Encryption is a conference profile's media encryption setting.
type Encryption string

// The encryption settings of an RMX conference profile.
const (
	EncryptNone          Encryption = "none"
	EncryptWhenAvailable Encryption = "whenAvailable"
	EncryptAlways        Encryption = "always"
)

// ErrUnknownEncryption is wrapped by the errors ParseEncryption returns.
var ErrUnknownEncryption = errors.New("unknown encryption setting")

// ParseEncryption accepts none, whenAvailable and always in any case.
func ParseEncryption(s string) (Encryption, error) {
	return enum.Parse(ErrUnknownEncryption, s, EncryptNone, EncryptWhenAvailable, EncryptAlways)
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseEncryption.
func (e *Encryption) UnmarshalText(b []byte) (err error) {
	*e, err = ParseEncryption(string(b))
	return err
}
