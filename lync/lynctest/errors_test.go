package lynctest_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/lynctest"
)

// NewServer's refusals are sentinel errors, whatever their text.
func TestNewServerRefusesTopologiesItCannotServe(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, tc := range []struct {
		name   string
		mutate func(topo *lync.Topology) *lync.Topology
		want   error
	}{
		{"nil topology", func(*lync.Topology) *lync.Topology { return nil }, lynctest.ErrNoFrontEndPool},
		{"no Front End pool", func(topo *lync.Topology) *lync.Topology { topo.FrontEndPools = nil; return topo }, lynctest.ErrNoFrontEndPool},
		{"no SIP domain", func(topo *lync.Topology) *lync.Topology { topo.SIPDomains = nil; return topo }, lynctest.ErrNoSIPDomain},
		{"Front End paired with an undefined Edge pool", func(topo *lync.Topology) *lync.Topology {
			topo.FrontEndPools[1].EdgePool = "edge-north.contoso.com"
			return topo
		}, lynctest.ErrUnknownEdgePool},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := loadExample(t, "two-site.yaml")
			s, err := lynctest.NewServer(context.Background(), tc.mutate(&d.Lync))
			if s != nil {
				s.Close()
			}
			if s != nil || !errors.Is(err, tc.want) {
				t.Fatalf("NewServer: %v, %v; want %v", s, err, tc.want)
			}
		})
	}
	// The control: a Front End pool with no Edge at all is served.
	d := loadExample(t, "two-site.yaml")
	d.Lync.FrontEndPools[1].EdgePool = ""
	s, err := lynctest.NewServer(context.Background(), &d.Lync)
	if err != nil {
		t.Fatalf("a Front End pool without an Edge: %v", err)
	}
	if fe := s.FrontEnd("fe-west.contoso.com"); fe == nil || fe.Edge != nil {
		t.Errorf("fe-west: %+v, want a Front End without an Edge", fe)
	}
	s.Close()
}

// A socket the lab cannot open is a *ListenError naming the pool and the
// service, wrapping the listen call's error; what was started is stopped.
func TestNewServerListenFailures(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	errNoSocket := errors.New("no socket for this test")
	// two-site.yaml: each Edge pool opens relay UDP, relay TCP and SIP, in
	// topology order, then each Front End pool opens SIP.
	for _, tc := range []struct {
		failing int // which listen call fails, from 0
		pool    lync.FQDN
		service string
	}{
		{0, "edge-east.contoso.com", lynctest.ServiceRelayUDP},
		{1, "edge-east.contoso.com", lynctest.ServiceRelayTCP},
		{2, "edge-east.contoso.com", lynctest.ServiceSIP},
		{5, "edge-west.contoso.com", lynctest.ServiceSIP},
		{6, "fe-east.contoso.com", lynctest.ServiceSIP},
		{7, "fe-west.contoso.com", lynctest.ServiceSIP},
	} {
		var calls atomic.Int32
		lc := net.ListenConfig{Control: func(network, address string, c syscall.RawConn) error {
			if int(calls.Add(1))-1 == tc.failing {
				return errNoSocket
			}
			return nil
		}}
		d := loadExample(t, "two-site.yaml")
		s, err := lynctest.NewServer(context.Background(), &d.Lync, lynctest.WithListenConfig(lc))
		if s != nil {
			s.Close()
		}
		var le *lynctest.ListenError
		var op *net.OpError
		switch {
		case s != nil || !errors.As(err, &le):
			t.Errorf("listen call %d failing: %v, %v; want a *lynctest.ListenError", tc.failing, s, err)
		case le.Pool != tc.pool || le.Service != tc.service:
			t.Errorf("listen call %d failing: pool %s, service %q; want %s, %q", tc.failing, le.Pool, le.Service, tc.pool, tc.service)
		case !errors.Is(err, errNoSocket) || !errors.As(err, &op):
			t.Errorf("listen call %d failing: %v does not wrap the listen call's *net.OpError", tc.failing, err)
		}
	}
}

// The Front End trusts a computer by the DNS names of its certificate's
// SAN, and never a wildcard, even in a subject CN beside a SAN naming the
// host. Each refusal is recorded with its reason, testable with errors.Is.
func TestFrontEndTrustByCertificate(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, _ := start(t, "two-site.yaml")
	fe := s.FrontEnd("fe-east.contoso.com")
	for _, tc := range []struct {
		name string
		cn   string
		san  []string
		want error // nil: trusted
	}{
		{"SAN naming the computer", "rmx-east.contoso.com", []string{"rmx-east.contoso.com"}, nil},
		{"SAN naming the computer, CN another name", "RMX East", []string{"rmx-east.contoso.com"}, nil},
		{"CN-only certificate", "rmx-east.contoso.com", nil, lynctest.ErrNoSAN},
		{"wildcard CN, SAN naming the computer", "*.contoso.com", []string{"rmx-east.contoso.com"}, lynctest.ErrWildcardCertificate},
		{"wildcard SAN", "rmx-east.contoso.com", []string{"*.contoso.com"}, lynctest.ErrWildcardCertificate},
		{"wildcard SAN beside the computer", "rmx-east.contoso.com", []string{"rmx-east.contoso.com", "*.contoso.com"}, lynctest.ErrWildcardCertificate},
		{"computer not in the topology", "rmx-rogue.contoso.com", []string{"rmx-rogue.contoso.com"}, lynctest.ErrUnknownComputer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(s.Messages())
			cert, err := s.CA.Issue(tc.cn, tc.san...)
			if err != nil {
				t.Fatal(err)
			}
			conn, err := tls.Dial("tcp", fe.Addr, s.ClientTLSConfig(cert, string(fe.FQDN)))
			if err == nil {
				// Under TLS 1.2 the client's handshake ends before the
				// server's verdict arrives: OPTIONS shows it.
				_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
				// A branch of its own per case: the same branch again would
				// be a retransmission of an earlier case's transaction.
				_, err = conn.Write([]byte("OPTIONS sip:fe-east.contoso.com SIP/2.0\r\nVia: SIP/2.0/TLS rmx-east.contoso.com;branch=z9hG4bK" + rawToken() + "\r\n" +
					"From: <sip:rmx@contoso.com>;tag=1\r\nTo: <sip:fe-east.contoso.com>\r\nCall-ID: trust" + rawToken() + "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"))
				if err == nil {
					_, err = conn.Read(make([]byte, 1))
				}
				conn.Close()
			}
			if tc.want == nil {
				if err != nil {
					t.Fatalf("refused: %v\n%s", err, s.Ladder())
				}
				return
			}
			if err == nil {
				t.Fatalf("trusted; want a refused handshake (%v)", tc.want)
			}
			// The refusal is recorded just after the alert goes out.
			var refused []lynctest.Message
			for deadline := time.Now().Add(5 * time.Second); len(refused) == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
				for _, m := range s.Messages()[before:] {
					if m.Direction == lynctest.Refused {
						refused = append(refused, m)
					}
				}
			}
			if len(refused) != 1 || !errors.Is(refused[0].Err, lynctest.ErrUntrustedPeer) || !errors.Is(refused[0].Err, tc.want) {
				t.Errorf("recorded %+v; want one refusal for %v", refused, tc.want)
			}
		})
	}
	s.Close()
}

// ErrNoName: a certificate must name something.
func TestIssueWithoutNames(t *testing.T) {
	ca, err := lynctest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ca.Issue(""); !errors.Is(err, lynctest.ErrNoName) {
		t.Errorf("Issue(\"\"): %v, want %v", err, lynctest.ErrNoName)
	}
}
