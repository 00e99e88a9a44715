package dmatest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rppkit/rppkit/dma/dmatest"
	"github.com/rppkit/rppkit/lync"
	"github.com/rppkit/rppkit/lync/lynctest"
	"github.com/rppkit/rppkit/rmx"
	"github.com/rppkit/rppkit/rmx/rmxtest"
)

// realConnect starts the two-site lab with a meeting of alice's (dial-in
// ID 4411223), rmx-east with ICE up, and dma-east driving it; it returns
// the DMA's address and a function that stops everything (deferred by the
// caller after goleak's check, which t.Cleanup would run too late for).
func realConnect(t *testing.T) (*lynctest.Server, *lynctest.Meeting, *dmatest.DMA, string, func()) {
	t.Helper()
	s, d := lab(t, "two-site.yaml")
	m, err := s.CreateMeeting(alice(t), lynctest.WithDialInID("4411223"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := rmxtest.ForLab(s, d.RPP.RMX[0], rmxtest.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if st, err := r.Start(context.Background()); err != nil || st.State != rmxtest.StateReady {
		t.Fatalf("rmx-east: %+v, %v", st, err)
	}
	mcu := dmatest.MCUFunc(func(ctx context.Context, focus lync.ConferenceURI) (dmatest.Link, error) {
		return r.Cascade(ctx, focus)
	})
	dm, err := dmatest.ForLab(s, d.RPP.DMA[0], dmatest.WithMCU(d.RPP.RMX[0].Name, mcu), dmatest.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dm.Close() })
	addr, err := dm.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s, m, dm, addr, func() { dm.Close(); r.Close(); s.Close() }
}

// The whole RealConnect chain: a standards endpoint dials the meeting's
// conference ID, the DMA resolves it through Lync, rmx-east joins the
// focus and cascades into the AV MCU through the Edge relay, the endpoint's
// call connects; its BYE ends the cascade.
func TestRealConnectEndToEnd(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, m, dm, addr, stop := realConnect(t)
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	call, err := dmatest.Dial(ctx, addr, "4411223", dmatest.WithDialLogger(quiet))
	if err != nil {
		t.Fatalf("Dial: %v\n%s", err, s.Ladder())
	}
	defer call.Close()
	roster := m.Roster()
	if len(roster) != 1 || roster[0].Media != lynctest.MediaConnected || roster[0].BytesIn == 0 ||
		roster[0].LocalCandidate != "relay" || roster[0].RemoteCandidate != "relay" {
		t.Errorf("the AV MCU's roster: %+v", roster)
	}
	c := dm.Calls()[0]
	if !c.Focus.Equal(m.Focus) || c.MCU != "rmx-east" || c.Status != 200 {
		t.Errorf("call log %+v", c)
	}
	// The cascade behind the call, as the lab reads it.
	if cascade, ok := c.Link.(*rmxtest.Cascade); !ok {
		t.Errorf("call log's Link is %T, want the RMX's *rmxtest.Cascade", c.Link)
	} else if st := cascade.Stats(); st.BytesSent == 0 || st.BytesReceived == 0 || st.Local.Type != "relay" || st.Remote.Type != "relay" {
		t.Errorf("the cascade's media: %+v", st)
	}
	if err := call.Hangup(ctx); err != nil {
		t.Fatal(err)
	}
	waitCalls(t, dm, func(cs []dmatest.Call) bool { return cs[0].Ended })
	if roster := m.Roster(); roster[0].Media != lynctest.MediaEnded || roster[0].JoinedFocus {
		t.Errorf("after the endpoint's BYE the roster says %+v", roster)
	}
	// The endpoint's side of the call, which no Lync stand-in sees, is the
	// DMA's to record: in order, and none of Lync's MTLS traffic. Over UDP
	// the endpoint retransmits a request the DMA is slow to answer (RFC
	// 3261 §17.1.1.2, after 500 ms — a loaded machine) and its ACK for
	// each 200 the DMA retransmits: the recording has them, the same bytes
	// again, which are left out here.
	var got []string
	seen := map[string]bool{}
	for _, msg := range dm.Messages() {
		if msg.Server != "dma-east.contoso.com" || msg.Peer != "sip:room@example.com" {
			t.Errorf("recorded %s between %s and %s", msg.StartLine, msg.Server, msg.Peer)
		}
		if msg.Direction == lynctest.In && seen[msg.Text] {
			continue
		}
		seen[msg.Text] = true
		got = append(got, string(msg.Direction)+" "+strings.Fields(msg.StartLine)[0]+" "+strings.Fields(msg.StartLine)[1])
	}
	want := []string{"in INVITE sip:4411223@127.0.0.1", "out SIP/2.0 100", "out SIP/2.0 200", "in ACK sip:dma@127.0.0.1", "in BYE sip:dma@127.0.0.1", "out SIP/2.0 200"}
	if len(got) != len(want) {
		t.Fatalf("the DMA recorded %q, want %q", got, want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("message %d: %q, want %q…", i, got[i], want[i])
		}
	}
}

// The encryption story end to end: rmx-east's profile never encrypts, the
// meeting requires encryption, the AV MCU refuses the cascade and the DMA
// refuses the endpoint at the cascade phase, with the RMX's symptom.
func TestRealConnectVideoNotAccepted(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, d := lab(t, "two-site.yaml")
	if _, err := s.CreateMeeting(alice(t), lynctest.WithDialInID("4411223")); err != nil {
		t.Fatal(err)
	}
	sys := d.RPP.RMX[0]
	sys.ConferenceProfiles = []rmx.ConferenceProfile{{Name: "lync-hd", Encryption: rmx.EncryptNone}}
	r, err := rmxtest.ForLab(s, sys, rmxtest.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	dm, err := dmatest.ForLab(s, d.RPP.DMA[0], dmatest.WithLogger(quiet), dmatest.WithMCU(sys.Name, dmatest.MCUFunc(
		func(ctx context.Context, focus lync.ConferenceURI) (dmatest.Link, error) {
			return r.Cascade(ctx, focus)
		})))
	if err != nil {
		t.Fatal(err)
	}
	defer dm.Close()
	addr, err := dm.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if call, err := dmatest.Dial(ctx, addr, "4411223", dmatest.WithDialLogger(quiet)); err == nil {
		call.Close()
		t.Fatal("the call connected")
	}
	c := dm.Calls()[0]
	var e *dmatest.Error
	if !errors.As(c.Err, &e) || e.Phase != dmatest.PhaseCascade || c.Status != 503 || !errors.Is(c.Err, rmx.SymptomVideoNotAccepted) {
		t.Errorf("call log %+v (err %v), want 503 at the cascade phase with %q", c, c.Err, rmx.SymptomVideoNotAccepted.Text)
	}
}
