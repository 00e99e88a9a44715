package lynctest_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/lync/sdp"
)

// routedLab is the two-site lab with static routes for the traditional
// workflow: vmr.contoso.com to dma-east, any domain below pool.contoso.com
// to the pool rpp-east's FQDN, and a TCP route.
func routedLab(t *testing.T) *lynctest.Server {
	t.Helper()
	d := loadExample(t, "two-site.yaml")
	d.Lync.StaticRoutes = []lync.StaticRoute{
		{Destination: "dma-east.contoso.com", Port: 5061, Transport: lync.TLS, MatchURI: "vmr.contoso.com"},
		{Destination: "rpp-east.contoso.com", Port: 5061, Transport: lync.TLS, MatchURI: "*.pool.contoso.com"},
		{Destination: "192.0.2.7", Port: 5060, Transport: lync.TCP, MatchURI: "tcp.contoso.com"},
	}
	s, err := lynctest.NewServer(context.Background(), &d.Lync)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustAddress(t *testing.T, s string) lync.SIPAddress {
	t.Helper()
	a, err := lync.ParseSIPAddress(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// A Lync user's call to an address in a static route's domain goes over
// MTLS to the route's destination, with the offer a Lync client makes by
// default (audio and video, RTP/SAVP, a=crypto, a=encryption:required);
// the ladder holds the client's leg and the routed leg.
func TestRouteFollowsTheStaticRoute(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := routedLab(t)
	ctx := context.Background()
	alice := mustAddress(t, "sip:alice@contoso.com")
	cert, _ := s.CA.Issue("dma-east.contoso.com", "dma-east.contoso.com")
	d := startDevice(t, s, cert, 200)
	defer d.close()
	s.SetComputerAddress("dma-east.contoso.com", 5061, d.Addr)

	call, err := s.Route(ctx, alice, "sip:1000@VMR.contoso.com")
	if err != nil || call.Status != 200 || call.Route == nil || call.Route.MatchURI != "vmr.contoso.com" || call.Computer != "dma-east.contoso.com" {
		t.Fatalf("Route: %+v, %v\n%s", call, err, s.Ladder())
	}
	waitFor(t, func() bool { return len(d.requests()) == 2 }) // INVITE, ACK
	inv := d.requests()[0]
	if inv.Recipient.User != "1000" || !strings.EqualFold(inv.Recipient.Host, "vmr.contoso.com") || inv.From().Address.User != "alice" {
		t.Errorf("the destination got %s from %s", inv.StartLine(), inv.From().Address.String())
	}
	if ct := inv.ContentType(); ct == nil || ct.Value() != sdp.ContentType {
		t.Errorf("Content-Type %v", ct)
	}
	offer, err := sdp.Parse(inv.Body())
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, m := range offer.Media {
		kinds = append(kinds, m.Kind)
		if m.Proto != "RTP/SAVP" || len(m.Crypto) == 0 || m.Encryption != sdp.EncryptionRequired {
			t.Errorf("%s offer: %s, %d a=crypto, a=encryption:%s; want RTP/SAVP, a key, required", m.Kind, m.Proto, len(m.Crypto), m.Encryption)
		}
	}
	if strings.Join(kinds, " ") != "audio video" {
		t.Errorf("offer m-lines %v, want audio and video", kinds)
	}
	// The ladder: the client's INVITE, the routed INVITE, its answer and
	// ACK (peer dma-east: the Front End acknowledges the computer's 2xx at
	// once), the answer to the client and its ACK (peer alice).
	var ladder []string
	for _, m := range s.Messages() {
		ladder = append(ladder, string(m.Direction)+" "+m.Peer+" "+strings.Fields(m.StartLine)[0])
	}
	want := []string{"in sip:alice@contoso.com INVITE", "out dma-east.contoso.com INVITE", "in dma-east.contoso.com SIP/2.0",
		"out dma-east.contoso.com ACK", "out sip:alice@contoso.com SIP/2.0", "in sip:alice@contoso.com ACK"}
	if strings.Join(ladder, "\n") != strings.Join(want, "\n") {
		t.Errorf("ladder:\n%s\nwant:\n%s", strings.Join(ladder, "\n"), strings.Join(want, "\n"))
	}
	if code, err := call.Hangup(ctx); code != 200 || err != nil {
		t.Errorf("Hangup: %d, %v", code, err)
	}

	// A client that does not encrypt offers plain RTP.
	if _, err := s.Route(ctx, alice, "sip:1000@vmr.contoso.com", lynctest.WithClientEncryption(lynctest.DoNotSupportEncryption)); err != nil {
		t.Fatal(err)
	}
	var last []byte
	for _, r := range d.requests() {
		if r.Method == "INVITE" {
			last = r.Body()
		}
	}
	plain, err := sdp.Parse(last)
	if err != nil {
		t.Fatal(err)
	}
	if m := plain.Media[0]; m.Proto != "RTP/AVP" || len(m.Crypto) != 0 || m.Encryption != sdp.EncryptionRejected {
		t.Errorf("DoNotSupportEncryption offer: %+v", m)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// A route to a pool's FQDN reaches a computer of the pool, whose
// certificate must name the pool's FQDN (rpp's lync-static-route-cert): one
// naming the computer alone is refused in the handshake, and the client is
// answered 504 with ms-diagnostics 1010.
func TestRouteToPoolChecksThePoolName(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := routedLab(t)
	ctx := context.Background()
	alice := mustAddress(t, "sip:alice@contoso.com")
	own, _ := s.CA.Issue("dma-east.contoso.com", "dma-east.contoso.com")
	d := startDevice(t, s, own, 200)
	defer d.close()
	s.SetComputerAddress("dma-east.contoso.com", 5061, d.Addr)
	_, err := s.Route(ctx, alice, "sip:1000@eu.pool.contoso.com")
	if !errors.Is(err, lynctest.ErrDeviceCertificate) || !errors.Is(err, lynctest.ErrNameMismatch) {
		t.Fatalf("Route to the pool, certificate naming the computer only: %v", err)
	}
	if len(d.requests()) != 0 {
		t.Error("the computer got the call over a refused connection")
	}
	msgs := s.Messages()
	last := msgs[len(msgs)-1]
	if last.Direction != lynctest.Out || last.Peer != "sip:alice@contoso.com" || !strings.HasPrefix(last.StartLine, "SIP/2.0 504") ||
		!strings.Contains(last.Text, "ms-diagnostics: 1010;") {
		t.Errorf("the client's answer: %s\n%s", last.StartLine, last.Text)
	}

	both, _ := s.CA.Issue("dma-east.contoso.com", "dma-east.contoso.com", "rpp-east.contoso.com")
	d2 := startDevice(t, s, both, 200)
	defer d2.close()
	s.SetComputerAddress("dma-east.contoso.com", 5061, d2.Addr)
	call, err := s.Route(ctx, alice, "sip:1000@eu.pool.contoso.com")
	if err != nil || call.Status != 200 || call.Computer != "rpp-east.contoso.com" {
		t.Fatalf("Route to the pool, certificate naming it: %+v, %v\n%s", call, err, s.Ladder())
	}
	if got := d2.requests(); len(got) == 0 || got[0].Recipient.Host != "eu.pool.contoso.com" {
		t.Errorf("the computer got %v", got)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// What Route refuses before anything is routed.
func TestRouteRefusals(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s := routedLab(t)
	ctx := context.Background()
	alice := mustAddress(t, "sip:alice@contoso.com")
	for _, tc := range []struct {
		name string
		from lync.SIPAddress
		to   string
		opts []lynctest.RouteOption
		want error
		diag string // the client's answer's ms-diagnostics code, if any
	}{
		{"no route for the domain", alice, "sip:1000@video.contoso.com", nil, lynctest.ErrNoStaticRoute, "4005"},
		{"a wildcard covers child domains only", alice, "sip:1000@pool.contoso.com", nil, lynctest.ErrNoStaticRoute, "4005"},
		{"TCP route", alice, "sip:1000@tcp.contoso.com", nil, lynctest.ErrTCPRoute, ""},
		{"not a Lync user", mustAddress(t, "sip:mallory@contoso.com"), "sip:1000@vmr.contoso.com", nil, lynctest.ErrNotALyncUser, ""},
		{"not a SIP URI", alice, "1000", nil, lynctest.ErrInvalidRequestURI, ""},
		{"unknown encryption level", alice, "sip:1000@vmr.contoso.com", []lynctest.RouteOption{lynctest.WithClientEncryption("Sometimes")}, lynctest.ErrInvalidEncryptionLevel, ""},
		{"destination not resolved", alice, "sip:1000@vmr.contoso.com", nil, lynctest.ErrComputerNotResolved, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(s.Messages())
			call, err := s.Route(ctx, tc.from, tc.to, tc.opts...)
			if !errors.Is(err, tc.want) || call != nil {
				t.Fatalf("Route: %+v, %v; want %v", call, err, tc.want)
			}
			if tc.diag == "" {
				return
			}
			msgs := s.Messages()[before:]
			if len(msgs) != 2 || !strings.HasPrefix(msgs[1].StartLine, "SIP/2.0 404") || !strings.Contains(msgs[1].Text, "ms-diagnostics: "+tc.diag+";") {
				t.Errorf("recorded %+v", msgs)
			}
		})
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
