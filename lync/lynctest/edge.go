package lynctest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/pion/turn/v2"

	"github.com/rppkit/rppkit/internal/pionlog"
	"github.com/rppkit/rppkit/lync"
)

// Edge is the stand-in of an Edge pool: its MRAS URI, the TURN relay MRAS
// hands out, and a SIP listener that refuses trusted applications.
type Edge struct {
	FQDN lync.FQDN
	// MRASURI is the server GRUU of the Edge's MRAS service, which the
	// Front Ends it is associated with give out in provisioning.
	MRASURI string
	// Realm is the TURN realm: the topology's SIP domain.
	Realm string
	// RelayHost and the ports are the relay MRAS hands out: the Edge's own
	// (pion/turn) or an ExternalRelay.
	RelayHost                  string
	RelayUDPPort, RelayTCPPort int
	// SIPAddr is where the Edge's internal interface listens for SIP over
	// TLS: it presents the certificate the topology gives the pool (one
	// for the pool FQDN when it gives none), accepts MTLS from the lab's
	// Front Ends, and refuses every other client (a trusted application) in
	// the handshake.
	SIPAddr string
	// Certificate is the certificate the internal interface presents.
	Certificate *x509.Certificate

	mras  lync.GRUU // MRASURI, parsed
	turn  *turn.Server
	sipLn net.Listener
	wg    sync.WaitGroup
}

func (s *Server) startEdge(ctx context.Context, p lync.EdgePool) (*Edge, error) {
	e := &Edge{FQDN: p.FQDN, MRASURI: s.mrasURI(p.FQDN), Realm: s.domain}
	var err error
	if e.mras, err = lync.ParseGRUU(e.MRASURI); err != nil {
		return nil, fmt.Errorf("lynctest: Edge %s: %w", p.FQDN, err) // a bug: the lab makes the URI
	}
	if r := s.opts.relay; r != nil {
		e.RelayHost, e.RelayUDPPort, e.RelayTCPPort = r.Host, r.UDPPort, r.TCPPort
	} else if err := e.startRelay(ctx, s); err != nil {
		return nil, err
	}
	if err := e.startSIP(ctx, s, p.Certificate); err != nil {
		e.close()
		return nil, err
	}
	return e, nil
}

// startRelay runs a TURN server on loopback UDP and TCP that accepts only
// credentials MRAS minted and not yet expired.
func (e *Edge) startRelay(ctx context.Context, s *Server) error {
	udp, err := s.opts.listen.ListenPacket(ctx, "udp4", "127.0.0.1:0")
	if err != nil {
		return &ListenError{Pool: e.FQDN, Service: ServiceRelayUDP, Err: err}
	}
	tcp, err := s.opts.listen.Listen(ctx, "tcp4", "127.0.0.1:0")
	if err != nil {
		udp.Close()
		return &ListenError{Pool: e.FQDN, Service: ServiceRelayTCP, Err: err}
	}
	gen := func() turn.RelayAddressGenerator {
		return &turn.RelayAddressGeneratorStatic{RelayAddress: net.IPv4(127, 0, 0, 1), Address: "127.0.0.1"}
	}
	srv, err := turn.NewServer(turn.ServerConfig{
		Realm: e.Realm,
		AuthHandler: func(user, realm string, src net.Addr) ([]byte, bool) {
			c, ok := s.creds.lookup(user)
			if !ok {
				s.log.Info("relay refused credentials", "edge", e.FQDN, "user", user, "from", src)
				return nil, false
			}
			return turn.GenerateAuthKey(user, realm, c.Password), true
		},
		PacketConnConfigs: []turn.PacketConnConfig{{PacketConn: udp, RelayAddressGenerator: gen()}},
		ListenerConfigs:   []turn.ListenerConfig{{Listener: tcp, RelayAddressGenerator: gen()}},
		LoggerFactory:     pionlog.Factory{Logger: s.log.With("edge", e.FQDN)},
	})
	if err != nil {
		udp.Close()
		tcp.Close()
		return fmt.Errorf("lynctest: Edge %s relay: %w", e.FQDN, err)
	}
	e.turn = srv
	e.RelayHost = "127.0.0.1"
	e.RelayUDPPort = udp.LocalAddr().(*net.UDPAddr).Port
	e.RelayTCPPort = tcp.Addr().(*net.TCPAddr).Port
	return nil
}

// RelayUDPAddr returns the relay's UDP address, host:port.
func (e *Edge) RelayUDPAddr() string {
	return net.JoinHostPort(e.RelayHost, strconv.Itoa(e.RelayUDPPort))
}

// startSIP listens for SIP over TLS on the Edge's internal interface. It
// presents a certificate with the subject and SANs of cert (the
// topology's), or one for the pool FQDN when cert gives no names; it
// completes the handshake with the lab's Front Ends, which connect to it
// before they hand a SERVICE to its MRAS, and refuses every other client in
// the handshake: the RMX must not register to the Edge.
func (e *Edge) startSIP(ctx context.Context, s *Server, cert *lync.Certificate) error {
	cn, san := string(e.FQDN), []string{string(e.FQDN)}
	if cert != nil && cert.HasNames() {
		cn, san = cert.CommonName(), cert.SAN
	}
	tc, err := s.CA.Issue(cn, san...)
	if err != nil {
		return fmt.Errorf("lynctest: Edge %s certificate: %w", e.FQDN, err)
	}
	e.Certificate = tc.Leaf
	conf := &tls.Config{
		Certificates: []tls.Certificate{tc},
		ClientAuth:   tls.RequireAnyClientCert,
		MaxVersion:   tls.VersionTLS12, // so the client sees the refusal at once
		VerifyConnection: func(cs tls.ConnectionState) error {
			if s.isFrontEnd(cs) {
				return nil
			}
			return ErrEdgeRefusesApplications
		},
	}
	tcp, err := s.opts.listen.Listen(ctx, "tcp4", "127.0.0.1:0")
	if err != nil {
		return &ListenError{Pool: e.FQDN, Service: ServiceSIP, Err: err}
	}
	ln := tls.NewListener(tcp, conf)
	e.sipLn, e.SIPAddr = ln, ln.Addr().String()
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			e.wg.Add(1)
			go func() {
				defer e.wg.Done()
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(5 * time.Second))
				err := c.(*tls.Conn).Handshake()
				var op *net.OpError
				if err == nil || errors.As(err, &op) && op.Op == "remote error" {
					// Accepted (a Front End's hop), or given up by the
					// client, which records its own reason (a Front End
					// refusing the Edge's certificate does).
					return
				}
				s.rec.add(Message{Time: s.opts.now(), Direction: Refused, Server: string(e.FQDN),
					Peer: c.RemoteAddr().String(), StartLine: "TLS: " + err.Error(), Err: err})
			}()
		}
	}()
	return nil
}

// isFrontEnd reports whether a TLS client is one of the lab's Front Ends:
// its certificate chains to the lab CA and a SAN DNS name of it is a Front
// End pool of the topology.
func (s *Server) isFrontEnd(cs tls.ConnectionState) bool {
	if len(cs.PeerCertificates) == 0 {
		return false
	}
	leaf := cs.PeerCertificates[0]
	names, err := sanNames(leaf)
	if err != nil {
		return false
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: s.CA.Pool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		return false
	}
	for _, n := range names {
		if s.idx.FrontEndPool(lync.FQDN(n)) >= 0 {
			return true
		}
	}
	return false
}

func (e *Edge) close() error {
	var errs []error
	if e.sipLn != nil {
		errs = append(errs, e.sipLn.Close())
	}
	e.wg.Wait()
	if e.turn != nil {
		errs = append(errs, e.turn.Close())
	}
	return errors.Join(errs...)
}
