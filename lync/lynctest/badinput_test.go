package lynctest_test

// Bad input over real MTLS connections: the Front End, fed what a broken or
// hostile peer may send, answers with the right error or drops the
// connection, never panics, leaks no goroutine, and keeps serving a
// well-behaved peer. The helpers here (rawStart, rawDial, rawConn, rawMsg,
// rawAlive) are shared with flood_test.go and fuzz_handlers_test.go.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/examples"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/lync/mras"
	"github.com/rppkit/rppkit/lync/provision"
	"github.com/rppkit/rppkit/rpp"
)

// rawWait bounds every wait for an answer the test expects.
const rawWait = 5 * time.Second

// rawStart starts a lab on examples/two-site.yaml, with rpp-east registered
// from rmx-east; the caller closes it (before goleak runs), and Cleanup
// closes it again in case of a failure.
func rawStart(tb testing.TB, opts ...lynctest.Option) *lynctest.Server {
	tb.Helper()
	s := rawStartBare(tb, opts...)
	rawRegistered(tb, s, s.FrontEnd("fe-east.contoso.com"), rawRegister())
	return s
}

// rawStartBare is rawStart without the REGISTER of rpp-east.
func rawStartBare(tb testing.TB, opts ...lynctest.Option) *lynctest.Server {
	tb.Helper()
	d, err := rpp.LoadFS(context.Background(), examples.FS, "two-site.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	s, err := lynctest.NewServer(context.Background(), &d.Lync, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// rawRegistered registers with m on a connection of its own and fails the
// test unless the answer is 200: provisioning and MRAS serve only an
// identity registered from the computer asking.
func rawRegistered(tb testing.TB, s *lynctest.Server, fe *lynctest.FrontEnd, m *rawMsg, computer ...string) {
	tb.Helper()
	c := rawDial(tb, s, fe, computer...)
	defer c.close()
	if res := c.mustAnswer(m); res.StatusCode != 200 {
		tb.Fatalf("REGISTER: %s\n%s", res.StartLine(), res)
	}
}

// rawConn is a client's TLS connection to a Front End on which the test
// writes bytes of its choosing and reads back whatever comes.
type rawConn struct {
	tb testing.TB
	c  *tls.Conn
	r  *bufio.Reader
}

// errNoAnswer is what read returns when nothing came before its deadline;
// errDropped when the server closed the connection.
var (
	errNoAnswer = errors.New("no answer before the deadline")
	errDropped  = errors.New("the server closed the connection")
)

// rawDial opens a TLS connection to fe with a certificate for computer
// (rmx-east.contoso.com, a computer of the trusted application pool
// rpp-east.contoso.com, unless given) issued by the lab's CA.
func rawDial(tb testing.TB, s *lynctest.Server, fe *lynctest.FrontEnd, computer ...string) *rawConn {
	tb.Helper()
	name := "rmx-east.contoso.com"
	if len(computer) > 0 {
		name = computer[0]
	}
	cert, err := s.CA.Issue(name, name)
	if err != nil {
		tb.Fatal(err)
	}
	d := &net.Dialer{Timeout: rawWait}
	c, err := tls.DialWithDialer(d, "tcp", fe.Addr, s.ClientTLSConfig(cert, string(fe.FQDN)))
	if err != nil {
		tb.Fatalf("dial %s: %v", fe.Addr, err)
	}
	return newRawConn(tb, c)
}

func newRawConn(tb testing.TB, c *tls.Conn) *rawConn {
	tb.Cleanup(func() { c.Close() })
	return &rawConn{tb: tb, c: c, r: bufio.NewReader(c)}
}

func (c *rawConn) close() { c.c.Close() }

// write sends b as it is. It reports an error rather than failing: writing
// to a connection the server has just dropped is an outcome, not a fault.
func (c *rawConn) write(b []byte) error {
	_ = c.c.SetWriteDeadline(time.Now().Add(rawWait))
	_, err := c.c.Write(b)
	return err
}

// mustWrite sends b and fails the test if it cannot.
func (c *rawConn) mustWrite(b []byte) {
	c.tb.Helper()
	if err := c.write(b); err != nil {
		c.tb.Fatalf("write: %v", err)
	}
}

// read returns the next SIP message within d, skipping the CRLFs the server
// writes to answer a CRLFCRLF keep-alive. It returns errNoAnswer when
// nothing (or only part of a message) came in time, errDropped when the
// server closed the connection; after errNoAnswer the connection may be
// mid-message, and callers read no more. It does not use tb, so that
// goroutines may call it.
func (c *rawConn) read(d time.Duration) (sip.Message, error) {
	raw, err := c.readRaw(d)
	if err != nil {
		return nil, err
	}
	msg, err := sip.ParseMessage(raw)
	if err != nil {
		return nil, fmt.Errorf("the server sent an unparsable message: %w\n%s", err, raw)
	}
	return msg, nil
}

// readRaw is read without parsing: the message as the server wrote it.
func (c *rawConn) readRaw(d time.Duration) ([]byte, error) {
	_ = c.c.SetReadDeadline(time.Now().Add(d))
	defer c.c.SetReadDeadline(time.Time{})
	var head bytes.Buffer
	length := 0
	for {
		line, err := c.r.ReadString('\n')
		if err != nil {
			return nil, c.readErr(err)
		}
		if head.Len() == 0 && (line == "\r\n" || line == "\n") {
			continue // a keep-alive pong, or CRLF before the start line
		}
		head.WriteString(line)
		if line == "\r\n" {
			break
		}
		if name, value, ok := strings.Cut(line, ":"); ok {
			if n := strings.ToLower(strings.TrimSpace(name)); n == "content-length" || n == "l" {
				length, _ = strconv.Atoi(strings.TrimSpace(value))
			}
		}
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(c.r, body); err != nil {
		return nil, c.readErr(err)
	}
	return append(head.Bytes(), body...), nil
}

func (c *rawConn) readErr(err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return errNoAnswer
	}
	return fmt.Errorf("%w: %v", errDropped, err)
}

// answer returns the final response to the request whose Call-ID is
// callID, reading past provisional responses and other messages (the
// answers to earlier requests on the connection).
func (c *rawConn) answer(callID string) (*sip.Response, error) {
	deadline := time.Now().Add(rawWait)
	for {
		m, err := c.read(time.Until(deadline))
		if err != nil {
			return nil, err
		}
		res, ok := m.(*sip.Response)
		if !ok || res.StatusCode < 200 {
			continue
		}
		if id := res.CallID(); id != nil && id.Value() == callID {
			return res, nil
		}
	}
}

// answerAll returns the final responses to the requests with these
// Call-IDs, in whatever order they come.
func (c *rawConn) answerAll(callIDs ...string) (map[string]*sip.Response, error) {
	want := map[string]bool{}
	for _, id := range callIDs {
		want[id] = true
	}
	got := map[string]*sip.Response{}
	deadline := time.Now().Add(rawWait)
	for len(got) < len(want) {
		m, err := c.read(time.Until(deadline))
		if err != nil {
			return got, fmt.Errorf("%d of %d answers: %w", len(got), len(want), err)
		}
		res, ok := m.(*sip.Response)
		if !ok || res.StatusCode < 200 || res.CallID() == nil || !want[res.CallID().Value()] {
			continue
		}
		got[res.CallID().Value()] = res
	}
	return got, nil
}

// mustAnswer sends m and returns its final response; it fails the test if
// none comes.
func (c *rawConn) mustAnswer(m *rawMsg) *sip.Response {
	c.tb.Helper()
	c.mustWrite(m.bytes())
	res, err := c.answer(m.callID())
	if err != nil {
		c.tb.Fatalf("%s: %v\n%s", m.start, err, m.bytes())
	}
	return res
}

// answerNotify reads the lab's provisioning NOTIFY and answers it 200.
func (c *rawConn) answerNotify() {
	c.tb.Helper()
	deadline := time.Now().Add(rawWait)
	for {
		m, err := c.read(time.Until(deadline))
		if err != nil {
			c.tb.Fatalf("waiting for the NOTIFY: %v", err)
		}
		if req, ok := m.(*sip.Request); ok && req.Method == "NOTIFY" {
			c.mustWrite([]byte(sip.NewResponseFromRequest(req, 200, "OK", nil).String()))
			return
		}
	}
}

// rawAlive checks that a well-behaved peer is still served: a fresh
// connection's OPTIONS gets 200.
func rawAlive(tb testing.TB, s *lynctest.Server, fe *lynctest.FrontEnd) {
	tb.Helper()
	c := rawDial(tb, s, fe)
	defer c.close()
	if res := c.mustAnswer(rawReq("OPTIONS", "sip:"+string(fe.FQDN))); res.StatusCode != 200 {
		tb.Fatalf("OPTIONS on a fresh connection: %s, want 200", res.StartLine())
	}
}

// rawMsg is a SIP message written by hand, header by header, so that a test
// can leave out or garble any of them.
type rawMsg struct {
	start string
	hdrs  [][2]string
	body  []byte
}

func rawToken() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// rawReq is a request from rpp-east@contoso.com on rmx-east.contoso.com,
// with every header a well-formed request has.
func rawReq(method, uri string) *rawMsg {
	self := "<sip:rpp-east@contoso.com>"
	return &rawMsg{start: method + " " + uri + " SIP/2.0", hdrs: [][2]string{
		{"Via", "SIP/2.0/TLS rmx-east.contoso.com:5061;branch=z9hG4bK" + rawToken()},
		{"Max-Forwards", "70"},
		{"From", self + ";tag=" + rawToken()},
		{"To", self},
		{"Call-ID", rawToken() + "@rmx-east.contoso.com"},
		{"CSeq", "1 " + method},
		{"Contact", "<sip:rpp-east@rmx-east.contoso.com:5061;transport=tls>"},
		{"User-Agent", "lynctest badinput"},
	}}
}

// set replaces the first header called name (in any case), or appends it;
// an empty value removes it.
func (m *rawMsg) set(name, value string) *rawMsg {
	for i, h := range m.hdrs {
		if strings.EqualFold(h[0], name) {
			if value == "" {
				m.hdrs = append(m.hdrs[:i], m.hdrs[i+1:]...)
			} else {
				m.hdrs[i][1] = value
			}
			return m
		}
	}
	if value != "" {
		m.hdrs = append(m.hdrs, [2]string{name, value})
	}
	return m
}

func (m *rawMsg) get(name string) string {
	for _, h := range m.hdrs {
		if strings.EqualFold(h[0], name) {
			return h[1]
		}
	}
	return ""
}

func (m *rawMsg) callID() string { return m.get("Call-ID") }

// withBody sets the body and its Content-Type.
func (m *rawMsg) withBody(contentType string, body []byte) *rawMsg {
	m.body = body
	return m.set("Content-Type", contentType)
}

// bytes renders the message, with a Content-Length of the body unless the
// test set one.
func (m *rawMsg) bytes() []byte {
	var b bytes.Buffer
	b.WriteString(m.start + "\r\n")
	for _, h := range m.hdrs {
		b.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	if m.get("Content-Length") == "" {
		b.WriteString("Content-Length: " + strconv.Itoa(len(m.body)) + "\r\n")
	}
	b.WriteString("\r\n")
	b.Write(m.body)
	return b.Bytes()
}

// finalOrDrop returns the first final response on c, or dropped when the
// server closed the connection first. Neither within rawWait is a hang and
// fails the test.
func (c *rawConn) finalOrDrop() (res *sip.Response, dropped bool) {
	c.tb.Helper()
	deadline := time.Now().Add(rawWait)
	for {
		m, err := c.read(time.Until(deadline))
		switch {
		case errors.Is(err, errDropped):
			return nil, true
		case err != nil:
			c.tb.Fatalf("neither an answer nor a closed connection within %v: %v", rawWait, err)
		}
		if res, ok := m.(*sip.Response); ok && res.StatusCode >= 200 {
			return res, false
		}
	}
}

// exchange sends m on a fresh connection and returns its final response.
func rawExchange(tb testing.TB, s *lynctest.Server, fe *lynctest.FrontEnd, m *rawMsg) *sip.Response {
	tb.Helper()
	c := rawDial(tb, s, fe)
	defer c.close()
	return c.mustAnswer(m)
}

// diagnostic returns the code and source of a response's ms-diagnostics
// header (MS-OCER), or 0.
func rawDiagnostic(res *sip.Response) (code int, source string) {
	h := res.GetHeader("ms-diagnostics")
	if h == nil {
		return 0, ""
	}
	v := h.Value()
	n, rest, _ := strings.Cut(v, ";")
	code, _ = strconv.Atoi(strings.TrimSpace(n))
	if _, src, ok := strings.Cut(rest, `source="`); ok {
		source, _, _ = strings.Cut(src, `"`)
	}
	return code, source
}

func rawHeader(m sip.Message, name string) string {
	if h := m.GetHeaders(name); len(h) > 0 {
		return h[0].Value()
	}
	return ""
}

// tortureKind says what a torture message is, for what the lab must do with
// it.
type tortureKind int

const (
	tortureRequest  tortureKind = iota // a request: answered, or the connection dropped where allowed
	tortureResponse                    // a response nobody asked for: never answered
	tortureAwaits                      // a request whose Content-Length exceeds its body: on a stream the server must wait for the rest
)

// tortureCase is one RFC 4475 message and what the lab may do with it over
// TLS. answer lists the final status codes the lab may answer with; drop
// says whether it may close the connection instead (a framing error on a
// stream leaves no message boundary to resynchronise on, RFC 3261 §18.3).
// rfc is RFC 4475's own verdict where it prescribes a status code.
type tortureCase struct {
	file, section string
	kind          tortureKind
	answer        []int
	drop          bool
	rfc           []int
	why           string
	// sipgo is set where sipgo itself answers before the lab can (its
	// parser or transaction layer), away from RFC 4475's verdict; why
	// says how.
	sipgo bool
}

// tortureCases are RFC 4475's messages (testdata/torture/README.md). The
// lab's Front End answers OPTIONS with 200, REGISTER after its trust and
// identity checks (403 with 1010 when the certificate does not name the
// Contact host, as for every example.com Contact here), and any other
// method with 405.
var tortureCases = []tortureCase{
	// 3.1.1: valid messages, each must be answered (requests) or ignored
	// (responses).
	{file: "valid/wsinv.dat", section: "3.1.1.1 A Short Tortuous INVITE", answer: []int{405, 400}, rfc: []int{405}, sipgo: true,
		why: "valid: the lab answers INVITE 405; sipgo misreads the From tag written with LWS around '=' and its transaction layer answers 400"},
	{file: "valid/intmeth.dat", section: "3.1.1.2 Wide Range of Valid Characters", answer: []int{405}},
	{file: "valid/esc01.dat", section: "3.1.1.3 Valid Use of the % Escaping Mechanism", answer: []int{405}},
	{file: "valid/escnull.dat", section: "3.1.1.4 Escaped Nulls in URIs", answer: []int{403}, why: "REGISTER with a Contact on host5.example.net: 403/1010"},
	{file: "valid/esc02.dat", section: "3.1.1.5 Use of % When It Is Not an Escape", answer: []int{405}, why: "RE%47IST%45R is a method of its own, not REGISTER"},
	{file: "valid/lwsdisp.dat", section: "3.1.1.6 Message with No LWS between Display Name and <", answer: []int{200}},
	{file: "valid/longreq.dat", section: "3.1.1.7 Long Values in Header Fields", answer: []int{405}},
	{file: "valid/dblreq.dat", section: "3.1.1.8 Extra Trailing Octets in a UDP Datagram", answer: []int{403, 405}, drop: true,
		why: "on a stream the trailing octets are a second message (an INVITE, 405) whose body runs 5 octets past its Content-Length: " +
			"a framing error; either answer may go out before the connection closes"},
	{file: "valid/semiuri.dat", section: "3.1.1.9 Semicolon-Separated Parameters in URI User Part", answer: []int{200}},
	{file: "valid/transports.dat", section: "3.1.1.10 Varied and Unknown Transport Types", answer: []int{200}},
	{file: "valid/mpart01.dat", section: "3.1.1.11 Multipart MIME Message", answer: []int{405}},
	{file: "valid/unreason.dat", section: "3.1.1.12 Unusual Reason Phrase", kind: tortureResponse},
	{file: "valid/noreason.dat", section: "3.1.1.13 Empty Reason Phrase", kind: tortureResponse},

	// 3.1.2: invalid messages: a 400 or a dropped connection, or what RFC
	// 4475 itself allows.
	{file: "invalid/badinv01.dat", section: "3.1.2.1 Extraneous Header Field Separators", answer: []int{400}, drop: true},
	{file: "invalid/clerr.dat", section: "3.1.2.2 Content Length Larger Than Message", kind: tortureAwaits, answer: []int{405},
		why: "on a stream there is no way to know the body is short: the server waits for the rest, then answers the INVITE"},
	{file: "invalid/ncl.dat", section: "3.1.2.3 Negative Content-Length", answer: []int{400}, drop: true},
	{file: "invalid/scalar02.dat", section: "3.1.2.4 Request Scalar Fields with Overlarge Values", answer: []int{400}, drop: true},
	{file: "invalid/scalarlg.dat", section: "3.1.2.5 Response Scalar Fields with Overlarge Values", kind: tortureResponse, drop: true},
	{file: "invalid/quotbal.dat", section: "3.1.2.6 Unterminated Quoted String in Display Name", answer: []int{400}, drop: true},
	{file: "invalid/ltgtruri.dat", section: "3.1.2.7 <> Enclosing Request-URI", answer: []int{400}, drop: true},
	{file: "invalid/lwsruri.dat", section: "3.1.2.8 Malformed SIP Request-URI (embedded LWS)", answer: []int{400}, drop: true},
	{file: "invalid/lwsstart.dat", section: "3.1.2.9 Multiple SP Separating Request-Line Elements", answer: []int{400}, drop: true},
	{file: "invalid/trws.dat", section: "3.1.2.10 SP Characters at End of Request-Line", answer: []int{400, 200}, drop: true},
	{file: "invalid/escruri.dat", section: "3.1.2.11 Escaped Headers in SIP Request-URI", answer: []int{400, 405}, drop: true},
	{file: "invalid/baddate.dat", section: "3.1.2.12 Invalid Time Zone in Date Header Field", answer: []int{400, 405}, drop: true,
		why: "RFC 4475 allows processing the request regardless of the Date"},
	{file: "invalid/regbadct.dat", section: "3.1.2.13 Failure to Enclose name-addr URI in <>", answer: []int{400, 403}, drop: true},
	{file: "invalid/badaspec.dat", section: "3.1.2.14 Spaces within addr-spec", answer: []int{400}, drop: true},
	{file: "invalid/baddn.dat", section: "3.1.2.15 Non-token Characters in Display Name", answer: []int{400, 200}, drop: true},
	{file: "invalid/badvers.dat", section: "3.1.2.16 Unknown Protocol Version", answer: []int{505}, drop: true, rfc: []int{505}},
	{file: "invalid/mismatch01.dat", section: "3.1.2.17 Start Line and CSeq Method Mismatch", answer: []int{400}, drop: true, rfc: []int{400}},
	{file: "invalid/mismatch02.dat", section: "3.1.2.18 Unknown Method with CSeq Method Mismatch", answer: []int{400, 501}, drop: true, rfc: []int{400, 501}},
	{file: "invalid/bigcode.dat", section: "3.1.2.19 Overlarge Response Code", kind: tortureResponse, drop: true},

	// 3.2 and 3.3: transaction- and application-layer semantics.
	{file: "invalid/badbranch.dat", section: "3.2.1 Missing Transaction Identifier", answer: []int{400, 200},
		why: "RFC 4475 allows falling back to RFC 2543 transaction matching"},
	{file: "invalid/insuf.dat", section: "3.3.1 Missing Required Header Fields", answer: []int{400}, drop: true, rfc: []int{400}},
	{file: "invalid/unkscm.dat", section: "3.3.2 Request-URI with Unknown Scheme", answer: []int{416}, drop: true, rfc: []int{416}},
	{file: "invalid/novelsc.dat", section: "3.3.3 Request-URI with Known but Atypical Scheme", answer: []int{416, 400}, drop: true},
	{file: "invalid/unksm2.dat", section: "3.3.4 Unknown URI Schemes in Header Fields", answer: []int{400, 403, 404, 416}, drop: true},
	{file: "invalid/bext01.dat", section: "3.3.5 Proxy-Require and Require", answer: []int{420}, drop: true, rfc: []int{420}},
	{file: "invalid/invut.dat", section: "3.3.6 Unknown Content-Type", answer: []int{415, 405}},
	{file: "invalid/regaut01.dat", section: "3.3.7 Unknown Authorization Scheme", answer: []int{400, 401, 403, 404},
		why: "a REGISTER without Contact: the lab refuses it with 400"},
	{file: "invalid/multi01.dat", section: "3.3.8 Multiple Values in Single Value Required Fields", answer: []int{400}, drop: true, rfc: []int{400}},
	{file: "invalid/mcl01.dat", section: "3.3.9 Multiple Content-Length Values", answer: []int{400, 200}, drop: true,
		why: "sipgo takes the first Content-Length, reads the OPTIONS and dispatches it, then finds garbage: its 200 may go out before the connection closes"},
	{file: "invalid/bcast.dat", section: "3.3.10 200 OK Response with Broadcast Via Header Field Value", kind: tortureResponse},
	{file: "invalid/zeromf.dat", section: "3.3.11 Max-Forwards of Zero", answer: []int{200, 483}},
	{file: "invalid/cparam01.dat", section: "3.3.12 REGISTER with a Contact Header Parameter", answer: []int{403}},
	{file: "invalid/cparam02.dat", section: "3.3.13 REGISTER with a url-parameter", answer: []int{403}},
	{file: "invalid/regescrt.dat", section: "3.3.14 REGISTER with a URL-Escaped Header", answer: []int{403}},
	{file: "invalid/sdp01.dat", section: "3.3.15 Unacceptable Accept Offering", answer: []int{406, 405}},

	// 3.4: backward compatibility.
	{file: "invalid/inv2543.dat", section: "3.4.1 INVITE with RFC 2543 Syntax", answer: []int{405}, drop: true,
		why: "no Content-Length, which a stream transport requires (RFC 3261 §18.3): a framing error over TLS"},
}

func rawTorture(tb testing.TB, file string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "torture", file))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestBadInputTortureMessages feeds every RFC 4475 torture message to the Front
// End, each on a connection of its own, and checks that it is answered with
// an allowed status, ignored (a response), or refused by closing the
// connection where a framing error leaves nothing else to do; that a
// connection the server keeps still serves the next request; and that a
// fresh connection is served after each message.
func TestBadInputTortureMessages(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	files, _ := filepath.Glob(filepath.Join("testdata", "torture", "*", "*.dat"))
	for _, f := range files {
		f = filepath.ToSlash(strings.TrimPrefix(f, filepath.Join("testdata", "torture")+string(filepath.Separator)))
		if !slices.ContainsFunc(tortureCases, func(tc tortureCase) bool { return tc.file == f }) {
			t.Errorf("testdata/torture/%s has no case", f)
		}
	}
	if len(files) != len(tortureCases) {
		t.Errorf("%d torture files, %d cases", len(files), len(tortureCases))
	}
	s := rawStart(t)
	fe := s.FrontEnd("fe-east.contoso.com")
	for _, tc := range tortureCases {
		t.Run(strings.TrimSuffix(filepath.Base(tc.file), ".dat"), func(t *testing.T) {
			data := rawTorture(t, tc.file)
			c := rawDial(t, s, fe)
			c.mustWrite(data)
			dropped := false
			switch tc.kind {
			case tortureRequest:
				var res *sip.Response
				res, dropped = c.finalOrDrop()
				switch {
				case dropped && !tc.drop:
					t.Errorf("RFC 4475 §%s: the connection was closed; want one of %v", tc.section, tc.answer)
				case !dropped && !slices.Contains(tc.answer, res.StatusCode):
					t.Errorf("RFC 4475 §%s: answered %q; want one of %v (or a closed connection: %v)\n%s",
						tc.section, res.StartLine(), tc.answer, tc.drop, res)
				}
			case tortureResponse:
				// Nothing answers a response: the next request on the
				// connection gets the next message, unless the response
				// could not be parsed and the connection was closed.
			case tortureAwaits:
				// The INVITE declares 9999 octets of body; send the rest
				// and it is answered.
				cl := 9999
				body := len(data) - bytes.Index(data, []byte("\r\n\r\n")) - 4
				c.mustWrite(bytes.Repeat([]byte("a"), cl-body))
				res, d := c.finalOrDrop()
				if d || !slices.Contains(tc.answer, res.StatusCode) {
					t.Fatalf("after the rest of the body: %v (dropped %v); want one of %v", res, d, tc.answer)
				}
			}
			if !dropped {
				probe := rawReq("OPTIONS", "sip:fe-east.contoso.com")
				if err := c.write(probe.bytes()); err == nil {
					res, err := c.answer(probe.callID())
					switch {
					case errors.Is(err, errDropped) && tc.drop:
					case err != nil:
						t.Errorf("the next request on the same connection: %v", err)
					case res.StatusCode != 200:
						t.Errorf("the next request on the same connection: %s", res.StartLine())
					}
				}
			}
			c.close()
			rawAlive(t, s, fe)
		})
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestBadInputTortureRFC4475Verdicts checks the answers RFC 4475 prescribes
// (and RFC 3261 behind it) where the lab answers instead of refusing: 505
// for another SIP version, 400 for missing, repeated or mismatched headers,
// 416 for a Request-URI that is not sip:, 420 for an extension it does not
// support.
func TestBadInputTortureRFC4475Verdicts(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := rawStart(t)
	fe := s.FrontEnd("fe-east.contoso.com")
	for _, tc := range tortureCases {
		if tc.rfc == nil {
			continue
		}
		t.Run(strings.TrimSuffix(filepath.Base(tc.file), ".dat"), func(t *testing.T) {
			c := rawDial(t, s, fe)
			defer c.close()
			c.mustWrite(rawTorture(t, tc.file))
			res, dropped := c.finalOrDrop()
			switch {
			case dropped:
				t.Errorf("RFC 4475 §%s: the connection was closed; RFC 4475 wants %v", tc.section, tc.rfc)
			case tc.sipgo && slices.Contains(tc.answer, res.StatusCode):
				t.Logf("RFC 4475 §%s: %s, not %v: %s", tc.section, res.StartLine(), tc.rfc, tc.why)
			case !slices.Contains(tc.rfc, res.StatusCode) || res.SipVersion != "SIP/2.0":
				t.Errorf("RFC 4475 §%s: the lab answered %q; RFC 4475 wants %v (in SIP/2.0)", tc.section, res.StartLine(), tc.rfc)
			}
		})
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// options is a well-formed OPTIONS to the Front End.
func rawOptions() *rawMsg { return rawReq("OPTIONS", "sip:fe-east.contoso.com") }

// register is a well-formed REGISTER of rpp-east@contoso.com from
// rmx-east.contoso.com, which the lab accepts.
func rawRegister() *rawMsg { return rawReq("REGISTER", "sip:contoso.com").set("Expires", "3600") }

// TestBadInputGarbage feeds bytes that are not SIP, or SIP cut short or too long,
// each on a connection of its own: the server drops the connection (or
// answers 400) without hanging or panicking, waits for the rest of a message
// cut short, and serves a fresh connection after each.
func TestBadInputGarbage(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := rawStart(t)
	fe := s.FrontEnd("fe-east.contoso.com")

	random := make([]byte, 4096)
	_, _ = mrand.NewChaCha8([32]byte{4, 4, 7, 5}).Read(random)
	random[0] = 0xff // neither a CRLF keep-alive nor a start line

	noLength := []byte(strings.Replace(string(rawOptions().bytes()), "Content-Length: 0\r\n", "", 1))

	// Refused: the connection is closed (or, for a request sipgo can
	// still read, answered 400).
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"binary garbage", random},
		{"text garbage", []byte("HELLO THERE, THIS IS NOT SIP\r\n\r\n")},
		{"an HTTP request", []byte("GET / HTTP/1.1\r\nHost: fe-east.contoso.com\r\n\r\n")},
		// sipgo ends lines at CRLF only: bare LFs leave a line that has
		// not ended, which the server waits for like any line cut short,
		// until 64 KiB without a CR make it give up.
		{"bare LF line endings, then 64 KiB without a CR", append(
			[]byte("OPTIONS sip:fe-east.contoso.com SIP/2.0\nVia: SIP/2.0/TLS x;branch=z9hG4bK1\nContent-Length: 0\n\n"),
			bytes.Repeat([]byte("\n"), 70000)...)},
		{"a CR not followed by LF", []byte("OPTIONS sip:fe-east.contoso.com SIP/2.0\rVia: x\r\n\r\n")},
		{"a header line over 64 KiB without its CRLF", []byte("OPTIONS sip:fe-east.contoso.com SIP/2.0\r\nX-Huge: " + strings.Repeat("h", 70000))},
		{"no Content-Length on a stream", noLength},
		{"a non-numeric Content-Length", rawOptions().set("Content-Length", "ten").bytes()},
		{"a request then garbage", append(rawOptions().bytes(), "GARBAGE\r\n\r\n"...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := rawDial(t, s, fe)
			defer c.close()
			_ = c.write(tc.data) // the server may close before all is written
			for {
				res, dropped := c.finalOrDrop()
				if dropped {
					break
				}
				// A request read before the garbage is answered first.
				if res.StatusCode != 400 && !(tc.name == "a request then garbage" && res.StatusCode == 200) {
					t.Fatalf("answered %s; want 400 or a closed connection", res.StartLine())
				}
			}
			rawAlive(t, s, fe)
		})
	}

	t.Run("a header line of 32 KiB is served", func(t *testing.T) {
		m := rawOptions().set("X-Long", strings.Repeat("l", 32<<10))
		if res := rawExchange(t, s, fe, m); res.StatusCode != 200 {
			t.Fatalf("%s, want 200", res.StartLine())
		}
	})

	t.Run("NUL bytes are skipped", func(t *testing.T) {
		// sipgo skips a read of nothing but NUL bytes; the connection
		// stays and serves the next request.
		c := rawDial(t, s, fe)
		defer c.close()
		c.mustWrite(make([]byte, 1024))
		if res := c.mustAnswer(rawOptions()); res.StatusCode != 200 {
			t.Fatalf("%s, want 200", res.StartLine())
		}
	})

	t.Run("a message written one byte at a time is served", func(t *testing.T) {
		c := rawDial(t, s, fe)
		defer c.close()
		m := rawRegister()
		for _, b := range m.bytes() {
			c.mustWrite([]byte{b})
		}
		res, err := c.answer(m.callID())
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("%v %v, want 200", res, err)
		}
	})

	t.Run("headers cut mid-line then the rest", func(t *testing.T) {
		c := rawDial(t, s, fe)
		defer c.close()
		m := rawOptions()
		b := m.bytes()
		cut := bytes.Index(b, []byte("Call-ID: ")) + 5
		c.mustWrite(b[:cut])
		c.mustWrite(b[cut:])
		if res, err := c.answer(m.callID()); err != nil || res.StatusCode != 200 {
			t.Fatalf("%v %v, want 200", res, err)
		}
	})

	t.Run("a body shorter than its Content-Length then the rest", func(t *testing.T) {
		c := rawDial(t, s, fe)
		defer c.close()
		m := rawOptions().set("Content-Length", "10").withBody("text/plain", []byte("0123456789"))
		b := m.bytes()
		c.mustWrite(b[:len(b)-6])
		c.mustWrite(b[len(b)-6:])
		if res, err := c.answer(m.callID()); err != nil || res.StatusCode != 200 {
			t.Fatalf("%v %v, want 200", res, err)
		}
	})

	// Truncated, then the peer goes away: nothing to answer; the server
	// frees the connection (goleak checks) and serves others.
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"headers cut mid-line then close", []byte("REGISTER sip:contoso.com SIP/2.0\r\nVia: SIP/2.0/TLS rmx-east.contoso.com:5061;bra")},
		{"a start line only then close", []byte("REGISTER sip:contoso.com SIP/2.0\r\n")},
		{"a body shorter than its Content-Length then close", rawOptions().set("Content-Length", "1000").withBody("text/plain", []byte("short")).bytes()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := rawDial(t, s, fe)
			c.mustWrite(tc.data)
			c.close()
			rawAlive(t, s, fe)
		})
	}

	t.Run("plain SIP without TLS", func(t *testing.T) {
		// The TLS handshake fails: the server closes the connection and
		// never reads the request as SIP.
		conn, err := net.DialTimeout("tcp", fe.Addr, rawWait)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_, _ = conn.Write(rawRegister().bytes())
		_ = conn.SetReadDeadline(time.Now().Add(rawWait))
		got, err := io.ReadAll(conn)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("the server kept a plain-text connection open: read %q", got)
		}
		if bytes.Contains(got, []byte("SIP/2.0")) {
			t.Fatalf("the server answered SIP over plain TCP: %q", got)
		}
		rawAlive(t, s, fe)
	})

	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestBadInputKeepAlives checks that CRLF and CRLFCRLF keep-alives between messages
// (RFC 5626 §4.4.1, MS-CONMGMT) are tolerated: a CRLFCRLF ping gets a CRLF
// pong, and the next request on the same connection gets its answer.
func TestBadInputKeepAlives(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := rawStart(t)
	fe := s.FrontEnd("fe-east.contoso.com")
	c := rawDial(t, s, fe)
	ok := func(step string, m *rawMsg) {
		t.Helper()
		if res := c.mustAnswer(m); res.StatusCode != 200 {
			t.Fatalf("%s: %s, want 200", step, res.StartLine())
		}
	}
	ok("REGISTER", rawRegister())

	c.mustWrite([]byte("\r\n\r\n"))
	pong := make([]byte, 2)
	_ = c.c.SetReadDeadline(time.Now().Add(rawWait))
	if _, err := io.ReadFull(c.r, pong); err != nil || string(pong) != "\r\n" {
		t.Fatalf("CRLFCRLF ping: read %q %v, want the CRLF pong", pong, err)
	}
	_ = c.c.SetReadDeadline(time.Time{})
	ok("REGISTER after a CRLFCRLF ping", rawRegister())

	c.mustWrite([]byte("\r\n"))
	ok("OPTIONS after a bare CRLF", rawOptions())

	for i := 0; i < 3; i++ {
		c.mustWrite([]byte("\r\n\r\n"))
	}
	ok("REGISTER after three pings", rawRegister()) // the pongs are skipped by read

	m := rawRegister()
	c.mustWrite(append([]byte("\r\n\r\n"), m.bytes()...))
	if res, err := c.answer(m.callID()); err != nil || res.StatusCode != 200 {
		t.Fatalf("CRLFCRLF in the same write as a REGISTER: %v %v", res, err)
	}

	a, b := rawOptions(), rawRegister()
	c.mustWrite(append(append(a.bytes(), "\r\n"...), b.bytes()...))
	got, err := c.answerAll(a.callID(), b.callID())
	if err != nil {
		t.Fatalf("two requests separated by a CRLF in one write: %v", err)
	}
	for id, res := range got {
		if res.StatusCode != 200 {
			t.Errorf("two requests separated by a CRLF in one write: %s: %s", id, res.StartLine())
		}
	}
	c.close()
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// The identities of examples/two-site.yaml the tests act for.
const (
	rawEastEndpoint = "sip:rpp-east@contoso.com"
	// rawEastGRUU is the Service GRUU of pool rpp-east.contoso.com: the
	// Contact of the new ICE method, which MRAS requires of an endpoint.
	rawEastGRUU = "sip:rpp-east.contoso.com@contoso.com;gruu;opaque=srvr:video:Tggd9yw0FFyNjnRqleNLwQAA"
)

// mrasBody is a valid credentials request, changed by edit.
func rawMRASBody(t testing.TB, to, id string, edit func(*mras.Request)) []byte {
	t.Helper()
	r := &mras.Request{RequestID: id, Version: "2.0", To: to, From: rawEastEndpoint,
		Credentials: []mras.CredentialsRequest{{ID: "1", Identity: rawEastEndpoint, Location: mras.Internet, Duration: 480}}}
	if edit != nil {
		edit(r)
	}
	b, err := r.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// service is the credentials SERVICE of the new method, to uri, with body.
func rawService(uri string, body []byte) *rawMsg {
	return rawReq("SERVICE", uri).set("To", "<"+uri+">").set("Contact", "<"+rawEastGRUU+">").withBody(mras.ContentType, body)
}

// mrasAnswer checks that res is an MRAS answer (a SIP 200 whose body is a
// valid MS-AVEDGEA response) and returns it.
func rawMRASAnswer(t *testing.T, res *sip.Response) *mras.Response {
	t.Helper()
	if res.StatusCode != 200 {
		t.Fatalf("%s, want 200 with an MRAS response\n%s", res.StartLine(), res)
	}
	if ct := rawHeader(res, "Content-Type"); ct != mras.ContentType {
		t.Errorf("Content-Type %q, want %q", ct, mras.ContentType)
	}
	r, err := mras.ParseResponse(res.Body())
	if err != nil {
		t.Fatalf("not a valid MRAS response: %v\n%s", err, res.Body())
	}
	return r
}

// TestBadInputMRAS sends the credentials SERVICE with each kind of bad
// input and checks MRAS's answer: MRAS-level failures in the reasonPhrase
// of a SIP 200 (MS-AVEDGEA), a request that never reaches MRAS as a SIP
// error. With WithMRASFault it produces every reasonPhrase of
// mras.ReasonPhrases() but Request Too Large (TestBadInputMRASOversizedBody).
func TestBadInputMRAS(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	faults := map[string]mras.ReasonPhrase{
		"busy": mras.ServerBusy, "timeout": mras.TimeOut,
		"internal": mras.InternalServerError, "other": mras.OtherFailure,
	}
	s := rawStart(t, lynctest.WithMRASFault(func(r *mras.Request) mras.ReasonPhrase { return faults[r.RequestID] }))
	fe := s.FrontEnd("fe-east.contoso.com")
	uri := s.Edge("edge-east.contoso.com").MRASURI
	produced := map[mras.ReasonPhrase]bool{}

	for _, tc := range []struct {
		name string
		req  *rawMsg
		want mras.ReasonPhrase
		id   string // the requestID echoed
	}{
		{"a valid request", rawService(uri, rawMRASBody(t, uri, "ok", nil)), mras.OK, "ok"},
		{"without the Service GRUU as Contact", rawService(uri, rawMRASBody(t, uri, "forbidden", nil)).set("Contact", "<sip:rpp-east@rmx-east.contoso.com:5061;transport=tls>"), mras.Forbidden, "forbidden"},
		{"credentials for another identity", rawService(uri, rawMRASBody(t, uri, "other-identity", func(r *mras.Request) { r.Credentials[0].Identity = "sip:alice@contoso.com" })), mras.Forbidden, "other-identity"},
		{"malformed XML", rawService(uri, []byte(`<?xml version="1.0"?><request xmlns="http://schemas.microsoft.com/2006/09/sip/mrasp" requestID="x"`)), mras.RequestMalformed, "0"},
		{"not XML at all", rawService(uri, []byte("\x00\x01\x02 binary")), mras.RequestMalformed, "0"},
		{"an empty body", rawService(uri, nil), mras.RequestMalformed, "0"},
		{"the wrong root element", rawService(uri, []byte(`<response xmlns="http://schemas.microsoft.com/2006/09/sip/mrasp" requestID="1"/>`)), mras.RequestMalformed, "0"},
		{"no credentialsRequest", rawService(uri, rawMRASBody(t, uri, "none", func(r *mras.Request) { r.Credentials = nil })), mras.RequestMalformed, "none"},
		{"101 credentialsRequests", rawService(uri, rawMRASBody(t, uri, "many", func(r *mras.Request) {
			for i := 0; i < 100; i++ {
				r.Credentials = append(r.Credentials, r.Credentials[0])
			}
		})), mras.RequestMalformed, "many"},
		{"a bad location", rawService(uri, rawMRASBody(t, uri, "location", func(r *mras.Request) { r.Credentials[0].Location = "moon" })), mras.RequestMalformed, "location"},
		{"version 3.0", rawService(uri, rawMRASBody(t, uri, "v3", func(r *mras.Request) { r.Version = "3.0" })), mras.VersionMismatch, "v3"},
		{"route directip", rawService(uri, rawMRASBody(t, uri, "direct", func(r *mras.Request) { r.Route = "directip" })), mras.NotSupported, "direct"},
		{"fault Server Busy", rawService(uri, rawMRASBody(t, uri, "busy", nil)), mras.ServerBusy, "busy"},
		{"fault Time Out", rawService(uri, rawMRASBody(t, uri, "timeout", nil)), mras.TimeOut, "timeout"},
		{"fault Internal Server Error", rawService(uri, rawMRASBody(t, uri, "internal", nil)), mras.InternalServerError, "internal"},
		{"fault Other Failure", rawService(uri, rawMRASBody(t, uri, "other", nil)), mras.OtherFailure, "other"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rawMRASAnswer(t, rawExchange(t, s, fe, tc.req))
			if r.ReasonPhrase != tc.want {
				t.Errorf("reasonPhrase %q, want %q", r.ReasonPhrase, tc.want)
			}
			if r.RequestID != tc.id {
				t.Errorf("requestID %q, want %q echoed", r.RequestID, tc.id)
			}
			if r.ReasonPhrase == mras.OK {
				if len(r.Credentials) != 1 || r.Credentials[0].Credentials == nil || len(r.Credentials[0].Relays) != 1 {
					t.Errorf("OK without credentials and a relay: %+v", r)
				}
			} else if len(r.Credentials) != 0 {
				t.Errorf("%s with credentials: %+v", r.ReasonPhrase, r.Credentials)
			}
			produced[r.ReasonPhrase] = true
			rawAlive(t, s, fe)
		})
	}

	t.Run("a wrong Content-Type", func(t *testing.T) {
		res := rawExchange(t, s, fe, rawService(uri, rawMRASBody(t, uri, "ct", nil)).set("Content-Type", "application/sdp"))
		if res.StatusCode != 415 || rawHeader(res, "Accept") != mras.ContentType {
			t.Errorf("%s Accept %q, want 415 with Accept: %s", res.StartLine(), rawHeader(res, "Accept"), mras.ContentType)
		}
		rawAlive(t, s, fe)
	})
	t.Run("no Content-Type", func(t *testing.T) {
		res := rawExchange(t, s, fe, rawService(uri, rawMRASBody(t, uri, "ct", nil)).set("Content-Type", ""))
		if res.StatusCode != 415 {
			t.Errorf("%s, want 415", res.StartLine())
		}
	})
	for name, to := range map[string]string{
		"a wrong MRAS token":          strings.Replace(uri, "srvr:MRAS:", "srvr:MRAS:x", 1),
		"the Front End, not an MRAS":  "sip:fe-east.contoso.com",
		"another service of the Edge": strings.Replace(uri, "srvr:MRAS:", "srvr:Conf:", 1),
	} {
		t.Run("a wrong Request-URI: "+name, func(t *testing.T) {
			res := rawExchange(t, s, fe, rawService(to, rawMRASBody(t, to, "uri", nil)))
			code, source := rawDiagnostic(res)
			if res.StatusCode != 404 || code != 4005 || source != "fe-east.contoso.com" {
				t.Errorf("%s ms-diagnostics %q, want 404 with 4005 from fe-east.contoso.com", res.StartLine(), rawHeader(res, "ms-diagnostics"))
			}
			rawAlive(t, s, fe)
		})
	}

	for _, p := range mras.ReasonPhrases() {
		if !produced[p] && p != mras.RequestTooLarge {
			t.Errorf("no request made the lab answer %q", p)
		}
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestBadInputMRASOversizedBody sends a credentials SERVICE whose body is larger
// than the lab's MRAS takes (lynctest.MaxMRASBody, below sipgo's limit of
// sip.ParseMaxMessageLength octets for a whole message): MS-AVEDGEA's answer
// is a 200 with reasonPhrase "Request Too Large".
func TestBadInputMRASOversizedBody(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := rawStart(t)
	fe := s.FrontEnd("fe-east.contoso.com")
	uri := s.Edge("edge-east.contoso.com").MRASURI
	// A valid request padded with whitespace after the root element.
	body := append(rawMRASBody(t, uri, "big", nil), bytes.Repeat([]byte(" "), lynctest.MaxMRASBody)...)

	c := rawDial(t, s, fe)
	_ = c.write(rawService(uri, body).bytes())
	res, dropped := c.finalOrDrop()
	c.close()
	switch {
	case dropped:
		t.Errorf("a SERVICE with a %d-octet body: the Front End closed the connection without an answer; "+
			"MS-AVEDGEA wants a 200 with reasonPhrase %q (the lab's service.go has the branch, but sipgo's "+
			"ParseMaxMessageLength of %d octets drops the message first)", len(body), mras.RequestTooLarge, sip.ParseMaxMessageLength)
	default:
		if r := rawMRASAnswer(t, res); r.ReasonPhrase != mras.RequestTooLarge {
			t.Errorf("reasonPhrase %q, want %q", r.ReasonPhrase, mras.RequestTooLarge)
		}
	}
	rawAlive(t, s, fe)
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// subscribe is the provisioning SUBSCRIBE of rpp-east@contoso.com, with
// ms-piggyback-first-notify.
func rawSubscribe(t testing.TB) *rawMsg {
	t.Helper()
	body, err := provision.NewRequest(provision.ServerConfiguration).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return rawReq("SUBSCRIBE", rawEastEndpoint).set("Event", provision.Event).set("Accept", provision.ContentType).
		set("Supported", provision.PiggybackFirstNotify).set("Expires", "0").withBody(provision.ContentType, body)
}

// TestBadInputProvisioning checks the provisioning SUBSCRIBE's refusals,
// the NOTIFY sent when the client does not support
// ms-piggyback-first-notify, and the answer of a pool without an Edge.
func TestBadInputProvisioning(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := rawStart(t)
	fe := s.FrontEnd("fe-east.contoso.com")
	mrasURI := s.Edge("edge-east.contoso.com").MRASURI

	t.Run("a wrong Accept", func(t *testing.T) {
		res := rawExchange(t, s, fe, rawSubscribe(t).set("Accept", "application/sdp"))
		if res.StatusCode != 406 || rawHeader(res, "Accept") != provision.ContentType {
			t.Errorf("%s Accept %q, want 406 with Accept: %s", res.StartLine(), rawHeader(res, "Accept"), provision.ContentType)
		}
		rawAlive(t, s, fe)
	})
	t.Run("no Accept", func(t *testing.T) {
		if res := rawExchange(t, s, fe, rawSubscribe(t).set("Accept", "")); res.StatusCode != 406 {
			t.Errorf("%s, want 406", res.StartLine())
		}
	})
	for _, event := range []string{"presence", "vnd-microsoft-provisioning", ""} {
		t.Run("Event "+strconv.Quote(event), func(t *testing.T) {
			res := rawExchange(t, s, fe, rawSubscribe(t).set("Event", event))
			if res.StatusCode != 489 || rawHeader(res, "Allow-Events") != provision.Event {
				t.Errorf("%s Allow-Events %q, want 489 with Allow-Events: %s", res.StartLine(), rawHeader(res, "Allow-Events"), provision.Event)
			}
			rawAlive(t, s, fe)
		})
	}
	t.Run("a malformed provisioning body", func(t *testing.T) {
		res := rawExchange(t, s, fe, rawSubscribe(t).withBody(provision.ContentType, []byte("<provisioningGroupList")))
		if code, _ := rawDiagnostic(res); res.StatusCode != 400 || code == 0 {
			t.Errorf("%s, want 400 with ms-diagnostics", res.StartLine())
		}
		rawAlive(t, s, fe)
	})

	t.Run("without ms-piggyback-first-notify", func(t *testing.T) {
		c := rawDial(t, s, fe)
		defer c.close()
		sub := rawSubscribe(t).set("Supported", "")
		c.mustWrite(sub.bytes())
		var ok *sip.Response
		var notify *sip.Request
		deadline := time.Now().Add(rawWait)
		for ok == nil || notify == nil {
			m, err := c.read(time.Until(deadline))
			if err != nil {
				t.Fatalf("got 200 %v and NOTIFY %v: %v", ok != nil, notify != nil, err)
			}
			switch m := m.(type) {
			case *sip.Response:
				ok = m
			case *sip.Request:
				notify = m
			}
		}
		if ok.StatusCode != 200 || len(ok.Body()) != 0 {
			t.Errorf("%s with a %d-octet body, want 200 with none (the answer comes in a NOTIFY)", ok.StartLine(), len(ok.Body()))
		}
		if notify.Method != "NOTIFY" || rawHeader(notify, "Event") != provision.Event || notify.CallID().Value() != sub.callID() {
			t.Fatalf("want a NOTIFY for the subscription, got\n%s", notify)
		}
		n, err := provision.ParseNotification(notify.Body())
		if err != nil {
			t.Fatal(err)
		}
		if g, _ := n.ServerConfiguration(); g.MRASURI != mrasURI {
			t.Errorf("NOTIFY mrasUri %q, want %q", g.MRASURI, mrasURI)
		}
		c.mustWrite([]byte(sip.NewResponseFromRequest(notify, 200, "OK", nil).String()))
		rawAlive(t, s, fe)
	})

	t.Run("a request after the NOTIFY's answer on the same connection", func(t *testing.T) {
		c := rawDial(t, s, fe)
		defer c.close()
		c.mustWrite(rawSubscribe(t).set("Supported", "").bytes())
		for {
			m, err := c.read(rawWait)
			if err != nil {
				t.Fatal(err)
			}
			if req, ok := m.(*sip.Request); ok {
				c.mustWrite([]byte(sip.NewResponseFromRequest(req, 200, "OK", nil).String()))
				break
			}
		}
		if res := c.mustAnswer(rawRegister()); res.StatusCode != 200 {
			t.Fatalf("%s", res.StartLine())
		}
	})

	// The lab records the answers to its NOTIFYs.
	answered := func() (n int) {
		for _, m := range s.Messages() {
			if m.Direction == lynctest.In && m.StartLine == "SIP/2.0 200 OK" && strings.Contains(m.Text, "NOTIFY") {
				n++
			}
		}
		return n
	}
	for deadline := time.Now().Add(rawWait); answered() < 2 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if n := answered(); n != 2 {
		t.Errorf("%d answers to NOTIFYs recorded, want 2\n%s", n, s.Ladder())
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// noEdgeTopology is a Front End pool without an Edge pool, with one trusted
// application pool.
func rawNoEdgeTopology() *lync.Topology {
	return &lync.Topology{
		Product:       lync.SfB2015,
		SIPDomains:    []lync.FQDN{"fabrikam.com"},
		Sites:         []lync.Site{{Name: "Main", ID: 1}},
		FrontEndPools: []lync.FrontEndPool{{FQDN: "fe.fabrikam.com", Site: "Main"}},
		TrustedApplicationPools: []lync.TrustedApplicationPool{{FQDN: "rpp.fabrikam.com", Site: "Main",
			Registrar: "fe.fabrikam.com", Computers: []lync.FQDN{"rmx.fabrikam.com"}}},
		TrustedApplications: []lync.TrustedApplication{{ApplicationID: "video", Pool: "rpp.fabrikam.com", Port: 5061,
			ServiceGRUU: "sip:rpp.fabrikam.com@fabrikam.com;gruu;opaque=srvr:video:AbCdEfGhIjKlMnOpQrStUvWx"}},
		TrustedApplicationEndpoints: []lync.TrustedApplicationEndpoint{{SIPAddress: rawAddress("sip:rpp@fabrikam.com"),
			ApplicationID: "video", Pool: "rpp.fabrikam.com"}},
	}
}

func rawAddress(s string) lync.SIPAddress {
	a, err := lync.ParseSIPAddress(s)
	if err != nil {
		panic(err)
	}
	return a
}

// TestBadInputProvisioningWithoutEdge checks that a Front End pool without an Edge
// answers provisioning without an mrasUri, and has no MRAS to answer.
func TestBadInputProvisioningWithoutEdge(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, err := lynctest.NewServer(context.Background(), rawNoEdgeTopology())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fe := s.FrontEnd("fe.fabrikam.com")
	if fe == nil || fe.Edge != nil || len(s.Edges()) != 0 {
		t.Fatalf("Front End %v with Edge %v; Edges %v", fe, fe.Edge, s.Edges())
	}
	self := "<sip:rpp@fabrikam.com>"
	rawRegistered(t, s, fe, rawRegister().set("To", self).set("From", self+";tag=r").
		set("Contact", "<sip:rpp@rmx.fabrikam.com:5061;transport=tls>"), "rmx.fabrikam.com")
	sub := rawSubscribe(t).set("To", self).set("From", self+";tag=1")
	sub.start = "SUBSCRIBE sip:rpp@fabrikam.com SIP/2.0"
	sub.set("Contact", "<sip:rpp@rmx.fabrikam.com:5061;transport=tls>").set("Via", "SIP/2.0/TLS rmx.fabrikam.com:5061;branch=z9hG4bK"+rawToken())
	c := rawDial(t, s, fe, "rmx.fabrikam.com")
	res := c.mustAnswer(sub)
	if res.StatusCode != 200 {
		t.Fatalf("%s\n%s", res.StartLine(), res)
	}
	if bytes.Contains(res.Body(), []byte("mrasUri")) {
		t.Errorf("provisioning of a pool without an Edge names an MRAS:\n%s", res.Body())
	}
	n, err := provision.ParseNotification(res.Body())
	if err != nil {
		t.Fatal(err)
	}
	g, ok := n.ServerConfiguration()
	if !ok || g.MRASURI != "" || g.FocusFactoryURI == "" {
		t.Errorf("ServerConfiguration %+v (present %v), want one without mrasUri", g, ok)
	}
	// No Edge, no MRAS: a SERVICE to an MRAS-like URI finds none.
	uri := "sip:edge.fabrikam.com@fabrikam.com;gruu;opaque=srvr:MRAS:AAAA"
	svc := rawReq("SERVICE", uri).set("From", self+";tag=2").set("To", "<"+uri+">").
		set("Via", "SIP/2.0/TLS rmx.fabrikam.com:5061;branch=z9hG4bK"+rawToken()).withBody(mras.ContentType, []byte("<request/>"))
	if res := c.mustAnswer(svc); res.StatusCode != 404 {
		t.Errorf("SERVICE to an MRAS URI without an Edge: %s, want 404", res.StartLine())
	}
	c.close()
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestBadInputUnknownMethod checks that a method the Front End does not serve gets
// 405 with an Allow header.
func TestBadInputUnknownMethod(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := rawStart(t)
	fe := s.FrontEnd("fe-east.contoso.com")
	for _, method := range []string{"FOO", "INVITE", "MESSAGE", "NOTIFY", "INFO", "PUBLISH", "BYE", "X-" + strings.Repeat("M", 200)} {
		t.Run(method[:min(len(method), 10)], func(t *testing.T) {
			res := rawExchange(t, s, fe, rawReq(method, "sip:fe-east.contoso.com"))
			if res.StatusCode != 405 || rawHeader(res, "Allow") != "REGISTER, SUBSCRIBE, SERVICE, OPTIONS" {
				t.Errorf("%s Allow %q, want 405 with Allow: REGISTER, SUBSCRIBE, SERVICE, OPTIONS", res.StartLine(), rawHeader(res, "Allow"))
			}
		})
	}
	t.Run("ACK is absorbed", func(t *testing.T) {
		c := rawDial(t, s, fe)
		defer c.close()
		c.mustWrite(rawReq("ACK", "sip:fe-east.contoso.com").bytes())
		if res := c.mustAnswer(rawOptions()); res.StatusCode != 200 {
			t.Errorf("OPTIONS after an ACK: %s", res.StartLine())
		}
	})
	rawAlive(t, s, fe)
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestBadInputRegisterRefusals checks REGISTER's refusals and their ms-diagnostics
// (MS-OCER).
func TestBadInputRegisterRefusals(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := rawStart(t)
	fe := s.FrontEnd("fe-east.contoso.com")
	for _, tc := range []struct {
		name       string
		req        *rawMsg
		code, diag int
	}{
		{"an unknown identity", rawRegister().set("To", "<sip:nobody@contoso.com>").set("From", "<sip:nobody@contoso.com>;tag=1"), 404, 4005},
		{"an identity of another domain", rawRegister().set("To", "<sip:rpp-east@fabrikam.com>"), 404, 4005},
		{"the endpoint of another pool", rawRegister().set("To", "<sip:rpp-west@contoso.com>").set("From", "<sip:rpp-west@contoso.com>;tag=1"), 403, 4004},
		{"a Contact host the certificate does not name", rawRegister().set("Contact", "<sip:rpp-east@rmx-west.contoso.com:5061;transport=tls>"), 403, 1010},
		{"a Contact by IP address", rawRegister().set("Contact", "<sip:rpp-east@127.0.0.1:5061;transport=tls>"), 403, 1010},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := rawExchange(t, s, fe, tc.req)
			code, source := rawDiagnostic(res)
			if res.StatusCode != tc.code || code != tc.diag || source != "fe-east.contoso.com" {
				t.Errorf("%s ms-diagnostics %q, want %d with %d from fe-east.contoso.com", res.StartLine(), rawHeader(res, "ms-diagnostics"), tc.code, tc.diag)
			}
			rawAlive(t, s, fe)
		})
	}
	t.Run("a user of the legacy method", func(t *testing.T) {
		res := rawExchange(t, s, fe, rawRegister().set("To", "<sip:alice@contoso.com>").set("From", "<sip:alice@contoso.com>;tag=1"))
		if res.StatusCode != 200 {
			t.Errorf("%s, want 200", res.StartLine())
		}
	})
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestBadInputMissingMandatoryHeader sends each request the Front End
// serves without one of the headers every request must carry (RFC 3261
// §8.1.1; RFC 4475 §3.3.1: answer 400), and the SUBSCRIBE without the
// Contact a dialog-creating request must have (§8.1.1.8): each gets 400, and
// no handler sees such a request (a handler that did would answer without
// the header, or fail on it).
func TestBadInputMissingMandatoryHeader(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := rawStart(t)
	fe := s.FrontEnd("fe-east.contoso.com")
	uri := s.Edge("edge-east.contoso.com").MRASURI
	headers := []string{"Via", "CSeq", "Call-ID", "From", "To"}
	for _, tc := range []struct {
		name  string
		req   func() *rawMsg
		extra []string
	}{
		{"REGISTER", rawRegister, nil},
		{"SUBSCRIBE", func() *rawMsg { return rawSubscribe(t).set("Supported", "") }, []string{"Contact"}},
		{"SUBSCRIBE piggyback", func() *rawMsg { return rawSubscribe(t) }, []string{"Contact"}},
		{"SERVICE", func() *rawMsg { return rawService(uri, rawMRASBody(t, uri, "1", nil)) }, nil},
		{"OPTIONS", rawOptions, nil},
		{"FOO", func() *rawMsg { return rawReq("FOO", "sip:fe-east.contoso.com") }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var wrong []string
			for _, h := range append(headers, tc.extra...) {
				c := rawDial(t, s, fe)
				c.mustWrite(tc.req().set(h, "").bytes())
				res, dropped := c.finalOrDrop()
				switch {
				case dropped:
					wrong = append(wrong, fmt.Sprintf("without %s: the connection was closed", h))
				case res.StatusCode >= 500:
					wrong = append(wrong, fmt.Sprintf("without %s: %s (a handler panicked)", h, res.StartLine()))
				case res.StatusCode != 400:
					wrong = append(wrong, fmt.Sprintf("without %s: %s", h, res.StartLine()))
				}
				if !dropped && res.StatusCode == 200 && tc.name == "SUBSCRIBE" && h != "Contact" {
					c.answerNotify() // so that Close need not wait for it
				}
				c.close()
			}
			if wrong != nil {
				t.Errorf("want 400 for a request without a mandatory header; got:\n\t%s", strings.Join(wrong, "\n\t"))
			}
			rawAlive(t, s, fe)
		})
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestBadInputNoDialOut checks that the Front End answers only on the
// connection a request came on: when that connection has gone, it does not
// dial the address the peer put in its Via header (as sipgo would, after
// RFC 3261 §18.2.2), nor look a name up in DNS — so the lab stays on its
// loopback and Close has no dial to wait for. The peer here is a listener
// of the test that would accept such a dial.
func TestBadInputNoDialOut(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 16)
	go func() {
		defer close(accepted)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	s := rawStart(t)
	fe := s.FrontEnd("fe-east.contoso.com")
	for _, sentBy := range []string{ln.Addr().String(), "rmx-east.contoso.com:5061"} {
		via := "SIP/2.0/TLS " + sentBy + ";branch=z9hG4bK"
		// Requests followed by garbage in one write: sipgo hands the
		// requests on, then closes the connection on the garbage, and
		// answers find no connection to go on.
		for attempt := 0; attempt < 3; attempt++ {
			var b []byte
			for i := 0; i < 50; i++ {
				b = append(b, rawOptions().set("Via", via+rawToken()).bytes()...)
			}
			c := rawDial(t, s, fe)
			_ = c.write(append(b, "GARBAGE\r\n\r\n"...))
			for {
				if _, dropped := c.finalOrDrop(); dropped {
					break
				}
			}
			c.close()
		}
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	ln.Close()
	for c := range accepted {
		c.Close()
		t.Errorf("the Front End dialled %s, the Via address of a request whose connection had closed", ln.Addr())
	}
}
