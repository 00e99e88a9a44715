package lync

import (
	"slices"
	"strings"
	"unicode"
)

// Certificate describes the server certificate a computer presents to Lync
// over mutual TLS. Lync trusts a trusted application computer only when its
// certificate names it; the Polycom guidance wants SAN certificates naming
// each FQDN, never wildcards, and one certificate per RMX.
type Certificate struct {
	// Subject is the subject common name, bare (rmx.contoso.com) or as a
	// distinguished name (CN=rmx.contoso.com, O=Contoso).
	Subject string `yaml:"subject" json:"subject"`
	// SAN lists the DNS names of the Subject Alternative Name extension.
	SAN []string `yaml:"san" json:"san"`
	// Fingerprint is the certificate's thumbprint, if known. Two systems with
	// the same fingerprint share one certificate.
	Fingerprint string `yaml:"fingerprint,omitempty" json:"fingerprint,omitempty"`
}

// CommonName returns the CN of Subject, which may be written bare or as a
// distinguished name.
func (c Certificate) CommonName() string {
	for _, rdn := range strings.Split(c.Subject, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(rdn), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "CN") {
			return strings.TrimSpace(v)
		}
	}
	if strings.Contains(c.Subject, "=") {
		return ""
	}
	return strings.TrimSpace(c.Subject)
}

// IsZero reports whether nothing is known about the certificate.
func (c Certificate) IsZero() bool {
	return c.Subject == "" && len(c.SAN) == 0 && c.Fingerprint == ""
}

// WildcardNames returns the subject and SAN names that contain '*'.
func (c Certificate) WildcardNames() []string {
	var w []string
	if cn := c.CommonName(); strings.Contains(cn, "*") {
		w = append(w, cn)
	}
	for _, n := range c.SAN {
		if strings.Contains(n, "*") && !slices.Contains(w, n) {
			w = append(w, n)
		}
	}
	return w
}

// SANNames reports whether the SAN list names fqdn literally. A wildcard
// entry does not count: wildcards are not supported in this integration.
func (c Certificate) SANNames(fqdn FQDN) bool {
	for _, n := range c.SAN {
		if fqdn.Equal(FQDN(n)) {
			return true
		}
	}
	return false
}

// FingerprintKey is the thumbprint without separators, case-folded; "" when
// not known.
func (c Certificate) FingerprintKey() string { return normaliseFingerprint(c.Fingerprint) }

// NamesKey is the common name and the sorted SAN list, case-folded: what two
// descriptions of one certificate share when its thumbprint is not known.
// It is "" when the certificate names nothing.
func (c Certificate) NamesKey() string {
	if c.CommonName() == "" && len(c.SAN) == 0 {
		return ""
	}
	san := make([]string, len(c.SAN))
	for i, n := range c.SAN {
		san[i] = strings.ToLower(strings.TrimSuffix(n, "."))
	}
	slices.Sort(san)
	return "cn:" + strings.ToLower(c.CommonName()) + "|san:" + strings.Join(slices.Compact(san), ",")
}

// SameAs reports whether c and o describe the same certificate: the same
// thumbprint when both are known, else the same names.
func (c Certificate) SameAs(o Certificate) bool {
	if a, b := c.FingerprintKey(), o.FingerprintKey(); a != "" && b != "" {
		return a == b
	}
	n := c.NamesKey()
	return n != "" && n == o.NamesKey()
}

// normaliseFingerprint drops the separators thumbprints are shown with.
func normaliseFingerprint(fp string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ':', ' ', '-':
			return -1
		}
		return unicode.ToLower(r)
	}, fp)
}
