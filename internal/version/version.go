// Package version parses and compares the dotted release numbers that RMX,
// RPCS and DMA releases carry ("8.5", "8.5.10", "8.7.1.3040").
//
// It is internal so that rmx.Version and dma.Version can stay distinct types
// (an RMX release is never compared with a DMA release by accident) while
// sharing one parser.
package version

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MaxComponents is the most dotted components a release number may have:
// major.minor.patch.build, as on the RMX and DMA "About" pages.
const MaxComponents = 4

// ErrInvalid is wrapped by every error Parse returns.
var ErrInvalid = errors.New("invalid release number")

// Number is a parsed release number. The zero Number means "not set".
type Number struct {
	parts [MaxComponents]int
	n     int // how many components were written
}

// Parse reads a release number of two to four dotted decimal components.
// kind names the product in error messages ("RMX", "DMA").
func Parse(kind, s string) (Number, error) {
	var v Number
	if s == "" {
		return v, fmt.Errorf("%w: empty %s version", ErrInvalid, kind)
	}
	fields := strings.Split(s, ".")
	if len(fields) < 2 || len(fields) > MaxComponents {
		return v, fmt.Errorf("%w: %s version %q: want 2 to %d dotted numbers, like 8.5 or 8.7.1.3040",
			ErrInvalid, kind, s, MaxComponents)
	}
	for i, f := range fields {
		if f == "" || len(f) > 9 || strings.TrimLeft(f, "0123456789") != "" {
			return v, fmt.Errorf("%w: %s version %q: component %d (%q) is not a number",
				ErrInvalid, kind, s, i+1, f)
		}
		n, err := strconv.Atoi(f)
		if err != nil { // unreachable with the checks above; kept for safety
			return v, fmt.Errorf("%w: %s version %q: %w", ErrInvalid, kind, s, err)
		}
		v.parts[i] = n
	}
	v.n = len(fields)
	return v, nil
}

// Make builds a Number from its components; it panics on a programming
// error (no components or more than MaxComponents), never on user input.
func Make(parts ...int) Number {
	if len(parts) == 0 || len(parts) > MaxComponents {
		panic("version.Make: want 1 to 4 components")
	}
	var v Number
	copy(v.parts[:], parts)
	v.n = len(parts)
	return v
}

// IsZero reports whether v was never set.
func (v Number) IsZero() bool { return v.n == 0 }

// Components returns the components as written.
func (v Number) Components() []int { return append([]int(nil), v.parts[:v.n]...) }

// String returns the number as written, without leading zeros.
func (v Number) String() string {
	var b strings.Builder
	for i := 0; i < v.n; i++ {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(v.parts[i]))
	}
	return b.String()
}

// Compare returns -1, 0 or +1. Missing components count as zero, so 8.5 and
// 8.5.0 compare equal.
func (v Number) Compare(w Number) int {
	for i := 0; i < MaxComponents; i++ {
		switch {
		case v.parts[i] < w.parts[i]:
			return -1
		case v.parts[i] > w.parts[i]:
			return +1
		}
	}
	return 0
}

// Within reports whether v belongs to the release line r: every component
// written in r equals v's (8.7.1.3040 is within 8.7.1 and 8.7, not 8.7.2).
func (v Number) Within(r Number) bool {
	if r.n == 0 {
		return false
	}
	for i := 0; i < r.n; i++ {
		if v.parts[i] != r.parts[i] {
			return false
		}
	}
	return true
}
