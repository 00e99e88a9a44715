package dmatest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/internal/sipgolog"
	"github.com/rppkit/rppkit/internal/sipudp"
	"github.com/rppkit/rppkit/lync"
)

// Option configures a DMA stand-in.
type Option func(*options)

type options struct {
	cert    *tls.Certificate
	roots   *x509.CertPool
	resolve func(host string) (string, bool)
	mcus    []namedMCU
	hosts   []namedHost
	logger  *slog.Logger
	timeout time.Duration
}

type namedMCU struct {
	name string
	mcu  MCU
}

type namedHost struct {
	name string
	host VMRHost
}

// WithCertificate is the certificate the DMA presents to its Lync peers.
func WithCertificate(c tls.Certificate) Option { return func(o *options) { o.cert = &c } }

// WithRootCAs is the CA pool the DMA trusts for its Lync peers.
func WithRootCAs(p *x509.CertPool) Option { return func(o *options) { o.roots = p } }

// WithResolver maps host names (the Lync peers' addresses) to host:port,
// as DNS would; lynctest.Server.Resolve is one. Without it a peer's
// address is dialled on port 5061.
func WithResolver(f func(host string) (addr string, ok bool)) Option {
	return func(o *options) { o.resolve = f }
}

// WithMCU adds an MCU the DMA may host conferences on, named as its
// rpp.rmx entry is. The DMA tries its MCUs in the order given.
func WithMCU(name string, m MCU) Option {
	return func(o *options) { o.mcus = append(o.mcus, namedMCU{name, m}) }
}

// WithVMRHost adds an MCU that hosts the DMA's VMRs for calls from Lync,
// named as its rpp.rmx entry is. The DMA hands each such call to its first
// VMR host: those of WithVMRHost in the order given, then the MCUs of
// WithMCU that implement VMRHost.
func WithVMRHost(name string, h VMRHost) Option {
	return func(o *options) { o.hosts = append(o.hosts, namedHost{name, h}) }
}

// WithLogger sends the stand-in's logs (and sipgo's) to l.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithTimeout bounds each request to a Lync peer and each cascade (5 s by
// default).
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// DMA is the stand-in. Start listens for calls; Close stops everything and
// waits for it.
type DMA struct {
	sys dma.System
	o   options
	log *slog.Logger

	mu      sync.Mutex
	started bool
	closed  bool
	// closeDone is made by the first Close and closed when it is over.
	closeDone chan struct{}
	calls     []*call
	wg        sync.WaitGroup // calls in flight and listeners

	addr      string
	ua        *sipgo.UserAgent // endpoints' side: UDP and TCP
	srv       *sipgo.Server
	contact   sip.Uri // the Contact of the DMA's answers
	udp       net.PacketConn
	tcp       net.Listener
	tls       net.Listener // from Lync: MTLS with the DMA's certificate
	tlsAddr   string
	lync      *lyncSide
	ctx       context.Context
	cancel    context.CancelFunc
	stopWatch func() bool
	unroute   []func() // of the sipgolog routes of the DMA's addresses
	rec       recorder // the endpoints' side of the calls
}

// New makes a stand-in for the DMA sys (an entry of a deployment's rpp.dma
// list).
func New(sys dma.System, opts ...Option) *DMA {
	o := options{timeout: 5 * time.Second}
	for _, f := range opts {
		f(&o)
	}
	if o.logger == nil {
		o.logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &DMA{sys: sys, o: o, log: o.logger.With("dma", sys.Name)}
}

// System returns the DMA's configuration.
func (d *DMA) System() dma.System { return d.sys }

// Start listens for SIP from endpoints on one loopback port, UDP and TCP
// (plain SIP, as a Group Series dials), and returns that address
// (127.0.0.1:port); with a certificate it also listens for Lync over
// mutual TLS (TLSAddr). Calls are served until ctx ends or Close is
// called.
func (d *DMA) Start(ctx context.Context) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.started {
		return d.addr, errors.New("dmatest: already started")
	}
	d.started = true
	d.ctx, d.cancel = context.WithCancel(context.Background())
	udp, tcp, err := listenPair()
	if err != nil {
		return "", err
	}
	d.udp, d.tcp, d.addr = udp, tcp, udp.LocalAddr().String()
	host, portText, _ := net.SplitHostPort(d.addr)
	port, _ := strconv.Atoi(portText)
	log := d.log
	d.ua, err = sipgo.NewUA(
		sipgo.WithUserAgent("Polycom RealPresence DMA/"+d.sys.Version.String()),
		sipgo.WithUserAgentHostname(host),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(log)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(log), sipgolog.UnhandledResponses(log)),
	)
	if err == nil {
		d.srv, err = sipgo.NewServer(d.ua, sipgo.WithServerLogger(log))
	}
	if err != nil {
		d.closeSockets()
		return "", err
	}
	// The DMA answers endpoints over UDP on its own socket only, also a
	// request sipgo gets to after Close (see internal/sipudp).
	sipudp.Own(d.ua, udp)
	// Before anything is served: sipgo reads its hooks without a lock.
	d.ua.TransportLayer().OnMessage(d.recordRequests)
	d.lync = newLyncSide(d)
	d.contact = sip.Uri{Scheme: "sip", User: "dma", Host: host, Port: port}
	d.srv.OnInvite(d.recording(d.track(d.invite)))
	d.srv.OnAck(d.recording(d.ack))
	d.srv.OnBye(d.recording(d.track(d.bye)))
	d.srv.OnOptions(func(req *sip.Request, tx sip.ServerTransaction) {
		_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
	})
	serves := []func() error{
		func() error { return d.srv.ServeUDP(udp) },
		func() error { return d.srv.ServeTCP(tcp) },
	}
	if d.o.cert != nil {
		// Lync's side: the Front End opens mutual TLS to the DMA as a
		// trusted application computer (OPTIONS health, calls it routes),
		// and checks the DMA's server certificate against the FQDN it
		// dialled; the DMA asks for the Front End's certificate in turn.
		conf := &tls.Config{Certificates: []tls.Certificate{*d.o.cert}, ClientAuth: tls.RequireAndVerifyClientCert,
			ClientCAs: d.o.roots, MinVersion: tls.VersionTLS12}
		if d.o.roots == nil {
			conf.ClientAuth = tls.RequireAnyClientCert
		}
		ln, err := tls.Listen("tcp4", "127.0.0.1:0", conf)
		if err != nil {
			d.closeSockets()
			return "", err
		}
		d.tls, d.tlsAddr = ln, ln.Addr().String()
		serves = append(serves, func() error { return d.srv.ServeTLS(ln) })
	}
	for _, serve := range serves {
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			if err := serve(); err != nil && !errors.Is(err, net.ErrClosed) {
				log.Debug("serve ended", "error", err)
			}
		}()
	}
	// sipgo logs the reference counting of connections through its
	// default logger, naming their addresses: send those to the DMA's.
	d.unroute = append(d.unroute, sipgolog.Register(d.addr, log))
	if d.tlsAddr != "" {
		d.unroute = append(d.unroute, sipgolog.Register(d.tlsAddr, log))
	}
	d.stopWatch = context.AfterFunc(ctx, func() { d.Close() })
	return d.addr, nil
}

// listenPair opens UDP and TCP on the same loopback port, retrying when
// the port the system gave for UDP is taken for TCP.
func listenPair() (net.PacketConn, net.Listener, error) {
	var last error
	for range 10 {
		udp, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			return nil, nil, err
		}
		tcp, err := net.Listen("tcp4", udp.LocalAddr().String())
		if err == nil {
			return udp, tcp, nil
		}
		udp.Close()
		last = err
	}
	return nil, nil, fmt.Errorf("dmatest: no loopback port free for both UDP and TCP: %w", last)
}

// TLSAddr returns the loopback address where the DMA takes SIP over
// mutual TLS from Lync's Front Ends with its certificate (given with
// WithCertificate; "" without one, or before Start). Tell the lab with
// lynctest.Server.SetComputerAddress(sys.FQDN, sys.SIPPort(), TLSAddr()).
func (d *DMA) TLSAddr() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.tlsAddr
}

// Addr returns the address Start listens on, "" before Start.
func (d *DMA) Addr() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.addr
}

// track runs a handler unless the DMA is closing, and lets Close wait for
// it.
func (d *DMA) track(h sipgo.RequestHandler) sipgo.RequestHandler {
	return func(req *sip.Request, tx sip.ServerTransaction) {
		d.mu.Lock()
		if d.closed {
			d.mu.Unlock()
			_ = tx.Respond(sip.NewResponseFromRequest(req, 503, "Service Unavailable", nil))
			return
		}
		d.wg.Add(1)
		d.mu.Unlock()
		defer d.wg.Done()
		h(req, tx)
	}
}

// Close stops listening, hangs up the cascades of calls still up, waits
// for every call in flight and releases the SIP stacks. It is safe to call
// more than once.
func (d *DMA) Close() error {
	d.mu.Lock()
	if d.closeDone != nil {
		// Closing already (the end of Start's context, say): wait for it,
		// so that whoever closes the MCUs next finds no cascade in use.
		done := d.closeDone
		d.mu.Unlock()
		<-done
		return nil
	}
	d.closeDone = make(chan struct{})
	defer close(d.closeDone)
	if !d.started {
		d.closed = true
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	calls := append([]*call(nil), d.calls...)
	d.mu.Unlock()
	d.stopWatch()
	d.cancel()
	for _, c := range calls {
		c.end("the DMA closed")
	}
	d.closeSockets()
	d.wg.Wait()
	var errs []error
	if d.lync != nil {
		errs = append(errs, d.lync.close())
	}
	if d.ua != nil {
		if err := sipudp.Close(d.ua); err != nil {
			errs = append(errs, err)
		}
	}
	for _, f := range d.unroute { // after the connections have closed
		f()
	}
	return errors.Join(errs...)
}

func (d *DMA) closeSockets() {
	if d.udp != nil {
		d.udp.Close()
	}
	if d.tcp != nil {
		d.tcp.Close()
	}
	if d.tls != nil {
		d.tls.Close()
	}
}

// resolveHost maps a host name to host:port with the resolver of
// WithResolver, or to host:5061.
func (d *DMA) resolveHost(host string) (string, bool) {
	if d.o.resolve != nil {
		return d.o.resolve(host)
	}
	return net.JoinHostPort(host, "5061"), true
}

// certificateNames says which names the lab certificate of sys carries:
// its certificate's subject CN and SANs, or its FQDN for both.
func certificateNames(sys dma.System) (string, []string) {
	cn, san := string(sys.FQDN), []string{string(sys.FQDN)}
	if c := sys.Certificate; c != nil {
		cn, san = c.CommonName(), c.SAN
	}
	return cn, san
}

// peerGRUU parses a Lync peer's ServiceGruu as the DMA uses it: a SIP URI
// as written, sip: included.
func peerGRUU(p dma.LyncPeer) (sip.Uri, error) {
	var u sip.Uri
	if p.ServiceGRUU == "" {
		return u, fmt.Errorf("%w: peer %s has none", ErrServiceGRUU, p.Name)
	}
	if !lync.HasSIPScheme(p.ServiceGRUU) {
		return u, fmt.Errorf("%w: peer %s has %q, which lacks the sip: scheme", ErrServiceGRUU, p.Name, p.ServiceGRUU)
	}
	if err := sip.ParseUri(p.ServiceGRUU, &u); err != nil {
		return u, fmt.Errorf("%w: peer %s has %q: %w", ErrServiceGRUU, p.Name, p.ServiceGRUU, err)
	}
	return u, nil
}
