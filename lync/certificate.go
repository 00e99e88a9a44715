package lync

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/rppkit/rppkit/internal/enum"
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
	// EKU lists the certificate's extended key usages, if known. Lync's
	// server-to-server traffic is mutual TLS, so a trusted application
	// computer presents its certificate both as a server (when Lync
	// connects to it) and as a client (when it connects to Lync): it needs
	// serverAuth and clientAuth. Empty means not known, and is not judged.
	EKU []EKU `yaml:"eku,omitempty" json:"eku,omitempty"`
}

// EKU is an extended key usage of a certificate, by the name RFC 5280
// (section 4.2.1.12) gives its OID: id-kp-serverAuth is serverAuth.
type EKU string

// The extended key usages the deployment file knows. A certificate may
// carry others; they are not needed here and are left out of the file.
const (
	// EKUServerAuth is TLS Web Server Authentication, 1.3.6.1.5.5.7.3.1.
	EKUServerAuth EKU = "serverAuth"
	// EKUClientAuth is TLS Web Client Authentication, 1.3.6.1.5.5.7.3.2.
	EKUClientAuth EKU = "clientAuth"
)

// ErrUnknownEKU is wrapped by the errors ParseEKU returns.
var ErrUnknownEKU = errors.New("unknown extended key usage")

// ParseEKU accepts serverAuth and clientAuth in any case.
func ParseEKU(s string) (EKU, error) {
	return enum.Parse(ErrUnknownEKU, s, EKUServerAuth, EKUClientAuth)
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseEKU.
func (e *EKU) UnmarshalText(b []byte) (err error) {
	*e, err = ParseEKU(string(b))
	return err
}

// MissingEKUs returns which of serverAuth and clientAuth the certificate
// lacks, and whether its EKUs are known at all (nil, false when not).
func (c Certificate) MissingEKUs() ([]EKU, bool) {
	if len(c.EKU) == 0 {
		return nil, false
	}
	var missing []EKU
	for _, want := range []EKU{EKUServerAuth, EKUClientAuth} {
		if !slices.Contains(c.EKU, want) {
			missing = append(missing, want)
		}
	}
	return missing, true
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
	return c.Subject == "" && len(c.SAN) == 0 && c.Fingerprint == "" && len(c.EKU) == 0
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

// Why a certificate does not name a host, as VerifyCertificateName tells
// them apart for errors.Is.
var (
	// ErrCertificateWildcard: the subject CN or a SAN DNS name contains
	// '*'. Microsoft supports no wildcard certificate for a Lync or Skype
	// for Business server role (except the reverse proxy's simple URLs),
	// so a wildcard anywhere refuses the certificate, even beside a SAN
	// that names the host.
	ErrCertificateWildcard = errors.New("wildcard certificates are not supported")
	// ErrCertificateName: the certificate names other hosts: its SAN DNS
	// names, or its subject CN when it has no SAN DNS name.
	ErrCertificateName = errors.New("the certificate does not name the host")
)

// VerifyCertificateName checks that a certificate whose subject common name
// is cn and whose SAN DNS names are san names host, by the usual TLS rule
// (RFC 6125 §6.4.4): host is one of the SAN DNS names or, for a certificate
// with none, the subject CN; and nothing in it is a wildcard. It returns nil
// when the certificate names host, else an error wrapping
// ErrCertificateWildcard or ErrCertificateName that says what it names.
//
// This is how the lab checks the certificate of an Edge pool's internal
// interface, which Microsoft gives the pool FQDN as subject name and no SAN
// entries. (A trusted application computer is held to its SAN alone; see
// SANNames.)
func VerifyCertificateName(cn string, san []string, host FQDN) error {
	if err := RefuseWildcard(cn, san); err != nil {
		return err
	}
	if len(san) == 0 {
		if cn != "" && host.Equal(FQDN(cn)) {
			return nil
		}
		return fmt.Errorf("%w %s: it has no SAN DNS name and its subject CN is %q", ErrCertificateName, host, cn)
	}
	for _, n := range san {
		if host.Equal(FQDN(n)) {
			return nil
		}
	}
	err := fmt.Errorf("%w %s: its SAN names %s", ErrCertificateName, host, strings.Join(san, ", "))
	if cn != "" && host.Equal(FQDN(cn)) {
		err = fmt.Errorf("%w (the subject CN is %s, but a certificate with SAN DNS names is checked against them only)", err, cn)
	}
	return err
}

// RefuseWildcard returns an error wrapping ErrCertificateWildcard that
// names the first wildcard of a certificate whose subject common name is
// cn and whose SAN DNS names are san, or nil when it has none: the one
// wildcard test of every certificate check, the Edge's and a trusted
// application computer's alike.
func RefuseWildcard(cn string, san []string) error {
	if strings.Contains(cn, "*") {
		return fmt.Errorf("%w: the subject CN is %s", ErrCertificateWildcard, cn)
	}
	for _, n := range san {
		if strings.Contains(n, "*") {
			return fmt.Errorf("%w: the SAN names %s", ErrCertificateWildcard, n)
		}
	}
	return nil
}

// VerifyName is VerifyCertificateName for the certificate's common name
// and SAN list as the deployment file gives them.
func (c Certificate) VerifyName(host FQDN) error {
	return VerifyCertificateName(c.CommonName(), c.SAN, host)
}

// HasNames reports whether the certificate gives a subject CN or a SAN
// name: without either there is no name to judge.
func (c Certificate) HasNames() bool { return c.CommonName() != "" || len(c.SAN) > 0 }

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
