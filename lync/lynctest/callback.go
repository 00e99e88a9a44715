package lynctest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/rppkit/rppkit/internal/sipgolog"
	"github.com/rppkit/rppkit/lync"
)

// ComputerResolver is the lab's DNS for trusted application computers: it
// returns the address (host:port) where computer serves the trusted
// application's port, or false when it does not serve it. The lab, whose
// devices listen on ephemeral loopback ports, maps the port Lync would
// dial to the one the device really listens on.
type ComputerResolver func(computer lync.FQDN, port lync.Port) (addr string, ok bool)

// WithComputerResolver makes the Front Ends find trusted application
// computers with r when they call them back (ProbeComputers, Call).
// Addresses given with SetComputerAddress take precedence.
func WithComputerResolver(r ComputerResolver) Option {
	return func(o *options) { o.conf.resolver = r }
}

// SetComputerAddress tells the lab where computer serves port: for a device
// started after the lab, which WithComputerResolver cannot know yet. An
// empty addr forgets the computer again.
func (s *Server) SetComputerAddress(computer lync.FQDN, port lync.Port, addr string) {
	c := s.conf
	c.mu.Lock()
	defer c.mu.Unlock()
	if addr == "" {
		delete(c.computers, keyOf(computer, port))
		return
	}
	c.computers[keyOf(computer, port)] = addr
}

// resolve finds where computer serves port.
func (c *conferencing) resolve(computer lync.FQDN, port lync.Port) (string, bool) {
	c.mu.Lock()
	addr, ok := c.computers[keyOf(computer, port)]
	c.mu.Unlock()
	if ok {
		return addr, true
	}
	if r := c.s.opts.conf.resolver; r != nil {
		return r(computer, port)
	}
	return "", false
}

// Errors of the Front Ends' calls back to trusted application computers,
// in ProbeResult.Err and from Call. Test them with errors.Is.
var (
	// ErrDeviceCertificate: the computer's server certificate fails the
	// check Lync makes of the host it dials; it wraps the reason:
	// ErrUntrustedIssuer, ErrWildcardCertificate, ErrNoSAN or
	// ErrNameMismatch. The Front End ends the handshake, so nothing Lync
	// routes reaches the computer ("external calls fail").
	ErrDeviceCertificate = errors.New("the computer's server certificate is not accepted for the FQDN Lync dials")
	// ErrUntrustedIssuer: the certificate does not chain to the lab's CA.
	ErrUntrustedIssuer = errors.New("the certificate is not issued by a CA the Front End trusts")
	// ErrNameMismatch: no SAN DNS name of the certificate is the FQDN the
	// Front End dialled — as with a certificate shared with, or copied
	// from, another computer.
	ErrNameMismatch = errors.New("no SAN DNS name of the certificate is the FQDN dialled")
	// ErrComputerNotResolved: the lab knows no address for the computer
	// (SetComputerAddress, WithComputerResolver), as DNS would not.
	ErrComputerNotResolved = errors.New("the computer's FQDN does not resolve")
	// ErrComputerUnreachable: the connection could not be made or no
	// answer came — refused, timed out, or the device refused the Front
	// End's own certificate.
	ErrComputerUnreachable = errors.New("the computer could not be reached over MTLS")
	// ErrNoRegistrar: the trusted application pool's registrar is not a
	// Front End pool of the lab, so no Front End would dial its computers.
	ErrNoRegistrar = errors.New("the pool's registrar is not a Front End pool of the lab")
	// ErrNotHealthy: the computer answered the OPTIONS probe with a
	// status other than 2xx.
	ErrNotHealthy = errors.New("the computer answered the health probe with an error")
)

// ProbeResult is the outcome of one OPTIONS health probe of a trusted
// application computer.
type ProbeResult struct {
	// Computer and Port are what the Front End dialled: a computer of a
	// trusted application pool, on a trusted application's port.
	Computer lync.FQDN
	Port     lync.Port
	// Pool is the computer's trusted application pool; FrontEnd is the
	// pool's registrar, which dialled.
	Pool, FrontEnd lync.FQDN
	// Addr is where the lab found the computer; empty when it did not.
	Addr string
	// Status is the final status of the OPTIONS; 0 when none came.
	Status int
	// Err is nil when the computer answered 2xx over a connection whose
	// certificate passed; else it wraps one of ErrDeviceCertificate (and
	// its reason), ErrComputerNotResolved, ErrComputerUnreachable,
	// ErrNoRegistrar or ErrNotHealthy.
	Err error
}

// probeTimeout bounds one probe.
const probeTimeout = 5 * time.Second

// ProbeComputers has each Front End send an OPTIONS over MTLS to every
// computer of every trusted application pool it is the registrar of, on
// each port of the pool's trusted applications, and returns the outcomes
// in topology order. It is where the computers' server certificates are
// checked (see the package documentation).
func (s *Server) ProbeComputers(ctx context.Context) []ProbeResult {
	var out []ProbeResult
	for _, pool := range s.topo.TrustedApplicationPools {
		for _, port := range s.poolPorts(pool.FQDN) {
			for _, computer := range pool.ComputerFQDNs() {
				out = append(out, s.ProbeComputer(ctx, computer, port))
			}
		}
	}
	return out
}

// poolPorts lists the distinct ports of a pool's trusted applications.
func (s *Server) poolPorts(pool lync.FQDN) []lync.Port {
	var ports []lync.Port
	for _, a := range s.idx.Applications(pool) {
		p := s.topo.TrustedApplications[a].Port.OrDefault(lync.DefaultTLSPort)
		dup := false
		for _, q := range ports {
			dup = dup || q == p
		}
		if !dup {
			ports = append(ports, p)
		}
	}
	return ports
}

// ProbeComputer sends one OPTIONS to computer on port, from the registrar
// Front End of the computer's pool.
func (s *Server) ProbeComputer(ctx context.Context, computer lync.FQDN, port lync.Port) ProbeResult {
	r := ProbeResult{Computer: computer, Port: port}
	l, err := s.conf.link(computer, port)
	if l != nil {
		r.Pool, r.FrontEnd, r.Addr = l.pool, l.fe.FQDN, l.addr
	}
	if err != nil {
		r.Err = err
		return r
	}
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	res, err := l.do(ctx, sip.NewRequest(sip.OPTIONS, l.uri()))
	if err != nil {
		r.Err = err
		return r
	}
	r.Status = res.StatusCode
	if !res.IsSuccess() {
		r.Err = fmt.Errorf("%s:%d: %w: %s", computer, port, ErrNotHealthy, res.StartLine())
	}
	return r
}

// link is a Front End's connection to one trusted application computer on
// one port: its own user agent, whose TLS configuration presents the Front
// End's certificate and checks the computer's against the FQDN dialled.
type link struct {
	c        *conferencing
	fe       *FrontEnd
	pool     lync.FQDN
	computer lync.FQDN
	port     lync.Port
	addr     string
	ua       *sipgo.UserAgent
	client   *sipgo.Client
	srv      *sipgo.Server

	mu        sync.Mutex
	verifyErr error // why the last handshake refused the computer
}

// link returns the open connection to computer on port, or makes one (it
// connects on its first request).
func (c *conferencing) link(computer lync.FQDN, port lync.Port) (*link, error) {
	s := c.s
	// A computer of a trusted application pool, or — for a static route
	// to a pool — the pool's FQDN, which DNS resolves to its computers.
	pi := s.idx.PoolFor(computer)
	if pi < 0 {
		return nil, fmt.Errorf("%s: %w", computer, ErrUnknownComputer)
	}
	pool := s.topo.TrustedApplicationPools[pi]
	l := &link{c: c, pool: pool.FQDN, computer: computer, port: port}
	if l.fe = s.FrontEnd(pool.Registrar); l.fe == nil {
		return l, fmt.Errorf("%s (pool %s, registrar %s): %w", computer, pool.FQDN, pool.Registrar, ErrNoRegistrar)
	}
	addr, ok := c.resolve(computer, port)
	if !ok && s.idx.PoolOf(computer) < 0 {
		// The pool's FQDN: the first of its computers the lab can find.
		// The Front End still checks the certificate against the pool's
		// FQDN, the name it dialled (rpp's lync-static-route-cert).
		for _, m := range pool.ComputerFQDNs() {
			if addr, ok = c.resolve(m, port); ok {
				break
			}
		}
	}
	if !ok {
		return l, fmt.Errorf("%s:%d: %w", computer, port, ErrComputerNotResolved)
	}
	l.addr = addr
	key := keyOf(computer, port)
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return l, fmt.Errorf("%s:%d: %w: the lab is closed", computer, port, ErrComputerUnreachable)
	}
	old := c.links[key]
	if old != nil && old.addr == addr {
		c.mu.Unlock()
		return old, nil
	}
	err := l.open()
	if err == nil {
		c.links[key] = l
	} else if old != nil {
		delete(c.links, key)
	}
	c.mu.Unlock()
	if old != nil {
		_ = old.close() // the device moved; its old connection is of no use
	}
	if err != nil {
		return l, err
	}
	return l, nil
}

// open makes the link's user agent. The Front End presents a certificate
// for its pool FQDN from the lab CA, as its own listener does.
func (l *link) open() error {
	s := l.c.s
	cert, err := s.CA.Issue(string(l.fe.FQDN), string(l.fe.FQDN))
	if err != nil {
		return err
	}
	conf := &tls.Config{
		Certificates: []tls.Certificate{cert},
		ServerName:   string(l.computer),
		MinVersion:   tls.VersionTLS12,
		// The chain and the name are checked in VerifyConnection, so that
		// each reason of a refusal is told apart and wildcards are refused
		// even where Go's name matching would accept them.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			err := s.verifyDevice(cs, l.computer)
			l.mu.Lock()
			l.verifyErr = err
			l.mu.Unlock()
			return err
		},
	}
	log := s.log.With("frontEnd", l.fe.FQDN, "computer", l.computer)
	l.ua, err = sipgo.NewUA(
		sipgo.WithUserAgent("RTC/6.0"),
		sipgo.WithUserAgentHostname(string(l.fe.FQDN)),
		sipgo.WithUserAgenTLSConfig(conf),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(log)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(log), sipgolog.UnhandledResponses(log)),
	)
	if err != nil {
		return err
	}
	if l.client, err = sipgo.NewClient(l.ua, sipgo.WithClientLogger(log), sipgo.WithClientHostname(string(l.fe.FQDN))); err != nil {
		l.ua.Close()
		return err
	}
	if l.srv, err = sipgo.NewServer(l.ua, sipgo.WithServerLogger(log)); err != nil {
		l.client.Close()
		l.ua.Close()
		return err
	}
	l.routes()
	l.ua.TransportLayer().OnMessage(s.rec.reserveRequests(s.opts.now))
	return nil
}

func (l *link) close() error {
	l.client.Close()
	if err := l.ua.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// uri is the Request-URI of a request to the computer itself.
func (l *link) uri() sip.Uri {
	u := sip.Uri{Scheme: "sip", Host: string(l.computer), Port: int(l.port), UriParams: sip.NewParams()}
	u.UriParams.Add("transport", "tls")
	return u
}

// do sends req to the computer over the link and waits for the final
// answer, recording both. A request that gets no answer leaves the link
// closed, so the next one dials again.
func (l *link) do(ctx context.Context, req *sip.Request) (*sip.Response, error) {
	s := l.c.s
	req.SetTransport("TLS")
	req.SetDestination(l.addr)
	if req.From() == nil {
		from := &sip.FromHeader{Address: sip.Uri{Scheme: "sip", Host: string(l.fe.FQDN)}, Params: sip.NewParams()}
		from.Params.Add("tag", sip.GenerateTagN(16))
		req.AppendHeader(from)
	}
	s.rec.add(Message{Time: s.opts.now(), Direction: Out, Server: string(l.fe.FQDN), Peer: string(l.computer), StartLine: req.StartLine(), Text: req.String()})
	res, err := l.client.Do(ctx, req)
	if err != nil {
		l.mu.Lock()
		verr := l.verifyErr
		l.mu.Unlock()
		l.c.drop(l)
		if verr != nil {
			s.rec.add(Message{Time: s.opts.now(), Direction: Refused, Server: string(l.fe.FQDN), Peer: string(l.computer), StartLine: "TLS: " + verr.Error(), Err: verr})
			return nil, fmt.Errorf("%s:%d: %w", l.computer, l.port, verr)
		}
		return nil, fmt.Errorf("%s:%d at %s: %w: %w", l.computer, l.port, l.addr, ErrComputerUnreachable, err)
	}
	s.rec.add(Message{Time: s.opts.now(), Direction: In, Server: string(l.fe.FQDN), Peer: string(l.computer), StartLine: res.StartLine(), Text: res.String()})
	return res, nil
}

// drop closes a link that failed and forgets it.
func (c *conferencing) drop(l *link) {
	c.mu.Lock()
	key := keyOf(l.computer, l.port)
	if c.links[key] == l {
		delete(c.links, key)
	}
	c.mu.Unlock()
	_ = l.close()
}

// routes answers what the computer sends back over the link: OPTIONS
// (keep-alive probes of its own) and the in-dialog requests of calls.
func (l *link) routes() {
	s := l.c.s
	record := func(req *sip.Request, res *sip.Response, tx sip.ServerTransaction) {
		s.rec.add(Message{Time: s.opts.now(), Direction: In, Server: string(l.fe.FQDN), Peer: string(l.computer), StartLine: req.StartLine(), msg: req})
		if res == nil {
			return
		}
		s.rec.add(Message{Time: s.opts.now(), Direction: Out, Server: string(l.fe.FQDN), Peer: string(l.computer), StartLine: res.StartLine(), Text: res.String()})
		if err := tx.Respond(res); err != nil {
			s.log.Debug("respond failed", "error", err)
		}
	}
	l.srv.OnOptions(func(req *sip.Request, tx sip.ServerTransaction) {
		res := sip.NewResponseFromRequest(req, 200, "OK", nil)
		res.AppendHeader(sip.NewHeader("Allow", "OPTIONS, BYE"))
		record(req, res, tx)
	})
	l.srv.OnBye(func(req *sip.Request, tx sip.ServerTransaction) {
		record(req, l.c.byeFromComputer(req), tx)
	})
	l.srv.OnAck(func(req *sip.Request, tx sip.ServerTransaction) { record(req, nil, tx) })
	l.srv.OnNoRoute(func(req *sip.Request, tx sip.ServerTransaction) {
		res := sip.NewResponseFromRequest(req, 405, "Method Not Allowed", nil)
		res.AppendHeader(sip.NewHeader("Allow", "OPTIONS, BYE"))
		record(req, res, tx)
	})
}

// verifyDevice checks a trusted application computer's server certificate
// as a Front End dialling computer does: issued by the CA it trusts, no
// wildcard anywhere, and computer among the SAN DNS names. The rule is the
// one the Front End applies to the computer's client certificate
// (sanNames), plus the name the Front End dialled.
func (s *Server) verifyDevice(cs tls.ConnectionState, computer lync.FQDN) error {
	if len(cs.PeerCertificates) == 0 {
		return fmt.Errorf("%w: %w: no certificate", ErrDeviceCertificate, ErrUntrustedIssuer)
	}
	leaf := cs.PeerCertificates[0]
	names, err := sanNames(leaf)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrDeviceCertificate, err)
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: s.CA.Pool(), Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
		return fmt.Errorf("%w: %w: %w", ErrDeviceCertificate, ErrUntrustedIssuer, err)
	}
	for _, n := range names {
		if lync.FQDN(n).Equal(computer) {
			return nil
		}
	}
	return fmt.Errorf("%w: %w: the certificate names %s, the Front End dialled %s", ErrDeviceCertificate, ErrNameMismatch, strings.Join(names, ", "), computer)
}

// byeFromComputer answers a BYE the computer sends over a link for a call
// the Front End routed to it; an unknown dialog gets 481 (RFC 3261
// §15.1.2).
func (c *conferencing) byeFromComputer(req *sip.Request) *sip.Response {
	c.mu.Lock()
	call := c.calls[req.CallID().Value()]
	delete(c.calls, req.CallID().Value())
	c.mu.Unlock()
	if call == nil {
		return sip.NewResponseFromRequest(req, 481, "Call/Transaction Does Not Exist", nil)
	}
	call.mu.Lock()
	call.ended = true
	call.mu.Unlock()
	return sip.NewResponseFromRequest(req, 200, "OK", nil)
}

// Invitation is a call a Front End routes to a trusted application
// computer: a RealConnect or static-route INVITE from a Lync user.
type Invitation struct {
	// From and To are SIP URIs: the caller (a Lync user) and the callee
	// (the address the computer serves, such as a VMR).
	From, To string
	// ContentType and Body are the offer; both empty for none.
	ContentType string
	Body        []byte
}

// Call is a call a Front End routed to a computer, as the computer
// answered it.
type Call struct {
	Computer lync.FQDN
	Port     lync.Port
	// Status is the computer's final answer, Reason its phrase;
	// ContentType and Body its body.
	Status      int
	Reason      string
	ContentType string
	Body        []byte
	// Diagnostics is the answer's ms-diagnostics, else its
	// ms-client-diagnostics (as 52017 on an encryption mismatch); "" for
	// none.
	Diagnostics string
	// Route is the static route a call placed with Route took; nil for
	// Call.
	Route *lync.StaticRoute

	l      *link
	invite *sip.Request
	res    *sip.Response
	mu     sync.Mutex
	ended  bool
}

// Call has the registrar Front End of computer's pool send an INVITE to
// the computer over its MTLS connection (the one ProbeComputer uses, with
// the same certificate checks), wait for the final answer and, for a 2xx,
// acknowledge it. It returns an error only when no final answer came;
// the computer's refusal is in Call.Status.
func (s *Server) Call(ctx context.Context, computer lync.FQDN, port lync.Port, inv Invitation) (*Call, error) {
	var from, to sip.Uri
	if err := sip.ParseUri(inv.From, &from); err != nil {
		return nil, fmt.Errorf("lynctest: call from %q: %w", inv.From, err)
	}
	if err := sip.ParseUri(inv.To, &to); err != nil {
		return nil, fmt.Errorf("lynctest: call to %q: %w", inv.To, err)
	}
	l, err := s.conf.link(computer, port)
	if err != nil {
		return nil, err
	}
	req := sip.NewRequest(sip.INVITE, to)
	fh := &sip.FromHeader{Address: from, Params: sip.NewParams()}
	fh.Params.Add("tag", sip.GenerateTagN(16))
	req.AppendHeader(fh)
	req.AppendHeader(&sip.ToHeader{Address: to, Params: sip.NewParams()})
	req.AppendHeader(&sip.ContactHeader{Address: sip.Uri{Scheme: "sip", Host: string(l.fe.FQDN), UriParams: sip.NewParams()}})
	if inv.ContentType != "" {
		req.AppendHeader(sip.NewHeader("Content-Type", inv.ContentType))
	}
	if inv.Body != nil {
		req.SetBody(inv.Body)
	}
	res, err := l.do(ctx, req)
	if err != nil {
		return nil, err
	}
	call := &Call{Computer: computer, Port: port, Status: res.StatusCode, Reason: res.Reason, Body: res.Body(),
		Diagnostics: diagnosticsOf(res), l: l, invite: req, res: res}
	if ct := res.ContentType(); ct != nil {
		call.ContentType = ct.Value()
	}
	if !res.IsSuccess() {
		return call, nil
	}
	if err := call.ack(); err != nil {
		return call, err
	}
	s.conf.mu.Lock()
	s.conf.calls[req.CallID().Value()] = call
	s.conf.mu.Unlock()
	return call, nil
}

// inDialog makes a request of the call's dialog, to the computer's
// Contact (RFC 3261 §12.2.1.1).
func (c *Call) inDialog(method sip.RequestMethod, seq uint32) *sip.Request {
	target := c.invite.Recipient
	if ct := c.res.Contact(); ct != nil {
		target = ct.Address
	}
	req := sip.NewRequest(method, target)
	req.AppendHeader(sip.HeaderClone(c.invite.From()))
	req.AppendHeader(sip.HeaderClone(c.res.To()))
	req.AppendHeader(sip.HeaderClone(c.invite.CallID()))
	req.AppendHeader(&sip.CSeqHeader{SeqNo: seq, MethodName: method})
	req.SetTransport("TLS")
	req.SetDestination(c.l.addr)
	return req
}

// ack acknowledges the 2xx (RFC 3261 §13.2.2.4); an ACK has no answer.
func (c *Call) ack() error {
	s := c.l.c.s
	ack := c.inDialog(sip.ACK, c.invite.CSeq().SeqNo)
	s.rec.add(Message{Time: s.opts.now(), Direction: Out, Server: string(c.l.fe.FQDN), Peer: string(c.l.computer), StartLine: ack.StartLine(), Text: ack.String()})
	if err := c.l.client.WriteRequest(ack); err != nil {
		return fmt.Errorf("%s:%d: ACK: %w: %w", c.Computer, c.Port, ErrComputerUnreachable, err)
	}
	return nil
}

// Ended reports whether the computer has hung up (sent BYE).
func (c *Call) Ended() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ended
}

// Hangup ends an answered call with BYE and returns the computer's final
// status to it. A call already ended, or never answered, returns 0.
func (c *Call) Hangup(ctx context.Context) (int, error) {
	c.mu.Lock()
	done := c.ended || c.res == nil || !c.res.IsSuccess()
	c.ended = true
	c.mu.Unlock()
	if done {
		return 0, nil
	}
	conf := c.l.c
	conf.mu.Lock()
	delete(conf.calls, c.invite.CallID().Value())
	conf.mu.Unlock()
	res, err := c.l.do(ctx, c.inDialog(sip.BYE, c.invite.CSeq().SeqNo+1))
	if err != nil {
		return 0, err
	}
	return res.StatusCode, nil
}
