package lynctest_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/lync/mras"
)

// serviceRequest builds the MRAS SERVICE rmx-east sends in two-site.yaml.
func serviceRequest(b *testing.B, mrasURI, gruu string) *sip.Request {
	self := "sip:rpp-east@contoso.com"
	body, err := (&mras.Request{RequestID: "1", Version: "2.0", To: mrasURI, From: self,
		Credentials: []mras.CredentialsRequest{{ID: "1", Identity: self, Location: mras.Internet, Duration: 480}}}).Marshal()
	if err != nil {
		b.Fatal(err)
	}
	var to, from, contact sip.Uri
	for _, u := range []struct {
		s   string
		dst *sip.Uri
	}{{mrasURI, &to}, {self, &from}, {"sip:" + gruu, &contact}} {
		if err := sip.ParseUri(u.s, u.dst); err != nil {
			b.Fatal(err)
		}
	}
	req := sip.NewRequest("SERVICE", to)
	params := sip.NewParams()
	params.Add("tag", "bench")
	req.AppendHeader(&sip.FromHeader{Address: from, Params: params})
	req.AppendHeader(&sip.ToHeader{Address: to})
	req.AppendHeader(&sip.ContactHeader{Address: contact})
	req.AppendHeader(sip.NewHeader("Content-Type", mras.ContentType))
	req.SetBody(body)
	req.SetTransport("TLS")
	return req
}

// runService sends clones of req to addr as fast as the parallel
// goroutines can, over one TLS connection, and reports requests a second.
func runService(b *testing.B, conf *tls.Config, addr string, req *sip.Request, check func(*sip.Response) bool) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// The client's sipgo logs its connections' reference counting through
	// the process default logger: keep it off the benchmark's output.
	old := slog.Default()
	slog.SetDefault(quiet)
	defer slog.SetDefault(old)
	ua, err := sipgo.NewUA(sipgo.WithUserAgentHostname("rmx-east.contoso.com"), sipgo.WithUserAgenTLSConfig(conf),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(quiet)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(quiet)))
	if err != nil {
		b.Fatal(err)
	}
	defer ua.Close()
	c, err := sipgo.NewClient(ua, sipgo.WithClientHostname("rmx-east.contoso.com"), sipgo.WithClientLogger(quiet))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	req.SetDestination(addr)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			res, err := c.Do(ctx, req.Clone())
			cancel()
			if err != nil || !check(res) {
				b.Errorf("SERVICE: %v %v", res, err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkMRASService measures MRAS SERVICE requests a second through
// the lab's Front End (trust check, identity, GRUU, minting, XML), against
// BenchmarkBareSIPServer: a sipgo server on the same kind of MTLS listener
// that answers the same requests with a bare 200 OK. Compare with
//
//	go test -run '^$' -bench 'MRASService|BareSIPServer' -count 6 ./lync/lynctest
func BenchmarkMRASService(b *testing.B) {
	s, d := start(b, "two-site.yaml")
	// rmx-east registers rpp-east, the identity it uses for ICE:
	// provisioning and MRAS serve registered identities only.
	rawRegistered(b, s, s.FrontEnd("fe-east.contoso.com"), rawRegister())
	defer s.Close()
	cert, err := s.CA.Issue("rmx-east.contoso.com", "rmx-east.contoso.com")
	if err != nil {
		b.Fatal(err)
	}
	fe := s.FrontEnd("fe-east.contoso.com")
	req := serviceRequest(b, s.Edge("edge-east.contoso.com").MRASURI, d.RPP.RMX[0].Flags["SIP_CONTACT_OVERRIDE_STR"])
	// As cheap a check as the bare server's, so that the client's work is
	// the same on both sides; tests check the answers in full.
	runService(b, s.ClientTLSConfig(cert, string(fe.FQDN)), fe.Addr, req, func(res *sip.Response) bool {
		return res.StatusCode == 200 && bytes.Contains(res.Body(), []byte(`reasonPhrase="OK"`))
	})
}

func BenchmarkBareSIPServer(b *testing.B) {
	ca, err := lynctest.NewCA()
	if err != nil {
		b.Fatal(err)
	}
	srvCert, _ := ca.Issue("fe-east.contoso.com", "fe-east.contoso.com")
	cliCert, _ := ca.Issue("rmx-east.contoso.com", "rmx-east.contoso.com")
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	ua, err := sipgo.NewUA(sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(quiet)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(quiet)))
	if err != nil {
		b.Fatal(err)
	}
	srv, _ := sipgo.NewServer(ua, sipgo.WithServerLogger(quiet))
	srv.OnRequest("SERVICE", func(req *sip.Request, tx sip.ServerTransaction) {
		_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
	})
	ln, err := tls.Listen("tcp4", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{srvCert},
		ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: ca.Pool(), MaxVersion: tls.VersionTLS12})
	if err != nil {
		b.Fatal(err)
	}
	served := make(chan struct{})
	go func() { defer close(served); _ = srv.ServeTLS(ln) }()
	defer func() { ln.Close(); <-served; ua.Close() }()
	req := serviceRequest(b, "sip:edge-east.contoso.com@contoso.com;gruu;opaque=srvr:MRAS:k9JWeflVVl6GdopUWZcgWwAA",
		"rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA")
	conf := &tls.Config{Certificates: []tls.Certificate{cliCert}, RootCAs: ca.Pool(), ServerName: "fe-east.contoso.com"}
	runService(b, conf, ln.Addr().(*net.TCPAddr).String(), req, func(res *sip.Response) bool { return res.StatusCode == 200 })
}
