package lynctest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/lync/mras"
	"github.com/rppkit/rppkit/lync/provision"
	"github.com/rppkit/rppkit/rpp"
)

// client is a bare SIP client on a trusted computer's certificate.
type client struct {
	t      *testing.T
	ua     *sipgo.UserAgent
	c      *sipgo.Client
	fe     *lynctest.FrontEnd
	host   string // the computer's FQDN
	domain string
}

func newClient(t *testing.T, s *lynctest.Server, fe *lynctest.FrontEnd, computer string, certNames ...string) *client {
	t.Helper()
	if certNames == nil {
		certNames = []string{computer}
	}
	cert, err := s.CA.Issue(certNames[0], certNames...)
	if err != nil {
		t.Fatal(err)
	}
	ua, err := sipgo.NewUA(sipgo.WithUserAgentHostname(computer),
		sipgo.WithUserAgenTLSConfig(s.ClientTLSConfig(cert, string(fe.FQDN))))
	if err != nil {
		t.Fatal(err)
	}
	c, err := sipgo.NewClient(ua, sipgo.WithClientHostname(computer))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); ua.Close() })
	return &client{t: t, ua: ua, c: c, fe: fe, host: computer, domain: "contoso.com"}
}

func (c *client) request(ctx context.Context, method sip.RequestMethod, to string, body []byte, headers ...sip.Header) (*sip.Response, error) {
	var uri sip.Uri
	if err := sip.ParseUri(to, &uri); err != nil {
		c.t.Fatal(err)
	}
	req := sip.NewRequest(method, uri)
	req.SetTransport("TLS")
	req.SetDestination(c.fe.Addr)
	for _, h := range headers {
		req.AppendHeader(h)
	}
	if body != nil {
		req.SetBody(body)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return c.c.Do(ctx, req)
}

func uriOf(t *testing.T, s string) sip.Uri {
	var u sip.Uri
	if err := sip.ParseUri(s, &u); err != nil {
		t.Fatal(err)
	}
	return u
}

func loadExample(t testing.TB, example string) *rpp.Deployment {
	t.Helper()
	d, err := rpp.LoadFS(context.Background(), examples.FS, example)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func start(t testing.TB, example string, opts ...lynctest.Option) (*lynctest.Server, *rpp.Deployment) {
	t.Helper()
	d := loadExample(t, example)
	s, err := lynctest.NewServer(context.Background(), &d.Lync, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, d
}

func TestProvisioningAndMRAS(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, d := start(t, "two-site.yaml")
	fe := s.FrontEnd("fe-east.contoso.com")
	c := newClient(t, s, fe, "rmx-east.contoso.com")
	ctx := context.Background()
	self := "sip:rpp-east@contoso.com"
	from := &sip.FromHeader{Address: uriOf(t, self), Params: sip.NewParams()}
	from.Params.Add("tag", "abc")

	res, err := c.request(ctx, sip.REGISTER, "sip:contoso.com", nil, from, &sip.ToHeader{Address: uriOf(t, self)},
		&sip.ContactHeader{Address: uriOf(t, "sip:rpp-east@rmx-east.contoso.com:5061;transport=tls")})
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("REGISTER: %v %v\n%s", res, err, s.Ladder())
	}
	if h := res.GetHeader("ms-keep-alive"); h == nil || !strings.Contains(h.Value(), "timeout=300") {
		t.Errorf("no keep-alive header: %v", res)
	}

	sub, _ := provision.NewRequest(provision.ServerConfiguration).Marshal()
	res, err = c.request(ctx, sip.SUBSCRIBE, self, sub, from, &sip.ToHeader{Address: uriOf(t, self)},
		&sip.ContactHeader{Address: uriOf(t, "sip:rpp-east@rmx-east.contoso.com:5061;transport=tls")},
		sip.NewHeader("Event", provision.Event), sip.NewHeader("Accept", provision.ContentType),
		sip.NewHeader("Content-Type", provision.ContentType), sip.NewHeader("Supported", provision.PiggybackFirstNotify),
		sip.NewHeader("Expires", "0"))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("SUBSCRIBE: %v %v", res, err)
	}
	n, err := provision.ParseNotification(res.Body())
	if err != nil {
		t.Fatal(err)
	}
	g, _ := n.ServerConfiguration()
	if g.MRASURI != s.Edge("edge-east.contoso.com").MRASURI {
		t.Fatalf("MRAS URI %q, want the East Edge's", g.MRASURI)
	}

	body, _ := (&mras.Request{RequestID: "1", Version: "1.0", To: g.MRASURI, From: self,
		Credentials: []mras.CredentialsRequest{{ID: "1", Identity: self, Location: mras.Internet, Duration: 480}}}).Marshal()
	gruu := d.RPP.RMX[0].Flags["SIP_CONTACT_OVERRIDE_STR"]
	res, err = c.request(ctx, "SERVICE", g.MRASURI, body, from, &sip.ToHeader{Address: uriOf(t, g.MRASURI)},
		&sip.ContactHeader{Address: uriOf(t, "sip:"+gruu)}, sip.NewHeader("Content-Type", mras.ContentType))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("SERVICE: %v %v", res, err)
	}
	r, err := mras.ParseResponse(res.Body())
	if err != nil {
		t.Fatal(err)
	}
	if r.ReasonPhrase != mras.OK || len(r.Credentials) != 1 || r.Credentials[0].Credentials == nil || len(r.Credentials[0].Relays) != 1 {
		t.Fatalf("MRAS answer %+v", r)
	}
	if relay := r.Credentials[0].Relays[0]; relay.UDPPort != s.Edge("edge-east.contoso.com").RelayUDPPort {
		t.Errorf("relay %+v", relay)
	}

	// The same request without the Service GRUU as Contact is Forbidden.
	res, _ = c.request(ctx, "SERVICE", g.MRASURI, body, from, &sip.ToHeader{Address: uriOf(t, g.MRASURI)},
		&sip.ContactHeader{Address: uriOf(t, "sip:rpp-east@rmx-east.contoso.com")}, sip.NewHeader("Content-Type", mras.ContentType))
	if r, err := mras.ParseResponse(res.Body()); err != nil || r.ReasonPhrase != mras.Forbidden {
		t.Errorf("without the GRUU: %v %v", r, err)
	}
	t.Log("\n" + s.Ladder())
	c.c.Close()
	c.ua.Close()
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
