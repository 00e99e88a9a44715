package lynctest

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/rppkit/rppkit/internal/sipgolog"
	"github.com/rppkit/rppkit/lync"
)

// FrontEnd is the stand-in of a Front End pool: a registrar that trusted
// applications reach over mutual TLS.
type FrontEnd struct {
	FQDN lync.FQDN
	// Addr is the SIP over TLS listener, 127.0.0.1:port.
	Addr string
	// Edge is the Edge pool associated with the pool, or nil.
	Edge *Edge

	s        *Server
	ua       *sipgo.UserAgent
	srv      *sipgo.Server
	client   *sipgo.Client
	ln       net.Listener
	served   chan struct{}
	ctx      context.Context
	cancel   context.CancelFunc
	notifies group // NOTIFYs in flight
	// cert is the Front End's certificate, which it presents as a server
	// and, on its hops to the Edges, as a client.
	cert tls.Certificate
	hops edgeHops
	// unroute ends the routing of sipgo's default-logger records.
	unroute func()
}

func (s *Server) startFrontEnd(ctx context.Context, p lync.FrontEndPool, edge *Edge) (*FrontEnd, error) {
	fe := &FrontEnd{FQDN: p.FQDN, Edge: edge, s: s, served: make(chan struct{})}
	fe.ctx, fe.cancel = context.WithCancel(context.Background())
	cert, err := s.CA.Issue(string(p.FQDN), string(p.FQDN))
	if err != nil {
		return nil, err
	}
	fe.cert = cert
	log := s.log.With("frontEnd", p.FQDN)
	transport, resolver := noDialOut(log)
	fe.ua, err = sipgo.NewUA(
		sipgo.WithUserAgent("RTC/6.0"),
		sipgo.WithUserAgentHostname(string(p.FQDN)),
		sipgo.WithUserAgenTLSConfig(&tls.Config{RootCAs: s.CA.Pool(), Certificates: []tls.Certificate{cert}}),
		sipgo.WithUserAgentDNSResolver(resolver),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(log), transport),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(log),
			sip.WithTransactionLayerUnhandledResponseHandler(func(r *sip.Response) {
				log.Info("a response that answers no request of the lab", "response", r.Short())
			})),
	)
	if err != nil {
		return nil, err
	}
	fe.srv, err = sipgo.NewServer(fe.ua, sipgo.WithServerLogger(log))
	if err != nil {
		fe.ua.Close()
		return nil, err
	}
	fe.client, err = sipgo.NewClient(fe.ua, sipgo.WithClientLogger(log), sipgo.WithClientHostname(string(p.FQDN)))
	if err != nil {
		fe.ua.Close()
		return nil, err
	}
	fe.routes()
	fe.ua.TransportLayer().OnMessage(s.rec.reserveRequests(s.opts.now))
	conf := &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    s.CA.Pool(),
		// TLS 1.2 lets a refused client see the refusal in the handshake;
		// under TLS 1.3 it would notice only when its request timed out.
		MinVersion: tls.VersionTLS12,
		MaxVersion: tls.VersionTLS12,
	}
	conf.VerifyConnection = func(cs tls.ConnectionState) error {
		_, err := s.trust(cs)
		return err
	}
	if s.opts.faults.trustAny {
		trustAnyConfig(conf)
	}
	tcp, err := s.opts.listen.Listen(ctx, "tcp4", "127.0.0.1:0")
	if err != nil {
		fe.ua.Close()
		return nil, &ListenError{Pool: p.FQDN, Service: ServiceSIP, Err: err}
	}
	ln := &tlsListener{Listener: tcp, conf: conf, onFail: func(remote string, err error) {
		s.rec.add(Message{Time: s.opts.now(), Direction: Refused, Server: string(fe.FQDN), Peer: remote, StartLine: "TLS: " + err.Error(), Err: err})
		log.Info("refused a TLS peer", "from", remote, "error", err)
	}, idle: s.opts.keepAlive, onIdle: func(remote string, cs tls.ConnectionState) {
		err := fmt.Errorf("%w (%v)", ErrKeepAliveTimeout, s.opts.keepAlive)
		who := remote
		if p, terr := s.trust(cs); terr == nil {
			who = string(p.computer)
		}
		s.rec.add(Message{Time: s.opts.now(), Direction: Closed, Server: string(fe.FQDN), Peer: who, StartLine: "closed: " + err.Error(), Err: err})
		log.Info("closed an idle connection", "from", remote, "timeout", s.opts.keepAlive)
	}, maxMessage: sip.ParseMaxMessageLength, onTooLarge: func(remote string, cs tls.ConnectionState, start string, answered bool) {
		who := remote
		if p, terr := s.trust(cs); terr == nil {
			who = string(p.computer)
		}
		err := fmt.Errorf("%w (%d octets)", ErrMessageTooLarge, sip.ParseMaxMessageLength)
		s.rec.add(Message{Time: s.opts.now(), Direction: In, Server: string(fe.FQDN), Peer: who, StartLine: start, Text: start + "\r\n(too large: not read)", Err: err})
		if answered {
			s.rec.add(Message{Time: s.opts.now(), Direction: Out, Server: string(fe.FQDN), Peer: who, StartLine: "SIP/2.0 513 Message Too Large", Err: err})
		} else {
			s.rec.add(Message{Time: s.opts.now(), Direction: Closed, Server: string(fe.FQDN), Peer: who, StartLine: "closed: " + err.Error(), Err: err})
		}
		log.Info("a message too large", "from", remote, "start", start, "answered", answered)
	}}
	fe.ln, fe.Addr = ln, ln.Addr().String()
	// sipgo logs the reference counting of accepted connections through
	// its package default logger, naming the local address: route those
	// records to the lab's logger.
	fe.unroute = sipgolog.Register(fe.Addr, log)
	go func() {
		defer close(fe.served)
		if err := fe.srv.ServeTLS(ln); !errors.Is(err, net.ErrClosed) {
			log.Debug("serve ended", "error", err)
		}
	}()
	return fe, nil
}

// close stops serving, waits for the server loop and the NOTIFYs in
// flight, then closes the user agent, which ends the accepted connections.
func (fe *FrontEnd) close() error {
	fe.cancel()
	err := fe.ln.Close()
	<-fe.served
	fe.notifies.close()
	fe.client.Close()
	defer fe.unroute() // after the connections have closed
	if cerr := fe.ua.Close(); cerr != nil && !errors.Is(cerr, net.ErrClosed) {
		err = errors.Join(err, cerr)
	}
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

// String returns the pool FQDN.
func (fe *FrontEnd) String() string { return string(fe.FQDN) }

// handler answers one request from a trusted peer with a response.
type handler func(req *sip.Request, p *peer) *sip.Response

// routes installs the handlers. Every request and response passes through
// serve, which records it and finds the peer.
func (fe *FrontEnd) routes() {
	fe.srv.OnRegister(fe.serve(fe.register))
	fe.srv.OnSubscribe(fe.serve(fe.subscribe))
	fe.srv.OnRequest("SERVICE", fe.serve(fe.service))
	fe.srv.OnOptions(fe.serve(fe.options))
	fe.srv.OnAck(func(req *sip.Request, tx sip.ServerTransaction) {}) // nothing to acknowledge
	fe.srv.OnNoRoute(fe.serve(fe.notAllowed))
	fe.confRoutes() // conferencing.go, focus.go, avmcu.go: SERVICE, INVITE, BYE, ACK
}

// allowed lists the methods the Front End answers, for Allow headers.
const allowed = "REGISTER, SUBSCRIBE, SERVICE, OPTIONS"

func (fe *FrontEnd) serve(h handler) sipgo.RequestHandler {
	return func(req *sip.Request, tx sip.ServerTransaction) {
		p := fe.peerOf(req)
		who := req.Source()
		if p != nil {
			who = string(p.computer)
		}
		fe.s.rec.add(Message{Time: fe.s.opts.now(), Direction: In, Server: string(fe.FQDN), Peer: who, StartLine: req.StartLine(), msg: req})
		var res *sip.Response
		func() {
			defer func() {
				if v := recover(); v != nil {
					fe.s.log.Error("handler panicked", "method", req.Method, "panic", v)
					res = sip.NewResponseFromRequest(req, 500, "Server Internal Error", nil)
				}
			}()
			if res = fe.validate(req); res != nil {
				return
			}
			if p == nil {
				res = fe.refuse(req, 403, "Forbidden", diagCertificateTrust, "no trusted TLS peer for this request")
				return
			}
			res = h(req, p)
		}()
		if res == nil {
			return
		}
		fe.s.rec.add(Message{Time: fe.s.opts.now(), Direction: Out, Server: string(fe.FQDN), Peer: who, StartLine: res.StartLine(), msg: res})
		if err := tx.Respond(res); err != nil {
			fe.s.log.Debug("respond failed", "error", err)
		}
	}
}

// refuse builds a refusal with Lync's ms-diagnostics (none for a zero d) and, for people, a
// Warning header saying what exactly was wrong.
func (fe *FrontEnd) refuse(req *sip.Request, code int, reason string, d Diagnostic, detail string) *sip.Response {
	res := sip.NewResponseFromRequest(req, code, reason, nil)
	if d.Code != 0 { // a plain SIP error carries no ms-diagnostics
		res.AppendHeader(d.header(string(fe.FQDN)))
	}
	if detail != "" {
		res.AppendHeader(sip.NewHeader("Warning", fmt.Sprintf("399 %s %q", fe.FQDN, detail)))
	}
	return res
}

// peerOf finds the certificate of the connection a request came on.
func (fe *FrontEnd) peerOf(req *sip.Request) *peer {
	conn, err := fe.srv.TransportLayer().GetConnection(req.Transport(), req.Source())
	if err != nil {
		return nil
	}
	tc, ok := conn.(*sip.TCPConnection)
	if !ok {
		return nil
	}
	sc, ok := tc.Conn.(*serverConn)
	if !ok {
		return nil
	}
	return sc.trusted(fe.s)
}

func (fe *FrontEnd) options(req *sip.Request, _ *peer) *sip.Response {
	res := sip.NewResponseFromRequest(req, 200, "OK", nil)
	res.AppendHeader(sip.NewHeader("Allow", allowed))
	return res
}

func (fe *FrontEnd) notAllowed(req *sip.Request, _ *peer) *sip.Response {
	res := sip.NewResponseFromRequest(req, 405, "Method Not Allowed", nil)
	res.AppendHeader(sip.NewHeader("Allow", allowed))
	return res
}

// identity checks that aor may be acted for by p: a trusted application
// endpoint of p's own pool, or a Lync user. It returns the refusal
// otherwise.
func (fe *FrontEnd) identity(req *sip.Request, aor sip.Uri, p *peer) (lync.SIPAddress, *sip.Response) {
	addr, err := lync.MakeSIPAddress(aor.User, aor.Host)
	if err != nil {
		return addr, fe.refuse(req, 404, "Not Found", diagNotEnabledForSIP, fmt.Sprintf("%s is not a SIP address: %v", aor.String(), err))
	}
	t := fe.s.topo
	if i := fe.s.idx.Endpoint(addr); i >= 0 {
		ep := t.TrustedApplicationEndpoints[i]
		if p.pool < 0 || !ep.Pool.Equal(t.TrustedApplicationPools[p.pool].FQDN) {
			return addr, fe.refuse(req, 403, "Forbidden", diagNotAuthorized,
				fmt.Sprintf("%s is an endpoint of pool %s; %s is not a computer of that pool", addr, ep.Pool, p.computer))
		}
		return addr, nil
	}
	if fe.s.idx.User(addr) >= 0 {
		return addr, nil
	}
	return addr, fe.refuse(req, 404, "Not Found", diagNotEnabledForSIP, addr.String()+" is neither a user nor a trusted application endpoint")
}

// waitNotify bounds how long a NOTIFY may take.
const waitNotify = 5 * time.Second
