package rmxtest

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/rppkit/rppkit/internal/sipgolog"
	"github.com/rppkit/rppkit/lync/sdp"
)

// lyncListener is the RMX's SIP over mutual TLS listener for Lync's Front
// Ends (ServeLync): health probes and the calls a static route sends.
type lyncListener struct {
	r      *RMX
	ln     net.Listener
	ua     *sipgo.UserAgent
	srv    *sipgo.Server
	served sync.WaitGroup
	stop   func() bool
	// unroute ends the routing of sipgo's default-logger records about
	// the listener's connections.
	unroute func()

	mu    sync.Mutex
	calls map[string]*VMRCall // by Call-ID
}

// ServeLync listens on a loopback port for SIP over mutual TLS from Lync's
// Front Ends, presenting the RMX's certificate and requiring a client
// certificate from the CA of WithRootCAs: what a Front End reaches when it
// probes the RMX as a trusted application computer (OPTIONS, answered 200)
// or when a static route points straight at the RMX (PROTOCOLS.md §5). An
// INVITE is a call into the conference its Request-URI's user part names,
// answered by HostVMR: 200 with the SDP answer, or the refusal (488 with
// ms-client-diagnostics 52017 for an encryption mismatch); BYE ends it.
// It returns the address (127.0.0.1:port) to give the lab with
// lynctest.Server.SetComputerAddress(sys.FQDN, port, addr); the listener
// stops when ctx ends or at Close.
func (r *RMX) ServeLync(ctx context.Context) (string, error) {
	if r.o.cert == nil {
		return "", fmt.Errorf("rmxtest: ServeLync: %w", ErrNoCertificate)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return "", fmt.Errorf("rmxtest: ServeLync: %w", ErrClosed)
	}
	if r.lyncSide != nil {
		return r.lyncSide.ln.Addr().String(), nil
	}
	conf := &tls.Config{Certificates: []tls.Certificate{*r.o.cert}, ClientAuth: tls.RequireAndVerifyClientCert,
		ClientCAs: r.o.roots, MinVersion: tls.VersionTLS12}
	if r.o.roots == nil {
		conf.ClientAuth = tls.RequireAnyClientCert
	}
	ln, err := tls.Listen("tcp4", "127.0.0.1:0", conf)
	if err != nil {
		return "", fmt.Errorf("rmxtest: ServeLync: %w", err)
	}
	log := r.o.logger.With("rmx", r.sys.Name, "side", "lync")
	ua, err := sipgo.NewUA(
		sipgo.WithUserAgent("Polycom RMX/"+r.sys.Version.String()),
		sipgo.WithUserAgentHostname(string(r.sys.FQDN)),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(log)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(log), sipgolog.UnhandledResponses(log)),
	)
	if err != nil {
		ln.Close()
		return "", err
	}
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(log))
	if err != nil {
		ua.Close()
		ln.Close()
		return "", err
	}
	l := &lyncListener{r: r, ln: ln, ua: ua, srv: srv, calls: map[string]*VMRCall{}}
	srv.OnOptions(func(req *sip.Request, tx sip.ServerTransaction) {
		res := sip.NewResponseFromRequest(req, 200, "OK", nil)
		res.AppendHeader(sip.NewHeader("Allow", "INVITE, ACK, BYE, OPTIONS"))
		_ = tx.Respond(res)
	})
	srv.OnInvite(l.invite)
	srv.OnAck(func(*sip.Request, sip.ServerTransaction) {})
	srv.OnBye(l.bye)
	l.served.Add(1)
	go func() {
		defer l.served.Done()
		if err := srv.ServeTLS(ln); !errors.Is(err, net.ErrClosed) { // it never returns nil
			log.Debug("serve ended", "error", err)
		}
	}()
	// sipgo logs the reference counting of connections through its
	// default logger, naming their addresses: send those to the RMX's.
	l.unroute = sipgolog.Register(ln.Addr().String(), log)
	l.stop = context.AfterFunc(ctx, func() { ln.Close() })
	r.lyncSide = l
	return ln.Addr().String(), nil
}

// invite answers a call into a conference with HostVMR.
func (l *lyncListener) invite(req *sip.Request, tx sip.ServerTransaction) {
	ctx, cancel := context.WithTimeout(context.Background(), l.r.o.timeout)
	defer cancel()
	c, err := l.r.HostVMR(ctx, req.Recipient.User, req.Body())
	if err != nil {
		status, reason, headers := 500, "Server Internal Error", map[string]string{}
		var ref *Refusal
		if errors.As(err, &ref) {
			status, reason, headers = ref.SIPRefusal()
		}
		res := sip.NewResponseFromRequest(req, status, reason, nil)
		for _, name := range sortedHeaders(headers) {
			res.AppendHeader(sip.NewHeader(name, headers[name]))
		}
		_ = tx.Respond(res)
		return
	}
	res := sip.NewResponseFromRequest(req, 200, "OK", c.Answer)
	res.AppendHeader(sip.NewHeader("Content-Type", sdp.ContentType))
	if to := res.To(); to != nil && !to.Params.Has("tag") {
		to.Params.Add("tag", sip.GenerateTagN(16))
	}
	_, port, _ := net.SplitHostPort(l.ln.Addr().String())
	p, _ := strconv.Atoi(port)
	contact := sip.Uri{Scheme: "sip", User: req.Recipient.User, Host: string(l.r.sys.FQDN), Port: p, UriParams: sip.NewParams()}
	contact.UriParams.Add("transport", "tls")
	res.AppendHeader(&sip.ContactHeader{Address: contact})
	l.mu.Lock()
	l.calls[req.CallID().Value()] = c
	l.mu.Unlock()
	if err := tx.Respond(res); err != nil {
		l.hangup(req.CallID().Value())
	}
}

// bye ends the call it belongs to; an unknown dialog gets 481 (RFC 3261
// §15.1.2).
func (l *lyncListener) bye(req *sip.Request, tx sip.ServerTransaction) {
	if !l.hangup(req.CallID().Value()) {
		_ = tx.Respond(sip.NewResponseFromRequest(req, 481, "Call/Transaction Does Not Exist", nil))
		return
	}
	_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
}

func (l *lyncListener) hangup(callID string) bool {
	l.mu.Lock()
	c := l.calls[callID]
	delete(l.calls, callID)
	l.mu.Unlock()
	if c == nil {
		return false
	}
	_ = c.Hangup(context.Background())
	return true
}

// close stops the listener and waits for it; the calls it took are
// released with the RMX's other VMR calls.
func (l *lyncListener) close() error {
	l.stop()
	l.ln.Close()
	l.served.Wait()
	defer l.unroute() // after the connections have closed
	if err := l.ua.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}
