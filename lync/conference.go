package lync

import (
	"errors"
	"fmt"
	"strings"

	"github.com/emiago/sipgo/sip"
)

// The sentinels wrapped by the conference parsers' errors, for errors.Is.
var (
	ErrInvalidConferenceID  = errors.New("invalid conference ID")
	ErrInvalidConferenceURI = errors.New("invalid conference URI")
	ErrInvalidDialInID      = errors.New("invalid dial-in conference ID")
)

// MaxConferenceIDLen is the longest conference ID accepted. MS-CONFPRO
// §2.2.1.2 leaves the length to the implementation but says implementations
// SHOULD allow 8 to 32 ASCII letters and digits; Lync's UCMA
// GenerateConferenceId makes IDs of 8 to 32 characters.
const MaxConferenceIDLen = 32

// ConferenceID names a conference among those of one organizer (MS-CONFPRO
// §2.2.1.2 conference-id): ASCII letters and digits, at most
// MaxConferenceIDLen of them.
//
// IDs shorter than 8 are accepted although MS-CONFPRO's "SHOULD allow 8 to
// 32" suggests that minimum, because MS-CONFBAS's own examples use the
// 7-character ID 5D3747C; Lync itself generates 8 or more.
//
// Case: the ID is kept as written (Lync writes upper case). Two IDs that
// differ only in case are the same conference for Equal, because RFC 3261
// §19.1.4 compares URI parameters (the ID travels in opaque) without regard
// to case.
type ConferenceID string

// ParseConferenceID checks s as a conference ID; errors wrap
// ErrInvalidConferenceID.
func ParseConferenceID(s string) (ConferenceID, error) {
	if err := checkConferenceID(s); err != nil {
		return "", fmt.Errorf("%w %q: %s", ErrInvalidConferenceID, s, err)
	}
	return ConferenceID(s), nil
}

func checkConferenceID(s string) error {
	switch {
	case s == "":
		return errors.New("empty")
	case len(s) > MaxConferenceIDLen:
		return fmt.Errorf("%d characters; at most %d", len(s), MaxConferenceIDLen)
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return fmt.Errorf("%q at offset %d is not an ASCII letter or digit", s[i], i)
		}
	}
	return nil
}

// Equal reports whether id and other name the same conference, ignoring
// case.
func (id ConferenceID) Equal(other ConferenceID) bool {
	return strings.EqualFold(string(id), string(other))
}

// MarshalText implements encoding.TextMarshaler.
func (id ConferenceID) MarshalText() ([]byte, error) { return []byte(id), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseConferenceID,
// so a configuration file cannot carry a malformed ID.
func (id *ConferenceID) UnmarshalText(b []byte) error {
	v, err := ParseConferenceID(string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}

// MCUType is the conference entity named in a conference URI's opaque
// parameter: the focus, or one of the MCUs the focus hands out (MS-CONFBAS
// §2.2.1, the conf-uris purposes).
type MCUType string

// The entities a RealConnect cascade meets.
const (
	MCUFocus              MCUType = "focus"
	MCUAudioVideo         MCUType = "audio-video"
	MCUChat               MCUType = "chat"
	MCUApplicationSharing MCUType = "applicationsharing"
)

// MCUTypes lists the known entity types, focus first.
func MCUTypes() []MCUType {
	return []MCUType{MCUFocus, MCUAudioVideo, MCUChat, MCUApplicationSharing}
}

// Valid reports whether t is one of the known entity types (in lower case,
// as Lync writes them).
func (t MCUType) Valid() bool {
	switch t {
	case MCUFocus, MCUAudioVideo, MCUChat, MCUApplicationSharing:
		return true
	}
	return false
}

// ConferencePart names the part of a conference URI a ConferenceURIError is
// about.
type ConferencePart string

// The parts of sip:ORGANIZER;gruu;opaque=app:conf:TYPE:id:CONFID.
const (
	ConfPartSyntax     ConferencePart = "syntax"     // not a SIP URI at all
	ConfPartScheme     ConferencePart = "scheme"     // not sip:
	ConfPartOrganizer  ConferencePart = "organizer"  // user@domain
	ConfPartGRUU       ConferencePart = "gruu"       // the valueless gruu parameter
	ConfPartOpaque     ConferencePart = "opaque"     // opaque=app:conf:…
	ConfPartType       ConferencePart = "type"       // TYPE inside opaque
	ConfPartID         ConferencePart = "id"         // CONFID inside opaque
	ConfPartParameters ConferencePart = "parameters" // anything else
)

// ConferenceURIError says why a value is not a conference (or focus
// factory) URI and which part is wrong. It matches ErrInvalidConferenceURI
// with errors.Is and unwraps to the cause (an ErrInvalidConferenceID error
// for a bad ID).
type ConferenceURIError struct {
	Value  string         // the value as given
	Part   ConferencePart // the part that is wrong
	Reason string         // what is wrong with it
	Err    error          // the underlying error, if any
}

func (e *ConferenceURIError) Error() string {
	return fmt.Sprintf("conference URI %q: %s: %s", e.Value, e.Part, e.Reason)
}

// Is makes errors.Is(err, ErrInvalidConferenceURI) true.
func (e *ConferenceURIError) Is(target error) bool { return target == ErrInvalidConferenceURI }

// Unwrap returns the underlying error.
func (e *ConferenceURIError) Unwrap() error { return e.Err }

// ConferenceURI is the URI of a conference's focus or of one of its MCUs
// (MS-CONFBAS §4.4.7):
//
//	sip:Alice@fabrikam.com;gruu;opaque=app:conf:focus:id:5D3747C
//	sip:Alice@fabrikam.com;gruu;opaque=app:conf:audio-video:id:5D3747C
//
// The user and host are the organizer's SIP address; the focus and every MCU
// of one conference share organizer and ID and differ only in type. The zero
// value means "none".
type ConferenceURI struct {
	Organizer SIPAddress
	Type      MCUType
	ID        ConferenceID
}

// FocusURI returns the focus URI of the organizer's conference id.
func FocusURI(organizer SIPAddress, id ConferenceID) ConferenceURI {
	return ConferenceURI{Organizer: organizer, Type: MCUFocus, ID: id}
}

// ParseConferenceURI parses a focus or MCU URI. The scheme must be sip:
// (any case; Lync does not write sips: here), the URI carries exactly the
// valueless gruu parameter and opaque=app:conf:TYPE:id:CONFID (either
// order; the fixed words in any case), no port and no headers. Errors are
// *ConferenceURIError naming the wrong part.
func ParseConferenceURI(s string) (ConferenceURI, error) {
	organizer, opaque, err := parseConfGRUU(s)
	if err != nil {
		return ConferenceURI{}, err
	}
	bad := func(part ConferencePart, cause error, format string, args ...any) (ConferenceURI, error) {
		return ConferenceURI{}, &ConferenceURIError{Value: s, Part: part, Reason: fmt.Sprintf(format, args...), Err: cause}
	}
	body, ok := cutPrefixFold(opaque, "app:conf:")
	if !ok {
		if _, srvr := cutPrefixFold(opaque, "srvr:"); srvr {
			return bad(ConfPartOpaque, nil, "%q is a service GRUU's opaque, not a conference's (app:conf:TYPE:id:CONFID)", opaque)
		}
		return bad(ConfPartOpaque, nil, "%q does not begin with app:conf: (want app:conf:TYPE:id:CONFID)", opaque)
	}
	if strings.EqualFold(body, "focusfactory") {
		return bad(ConfPartOpaque, nil, "this is a focus factory URI (app:conf:focusfactory), not a conference's focus or MCU (app:conf:TYPE:id:CONFID)")
	}
	typ, id, ok := strings.Cut(body, ":")
	if !ok {
		return bad(ConfPartOpaque, nil, "%q has no :id: (want app:conf:TYPE:id:CONFID)", opaque)
	}
	t := MCUType(strings.ToLower(typ))
	if !t.Valid() {
		return bad(ConfPartType, nil, "unknown conference entity type %q (want one of focus, audio-video, chat, applicationsharing)", typ)
	}
	id, ok = cutPrefixFold(id, "id:")
	if !ok {
		return bad(ConfPartOpaque, nil, "%q: want :id:CONFID after the type", opaque)
	}
	if err := checkConferenceID(id); err != nil {
		return bad(ConfPartID, fmt.Errorf("%w %q: %s", ErrInvalidConferenceID, id, err), "conference ID %q: %v", id, err)
	}
	return ConferenceURI{Organizer: organizer, Type: t, ID: ConferenceID(id)}, nil
}

// parseConfGRUU parses sip:USER@DOMAIN;gruu;opaque=X, the shape shared by
// conference and focus factory URIs, and returns the organizer and X.
func parseConfGRUU(s string) (SIPAddress, string, error) {
	bad := func(part ConferencePart, cause error, format string, args ...any) (SIPAddress, string, error) {
		return SIPAddress{}, "", &ConferenceURIError{Value: s, Part: part, Reason: fmt.Sprintf(format, args...), Err: cause}
	}
	if s == "" {
		return bad(ConfPartSyntax, nil, "empty")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c <= ' ' || c > '~':
			return bad(ConfPartSyntax, nil, "contains the byte %#02x at offset %d; a SIP URI is printable ASCII without spaces", c, i)
		case strings.IndexByte("<>\"{}|\\^`", c) >= 0:
			return bad(ConfPartSyntax, nil, "contains %q at offset %d, which a SIP URI cannot hold unescaped", c, i)
		}
	}
	rest, scheme := splitScheme(s)
	switch {
	case scheme == "":
		return bad(ConfPartScheme, nil, "missing: a conference URI begins with sip:")
	case strings.EqualFold(scheme, "sip"):
	case strings.EqualFold(scheme, "sips"):
		return bad(ConfPartScheme, nil, "Lync writes conference URIs with sip:, not sips:")
	default:
		return bad(ConfPartScheme, nil, "scheme %q: a conference URI is a sip: URI", scheme+":")
	}
	var u sip.Uri
	if err := sip.ParseUri("sip:"+rest, &u); err != nil {
		return bad(ConfPartSyntax, err, "not a SIP URI: %v", err)
	}
	at := strings.IndexByte(rest, '@')
	switch {
	case u.HierarhicalSlashes:
		return bad(ConfPartSyntax, nil, "a SIP URI has no '//' after the scheme")
	case u.User == "" || at < 0:
		return bad(ConfPartOrganizer, nil, "missing the user part: want sip:ORGANIZER@DOMAIN;gruu;opaque=…")
	case u.Password != "":
		return bad(ConfPartOrganizer, nil, "user part contains ':'")
	case u.Port != 0:
		return bad(ConfPartOrganizer, nil, "has a port (:%d); a conference URI has none", u.Port)
	case u.Headers.Length() > 0:
		return bad(ConfPartParameters, nil, "has URI headers ('?…'); a conference URI has none")
	}
	organizer, err := MakeSIPAddress(u.User, u.Host)
	if err != nil {
		return bad(ConfPartOrganizer, err, "%v", err)
	}
	// sipgo folds repeated parameters and skips empty ones; look at the raw
	// list too, as ParseGRUU does.
	if _, params, ok := strings.Cut(rest[at:], ";"); ok {
		seen := map[string]bool{}
		for _, p := range strings.Split(params, ";") {
			name, _, _ := strings.Cut(p, "=")
			switch name = strings.ToLower(name); {
			case name == "":
				return bad(ConfPartParameters, nil, "has an empty parameter (';;' or a trailing ';')")
			case seen[name] && name == "gruu":
				return bad(ConfPartGRUU, nil, "appears twice")
			case seen[name] && name == "opaque":
				return bad(ConfPartOpaque, nil, "appears twice")
			case seen[name]:
				return bad(ConfPartParameters, nil, "parameter %q appears twice", name)
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
				return bad(ConfPartGRUU, nil, "takes no value (;gruu, not ;gruu=%s)", kv.V)
			}
			gruuSeen = true
		case strings.EqualFold(kv.K, "opaque"):
			opaque, opaqueSeen = kv.V, true
		default:
			return bad(ConfPartParameters, nil, "unexpected parameter %q; a conference URI has only gruu and opaque", kv.K)
		}
	}
	if !gruuSeen {
		return bad(ConfPartGRUU, nil, "missing the gruu parameter (…;gruu;opaque=app:conf:…)")
	}
	if !opaqueSeen {
		return bad(ConfPartOpaque, nil, "missing the opaque parameter (opaque=app:conf:…)")
	}
	return organizer, opaque, nil
}

// MCU returns the URI of the conference's entity of type t: the AV MCU of a
// focus URI is u.MCU(MCUAudioVideo), and the focus of any MCU URI is
// u.MCU(MCUFocus).
func (u ConferenceURI) MCU(t MCUType) ConferenceURI {
	u.Type = t
	return u
}

// IsZero reports whether u is the zero ConferenceURI.
func (u ConferenceURI) IsZero() bool { return u == ConferenceURI{} }

// String returns the URI as Lync writes it, with the fixed words in lower
// case and the organizer and ID as given; "" for the zero value.
func (u ConferenceURI) String() string {
	if u.IsZero() {
		return ""
	}
	return u.Organizer.String() + ";gruu;opaque=app:conf:" + string(u.Type) + ":id:" + string(u.ID)
}

// Key is the case-folded form, for map keys: two URIs with the same Key
// name the same entity (see Equal).
func (u ConferenceURI) Key() string {
	return u.Organizer.Key() + ";" + strings.ToLower(string(u.Type)) + ":" + strings.ToLower(string(u.ID))
}

// Equal reports whether u and v name the same entity of the same
// conference: organizer compared as SIPAddress.Equal does, type and ID
// without regard to case.
func (u ConferenceURI) Equal(v ConferenceURI) bool { return u.Key() == v.Key() }

// SameConference reports whether u and v belong to one conference, whatever
// entity each names (a focus URI and its AV MCU URI do).
func (u ConferenceURI) SameConference(v ConferenceURI) bool {
	return u.Organizer.Equal(v.Organizer) && u.ID.Equal(v.ID)
}

// MarshalText implements encoding.TextMarshaler with String.
func (u ConferenceURI) MarshalText() ([]byte, error) { return []byte(u.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseConferenceURI.
func (u *ConferenceURI) UnmarshalText(b []byte) error {
	v, err := ParseConferenceURI(string(b))
	if err != nil {
		return err
	}
	*u = v
	return nil
}

// FocusFactoryURI returns the focus factory URI of user, the address C3P
// conference-management requests (getConference, addConference) go to
// (MS-CONFBAS §4.5): sip:USER@DOMAIN;gruu;opaque=app:conf:focusfactory.
func FocusFactoryURI(user SIPAddress) string {
	if user.IsZero() {
		return ""
	}
	return user.String() + ";gruu;opaque=app:conf:focusfactory"
}

// ParseFocusFactoryURI parses a focus factory URI and returns its user.
// Errors are *ConferenceURIError; a conference's focus or MCU URI is
// refused with Part ConfPartOpaque.
func ParseFocusFactoryURI(s string) (SIPAddress, error) {
	user, opaque, err := parseConfGRUU(s)
	if err != nil {
		return SIPAddress{}, err
	}
	body, ok := cutPrefixFold(opaque, "app:conf:")
	switch {
	case ok && strings.EqualFold(body, "focusfactory"):
		return user, nil
	case ok:
		return SIPAddress{}, &ConferenceURIError{Value: s, Part: ConfPartOpaque,
			Reason: fmt.Sprintf("%q names a conference entity, not the focus factory (want opaque=app:conf:focusfactory)", opaque)}
	}
	return SIPAddress{}, &ConferenceURIError{Value: s, Part: ConfPartOpaque,
		Reason: fmt.Sprintf("%q is not app:conf:focusfactory", opaque)}
}

// Bounds of a DialInID.
const (
	MinDialInIDLen = 4
	MaxDialInIDLen = 20
)

// DialInID is the numeric conference ID printed in Lync meeting invitations
// under the dial-in numbers, the key a RealConnect caller dials behind the
// DMA's prefix. It is not the ConferenceID in the focus URI.
//
// Lab convention: no public source at hand fixes its length, so the lab
// accepts MinDialInIDLen to MaxDialInIDLen ASCII digits (leading zeros
// kept, as they are dialled) and nothing else: no spaces, '#' or '+'.
type DialInID string

// ParseDialInID checks s as a dial-in ID; errors wrap ErrInvalidDialInID.
func ParseDialInID(s string) (DialInID, error) {
	bad := func(format string, args ...any) (DialInID, error) {
		return "", fmt.Errorf("%w %q: %s", ErrInvalidDialInID, s, fmt.Sprintf(format, args...))
	}
	switch {
	case s == "":
		return bad("empty")
	case len(s) < MinDialInIDLen:
		return bad("%d digits; at least %d", len(s), MinDialInIDLen)
	case len(s) > MaxDialInIDLen:
		return bad("%d characters; at most %d digits", len(s), MaxDialInIDLen)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return bad("%q at offset %d is not a digit", s[i], i)
		}
	}
	return DialInID(s), nil
}

// MarshalText implements encoding.TextMarshaler.
func (id DialInID) MarshalText() ([]byte, error) { return []byte(id), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseDialInID.
func (id *DialInID) UnmarshalText(b []byte) error {
	v, err := ParseDialInID(string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}
