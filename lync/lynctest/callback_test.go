package lynctest_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/lynctest"
)

// device is a trusted application computer's SIP over TLS listener, made
// in the test: a sipgo server that requires the Front End's client
// certificate from the lab CA and answers OPTIONS with status.
type device struct {
	Addr string

	ua     *sipgo.UserAgent
	ln     net.Listener
	served chan struct{}
	once   sync.Once

	mu      sync.Mutex
	got     []*sip.Request
	callers []string // SAN names of the client certificates seen
}

func startDevice(t *testing.T, s *lynctest.Server, cert tls.Certificate, status int) *device {
	t.Helper()
	d := &device{served: make(chan struct{})}
	ua, err := sipgo.NewUA(sipgo.WithUserAgentHostname("device"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sipgo.NewServer(ua)
	if err != nil {
		t.Fatal(err)
	}
	srv.OnOptions(func(req *sip.Request, tx sip.ServerTransaction) {
		d.mu.Lock()
		d.got = append(d.got, req)
		d.mu.Unlock()
		_ = tx.Respond(sip.NewResponseFromRequest(req, status, "Status", nil))
	})
	// Calls: a VMR answers with an SDP body; "busy" is busy.
	srv.OnInvite(func(req *sip.Request, tx sip.ServerTransaction) {
		d.mu.Lock()
		d.got = append(d.got, req)
		d.mu.Unlock()
		if req.Recipient.User == "busy" {
			_ = tx.Respond(sip.NewResponseFromRequest(req, 486, "Busy Here", nil))
			return
		}
		res := sip.NewResponseFromRequest(req, 200, "OK", []byte("v=0\r\n"))
		res.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
		res.To().Params.Add("tag", "vmr")
		res.AppendHeader(&sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: req.Recipient.User, Host: req.Recipient.Host}})
		_ = tx.Respond(res)
	})
	srv.OnAck(func(req *sip.Request, tx sip.ServerTransaction) {
		d.mu.Lock()
		d.got = append(d.got, req)
		d.mu.Unlock()
	})
	srv.OnBye(func(req *sip.Request, tx sip.ServerTransaction) {
		d.mu.Lock()
		d.got = append(d.got, req)
		d.mu.Unlock()
		_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
	})
	conf := &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    s.CA.Pool(),
		MinVersion:   tls.VersionTLS12,
		VerifyConnection: func(cs tls.ConnectionState) error {
			d.mu.Lock()
			d.callers = append(d.callers, cs.PeerCertificates[0].DNSNames...)
			d.mu.Unlock()
			return nil
		},
	}
	ln, err := tls.Listen("tcp4", "127.0.0.1:0", conf)
	if err != nil {
		t.Fatal(err)
	}
	d.ua, d.ln, d.Addr = ua, ln, ln.Addr().String()
	go func() {
		defer close(d.served)
		_ = srv.ServeTLS(ln)
	}()
	t.Cleanup(d.close)
	return d
}

func (d *device) close() {
	d.once.Do(func() {
		d.ln.Close()
		<-d.served
		d.ua.Close()
	})
}

func (d *device) requests() []*sip.Request {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]*sip.Request(nil), d.got...)
}

// The Front End dials each trusted application computer over MTLS and
// checks the computer's server certificate against the FQDN it dialled:
// a wildcard, a certificate missing the FQDN or naming another computer
// (a shared one), one without SAN or from another CA fail there, each
// with its reason; a good one gets the OPTIONS probe.
func TestProbeComputerChecksTheDeviceCertificate(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, _ := start(t, "two-site.yaml")
	otherCA, err := lynctest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	const computer lync.FQDN = "rmx-east.contoso.com"
	for _, tc := range []struct {
		name    string
		ca      *lynctest.CA
		cn      string
		san     []string
		status  int
		want    error // nil: healthy
		wantWhy error // the reason wrapped with want
	}{
		{"SAN naming the computer", s.CA, "rmx-east.contoso.com", []string{"rmx-east.contoso.com"}, 200, nil, nil},
		{"SAN naming the computer among others", s.CA, "RMX", []string{"rmx.contoso.com", "RMX-EAST.contoso.com"}, 200, nil, nil},
		{"wildcard SAN", s.CA, "rmx-east.contoso.com", []string{"*.contoso.com"}, 200, lynctest.ErrDeviceCertificate, lynctest.ErrWildcardCertificate},
		{"wildcard CN beside a good SAN", s.CA, "*.contoso.com", []string{"rmx-east.contoso.com"}, 200, lynctest.ErrDeviceCertificate, lynctest.ErrWildcardCertificate},
		{"SAN missing the FQDN", s.CA, "rmx-east.contoso.com", []string{"rmx.contoso.com"}, 200, lynctest.ErrDeviceCertificate, lynctest.ErrNameMismatch},
		{"shared certificate naming another computer", s.CA, "dma-east.contoso.com", []string{"dma-east.contoso.com"}, 200, lynctest.ErrDeviceCertificate, lynctest.ErrNameMismatch},
		{"CN-only certificate", s.CA, "rmx-east.contoso.com", nil, 200, lynctest.ErrDeviceCertificate, lynctest.ErrNoSAN},
		{"another CA", otherCA, "rmx-east.contoso.com", []string{"rmx-east.contoso.com"}, 200, lynctest.ErrDeviceCertificate, lynctest.ErrUntrustedIssuer},
		{"unhealthy device", s.CA, "rmx-east.contoso.com", []string{"rmx-east.contoso.com"}, 503, lynctest.ErrNotHealthy, lynctest.ErrNotHealthy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cert, err := tc.ca.Issue(tc.cn, tc.san...)
			if err != nil {
				t.Fatal(err)
			}
			d := startDevice(t, s, cert, tc.status)
			s.SetComputerAddress(computer, 5061, d.Addr)
			before := len(s.Messages())
			r := s.ProbeComputer(context.Background(), computer, 5061)
			if r.Pool != "rpp-east.contoso.com" || r.FrontEnd != "fe-east.contoso.com" || r.Addr != d.Addr {
				t.Errorf("probe of pool %s from %s at %s; want rpp-east from fe-east at %s", r.Pool, r.FrontEnd, r.Addr, d.Addr)
			}
			got := d.requests()
			if tc.want == nil {
				if r.Err != nil || r.Status != 200 || len(got) != 1 {
					t.Fatalf("probe: status %d, %v; device got %d requests\n%s", r.Status, r.Err, len(got), s.Ladder())
				}
				if got[0].Method != sip.OPTIONS || got[0].Recipient.Host != string(computer) {
					t.Errorf("device got %s", got[0].StartLine())
				}
				if len(d.callers) != 1 || d.callers[0] != "fe-east.contoso.com" {
					t.Errorf("the Front End presented %v, want its own certificate", d.callers)
				}
				return
			}
			if !errors.Is(r.Err, tc.want) || !errors.Is(r.Err, tc.wantWhy) {
				t.Fatalf("probe: %v; want %v and %v", r.Err, tc.want, tc.wantWhy)
			}
			if tc.want == lynctest.ErrNotHealthy {
				if r.Status != tc.status {
					t.Errorf("status %d, want %d", r.Status, tc.status)
				}
				return
			}
			if len(got) != 0 {
				t.Errorf("the device got %d requests over a refused connection", len(got))
			}
			var refused []lynctest.Message
			for _, m := range s.Messages()[before:] {
				if m.Direction == lynctest.Refused {
					refused = append(refused, m)
				}
			}
			if len(refused) != 1 || refused[0].Peer != string(computer) || !errors.Is(refused[0].Err, tc.wantWhy) {
				t.Errorf("recorded refusals %+v", refused)
			}
		})
	}
	s.SetComputerAddress(computer, 5061, "")
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// ProbeComputers dials every computer of every pool, on each application
// port, through the resolver the lab gives; a computer without an address
// does not resolve, one whose address does not answer is unreachable.
func TestProbeComputersThroughTheResolver(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var s *lynctest.Server
	addrs := map[lync.FQDN]string{}
	dead, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addrs["dma-west.contoso.com"] = dead.Addr().String()
	dead.Close() // nothing listens there any more
	var mu sync.Mutex
	s, _ = start(t, "two-site.yaml", lynctest.WithComputerResolver(func(c lync.FQDN, port lync.Port) (string, bool) {
		mu.Lock()
		defer mu.Unlock()
		a, ok := addrs[lync.FQDN(c.Key())]
		return a, ok && port == 5061
	}))
	for _, c := range []lync.FQDN{"rmx-east.contoso.com", "dma-east.contoso.com"} {
		cert, _ := s.CA.Issue(string(c), string(c))
		d := startDevice(t, s, cert, 200)
		defer d.close()
		mu.Lock()
		addrs[c] = d.Addr
		mu.Unlock()
	}
	results := s.ProbeComputers(context.Background())
	want := []struct {
		computer lync.FQDN
		err      error
	}{
		{"dma-east.contoso.com", nil},
		{"rmx-east.contoso.com", nil},
		{"dma-west.contoso.com", lynctest.ErrComputerUnreachable},
		{"rmx-west.contoso.com", lynctest.ErrComputerNotResolved},
	}
	if len(results) != len(want) {
		t.Fatalf("%d results, want %d: %+v", len(results), len(want), results)
	}
	for i, w := range want {
		r := results[i]
		if r.Computer != w.computer || r.Port != 5061 || !errors.Is(r.Err, w.err) || (w.err == nil) != (r.Status == 200) {
			t.Errorf("result %d: %s:%d status %d, %v; want %s, %v", i, r.Computer, r.Port, r.Status, r.Err, w.computer, w.err)
		}
	}
	if r := s.ProbeComputer(context.Background(), "alice.contoso.com", 5061); !errors.Is(r.Err, lynctest.ErrUnknownComputer) {
		t.Errorf("probe of a computer of no pool: %v", r.Err)
	}
	t.Log("\n" + s.Ladder())
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// A Front End routes a call to a computer over its MTLS connection: INVITE,
// the computer's answer, ACK; Hangup sends BYE; a BYE from the computer
// ends the call. A refusal is the call's status; a certificate that fails
// the check fails the call before any SIP.
func TestCallRoutedToComputer(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, _ := start(t, "two-site.yaml")
	ctx := context.Background()
	cert, _ := s.CA.Issue("dma-east.contoso.com", "dma-east.contoso.com")
	d := startDevice(t, s, cert, 200)
	defer d.close()
	s.SetComputerAddress("dma-east.contoso.com", 5061, d.Addr)
	inv := lynctest.Invitation{From: "sip:alice@contoso.com", To: "sip:1000@dma-east.contoso.com", ContentType: "application/sdp", Body: []byte("v=0\r\n")}
	call, err := s.Call(ctx, "dma-east.contoso.com", 5061, inv)
	if err != nil || call.Status != 200 || call.ContentType != "application/sdp" || string(call.Body) != "v=0\r\n" {
		t.Fatalf("call: %+v, %v\n%s", call, err, s.Ladder())
	}
	waitFor(t, func() bool { return len(d.requests()) == 2 }) // the ACK, which has no answer
	if code, err := call.Hangup(ctx); err != nil || code != 200 {
		t.Errorf("Hangup: %d, %v", code, err)
	}
	var methods []string
	for _, r := range d.requests() {
		methods = append(methods, string(r.Method))
	}
	if got := strings.Join(methods, " "); got != "INVITE ACK BYE" {
		t.Errorf("the device got %s, want INVITE ACK BYE", got)
	}
	if inv := d.requests()[0]; inv.From().Address.User != "alice" || inv.Recipient.User != "1000" || string(inv.Body()) != "v=0\r\n" {
		t.Errorf("INVITE %s", inv.String())
	}

	// The computer hangs up: its BYE comes back over the Front End's
	// connection.
	call, err = s.Call(ctx, "dma-east.contoso.com", 5061, inv)
	if err != nil || call.Status != 200 {
		t.Fatalf("second call: %+v, %v", call, err)
	}
	invite := d.requests()[3]
	client, err := sipgo.NewClient(d.ua)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	bye := sip.NewRequest(sip.BYE, invite.Contact().Address)
	bye.SetTransport("TLS")
	bye.SetDestination(invite.Source())
	tag := sip.NewParams()
	tag.Add("tag", "vmr")
	bye.AppendHeader(&sip.FromHeader{Address: invite.To().Address, Params: tag})
	bye.AppendHeader(&sip.ToHeader{Address: invite.From().Address, Params: invite.From().Params.Clone()})
	bye.AppendHeader(sip.HeaderClone(invite.CallID()))
	bye.AppendHeader(&sip.CSeqHeader{SeqNo: 1, MethodName: sip.BYE})
	bctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	res, err := client.Do(bctx, bye)
	if err != nil || res.StatusCode != 200 || !call.Ended() {
		t.Errorf("the device's BYE: %v, %v; call ended: %v", res, err, call.Ended())
	}
	if code, err := call.Hangup(ctx); code != 0 || err != nil {
		t.Errorf("Hangup of an ended call: %d, %v", code, err)
	}

	inv.To = "sip:busy@dma-east.contoso.com"
	if call, err := s.Call(ctx, "dma-east.contoso.com", 5061, inv); err != nil || call.Status != 486 {
		t.Errorf("call to a busy VMR: %+v, %v", call, err)
	}

	wild, _ := s.CA.Issue("*.contoso.com", "*.contoso.com")
	w := startDevice(t, s, wild, 200)
	defer w.close()
	s.SetComputerAddress("rmx-east.contoso.com", 5061, w.Addr)
	if _, err := s.Call(ctx, "rmx-east.contoso.com", 5061, inv); !errors.Is(err, lynctest.ErrWildcardCertificate) {
		t.Errorf("call to a computer with a wildcard certificate: %v", err)
	}
	if len(w.requests()) != 0 {
		t.Error("the wildcard computer got the call")
	}
	if _, err := s.Call(ctx, "rmx-east.contoso.com", 5061, lynctest.Invitation{From: "alice", To: "sip:1000@rmx-east.contoso.com"}); err == nil {
		t.Error("a call from a non-URI went out")
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
