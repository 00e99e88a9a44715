package lynctest

import (
	"crypto/tls"
	"errors"
	"fmt"
	"strings"

	"github.com/rppkit/rppkit/lync"
)

// ErrUntrustedPeer is wrapped by the errors of the Front Ends' trust check,
// which clients see as a failed TLS handshake.
var ErrUntrustedPeer = errors.New("not a trusted application computer")

// peer is a trusted application computer connected to a Front End.
type peer struct {
	certNames []string  // the names its certificate gives
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
// certificate (already verified against the lab CA) must name, by SAN DNS
// name or — when it has no SANs — by subject CN, a computer of a trusted
// application pool. Wildcards never count. The exact CN-versus-SAN rule of
// Lync is not published; this is the usual TLS one.
func (s *Server) trust(cs tls.ConnectionState) (*peer, error) {
	if len(cs.PeerCertificates) == 0 {
		return nil, fmt.Errorf("%w: no client certificate", ErrUntrustedPeer)
	}
	leaf := cs.PeerCertificates[0]
	names := leaf.DNSNames
	if len(names) == 0 && leaf.Subject.CommonName != "" {
		names = []string{leaf.Subject.CommonName}
	}
	for _, n := range names {
		if strings.Contains(n, "*") {
			return nil, fmt.Errorf("%w: the certificate names %s; wildcard certificates are not trusted", ErrUntrustedPeer, n)
		}
	}
	for _, n := range names {
		if pool := s.idx.PoolFor(lync.FQDN(n)); pool >= 0 {
			return &peer{certNames: names, computer: lync.FQDN(n), pool: pool}, nil
		}
	}
	return nil, fmt.Errorf("%w: the certificate names %s, none of them a computer of a trusted application pool",
		ErrUntrustedPeer, strings.Join(names, ", "))
}
