package lynctest

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/mras"
)

// Option configures a Server.
type Option func(*options)

type options struct {
	logger    *slog.Logger
	lifetime  time.Duration
	now       func() time.Time
	relay     *ExternalRelay
	fault     func(*mras.Request) mras.ReasonPhrase
	recordMax int
	keepAlive time.Duration
	faults    faults // see faults.go
	// listen opens every socket of the lab; its zero value is net's
	// default. Tests set its Control to make a listener fail.
	listen net.ListenConfig
	// conf holds the options of conferencing and of the Front Ends'
	// calls back to trusted application computers (conferencing.go).
	conf confOptions
}

// WithKeepAliveTimeout sets the keep-alive timeout the Front Ends
// advertise in ms-keep-alive and enforce: a connection on which nothing
// arrives for d — no message, no CRLF keep-alive, not even the rest of a
// message begun — is closed (MS-CONMGMT: the peer keeps the connection
// alive within the timeout of the ms-keep-alive header). The default is
// 300 s, the value Lync advertises; tests shorten it.
func WithKeepAliveTimeout(d time.Duration) Option { return func(o *options) { o.keepAlive = d } }

// WithLogger sends the lab's logs (and sipgo's and pion's) to l. By default
// they are discarded.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithCredentialLifetime sets how long MRAS credentials last (480 minutes
// by default, as Set-CsAVEdgeConfiguration -MaxTokenLifetime usually has).
func WithCredentialLifetime(d time.Duration) Option { return func(o *options) { o.lifetime = d } }

// WithClock makes the lab read the time from now, so tests can expire
// credentials without waiting. The lab calls now on its own goroutines
// (each connection's, as it reads a request): it must be safe for
// concurrent use.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// ExternalRelay is a TURN server outside the lab, such as coturn run with
// --use-auth-secret, that every Edge hands out instead of its own relay.
type ExternalRelay struct {
	// Host is the relay's address, as MRAS tells clients (an IP address).
	Host             string
	UDPPort, TCPPort int
	// Secret is the relay's TURN REST API shared secret: MRAS mints user
	// EXPIRY:NAME with password base64(HMAC-SHA1(Secret, user)).
	Secret string
}

// WithExternalRelay makes the Edges hand out r instead of starting relays of
// their own.
func WithExternalRelay(r ExternalRelay) Option { return func(o *options) { o.relay = &r } }

// WithMRASFault makes MRAS answer with the reason phrase f returns for a
// request, when it returns one other than OK: for tests of how a client
// takes Server Busy, Time Out and the other failures.
func WithMRASFault(f func(*mras.Request) mras.ReasonPhrase) Option {
	return func(o *options) { o.fault = f }
}

// DefaultKeepAliveTimeout is the keep-alive timeout Lync advertises in
// ms-keep-alive (MS-CONMGMT; MS-SIPREGE's REGISTER example: timeout=300).
const DefaultKeepAliveTimeout = 300 * time.Second

// Errors of NewServer, for a topology the lab cannot serve. Test them with
// errors.Is; a socket the lab cannot open is a *ListenError.
var (
	// ErrNoFrontEndPool: the topology is nil or has no Front End pool, so
	// there is nothing to serve.
	ErrNoFrontEndPool = errors.New("lynctest: the topology has no Front End pool to serve")
	// ErrNoSIPDomain: the topology has no SIP domain, which the lab needs
	// for its MRAS URIs and its TURN realm.
	ErrNoSIPDomain = errors.New("lynctest: the topology has no SIP domain")
	// ErrUnknownEdgePool: a Front End pool is paired with an Edge pool that
	// the topology does not define. The lab refuses to start rather than
	// serve that Front End without an Edge, which would hide the mistake
	// behind "ICE ready (no Edge)".
	ErrUnknownEdgePool = errors.New("lynctest: Edge pool not defined in the topology")
)

// ListenError is a socket of the lab that could not be opened.
type ListenError struct {
	// Pool is the Front End or Edge pool the socket was for.
	Pool lync.FQDN
	// Service is what would have listened: "SIP over TLS", "relay (UDP)"
	// or "relay (TCP)".
	Service string
	// Err is the error of the listen call, usually a *net.OpError.
	Err error
}

func (e *ListenError) Error() string {
	return fmt.Sprintf("lynctest: %s of %s: %v", e.Service, e.Pool, e.Err)
}

// Unwrap returns the error of the listen call.
func (e *ListenError) Unwrap() error { return e.Err }

// Services of a ListenError.
const (
	ServiceSIP      = "SIP over TLS"
	ServiceRelayUDP = "relay (UDP)"
	ServiceRelayTCP = "relay (TCP)"
)

// Server is a running Lync stand-in: its Front Ends, Edges and CA.
type Server struct {
	// CA issues the lab's certificates; clients trust CA.Pool().
	CA *CA

	topo      *lync.Topology
	idx       *lync.Index
	domain    string
	opts      options
	log       *slog.Logger
	creds     *credentialStore
	rec       *recorder
	reg       *registrar
	frontEnds []*FrontEnd
	edges     []*Edge
	// appGRUU holds each trusted application's Service GRUU, parsed once
	// (zero when absent or malformed).
	appGRUU []lync.GRUU
	// conf is the conferencing state: meetings, dialogs, and the Front
	// Ends' connections to trusted application computers.
	conf *conferencing

	// stopWatch stops the watch on NewServer's context. It is set once
	// NewServer has started everything, while the watch may already run
	// Close (a context that ended during NewServer): hence watchMu.
	watchMu   sync.Mutex
	stopWatch func() bool
	closeOnce sync.Once
	closeErr  error
}

// NewServer starts a Front End for every Front End pool of topo and an Edge
// for every Edge pool, on 127.0.0.1 with ephemeral ports. It stops when ctx
// ends or Close is called. The topology must not change while the server
// runs.
//
// It fails with ErrNoFrontEndPool, ErrNoSIPDomain or ErrUnknownEdgePool
// for a topology it cannot serve, and with a *ListenError when a socket
// cannot be opened; whatever it started by then is stopped again.
func NewServer(ctx context.Context, topo *lync.Topology, opts ...Option) (*Server, error) {
	if topo == nil || len(topo.FrontEndPools) == 0 {
		return nil, ErrNoFrontEndPool
	}
	if len(topo.SIPDomains) == 0 {
		return nil, ErrNoSIPDomain
	}
	idx := topo.Index()
	for _, p := range topo.FrontEndPools {
		if p.EdgePool != "" && idx.EdgePool(p.EdgePool) < 0 {
			return nil, fmt.Errorf("lynctest: Front End pool %s is paired with Edge pool %s: %w", p.FQDN, p.EdgePool, ErrUnknownEdgePool)
		}
	}
	o := options{lifetime: 480 * time.Minute, now: time.Now, recordMax: 10000, keepAlive: DefaultKeepAliveTimeout}
	for _, f := range opts {
		f(&o)
	}
	if o.logger == nil {
		o.logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ca, err := NewCA()
	if err != nil {
		return nil, err
	}
	s := &Server{
		CA: ca, topo: topo, idx: idx, domain: string(topo.SIPDomains[0]), opts: o, log: o.logger,
		creds: &credentialStore{now: o.now, byUser: map[string]credential{}},
		rec:   &recorder{max: o.recordMax},
		reg:   &registrar{now: o.now, bindings: map[string][]binding{}},
	}
	s.conf = newConferencing(s)
	if o.relay != nil {
		s.creds.secret = o.relay.Secret
	}
	s.appGRUU = make([]lync.GRUU, len(topo.TrustedApplications))
	for i, a := range topo.TrustedApplications {
		s.appGRUU[i], _ = lync.ParseGRUU(a.ServiceGRUU)
	}
	if err := s.start(ctx); err != nil {
		s.shutdown()
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { s.Close() })
	s.watchMu.Lock()
	s.stopWatch = stop
	s.watchMu.Unlock()
	return s, nil
}

func (s *Server) start(ctx context.Context) error {
	edges := map[string]*Edge{}
	for _, p := range s.topo.EdgePools {
		e, err := s.startEdge(ctx, p)
		if err != nil {
			return err
		}
		s.edges = append(s.edges, e)
		edges[p.FQDN.Key()] = e
	}
	for _, p := range s.topo.FrontEndPools {
		fe, err := s.startFrontEnd(ctx, p, edges[p.EdgePool.Key()])
		if err != nil {
			return err
		}
		s.frontEnds = append(s.frontEnds, fe)
	}
	return nil
}

// Close stops every Front End and Edge and waits until all their goroutines
// have returned. It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.watchMu.Lock()
		stop := s.stopWatch
		s.watchMu.Unlock()
		if stop != nil {
			stop()
		}
		s.closeErr = s.shutdown()
	})
	return s.closeErr
}

func (s *Server) shutdown() error {
	var errs []error
	errs = append(errs, s.conf.close())
	for _, fe := range s.frontEnds {
		errs = append(errs, fe.close())
	}
	for _, e := range s.edges {
		errs = append(errs, e.close())
	}
	return errors.Join(errs...)
}

// Index returns the lookups over the topology the lab serves, so that a
// stand-in decides as the rules of package rpp do — rmxtest infers an RMX's
// ICE method with it (rmx.InferICEMethod). Index().Topology() is the
// topology itself, which must not change while the lab runs.
func (s *Server) Index() *lync.Index { return s.idx }

// FrontEnds returns the Front Ends, in topology order.
func (s *Server) FrontEnds() []*FrontEnd { return append([]*FrontEnd(nil), s.frontEnds...) }

// Edges returns the Edges, in topology order.
func (s *Server) Edges() []*Edge { return append([]*Edge(nil), s.edges...) }

// FrontEnd returns the Front End of the pool with this FQDN, or nil.
func (s *Server) FrontEnd(fqdn lync.FQDN) *FrontEnd {
	for _, fe := range s.frontEnds {
		if fe.FQDN.Equal(fqdn) {
			return fe
		}
	}
	return nil
}

// Edge returns the Edge of the pool with this FQDN, or nil.
func (s *Server) Edge(fqdn lync.FQDN) *Edge {
	for _, e := range s.edges {
		if e.FQDN.Equal(fqdn) {
			return e
		}
	}
	return nil
}

// Resolve maps a host name of the topology to the loopback address where
// the lab serves SIP for it: a Front End pool's SIP over TLS, or an Edge
// pool's (which refuses trusted applications). It is the lab's DNS.
func (s *Server) Resolve(host string) (addr string, ok bool) {
	if fe := s.FrontEnd(lync.FQDN(host)); fe != nil {
		return fe.Addr, true
	}
	if e := s.Edge(lync.FQDN(host)); e != nil {
		return e.SIPAddr, true
	}
	return "", false
}

// Messages returns every SIP message recorded so far, in order.
func (s *Server) Messages() []Message { return s.rec.messages() }

// Ladder draws the recorded messages as a ladder, one line each.
func (s *Server) Ladder() string { return s.rec.ladder() }

// ClientTLSConfig returns a TLS configuration for a client of the lab that
// presents cert and trusts the lab's CA, for the server named serverName.
func (s *Server) ClientTLSConfig(cert tls.Certificate, serverName string) *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		RootCAs:      s.CA.Pool(),
		ServerName:   serverName,
		MinVersion:   tls.VersionTLS12,
	}
}

// token returns n random bytes as base64url, like the tokens of GRUUs.
func token(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Server) mrasURI(edge lync.FQDN) string {
	return fmt.Sprintf("sip:%s@%s;gruu;opaque=srvr:MRAS:%s", edge, s.domain, token(16))
}
