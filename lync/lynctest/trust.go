package lynctest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"

	"github.com/rppkit/rppkit/lync"
)

// ErrUntrustedPeer is wrapped by every refusal of the Front Ends' trust
// check, together with the reason (ErrNoClientCertificate,
// ErrWildcardCertificate, ErrNoSAN or ErrUnknownComputer). A client sees
// the refusal as a failed TLS handshake (a bad_certificate alert); the lab
// records the error itself in Message.Err of the Refused message.
var ErrUntrustedPeer = errors.New("not a trusted application computer")

// Why the trust check refuses a certificate.
var (
	// ErrNoClientCertificate: the peer presented no certificate.
	ErrNoClientCertificate = errors.New("no client certificate")
	// ErrWildcardCertificate: the subject CN or a SAN DNS name contains
	// '*'. Microsoft supports no wildcard subject name for any role, even
	// when a SAN names the host.
	// It is lync.ErrCertificateWildcard, so errors.Is matches either name.
	ErrWildcardCertificate = lync.ErrCertificateWildcard
	// ErrNoSAN: the certificate has no SAN DNS name, so names its computer
	// in the subject CN only; Lync's certificates always carry the FQDN in
	// the SAN, and the lab trusts by the SAN alone.
	ErrNoSAN = errors.New("the certificate has no SAN DNS name (CN-only certificate); a computer is trusted by the DNS names of its SAN only")
	// ErrUnknownComputer: no SAN DNS name is a computer of a trusted
	// application pool of the topology.
	ErrUnknownComputer = errors.New("no SAN DNS name of the certificate is a computer of a trusted application pool")
)

// ErrEdgeRefusesApplications is why an Edge refuses every TLS client: an
// Edge pool takes SIP from Front End pools and Directors, and a trusted
// application (the RMX) must not register to it. It is recorded in
// Message.Err of the Edge's Refused messages.
var ErrEdgeRefusesApplications = errors.New("an Edge pool accepts SIP from Front End pools and Directors only, not from trusted applications")

// peer is a trusted application computer connected to a Front End.
type peer struct {
	certNames []string  // the SAN DNS names of its certificate
	computer  lync.FQDN // the pool computer the certificate names
	pool      int       // that computer's pool, in the topology
}

// names reports whether the certificate names host.
func (p *peer) names(host string) bool {
	for _, n := range p.certNames {
		if lync.FQDN(n).Equal(lync.FQDN(host)) {
			return true
		}
	}
	return false
}

// trust decides whether a TLS peer is a trusted application computer: its
// certificate (already verified against the lab CA) must name a computer
// of a trusted application pool among its SAN DNS names, and carry no
// wildcard, neither in a SAN nor in the subject CN. See the package
// documentation for the sources of this rule.
func (s *Server) trust(cs tls.ConnectionState) (*peer, error) {
	if s.opts.faults.trustAny {
		return s.anyPeer(cs)
	}
	if len(cs.PeerCertificates) == 0 {
		return nil, fmt.Errorf("%w: %w", ErrUntrustedPeer, ErrNoClientCertificate)
	}
	names, err := sanNames(cs.PeerCertificates[0])
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUntrustedPeer, err)
	}
	for _, n := range names {
		if pool := s.idx.PoolFor(lync.FQDN(n)); pool >= 0 {
			return &peer{certNames: names, computer: lync.FQDN(n), pool: pool}, nil
		}
	}
	return nil, fmt.Errorf("%w: %w: the SAN names %s", ErrUntrustedPeer, ErrUnknownComputer, strings.Join(names, ", "))
}

// sanNames returns the SAN DNS names by which Lync knows the holder of a
// certificate, in either direction of MTLS: a wildcard in the subject CN or
// in a SAN refuses it (ErrWildcardCertificate), and so does a certificate
// without SAN DNS names (ErrNoSAN). See the package documentation for the
// sources of this rule.
func sanNames(leaf *x509.Certificate) ([]string, error) {
	if err := lync.RefuseWildcard(leaf.Subject.CommonName, leaf.DNSNames); err != nil {
		return nil, err
	}
	if len(leaf.DNSNames) == 0 {
		return nil, fmt.Errorf("%w; the subject CN is %q", ErrNoSAN, leaf.Subject.CommonName)
	}
	return leaf.DNSNames, nil
}
