package dma

import "github.com/rppkit/rppkit/internal/version"

// ErrInvalidVersion is wrapped by the errors ParseVersion returns.
var ErrInvalidVersion = version.ErrInvalid

// Version is a DMA release such as 6.4 or 6.4.1.2.
// The zero Version means "not known".
type Version struct{ n version.Number }

// ParseVersion reads a release of two to four dotted numbers. The error
// quotes the input and wraps ErrInvalidVersion.
func ParseVersion(s string) (Version, error) {
	n, err := version.Parse("DMA", s)
	return Version{n}, err
}

// MustParseVersion is ParseVersion for constants; it panics on error.
func MustParseVersion(s string) Version {
	v, err := ParseVersion(s)
	if err != nil {
		panic(err)
	}
	return v
}

// String returns the release as written, without leading zeros.
func (v Version) String() string { return v.n.String() }

// IsZero reports whether the version is unknown.
func (v Version) IsZero() bool { return v.n.IsZero() }

// Compare returns -1, 0 or +1; 8.5 equals 8.5.0.
func (v Version) Compare(w Version) int { return v.n.Compare(w.n) }

// Less reports whether v is an earlier release than w.
func (v Version) Less(w Version) bool { return v.Compare(w) < 0 }

// AtLeast reports whether v is w or later.
func (v Version) AtLeast(w Version) bool { return v.Compare(w) >= 0 }

// Within reports whether v belongs to release line r (6.4.1.2 is within
// 6.4).
func (v Version) Within(r Version) bool { return v.n.Within(r.n) }

// MarshalText implements encoding.TextMarshaler.
func (v Version) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseVersion.
func (v *Version) UnmarshalText(b []byte) error {
	w, err := ParseVersion(string(b))
	if err != nil {
		return err
	}
	*v = w
	return nil
}
