package lynctest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/rppkit/rppkit/lync"
)

// ErrEdgeCertificate is why a Front End could not open its MTLS hop to an
// Edge's internal interface: the Edge's certificate does not chain to the
// lab CA (ErrUntrustedIssuer), or does not name the Edge pool's FQDN
// (lync.ErrCertificateName, lync.ErrCertificateWildcard). The Front End
// then answers the SERVICE meant for that Edge's MRAS with 504 and
// ms-diagnostics 1010; the error is recorded in Message.Err of a Refused
// message of the Edge (Server) from the Front End (Peer).
var ErrEdgeCertificate = errors.New("the Edge's internal certificate is not trusted for the Edge pool's FQDN")

// edgeHopTimeout bounds the Front End's handshake with an Edge.
const edgeHopTimeout = 5 * time.Second

// edgeHops remembers the Edges a Front End has completed a handshake with:
// the certificates of the lab do not change while it runs, so one
// successful handshake per Front End and Edge stands for the connection
// Lync keeps open to its next hop. Failures are not remembered; each
// SERVICE tries again.
type edgeHops struct {
	mu sync.Mutex
	ok map[*Edge]bool
}

// edgeHop opens the Front End's MTLS connection to the internal interface
// of e, as Lync does before it hands a SERVICE to the Edge's MRAS (SIP/MTLS
// from the Front End pools to the Edge internal interface, in Microsoft's
// Edge port tables): the Front End presents its own certificate, and checks
// the Edge's against the lab CA and the Edge pool's FQDN by
// lync.VerifyCertificateName — a SAN DNS name, or the subject CN of a
// certificate without SANs (Microsoft plans the Edge internal certificate
// with the subject name only), never a wildcard. It returns nil when the
// handshake succeeded, else an error wrapping ErrEdgeCertificate or the
// dial's error.
func (fe *FrontEnd) edgeHop(e *Edge) error {
	fe.hops.mu.Lock()
	done := fe.hops.ok[e]
	fe.hops.mu.Unlock()
	if done {
		return nil
	}
	var verifyErr error
	d := tls.Dialer{
		NetDialer: &net.Dialer{Timeout: edgeHopTimeout},
		Config: &tls.Config{
			Certificates: []tls.Certificate{fe.cert},
			ServerName:   string(e.FQDN),
			MinVersion:   tls.VersionTLS12,
			// The chain and the name are checked in VerifyConnection, so
			// that a certificate with its subject name only (as Microsoft
			// plans the Edge's) is read as Lync reads it, which Go's name
			// check, SAN only, would refuse.
			InsecureSkipVerify: true,
			VerifyConnection: func(cs tls.ConnectionState) error {
				verifyErr = fe.s.verifyEdge(cs, e.FQDN)
				return verifyErr
			},
		},
	}
	ctx, cancel := context.WithTimeout(fe.ctx, edgeHopTimeout)
	defer cancel()
	c, err := d.DialContext(ctx, "tcp", e.SIPAddr)
	if verifyErr != nil {
		return verifyErr
	}
	if err != nil {
		return fmt.Errorf("MTLS to Edge %s at %s: %w", e.FQDN, e.SIPAddr, err)
	}
	_ = c.Close()
	fe.hops.mu.Lock()
	if fe.hops.ok == nil {
		fe.hops.ok = map[*Edge]bool{}
	}
	fe.hops.ok[e] = true
	fe.hops.mu.Unlock()
	return nil
}

// verifyEdge checks the certificate an Edge's internal interface presents
// to a Front End that dialled the Edge pool edge.
func (s *Server) verifyEdge(cs tls.ConnectionState, edge lync.FQDN) error {
	if len(cs.PeerCertificates) == 0 {
		return fmt.Errorf("%w: %w: no certificate", ErrEdgeCertificate, ErrUntrustedIssuer)
	}
	leaf := cs.PeerCertificates[0]
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: s.CA.Pool(), Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
		return fmt.Errorf("%w: %w: %w", ErrEdgeCertificate, ErrUntrustedIssuer, err)
	}
	if err := lync.VerifyCertificateName(leaf.Subject.CommonName, leaf.DNSNames, edge); err != nil {
		return fmt.Errorf("%w: %w", ErrEdgeCertificate, err)
	}
	return nil
}
