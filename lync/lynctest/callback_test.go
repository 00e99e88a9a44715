package lynctest_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"sync"
	"testing"

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
