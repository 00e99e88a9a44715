package conformance

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/lync/mras"
	"github.com/rppkit/rppkit/lync/provision"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rmx/rmxtest"
)

// LyncUnderTest is a Lync-side stand-in under test (a vendor's test double
// of the Front End and Edge): where it listens, what trusts what, and an
// RMX configured for it.
type LyncUnderTest struct {
	// Name names it in reports.
	Name string
	// Addr is the Front End's SIP over TLS address, host:port;
	// ServerName is the name its certificate carries (the Front End pool's
	// FQDN), and RootCAs trusts that certificate.
	Addr       string
	ServerName string
	RootCAs    *x509.CertPool
	// Issue makes a client certificate, with exactly the subject CN and
	// SAN DNS names given, from the CA the stand-in trusts — so that the
	// kit can present a trusted computer's certificate, and a wildcard and
	// a SAN-less one from that same CA.
	Issue func(cn string, san ...string) (tls.Certificate, error)
	// RMX is an RMX the stand-in's topology trusts: a computer of a
	// trusted application pool registered to that Front End (FQDN, SIP
	// server = ServerName), with the Server User Name of a trusted
	// application endpoint of that pool and SIP_CONTACT_OVERRIDE_STR set to
	// the pool's Service GRUU (the new ICE method). Its certificate, when
	// given, is ignored: the kit issues its own.
	RMX rmx.System
}

// RunLync runs the lync/… wire cases against a Lync-side stand-in, each as
// a subtest named by its ID:
//
//	func TestLyncConformance(t *testing.T) {
//		lab := mystandin.Start(t)
//		conformance.RunLync(t, conformance.LyncUnderTest{Addr: lab.Addr, ServerName: "fe.contoso.com",
//			RootCAs: lab.CAPool(), Issue: lab.Issue, RMX: lab.RMX()})
//	}
//
// The kit runs rppkit's RMX stand-in (rmx/rmxtest) against it with a
// trusted certificate, one of another CA, a wildcard one and one without
// SAN, which it must refuse in the handshake; sends provisioning and MRAS
// requests, whose answers must be as MS-SIPREGE and MS-AVEDGEA specify;
// and sends RFC 4475's malformed requests, which must get RFC 4475's
// verdicts.
func RunLync(t *testing.T, l LyncUnderTest, opts ...Option) *Result {
	t.Helper()
	res, err := EvaluateLync(context.Background(), l, opts...)
	if err != nil {
		t.Fatal(err)
	}
	reportWire(t, res)
	return res
}

// EvaluateLync is RunLync outside go test.
func EvaluateLync(ctx context.Context, l LyncUnderTest, opts ...Option) (*Result, error) {
	if l.Addr == "" || l.Issue == nil || l.RMX.FQDN == "" {
		return nil, fmt.Errorf("%w: a LyncUnderTest needs Addr, Issue and RMX", ErrNoSubject)
	}
	var about []About
	for _, c := range lyncCases() {
		about = append(about, c.About)
	}
	cfg, selected, err := selectWire(opts, about)
	if err != nil {
		return nil, err
	}
	name := l.Name
	if name == "" {
		name = "Lync stand-in at " + l.Addr
	}
	res := &Result{Subject: name}
	err = runScenarios(ctx, cfg, selected, lyncCases(), func(ctx context.Context, sc string) (*lyncEvidence, error) {
		return lyncScenarios[sc](ctx, &l)
	}, res)
	return res, err
}

// lyncEvidence is what a scenario against the Lync stand-in saw.
type lyncEvidence struct {
	startErr error           // rmxtest's Start
	status   *rmxtest.Status // and its status
	res      *sip.Response   // the answer to a request the kit sent
	dropped  bool            // the stand-in closed the connection instead of answering
}

// lyncWait bounds each wait for the stand-in.
const lyncWait = 5 * time.Second

// startRMX runs rppkit's RMX stand-in against l with cert.
func startRMX(ctx context.Context, l *LyncUnderTest, cert tls.Certificate) (*lyncEvidence, error) {
	sys := l.RMX
	sys.Certificate = nil
	r := rmxtest.New(sys, rmxtest.WithCertificate(cert), rmxtest.WithRootCAs(l.RootCAs),
		rmxtest.WithResolver(func(host string) (string, bool) { return l.Addr, true }),
		rmxtest.WithTimeout(lyncWait), rmxtest.WithSubscribeRetries(1, 0),
		rmxtest.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer r.Close()
	st, err := r.Start(ctx)
	return &lyncEvidence{startErr: err, status: st}, nil
}

var lyncScenarios = map[string]func(ctx context.Context, l *LyncUnderTest) (*lyncEvidence, error){
	"trusted": func(ctx context.Context, l *LyncUnderTest) (*lyncEvidence, error) {
		cert, err := l.Issue(string(l.RMX.FQDN), string(l.RMX.FQDN))
		if err != nil {
			return nil, err
		}
		return startRMX(ctx, l, cert)
	},
	"other-ca": func(ctx context.Context, l *LyncUnderTest) (*lyncEvidence, error) {
		ca, err := lynctest.NewCA()
		if err != nil {
			return nil, err
		}
		cert, err := ca.Issue(string(l.RMX.FQDN), string(l.RMX.FQDN))
		if err != nil {
			return nil, err
		}
		return startRMX(ctx, l, cert)
	},
	"wildcard": func(ctx context.Context, l *LyncUnderTest) (*lyncEvidence, error) {
		_, domain, _ := strings.Cut(string(l.RMX.FQDN), ".")
		cert, err := l.Issue("*."+domain, string(l.RMX.FQDN), "*."+domain)
		if err != nil {
			return nil, err
		}
		return startRMX(ctx, l, cert)
	},
	"no-san": func(ctx context.Context, l *LyncUnderTest) (*lyncEvidence, error) {
		cert, err := l.Issue(string(l.RMX.FQDN))
		if err != nil {
			return nil, err
		}
		return startRMX(ctx, l, cert)
	},
	"provisioning": func(ctx context.Context, l *LyncUnderTest) (*lyncEvidence, error) {
		return exchange(ctx, l, subscribeMsg(l, true))
	},
	"provisioning-accept": func(ctx context.Context, l *LyncUnderTest) (*lyncEvidence, error) {
		return exchange(ctx, l, subscribeMsg(l, true).set("Accept", "application/sdp"))
	},
	"mras": func(ctx context.Context, l *LyncUnderTest) (*lyncEvidence, error) { return mrasExchange(ctx, l, true) },
	"mras-forbidden": func(ctx context.Context, l *LyncUnderTest) (*lyncEvidence, error) {
		return mrasExchange(ctx, l, false)
	},
}

func init() {
	for _, f := range []string{"badvers", "insuf", "unkscm", "bext01", "mismatch01", "multi01"} {
		lyncScenarios["torture-"+f] = func(ctx context.Context, l *LyncUnderTest) (*lyncEvidence, error) {
			data, err := wiredata.ReadFile("wiredata/" + f + ".dat")
			if err != nil {
				return nil, err
			}
			return exchangeRaw(ctx, l, data)
		}
	}
}

//go:embed wiredata/*.dat
var wiredata embed.FS

// sipMsg is a request written header by header.
type sipMsg struct {
	start string
	hdrs  [][2]string
	body  []byte
}

func (m *sipMsg) set(name, value string) *sipMsg {
	for i, h := range m.hdrs {
		if strings.EqualFold(h[0], name) {
			m.hdrs[i][1] = value
			return m
		}
	}
	m.hdrs = append(m.hdrs, [2]string{name, value})
	return m
}

func (m *sipMsg) bytes() []byte {
	var b bytes.Buffer
	b.WriteString(m.start + "\r\n")
	for _, h := range m.hdrs {
		b.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	b.WriteString("Content-Length: " + strconv.Itoa(len(m.body)) + "\r\n\r\n")
	b.Write(m.body)
	return b.Bytes()
}

func randomToken() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// identity is the RMX's ICE identity, and its own Contact.
func (l *LyncUnderTest) identity() (aor, contact string) {
	s := l.RMX.SIP
	return "sip:" + s.ServerUserName + "@" + s.ServerDomainName, fmt.Sprintf("<sip:%s@%s:5061;transport=tls>", s.ServerUserName, l.RMX.FQDN)
}

// request is a well-formed request from the RMX's identity.
func (l *LyncUnderTest) request(method, uri string) *sipMsg {
	aor, contact := l.identity()
	return &sipMsg{start: method + " " + uri + " SIP/2.0", hdrs: [][2]string{
		{"Via", fmt.Sprintf("SIP/2.0/TLS %s:5061;branch=z9hG4bK%s", l.RMX.FQDN, randomToken())},
		{"Max-Forwards", "70"},
		{"From", "<" + aor + ">;tag=" + randomToken()},
		{"To", "<" + aor + ">"},
		{"Call-ID", randomToken() + "@" + string(l.RMX.FQDN)},
		{"CSeq", "1 " + method},
		{"Contact", contact},
	}}
}

func subscribeMsg(l *LyncUnderTest, piggyback bool) *sipMsg {
	aor, _ := l.identity()
	body, _ := provision.NewRequest(provision.ServerConfiguration).Marshal()
	m := l.request("SUBSCRIBE", aor).set("Event", provision.Event).set("Accept", provision.ContentType).
		set("Content-Type", provision.ContentType).set("Expires", "0")
	if piggyback {
		m.set("Supported", provision.PiggybackFirstNotify)
	}
	m.body = body
	return m
}

// conn is a trusted TLS connection to the stand-in.
type conn struct {
	c *tls.Conn
	r *bufio.Reader
}

func dialTrusted(ctx context.Context, l *LyncUnderTest) (*conn, error) {
	cert, err := l.Issue(string(l.RMX.FQDN), string(l.RMX.FQDN))
	if err != nil {
		return nil, err
	}
	d := &tls.Dialer{NetDialer: &net.Dialer{Timeout: lyncWait}, Config: &tls.Config{Certificates: []tls.Certificate{cert},
		RootCAs: l.RootCAs, ServerName: l.ServerName, MinVersion: tls.VersionTLS12}}
	c, err := d.DialContext(ctx, "tcp", l.Addr)
	if err != nil {
		return nil, err
	}
	tc := c.(*tls.Conn)
	return &conn{c: tc, r: bufio.NewReader(tc)}, nil
}

// errDropped says the stand-in closed the connection.
var errDropped = errors.New("the stand-in closed the connection")

// answer writes data and returns the first final response, skipping
// provisional ones and requests (a NOTIFY).
func (c *conn) answer(data []byte) (*sip.Response, error) {
	_ = c.c.SetDeadline(time.Now().Add(lyncWait))
	if _, err := c.c.Write(data); err != nil {
		return nil, fmt.Errorf("%w: %v", errDropped, err)
	}
	for {
		var head bytes.Buffer
		length := 0
		for {
			line, err := c.r.ReadString('\n')
			if err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					return nil, fmt.Errorf("no answer within %v", lyncWait)
				}
				return nil, fmt.Errorf("%w: %v", errDropped, err)
			}
			if head.Len() == 0 && strings.TrimSpace(line) == "" {
				continue
			}
			head.WriteString(line)
			if line == "\r\n" {
				break
			}
			if name, v, ok := strings.Cut(line, ":"); ok {
				if n := strings.ToLower(strings.TrimSpace(name)); n == "content-length" || n == "l" {
					length, _ = strconv.Atoi(strings.TrimSpace(v))
				}
			}
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(c.r, body); err != nil {
			return nil, fmt.Errorf("%w: %v", errDropped, err)
		}
		msg, err := sip.ParseMessage(append(head.Bytes(), body...))
		if err != nil {
			return nil, fmt.Errorf("the stand-in sent an unparsable message: %v", err)
		}
		if res, ok := msg.(*sip.Response); ok && res.StatusCode >= 200 {
			return res, nil
		}
		if req, ok := msg.(*sip.Request); ok {
			_, _ = c.c.Write([]byte(sip.NewResponseFromRequest(req, 200, "OK", nil).String()))
		}
	}
}

// register registers the RMX's identity on c: provisioning and MRAS serve
// registered identities.
func (c *conn) register(l *LyncUnderTest) error {
	res, err := c.answer(l.request("REGISTER", "sip:"+l.RMX.SIP.ServerDomainName).set("Expires", "3600").bytes())
	if err != nil {
		return fmt.Errorf("REGISTER: %w", err)
	}
	if res.StatusCode != 200 {
		return fmt.Errorf("REGISTER: %s", res.StartLine())
	}
	return nil
}

// exchange registers, sends m and returns the answer.
func exchange(ctx context.Context, l *LyncUnderTest, m *sipMsg) (*lyncEvidence, error) {
	c, err := dialTrusted(ctx, l)
	if err != nil {
		return nil, err
	}
	defer c.c.Close()
	if err := c.register(l); err != nil {
		return nil, err
	}
	res, err := c.answer(m.bytes())
	return &lyncEvidence{res: res, dropped: errors.Is(err, errDropped)}, ignoreDrop(err)
}

// exchangeRaw sends data on a fresh trusted connection.
func exchangeRaw(ctx context.Context, l *LyncUnderTest, data []byte) (*lyncEvidence, error) {
	c, err := dialTrusted(ctx, l)
	if err != nil {
		return nil, err
	}
	defer c.c.Close()
	res, err := c.answer(data)
	return &lyncEvidence{res: res, dropped: errors.Is(err, errDropped)}, ignoreDrop(err)
}

// ignoreDrop keeps a closed connection as evidence, not a failure to run.
func ignoreDrop(err error) error {
	if errors.Is(err, errDropped) {
		return nil
	}
	return err
}

// mrasExchange provisions to learn the MRAS URI, then asks it for
// credentials, with the Service GRUU as Contact (withGRUU) or the RMX's
// own address.
func mrasExchange(ctx context.Context, l *LyncUnderTest, withGRUU bool) (*lyncEvidence, error) {
	c, err := dialTrusted(ctx, l)
	if err != nil {
		return nil, err
	}
	defer c.c.Close()
	if err := c.register(l); err != nil {
		return nil, err
	}
	res, err := c.answer(subscribeMsg(l, true).bytes())
	if err != nil {
		return nil, fmt.Errorf("provisioning: %w", err)
	}
	n, err := provision.ParseNotification(res.Body())
	if err != nil {
		return nil, fmt.Errorf("provisioning: %w", err)
	}
	g, _ := n.ServerConfiguration()
	if g.MRASURI == "" {
		return nil, skipf("the stand-in provisions no MRAS URI (no Edge)")
	}
	aor, contact := l.identity()
	if withGRUU {
		v, _ := l.RMX.Flags.ContactOverride()
		contact = "<sip:" + strings.TrimPrefix(v, "sip:") + ">"
	}
	body, err := (&mras.Request{RequestID: randomToken(), Version: "2.0", To: g.MRASURI, From: aor,
		Credentials: []mras.CredentialsRequest{{ID: "1", Identity: aor, Location: mras.Internet, Duration: 480}}}).Marshal()
	if err != nil {
		return nil, err
	}
	m := l.request("SERVICE", g.MRASURI).set("To", "<"+g.MRASURI+">").set("Contact", contact).set("Content-Type", mras.ContentType)
	m.body = body
	res, err = c.answer(m.bytes())
	return &lyncEvidence{res: res, dropped: errors.Is(err, errDropped)}, ignoreDrop(err)
}

const (
	srcTrust   = "learn.microsoft.com, \"TLS and MTLS for Skype for Business Server\"; \"Wildcard Certificate Support\"; Certificate Requirements for Internal Servers"
	srcRFC4475 = "RFC 4475 (SIP torture tests); RFC 3261"
)

// refused checks that the RMX stand-in was refused in the TLS handshake.
func refused(ev *lyncEvidence) error {
	var e *rmxtest.Error
	if errors.As(ev.startErr, &e) && e.Phase == rmxtest.PhaseConnect && errors.Is(ev.startErr, rmxtest.ErrCertificateRefused) {
		return nil
	}
	state := ""
	if ev.status != nil {
		state = ev.status.State
	}
	return failf("the stand-in accepted the certificate: the RMX got to %q (%v); want a refused handshake", state, ev.startErr)
}

// answered checks the status of the stand-in's answer.
func answered(ev *lyncEvidence, codes ...int) error {
	if ev.dropped || ev.res == nil {
		return failf("the stand-in closed the connection; want %v", codes)
	}
	for _, c := range codes {
		if ev.res.StatusCode == c {
			return nil
		}
	}
	return failf("answered %q; want %v", ev.res.StartLine(), codes)
}

// mrasAnswer checks that the answer is an MRAS response (a 200 of the
// MRAS content type) and returns it.
func mrasAnswer(ev *lyncEvidence) (*mras.Response, error) {
	if err := answered(ev, 200); err != nil {
		return nil, err
	}
	if ct := ev.res.GetHeader("Content-Type"); ct == nil || !strings.EqualFold(strings.TrimSpace(ct.Value()), mras.ContentType) {
		return nil, failf("Content-Type %v; want %s", ev.res.GetHeader("Content-Type"), mras.ContentType)
	}
	r, err := mras.ParseResponse(ev.res.Body())
	if err != nil {
		return nil, failf("not an MS-AVEDGEA response: %v", err)
	}
	return r, nil
}

func lyncCases() []wireCase[*lyncEvidence] {
	must := func(id, scenario, title, source string, check func(*lyncEvidence) error) wireCase[*lyncEvidence] {
		return wireCase[*lyncEvidence]{About: About{ID: id, Title: title, Subject: SubjectLync, Level: Must, Source: source}, scenario: scenario, check: check}
	}
	cases := []wireCase[*lyncEvidence]{
		must("lync/trust/trusted-computer", "trusted", "a trusted application computer's SAN certificate is accepted and the RMX brings ICE up", srcTrust,
			func(ev *lyncEvidence) error {
				if ev.startErr != nil || ev.status == nil || (ev.status.State != rmxtest.StateReady && ev.status.State != rmxtest.StateReadyNoEdge) {
					return failf("the RMX did not come up: %v", ev.startErr)
				}
				return nil
			}),
		must("lync/trust/other-ca", "other-ca", "a certificate of a CA the stand-in does not trust is refused in the handshake", srcTrust, refused),
		must("lync/trust/wildcard", "wildcard", "a wildcard certificate is refused, even beside a SAN naming the computer", srcTrust, refused),
		must("lync/trust/no-san", "no-san", "a certificate naming the computer in its subject CN only (no SAN) is refused", srcTrust, refused),
		must("lync/provisioning/piggyback", "provisioning", "a SUBSCRIBE with ms-piggyback-first-notify is answered in the 200 OK with the provisioning document", srcSIPREGE,
			func(ev *lyncEvidence) error {
				if err := answered(ev, 200); err != nil {
					return err
				}
				if ct := ev.res.GetHeader("Content-Type"); ct == nil || !strings.EqualFold(strings.TrimSpace(ct.Value()), provision.ContentType) {
					return failf("Content-Type %v; want %s", ev.res.GetHeader("Content-Type"), provision.ContentType)
				}
				n, err := provision.ParseNotification(ev.res.Body())
				if err != nil {
					return failf("the 200's body is not a provisioning document: %v", err)
				}
				if _, ok := n.ServerConfiguration(); !ok {
					return failf("no ServerConfiguration group in the answer")
				}
				return nil
			}),
		must("lync/provisioning/wrong-accept", "provisioning-accept", "a provisioning SUBSCRIBE that accepts another type gets 406", srcSIPREGE,
			func(ev *lyncEvidence) error { return answered(ev, 406) }),
		must("lync/mras/credentials", "mras", "MRAS answers a trusted endpoint's request in a 200 of its content type, reasonPhrase OK, with credentials and a relay", srcAVEDGEA,
			func(ev *lyncEvidence) error {
				r, err := mrasAnswer(ev)
				if err != nil {
					return err
				}
				if r.ReasonPhrase != mras.OK {
					return failf("reasonPhrase %q; want OK", r.ReasonPhrase)
				}
				if len(r.Credentials) != 1 || r.Credentials[0].Credentials == nil || len(r.Credentials[0].Relays) == 0 {
					return failf("OK without credentials and a relay: %+v", r.Credentials)
				}
				return nil
			}),
		must("lync/mras/forbidden", "mras-forbidden", "MRAS refuses an endpoint without the Service GRUU as Contact with reasonPhrase Forbidden in a 200", srcAVEDGEA,
			func(ev *lyncEvidence) error {
				r, err := mrasAnswer(ev)
				if err != nil {
					return err
				}
				if r.ReasonPhrase != mras.Forbidden || len(r.Credentials) != 0 {
					return failf("reasonPhrase %q with %d credentials; want Forbidden and none", r.ReasonPhrase, len(r.Credentials))
				}
				return nil
			}),
	}
	for _, t := range []struct {
		file, name, title string
		codes             []int
	}{
		{"badvers", "version", "a request of another SIP version gets 505 (RFC 4475 §3.1.2.16)", []int{505}},
		{"insuf", "missing-headers", "a request without its mandatory headers gets 400 (RFC 4475 §3.3.1)", []int{400}},
		{"unkscm", "scheme", "a Request-URI of an unknown scheme gets 416 (RFC 4475 §3.3.2)", []int{416}},
		{"bext01", "require", "a Require of an unsupported extension gets 420 (RFC 4475 §3.3.5)", []int{420}},
		{"mismatch01", "cseq-method", "a CSeq method other than the request's gets 400 (RFC 4475 §3.1.2.17)", []int{400}},
		{"multi01", "single-value", "several values in a single-value header get 400 (RFC 4475 §3.3.8)", []int{400}},
	} {
		codes := t.codes
		cases = append(cases, must("lync/malformed/"+t.name, "torture-"+t.file, t.title, srcRFC4475,
			func(ev *lyncEvidence) error { return answered(ev, codes...) }))
	}
	return cases
}
