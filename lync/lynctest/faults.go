package lynctest

import (
	"crypto/tls"

	"github.com/rppkit/rppkit/lync"
)

// faults make the lab behave wrongly on purpose: to test how a device
// takes a server that does not answer, and to prove that checkers of a
// Lync stand-in (package conformance's reverse mode) catch a wrong one.
type faults struct {
	unansweredProvisioning bool
	trustAny               bool
}

// WithUnansweredProvisioning makes the Front Ends record the provisioning
// SUBSCRIBE and never answer it, as a Front End that has lost its
// provisioning service: for tests of a device's retries and of the alarm it
// raises ("Failed to subscribe with the OCS…").
func WithUnansweredProvisioning() Option {
	return func(o *options) { o.faults.unansweredProvisioning = true }
}

// WithTrustAnyCertificate makes the Front Ends accept any client
// certificate — of any CA, wildcard, without SAN — and take the peer for
// the computer it names (else the first computer of the topology): a
// wrong Lync stand-in, which a conformance kit must catch. Never use it to
// make a test pass.
func WithTrustAnyCertificate() Option { return func(o *options) { o.faults.trustAny = true } }

// trustAnyConfig loosens conf for WithTrustAnyCertificate.
func trustAnyConfig(conf *tls.Config) {
	conf.ClientAuth = tls.RequireAnyClientCert
	conf.ClientCAs = nil
	conf.VerifyConnection = nil
}

// anyPeer is the peer WithTrustAnyCertificate makes of any certificate.
func (s *Server) anyPeer(cs tls.ConnectionState) (*peer, error) {
	if len(cs.PeerCertificates) == 0 {
		return nil, ErrNoClientCertificate
	}
	leaf := cs.PeerCertificates[0]
	names := append(append([]string(nil), leaf.DNSNames...), leaf.Subject.CommonName)
	for _, n := range names {
		if pool := s.idx.PoolFor(lync.FQDN(n)); pool >= 0 {
			return &peer{certNames: names, computer: lync.FQDN(n), pool: pool}, nil
		}
	}
	for i, p := range s.topo.TrustedApplicationPools {
		if len(p.Computers) > 0 {
			return &peer{certNames: append(names, string(p.Computers[0])), computer: p.Computers[0], pool: i}, nil
		}
	}
	return nil, ErrUnknownComputer
}
