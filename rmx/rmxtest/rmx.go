package rmxtest

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/pion/ice/v2"

	"github.com/rppkit/rppkit/internal/sipgolog"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/mras"
	"github.com/rppkit/rppkit/lync/provision"
	"github.com/rppkit/rppkit/rmx"
)

// Option configures an RMX stand-in.
type Option func(*options)

type options struct {
	cert          *tls.Certificate
	roots         *x509.CertPool
	resolve       func(host string) (string, bool)
	method        rmx.ICEMethod
	topo          *lync.Index
	stripScheme   bool
	logger        *slog.Logger
	retries       int
	retryInterval time.Duration
	timeout       time.Duration
	faults        faults // see faults.go
	// Deliberately wrong devices (see cascade.go).
	skipFocus        bool
	avmcuContentType string
}

// WithCertificate is the certificate the RMX presents.
func WithCertificate(c tls.Certificate) Option { return func(o *options) { o.cert = &c } }

// WithRootCAs is the CA pool the RMX trusts for its SIP server.
func WithRootCAs(p *x509.CertPool) Option { return func(o *options) { o.roots = p } }

// WithResolver maps host names to addresses, as DNS would:
// lynctest.Server.Resolve is one. The stand-in resolves its SIP server's
// name to connect, and the Edge pool's FQDN in the MRAS URI before asking
// MRAS for credentials; a name f cannot resolve fails the first with
// ErrUnresolved (symptom rmx.SymptomTLS) and the second with
// ErrEdgeUnresolved (rmx.SymptomEdgeResolve). Without it every name
// resolves, to NAME:5061.
func WithResolver(f func(host string) (addr string, ok bool)) Option {
	return func(o *options) { o.resolve = f }
}

// WithICEMethod says which ICE method the RMX uses, whatever its
// configuration would mean. Without it the stand-in infers the method as
// the rules of package rpp do, with rmx.InferICEMethod over the topology of
// WithTopology (none by default; ForLab gives the lab's).
func WithICEMethod(m rmx.ICEMethod) Option { return func(o *options) { o.method = m } }

// WithTopology is the Lync topology the RMX works with, as lookups: the
// stand-in infers its ICE method with rmx.InferICEMethod over it, so that a
// Server User Name naming a Lync user means the legacy method, as it does
// for the rules. ForLab sets the lab's (lynctest.Server.Index).
func WithTopology(x *lync.Index) Option { return func(o *options) { o.topo = x } }

// WithSchemeStripping makes the stand-in behave like firmware that strips a
// leading sip: from SIP_CONTACT_OVERRIDE_STR before use. By default it
// does not, as the guidance assumes.
func WithSchemeStripping() Option { return func(o *options) { o.stripScheme = true } }

// WithLogger sends the stand-in's logs (and sipgo's and pion's) to l.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithSubscribeRetries sets how often the provisioning SUBSCRIBE is tried
// and how long apart; the device tries 5 times about 40 s apart.
func WithSubscribeRetries(n int, interval time.Duration) Option {
	return func(o *options) { o.retries, o.retryInterval = n, interval }
}

// WithTimeout bounds each request and the gathering of candidates (5 s by
// default).
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// RMX is the stand-in. Start brings ICE up; Close releases everything.
type RMX struct {
	sys rmx.System
	o   options

	mu     sync.Mutex
	ua     *sipgo.UserAgent
	client *sipgo.Client
	agent  *ice.Agent
	status *Status // what the last Start reached
	// the keep-alive pinger (keepalive.go) and the provisioning NOTIFYs
	// of a SUBSCRIBE without piggyback (faults.go)
	stopKeepAlive, keepAliveDone chan struct{}
	notifies                     chan []byte

	closed   bool
	vmrCalls []*VMRCall // calls HostVMR took, until hung up
	lyncSide *lyncListener
}

// New makes a stand-in for sys.
func New(sys rmx.System, opts ...Option) *RMX {
	o := options{retries: 5, retryInterval: 40 * time.Second, timeout: 5 * time.Second}
	for _, f := range opts {
		f(&o)
	}
	if o.logger == nil {
		o.logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &RMX{sys: sys, o: o}
}

// Status is the RMX's ICE status once Start returns.
type Status struct {
	// State is "ICE ready", "ICE ready (no Edge)" or "ICE off".
	State    string
	Method   rmx.ICEMethod
	Identity string // sip:Server-User-Name@Server-Domain-Name
	MRASURI  string
	// Credentials and Relay are what MRAS granted.
	Credentials *mras.Credentials
	Relay       string
	// Candidates are the relay candidates gathered.
	Candidates []string
}

// States of Status.State.
const (
	StateReady       = "ICE ready"
	StateReadyNoEdge = "ICE ready (no Edge)"
	StateOff         = "ICE off"
)

// Start brings ICE up as the device does and returns its status, or an
// *Error saying at which phase and with which symptom it failed.
func (r *RMX) Start(ctx context.Context) (*Status, error) {
	sys, caps := &r.sys, rmx.Capabilities(r.sys.Version)
	st := &Status{Method: r.method()}
	r.mu.Lock()
	r.status = st
	r.mu.Unlock()

	// Configuration: what the release does with the settings it has.
	switch {
	case !sys.SIP.ICEConfigured() && caps.ICEMandatory:
		return st, fail(PhaseConfig, rmx.SymptomICENotConfigured, fmt.Sprintf("RMX %s", sys.Version), nil)
	case !sys.SIP.ICEConfigured():
		st.State = StateOff
		return st, nil
	case sys.SIP.ICEEnvironment != rmx.ICEMS:
		return st, fail(PhaseConfig, rmx.SymptomICEEnvironment, fmt.Sprintf("ICE environment %q", orNone(string(sys.SIP.ICEEnvironment))), nil)
	case !caps.Supports(st.Method):
		return st, fail(PhaseConfig, rmx.SymptomMethodUnsupported, fmt.Sprintf("RMX %s supports %v, not the %s", sys.Version, caps.ICEMethods, st.Method.Describe()), nil)
	}
	// The device writes the identity from the two fields as they are; a
	// Server User Name holding sip: or @ makes one that does not exist.
	st.Identity = "sip:" + sys.SIP.ServerUserName + "@" + sys.SIP.ServerDomainName

	if err := r.connect(); err != nil {
		return st, err
	}
	if err := r.register(ctx, st); err != nil {
		return st, err
	}
	if err := r.subscribe(ctx, st, caps); err != nil || st.State == StateReadyNoEdge {
		return st, err
	}
	if err := r.service(ctx, st); err != nil {
		return st, err
	}
	if err := r.gather(ctx, st); err != nil {
		return st, err
	}
	st.State = StateReady
	return st, nil
}

// method is the ICE method the RMX uses: WithICEMethod's, else the one
// rmx.InferICEMethod infers, as the rules do; "" when ICE is not
// configured.
func (r *RMX) method() rmx.ICEMethod {
	if r.o.method != "" && r.sys.SIP.ICEConfigured() {
		return r.o.method
	}
	return rmx.InferICEMethod(&r.sys, r.o.topo)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// connect prepares the SIP user agent: TLS with the RMX's certificate to
// its SIP server, dialled on the first request.
func (r *RMX) connect() error {
	if r.o.cert == nil {
		return fail(PhaseConnect, rmx.SymptomTLS, "", ErrNoCertificate)
	}
	server := string(r.sys.SIP.Server)
	if server == "" {
		return fail(PhaseConnect, rmx.SymptomTLS, "", ErrNoSIPServer)
	}
	conf := &tls.Config{Certificates: []tls.Certificate{*r.o.cert}, RootCAs: r.o.roots, ServerName: server, MinVersion: tls.VersionTLS12}
	log := r.o.logger.With("rmx", r.sys.Name)
	ua, err := sipgo.NewUA(
		sipgo.WithUserAgent("Polycom RMX/"+r.sys.Version.String()),
		sipgo.WithUserAgentHostname(string(r.sys.FQDN)),
		sipgo.WithUserAgenTLSConfig(conf),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(log)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(log), sipgolog.UnhandledResponses(log)),
	)
	if err != nil {
		return fail(PhaseConnect, rmx.SymptomTLS, "", err)
	}
	client, err := sipgo.NewClient(ua, sipgo.WithClientHostname(string(r.sys.FQDN)), sipgo.WithClientLogger(log))
	if err != nil {
		ua.Close()
		return fail(PhaseConnect, rmx.SymptomTLS, "", err)
	}
	if r.o.faults.noPiggyback {
		if err := r.notifyServer(ua); err != nil {
			ua.Close()
			return fail(PhaseConnect, rmx.SymptomTLS, "", err)
		}
	}
	r.mu.Lock()
	r.ua, r.client = ua, client
	r.mu.Unlock()
	return nil
}

// send sends a request to the SIP server and waits for its final answer. A
// TLS failure is a connect-phase error whatever the request was.
func (r *RMX) send(ctx context.Context, phase Phase, req *sip.Request) (*sip.Response, *Error) {
	addr, ok := r.resolve(string(r.sys.SIP.Server))
	if !ok {
		return nil, fail(PhaseConnect, rmx.SymptomTLS, "", fmt.Errorf("%w: %s", ErrUnresolved, r.sys.SIP.Server))
	}
	req.SetTransport("TLS")
	req.SetDestination(addr)
	ctx, cancel := context.WithTimeout(ctx, r.o.timeout)
	defer cancel()
	r.mu.Lock()
	client := r.client
	r.mu.Unlock()
	if client == nil {
		return nil, &Error{Phase: phase, Err: ErrClosed}
	}
	res, err := client.Do(ctx, req)
	if err != nil {
		if cause := connectFailure(err); cause != nil {
			return nil, fail(PhaseConnect, rmx.SymptomTLS, "", fmt.Errorf("%w: %w", cause, err))
		}
		return nil, &Error{Phase: phase, Err: err}
	}
	return res, nil
}

func (r *RMX) resolve(host string) (string, bool) {
	if r.o.resolve != nil {
		return r.o.resolve(host)
	}
	return host + ":5061", true
}

// connectFailure says why a request could not reach the SIP server at
// all — ErrUnreachable, ErrServerNotTrusted, ErrCertificateRefused or
// ErrHandshake — judging by the types crypto/tls and net return; nil when
// the request failed otherwise (no answer, a closed transaction).
func connectFailure(err error) error {
	var (
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		alert    tls.AlertError
		record   tls.RecordHeaderError
		op       *net.OpError
	)
	switch {
	case errors.As(err, &verify), errors.As(err, &unknown), errors.As(err, &hostname), errors.As(err, &invalid):
		return ErrServerNotTrusted
	case errors.As(err, &alert):
		return ErrCertificateRefused
	case errors.As(err, &op) && op.Op == opRemoteAlert:
		// crypto/tls reports a fatal alert from the peer as a *net.OpError
		// of this Op, around an unexported alert type.
		return ErrCertificateRefused
	case errors.As(err, &record):
		return ErrHandshake
	case errors.As(err, &op) && op.Op == "dial":
		return ErrUnreachable
	}
	return nil
}

// opRemoteAlert is the Op of the *net.OpError that crypto/tls returns for
// a fatal alert received from the peer.
const opRemoteAlert = "remote error"

// reason renders what a refusal said: ms-diagnostics,
// ms-client-diagnostics (the AV MCU's 488 for encryption) and Warning.
func reason(res *sip.Response) string {
	parts := []string{fmt.Sprintf("%d %s", res.StatusCode, res.Reason)}
	for _, name := range []string{"ms-diagnostics", "ms-client-diagnostics", "Warning"} {
		if h := res.GetHeader(name); h != nil {
			parts = append(parts, name+": "+h.Value())
		}
	}
	return strings.Join(parts, "; ")
}

func (r *RMX) uri(s string) (sip.Uri, error) {
	var u sip.Uri
	err := sip.ParseUri(s, &u)
	return u, err
}

// dialogHeaders adds From (with a tag), To and Contact.
func (r *RMX) dialogHeaders(req *sip.Request, from, to sip.Uri, contact sip.Uri) {
	params := sip.NewParams()
	params.Add("tag", randomHex(8))
	req.AppendHeader(&sip.FromHeader{Address: from, Params: params})
	req.AppendHeader(&sip.ToHeader{Address: to, Params: sip.NewParams()})
	req.AppendHeader(&sip.ContactHeader{Address: contact, Params: sip.NewParams()})
}

// ownContact is the RMX's own address: sip:user@RMX-FQDN:5061;transport=tls.
func (r *RMX) ownContact(user string) (sip.Uri, error) {
	return r.uri(fmt.Sprintf("sip:%s@%s:5061;transport=tls", user, r.sys.FQDN))
}

func (r *RMX) register(ctx context.Context, st *Status) error {
	id, err := r.uri(st.Identity)
	if err != nil {
		return fail(PhaseRegister, rmx.SymptomRegister, fmt.Sprintf("identity %s is not a SIP URI", st.Identity), err)
	}
	contact, err := r.ownContact(id.User)
	if err != nil {
		return fail(PhaseRegister, rmx.SymptomRegister, "", err)
	}
	registrar, _ := r.uri("sip:" + r.sys.SIP.ServerDomainName)
	req := sip.NewRequest(sip.REGISTER, registrar)
	r.dialogHeaders(req, id, id, contact)
	req.AppendHeader(sip.NewHeader("Expires", "3600"))
	res, e := r.send(ctx, PhaseRegister, req)
	if e != nil {
		if e.Symptom == nil {
			e.Symptom = rmx.SymptomRegister
		}
		return e
	}
	if res.StatusCode != 200 {
		return fail(PhaseRegister, rmx.SymptomRegister, reason(res), nil)
	}
	if addr, ok := r.resolve(string(r.sys.SIP.Server)); ok {
		r.startKeepAlive(res, addr)
	}
	return nil
}

// subscribe asks for the MRAS URI, retrying as the device does when the
// server does not answer.
func (r *RMX) subscribe(ctx context.Context, st *Status, caps rmx.Features) error {
	id, _ := r.uri(st.Identity)
	contact, _ := r.ownContact(id.User)
	body, err := provision.NewRequest(provision.ServerConfiguration).Marshal()
	if err != nil {
		return fail(PhaseSubscribe, rmx.SymptomSubscribe, "", err)
	}
	var last *Error
	for attempt := 0; attempt < max(r.o.retries, 1); attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return fail(PhaseSubscribe, rmx.SymptomSubscribe, "", ctx.Err())
			case <-time.After(r.o.retryInterval):
			}
		}
		req := sip.NewRequest(sip.SUBSCRIBE, id)
		r.dialogHeaders(req, id, id, contact)
		for _, h := range [][2]string{
			{"Event", provision.Event}, {"Accept", provision.ContentType}, {"Content-Type", provision.ContentType},
			{"Supported", provision.PiggybackFirstNotify}, {"Expires", "0"},
		} {
			if h[0] == "Supported" && r.o.faults.noPiggyback {
				continue
			}
			req.AppendHeader(sip.NewHeader(h[0], h[1]))
		}
		req.SetBody(body)
		res, e := r.send(ctx, PhaseSubscribe, req)
		if e != nil {
			if e.Phase == PhaseConnect {
				return e
			}
			last = fail(PhaseSubscribe, rmx.SymptomSubscribe, "no answer", e.Err)
			continue
		}
		if res.StatusCode != 200 {
			return fail(PhaseSubscribe, rmx.SymptomSubscribe, reason(res), nil)
		}
		body := res.Body()
		if len(body) == 0 { // the answer comes in a NOTIFY
			var e *Error
			if body, e = r.awaitNotify(ctx); e != nil {
				return e
			}
		}
		n, err := provision.ParseNotification(body)
		if err != nil {
			return fail(PhaseSubscribe, rmx.SymptomNoMRASURI, "", err)
		}
		g, _ := n.ServerConfiguration()
		if g.MRASURI == "" {
			if caps.ICEMandatory { // newer firmware: no Edge here
				st.State = StateReadyNoEdge
				return nil
			}
			return fail(PhaseSubscribe, rmx.SymptomNoMRASURI, "", nil)
		}
		st.MRASURI = g.MRASURI
		return nil
	}
	return last
}

// service asks MRAS for relay credentials.
func (r *RMX) service(ctx context.Context, st *Status) error {
	id, _ := r.uri(st.Identity)
	to, err := r.uri(st.MRASURI)
	if err != nil {
		return fail(PhaseService, rmx.SymptomEdgeResolve, "MRAS URI "+st.MRASURI, err)
	}
	// The MRAS URI is a server GRUU whose user part is the Edge pool's FQDN
	// (sip:EDGE-FQDN@DOMAIN;gruu;opaque=srvr:MRAS:…). The RMX resolves that
	// name before it sends the SERVICE: its ICE alarm "A/V Edge server URI
	// cannot be resolved" (Service phase) is raised when it "failed to
	// resolve the remote address of the Edge server URI" (RMX
	// Administrator's Guide, ICE Active Alarms). The request itself still
	// goes through the SIP server, as Lync routes it.
	if edge, err := r.edgeOf(st.MRASURI); err != nil {
		return fail(PhaseService, rmx.SymptomEdgeResolve, "MRAS URI "+st.MRASURI, err)
	} else if _, ok := r.resolve(string(edge)); !ok {
		return fail(PhaseService, rmx.SymptomEdgeResolve, "", fmt.Errorf("%w: %s (MRAS URI %s)", ErrEdgeUnresolved, edge, st.MRASURI))
	}
	// The new method presents the pool's Service GRUU, from the flag, as
	// Contact; without the flag the RMX has only its own address.
	contact := r.contact(id)
	rid := randomHex(4)
	body, err := (&mras.Request{RequestID: rid, Version: "2.0", To: st.MRASURI, From: st.Identity,
		Credentials: []mras.CredentialsRequest{{ID: rid, Identity: st.Identity, Location: mras.Internet, Duration: 480}}}).Marshal()
	if err != nil {
		return fail(PhaseService, rmx.SymptomMRASFailure, "", err)
	}
	req := sip.NewRequest("SERVICE", to)
	r.dialogHeaders(req, id, to, contact)
	ct := mras.ContentType
	if r.o.faults.serviceContentType != "" {
		ct = r.o.faults.serviceContentType
	}
	req.AppendHeader(sip.NewHeader("Content-Type", ct))
	req.SetBody(body)
	res, e := r.send(ctx, PhaseService, req)
	if e != nil {
		if e.Symptom == nil {
			e.Symptom = rmx.SymptomMRASFailure
		}
		return e
	}
	switch {
	case res.StatusCode == 404:
		return fail(PhaseService, rmx.SymptomEdgeResolve, reason(res), nil)
	case res.StatusCode != 200:
		return fail(PhaseService, rmx.SymptomMRASFailure, reason(res), nil)
	}
	ans, err := mras.ParseResponse(res.Body())
	if err != nil {
		return fail(PhaseService, rmx.SymptomMRASFailure, "", err)
	}
	detail := "reasonPhrase " + string(ans.ReasonPhrase)
	if w := res.GetHeader("Warning"); w != nil {
		detail += "; Warning: " + w.Value()
	}
	switch ans.ReasonPhrase {
	case mras.OK:
	case mras.Forbidden:
		return fail(PhaseService, rmx.SymptomCredentialDenied, detail, nil)
	default:
		return fail(PhaseService, rmx.SymptomMRASFailure, detail, nil)
	}
	for _, cr := range ans.Credentials {
		for _, relay := range cr.Relays {
			if cr.Credentials != nil && relay.Address() != "" {
				st.Credentials, st.Relay = cr.Credentials, relay.Address()
				return nil
			}
		}
	}
	return fail(PhaseService, rmx.SymptomNoCredentials, detail, nil)
}

// edgeOf returns the Edge pool's FQDN that an MRAS URI names: the user
// part of the server GRUU.
func (r *RMX) edgeOf(mrasURI string) (lync.FQDN, error) {
	g, err := lync.ParseGRUU(mrasURI)
	if err != nil {
		return "", err
	}
	return lync.ParseFQDN(string(g.Pool()))
}

// gather gathers relay candidates through the granted credentials.
func (r *RMX) gather(ctx context.Context, st *Status) error {
	agent, cands, err := GatherRelay(ctx, st.Relay, st.Credentials.Username, st.Credentials.Password, r.o.timeout, r.o.logger)
	if agent != nil {
		r.mu.Lock()
		r.agent = agent
		r.mu.Unlock()
	}
	if err != nil {
		return fail(PhaseICE, rmx.SymptomNoRelay, st.Relay, err)
	}
	for _, c := range cands {
		st.Candidates = append(st.Candidates, c.String())
	}
	return nil
}

// Agent returns the ICE agent Start gathered relay candidates with, for an
// ICE session with a peer (see Connect); nil before Start has got there.
func (r *RMX) Agent() *ice.Agent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.agent
}

// ErrClosed: a request was to be sent after Close, as when a DMA hangs a
// cascade up while the RMX is being shut down.
var ErrClosed = errors.New("the RMX stand-in is closed")

// Close releases the SIP user agent and the ICE agent.
func (r *RMX) Close() error {
	r.mu.Lock()
	r.closed = true
	calls, ls := r.vmrCalls, r.lyncSide
	r.vmrCalls, r.lyncSide = nil, nil
	r.mu.Unlock()
	var errs []error
	if ls != nil {
		errs = append(errs, ls.close())
	}
	for _, c := range calls {
		c.release()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopKeepAlive != nil {
		close(r.stopKeepAlive)
		<-r.keepAliveDone
		r.stopKeepAlive = nil
	}
	if r.agent != nil {
		errs = append(errs, r.agent.Close())
		r.agent = nil
	}
	if r.client != nil {
		r.client.Close()
		r.client = nil
	}
	if r.ua != nil {
		errs = append(errs, r.ua.Close())
		r.ua = nil
	}
	return errors.Join(errs...)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
