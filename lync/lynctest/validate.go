package lynctest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"reflect"
	"strings"
	"syscall"
	"unsafe"

	"github.com/emiago/sipgo/sip"
)

// validate answers a request that breaks RFC 3261's rules for every request
// — the verdicts RFC 4475's torture tests expect — before any handler sees
// it; nil when the request is fit to handle.
func (fe *FrontEnd) validate(req *sip.Request) *sip.Response {
	bad := func(code int, reason, detail string) *sip.Response {
		res := sip.NewResponseFromRequest(req, code, reason, nil)
		res.SipVersion = "SIP/2.0"
		if detail != "" {
			res.AppendHeader(sip.NewHeader("Warning", fmt.Sprintf("399 %s %q", fe.FQDN, detail)))
		}
		return res
	}
	if req.SipVersion != "SIP/2.0" {
		return bad(505, "Version Not Supported", "the lab speaks SIP/2.0 only")
	}
	for _, name := range []string{"Via", "From", "To", "Call-ID", "CSeq"} {
		if req.GetHeader(name) == nil {
			return bad(400, "Bad Request", "missing "+name)
		}
	}
	for _, name := range []string{"From", "To", "Call-ID", "CSeq", "Max-Forwards", "Content-Length", "Content-Type"} {
		if n := len(req.GetHeaders(name)); n > 1 {
			return bad(400, "Bad Request", fmt.Sprintf("%d %s headers; it takes one", n, name))
		}
	}
	if cseq := req.CSeq(); cseq == nil || !strings.EqualFold(string(cseq.MethodName), string(req.Method)) {
		return bad(400, "Bad Request", "the CSeq method is not the request's method")
	}
	if s := strings.ToLower(req.Recipient.Scheme); s != "sip" && s != "sips" {
		return bad(416, "Unsupported URI Scheme", "Request-URI scheme "+req.Recipient.Scheme)
	}
	// The lab supports no extension that a request may require.
	var unsupported []string
	for _, name := range []string{"Require", "Proxy-Require"} {
		for _, h := range req.GetHeaders(name) {
			for _, opt := range strings.Split(h.Value(), ",") {
				if opt = strings.TrimSpace(opt); opt != "" {
					unsupported = append(unsupported, opt)
				}
			}
		}
	}
	if len(unsupported) > 0 {
		res := bad(420, "Bad Extension", "")
		res.AppendHeader(sip.NewHeader("Unsupported", strings.Join(unsupported, ", ")))
		return res
	}
	return nil
}

// errNoDialOut is why the Front End opens no connection.
var errNoDialOut = errors.New("lynctest: a Front End answers on the connection a request came on and opens none")

// noDialOut is the Front End's TLS transport. The lab answers on the
// connection a request came on, or not at all: sipgo would otherwise dial
// the Via address of a client that has gone (RFC 3261 §18.2.2), and query
// real DNS for it — a connection that Close could not wait for.
//
// The transport logs to log: see setTransportLogger.
func noDialOut(log *slog.Logger) (sip.TransportLayerOption, *net.Resolver) {
	refuse := func(network, address string, c syscall.RawConn) error { return errNoDialOut }
	tcp := &sip.TransportTCP{
		DialerCreate: func(laddr net.Addr) net.Dialer { return net.Dialer{LocalAddr: laddr, Control: refuse} },
	}
	setTransportLogger(tcp, log.With("caller", "Transport<TLS>"))
	tls := &sip.TransportTLS{TransportTCP: tcp}
	resolver := &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		return nil, errNoDialOut
	}}
	return sip.WithTransportLayerTransports(sip.TransportsConfig{TLS: tls}), resolver
}

// setTransportLogger gives a transport the lab builds its logger, and
// reports whether it could. sipgo (v1.7.2) gives the transports it builds
// the transport layer's logger, but a transport handed in with
// sip.WithTransportLayerTransports — the lab's, which refuses to dial out —
// keeps an unexported nil logger, which sipgo then replaces with its
// package default (standard error): parse failures, with whole messages,
// would land there. No option reaches the field, so the lab sets it by
// reflection; TestSipgoLogsRouted fails if a sipgo upgrade renames it.
func setTransportLogger(t *sip.TransportTCP, l *slog.Logger) bool {
	f := reflect.ValueOf(t).Elem().FieldByName("log")
	if !f.IsValid() || f.Type() != reflect.TypeOf(l) {
		return false
	}
	reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Set(reflect.ValueOf(l))
	return true
}
