package lync

import (
	"errors"
	"fmt"
	"strings"

	"github.com/emiago/sipgo/sip"
)

// ErrInvalidSIPAddress is wrapped by the errors ParseSIPAddress returns.
var ErrInvalidSIPAddress = errors.New("invalid SIP address")

// SIPAddress is the SIP URI of a Lync user, contact or trusted application
// endpoint: sip:user@domain, with no parameters. The zero value means "none".
type SIPAddress struct {
	user, domain string
}

// ParseSIPAddress parses "sip:user@domain". The scheme is required, as it is
// for New-CsTrustedApplicationEndpoint -SipAddress.
func ParseSIPAddress(s string) (SIPAddress, error) {
	bad := func(format string, args ...any) (SIPAddress, error) {
		return SIPAddress{}, fmt.Errorf("%w %q: %s", ErrInvalidSIPAddress, s, fmt.Sprintf(format, args...))
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r > '~' }); i >= 0 {
		return bad("character %q at offset %d is not allowed", s[i], i)
	}
	if len(s) < 4 || !strings.EqualFold(s[:4], "sip:") {
		return bad("want sip:user@domain (the sip: scheme is part of the address)")
	}
	var u sip.Uri
	if err := sip.ParseUri(s, &u); err != nil {
		return bad("%v", err)
	}
	switch {
	case u.User == "" || !strings.Contains(s, "@"):
		return bad("no user part; want sip:user@domain")
	case u.Password != "":
		return bad("user part contains ':'")
	case u.Port != 0:
		return bad("a SIP address has no port")
	case u.UriParams.Length() > 0 || u.Headers.Length() > 0:
		return bad("a SIP address has no parameters")
	}
	if err := checkUserPart(u.User); err != nil {
		return bad("user part %v", err)
	}
	if err := checkHostName(u.Host); err != nil {
		return bad("domain %q: %v", u.Host, err)
	}
	return SIPAddress{user: u.User, domain: u.Host}, nil
}

// MakeSIPAddress builds sip:user@domain from its parts, checking them as
// ParseSIPAddress does.
func MakeSIPAddress(user, domain string) (SIPAddress, error) {
	return ParseSIPAddress("sip:" + user + "@" + domain)
}

// User returns the part before '@' (the RMX's Server User Name).
func (a SIPAddress) User() string { return a.user }

// Domain returns the SIP domain after '@' (the RMX's Server Domain Name).
func (a SIPAddress) Domain() string { return a.domain }

// IsZero reports whether a is the zero SIPAddress.
func (a SIPAddress) IsZero() bool { return a.user == "" && a.domain == "" }

// String returns "sip:user@domain", or "" for the zero value.
func (a SIPAddress) String() string {
	if a.IsZero() {
		return ""
	}
	return "sip:" + a.user + "@" + a.domain
}

// Key is the case-folded form, for map keys: Lync treats SIP addresses
// case-insensitively.
func (a SIPAddress) Key() string { return strings.ToLower(a.user + "@" + a.domain) }

// Equal reports whether a and b are the same address, ignoring case.
func (a SIPAddress) Equal(b SIPAddress) bool { return a.Key() == b.Key() }

// MarshalText implements encoding.TextMarshaler.
func (a SIPAddress) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseSIPAddress.
func (a *SIPAddress) UnmarshalText(b []byte) error {
	v, err := ParseSIPAddress(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// checkUserPart applies RFC 3261's user grammar (unreserved, escaped and
// user-unreserved characters).
func checkUserPart(u string) error {
	for i := 0; i < len(u); i++ {
		c := u[i]
		if isAlnum(c) || strings.IndexByte("-_.!~*'()&=+$,;?/%", c) >= 0 {
			continue
		}
		return fmt.Errorf("contains %q", c)
	}
	return nil
}
