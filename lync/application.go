package lync

import (
	"errors"
	"fmt"
	"strings"
)

// URNPrefix is what Lync puts before an ApplicationId it stores:
// New-CsTrustedApplication -ApplicationId video is read back as
// urn:application:video.
const URNPrefix = "urn:application:"

// ErrInvalidApplicationID is wrapped by the errors ParseApplicationID returns.
var ErrInvalidApplicationID = errors.New("invalid application ID")

// ApplicationID is a trusted application's ApplicationId, in either the form
// an admin types (video) or the form Lync stores (urn:application:video).
// Polycom's convention is video, but any ID is valid: never assume it.
type ApplicationID string

// ParseApplicationID accepts "video" and "urn:application:video" alike.
func ParseApplicationID(s string) (ApplicationID, error) {
	bare := trimURN(s)
	if bare == "" {
		return "", fmt.Errorf("%w %q: empty", ErrInvalidApplicationID, s)
	}
	for i := 0; i < len(bare); i++ {
		if c := bare[i]; !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return "", fmt.Errorf("%w %q: character %q is not allowed (letters, digits, '-', '_' and '.')",
				ErrInvalidApplicationID, s, c)
		}
	}
	return ApplicationID(s), nil
}

// Bare returns the ID without urn:application: — the form inside a Service
// GRUU's opaque parameter and the form New-CsTrustedApplication takes.
func (a ApplicationID) Bare() string { return trimURN(string(a)) }

// URN returns the form Lync stores: urn:application:ID.
func (a ApplicationID) URN() string { return URNPrefix + a.Bare() }

// Equal compares two IDs in either form, ignoring case.
func (a ApplicationID) Equal(b ApplicationID) bool { return strings.EqualFold(a.Bare(), b.Bare()) }

// Key is the case-folded bare form, for map keys.
func (a ApplicationID) Key() string { return strings.ToLower(a.Bare()) }

// String returns the ID as written.
func (a ApplicationID) String() string { return string(a) }

// UnmarshalText implements encoding.TextUnmarshaler with ParseApplicationID.
func (a *ApplicationID) UnmarshalText(b []byte) error {
	v, err := ParseApplicationID(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}

func trimURN(s string) string {
	if len(s) >= len(URNPrefix) && strings.EqualFold(s[:len(URNPrefix)], URNPrefix) {
		return s[len(URNPrefix):]
	}
	return s
}
