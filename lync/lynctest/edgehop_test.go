package lynctest_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/lync/mras"
	"github.com/rppkit/rppkit/rpp"
)

// startEdgeCert starts a lab on two-site.yaml whose Edge pool
// edge-east.contoso.com has the internal certificate cert (none when nil),
// with rpp-east registered from rmx-east.
func startEdgeCert(t *testing.T, cert *lync.Certificate) *lynctest.Server {
	t.Helper()
	d, err := rpp.LoadFS(context.Background(), examples.FS, "two-site.yaml")
	if err != nil {
		t.Fatal(err)
	}
	i := d.Lync.Index().EdgePool("edge-east.contoso.com")
	d.Lync.EdgePools[i].Certificate = cert
	s, err := lynctest.NewServer(context.Background(), &d.Lync)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	rawRegistered(t, s, s.FrontEnd("fe-east.contoso.com"), rawRegister())
	return s
}

// TestMRASThroughTheEdgeHop: the Front End hands the credentials SERVICE to
// the Edge's MRAS only after a real MTLS handshake with the Edge's internal
// interface, which presents the certificate the topology gives. A
// certificate that does not name the Edge pool (by a SAN DNS name, or by
// its subject CN when it has no SAN, as Microsoft plans it; never a
// wildcard) fails the hop: 504 with ms-diagnostics 1010 from the Front End,
// and a Refused message of the Front End's hop to the Edge saying why.
func TestMRASThroughTheEdgeHop(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	cases := []struct {
		name    string
		cert    *lync.Certificate
		wantCN  string
		wantSAN []string
		is      error // nil: the hop succeeds and MRAS answers OK
	}{
		{"no certificate in the topology: one for the pool FQDN", nil,
			"edge-east.contoso.com", []string{"edge-east.contoso.com"}, nil},
		{"subject name only, as Microsoft plans it", &lync.Certificate{Subject: "CN=Edge-East.contoso.com, O=Contoso"},
			"Edge-East.contoso.com", nil, nil},
		{"SAN naming the pool", &lync.Certificate{Subject: "edge01.contoso.com", SAN: []string{"edge01.contoso.com", "edge-east.contoso.com"}},
			"edge01.contoso.com", []string{"edge01.contoso.com", "edge-east.contoso.com"}, nil},
		{"subject name of one Edge Server", &lync.Certificate{Subject: "edge01.contoso.com"},
			"edge01.contoso.com", nil, lync.ErrCertificateName},
		{"SAN without the pool, subject naming it", &lync.Certificate{Subject: "edge-east.contoso.com", SAN: []string{"sip.contoso.com"}},
			"edge-east.contoso.com", []string{"sip.contoso.com"}, lync.ErrCertificateName},
		{"wildcard", &lync.Certificate{Subject: "*.contoso.com", SAN: []string{"*.contoso.com"}},
			"*.contoso.com", []string{"*.contoso.com"}, lync.ErrCertificateWildcard},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := startEdgeCert(t, tc.cert)
			edge := s.Edge("edge-east.contoso.com")
			if got := edge.Certificate; got.Subject.CommonName != tc.wantCN || !slices.Equal(got.DNSNames, tc.wantSAN) {
				t.Errorf("the Edge presents CN %q SAN %v; want CN %q SAN %v", got.Subject.CommonName, got.DNSNames, tc.wantCN, tc.wantSAN)
			}
			uri := edge.MRASURI
			fe := s.FrontEnd("fe-east.contoso.com")
			res := rawExchange(t, s, fe, rawService(uri, rawMRASBody(t, uri, "hop", nil)))
			s.Close()
			var refused []lynctest.Message
			for _, m := range s.Messages() {
				if m.Direction == lynctest.Refused {
					refused = append(refused, m)
				}
			}
			if tc.is == nil {
				if r := rawMRASAnswer(t, res); r.ReasonPhrase != mras.OK {
					t.Errorf("reasonPhrase %q; want OK", r.ReasonPhrase)
				}
				if len(refused) > 0 {
					t.Errorf("refusals recorded: %+v", refused)
				}
				return
			}
			if res.StatusCode != 504 || res.Reason != "Server Time-out" {
				t.Errorf("%s; want 504 Server Time-out\n%s", res.StartLine(), res)
			}
			if code, src := rawDiagnostic(res); code != 1010 || src != "fe-east.contoso.com" {
				t.Errorf("ms-diagnostics %d from %q; want 1010 from fe-east.contoso.com", code, src)
			}
			if w := rawHeader(res, "Warning"); !strings.Contains(w, "edge-east.contoso.com") {
				t.Errorf("Warning %q does not name the Edge", w)
			}
			// One refusal, the Front End's hop to the Edge: the Edge's
			// listener records none of its own for a client that gave up
			// on its certificate.
			if len(refused) != 1 || refused[0].Server != "edge-east.contoso.com" || refused[0].Peer != "fe-east.contoso.com" ||
				!errors.Is(refused[0].Err, lynctest.ErrEdgeCertificate) || !errors.Is(refused[0].Err, tc.is) {
				t.Errorf("refusals %+v; want one of fe-east.contoso.com's hop to edge-east.contoso.com wrapping %v", refused, tc.is)
			}
		})
	}
}

// TestEdgeAcceptsOnlyFrontEnds: the Edge's internal interface completes the
// handshake with a Front End of the topology presenting a certificate of
// the lab's CA, and refuses anyone else: a trusted application, a Front
// End name the topology does not have, a Front End's name from another CA.
func TestEdgeAcceptsOnlyFrontEnds(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, _ := start(t, "two-site.yaml")
	other, err := lynctest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	issue := func(ca *lynctest.CA, name string) tls.Certificate {
		c, err := ca.Issue(name, name)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	edge := s.Edge("edge-east.contoso.com")
	cases := []struct {
		name   string
		cert   tls.Certificate
		accept bool
	}{
		{"a Front End of the topology", issue(s.CA, "fe-east.contoso.com"), true},
		{"the other site's Front End", issue(s.CA, "fe-west.contoso.com"), true},
		{"a trusted application computer", issue(s.CA, "rmx-east.contoso.com"), false},
		{"a Front End name the topology lacks", issue(s.CA, "fe-north.contoso.com"), false},
		{"a Front End's name from another CA", issue(other, "fe-east.contoso.com"), false},
	}
	for _, tc := range cases {
		d := &net.Dialer{Timeout: rawWait}
		conn, err := tls.DialWithDialer(d, "tcp", edge.SIPAddr, s.ClientTLSConfig(tc.cert, string(edge.FQDN)))
		if err == nil {
			conn.Close()
		}
		if accepted := err == nil; accepted != tc.accept {
			t.Errorf("%s: handshake error %v; want accepted %v", tc.name, err, tc.accept)
		}
	}
	s.Close()
	var refused int
	for _, m := range s.Messages() {
		if m.Direction == lynctest.Refused && m.Server == "edge-east.contoso.com" {
			refused++
			if !errors.Is(m.Err, lynctest.ErrEdgeRefusesApplications) {
				t.Errorf("refusal %+v; want ErrEdgeRefusesApplications", m)
			}
		}
	}
	if refused != 3 {
		t.Errorf("%d refusals recorded by the Edge; want 3", refused)
	}
}
