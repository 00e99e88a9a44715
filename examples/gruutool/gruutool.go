// Package gruutool is an example of an external tool tested with rppkit's
// conformance kit: a provisioning script's helper that formats a Lync
// Service GRUU for an RMX and a DMA. It is written without rppkit, as a
// vendor's own code would be; gruutool_test.go shows the one call that
// tests it against the kit and the report the same run writes.
package gruutool

import (
	"errors"
	"strings"
)

// Formatter formats Service GRUUs. It implements conformance.GRUUFormatter.
type Formatter struct{}

// ErrNotServiceGRUU is returned for a value that is not a service GRUU.
var ErrNotServiceGRUU = errors.New("not a service GRUU")

// RMXForm returns the value for the RMX flag SIP_CONTACT_OVERRIDE_STR:
// the GRUU without sip:.
func (Formatter) RMXForm(s string) (string, error) {
	bare, err := check(s)
	return bare, err
}

// DMAForm returns the value for the DMA's Lync peer: the GRUU with sip:.
func (Formatter) DMAForm(s string) (string, error) {
	bare, err := check(s)
	if err != nil {
		return "", err
	}
	return "sip:" + bare, nil
}

// check strips the scheme and checks the shape user@host;gruu;opaque=srvr:APP:TOKEN.
// It is deliberately simple, as such helpers are: see the test for what the
// kit finds it misses.
func check(s string) (string, error) {
	if strings.ContainsAny(s, " \t\r\n<>") {
		return "", ErrNotServiceGRUU
	}
	if len(s) >= 4 && strings.EqualFold(s[:4], "sip:") {
		s = s[4:]
	}
	user, rest, ok := strings.Cut(s, "@")
	if !ok || user == "" {
		return "", ErrNotServiceGRUU
	}
	_, params, _ := strings.Cut(rest, ";") // a known gap: the host is not checked
	var gruu, opaque bool
	for _, p := range strings.Split(params, ";") {
		switch {
		case p == "gruu":
			gruu = true
		case strings.HasPrefix(p, "opaque=srvr:"):
			app, token, ok := strings.Cut(strings.TrimPrefix(p, "opaque=srvr:"), ":")
			opaque = ok && app != "" && token != ""
		}
	}
	if !gruu || !opaque {
		return "", ErrNotServiceGRUU
	}
	return s, nil
}
