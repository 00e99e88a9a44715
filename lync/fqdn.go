package lync

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// ErrInvalidFQDN is wrapped by the errors ParseFQDN returns.
var ErrInvalidFQDN = errors.New("invalid host name")

// FQDN is a DNS host name such as rmx-east.contoso.com, as written, or an
// IP address literal where an admin wrote one (192.0.2.10, 2001:db8::5 or
// [2001:db8::5]): the model accepts both so that the rules, not the loader,
// say why an address does not belong somewhere. Compare FQDNs with Equal or
// Key: DNS names are case-insensitive, a trailing dot changes nothing, and
// an IPv6 address has many spellings.
type FQDN string

// ParseFQDN checks that s is a DNS host name (letters, digits and hyphens in
// dot-separated labels, with an optional trailing dot) or an IP address
// literal, IPv6 bare or in brackets. It names the usual paste mistakes: a
// URL, a port, a SIP address or a wildcard where a host name belongs.
func ParseFQDN(s string) (FQDN, error) {
	if _, ok := ipLiteral(s); ok {
		return FQDN(s), nil
	}
	if err := checkHostName(s); err != nil {
		return "", fmt.Errorf("%w %q: %s", ErrInvalidFQDN, s, err)
	}
	return FQDN(s), nil
}

// ipLiteral parses an IP address, IPv6 optionally in brackets (as in a
// URI). A zone (fe80::1%eth0) is not an address a topology names.
func ipLiteral(s string) (netip.Addr, bool) {
	if !maybeIP(s) {
		return netip.Addr{}, false // most names: no parse, no error to allocate
	}
	if len(s) > 2 && s[0] == '[' && s[len(s)-1] == ']' {
		a, err := netip.ParseAddr(s[1 : len(s)-1])
		return a, err == nil && a.Is6() && a.Zone() == ""
	}
	a, err := netip.ParseAddr(s)
	return a, err == nil && a.Zone() == ""
}

// maybeIP reports whether s could be an IP literal: IPv6 holds a ':',
// IPv4 only digits and dots.
func maybeIP(s string) bool {
	if strings.IndexByte(s, ':') >= 0 {
		return true
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '.' && (c < '0' || c > '9') {
			return false
		}
	}
	return s != ""
}

// Key is the form two spellings of one host share, for map keys: the name
// case-folded without a trailing dot, or the address in its canonical form.
func (f FQDN) Key() string {
	if a, ok := ipLiteral(string(f)); ok {
		return a.String()
	}
	return strings.ToLower(strings.TrimSuffix(string(f), "."))
}

// Equal reports whether two names are the same host, ignoring case and a
// trailing dot, and comparing IP addresses by value.
func (f FQDN) Equal(g FQDN) bool { return f.Key() == g.Key() }

// IsIP reports whether the name is an IP address literal (IPv4, or IPv6
// bare or in brackets) rather than a host name.
func (f FQDN) IsIP() bool {
	_, ok := ipLiteral(string(f))
	return ok
}

// String returns the name as written.
func (f FQDN) String() string { return string(f) }

// UnmarshalText implements encoding.TextUnmarshaler with ParseFQDN's checks.
func (f *FQDN) UnmarshalText(b []byte) error {
	v, err := ParseFQDN(string(b))
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// checkHostName returns why s is not a host name, or nil.
func checkHostName(s string) error {
	switch {
	case s == "":
		return errors.New("empty")
	case strings.Contains(s, "://"):
		return errors.New("a URL; give the host name only")
	case strings.ContainsAny(s, "@"):
		return errors.New("contains '@'; give a host name, not a SIP address")
	case strings.Contains(s, "*"):
		return errors.New("contains '*'; a wildcard is not a host name")
	case strings.Contains(s, ":"):
		return errors.New("contains ':'; give the host name without a scheme or port")
	case len(s) > 253:
		return errors.New("longer than 253 characters")
	}
	for _, label := range strings.Split(strings.TrimSuffix(s, "."), ".") {
		if label == "" {
			return errors.New("has an empty label (two dots in a row?)")
		}
		if len(label) > 63 {
			return fmt.Errorf("label %q is longer than 63 characters", label)
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("label %q begins or ends with '-'", label)
		}
		for _, c := range []byte(label) {
			if !isAlnum(c) && c != '-' {
				return fmt.Errorf("character %q is not allowed in a host name", c)
			}
		}
	}
	return nil
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
