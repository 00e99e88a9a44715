package lynctest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/emiago/sipgo/sip"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/sdp"
)

// Errors of Route. Test them with errors.Is; the call-back's errors
// (ErrDeviceCertificate and its reasons, ErrComputerNotResolved,
// ErrComputerUnreachable, ErrUnknownComputer, ErrNoRegistrar) come
// through as well.
var (
	// ErrNoStaticRoute: no static route's matching URI covers the domain
	// of the Request-URI, so the Front End has nowhere to send the call.
	// The caller gets 404 with ms-diagnostics 4005.
	ErrNoStaticRoute = errors.New("lynctest: no static route matches the Request-URI's domain")
	// ErrTCPRoute: the matching static route is a TCP route. Lab
	// convention: the lab's devices take Lync's SIP over mutual TLS only,
	// so the lab does not open plain TCP routes.
	ErrTCPRoute = errors.New("lynctest: the static route is a TCP route; the lab routes over TLS only")
	// ErrInvalidRequestURI: the address called is not a SIP URI with a
	// host.
	ErrInvalidRequestURI = errors.New("lynctest: the address called is not a SIP URI with a host")
)

// RouteOption configures a call placed with Route.
type RouteOption func(*routeOptions)

type routeOptions struct {
	level       EncryptionLevel
	contentType string
	body        []byte
	custom      bool
}

// WithClientEncryption makes the caller's client offer media as a client
// under Set-CsMediaConfiguration -EncryptionLevel level does (ClientOffer);
// RequireEncryption, Lync's default, without it.
func WithClientEncryption(level EncryptionLevel) RouteOption {
	return func(o *routeOptions) { o.level = level }
}

// WithOffer replaces the client's offer with body of contentType (both
// empty for an INVITE without a body).
func WithOffer(contentType string, body []byte) RouteOption {
	return func(o *routeOptions) { o.contentType, o.body, o.custom = contentType, body, true }
}

// ClientOffer returns the SDP offer of a Lync 2013 or Skype for Business
// client calling with audio and video under an encryption level:
// RequireEncryption (the default of Set-CsMediaConfiguration and
// New-CsMediaConfiguration -EncryptionLevel, Lync Server management shell
// reference) offers RTP/SAVP with an a=crypto key (RFC 4568) and
// a=encryption:required (MS-SDPEXT); SupportEncryption the same with
// a=encryption:optional; DoNotSupportEncryption RTP/AVP with
// a=encryption:rejected.
//
// Lab convention: the lab places the call for the client and runs no
// client media, so the offer carries no ICE candidates and its ports are 9
// (the discard port): nothing listens there. The payload types are those
// Lync writes (G.722, SILK, PCMU, PCMA; RTVideo and H.264 UC).
func ClientOffer(level EncryptionLevel) ([]byte, error) {
	proto, enc := "RTP/SAVP", sdp.EncryptionRequired
	switch level {
	case RequireEncryption, "":
	case SupportEncryption:
		enc = sdp.EncryptionOptional
	case DoNotSupportEncryption:
		proto, enc = "RTP/AVP", sdp.EncryptionRejected
	default:
		return nil, fmt.Errorf("%w %q", ErrInvalidEncryptionLevel, level)
	}
	media := []sdp.Media{
		{Kind: "audio", Port: 9, Proto: proto, Formats: []string{"9", "104", "0", "8", "101"}, Label: "main-audio",
			Attributes: rtpmaps("9 G722/8000", "104 SILK/16000", "0 PCMU/8000", "8 PCMA/8000", "101 telephone-event/8000")},
		{Kind: "video", Port: 9, Proto: proto, Formats: []string{"122", "121"}, Label: "main-video",
			Attributes: rtpmaps("122 X-H264UC/90000", "121 x-rtvc1/90000")},
	}
	for i := range media {
		media[i].Encryption = enc
		if proto == "RTP/SAVP" {
			key := make([]byte, 30) // AES_CM_128: 16-byte key, 14-byte salt (RFC 4568 §6.2.1)
			if _, err := rand.Read(key); err != nil {
				return nil, err
			}
			media[i].Crypto = []string{"2 AES_CM_128_HMAC_SHA1_80 inline:" + base64.StdEncoding.EncodeToString(key) + "|2^31|1:1"}
		}
	}
	return (&sdp.Session{Origin: "-", SessionVersion: 1, Address: "127.0.0.1", Media: media}).Marshal()
}

func rtpmaps(maps ...string) []sdp.Attribute {
	out := make([]sdp.Attribute, len(maps))
	for i, m := range maps {
		out[i] = sdp.Attribute{Key: "rtpmap", Value: m}
	}
	return out
}

// Route places a call from the Lync user from to the SIP URI to as the
// Front End routes it in the traditional workflow: the first static route
// whose matching URI covers the Request-URI's domain (lync.StaticRoute.Matches)
// takes it, and the Front End sends the INVITE over mutual TLS to the
// route's destination on the route's port (5061 when none) — through the
// call-back machinery of Call, so the destination's server certificate is
// checked against the destination's FQDN as ProbeComputer checks it.
// The destination is a computer of a trusted application pool, or a pool's
// FQDN (then the lab connects to the first of its computers it can find,
// and still checks the certificate against the pool's FQDN).
//
// The offer is ClientOffer(RequireEncryption) unless WithClientEncryption
// or WithOffer says otherwise. Route waits for the final answer and
// acknowledges a 2xx; a refusal is in Call.Status, Call.Diagnostics (an
// encryption mismatch carries ms-client-diagnostics 52017) and the ladder.
// It returns an error when the call cannot be sent: from is not a Lync user
// (ErrNotALyncUser), to is not a SIP URI (ErrInvalidRequestURI), no route
// matches (ErrNoStaticRoute), a TCP route (ErrTCPRoute), or the call-back
// fails (ErrDeviceCertificate, ErrComputerUnreachable, …).
//
// The ladder holds both legs: the client's INVITE as the Front End received
// it and the Front End's answer to it (peer: the user's address), and the
// routed INVITE over MTLS to the destination with its answer and ACK.
// Lab convention: there is no client on the wire; the Front End that serves
// the route (the registrar of the destination's pool, or with no route the
// first Front End) records the client's leg as Lync would see it. Without a
// route the client is answered 404 Not Found with ms-diagnostics 4005
// "Destination URI either not enabled for SIP or does not exist." (MS-OCER);
// that a Front End gives that code for a domain it neither serves nor routes
// is the lab's reading — on a real system with federation the request may
// go to the Edge instead. A certificate the Front End refuses is answered 504
// with ms-diagnostics 1010 "Certificate trust with next-hop server could not
// be established." (MS-OCER).
func (s *Server) Route(ctx context.Context, from lync.SIPAddress, to string, opts ...RouteOption) (*Call, error) {
	o := routeOptions{level: RequireEncryption}
	for _, f := range opts {
		f(&o)
	}
	if s.idx.User(from) < 0 {
		return nil, fmt.Errorf("lynctest: route from %s: %w", from, ErrNotALyncUser)
	}
	var toURI sip.Uri
	if err := sip.ParseUri(to, &toURI); err != nil || toURI.Host == "" || !strings.EqualFold(toURI.Scheme, "sip") {
		if err == nil {
			err = errors.New("want sip:USER@HOST")
		}
		return nil, fmt.Errorf("%w: %q: %w", ErrInvalidRequestURI, to, err)
	}
	if !o.custom {
		body, err := ClientOffer(o.level)
		if err != nil {
			return nil, err
		}
		o.contentType, o.body = sdp.ContentType, body
	}
	route := s.staticRoute(toURI.Host)
	fe := s.frontEnds[0]
	if route != nil {
		// The registrar of the destination's pool serves the route, as it
		// dials the pool's computers (Call).
		if l, _ := s.conf.link(route.Destination, route.Port.OrDefault(lync.DefaultTLSPort)); l != nil && l.fe != nil {
			fe = l.fe
		}
	}
	client := clientInvite(from, toURI, o.contentType, o.body)
	s.recordClient(fe, from, In, client.StartLine(), client.String())
	answer := func(res *sip.Response) {
		s.recordClient(fe, from, Out, res.StartLine(), res.String())
	}
	if route == nil {
		answer(fe.refuse(client, 404, "Not Found", diagNotEnabledForSIP, "no static route matches "+toURI.Host))
		return nil, fmt.Errorf("%w: %s (%d static routes)", ErrNoStaticRoute, toURI.Host, len(s.topo.StaticRoutes))
	}
	if route.Transport == lync.TCP {
		res := sip.NewResponseFromRequest(client, 504, "Server Time-out", nil)
		res.AppendHeader(sip.NewHeader("Warning", fmt.Sprintf("399 %s %q", fe.FQDN, "lab convention: TCP static routes are not opened")))
		answer(res)
		return nil, fmt.Errorf("%w: to %s", ErrTCPRoute, route.Destination)
	}
	call, err := s.Call(ctx, route.Destination, route.Port.OrDefault(lync.DefaultTLSPort), Invitation{
		From: from.String(), To: to, ContentType: o.contentType, Body: o.body})
	if err != nil {
		res := sip.NewResponseFromRequest(client, 504, "Server Time-out", nil)
		if errors.Is(err, ErrDeviceCertificate) {
			res = fe.refuse(client, 504, "Server Time-out", diagCertificateTrust, err.Error())
		} else {
			res.AppendHeader(sip.NewHeader("Warning", fmt.Sprintf("399 %s %q", fe.FQDN, strings.ReplaceAll(err.Error(), `"`, `'`))))
		}
		answer(res)
		return nil, fmt.Errorf("lynctest: route to %s via %s: %w", to, route.Destination, err)
	}
	r := *route
	call.Route = &r
	res := sip.NewResponseFromRequest(client, call.Status, call.Reason, call.Body)
	for _, name := range []string{"Content-Type", "ms-diagnostics", "ms-client-diagnostics", "Warning"} {
		for _, h := range call.res.GetHeaders(name) {
			res.AppendHeader(sip.NewHeader(h.Name(), h.Value()))
		}
	}
	answer(res)
	if call.Status >= 200 && call.Status < 300 {
		ack := sip.NewRequest(sip.ACK, toURI)
		ack.AppendHeader(sip.HeaderClone(client.From()))
		ack.AppendHeader(sip.HeaderClone(client.To()))
		ack.AppendHeader(sip.HeaderClone(client.CallID()))
		ack.AppendHeader(&sip.CSeqHeader{SeqNo: 1, MethodName: sip.ACK})
		s.recordClient(fe, from, In, ack.StartLine(), ack.String())
	}
	return call, nil
}

// staticRoute returns the first static route that matches host, or nil.
func (s *Server) staticRoute(host string) *lync.StaticRoute {
	for i := range s.topo.StaticRoutes {
		if s.topo.StaticRoutes[i].Matches(host) {
			return &s.topo.StaticRoutes[i]
		}
	}
	return nil
}

// clientInvite is the INVITE a Lync client sends its Front End for a call
// to to: what the ladder shows of the client's leg.
func clientInvite(from lync.SIPAddress, to sip.Uri, contentType string, body []byte) *sip.Request {
	req := sip.NewRequest(sip.INVITE, to)
	var fromURI sip.Uri
	_ = sip.ParseUri(from.String(), &fromURI) // a lync.SIPAddress is a SIP URI
	fh := &sip.FromHeader{Address: fromURI, Params: sip.NewParams()}
	fh.Params.Add("tag", sip.GenerateTagN(16))
	req.AppendHeader(fh)
	req.AppendHeader(&sip.ToHeader{Address: to, Params: sip.NewParams()})
	callID := sip.CallIDHeader(sip.GenerateTagN(32))
	req.AppendHeader(&callID)
	req.AppendHeader(&sip.CSeqHeader{SeqNo: 1, MethodName: sip.INVITE})
	req.AppendHeader(&sip.ContactHeader{Address: fromURI})
	if contentType != "" {
		req.AppendHeader(sip.NewHeader("Content-Type", contentType))
	}
	if body != nil {
		req.SetBody(body)
	}
	return req
}

// recordClient records a message of the client's leg of a routed call.
func (s *Server) recordClient(fe *FrontEnd, user lync.SIPAddress, dir Direction, startLine, text string) {
	s.rec.add(Message{Time: s.opts.now(), Direction: dir, Server: string(fe.FQDN), Peer: user.String(), StartLine: startLine, Text: text})
}

// diagnosticsOf returns a response's ms-diagnostics, else its
// ms-client-diagnostics.
func diagnosticsOf(res *sip.Response) string {
	for _, name := range []string{"ms-diagnostics", "ms-client-diagnostics"} {
		if h := res.GetHeader(name); h != nil {
			return h.Value()
		}
	}
	return ""
}
