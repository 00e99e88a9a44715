package rmx

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
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

// ContactOverride returns SIP_CONTACT_OVERRIDE_STR, matched without regard
// to case as Lookup matches every flag, and whether it is set to a
// non-empty value.
func (f Flags) ContactOverride() (string, bool) {
	return f.Lookup(FlagContactOverride)
}

// ConferenceProfile is an RMX conference profile; Lync calls need
// encryption "when available" (Lync clients encrypt media).
type ConferenceProfile struct {
	Name       string     `yaml:"name" json:"name" rpp:"required"`
	Encryption Encryption `yaml:"encryption" json:"encryption" rpp:"required"`
	// LineRate is the profile's line rate in kbps. Optional (0 = not
	// known): the cascade into the Lync AV MCU needs 256 kbps or more,
	// and the rules judge it only when it is given.
	LineRate LineRate `yaml:"lineRate,omitempty" json:"lineRate,omitempty"`
}

// LineRate is a conference line rate in kbps.
type LineRate int

// MinCascadeRate is the lowest line rate at which the Lync AV MCU sends
// video over a cascade link (RMX Administrator's Guide, Deployment into
// Microsoft Environments: AV MCU cascade).
const MinCascadeRate LineRate = 256

// ErrInvalidLineRate is wrapped by the errors ParseLineRate returns.
var ErrInvalidLineRate = errors.New("invalid line rate")

// ParseLineRate reads a line rate in kbps: a whole number from 1 to
// 100000 in decimal digits, without a unit (the RMX lists its rates in
// kbps; the highest is 8192).
func ParseLineRate(s string) (LineRate, error) {
	if s == "" || len(s) > 6 || s[0] == '0' || strings.Trim(s, "0123456789") != "" {
		return 0, fmt.Errorf("%w %q: want a number of kbps in decimal digits, such as 1024", ErrInvalidLineRate, s)
	}
	n, _ := strconv.Atoi(s)
	if n > 100000 {
		return 0, fmt.Errorf("%w %q: want at most 100000 kbps", ErrInvalidLineRate, s)
	}
	return LineRate(n), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseLineRate.
func (r *LineRate) UnmarshalText(b []byte) error {
	v, err := ParseLineRate(string(b))
	if err == nil {
		*r = v
	}
	return err
}

// Flags the Lync integration depends on (RMX Administrator's Guide,
// System Configuration Flags and Deployment into Microsoft Environments).
const (
	// FlagFreeVideoResources must be NO with Lync: YES frees a
	// participant's video resources when its call goes audio-only.
	FlagFreeVideoResources = "SIP_FREE_VIDEO_RESOURCES"
	// FlagSendSRTPMKI must stay YES (its default) with Lync clients,
	// which use SRTP with a master key identifier.
	FlagSendSRTPMKI = "SEND_SRTP_MKI"
	// FlagMSKeepAlive must be YES when the Front End pool is load-balanced
	// (more than one address behind its FQDN).
	FlagMSKeepAlive = "MS_KEEP_ALIVE_ENABLE"
)

// Lookup returns the flag called name, matched without regard to case as
// the RMX reads its flags, and whether it is set to a non-empty value.
// When the file holds the name in several cases, the exact one wins, then
// the first in sorted order, so the answer never depends on map order.
func (f Flags) Lookup(name string) (string, bool) {
	v := f[f.KeyOf(name)]
	return v, v != ""
}

// KeyOf returns the name the flag called name is written under in f (its
// case may differ; see Lookup), or name itself when f does not hold it:
// the key of the field a finding about the flag points at.
func (f Flags) KeyOf(name string) string {
	if _, ok := f[name]; ok {
		return name
	}
	best := ""
	for k := range f {
		if strings.EqualFold(k, name) && (best == "" || k < best) {
			best = k
		}
	}
	return cmp.Or(best, name)
}

// YesNo reads the flag called name as the RMX's YES/NO flags are
// written: it returns the value and known = true when the flag is set to
// YES or NO in any case, and known = false when it is not set or holds
// something else (a value the rules do not judge).
func (f Flags) YesNo(name string) (yes, known bool) {
	v, ok := f.Lookup(name)
	switch {
	case !ok:
		return false, false
	case strings.EqualFold(strings.TrimSpace(v), "YES"):
		return true, true
	case strings.EqualFold(strings.TrimSpace(v), "NO"):
		return false, true
	}
	return false, false
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
