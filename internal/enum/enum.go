// Package enum reads the small sets of named values a deployment file uses
// (ICE environments, workflows, transports, …), so that each set is a list
// of values rather than a copy of the same switch.
package enum

import (
	"fmt"
	"strings"
)

// Parse returns the value of values that s names, ignoring case; otherwise
// an error wrapping errUnknown that quotes s and lists the choices.
func Parse[T ~string](errUnknown error, s string, values ...T) (T, error) {
	for _, v := range values {
		if strings.EqualFold(s, string(v)) {
			return v, nil
		}
	}
	return "", fmt.Errorf("%w %q (want %s)", errUnknown, s, Choices(values))
}

// Choices lists values as "a, b or c".
func Choices[T ~string](values []T) string {
	var b strings.Builder
	for i, v := range values {
		switch {
		case i == 0:
		case i == len(values)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(string(v))
	}
	return b.String()
}
