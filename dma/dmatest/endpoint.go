package dmatest

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/rppkit/rppkit/internal/sipgolog"
	"github.com/rppkit/rppkit/internal/sipudp"
	"github.com/rppkit/rppkit/lync/sdp"
)

// DialOption configures Dial.
type DialOption func(*dialOptions)

type dialOptions struct {
	transport string
	from      string
	logger    *slog.Logger
}

// WithTransport makes the endpoint call over "udp" (the default) or "tcp".
func WithTransport(t string) DialOption {
	return func(o *dialOptions) { o.transport = strings.ToLower(t) }
}

// WithFrom sets the endpoint's address (sip:room@example.com by default).
func WithFrom(uri string) DialOption { return func(o *dialOptions) { o.from = uri } }

// WithDialLogger sends the endpoint's (and sipgo's) logs to l.
func WithDialLogger(l *slog.Logger) DialOption { return func(o *dialOptions) { o.logger = l } }

// RefusedError is the DMA's refusal of a call: its status, reason and
// Warning header.
type RefusedError struct {
	Status  int
	Reason  string
	Warning string
}

func (e *RefusedError) Error() string {
	s := fmt.Sprintf("dmatest: the call was refused: %d %s", e.Status, e.Reason)
	if e.Warning != "" {
		s += " (Warning: " + e.Warning + ")"
	}
	return s
}

// EndpointCall is a call an endpoint placed with Dial.
type EndpointCall struct {
	ua      *sipgo.UserAgent
	client  *sipgo.Client
	sipConn net.PacketConn // UDP: the endpoint's own SIP socket
	served  chan struct{}
	session *sipgo.DialogClientSession
	media   net.PacketConn
	remote  *net.UDPAddr // the DMA's media address, from its answer

	sent, received atomic.Int64
	readers        sync.WaitGroup
	closeOnce      sync.Once
}

// Dial calls number at the DMA listening on dmaAddr (host:port) as a
// standards SIP endpoint does — a Group Series in a meeting room: an
// INVITE with a plain RTP offer (PCMU), then ACK. It returns the call once
// the DMA answered 200 and the ACK is sent, or a *RefusedError with the
// DMA's answer. Close the call in every case where it is returned.
func Dial(ctx context.Context, dmaAddr, number string, opts ...DialOption) (*EndpointCall, error) {
	o := dialOptions{transport: "udp", from: "sip:room@example.com"}
	for _, f := range opts {
		f(&o)
	}
	if o.logger == nil {
		o.logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.transport != "udp" && o.transport != "tcp" {
		return nil, fmt.Errorf("dmatest: transport %q: want udp or tcp", o.transport)
	}
	var recipient, from sip.Uri
	if err := sip.ParseUri(fmt.Sprintf("sip:%s@%s;transport=%s", number, dmaAddr, o.transport), &recipient); err != nil {
		return nil, fmt.Errorf("dmatest: dialling %q at %s: %w", number, dmaAddr, err)
	}
	if err := sip.ParseUri(o.from, &from); err != nil {
		return nil, fmt.Errorf("dmatest: From %q: %w", o.from, err)
	}
	media, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	c := &EndpointCall{media: media}
	c.ua, err = sipgo.NewUA(
		sipgo.WithUserAgent("rppkit endpoint (standards SIP, Group Series stand-in)"),
		sipgo.WithUserAgentHostname("127.0.0.1"),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(o.logger)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(o.logger), sipgolog.UnhandledResponses(o.logger)),
	)
	clientOpts := []sipgo.ClientOption{sipgo.WithClientLogger(o.logger), sipgo.WithClientHostname("127.0.0.1")}
	if err == nil && o.transport == "udp" {
		// Over UDP the endpoint sends and receives on one socket of its
		// own, served by a sipgo server, as a phone does; sipgo's
		// per-request client sockets are reference counted and can be
		// left open when the count goes wrong.
		err = c.listenUDP(o)
		if err == nil {
			clientOpts = append(clientOpts, sipgo.WithClientConnectionAddr(c.sipConn.LocalAddr().String()))
		}
	}
	if err == nil {
		c.client, err = sipgo.NewClient(c.ua, clientOpts...)
	}
	if err != nil {
		c.Close()
		return nil, err
	}
	dua := sipgo.DialogUA{Client: c.client, ContactHDR: sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: from.User, Host: "127.0.0.1"}}}
	port := media.LocalAddr().(*net.UDPAddr).Port
	offer := fmt.Sprintf("v=0\r\no=endpoint %d 1 IN IP4 127.0.0.1\r\ns=call\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n", time.Now().Unix(), port)
	fromParams := sip.NewParams()
	fromParams.Add("tag", sip.GenerateTagN(16))
	c.session, err = dua.Invite(ctx, recipient, []byte(offer),
		sip.NewHeader("Content-Type", sdp.ContentType),
		&sip.FromHeader{Address: from, Params: fromParams})
	if err != nil {
		c.Close()
		return nil, err
	}
	// When ctx ends before the answer, sipgo would send CANCEL and then wait
	// up to Timer B (32 s) for a 487; an interrupted test run must stop at
	// once, so the wait is forced to end with the context. The DMA's own
	// transaction ends when the DMA is closed.
	waitCtx, cancelWait := context.WithCancelCause(context.Background())
	stopWait := context.AfterFunc(ctx, func() { cancelWait(sipgo.WaitAnswerForceCancelErr) })
	err = c.session.WaitAnswer(waitCtx, sipgo.AnswerOptions{})
	stopWait()
	cancelWait(nil)
	if err != nil {
		res := c.session.InviteResponse
		c.Close()
		var dr *sipgo.ErrDialogResponse
		if errors.As(err, &dr) && res != nil {
			re := &RefusedError{Status: res.StatusCode, Reason: res.Reason}
			if h := res.GetHeader("Warning"); h != nil {
				re.Warning = h.Value()
			}
			return nil, re
		}
		return nil, err
	}
	if err := c.session.Ack(ctx); err != nil {
		c.Close()
		return nil, err
	}
	answer, err := sdp.Parse(c.session.InviteResponse.Body())
	if err == nil {
		c.remote, err = mediaAddress(answer)
	}
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("dmatest: the DMA's answer: %w", err)
	}
	c.readers.Add(1)
	go c.read()
	return c, nil
}

// listenUDP opens the endpoint's SIP socket and serves it.
func (c *EndpointCall) listenUDP(o dialOptions) error {
	srv, err := sipgo.NewServer(c.ua, sipgo.WithServerLogger(o.logger))
	if err != nil {
		return err
	}
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		return err
	}
	c.sipConn, c.served = conn, make(chan struct{})
	sipudp.Own(c.ua, conn)
	go func() {
		defer close(c.served)
		_ = srv.ServeUDP(conn)
	}()
	// The client finds the socket in the transport's pool once the server
	// has registered it; before, it would try to bind the address itself.
	addr := conn.LocalAddr().String()
	for deadline := time.Now().Add(time.Second); ; time.Sleep(time.Millisecond) {
		if served, err := c.ua.TransportLayer().GetConnection("udp", addr); err == nil && served != nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("dmatest: the endpoint's SIP socket %s was not served within a second", addr)
		}
	}
}

// mediaAddress returns where the answer wants the first audio stream.
func mediaAddress(s *sdp.Session) (*net.UDPAddr, error) {
	for _, m := range s.Media {
		if m.Kind == "audio" && m.Port != 0 {
			ip := net.ParseIP(s.Address)
			if ip == nil {
				return nil, fmt.Errorf("c= %q is not an IP address", s.Address)
			}
			return &net.UDPAddr{IP: ip, Port: m.Port}, nil
		}
	}
	return nil, errors.New("no audio stream with a port")
}

// read counts what comes back on the media port.
func (c *EndpointCall) read() {
	defer c.readers.Done()
	buf := make([]byte, 1500)
	for {
		n, _, err := c.media.ReadFrom(buf)
		if err != nil {
			return
		}
		c.received.Add(int64(n))
	}
}

// rtpPacketSize is one 20 ms PCMU packet: a 12-byte RTP header and 160
// bytes of audio.
const rtpPacketSize = 12 + 160

// SendMedia sends n RTP packets (PCMU, 20 ms each, without pacing) to the
// DMA's media address.
func (c *EndpointCall) SendMedia(n int) error {
	pkt := make([]byte, rtpPacketSize)
	pkt[0], pkt[1] = 0x80, 0 // RTP version 2, payload type 0 (PCMU)
	for i := range n {
		binary.BigEndian.PutUint16(pkt[2:], uint16(i))
		binary.BigEndian.PutUint32(pkt[4:], uint32(i*160))
		w, err := c.media.WriteTo(pkt, c.remote)
		if err != nil {
			return err
		}
		c.sent.Add(int64(w))
	}
	return nil
}

// MediaStats are the bytes an endpoint's call sent and received on its
// media port.
type MediaStats struct{ BytesSent, BytesReceived int64 }

// Stats returns the media counted so far.
func (c *EndpointCall) Stats() MediaStats {
	return MediaStats{BytesSent: c.sent.Load(), BytesReceived: c.received.Load()}
}

// Hangup ends the call with BYE.
func (c *EndpointCall) Hangup(ctx context.Context) error {
	return c.session.Bye(ctx)
}

// Close releases the call's media port and SIP stack. It does not send
// BYE (Hangup does).
func (c *EndpointCall) Close() error {
	var err error
	c.closeOnce.Do(func() {
		if c.media != nil {
			c.media.Close()
		}
		c.readers.Wait()
		if c.sipConn != nil {
			c.sipConn.Close()
			<-c.served
		}
		if c.session != nil {
			c.session.Close()
		}
		if c.client != nil {
			c.client.Close()
		}
		if c.ua != nil {
			if cerr := sipudp.Close(c.ua); cerr != nil {
				err = cerr
			}
		}
	})
	return err
}
