package dmatest_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/dma/dmatest"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/lync/sdp"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rmx/rmxtest"
	"github.com/rppkit/rppkit/rpp"
)

// vmrHost adapts an RMX stand-in's HostVMR, as the lab does.
func vmrHost(r *rmxtest.RMX) dmatest.VMRHostFunc {
	return func(ctx context.Context, vmr string, offer []byte) ([]byte, dmatest.Link, error) {
		c, err := r.HostVMR(ctx, vmr, offer)
		if err != nil {
			return nil, nil, err
		}
		return c.Answer, c, nil
	}
}

// traditional starts example's lab, its first RMX (profile encryption enc
// unless "") as the VMR host of its first DMA, and that DMA, known to Lync
// at its MTLS address. host false starts the DMA without a VMR host.
func traditional(t *testing.T, example string, enc rmx.Encryption, host bool) (*lynctest.Server, *rpp.Deployment, *dmatest.DMA, func()) {
	t.Helper()
	s, d := lab(t, example)
	sys := d.RPP.RMX[0]
	if enc != "" {
		sys.ConferenceProfiles = []rmx.ConferenceProfile{{Name: "vmr", Encryption: enc}}
	}
	r, err := rmxtest.ForLab(s, sys, rmxtest.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	opts := []dmatest.Option{dmatest.WithLogger(quiet)}
	if host {
		opts = append(opts, dmatest.WithVMRHost(sys.Name, vmrHost(r)))
	}
	dm, err := dmatest.ForLab(s, d.RPP.DMA[0], opts...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dm.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.SetComputerAddress(d.RPP.DMA[0].FQDN, d.RPP.DMA[0].SIPPort(), dm.TLSAddr())
	return s, d, dm, func() { dm.Close(); r.Close(); s.Close() }
}

func firstUser(d *rpp.Deployment) lync.SIPAddress { return d.Lync.Users[0] }

// The traditional workflow on the wire: a Lync user calls a VMR at the
// static route's domain, the Front End routes the INVITE over MTLS to the
// DMA, the DMA hands it to the RMX hosting its VMRs, whose profile encrypts:
// 200 with the RMX's SDP (SRTP, its own key) back to Lync, media echoed on
// the RMX's port; the user's BYE ends the RMX's call.
func TestTraditionalCallConnects(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, d, dm, stop := traditional(t, "single-site.yaml", rmx.EncryptWhenAvailable, true)
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	call, err := s.Route(ctx, firstUser(d), "sip:3000@vmr.fabrikam.com")
	if err != nil || call.Status != 200 || call.Computer != "dma.fabrikam.com" {
		t.Fatalf("Route: %+v, %v\n%s", call, err, s.Ladder())
	}
	ans, err := sdp.Parse(call.Body)
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Media) != 2 || ans.Media[1].Proto != "RTP/SAVP" || len(ans.Media[1].Crypto) != 1 || ans.Origin != "RMX" {
		t.Errorf("the answer Lync got is not the RMX's SRTP answer: %s", call.Body)
	}
	calls := waitCalls(t, dm, func(cs []dmatest.Call) bool { return len(cs) == 1 && cs[0].Acked })
	c := calls[0]
	vc, ok := c.Link.(*rmxtest.VMRCall)
	if c.Kind != dmatest.KindVMR || c.MCU != "rmx1" || c.Transport != "TLS" || c.Status != 200 || !ok || !vc.Encrypted {
		t.Fatalf("call log %+v (link %T)", c, c.Link)
	}
	// Media reaches the RMX's port, not the DMA's.
	conn, err := net.Dial("udp4", net.JoinHostPort(ans.Address, strconv.Itoa(ans.Media[1].Port)))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write(make([]byte, 100)); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := conn.Read(make([]byte, 200)); err != nil || n != 100 {
		t.Fatalf("echo from the RMX: %d, %v", n, err)
	}
	if st := vc.Stats(); st.BytesReceived != 100 || st.BytesSent != 100 {
		t.Errorf("the RMX's call counted %+v", st)
	}
	if code, err := call.Hangup(ctx); code != 200 || err != nil {
		t.Fatalf("Hangup: %d, %v", code, err)
	}
	waitCalls(t, dm, func(cs []dmatest.Call) bool { return cs[0].Ended })
	conn.Write(make([]byte, 100))
	conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if _, err := conn.Read(make([]byte, 200)); err == nil {
		t.Error("the RMX's port still echoes after the BYE")
	}
}

// The "video not accepted" story (examples/story-video-not-accepted.yaml):
// the RMX's conference profile never encrypts, the Lync client requires
// encryption, so the RMX refuses the call with 488 and ms-client-diagnostics
// 52017, the DMA relays it to Lync, and its call log holds the RMX's
// symptom. The same call from a client that may go unencrypted connects.
func TestTraditionalVideoNotAccepted(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, d, dm, stop := traditional(t, "story-video-not-accepted.yaml", "", true)
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	to := "sip:" + d.RPP.DMA[0].VMRs[0] + "@" + d.Lync.StaticRoutes[0].MatchURI
	call, err := s.Route(ctx, firstUser(d), to)
	if err != nil || call.Status != 488 || call.Diagnostics != `52017;reason="Encryption levels dont match"` {
		t.Fatalf("Route: %+v, %v\n%s", call, err, s.Ladder())
	}
	c := waitCalls(t, dm, func(cs []dmatest.Call) bool { return len(cs) == 1 && cs[0].Ended })[0]
	var e *dmatest.Error
	var re *rmxtest.Error
	if c.Status != 488 || c.MCU != "rmx" || !errors.As(c.Err, &e) || e.Phase != dmatest.PhaseHost || e.Status != 488 ||
		!errors.Is(c.Err, rmx.SymptomVideoNotAccepted) || !errors.Is(c.Err, dmatest.ErrMCURefused) ||
		!errors.As(c.Err, &re) || re.Phase != rmxtest.PhaseCall || !strings.Contains(e.Detail, "52017") {
		t.Errorf("call log %+v, err %v", c, c.Err)
	}
	// The client's leg in the ladder: the Front End answers the user 488
	// with the 52017 the DMA relayed.
	var answered bool
	for _, m := range s.Messages() {
		if m.Direction == lynctest.Out && m.Peer == firstUser(d).String() && strings.HasPrefix(m.StartLine, "SIP/2.0 488") &&
			strings.Contains(m.Text, `ms-client-diagnostics: 52017;reason="Encryption levels dont match"`) {
			answered = true
		}
	}
	if !answered {
		t.Errorf("no 488 with 52017 to the user in the ladder:\n%s", s.Ladder())
	}
	call, err = s.Route(ctx, firstUser(d), to, lynctest.WithClientEncryption(lynctest.SupportEncryption))
	if err != nil || call.Status != 200 {
		t.Fatalf("Route with SupportEncryption: %+v, %v", call, err)
	}
	if _, err := call.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
}

// Without a VMR host the DMA answers a VMR call from Lync itself, as it
// answers endpoints; a number that is no VMR gets its 404.
func TestTraditionalWithoutVMRHost(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, d, dm, stop := traditional(t, "single-site.yaml", "", false)
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	call, err := s.Route(ctx, firstUser(d), "sip:3000@vmr.fabrikam.com")
	if err != nil || call.Status != 200 || !strings.Contains(string(call.Body), "o=DMA ") {
		t.Fatalf("Route: %+v, %v", call, err)
	}
	if _, err := call.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	call, err = s.Route(ctx, firstUser(d), "sip:9999@vmr.fabrikam.com")
	if err != nil || call.Status != 404 {
		t.Fatalf("Route to no VMR: %+v, %v", call, err)
	}
	cs := waitCalls(t, dm, func(cs []dmatest.Call) bool { return len(cs) == 2 && cs[1].Ended })
	var e *dmatest.Error
	if !errors.As(cs[1].Err, &e) || e.Phase != dmatest.PhaseRoute || !errors.Is(cs[1].Err, dmatest.ErrNoRoute) {
		t.Errorf("call log %+v", cs[1])
	}
}

// A static route to a DMA whose certificate is a wildcard (and shared with
// the RMX), or one naming another computer, fails in the handshake: Lync
// never sends the call, and the route's error says why.
func TestTraditionalCertificateRefused(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for _, tc := range []struct {
		example string
		mutate  func(*rpp.Deployment)
		to      string
		why     error
	}{
		{"story-wildcard-certificate.yaml", nil, "sip:5001@vmr.adatum.com", lynctest.ErrWildcardCertificate},
		{"single-site.yaml", func(d *rpp.Deployment) {
			// The DMA presents rmx1's certificate.
			d.RPP.DMA[0].Certificate = d.RPP.RMX[0].Certificate
		}, "sip:3000@vmr.fabrikam.com", lynctest.ErrNameMismatch},
	} {
		t.Run(tc.example, func(t *testing.T) {
			s, d := lab(t, tc.example)
			defer s.Close()
			if tc.mutate != nil {
				tc.mutate(d)
			}
			dm := startLabDMA(t, s, d.RPP.DMA[0])
			defer dm.Close()
			call, err := s.Route(context.Background(), firstUser(d), tc.to)
			if call != nil || !errors.Is(err, lynctest.ErrDeviceCertificate) || !errors.Is(err, tc.why) {
				t.Fatalf("Route: %+v, %v; want %v", call, err, tc.why)
			}
			if n := len(dm.Calls()); n != 0 {
				t.Errorf("the DMA got %d calls", n)
			}
		})
	}
}

// rmxMCU is an RMX stand-in as one MCU that both cascades and hosts VMRs.
type rmxMCU struct{ r *rmxtest.RMX }

func (m rmxMCU) Cascade(ctx context.Context, focus lync.ConferenceURI) (dmatest.Link, error) {
	return m.r.Cascade(ctx, focus)
}

func (m rmxMCU) HostVMR(ctx context.Context, vmr string, offer []byte) ([]byte, dmatest.Link, error) {
	return vmrHost(m.r)(ctx, vmr, offer)
}

// An MCU given with WithMCU that implements VMRHost hosts the VMRs too.
func TestTraditionalMCUThatHostsVMRs(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, d := lab(t, "single-site.yaml")
	defer s.Close()
	r, err := rmxtest.ForLab(s, d.RPP.RMX[0], rmxtest.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	dm, err := dmatest.ForLab(s, d.RPP.DMA[0], dmatest.WithLogger(quiet), dmatest.WithMCU("rmx1", rmxMCU{r}))
	if err != nil {
		t.Fatal(err)
	}
	defer dm.Close()
	if _, err := dm.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.SetComputerAddress(d.RPP.DMA[0].FQDN, d.RPP.DMA[0].SIPPort(), dm.TLSAddr())
	call, err := s.Route(context.Background(), firstUser(d), "sip:3001@vmr.fabrikam.com")
	if err != nil || call.Status != 200 || !strings.Contains(string(call.Body), "o=RMX ") {
		t.Fatalf("Route: %+v, %v", call, err)
	}
	if _, err := call.Hangup(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitCalls(t, dm, func(cs []dmatest.Call) bool { return cs[0].Ended && cs[0].MCU == "rmx1" })
}
