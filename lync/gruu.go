package lync

import (
	"errors"
	"fmt"
	"strings"

	"github.com/emiago/sipgo/sip"
)

// ErrMalformedGRUU is wrapped by every *GRUUError, so callers can test for a
// bad Service GRUU with errors.Is.
var ErrMalformedGRUU = errors.New("not a service GRUU")

// GRUUPart names the part of a Service GRUU that a GRUUError is about.
type GRUUPart string

// The parts of sip:POOL-FQDN@SIP-DOMAIN;gruu;opaque=srvr:APPID:TOKEN.
const (
	PartSyntax      GRUUPart = "syntax"      // not a SIP URI at all
	PartScheme      GRUUPart = "scheme"      // a scheme other than sip:
	PartUser        GRUUPart = "user"        // the user part (the pool FQDN)
	PartHost        GRUUPart = "host"        // the SIP domain
	PartGRUU        GRUUPart = "gruu"        // the valueless gruu parameter
	PartOpaque      GRUUPart = "opaque"      // opaque=srvr:APPID:TOKEN
	PartApplication GRUUPart = "application" // APPID inside opaque
	PartToken       GRUUPart = "token"       // TOKEN inside opaque
	PartParameters  GRUUPart = "parameters"  // anything else after the host
)

// GRUUError says why a value is not a Service GRUU, and which part is wrong.
type GRUUError struct {
	Value  string   // the value as given
	Part   GRUUPart // the part that is wrong
	Reason string   // what is wrong with it
}

func (e *GRUUError) Error() string {
	return fmt.Sprintf("service GRUU %q: %s: %s", e.Value, e.Part, e.Reason)
}

// Is makes errors.Is(err, ErrMalformedGRUU) true.
func (e *GRUUError) Is(target error) bool { return target == ErrMalformedGRUU }

// GRUU is a trusted application pool's Service GRUU, the globally routable
// URI Lync assigns when a trusted application is added:
//
//	sip:rpp.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA
//
// The user part is the pool FQDN, the host the SIP domain, and opaque holds
// the bare application ID and a base64url token. Parameters may come in
// either order. The zero GRUU means "none".
type GRUU struct {
	rest  string // the URI after "sip:", exactly as given
	user  string
	host  string
	app   string
	token string
}

// ParseGRUU parses a Service GRUU in either form an admin pastes: with sip:
// (the DMA's form and Get-CsTrustedApplication's output) or without it (the
// RMX system flag's form). The scheme is matched without regard to case.
// Anything that is not a service GRUU is an error of type *GRUUError naming
// the wrong part.
func ParseGRUU(s string) (GRUU, error) {
	bad := func(part GRUUPart, format string, args ...any) (GRUU, error) {
		return GRUU{}, &GRUUError{Value: s, Part: part, Reason: fmt.Sprintf(format, args...)}
	}
	if s == "" {
		return bad(PartSyntax, "empty")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			return bad(PartSyntax, "contains a space at offset %d (pasted with a line break or padding?)", i)
		case c < ' ' || c > '~':
			return bad(PartSyntax, "contains the byte %#02x at offset %d; a SIP URI is printable ASCII", c, i)
		case strings.IndexByte("<>\"{}|\\^`", c) >= 0:
			return bad(PartSyntax, "contains %q at offset %d, which a SIP URI cannot hold unescaped", c, i)
		}
	}
	rest, scheme := splitScheme(s)
	switch {
	case scheme == "":
	case strings.EqualFold(scheme, "sip"):
	case strings.EqualFold(scheme, "sips"):
		return bad(PartScheme, "Lync writes service GRUUs with sip:, not sips:")
	default:
		return bad(PartScheme, "scheme %q: a service GRUU is a sip: URI", scheme+":")
	}

	var u sip.Uri
	if err := sip.ParseUri("sip:"+rest, &u); err != nil {
		return bad(PartSyntax, "not a SIP URI: %v", err)
	}
	switch {
	case u.HierarhicalSlashes:
		return bad(PartSyntax, "a SIP URI has no '//' after the scheme")
	case u.Password != "" || strings.Contains(rest, "@") && strings.Contains(rest[:strings.IndexByte(rest, '@')], ":"):
		// sipgo leaves Password empty for "user:@host", so the raw text is
		// read too: without the scheme, "user:" would read as one.
		return bad(PartUser, "contains ':'; the user part is the pool FQDN alone")
	case u.User == "" || !strings.Contains(rest, "@"):
		return bad(PartUser, "missing: the user part is the pool FQDN, as in sip:POOL-FQDN@SIP-DOMAIN;gruu;opaque=srvr:APPID:TOKEN")
	case u.Host == "":
		return bad(PartHost, "missing: the host is the SIP domain")
	case u.Port != 0:
		return bad(PartHost, "has a port (:%d); a service GRUU has none", u.Port)
	case u.Headers.Length() > 0:
		return bad(PartParameters, "has URI headers ('?…'); a service GRUU has none")
	}
	if err := checkHostName(u.User); err != nil {
		return bad(PartUser, "%q is not a pool FQDN: %v", u.User, err)
	}
	if err := checkHostName(u.Host); err != nil {
		return bad(PartHost, "%q is not a SIP domain: %v", u.Host, err)
	}

	// sipgo's parameter list folds repeated names and skips empty ones; a
	// service GRUU must have neither, so look at the raw list too.
	if _, params, ok := strings.Cut(rest[strings.IndexByte(rest, '@'):], ";"); ok {
		seen := map[string]bool{}
		for _, p := range strings.Split(params, ";") {
			name, _, _ := strings.Cut(p, "=")
			switch name = strings.ToLower(name); {
			case name == "":
				return bad(PartParameters, "has an empty parameter (';;' or a trailing ';')")
			case seen[name] && name == "gruu":
				return bad(PartGRUU, "appears twice")
			case seen[name] && name == "opaque":
				return bad(PartOpaque, "appears twice")
			case seen[name]:
				return bad(PartParameters, "parameter %q appears twice", name)
			}
			seen[name] = true
		}
	}
	var gruuSeen, opaqueSeen bool
	var opaque string
	for _, kv := range u.UriParams {
		switch {
		case strings.EqualFold(kv.K, "gruu"):
			if kv.V != "" || strings.Contains(strings.ToLower(rest), "gruu=") {
				return bad(PartGRUU, "takes no value (;gruu, not ;gruu=%s)", kv.V)
			}
			gruuSeen = true
		case strings.EqualFold(kv.K, "opaque"):
			opaque, opaqueSeen = kv.V, true
		default:
			return bad(PartParameters, "unexpected parameter %q; a service GRUU has only gruu and opaque", kv.K)
		}
	}
	if !gruuSeen {
		return bad(PartGRUU, "missing the gruu parameter (…;gruu;opaque=srvr:APPID:TOKEN)")
	}
	if !opaqueSeen {
		return bad(PartOpaque, "missing the opaque parameter (opaque=srvr:APPID:TOKEN)")
	}
	body, ok := cutPrefixFold(opaque, "srvr:")
	if !ok {
		if strings.HasPrefix(strings.ToLower(opaque), "app:conf:") {
			return bad(PartOpaque, "%q is a conference URI's opaque, not a service GRUU's (srvr:APPID:TOKEN)", opaque)
		}
		return bad(PartOpaque, "%q does not begin with srvr: (want srvr:APPID:TOKEN)", opaque)
	}
	i := strings.LastIndexByte(body, ':')
	if i < 0 {
		return bad(PartOpaque, "%q has no token (want srvr:APPID:TOKEN)", opaque)
	}
	app, token := body[:i], body[i+1:]
	switch {
	case app == "":
		return bad(PartApplication, "empty application ID in opaque")
	case strings.Contains(app, ":"):
		return bad(PartApplication, "opaque holds the bare application ID (%s), not %q", trimURN(app), app)
	}
	if _, err := ParseApplicationID(app); err != nil {
		return bad(PartApplication, "%v", err)
	}
	if token == "" {
		return bad(PartToken, "empty token after srvr:%s:", app)
	}
	for j := 0; j < len(token); j++ {
		if c := token[j]; !isAlnum(c) && c != '-' && c != '_' {
			return bad(PartToken, "token %q: %q is not a base64url character (A-Z a-z 0-9 - _)", token, c)
		}
	}
	return GRUU{rest: rest, user: u.User, host: u.Host, app: app, token: token}, nil
}

// splitScheme separates a leading "scheme:" from s. A scheme ends at the
// first ':' that comes before any '@' or ';', so the RMX form
// POOL@DOMAIN;gruu;opaque=srvr:… has none.
func splitScheme(s string) (rest, scheme string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ':':
			if i == 0 {
				return s, ""
			}
			return s[i+1:], s[:i]
		case c == '@' || c == ';':
			return s, ""
		case i == 0 && !isAlnum(c):
			return s, ""
		case !isAlnum(c) && c != '+' && c != '-' && c != '.':
			return s, ""
		}
	}
	return s, ""
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// HasSIPScheme reports whether s begins with "sip:" in any case: the
// mistake the RMX flag must not have and the DMA field must.
func HasSIPScheme(s string) bool {
	_, ok := cutPrefixFold(s, "sip:")
	return ok
}

// String returns the GRUU with sip:, the form the DMA's Lync peer wants.
// Parameters keep the order they were given in.
func (g GRUU) String() string {
	if g.IsZero() {
		return ""
	}
	return "sip:" + g.rest
}

// WithoutScheme returns the GRUU without sip:, the form the RMX system flag
// SIP_CONTACT_OVERRIDE_STR wants.
func (g GRUU) WithoutScheme() string { return g.rest }

// IsZero reports whether g is the zero GRUU.
func (g GRUU) IsZero() bool { return g.rest == "" }

// Pool returns the user part: the FQDN of the trusted application pool.
func (g GRUU) Pool() FQDN { return FQDN(g.user) }

// Domain returns the host part: the SIP domain.
func (g GRUU) Domain() string { return g.host }

// ApplicationID returns the bare application ID inside opaque.
func (g GRUU) ApplicationID() ApplicationID { return ApplicationID(g.app) }

// Token returns the base64url token inside opaque.
func (g GRUU) Token() string { return g.token }

// Equal reports whether g and h name the same service: same pool, domain
// and application (ignoring case) and the same token, whatever the order of
// the parameters or the presence or case of the scheme.
func (g GRUU) Equal(h GRUU) bool {
	return strings.EqualFold(g.user, h.user) && strings.EqualFold(g.host, h.host) &&
		strings.EqualFold(g.app, h.app) && g.token == h.token
}

// BelongsTo reports, as a *GRUUError, how g fails to be the Service GRUU of
// the trusted application app in pool; nil when it could be.
func (g GRUU) BelongsTo(pool FQDN, app ApplicationID) error {
	if !g.Pool().Equal(pool) {
		return &GRUUError{Value: g.String(), Part: PartUser,
			Reason: fmt.Sprintf("names pool %s, but the application is in pool %s", g.user, pool)}
	}
	if !g.ApplicationID().Equal(app) {
		return &GRUUError{Value: g.String(), Part: PartApplication,
			Reason: fmt.Sprintf("names application %s, but the trusted application is %s", g.app, app.Bare())}
	}
	return nil
}

// MarshalText implements encoding.TextMarshaler with the sip: form.
func (g GRUU) MarshalText() ([]byte, error) { return []byte(g.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseGRUU.
func (g *GRUU) UnmarshalText(b []byte) error {
	v, err := ParseGRUU(string(b))
	if err != nil {
		return err
	}
	*g = v
	return nil
}
