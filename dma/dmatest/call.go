package dmatest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/rppkit/rppkit/dma"
	"github.com/rppkit/rppkit/lync"
)

// Kind says how the DMA routed a call.
type Kind string

// Kinds of Call.Kind.
const (
	KindNone        Kind = ""            // not routed
	KindVMR         Kind = "vmr"         // one of the DMA's own VMRs
	KindRealConnect Kind = "realconnect" // a Lync meeting, by conference ID
)

// Call is one incoming call as the DMA handled it: the call log entry
// tests and the lab read (DMA.Calls).
type Call struct {
	Time      time.Time
	CallID    string
	From      string // the caller's From URI
	Number    string // the dial string: the Request-URI's user part
	Transport string // UDP or TCP
	Kind      Kind
	// DialInID is the Lync conference ID dialled, once the dial prefix is
	// taken off.
	DialInID lync.DialInID
	// Peer is the Lync peer that resolved the conference ID and Focus the
	// focus URI it gave.
	Peer  string
	Focus lync.ConferenceURI
	// MCU is the MCU that cascaded into the meeting, and Link the cascade
	// it made (nil until then, and for VMR calls): what its MCU returned,
	// so the lab reads media counts through the concrete type (an
	// *rmxtest.Cascade has Stats).
	MCU  string
	Link Link
	// Status is the DMA's final answer to the INVITE (200 when connected).
	Status int
	// Err is why the call failed (an *Error), nil while it is up or ended
	// normally.
	Err error
	// Acked: the endpoint acknowledged the 200. Ended: the call is over
	// (BYE, a refusal, or the DMA closed) and its media port and cascade
	// are released.
	Acked, Ended bool
	// BytesReceived counts the RTP bytes the endpoint sent to the DMA's
	// media port, BytesSent those the DMA sent back (it echoes each packet
	// to its sender, lab convention).
	BytesReceived, BytesSent int64
}

// Connected reports whether the DMA answered 200 and the endpoint
// acknowledged it.
func (c Call) Connected() bool { return c.Status == 200 && c.Acked }

// call is the live state behind a Call record.
type call struct {
	d *DMA

	mu      sync.Mutex
	rec     Call
	link    Link
	req     *sip.Request
	tx      sip.ServerTransaction
	acked   chan struct{} // closed by the ACK
	ackOnce sync.Once

	// hosted is the SDP answer of the MCU hosting the VMR, for a call
	// from Lync; the DMA then opens no media port of its own. refusal is
	// the MCU's SIP answer when it refused the call.
	hosted  []byte
	refusal Refusal

	media            net.PacketConn
	rxBytes, txBytes atomic.Int64
	mediaEnd         chan struct{}
	mediaPort        int // set by openMedia, before the answer
	// ended: end ran; what is made after (a cascade that succeeds as the
	// DMA closes) is released at once. Guarded by mu.
	ended bool
}

// Calls returns the call log: every call received so far, in order.
func (d *DMA) Calls() []Call {
	d.mu.Lock()
	calls := append([]*call(nil), d.calls...)
	d.mu.Unlock()
	out := make([]Call, len(calls))
	for i, c := range calls {
		out[i] = c.snapshot()
	}
	return out
}

func (c *call) snapshot() Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.rec
	r.BytesReceived, r.BytesSent = c.rxBytes.Load(), c.txBytes.Load()
	return r
}

func (c *call) update(f func(*Call)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(&c.rec)
}

// invite handles an endpoint's INVITE: route, resolve and cascade for a
// Lync conference ID, then answer.
func (d *DMA) invite(req *sip.Request, tx sip.ServerTransaction) {
	c := &call{d: d, req: req, tx: tx, acked: make(chan struct{}),
		rec: Call{Time: time.Now(), Number: req.Recipient.User, Transport: strings.ToUpper(req.Transport())}}
	if h := req.CallID(); h != nil {
		c.rec.CallID = h.Value()
	}
	if f := req.From(); f != nil {
		c.rec.From = f.Address.String()
	}
	d.mu.Lock()
	d.calls = append(d.calls, c)
	d.mu.Unlock()
	// Every response to this INVITE carries the same To tag.
	if to := req.To(); to != nil && !to.Params.Has("tag") {
		req = req.Clone()
		req.To().Params.Add("tag", sip.GenerateTagN(16))
		c.req = req
	}
	_ = tx.Respond(sip.NewResponseFromRequest(req, 100, "Trying", nil))

	ctx := d.ctx
	if e := d.route(ctx, c); e != nil {
		c.refuse(e)
		return
	}
	if c.hosted == nil {
		if err := c.openMedia(); err != nil {
			c.refuse(&Error{Phase: PhaseAnswer, Number: c.rec.Number, Err: err})
			return
		}
	}
	c.update(func(r *Call) { r.Status = 200 })
	if err := c.answer(ctx); err != nil {
		c.update(func(r *Call) { r.Err = &Error{Phase: PhaseAnswer, Number: r.Number, Err: err} })
		c.end("no ACK")
		return
	}
	c.update(func(r *Call) { r.Acked = true })
}

// answer sends the 200 with the DMA's SDP and waits for the ACK,
// retransmitting the 200 over UDP as RFC 3261 §13.3.1.4 asks (T1 doubling
// up to T2, for 64*T1 at most).
func (c *call) answer(ctx context.Context) error {
	body := c.hosted
	if body == nil {
		body = c.answerSDP()
	}
	res := sip.NewSDPResponseFromRequest(c.req, body)
	res.AppendHeader(&sip.ContactHeader{Address: c.d.contact})
	if err := c.tx.Respond(res); err != nil {
		return err
	}
	interval := sip.T1
	retransmit := time.NewTimer(interval)
	defer retransmit.Stop()
	giveUp := time.NewTimer(64 * sip.T1)
	defer giveUp.Stop()
	for {
		select {
		case <-c.acked:
			return nil
		case <-ctx.Done():
			return fmt.Errorf("%w: the DMA closed", ErrNoAck)
		case <-giveUp.C:
			return fmt.Errorf("%w within %v", ErrNoAck, 64*sip.T1)
		case <-retransmit.C:
			if strings.EqualFold(c.req.Transport(), "UDP") {
				_ = c.d.srv.WriteResponse(res)
			}
			interval = min(2*interval, sip.T2)
			retransmit.Reset(interval)
		}
	}
}

// route decides what the dial string is and, for a Lync conference ID,
// resolves it and has an MCU cascade in.
func (d *DMA) route(ctx context.Context, c *call) *Error {
	number := c.rec.Number
	kind, id, err := classify(&d.sys, number)
	if err != nil {
		return &Error{Phase: PhaseRoute, Number: number, Err: err}
	}
	c.update(func(r *Call) { r.Kind, r.DialInID = kind, id })
	if kind == KindVMR {
		if strings.EqualFold(c.rec.Transport, "TLS") {
			return d.hostVMR(ctx, c)
		}
		return nil
	}
	focus, peer, e := d.lync.resolve(ctx, number, id)
	c.update(func(r *Call) { r.Peer, r.Focus = peer, focus })
	if e != nil {
		return e
	}
	return d.cascade(ctx, c, focus)
}

// hostVMR hands a call from Lync to a VMR to the first VMR host, which
// answers it or refuses it; without one the DMA answers the call itself,
// as it answers endpoints.
func (d *DMA) hostVMR(ctx context.Context, c *call) *Error {
	hosts := d.vmrHosts()
	if len(hosts) == 0 {
		return nil
	}
	h := hosts[0]
	c.update(func(r *Call) { r.MCU = h.name })
	hctx, cancel := context.WithTimeout(ctx, d.o.timeout)
	answer, link, err := h.host.HostVMR(hctx, c.rec.Number, c.req.Body())
	cancel()
	if err != nil {
		d.log.Info("the MCU refused the VMR call", "mcu", h.name, "vmr", c.rec.Number, "error", err)
		e := &Error{Phase: PhaseHost, Number: c.rec.Number, Err: fmt.Errorf("%s: %w: %w", h.name, ErrMCURefused, err)}
		var ref Refusal
		if errors.As(err, &ref) {
			status, reason, headers := ref.SIPRefusal()
			e.Status, e.Detail = status, reasonOf(status, reason, headers)
			c.refusal = ref
		}
		return e
	}
	c.mu.Lock()
	ended := c.ended
	if !ended {
		c.hosted, c.link, c.rec.Link = answer, link, link
	}
	c.mu.Unlock()
	if ended { // the DMA closed meanwhile
		hangup(d, link, "the call ended while the MCU took it")
		return &Error{Phase: PhaseHost, Number: c.rec.Number, Err: errors.New("the call ended")}
	}
	return nil
}

// vmrHosts lists the MCUs that host VMRs, in the order the DMA tries them.
func (d *DMA) vmrHosts() []namedHost {
	hosts := append([]namedHost(nil), d.o.hosts...)
	for _, m := range d.o.mcus {
		if h, ok := m.mcu.(VMRHost); ok {
			hosts = append(hosts, namedHost{m.name, h})
		}
	}
	return hosts
}

// reasonOf is an MCU refusal's detail: ms-client-diagnostics (or
// ms-diagnostics), else Warning, else the status line.
func reasonOf(status int, reason string, headers map[string]string) string {
	for _, name := range []string{"ms-client-diagnostics", "ms-diagnostics", "Warning"} {
		for k, v := range headers {
			if strings.EqualFold(k, name) {
				return name + ": " + v
			}
		}
	}
	return fmt.Sprintf("%d %s", status, reason)
}

// classify applies the DMA's dial rules to a dial string: one of its VMRs,
// else — with RealConnect on — the dial prefix followed by a Lync dial-in
// ID. Anything else wraps ErrNoRoute.
func classify(sys *dma.System, number string) (Kind, lync.DialInID, error) {
	for _, v := range sys.VMRs {
		if v == number {
			return KindVMR, "", nil
		}
	}
	rc := sys.RealConnect
	if !rc.Enabled {
		return KindNone, "", fmt.Errorf("%w (RealConnect is off)", ErrNoRoute)
	}
	rest, ok := strings.CutPrefix(number, rc.DialPrefix)
	if !ok {
		return KindNone, "", fmt.Errorf("%w (no dial prefix %q)", ErrNoRoute, rc.DialPrefix)
	}
	id, err := lync.ParseDialInID(rest)
	if err != nil {
		return KindNone, "", fmt.Errorf("%w: %w", ErrNoRoute, err)
	}
	return KindRealConnect, id, nil
}

// cascade has the first MCU that manages to join the meeting host it.
func (d *DMA) cascade(ctx context.Context, c *call, focus lync.ConferenceURI) *Error {
	if len(d.o.mcus) == 0 {
		return &Error{Phase: PhaseCascade, Number: c.rec.Number, Err: ErrNoMCU}
	}
	var errs []error
	for _, m := range d.o.mcus {
		cctx, cancel := context.WithTimeout(ctx, d.o.timeout)
		link, err := m.mcu.Cascade(cctx, focus)
		cancel()
		if err == nil {
			c.update(func(r *Call) { r.MCU = m.name })
			c.mu.Lock()
			ended := c.ended
			if !ended {
				c.link, c.rec.Link = link, link
			}
			c.mu.Unlock()
			if ended { // the DMA closed meanwhile
				hangup(d, link, "the call ended while the MCU joined")
				return &Error{Phase: PhaseCascade, Number: c.rec.Number, Err: errors.New("the call ended")}
			}
			return nil
		}
		d.log.Info("cascade failed", "mcu", m.name, "focus", focus.String(), "error", err)
		errs = append(errs, fmt.Errorf("%s: %w", m.name, err))
	}
	c.update(func(r *Call) { r.MCU = d.o.mcus[0].name })
	return &Error{Phase: PhaseCascade, Number: c.rec.Number, Err: errors.Join(errs...)}
}

// refusal maps a failure to the DMA's answer to the endpoint.
//
// Lab convention: the DMA Operations Guide says only that an unresolved
// conference ID falls through to the next dial rule; with none left the
// call is not routed, answered 404 Not Found. A conference the MCU could
// not join is answered 503 Service Unavailable, so the failure shows at the
// endpoint (on the device the endpoint may instead sit in an RMX conference
// without the Lync side).
func refusal(e *Error) (int, string) {
	switch e.Phase {
	case PhaseRoute, PhaseResolve:
		return 404, "Not Found"
	case PhaseCascade, PhaseHost:
		return 503, "Service Unavailable"
	}
	return 500, "Server Internal Error"
}

func (c *call) refuse(e *Error) {
	code, reason := refusal(e)
	var headers map[string]string
	if c.refusal != nil {
		// The MCU's own answer, relayed: its status and headers.
		code, reason, headers = c.refusal.SIPRefusal()
	}
	c.fail(code, e)
	res := sip.NewResponseFromRequest(c.req, code, reason, nil)
	names := make([]string, 0, len(headers))
	for name := range headers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		res.AppendHeader(sip.NewHeader(name, headers[name]))
	}
	res.AppendHeader(c.d.warning(e.Error()))
	_ = c.tx.Respond(res) // the transaction absorbs the ACK of a failure
	c.end("refused")
}

func (c *call) fail(code int, e *Error) {
	c.update(func(r *Call) { r.Status, r.Err = code, e })
}

// warning renders a Warning header (RFC 3261 §20.43) naming the DMA.
func (d *DMA) warning(text string) sip.Header {
	return sip.NewHeader("Warning", fmt.Sprintf("399 %s %q", d.sys.FQDN, strings.ReplaceAll(text, `"`, `'`)))
}

// openMedia opens the call's RTP port and counts what arrives on it,
// echoing each packet to its sender.
func (c *call) openMedia() error {
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		return err
	}
	c.mu.Lock()
	if c.ended {
		c.mu.Unlock()
		pc.Close()
		return errors.New("the call ended")
	}
	c.media, c.mediaEnd = pc, make(chan struct{})
	c.mediaPort = pc.LocalAddr().(*net.UDPAddr).Port
	c.d.wg.Add(1)
	c.mu.Unlock()
	go func() {
		defer c.d.wg.Done()
		defer close(c.mediaEnd)
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			c.rxBytes.Add(int64(n))
			// Counted before it is sent, so that an endpoint that got
			// the echo finds it in the call log; taken back if the send
			// fails.
			c.txBytes.Add(int64(n))
			if _, err := pc.WriteTo(buf[:n], from); err != nil {
				c.txBytes.Add(-int64(n))
			}
		}
	}()
	return nil
}

// answerSDP is the DMA's answer: one audio stream, plain RTP (PCMU), on
// the call's media port.
func (c *call) answerSDP() []byte {
	port := c.mediaPort
	return []byte(fmt.Sprintf("v=0\r\no=DMA %d 1 IN IP4 127.0.0.1\r\ns=%s\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n",
		time.Now().Unix(), c.d.sys.Name, port))
}

// end releases the call: its media port and its cascade. It may run
// more than once (a BYE, then the DMA's Close): each run releases what is
// still held.
func (c *call) end(why string) {
	c.mu.Lock()
	c.ended = true
	media, mediaEnd, link := c.media, c.mediaEnd, c.link
	c.media, c.link = nil, nil
	c.mu.Unlock()
	if media != nil {
		media.Close()
		<-mediaEnd
	}
	if link != nil {
		hangup(c.d, link, why)
	}
	c.update(func(r *Call) { r.Ended = true }) // once all is released
}

func hangup(d *DMA, link Link, why string) {
	ctx, cancel := context.WithTimeout(context.Background(), d.o.timeout)
	defer cancel()
	if err := link.Hangup(ctx); err != nil {
		d.log.Info("cascade hangup failed", "error", err, "why", why)
	}
}

// callOf returns the call of a request's Call-ID, or nil.
func (d *DMA) callOf(req *sip.Request) *call {
	h := req.CallID()
	if h == nil {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := len(d.calls) - 1; i >= 0; i-- {
		if d.calls[i].rec.CallID == h.Value() {
			return d.calls[i]
		}
	}
	return nil
}

// ack confirms the 200 of the call it belongs to.
func (d *DMA) ack(req *sip.Request, _ sip.ServerTransaction) {
	if c := d.callOf(req); c != nil {
		c.ackOnce.Do(func() { close(c.acked) })
	}
}

// bye ends the call the BYE belongs to.
func (d *DMA) bye(req *sip.Request, tx sip.ServerTransaction) {
	c := d.callOf(req)
	if c == nil {
		_ = tx.Respond(sip.NewResponseFromRequest(req, 481, "Call/Transaction Does Not Exist", nil))
		return
	}
	_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
	c.end("BYE")
}
